// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched_sample_drm: the drm_sched twin of the e2e scenario, recorded for
 * comparison, never asserted.  One drm_gpu_scheduler and entity (a firmware
 * ring as drivers set it up today), one job whose hardware fence an hrtimer
 * signals; its finished fence is hung on fwsched_e2e_buf's dma-buf, which
 * stays when this module and gpu-sched are unloaded.  The plan then reads
 * /sys/kernel/debug/dma_buf/bufinfo, as the 2023 crash report did.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <drm/gpu_scheduler.h>
#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "e2e_buf.h"

struct twin_job {
	struct drm_sched_job base;
	struct dma_fence hw;
	spinlock_t lock;	/* @hw */
};

static struct drm_gpu_scheduler twin_sched;
static struct drm_sched_entity twin_entity;
static struct device *twin_dev;
static struct hrtimer twin_timer;
static struct twin_job *twin_running;

static const char *twin_name(struct dma_fence *f)
{
	return "fwsched_sample_drm_fw";
}

static const struct dma_fence_ops twin_hw_ops = {
	.get_driver_name = twin_name,
	.get_timeline_name = twin_name,
};

static enum hrtimer_restart twin_irq(struct hrtimer *t)
{
	dma_fence_signal(&READ_ONCE(twin_running)->hw);
	return HRTIMER_NORESTART;
}

static struct dma_fence *twin_run(struct drm_sched_job *job)
{
	struct twin_job *j = container_of(job, struct twin_job, base);

	spin_lock_init(&j->lock);
	dma_fence_init(&j->hw, &twin_hw_ops, &j->lock, dma_fence_context_alloc(1), 1);
	WRITE_ONCE(twin_running, j);
	hrtimer_start(&twin_timer, us_to_ktime(1000), HRTIMER_MODE_REL);
	return dma_fence_get(&j->hw);
}

static void twin_free(struct drm_sched_job *job)
{
	drm_sched_job_cleanup(job);
	/* The hardware fence is embedded: the job lives as long as it does. */
	dma_fence_put(&container_of(job, struct twin_job, base)->hw);
}

static enum drm_gpu_sched_stat twin_timedout(struct drm_sched_job *job)
{
	return DRM_GPU_SCHED_STAT_NO_HANG;
}

static const struct drm_sched_backend_ops twin_ops = {
	.run_job = twin_run,
	.free_job = twin_free,
	.timedout_job = twin_timedout,
};

static int __init twin_init(void)
{
	struct drm_sched_init_args args = {
		.ops = &twin_ops, .num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = 4, .timeout = MAX_SCHEDULE_TIMEOUT, .name = "twin",
	};
	struct drm_gpu_scheduler *list[] = { &twin_sched };
	struct dma_fence *finished;
	struct twin_job *j;
	int ret;

	hrtimer_setup(&twin_timer, twin_irq, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	twin_dev = root_device_register("fwsched_sample_drm");
	if (IS_ERR(twin_dev))
		return PTR_ERR(twin_dev);
	args.dev = twin_dev;
	ret = drm_sched_init(&twin_sched, &args);
	if (ret)
		goto err_dev;
	ret = drm_sched_entity_init(&twin_entity, DRM_SCHED_PRIORITY_NORMAL, list, 1, NULL);
	if (ret)
		goto err_sched;
	j = kzalloc_obj(*j, GFP_KERNEL);
	ret = j ? drm_sched_job_init(&j->base, &twin_entity, 1, NULL, 0) : -ENOMEM;
	if (ret) {
		kfree(j);
		goto err_entity;
	}
	drm_sched_job_arm(&j->base);
	finished = dma_fence_get(&j->base.s_fence->finished);
	drm_sched_entity_push_job(&j->base);
	if (dma_fence_wait_timeout(finished, false, 5 * HZ) <= 0)
		pr_err("fwsched_sample_drm: job never finished\n");
	ret = fwsched_e2e_buf_keep(finished);
	pr_info("FWSCHED-RECORD: drm_sched finished fence %llu:%llu kept on a dma-buf (%d)\n",
		finished->context, finished->seqno, ret);
	dma_fence_put(finished);
	return 0;

err_entity:
	drm_sched_entity_destroy(&twin_entity);
err_sched:
	drm_sched_fini(&twin_sched);
err_dev:
	root_device_unregister(twin_dev);
	return ret;
}

static void __exit twin_exit(void)
{
	drm_sched_entity_destroy(&twin_entity);
	drm_sched_fini(&twin_sched);
	hrtimer_cancel(&twin_timer);
	root_device_unregister(twin_dev);
}

module_init(twin_init);
module_exit(twin_exit);
MODULE_DESCRIPTION("fwsched e2e: the drm_sched twin, for the record");
MODULE_LICENSE("GPL");
