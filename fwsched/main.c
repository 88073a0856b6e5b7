// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched: a scheduler for firmware-scheduled GPUs.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/module.h>
#include <linux/rcupdate.h>

#include "internal.h"

static int __init fwsched_init(void)
{
	pr_debug("fwsched %s loaded\n", FWSCHED_VERSION);
	return 0;
}

static void __exit fwsched_exit(void)
{
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
