// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched: a scheduler for firmware-scheduled GPUs.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "internal.h"

/*
 * The default workqueue of queues whose driver passes none.  It runs the
 * fence-signalling path, so it must make progress under memory pressure.
 */
struct workqueue_struct *fwsched_wq;
/* fwsched_queue_destroy_async(): waits for hardware, so not in reclaim. */
struct workqueue_struct *fwsched_destroy_wq;

static int __init fwsched_init(void)
{
	fwsched_wq = alloc_workqueue("fwsched", WQ_MEM_RECLAIM | WQ_HIGHPRI | WQ_PERCPU, 0);
	if (!fwsched_wq)
		return -ENOMEM;
	fwsched_destroy_wq = alloc_workqueue("fwsched_destroy", WQ_UNBOUND, 0);
	if (!fwsched_destroy_wq) {
		destroy_workqueue(fwsched_wq);
		return -ENOMEM;
	}
	return 0;
}

static void __exit fwsched_exit(void)
{
	destroy_workqueue(fwsched_destroy_wq);
	destroy_workqueue(fwsched_wq);
	/*
	 * A reader may be inside dma_fence_timeline_name() on a fence that
	 * was signalled a moment ago, still holding our ops pointer, and the
	 * last timelines may still wait for their RCU free: let both finish
	 * before our text goes away.
	 */
	synchronize_rcu();
	rcu_barrier();
}

module_init(fwsched_init);
module_exit(fwsched_exit);

MODULE_DESCRIPTION("Scheduler for firmware-scheduled GPUs");
MODULE_AUTHOR("The fwsched authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(FWSCHED_VERSION);
