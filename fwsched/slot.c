// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched slot pools: firmware slots reserved by priority, handed over in
 * FIFO order, with a starvation bound.  The rules are in include/fwsched/slot.h.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/bitmap.h>
#include <linux/slab.h>

#include <fwsched/queue.h>
#include <fwsched/slot.h>

#include "internal.h"
#include "trace.h"

/* &fwsched_slot_ref.state */
enum {
	FWSCHED_SLOT_NONE,		/* neither waiting nor holding */
	FWSCHED_SLOT_WAITING,		/* in a FIFO of the pool */
	FWSCHED_SLOT_HELD,		/* holds @slot, on the holders list */
	FWSCHED_SLOT_PREEMPTING,	/* holds @slot until the preempt fence */
};

#define FWSCHED_SLOT_QUANTUM 16
#define FWSCHED_SLOT_MAX 4096

/**
 * struct fwsched_slot_pool - one device's firmware slots
 *
 * Lifetime: from fwsched_slot_pool_create() to fwsched_slot_pool_destroy(),
 * which refuses while queues are attached; attached queues hold no reference,
 * the driver destroys its queues first.
 *
 * Locking: @lock (irqsave) protects every field below it and the
 * &struct fwsched_slot_ref of every attached queue (except the work item's
 * fields).  Innermost: nothing is locked while it is held, and no driver
 * callback is called under it.
 */
struct fwsched_slot_pool {
	/** @ops: constant; may be NULL. */
	const struct fwsched_slot_ops *ops;
	/** @priv: constant. */
	void *priv;
	/** @nr_slots: constant. */
	u32 nr_slots;
	/** @quantum: constant. */
	u32 quantum;
	/** @release: constant. */
	enum fwsched_slot_release release;
	/** @preempt: constant. */
	bool preempt;
	/**
	 * @limit: constant; @limit[p] is the most slots queues below level
	 * p may hold together: nr_slots minus the reservations of p and up.
	 */
	u32 limit[FWSCHED_PRIO_COUNT];

	/** @lock: see Locking. */
	spinlock_t lock;
	/** @held: slots held, per level the holders are counted at. */
	u32 held[FWSCHED_PRIO_COUNT];
	/** @nr_held: sum of @held. */
	u32 nr_held;
	/** @nr_queues: queues attached. */
	unsigned int nr_queues;
	/** @grants: slots handed out since creation. */
	u64 grants;
	/** @waiters: per level, FIFO of waiting queues. */
	struct list_head waiters[FWSCHED_PRIO_COUNT];
	/** @holders: queues holding a slot, oldest grant first. */
	struct list_head holders;
	/** @free: bit set for every free slot. */
	unsigned long *free;
};

static struct fwsched_queue *ref_queue(struct fwsched_slot_ref *ref)
{
	return container_of(ref, struct fwsched_queue, slot);
}

static void ref_kick(struct fwsched_slot_ref *ref)
{
	struct fwsched_queue *q = ref_queue(ref);

	queue_work(q->wq, &q->work);
}

/**
 * fwsched_slot_pool_create() - create the slot pool of a device
 * @args: see &struct fwsched_slot_pool_args
 *
 * Context: process context; may sleep (GFP_KERNEL).
 * Return: the pool; ERR_PTR(-EINVAL) for no slots, more than 4096,
 * reservations that add up to the slot count or more (the lowest level
 * could never run) or that are given for the lowest level, or preemption
 * without &fwsched_slot_ops.preempt; ERR_PTR(-ENOMEM).
 */
struct fwsched_slot_pool *
fwsched_slot_pool_create(const struct fwsched_slot_pool_args *args)
{
	struct fwsched_slot_pool *pool;
	u32 reserved = 0;
	int p;

	if (!args || !args->nr_slots || args->nr_slots > FWSCHED_SLOT_MAX ||
	    args->reserved[FWSCHED_PRIO_LOW] ||
	    args->release > FWSCHED_SLOT_RELEASE_ON_DEMAND ||
	    (args->preempt && !(args->ops && args->ops->preempt)))
		return ERR_PTR(-EINVAL);
	for (p = 0; p < FWSCHED_PRIO_COUNT; p++) {
		if (args->reserved[p] > args->nr_slots)
			return ERR_PTR(-EINVAL);
		reserved += args->reserved[p];
	}
	/* The lowest level must be able to hold a slot, or it never runs. */
	if (reserved >= args->nr_slots)
		return ERR_PTR(-EINVAL);

	if (fwsched_should_fail_alloc(sizeof(*pool)))
		return ERR_PTR(-ENOMEM);
	pool = kzalloc_obj(*pool, GFP_KERNEL);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	pool->free = bitmap_zalloc(args->nr_slots, GFP_KERNEL);
	if (!pool->free) {
		kfree(pool);
		return ERR_PTR(-ENOMEM);
	}
	bitmap_fill(pool->free, args->nr_slots);

	pool->ops = args->ops;
	pool->priv = args->priv;
	pool->nr_slots = args->nr_slots;
	pool->quantum = args->quantum ?: FWSCHED_SLOT_QUANTUM;
	pool->release = args->release;
	pool->preempt = args->preempt;
	reserved = 0;
	for (p = FWSCHED_PRIO_COUNT - 1; p >= 0; p--) {
		reserved += args->reserved[p];
		pool->limit[p] = args->nr_slots - reserved;
	}
	spin_lock_init(&pool->lock);
	for (p = 0; p < FWSCHED_PRIO_COUNT; p++)
		INIT_LIST_HEAD(&pool->waiters[p]);
	INIT_LIST_HEAD(&pool->holders);
	return pool;
}
EXPORT_SYMBOL_GPL(fwsched_slot_pool_create);

/**
 * fwsched_slot_pool_destroy() - free a slot pool
 * @pool: the pool, or NULL
 *
 * Context: any context; does not sleep.
 * Return: 0; -EBUSY if queues are still attached (destroy them first): the
 * pool is then left as it was.
 */
int fwsched_slot_pool_destroy(struct fwsched_slot_pool *pool)
{
	unsigned long flags;
	unsigned int n;

	if (!pool)
		return 0;
	spin_lock_irqsave(&pool->lock, flags);
	n = pool->nr_queues;
	spin_unlock_irqrestore(&pool->lock, flags);
	if (n)
		return -EBUSY;
	WARN_ON(pool->nr_held);
	bitmap_free(pool->free);
	kfree(pool);
	return 0;
}
EXPORT_SYMBOL_GPL(fwsched_slot_pool_destroy);

/**
 * fwsched_slot_pool_priv() - the driver data given at creation
 * @pool: the pool
 *
 * Return: &fwsched_slot_pool_args.priv.
 */
void *fwsched_slot_pool_priv(const struct fwsched_slot_pool *pool)
{
	return pool->priv;
}
EXPORT_SYMBOL_GPL(fwsched_slot_pool_priv);

/**
 * fwsched_slot_pool_held() - how many slots queues of a level hold
 * @pool: the pool
 * @prio: the level, or %FWSCHED_PRIO_COUNT for all levels
 *
 * A snapshot, for statistics and tests.
 *
 * Context: any context.
 * Return: the number of slots held.
 */
unsigned int fwsched_slot_pool_held(struct fwsched_slot_pool *pool,
				    enum fwsched_priority prio)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&pool->lock, flags);
	n = prio < FWSCHED_PRIO_COUNT ? pool->held[prio] : pool->nr_held;
	spin_unlock_irqrestore(&pool->lock, flags);
	return n;
}
EXPORT_SYMBOL_GPL(fwsched_slot_pool_held);

/*
 * May a queue of level @prio take a slot?  If @from is a level, count one
 * slot of that level as already given back (is a holder of @from worth
 * displacing for it?).
 */
static bool fwsched_slot_may_take(struct fwsched_slot_pool *pool, int prio,
				  int from)
{
	u32 below = 0;
	int p;

	lockdep_assert_held(&pool->lock);
	if (pool->nr_held - (from < 0 ? 0 : 1) >= pool->nr_slots)
		return false;
	for (p = 1; p < FWSCHED_PRIO_COUNT; p++) {
		below += pool->held[p - 1] - (from == p - 1);
		if (p > prio && below + 1 > pool->limit[p])
			return false;
	}
	return true;
}

/* The two invariants, at every acquire and release. */
static void fwsched_slot_check(struct fwsched_slot_pool *pool)
{
	u32 below = 0;
	int p;

	lockdep_assert_held(&pool->lock);
	WARN_ONCE(pool->nr_held > pool->nr_slots, "fwsched: %u of %u slots held",
		  pool->nr_held, pool->nr_slots);
	for (p = 1; p < FWSCHED_PRIO_COUNT; p++) {
		below += pool->held[p - 1];
		WARN_ONCE(below > pool->limit[p],
			  "fwsched: levels below %d hold %u slots, limit %u",
			  p, below, pool->limit[p]);
	}
}

/* Is there a waiter at the head of a FIFO that may take a slot of @from? */
static bool fwsched_slot_wanted(struct fwsched_slot_pool *pool, int from)
{
	int p;

	for (p = 0; p < FWSCHED_PRIO_COUNT; p++)
		if (!list_empty(&pool->waiters[p]) &&
		    fwsched_slot_may_take(pool, p, from))
			return true;
	return false;
}

/*
 * The waiter the next free slot goes to: the head of the highest level that
 * may take it, unless the head of some level was passed over
 * FWSCHED_SLOT_AGE_LIMIT times.  Every other eligible head is passed over.
 */
static struct fwsched_slot_ref *fwsched_slot_pick(struct fwsched_slot_pool *pool)
{
	struct fwsched_slot_ref *best = NULL, *w;
	int p;

	for (p = FWSCHED_PRIO_COUNT - 1; p >= 0; p--) {
		w = list_first_entry_or_null(&pool->waiters[p], typeof(*w), link);
		if (!w || !fwsched_slot_may_take(pool, p, -1))
			continue;
		if (w->passed >= FWSCHED_SLOT_AGE_LIMIT) {
			best = w;
			break;
		}
		if (!best)
			best = w;
	}
	if (!best)
		return NULL;
	for (p = 0; p < FWSCHED_PRIO_COUNT; p++) {
		w = list_first_entry_or_null(&pool->waiters[p], typeof(*w), link);
		if (w && w != best && fwsched_slot_may_take(pool, p, -1))
			w->passed++;
	}
	return best;
}

static void fwsched_slot_grant(struct fwsched_slot_pool *pool,
			       struct fwsched_slot_ref *ref, unsigned int slot)
{
	u64 passed;

	lockdep_assert_held(&pool->lock);
	passed = pool->grants - ref->wait_grants;
	ref->stats.max_passed = max(ref->stats.max_passed, passed);
	ref->stats.grants++;
	pool->grants++;

	__clear_bit(slot, pool->free);
	list_move_tail(&ref->link, &pool->holders);
	ref->state = FWSCHED_SLOT_HELD;
	ref->slot = slot;
	ref->yield = false;
	ref->idle = false;
	ref->bound = false;
	ref->passed = 0;
	pool->held[ref->prio]++;
	pool->nr_held++;
	fwsched_slot_check(pool);
	/* Under the lock: a queue being detached is no longer a waiter. */
	ref_kick(ref);
}

/*
 * Make room for the waiters at the heads of the FIFOs that no free slot
 * serves: for each, unless a holder is already giving its slot back, ask
 * one to.  On demand, an idle holder of the lowest level goes first; else
 * a busy holder below the waiter's level, lowest level and oldest first.
 */
static void fwsched_slot_make_room(struct fwsched_slot_pool *pool)
{
	struct fwsched_slot_ref *h, *w, *victim;
	unsigned int yielding = 0;
	bool on_demand = pool->release == FWSCHED_SLOT_RELEASE_ON_DEMAND;
	int p;

	list_for_each_entry(h, &pool->holders, link)
		if (h->yield || h->state == FWSCHED_SLOT_PREEMPTING)
			yielding++;

	for (p = FWSCHED_PRIO_COUNT - 1; p >= 0; p--) {
		w = list_first_entry_or_null(&pool->waiters[p], typeof(*w), link);
		if (!w)
			continue;
		if (yielding) {
			yielding--;
			continue;
		}
		victim = NULL;
		list_for_each_entry(h, &pool->holders, link) {
			if (h->yield || h->state != FWSCHED_SLOT_HELD ||
			    !fwsched_slot_may_take(pool, p, h->prio))
				continue;
			if (on_demand && h->idle) {
				if (!victim || !victim->idle || h->prio < victim->prio)
					victim = h;
			} else if (h->prio < p) {
				if (!victim || (!victim->idle && h->prio < victim->prio))
					victim = h;
			}
		}
		if (victim) {
			victim->yield = true;
			trace_fwsched_slot_evict(ref_queue(victim), victim->slot);
			ref_kick(victim);
		}
	}
}

/* Hand out free slots, then make room for the waiters left. */
static void fwsched_slot_dispatch(struct fwsched_slot_pool *pool)
{
	struct fwsched_slot_ref *w;

	lockdep_assert_held(&pool->lock);
	while (pool->nr_held < pool->nr_slots && (w = fwsched_slot_pick(pool)))
		fwsched_slot_grant(pool, w, find_first_bit(pool->free, pool->nr_slots));
	fwsched_slot_make_room(pool);
}

static void fwsched_slot_wait(struct fwsched_slot_pool *pool,
			      struct fwsched_slot_ref *ref)
{
	ref->state = FWSCHED_SLOT_WAITING;
	ref->wait_grants = pool->grants;
	ref->passed = 0;
	list_add_tail(&ref->link, &pool->waiters[ref->prio]);
}

/* Give @ref's slot back to the pool and pass it on. */
static void fwsched_slot_put(struct fwsched_slot_pool *pool,
			     struct fwsched_slot_ref *ref)
{
	lockdep_assert_held(&pool->lock);
	trace_fwsched_slot_release(ref_queue(ref), ref->slot);
	pool->held[ref->prio]--;
	pool->nr_held--;
	__set_bit(ref->slot, pool->free);
	list_del_init(&ref->link);
	ref->state = FWSCHED_SLOT_NONE;
	ref->slot = -1;
	ref->bound = false;
	ref->idle = false;
	if (ref->yield)
		ref->stats.yields++;
	ref->yield = false;
	ref->prio = ref->next_prio;
	fwsched_slot_check(pool);
	fwsched_slot_dispatch(pool);
}

/* Attach a new queue to @pool. */
void fwsched_slot_attach(struct fwsched_queue *q, struct fwsched_slot_pool *pool,
			 enum fwsched_priority prio)
{
	struct fwsched_slot_ref *ref = &q->slot;
	unsigned long flags;

	ref->pool = pool;
	INIT_LIST_HEAD(&ref->link);
	ref->state = FWSCHED_SLOT_NONE;
	ref->prio = prio;
	ref->next_prio = prio;
	ref->slot = -1;
	spin_lock_irqsave(&pool->lock, flags);
	pool->nr_queues++;
	spin_unlock_irqrestore(&pool->lock, flags);
}

/* Load @q's context into @slot; its timeout clock may run from here on. */
static void fwsched_slot_bind(struct fwsched_queue *q, unsigned int slot)
{
	const struct fwsched_slot_ops *ops = q->slot.pool->ops;

	trace_fwsched_slot_acquire(q, slot);
	if (ops && ops->bind)
		ops->bind(q, slot);
	fwsched_queue_timeout_pause(q, FWSCHED_TIMEOUT_PAUSE_SLOT, false);
}

/*
 * The queue's work item, before it runs a job: may it?  Joins the FIFO if
 * the queue holds no slot, binds a slot it was just given, and says
 * whether the queue may run a job now (it holds a bound slot and is not
 * asked to yield).  The answer is not a promise to poll: if false, a grant
 * queues the work item.
 */
bool fwsched_slot_acquire(struct fwsched_queue *q)
{
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_pool *pool = ref->pool;
	unsigned long flags;
	int bind = -1;
	bool ok = false;

	spin_lock_irqsave(&pool->lock, flags);
	if (ref->state == FWSCHED_SLOT_NONE) {
		fwsched_slot_wait(pool, ref);
		fwsched_slot_dispatch(pool);
	}
	if (ref->state == FWSCHED_SLOT_HELD && !ref->yield) {
		if (ref->bound && ref->runs >= pool->quantum &&
		    fwsched_slot_wanted(pool, ref->prio)) {
			ref->yield = true;
		} else {
			ref->idle = false;
			if (!ref->bound) {
				ref->bound = true;
				ref->runs = 0;
				bind = ref->slot;
			}
			ok = true;
		}
	}
	spin_unlock_irqrestore(&pool->lock, flags);

	if (bind >= 0)
		fwsched_slot_bind(q, bind);
	return ok;
}

static void fwsched_slot_preempted(struct fwsched_slot_pool *pool,
				   struct fwsched_slot_ref *ref, bool requeue)
{
	lockdep_assert_held(&pool->lock);
	ref->stats.preemptions++;
	ref->yield = false;
	fwsched_slot_put(pool, ref);
	/* Its jobs are still in flight: they need a slot to finish. */
	if (requeue) {
		fwsched_slot_wait(pool, ref);
		fwsched_slot_dispatch(pool);
	}
}

static void fwsched_slot_preempt_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct fwsched_slot_ref *ref = container_of(cb, typeof(*ref), preempt_cb);
	struct fwsched_slot_pool *pool = ref->pool;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	ref->preempt_fence = NULL;
	/* Its jobs in flight need a slot again, unless the queue is going. */
	fwsched_slot_preempted(pool, ref, !ref->detaching);
	spin_unlock_irqrestore(&pool->lock, flags);
	dma_fence_put(f);
}

static void fwsched_slot_preempt(struct fwsched_queue *q, unsigned int slot)
{
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_pool *pool = ref->pool;
	struct dma_fence *f;
	unsigned long flags;

	trace_fwsched_slot_preempt(q, slot);
	f = pool->ops->preempt(q, slot);

	spin_lock_irqsave(&pool->lock, flags);
	if (IS_ERR(f)) {
		/* Cannot preempt now: drain instead (yield stays set). */
		ref->state = FWSCHED_SLOT_HELD;
		spin_unlock_irqrestore(&pool->lock, flags);
		fwsched_queue_timeout_pause(q, FWSCHED_TIMEOUT_PAUSE_SLOT, false);
		return;
	} else if (!f) {
		fwsched_slot_preempted(pool, ref, true);
	} else {
		ref->preempt_fence = f;
		spin_unlock_irqrestore(&pool->lock, flags);
		if (!dma_fence_add_callback(f, &ref->preempt_cb,
					    fwsched_slot_preempt_cb))
			return;
		fwsched_slot_preempt_cb(f, &ref->preempt_cb);
		return;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}

/*
 * The queue's work item, at its end: give the slot back if the queue is idle
 * and the policy or a waiter says so, preempt if asked to and allowed, bind
 * a slot given back to a queue whose jobs are in flight.  @idle: no job in
 * flight.  @more: jobs are pending.
 */
void fwsched_slot_update(struct fwsched_queue *q, bool idle, bool more)
{
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_pool *pool = ref->pool;
	const struct fwsched_slot_ops *ops = pool->ops;
	unsigned long flags;
	int slot;

	spin_lock_irqsave(&pool->lock, flags);
	if (ref->state != FWSCHED_SLOT_HELD) {
		spin_unlock_irqrestore(&pool->lock, flags);
		return;
	}
	slot = ref->slot;
	if (!idle) {
		if (!ref->bound) {
			/* Preempted jobs waiting for a slot to finish on. */
			ref->bound = true;
			ref->runs = 0;
			spin_unlock_irqrestore(&pool->lock, flags);
			fwsched_slot_bind(q, slot);
			return;
		}
		if (ref->yield && pool->preempt) {
			ref->state = FWSCHED_SLOT_PREEMPTING;
			spin_unlock_irqrestore(&pool->lock, flags);
			/* Time off the hardware does not count. */
			fwsched_queue_timeout_pause(q, FWSCHED_TIMEOUT_PAUSE_SLOT, true);
			fwsched_slot_preempt(q, slot);
			return;
		}
		spin_unlock_irqrestore(&pool->lock, flags);
		return;
	}

	ref->idle = true;
	if (!ref->yield && pool->release == FWSCHED_SLOT_RELEASE_ON_DEMAND &&
	    !fwsched_slot_wanted(pool, ref->prio)) {
		spin_unlock_irqrestore(&pool->lock, flags);
		return;
	}
	if (!ref->yield && pool->release == FWSCHED_SLOT_RELEASE_ON_DEMAND)
		ref->yield = true;
	/* Nobody else changes a holder's slot: unbind outside the lock. */
	if (ref->bound) {
		spin_unlock_irqrestore(&pool->lock, flags);
		fwsched_queue_timeout_pause(q, FWSCHED_TIMEOUT_PAUSE_SLOT, true);
		if (ops && ops->unbind)
			ops->unbind(q, slot);
		spin_lock_irqsave(&pool->lock, flags);
	}
	if (!more)
		ref->yield = false;	/* nothing left to do: not a yield */
	fwsched_slot_put(pool, ref);
	spin_unlock_irqrestore(&pool->lock, flags);
	/* Queue again, at the tail of the FIFO, once the next job is ready. */
	if (more)
		queue_work(q->wq, &q->work);
}

/*
 * The queue's work item, between jobs: move the queue to level @prio.  A
 * holder that moves down keeps being counted at its old level until it
 * gives its slot back (so the reservation of a level is never held by a
 * lower one), and gives it back at once if the new level could not have
 * taken it.
 */
void fwsched_slot_set_prio(struct fwsched_queue *q, enum fwsched_priority prio)
{
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_pool *pool = ref->pool;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	ref->next_prio = prio;
	switch (ref->state) {
	case FWSCHED_SLOT_NONE:
		ref->prio = prio;
		break;
	case FWSCHED_SLOT_WAITING:
		if (ref->prio != prio) {
			ref->prio = prio;
			ref->passed = 0;
			list_move_tail(&ref->link, &pool->waiters[prio]);
		}
		break;
	default:
		if (prio > ref->prio) {
			pool->held[ref->prio]--;
			pool->held[prio]++;
			ref->prio = prio;
			fwsched_slot_check(pool);
		} else if (prio < ref->prio) {
			pool->held[ref->prio]--;
			pool->nr_held--;
			if (!fwsched_slot_may_take(pool, prio, -1))
				ref->yield = true;
			pool->held[ref->prio]++;
			pool->nr_held++;
		}
		break;
	}
	fwsched_slot_dispatch(pool);
	spin_unlock_irqrestore(&pool->lock, flags);
}

/*
 * fwsched_queue_destroy(), once every job is gone and the work item is
 * disabled, outside the signalling section (it waits for a fence): wait for
 * a preemption in progress.  The slot is not free before its preempt fence
 * has signalled, i.e. before the firmware has finished saving the queue's
 * context; the callback then gives it back and, the queue being detached,
 * does not queue it for a slot again.
 */
void fwsched_slot_quiesce(struct fwsched_queue *q)
{
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_pool *pool = ref->pool;
	struct dma_fence *f;
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&pool->lock, flags);
	ref->detaching = true;
	f = ref->preempt_fence;
	if (f) {
		dma_fence_get(f);
		spin_unlock_irqrestore(&pool->lock, flags);
		dma_fence_wait(f, false);
		/*
		 * The callback runs under the fence's lock, which this takes:
		 * on return it has run (the slot is back in the pool, the
		 * queue in no FIFO).  It cannot still be pending.
		 */
		WARN_ON(dma_fence_remove_callback(f, &ref->preempt_cb));
		dma_fence_put(f);
		return;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}

/*
 * fwsched_queue_destroy(), after fwsched_slot_quiesce(): leave the FIFO or
 * give the slot back.  No grant reaches the queue afterwards.
 */
void fwsched_slot_detach(struct fwsched_queue *q)
{
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_pool *pool = ref->pool;
	unsigned long flags;
	int slot = -1;

	spin_lock_irqsave(&pool->lock, flags);
	WARN_ON(ref->preempt_fence);
	if (ref->state == FWSCHED_SLOT_HELD && ref->bound)
		slot = ref->slot;
	spin_unlock_irqrestore(&pool->lock, flags);

	if (slot >= 0 && pool->ops && pool->ops->unbind)
		pool->ops->unbind(q, slot);

	spin_lock_irqsave(&pool->lock, flags);
	if (ref->state == FWSCHED_SLOT_HELD) {
		ref->yield = false;
		fwsched_slot_put(pool, ref);
	} else if (ref->state == FWSCHED_SLOT_WAITING) {
		list_del_init(&ref->link);
		ref->state = FWSCHED_SLOT_NONE;
		fwsched_slot_dispatch(pool);
	}
	pool->nr_queues--;
	spin_unlock_irqrestore(&pool->lock, flags);
}

/**
 * fwsched_queue_slot() - the firmware slot a queue holds
 * @queue: the queue
 *
 * Meaningful in run_job and the slot callbacks, where it cannot change.
 *
 * Context: any context.
 * Return: the slot, or -1 if the queue holds none (or has no pool).
 */
int fwsched_queue_slot(struct fwsched_queue *queue)
{
	return queue->slot.pool ? READ_ONCE(queue->slot.slot) : -1;
}
EXPORT_SYMBOL_GPL(fwsched_queue_slot);

/**
 * fwsched_queue_slot_stats() - a queue's slot history
 * @queue: a queue with a slot pool
 * @stats: filled in
 *
 * Context: any context.
 * Return: 0, or -ENODEV if the queue has no slot pool.
 */
int fwsched_queue_slot_stats(struct fwsched_queue *queue,
			     struct fwsched_slot_stats *stats)
{
	struct fwsched_slot_pool *pool = queue->slot.pool;
	unsigned long flags;

	if (!pool)
		return -ENODEV;
	spin_lock_irqsave(&pool->lock, flags);
	*stats = queue->slot.stats;
	spin_unlock_irqrestore(&pool->lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(fwsched_queue_slot_stats);
