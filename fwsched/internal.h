/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwsched internals shared between its source files; not for drivers.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#ifndef _FWSCHED_INTERNAL_H_
#define _FWSCHED_INTERNAL_H_

#include <linux/dma-fence.h>
#include <linux/fault-inject.h>
#include <linux/lockdep.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <fwsched/fence.h>
#include <fwsched/slot.h>

#define FWSCHED_VERSION "0.1"

/* fence.c */
struct fwsched_fence *fwsched_fence_alloc_extra(size_t extra, gfp_t gfp);
void __fwsched_fence_arm(struct fwsched_fence *fence, struct fwsched_timeline *tl,
			 bool finished);
void fwsched_fence_lockdep_class(struct dma_fence *f, bool finished);

/* queue.c: dma_fence_set_deadline() on a queue's finished fence. */
void fwsched_finished_set_deadline(struct fwsched_fence *f, ktime_t deadline);

/* queue.c: the job timeout stops counting while one of these holds. */
#define FWSCHED_TIMEOUT_PAUSE_SLOT		BIT(0)	/* no firmware slot bound */
#define FWSCHED_TIMEOUT_PAUSE_DRIVER	BIT(1)	/* fwsched_queue_suspend_timeout() */
void fwsched_queue_timeout_pause(struct fwsched_queue *q, u8 reason, bool pause);

/* main.c: the lockdep map of the signalling path, primed against reclaim. */
#ifdef CONFIG_DEBUG_LOCK_ALLOC
extern struct lockdep_map fwsched_signalling_map;
#define fwsched_signalling_acquire() lock_map_acquire(&fwsched_signalling_map)
#define fwsched_signalling_release() lock_map_release(&fwsched_signalling_map)
#else
#define fwsched_signalling_acquire() do { } while (0)
#define fwsched_signalling_release() do { } while (0)
#endif

/*
 * The signalling path: the work item and every driver callback fwsched
 * makes that a fence waits for.  Both the dma-fence core's map and ours.
 */
static inline bool fwsched_signalling_begin(void)
{
	fwsched_signalling_acquire();
	return dma_fence_begin_signalling();
}

static inline void fwsched_signalling_end(bool cookie)
{
	dma_fence_end_signalling(cookie);
	fwsched_signalling_release();
}

/*
 * main.c: per-call-site fault injection.  Every allocation fwsched makes
 * asks first; a test fails the n-th one with current->fail_nth, or all of
 * them at random through debugfs fail_fwsched/.  Only fwsched's own sites
 * consume fail_nth (failslab ignores GFP_KERNEL by default), so kmemleak's
 * bookkeeping allocations are never the ones that fail.
 */
#ifdef CONFIG_FAULT_INJECTION
extern struct fault_attr fwsched_fail_alloc;
static inline bool fwsched_should_fail_alloc(size_t size)
{
	return should_fail(&fwsched_fail_alloc, size);
}
#else
static inline bool fwsched_should_fail_alloc(size_t size)
{
	return false;
}
#endif

/* slot.c: the queue's side of its slot pool; see there. */
struct fwsched_queue;
void fwsched_slot_attach(struct fwsched_queue *q, struct fwsched_slot_pool *pool,
			 enum fwsched_priority prio);
void fwsched_slot_quiesce(struct fwsched_queue *q);
void fwsched_slot_detach(struct fwsched_queue *q);
bool fwsched_slot_acquire(struct fwsched_queue *q);
void fwsched_slot_update(struct fwsched_queue *q, bool idle, bool more);
void fwsched_slot_set_prio(struct fwsched_queue *q, enum fwsched_priority prio);

/* debug.c: the list of queues behind debugfs. */
void fwsched_debug_add(struct fwsched_queue *q);
void fwsched_debug_remove(struct fwsched_queue *q);
void fwsched_debugfs_init(void);
void fwsched_debugfs_exit(void);

/* main.c: fwsched's own workqueues. */
extern struct workqueue_struct *fwsched_wq;
extern struct workqueue_struct *fwsched_destroy_wq;
extern struct workqueue_struct *fwsched_timeout_wq;

#endif /* _FWSCHED_INTERNAL_H_ */
