// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault: a driver bug that fwsched answers with a WARN (arming a
 * job twice), and nothing else.  Every test bed must report it: a kernel
 * built without CONFIG_BUG prints nothing for WARN_ON(), and the x86_64
 * bed once was such a kernel.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/module.h>
#include <linux/slab.h>

#include <fwsched/queue.h>

static struct dma_fence *warn_run_job(struct fwsched_job *job)
{
	return NULL;
}

static void warn_free_job(struct fwsched_job *job)
{
	kfree(job);
}

static const struct fwsched_queue_ops warn_ops = {
	.run_job = warn_run_job,
	.free_job = warn_free_job,
};

static int __init warn_misuse_init(void)
{
	struct fwsched_queue_args args = {
		.ops = &warn_ops, .name = "selftest", .driver_name = "selftest",
		.credit_limit = 1,
	};
	struct fwsched_queue *q = fwsched_queue_create(&args);
	struct fwsched_job *job;
	int ret = -ENOMEM;

	if (IS_ERR(q))
		return PTR_ERR(q);
	job = kzalloc_obj(*job, GFP_KERNEL);
	if (!job)
		goto out;
	ret = fwsched_job_init(job, q, 1, 0);
	if (ret) {
		kfree(job);
		goto out;
	}
	fwsched_job_arm(job);
	fwsched_job_arm(job);	/* planted: armed twice, fwsched warns */
	fwsched_job_cleanup(job);
	kfree(job);
out:
	fwsched_queue_destroy(q);
	return ret;
}

static void __exit warn_misuse_exit(void)
{
}

module_init(warn_misuse_init);
module_exit(warn_misuse_exit);

MODULE_DESCRIPTION("fwsched harness self-check: an API misuse that warns");
MODULE_LICENSE("GPL");
