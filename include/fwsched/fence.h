/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwsched fences: owner-refcounted dma_fences that detach when they signal.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#ifndef _FWSCHED_FENCE_H_
#define _FWSCHED_FENCE_H_

#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/**
 * DOC: fwsched fences
 *
 * A &struct fwsched_timeline is the owner of a stream of fences: it has a
 * name, a driver name, one dma_fence context and a seqno counter.  A
 * &struct fwsched_fence is a &struct dma_fence issued on a timeline.
 *
 * Lifetime rules, each one enforced by the code:
 *
 * * An armed fence that has not signalled holds a reference on its timeline
 *   and nothing else: never a queue, a scheduler or a device.
 * * While a fence is unsignalled its timeline holds a reference on the fence,
 *   so an unsignalled fence can never be freed; every fence is signalled,
 *   with an error if need be, before its timeline dies
 *   (fwsched_timeline_destroy() signals the stragglers with -ECANCELED).
 * * The fence has no &dma_fence_ops.release and no &dma_fence_ops.wait, uses
 *   the dma_fence's inline lock and sits at offset 0 of its own kmalloc()ed
 *   object.  When it signals, the dma-fence core detaches it from fwsched:
 *   its ops pointer becomes NULL and the core frees it with dma_fence_free().
 *   A signalled fwsched fence therefore depends on no fwsched code or data
 *   and may outlive its timeline, the module that created the timeline, and
 *   fwsched.ko itself.
 * * The timeline copies its names and is freed after an RCU grace period, so
 *   dma_fence_timeline_name() and dma_fence_driver_name() under
 *   rcu_read_lock() are safe against a fence that signals concurrently.
 * * A live timeline holds a reference on fwsched.ko: the module cannot be
 *   unloaded while any fence it issued is still unsignalled.
 *
 * Ordering: within a timeline fences signal in seqno order.  A fence
 * completed with fwsched_fence_signal() while an earlier fence of its
 * timeline is still pending is held back and signals, with its own error,
 * right after the earlier ones; it is never reported before them.  This is
 * what a firmware ring's seqno means and what dma_fence_is_later() based
 * de-duplication relies on.
 *
 * Allocation: fwsched_fence_alloc() is the only allocation.  Arming and
 * signalling allocate nothing, never sleep, and may be called from any
 * context including hard interrupts.  Fence locks are spinlock_t (as for
 * every dma_fence): on PREEMPT_RT that excludes hard interrupt context
 * (HRTIMER_MODE_HARD timers, non-threaded handlers); signal from a threaded
 * handler there.
 */

/**
 * struct fwsched_fence - a dma_fence issued on a &struct fwsched_timeline
 *
 * Lifetime: allocated by fwsched_fence_alloc(); before arming it is freed
 * with fwsched_fence_free(); once armed it is a dma_fence like any other and
 * is freed by the dma-fence core when its last reference is put.
 */
struct fwsched_fence {
	/** @base: the dma_fence; must stay first (freed by dma_fence_free()). */
	struct dma_fence base;
	/**
	 * @tl: the owner, set when armed.  The reference it stands for is
	 * dropped when the fence signals; after that the pointer is only
	 * valid under rcu_read_lock() and only fwsched's name ops use it.
	 */
	struct fwsched_timeline *tl;
	/** @link: entry in &fwsched_timeline.pending; @tl->lock. */
	struct list_head link;
	/** @state: FWSCHED_FENCE_*; @tl->lock once armed. */
	u8 state;
	/** @status: error to signal with, once completed; @tl->lock. */
	int status;
};

struct fwsched_timeline *fwsched_timeline_create(const char *driver_name,
						 const char *name);
void fwsched_timeline_destroy(struct fwsched_timeline *tl);

u64 fwsched_timeline_context(const struct fwsched_timeline *tl);

struct fwsched_fence *fwsched_fence_alloc(gfp_t gfp);
void fwsched_fence_free(struct fwsched_fence *fence);
void fwsched_fence_arm(struct fwsched_fence *fence, struct fwsched_timeline *tl);
void fwsched_fence_signal(struct fwsched_fence *fence, int error);
bool fwsched_fence_is_fwsched(struct dma_fence *f);

/**
 * to_fwsched_fence() - the fwsched fence behind a dma_fence
 * @f: a dma_fence known to be a fwsched fence
 *
 * Return: the containing &struct fwsched_fence.
 */
static inline struct fwsched_fence *to_fwsched_fence(struct dma_fence *f)
{
	return container_of(f, struct fwsched_fence, base);
}

#endif /* _FWSCHED_FENCE_H_ */
