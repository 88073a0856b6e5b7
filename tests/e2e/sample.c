// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched_sample: how to use fwsched in a firmware-GPU driver.
 *
 * The "GPU" is a mock: each queue is a firmware ring whose jobs an hrtimer
 * completes, in interrupt context, after each job's duration; the whole
 * device has SAMPLE_SLOTS firmware slots.  Userspace drives it through
 * /dev/fwsched_sample (sample_uapi.h): create and destroy queues, submit
 * jobs that wait for sync_files, get each job's finished fence back as a
 * sync_file (which userspace may attach to a dma-buf with
 * DMA_BUF_IOCTL_IMPORT_SYNC_FILE).  Everything a queue holds is torn down
 * when its file is closed, also when the process is killed.
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

#define SAMPLE_QUEUES	8	/* per open file */
#define SAMPLE_SLOTS	2	/* firmware slots of the device */

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

struct sample_file {
	struct mutex lock;		/* @rings: ioctls against close */
	struct sample_ring *rings[SAMPLE_QUEUES];
};

static struct fwsched_slot_pool *sample_pool;

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

	if (!next)
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
	if (start)
		hrtimer_start(&ring->timer, us_to_ktime(job->duration_us),
			      HRTIMER_MODE_REL_HARD);
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
static void sample_cancel_inflight(struct fwsched_queue *q)
{
	struct sample_ring *ring = fwsched_queue_priv(q);

	hrtimer_cancel(&ring->timer);
	while (sample_complete(ring, -ECANCELED))
		;
}

static const struct fwsched_queue_ops sample_ops = {
	.run_job = sample_run_job,
	.free_job = sample_free_job,
	.cancel_inflight = sample_cancel_inflight,
};

static void sample_ring_destroy(struct sample_ring *ring)
{
	fwsched_queue_destroy(ring->q);	/* cancels, waits, frees every job */
	hrtimer_cancel(&ring->timer);
	fwsched_timeline_destroy(ring->hw_tl);
	kfree(ring);
}

static int sample_create(struct sample_file *sf, struct sample_create __user *uarg)
{
	struct sample_create c;
	struct fwsched_queue_args args = {
		.ops = &sample_ops, .driver_name = "fwsched_sample",
		.pool = sample_pool,
	};
	struct sample_ring *ring;
	char name[32];
	int id;

	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	if (c.priority >= FWSCHED_PRIO_COUNT || !c.ring_size || c.ring_size > 64)
		return -EINVAL;
	for (id = 0; id < SAMPLE_QUEUES && sf->rings[id]; id++)
		;
	if (id == SAMPLE_QUEUES)
		return -ENOSPC;
	ring = kzalloc_obj(*ring, GFP_KERNEL);
	if (!ring)
		return -ENOMEM;
	spin_lock_init(&ring->lock);
	INIT_LIST_HEAD(&ring->hw_jobs);
	hrtimer_setup(&ring->timer, sample_irq, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	snprintf(name, sizeof(name), "sample-%d-%d", task_tgid_nr(current), id);
	ring->hw_tl = fwsched_timeline_create("fwsched_sample_fw", name);
	args.name = name;
	args.priority = c.priority;
	args.credit_limit = c.ring_size;
	args.priv = ring;
	ring->q = IS_ERR(ring->hw_tl) ? ERR_CAST(ring->hw_tl) : fwsched_queue_create(&args);
	if (IS_ERR(ring->q)) {
		int ret = PTR_ERR(ring->q);

		if (!IS_ERR(ring->hw_tl))
			fwsched_timeline_destroy(ring->hw_tl);
		kfree(ring);
		return ret;
	}
	c.id = id;
	if (copy_to_user(uarg, &c, sizeof(c))) {
		sample_ring_destroy(ring);
		return -EFAULT;
	}
	sf->rings[id] = ring;
	return 0;
}

static int sample_submit(struct sample_file *sf, struct sample_submit __user *uarg)
{
	struct sync_file *sync = NULL;
	struct sample_submit s;
	struct sample_job *job;
	int i, fd = -1, ret;

	if (copy_from_user(&s, uarg, sizeof(s)))
		return -EFAULT;
	if (s.queue >= SAMPLE_QUEUES || !sf->rings[s.queue] || s.duration_us > USEC_PER_SEC)
		return -EINVAL;
	job = kzalloc_obj(*job, GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	job->ring = sf->rings[s.queue];
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
		ret = sync ? 0 : -ENOMEM;
	}
	if (ret) {
		if (fd >= 0)
			put_unused_fd(fd);
		fwsched_job_cleanup(&job->base);	/* signals it if armed */
		sample_free_job(&job->base);
		return ret;
	}
	fwsched_job_push(&job->base);	/* cannot fail for lack of memory */
	s.out_fd = fd;
	if (copy_to_user(uarg, &s, sizeof(s))) {
		put_unused_fd(fd);
		fput(sync->file);
		return -EFAULT;
	}
	fd_install(fd, sync->file);
	return 0;
}

static long sample_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct sample_file *sf = file->private_data;
	void __user *uarg = (void __user *)arg;
	u32 id;
	long ret;

	mutex_lock(&sf->lock);
	switch (cmd) {
	case SAMPLE_IOC_CREATE:
		ret = sample_create(sf, uarg);
		break;
	case SAMPLE_IOC_SUBMIT:
		ret = sample_submit(sf, uarg);
		break;
	case SAMPLE_IOC_DESTROY:
		ret = get_user(id, (u32 __user *)uarg);
		if (!ret && (id >= SAMPLE_QUEUES || !sf->rings[id]))
			ret = -EINVAL;
		if (!ret) {
			sample_ring_destroy(sf->rings[id]);
			sf->rings[id] = NULL;
		}
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&sf->lock);
	return ret;
}

static int sample_open(struct inode *inode, struct file *file)
{
	struct sample_file *sf = kzalloc_obj(*sf, GFP_KERNEL);

	if (!sf)
		return -ENOMEM;
	mutex_init(&sf->lock);
	file->private_data = sf;
	return 0;
}

/* Also when the process is killed: no queue outlives its file. */
static int sample_release(struct inode *inode, struct file *file)
{
	struct sample_file *sf = file->private_data;
	int i;

	for (i = 0; i < SAMPLE_QUEUES; i++)
		if (sf->rings[i])
			sample_ring_destroy(sf->rings[i]);
	mutex_destroy(&sf->lock);
	kfree(sf);
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
