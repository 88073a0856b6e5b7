// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched fences: owner-refcounted dma_fences that detach when they signal.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/kmemleak.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <fwsched/fence.h>

#include "internal.h"

/* &fwsched_fence.state */
enum {
	FWSCHED_FENCE_UNARMED,
	FWSCHED_FENCE_PENDING,		/* armed, not completed */
	FWSCHED_FENCE_COMPLETED,	/* completed, waiting for its turn */
	FWSCHED_FENCE_SIGNALLED,
};

#define FWSCHED_NAME_MAX 64

/*
 * The name ops of every fwsched fence, also a queue's finished fences
 * (queue.c's ops table).  Called only while @f is unsignalled or under
 * rcu_read_lock().
 */
const char *fwsched_fence_get_driver_name(struct dma_fence *f)
{
	return to_fwsched_fence(f)->tl->driver_name;
}

const char *fwsched_fence_get_timeline_name(struct dma_fence *f)
{
	return to_fwsched_fence(f)->tl->names;
}

/*
 * No .release and no .wait: the core detaches the fence when it signals and
 * frees it with dma_fence_free(), which is why the dma_fence is at offset 0.
 * A queue's finished fences have their own table (with .set_deadline).
 */
static const struct dma_fence_ops fwsched_fence_ops = {
	.get_driver_name = fwsched_fence_get_driver_name,
	.get_timeline_name = fwsched_fence_get_timeline_name,
};

/*
 * All inline fence locks share one lockdep class by default, so signalling
 * a queue's finished fence inside the callback of the hardware fence (the
 * fast path) would look like recursive locking.  fwsched fences get classes
 * of their own: one for fences drivers issue themselves (they may be the
 * hardware fences) and one for queues' finished fences.
 *
 * A signalled fence outlives fwsched.ko and its lock may still be taken
 * (dma_fence_get_status(), dma_fence_add_callback()), so the keys and names
 * of these classes must not live in the module: lockdep forgets classes
 * whose key or name is in a module's memory when the module goes.  They
 * live in one small allocation that is registered once and never freed.
 */
#ifdef CONFIG_LOCKDEP
struct fwsched_lockdep_classes {
	struct lock_class_key fence, finished;
	char fence_name[24], finished_name[24];
};

static struct fwsched_lockdep_classes *fwsched_classes;

/* fwsched_init(): the lockdep classes of fwsched fences. */
int fwsched_fence_init(void)
{
	fwsched_classes = kzalloc_obj(*fwsched_classes, GFP_KERNEL);
	if (!fwsched_classes)
		return -ENOMEM;
	lockdep_register_key(&fwsched_classes->fence);
	lockdep_register_key(&fwsched_classes->finished);
	strscpy(fwsched_classes->fence_name, "fwsched_fence.lock");
	strscpy(fwsched_classes->finished_name, "fwsched_finished.lock");
	/* Deliberately never freed: see above. */
	kmemleak_not_leak(fwsched_classes);
	return 0;
}

static void fwsched_fence_lockdep_class(struct dma_fence *f, bool finished)
{
	struct fwsched_lockdep_classes *c = fwsched_classes;

	if (finished)
		lockdep_set_class_and_name(&f->inline_lock, &c->finished,
					   c->finished_name);
	else
		lockdep_set_class_and_name(&f->inline_lock, &c->fence, c->fence_name);
}
#else
/* fwsched_init(): the lockdep classes of fwsched fences. */
int fwsched_fence_init(void)
{
	return 0;
}

static void fwsched_fence_lockdep_class(struct dma_fence *f, bool finished)
{
}
#endif

/**
 * fwsched_fence_is_fwsched() - is this an unsignalled fwsched fence?
 * @f: any dma_fence
 *
 * A signalled fwsched fence has been detached by the dma-fence core and is
 * no longer recognisable; nothing needs to recognise it.
 *
 * Return: true if @f is a fwsched fence that has not signalled yet.
 */
bool fwsched_fence_is_fwsched(struct dma_fence *f)
{
	const struct dma_fence_ops *ops;
	bool ret;

	/* Both ops tables, this file's and queue.c's, share the name ops. */
	rcu_read_lock();
	ops = rcu_dereference(f->ops);
	ret = ops && ops->get_driver_name == fwsched_fence_get_driver_name;
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(fwsched_fence_is_fwsched);

/**
 * fwsched_timeline_create() - create a fence owner
 * @driver_name: reported by dma_fence_driver_name(); copied
 * @name: reported by dma_fence_timeline_name(); copied
 *
 * Allocates the timeline and one dma_fence context.  The names are copied,
 * so they may live in a module that is unloaded before the fences are gone.
 *
 * Context: process context; may sleep (GFP_KERNEL).
 * Return: the timeline with one reference owned by the caller, ERR_PTR(-EINVAL)
 * if a name is NULL, empty or longer than 63 bytes, ERR_PTR(-ENOMEM).
 */
struct fwsched_timeline *fwsched_timeline_create(const char *driver_name,
						 const char *name)
{
	struct fwsched_timeline *tl;
	size_t dlen, nlen;

	if (!driver_name || !name)
		return ERR_PTR(-EINVAL);
	dlen = strnlen(driver_name, FWSCHED_NAME_MAX);
	nlen = strnlen(name, FWSCHED_NAME_MAX);
	if (!dlen || !nlen || dlen == FWSCHED_NAME_MAX || nlen == FWSCHED_NAME_MAX)
		return ERR_PTR(-EINVAL);

	if (fwsched_should_fail_alloc(struct_size(tl, names, nlen + dlen + 2)))
		return ERR_PTR(-ENOMEM);
	tl = kmalloc(struct_size(tl, names, nlen + dlen + 2), GFP_KERNEL);
	if (!tl)
		return ERR_PTR(-ENOMEM);

	kref_init(&tl->ref);
	spin_lock_init(&tl->lock);
	INIT_LIST_HEAD(&tl->pending);
	tl->context = dma_fence_context_alloc(1);
	tl->next_seqno = 1;
	tl->signalling = false;
	tl->dead = false;
	/* A queue's timeline gets its scope and holder from fwsched_queue_create(). */
	tl->fw_scope = NULL;
	tl->fw_holder = NULL;
	memcpy(tl->names, name, nlen + 1);
	memcpy(tl->names + nlen + 1, driver_name, dlen + 1);
	tl->driver_name = tl->names + nlen + 1;

	/* Unsignalled fences call into this module: pin it while we live. */
	__module_get(THIS_MODULE);
	return tl;
}
EXPORT_SYMBOL_GPL(fwsched_timeline_create);

static void fwsched_timeline_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct fwsched_timeline, rcu));
}

static void fwsched_timeline_release(struct kref *ref)
{
	struct fwsched_timeline *tl = container_of(ref, typeof(*tl), ref);

	WARN_ON(!list_empty(&tl->pending));
	/* fwsched_exit() runs rcu_barrier() before our text goes. */
	call_rcu(&tl->rcu, fwsched_timeline_free_rcu);
	module_put(THIS_MODULE);
}

/*
 * Signal, in seqno order, every completed fence at the head of @tl->pending.
 * Only one caller drains at a time (@tl->signalling); a fence completed by
 * anyone else meanwhile is picked up by the drainer before it lets go, so no
 * completion is ever lost.  dma_fence_signal() runs without @tl->lock, so
 * fence callbacks may complete further fences of this timeline.
 *
 * Called and returns with @tl->lock held; returns the number of timeline
 * references the caller must drop once it has unlocked.
 */
static unsigned int fwsched_timeline_drain(struct fwsched_timeline *tl,
					   unsigned long *flags)
{
	struct fwsched_fence *f;
	unsigned int n = 0;

	lockdep_assert_held(&tl->lock);
	if (tl->signalling)
		return 0;
	tl->signalling = true;

	while ((f = list_first_entry_or_null(&tl->pending, typeof(*f), link)) &&
	       f->state == FWSCHED_FENCE_COMPLETED) {
		list_del_init(&f->link);
		f->state = FWSCHED_FENCE_SIGNALLED;
		spin_unlock_irqrestore(&tl->lock, *flags);

		if (f->status)
			dma_fence_set_error(&f->base, f->status);
		dma_fence_signal(&f->base);
		/* The pending list's reference; may free the fence. */
		dma_fence_put(&f->base);
		n++;

		spin_lock_irqsave(&tl->lock, *flags);
	}

	tl->signalling = false;
	return n;
}

static void fwsched_timeline_put_many(struct fwsched_timeline *tl, unsigned int n)
{
	if (n && refcount_sub_and_test(n, &tl->ref.refcount))
		fwsched_timeline_release(&tl->ref);
}

/**
 * fwsched_timeline_context() - the dma_fence context of a timeline
 * @tl: the timeline
 *
 * Context: any context.
 * Return: the context every fence of @tl carries.
 */
u64 fwsched_timeline_context(const struct fwsched_timeline *tl)
{
	return tl->context;
}
EXPORT_SYMBOL_GPL(fwsched_timeline_context);

/**
 * fwsched_timeline_destroy() - give up the creator's reference to a timeline
 * @tl: the timeline, or NULL
 *
 * Every fence of @tl that is still unsignalled is completed with -ECANCELED
 * and signalled in seqno order before this returns (unless another caller is
 * signalling fences of @tl at the same moment, in which case that caller
 * signals them).  The memory goes when the last fence has signalled, which
 * may be at once: arming a fence on @tl afterwards is a bug (a use of freed
 * memory, and a warning if the memory happens to be still there).
 *
 * Context: any context; does not sleep or allocate.
 */
void fwsched_timeline_destroy(struct fwsched_timeline *tl)
{
	struct fwsched_fence *f;
	unsigned long flags;
	unsigned int n;
	bool cookie;

	if (!tl)
		return;

	cookie = dma_fence_begin_signalling();
	spin_lock_irqsave(&tl->lock, flags);
	tl->dead = true;
	list_for_each_entry(f, &tl->pending, link) {
		if (f->state == FWSCHED_FENCE_PENDING) {
			f->state = FWSCHED_FENCE_COMPLETED;
			f->status = -ECANCELED;
		}
	}
	n = fwsched_timeline_drain(tl, &flags);
	spin_unlock_irqrestore(&tl->lock, flags);
	dma_fence_end_signalling(cookie);

	fwsched_timeline_put_many(tl, n + 1);
}
EXPORT_SYMBOL_GPL(fwsched_timeline_destroy);

/*
 * An unarmed fence followed by @extra zeroed bytes in the same allocation:
 * a queue keeps its job's dependency slots there, so that a job costs one
 * allocation.  The extra bytes go when the fence is freed.
 */
struct fwsched_fence *fwsched_fence_alloc_extra(size_t extra, gfp_t gfp)
{
	struct fwsched_fence *f;

	/* The core frees the fence with kfree_rcu() on &dma_fence.rcu. */
	BUILD_BUG_ON(offsetof(struct fwsched_fence, base) != 0);

	if (fwsched_should_fail_alloc(size_add(sizeof(*f), extra)))
		return NULL;
	f = kzalloc(size_add(sizeof(*f), extra), gfp);
	if (f) {
		INIT_LIST_HEAD(&f->link);
		f->state = FWSCHED_FENCE_UNARMED;
	}
	return f;
}

/**
 * fwsched_fence_alloc() - allocate an unarmed fence
 * @gfp: allocation flags
 *
 * This is the only allocation a fence ever makes.  Drivers allocate the fence
 * when they prepare the work, so that arming and signalling can happen where
 * allocation is forbidden.
 *
 * Context: as @gfp allows.
 * Return: the fence, or NULL.
 */
struct fwsched_fence *fwsched_fence_alloc(gfp_t gfp)
{
	return fwsched_fence_alloc_extra(0, gfp);
}
EXPORT_SYMBOL_GPL(fwsched_fence_alloc);

/**
 * fwsched_fence_free() - drop a fence that may never have been armed
 * @fence: the fence, or NULL
 *
 * Frees an unarmed fence at once; for an armed fence this is dma_fence_put().
 *
 * Context: any context.
 */
void fwsched_fence_free(struct fwsched_fence *fence)
{
	if (!fence)
		return;
	if (fence->state == FWSCHED_FENCE_UNARMED)
		kfree(fence);
	else
		dma_fence_put(&fence->base);
}
EXPORT_SYMBOL_GPL(fwsched_fence_free);

/*
 * fwsched_fence_arm() with the fence's @ops, and its lock in the lockdep
 * class of a queue's finished fences if @finished (signalled inside the
 * hardware fence's callback, so a class apart from other fwsched fences).
 */
void __fwsched_fence_arm(struct fwsched_fence *fence, struct fwsched_timeline *tl,
			 const struct dma_fence_ops *ops, bool finished)
{
	unsigned long flags;

	if (WARN_ON(fence->state != FWSCHED_FENCE_UNARMED))
		return;

	spin_lock_irqsave(&tl->lock, flags);
	/* Armed after fwsched_timeline_destroy(): the caller's bug. */
	WARN_ON(tl->dead);
	dma_fence_init(&fence->base, ops, NULL, tl->context,
		       tl->next_seqno++);
	fwsched_fence_lockdep_class(&fence->base, finished);
	fence->tl = tl;
	fence->state = FWSCHED_FENCE_PENDING;
	kref_get(&tl->ref);
	dma_fence_get(&fence->base);		/* for @tl->pending */
	list_add_tail(&fence->link, &tl->pending);
	spin_unlock_irqrestore(&tl->lock, flags);
}

/**
 * fwsched_fence_arm() - give a fence its seqno on a timeline
 * @fence: an unarmed fence from fwsched_fence_alloc()
 * @tl: the timeline; the caller holds a reference (has not destroyed it)
 *
 * Initialises the dma_fence with the next seqno of @tl.  The caller's
 * reference from fwsched_fence_alloc() becomes the dma_fence reference;
 * the timeline takes one more for as long as the fence is unsignalled.
 *
 * Context: any context; cannot fail, does not sleep or allocate.  Callers
 * that need seqnos to follow their own order serialise arming themselves.
 */
void fwsched_fence_arm(struct fwsched_fence *fence, struct fwsched_timeline *tl)
{
	__fwsched_fence_arm(fence, tl, &fwsched_fence_ops, false);
}
EXPORT_SYMBOL_GPL(fwsched_fence_arm);

/**
 * fwsched_fence_signal() - complete a fence
 * @fence: an armed fence; the caller holds a reference
 * @error: 0, or a negative error code the fence signals with
 *
 * Marks @fence complete and signals it, and any completed fences after it,
 * in seqno order.  If an earlier fence of the timeline is still pending,
 * @fence is held back until that one signals.  Completing a fence twice is a
 * driver bug: it warns and is otherwise ignored.
 *
 * Context: any context, including hard interrupts; does not sleep or
 * allocate.  Part of the fence-signalling path.
 */
void fwsched_fence_signal(struct fwsched_fence *fence, int error)
{
	struct fwsched_timeline *tl = fence->tl;
	unsigned long flags;
	unsigned int n;
	bool cookie;

	if (WARN_ON(!tl))
		return;
	if (WARN_ON(error > 0 || error < -MAX_ERRNO))
		error = -EINVAL;

	cookie = dma_fence_begin_signalling();
	spin_lock_irqsave(&tl->lock, flags);
	if (WARN_ON(fence->state != FWSCHED_FENCE_PENDING)) {
		spin_unlock_irqrestore(&tl->lock, flags);
		dma_fence_end_signalling(cookie);
		return;
	}
	fence->state = FWSCHED_FENCE_COMPLETED;
	fence->status = error;
#ifdef FWSCHED_PLANT_NO_HOLDBACK
	/*
	 * Never in a real build: "make check-selftest" builds a fwsched.ko
	 * with this bug planted (no hold-back: a fence completed ahead of an
	 * earlier one signals at once), which the torture test must catch.
	 */
	list_move(&fence->link, &tl->pending);
#endif
	n = fwsched_timeline_drain(tl, &flags);
	spin_unlock_irqrestore(&tl->lock, flags);
	dma_fence_end_signalling(cookie);

	fwsched_timeline_put_many(tl, n);
}
EXPORT_SYMBOL_GPL(fwsched_fence_signal);
