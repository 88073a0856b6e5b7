// SPDX-License-Identifier: GPL-2.0
/*
 * Planted faults of the execution modes (&fwsched_queue_args.exec): each
 * is a driver breaking the rule of its queue's mode, which a debug kernel
 * must report.  "plant" picks one:
 *
 *   sleep  run_job blocks on a completion on the runners: a warning
 *   mutex  run_job takes a mutex on the runners: lockdep (wait context)
 *   free   free_job, not deferred, takes a lock held elsewhere around a
 *          GFP_KERNEL allocation (a buffer object's): lockdep
 *   alloc  run_job allocates with GFP_KERNEL: lockdep, in any mode
 *          ("exec" picks it; exec-alloc-kthread.plan runs it where
 *          callbacks may sleep)
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/completion.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <fwsched/queue.h>

static char *plant = "sleep";
module_param(plant, charp, 0444);
MODULE_PARM_DESC(plant, "sleep, mutex, free or alloc");
static int exec;
module_param(exec, int, 0444);
MODULE_PARM_DESC(exec, "enum fwsched_exec of the queue");

static DEFINE_MUTEX(bo_lock);

struct bad_job {
	struct fwsched_job base;
};

static struct dma_fence *bad_run(struct fwsched_job *job)
{
	struct completion done;
	void *p;

	if (!strcmp(plant, "sleep")) {
		/* A firmware acknowledgment that takes a moment: blocks. */
		init_completion(&done);
		wait_for_completion_timeout(&done, 2);
	} else if (!strcmp(plant, "mutex")) {
		mutex_lock(&bo_lock);
		mutex_unlock(&bo_lock);
	} else if (!strcmp(plant, "alloc")) {
		p = kmalloc(64, GFP_KERNEL);
		kfree(p);
	}
	return NULL;
}

static void bad_free(struct fwsched_job *job)
{
	if (!strcmp(plant, "free")) {
		mutex_lock(&bo_lock);
		mutex_unlock(&bo_lock);
	}
	kfree(container_of(job, struct bad_job, base));
}

static const struct fwsched_queue_ops bad_ops = {
	.run_job = bad_run,
	.free_job = bad_free,
};

static int __init bad_init(void)
{
	struct fwsched_queue_args args = {
		.ops = &bad_ops, .name = "selftest", .driver_name = "fwsched-selftest",
		.credit_limit = 1, .exec = exec,
	};
	struct fwsched_queue *q;
	struct bad_job *job;
	struct dma_fence *f;
	void *p;

	/* The buffer object's lock is held around GFP_KERNEL elsewhere. */
	mutex_lock(&bo_lock);
	p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	mutex_unlock(&bo_lock);

	q = fwsched_queue_create(&args);
	if (IS_ERR(q))
		return PTR_ERR(q);
	job = kzalloc_obj(*job, GFP_KERNEL);
	if (!job || fwsched_job_init(&job->base, q, 1, 0)) {
		kfree(job);
		fwsched_queue_destroy(q);
		return -ENOMEM;
	}
	fwsched_job_arm(&job->base);
	f = dma_fence_get(fwsched_job_finished(&job->base));
	fwsched_job_push(&job->base);
	dma_fence_wait_timeout(f, false, 10 * HZ);
	dma_fence_put(f);
	fwsched_queue_destroy(q);
	return 0;
}

static void __exit bad_exit(void)
{
}

module_init(bad_init);
module_exit(bad_exit);
MODULE_DESCRIPTION("fwsched harness self-check: callbacks breaking their mode's rule");
MODULE_LICENSE("GPL");
