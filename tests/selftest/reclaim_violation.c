// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault: a driver whose run_job allocates with GFP_KERNEL, on the
 * fence-signalling path.  Reclaim never has to happen for lockdep to report
 * it: fwsched primed its signalling map against fs_reclaim at load.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/module.h>
#include <linux/slab.h>

#include <fwsched/queue.h>

struct bad_job {
	struct fwsched_job base;
};

static struct dma_fence *bad_run(struct fwsched_job *job)
{
	void *p = kmalloc(64, GFP_KERNEL);	/* the bug */

	kfree(p);
	return NULL;
}

static void bad_free(struct fwsched_job *job)
{
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
		.credit_limit = 1,
	};
	struct fwsched_queue *q = fwsched_queue_create(&args);
	struct bad_job *job;
	struct dma_fence *f;

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
MODULE_DESCRIPTION("fwsched harness self-check: GFP_KERNEL on the signalling path");
MODULE_LICENSE("GPL");
