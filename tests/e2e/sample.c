// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched_sample: how to use fwsched in a firmware-GPU driver.
 *
 * The "GPU" is a mock: each queue is a firmware ring whose jobs an hrtimer
 * completes, in interrupt context, after each job's duration; the whole
 * device has SAMPLE_SLOTS firmware slots.  Userspace drives it through
 * /dev/fwsched_sample (sample_uapi.h): each open file is one queue; submit
 * jobs that wait for sync_files and get each job's finished fence back as
 * a sync_file (which may go on a dma-buf with DMA_BUF_IOCTL_IMPORT_SYNC_FILE);
 * change the queue's priority.  Closing the file destroys the queue, also
 * when the process is killed.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>

#include <fwsched/queue.h>
#include <fwsched/slot.h>

#include "sample_uapi.h"

#define SAMPLE_SLOTS	2	/* firmware slots of the device */
#define SAMPLE_CREDITS	16	/* ring size */

/* One firmware ring: its fwsched queue and its "hardware". */
struct sample_ring {
	struct fwsched_queue *q;
	struct fwsched_timeline *hw_tl;	/* issues our hardware fences */
	spinlock_t lock;		/* @hw_jobs; taken from the hrtimer */
	struct list_head hw_jobs;	/* on the firmware, oldest first */
	struct hrtimer timer;		/* completes the oldest job */
};

/* Our job embeds fwsched's.  Everything is allocated at submit. */
struct sample_job {
	struct fwsched_job base;
	struct sample_ring *ring;
	struct fwsched_fence *hw;	/* run_job must not allocate */
	struct list_head link;		/* &sample_ring.hw_jobs */
	u32 duration_us;
};

static struct fwsched_slot_pool *sample_pool;
static atomic_t sample_seq;		/* names the queues */

/* The firmware completes the oldest job on @ring; returns the next one. */
static struct sample_job *sample_complete(struct sample_ring *ring, int error)
{
	struct sample_job *job, *next;
	unsigned long flags;

	spin_lock_irqsave(&ring->lock, flags);
	job = list_first_entry_or_null(&ring->hw_jobs, struct sample_job, link);
	if (job)
		list_del_init(&job->link);
	next = list_first_entry_or_null(&ring->hw_jobs, struct sample_job, link);
	spin_unlock_irqrestore(&ring->lock, flags);
	if (job)	/* fwsched signals the finished fence right from here */
		fwsched_fence_signal(job->hw, error);
	return next;
}

/* The completion interrupt. */
static enum hrtimer_restart sample_irq(struct hrtimer *t)
{
	struct sample_ring *ring = container_of(t, struct sample_ring, timer);
	struct sample_job *next = sample_complete(ring, 0);

	if (!next || next->duration_us == SAMPLE_HANG)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, us_to_ktime(next->duration_us));
	return HRTIMER_RESTART;
}

/*
 * fwsched calls this in submission order once the job's dependencies have
 * signalled, the ring has room and the queue holds a firmware slot.  It is
 * on the fence-signalling path: no GFP_KERNEL, no locks held around one.
 */
static struct dma_fence *sample_run_job(struct fwsched_job *base)
{
	struct sample_job *job = container_of(base, struct sample_job, base);
	struct sample_ring *ring = job->ring;
	unsigned long flags;
	bool start;

	fwsched_fence_arm(job->hw, ring->hw_tl);
	spin_lock_irqsave(&ring->lock, flags);
	start = list_empty(&ring->hw_jobs);
	list_add_tail(&job->link, &ring->hw_jobs);
	spin_unlock_irqrestore(&ring->lock, flags);
	if (start && job->duration_us != SAMPLE_HANG)
		hrtimer_start(&ring->timer, us_to_ktime(job->duration_us),
			      HRTIMER_MODE_REL);
	return dma_fence_get(&job->hw->base);	/* fwsched drops it on signal */
}

/* fwsched is done with the job; only our own memory is left. */
static void sample_free_job(struct fwsched_job *base)
{
	struct sample_job *job = container_of(base, struct sample_job, base);

	fwsched_fence_free(job->hw);
	kfree(job);
}

/* Destroy with jobs on the firmware: reset the ring, fail them. */
static void sample_cancel_in_flight(struct fwsched_queue *q)
{
	struct sample_ring *ring = fwsched_queue_priv(q);

	hrtimer_cancel(&ring->timer);
	while (sample_complete(ring, -ECANCELED))
		;
}

static const struct fwsched_queue_ops sample_ops = {
	.run_job = sample_run_job,
	.free_job = sample_free_job,
	.cancel_in_flight = sample_cancel_in_flight,
};

static void sample_ring_destroy(struct sample_ring *ring)
{
	fwsched_queue_destroy(ring->q);	/* cancels, waits, frees every job */
	hrtimer_cancel(&ring->timer);
	fwsched_timeline_destroy(ring->hw_tl);
	kfree(ring);
}

static int sample_submit(struct sample_ring *ring, struct sample_submit __user *uarg)
{
	struct sync_file *sync = NULL;
	struct sample_submit s;
	struct sample_job *job;
	int i, fd = -1, ret;

	if (copy_from_user(&s, uarg, sizeof(s)))
		return -EFAULT;
	if (s.duration_us > USEC_PER_SEC && s.duration_us != SAMPLE_HANG)
		return -EINVAL;
	job = kzalloc_obj(*job, GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	job->ring = ring;
	job->duration_us = s.duration_us ?: 1;
	INIT_LIST_HEAD(&job->link);
	job->hw = fwsched_fence_alloc(GFP_KERNEL);
	ret = job->hw ? fwsched_job_init(&job->base, job->ring->q, 1, SAMPLE_MAX_DEPS) : -ENOMEM;
	if (ret) {
		fwsched_fence_free(job->hw);
		kfree(job);
		return ret;
	}
	/* Everything that can fail comes before the push. */
	for (i = 0; i < SAMPLE_MAX_DEPS && !ret; i++) {
		struct dma_fence *in = s.in_fds[i] >= 0 ? sync_file_get_fence(s.in_fds[i]) : NULL;

		if (s.in_fds[i] >= 0)
			ret = in ? fwsched_job_add_dependency(&job->base, in) : -EINVAL;
	}
	if (!ret) {
		fd = get_unused_fd_flags(O_CLOEXEC);
		ret = min(fd, 0);
	}
	if (!ret) {
		fwsched_job_arm(&job->base);	/* the finished fence exists now */
		sync = sync_file_create(fwsched_job_finished(&job->base));
		ret = !sync ? -ENOMEM : put_user(fd, &uarg->out_fd) ? -EFAULT : 0;
	}
	if (ret) {
		if (sync)
			fput(sync->file);
		if (fd >= 0)
			put_unused_fd(fd);
		fwsched_job_cleanup(&job->base);	/* signals it if armed */
		sample_free_job(&job->base);
		return ret;
	}
	fwsched_job_push(&job->base);	/* cannot fail for lack of memory */
	fd_install(fd, sync->file);
	return 0;
}

static long sample_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct sample_ring *ring = file->private_data;

	switch (cmd) {
	case SAMPLE_IOC_SUBMIT:
		return sample_submit(ring, (void __user *)arg);
	case SAMPLE_IOC_PRIORITY:	/* takes effect between two jobs */
		if (arg >= FWSCHED_PRIO_COUNT)
			return -EINVAL;
		return fwsched_queue_set_priority(ring->q, arg);
	default:
		return -ENOTTY;
	}
}

/* A new file is a new queue. */
static int sample_open(struct inode *inode, struct file *file)
{
	struct fwsched_queue_args args = {
		.ops = &sample_ops, .driver_name = "fwsched_sample",
		.pool = sample_pool, .credit_limit = SAMPLE_CREDITS,
		.priority = FWSCHED_PRIO_NORMAL,
	};
	struct sample_ring *ring = kzalloc_obj(*ring, GFP_KERNEL);
	char name[32];
	int ret;

	if (!ring)
		return -ENOMEM;
	spin_lock_init(&ring->lock);
	INIT_LIST_HEAD(&ring->hw_jobs);
	hrtimer_setup(&ring->timer, sample_irq, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	snprintf(name, sizeof(name), "sample-%d-%d", task_tgid_nr(current),
		 atomic_inc_return(&sample_seq));
	ring->hw_tl = fwsched_timeline_create("fwsched_sample_fw", name);
	args.name = name;
	args.priv = ring;
	ring->q = IS_ERR(ring->hw_tl) ? ERR_CAST(ring->hw_tl) : fwsched_queue_create(&args);
	ret = PTR_ERR_OR_ZERO(ring->q);
	if (ret) {
		if (!IS_ERR(ring->hw_tl))
			fwsched_timeline_destroy(ring->hw_tl);
		kfree(ring);
		return ret;
	}
	file->private_data = ring;
	return 0;
}

/* Also when the process is killed: the queue goes with its file. */
static int sample_release(struct inode *inode, struct file *file)
{
	sample_ring_destroy(file->private_data);
	return 0;
}

static const struct file_operations sample_fops = {
	.owner = THIS_MODULE,
	.open = sample_open,
	.release = sample_release,
	.unlocked_ioctl = sample_ioctl,
};

static struct miscdevice sample_dev = {
	.minor = MISC_DYNAMIC_MINOR, .name = "fwsched_sample", .fops = &sample_fops,
};

static int __init sample_init(void)
{
	struct fwsched_slot_pool_args pool = { .nr_slots = SAMPLE_SLOTS };
	int ret;

	sample_pool = fwsched_slot_pool_create(&pool);
	if (IS_ERR(sample_pool))
		return PTR_ERR(sample_pool);
	ret = misc_register(&sample_dev);
	if (ret)
		fwsched_slot_pool_destroy(sample_pool);
	return ret;
}

static void __exit sample_exit(void)
{
	misc_deregister(&sample_dev);
	WARN_ON(fwsched_slot_pool_destroy(sample_pool));	/* files are closed */
}

module_init(sample_init);
module_exit(sample_exit);
MODULE_DESCRIPTION("fwsched sample driver: a mock firmware GPU");
MODULE_LICENSE("GPL");
