// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched: a scheduler for firmware-scheduled GPUs.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/debugfs.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/workqueue.h>

#include "internal.h"

#ifdef CONFIG_FAULT_INJECTION
DECLARE_FAULT_ATTR(fwsched_fail_alloc);
#endif
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
static struct dentry *fwsched_fail_dir;
#endif

#ifdef CONFIG_DEBUG_LOCK_ALLOC
static struct lock_class_key fwsched_signalling_key;
struct lockdep_map fwsched_signalling_map =
	STATIC_LOCKDEP_MAP_INIT("fwsched_signalling", &fwsched_signalling_key);
#endif

/*
 * Teach lockdep that memory reclaim may wait for fwsched's work items: a
 * shrinker may wait on a finished fence, which only the work item can get
 * signalled.  After this, a GFP_KERNEL allocation or a reclaim-dependent
 * lock taken inside fwsched_signalling_map (the work item, and the driver
 * callbacks it calls) is reported, whether or not reclaim ever happens.
 * dma_resv_lockdep() primes the dma-fence core's own map the same way.
 */
static void fwsched_lockdep_prime(void)
{
	fs_reclaim_acquire(GFP_KERNEL);
	fwsched_signalling_acquire();
	fwsched_signalling_release();
	fs_reclaim_release(GFP_KERNEL);
}

/*
 * The runners' workqueue (runner.c): they run the queues whose driver
 * passes no workqueue.  It runs the fence-signalling path, so it must make
 * progress under memory pressure.
 */
struct workqueue_struct *fwsched_wq;
/* fwsched_queue_destroy_async(): waits for hardware, so not in reclaim. */
struct workqueue_struct *fwsched_destroy_wq;
/*
 * Job timeouts.  On the signalling path (a hung job's fence is signalled by
 * its timeout), and apart from the queues' workqueues because the handler
 * disables and flushes a queue's work item.
 */
struct workqueue_struct *fwsched_timeout_wq;
/*
 * The work items of the queues of FWSCHED_EXEC_WORK that bring no
 * workqueue (exec.c).  On the signalling path, so WQ_MEM_RECLAIM; apart
 * from the runners' so that sleeping queues never share their pool.
 */
struct workqueue_struct *fwsched_work_wq;
/*
 * Deferred free_job and cancel_job (queue.c, &fwsched_queue_args.defer_free):
 * off the signalling path, but freeing memory, so WQ_MEM_RECLAIM too.
 */
struct workqueue_struct *fwsched_free_wq;

static int __init fwsched_init(void)
{
	int ret = fwsched_fence_init();

	if (ret)
		return ret;
	fwsched_lockdep_prime();
	ret = fwsched_runners_init();
	if (ret)
		return ret;
	fwsched_wq = alloc_workqueue("fwsched", WQ_MEM_RECLAIM | WQ_HIGHPRI | WQ_PERCPU, 0);
	if (!fwsched_wq) {
		fwsched_runners_exit();
		return -ENOMEM;
	}
	fwsched_destroy_wq = alloc_workqueue("fwsched_destroy", WQ_UNBOUND, 0);
	fwsched_timeout_wq = alloc_workqueue("fwsched_timeout", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	fwsched_work_wq = alloc_workqueue("fwsched_work",
					  WQ_MEM_RECLAIM | WQ_HIGHPRI | WQ_PERCPU, 0);
	fwsched_free_wq = alloc_workqueue("fwsched_free", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	ret = -ENOMEM;
	if (fwsched_destroy_wq && fwsched_timeout_wq && fwsched_work_wq && fwsched_free_wq)
		ret = fwsched_workers_init();
	if (ret) {
		if (fwsched_free_wq)
			destroy_workqueue(fwsched_free_wq);
		if (fwsched_work_wq)
			destroy_workqueue(fwsched_work_wq);
		if (fwsched_timeout_wq)
			destroy_workqueue(fwsched_timeout_wq);
		if (fwsched_destroy_wq)
			destroy_workqueue(fwsched_destroy_wq);
		destroy_workqueue(fwsched_wq);
		fwsched_runners_exit();
		return ret;
	}
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	fwsched_fail_dir = fault_create_debugfs_attr("fail_fwsched", NULL,
						     &fwsched_fail_alloc);
#endif
	fwsched_debugfs_init();
	return 0;
}

static void __exit fwsched_exit(void)
{
	fwsched_debugfs_exit();
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	debugfs_remove_recursive(fwsched_fail_dir);
#endif
	fwsched_workers_exit();
	destroy_workqueue(fwsched_free_wq);
	destroy_workqueue(fwsched_work_wq);
	destroy_workqueue(fwsched_timeout_wq);
	destroy_workqueue(fwsched_destroy_wq);
	destroy_workqueue(fwsched_wq);
	fwsched_runners_exit();
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
