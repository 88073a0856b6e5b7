// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched slot pools: firmware slots reserved by priority, handed over in
 * FIFO order, with a starvation bound.  The rules are in include/fwsched/slot.h.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/bitmap.h>
#include <linux/hrtimer.h>
#include <linux/seq_buf.h>
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
 * which refuses while queues or groups are attached; they hold no
 * reference, the driver destroys them first.
 *
 * Locking: @lock (irqsave) protects every field below it and the
 * &struct fwsched_slot_holder and &struct fwsched_slot_ref of every
 * attached group and queue.  Innermost: nothing is locked while it is held,
 * and no driver callback is called under it.
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
	/** @slice_ns: constant; the time slice, 0 for none. */
	u64 slice_ns;
	/** @slice_timer: ends the earliest slice a waiter waits for. */
	struct hrtimer slice_timer;
	/**
	 * @limit: constant; @limit[p] is the most slots holders below level
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
	/** @nr_groups: groups created and not destroyed. */
	unsigned int nr_groups;
	/** @grants: slots handed out since creation. */
	u64 grants;
	/** @waiters: per level, FIFO of waiting holders. */
	struct list_head waiters[FWSCHED_PRIO_COUNT];
	/** @holders: holders of a slot, oldest grant first. */
	struct list_head holders;
	/** @free: bit set for every free slot. */
	unsigned long *free;
	/** @slice_expires: when @slice_timer fires; 0 if it is not armed. */
	ktime_t slice_expires;
};

/**
 * struct fwsched_group - queues that share one firmware slot
 *
 * Lifetime: from fwsched_group_create() to fwsched_group_destroy(), which
 * refuses while member queues exist.  Nothing else refers to the group once
 * its last member is destroyed.
 */
struct fwsched_group {
	/** @holder: its slot state; the pool lock. */
	struct fwsched_slot_holder holder;
	/** @priv: constant. */
	void *priv;
};

static struct fwsched_queue *ref_queue(struct fwsched_slot_ref *ref)
{
	return container_of(ref, struct fwsched_queue, slot);
}

static bool fwsched_slot_wanted(struct fwsched_slot_pool *pool, int from);
static void fwsched_slot_slice_arm(struct fwsched_slot_pool *pool, ktime_t when);

/* The queue of a queue's own holder. */
static struct fwsched_queue *own_queue(struct fwsched_slot_holder *h)
{
	return h->queue;
}

/* Queue every member's work item: each looks at the holder's state. */
static void holder_kick(struct fwsched_slot_holder *h)
{
	struct fwsched_slot_ref *ref;
	struct fwsched_queue *q;

	lockdep_assert_held(&h->pool->lock);
	list_for_each_entry(ref, &h->members, member) {
		q = ref_queue(ref);
		fwsched_queue_kick(q);
	}
}

/*
 * A holder's time slice is residency, counted as the job timeouts count:
 * while it holds a bound slot and a member has a job in flight.  Bring
 * @slice_used up to date after any change of those.  Pool lock.
 */
static void holder_slice_sync(struct fwsched_slot_holder *h)
{
	struct fwsched_slot_pool *pool = h->pool;
	ktime_t now;
	bool was_on;

	lockdep_assert_held(&pool->lock);
	if (!pool->slice_ns)
		return;
	now = ktime_get();
	was_on = h->slice_on;
	if (was_on)
		h->slice_used += ktime_to_ns(ktime_sub(now, h->slice_mark));
	h->slice_on = h->state == FWSCHED_SLOT_HELD && h->bound && h->nr_busy;
	h->slice_mark = now;
	/*
	 * A slice that starts while a waiter may take the slot needs the
	 * timer: make_room() ran when the holder was granted (not yet bound,
	 * no slice to end) or when the waiter came, and runs again only at
	 * the next grant or release, which a long job may hold off.
	 */
#ifndef FWSCHED_PLANT_SLICE_NO_ARM
	if (h->slice_on && !was_on && !h->yield && fwsched_slot_wanted(pool, h->prio))
		fwsched_slot_slice_arm(pool, ktime_add_ns(now, h->slice_used < pool->slice_ns ?
						      pool->slice_ns - h->slice_used : 0));
#endif
}

/*
 * Set a member's flag to @on and keep the holder's count of members with it
 * set.  Pool lock held.  Return: whether the flag changed.
 */
static bool ref_flag(bool *flag, unsigned int *nr, bool on)
{
	if (*flag == on)
		return false;
	if (on)
		(*nr)++;
	else
		(*nr)--;
	*flag = on;
	return true;
}

/* The member's ready job was refused a slot (@asked), or not any more. */
static void ref_ask(struct fwsched_slot_ref *ref, bool asked)
{
	ref_flag(&ref->asked, &ref->holder->nr_asked, asked);
}

/*
 * A member's work item was let run on the slot (@running), or its run is
 * over.  Another member's work item does not preempt the holder while one
 * runs: the slot would go between its acquire and its run_job.
 */
static void ref_run(struct fwsched_slot_ref *ref, bool running)
{
	ref_flag(&ref->running, &ref->holder->nr_running, running);
}

/* Record what a member's work item saw: jobs in flight, jobs pending. */
static void ref_set(struct fwsched_slot_ref *ref, bool busy, bool wants)
{
	struct fwsched_slot_holder *h = ref->holder;

	lockdep_assert_held(&h->pool->lock);
	if (ref_flag(&ref->busy, &h->nr_busy, busy))
		holder_slice_sync(h);
	ref_flag(&ref->wants, &h->nr_wants, wants);
	if (!wants)
		ref_ask(ref, false);
}

/*
 * Stop or restart the job timeouts of every member: time off the slot does
 * not count.  Without the pool lock (a queue's lock is taken).
 */
static void holder_pause(struct fwsched_slot_holder *h, bool pause)
{
	struct fwsched_slot_ref *ref;

	spin_lock(&h->members_lock);
	list_for_each_entry(ref, &h->members, member)
		fwsched_queue_timeout_pause(ref_queue(ref), FWSCHED_TIMEOUT_PAUSE_SLOT,
					    pause);
	spin_unlock(&h->members_lock);
}

static void holder_init(struct fwsched_slot_holder *h, struct fwsched_slot_pool *pool,
			struct fwsched_group *group, enum fwsched_priority prio, u64 id)
{
	h->pool = pool;
	h->group = group;
	h->id = id;
	INIT_LIST_HEAD(&h->link);
	spin_lock_init(&h->members_lock);
	INIT_LIST_HEAD(&h->members);
	h->state = FWSCHED_SLOT_NONE;
	h->prio = prio;
	h->next_prio = prio;
	h->slot = -1;
}

static enum hrtimer_restart fwsched_slot_slice_timer(struct hrtimer *t);

/**
 * fwsched_slot_pool_create() - create the slot pool of a device
 * @args: see &struct fwsched_slot_pool_args
 *
 * Context: process context; may sleep (GFP_KERNEL).
 * Return: the pool; ERR_PTR(-EINVAL) for no slots, more than 4096,
 * reservations that add up to the slot count or more (the lowest level
 * could never run) or that are given for the lowest level, or preemption
 * without &fwsched_slot_ops.preempt or &fwsched_slot_ops.preempt_group;
 * ERR_PTR(-ENOMEM).
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
	    (args->preempt && !(args->ops && (args->ops->preempt ||
						     args->ops->preempt_group))))
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
	pool->quantum = args->quantum ?: args->quantum_us ? U32_MAX :
					   FWSCHED_SLOT_QUANTUM;
	pool->slice_ns = (u64)args->quantum_us * NSEC_PER_USEC;
	hrtimer_setup(&pool->slice_timer, fwsched_slot_slice_timer, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS);
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
 * Return: 0; -EBUSY if queues or groups are still attached (destroy them
 * first): the pool is then left as it was.
 */
int fwsched_slot_pool_destroy(struct fwsched_slot_pool *pool)
{
	unsigned long flags;
	unsigned int n;

	if (!pool)
		return 0;
	spin_lock_irqsave(&pool->lock, flags);
	n = pool->nr_queues + pool->nr_groups;
	spin_unlock_irqrestore(&pool->lock, flags);
	if (n)
		return -EBUSY;
	WARN_ON(pool->nr_held);
	hrtimer_cancel(&pool->slice_timer);
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
 * fwsched_slot_pool_held() - how many slots holders of a level hold
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
 * May a holder of level @prio take a slot?  If @from is a level, count one
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
static struct fwsched_slot_holder *fwsched_slot_pick(struct fwsched_slot_pool *pool)
{
	struct fwsched_slot_holder *best = NULL, *w;
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
			       struct fwsched_slot_holder *h, unsigned int slot)
{
	u64 passed;

	lockdep_assert_held(&pool->lock);
	passed = pool->grants - h->wait_grants;
	h->stats.max_passed = max(h->stats.max_passed, passed);
	h->stats.grants++;
	pool->grants++;

	__clear_bit(slot, pool->free);
	list_move_tail(&h->link, &pool->holders);
	h->state = FWSCHED_SLOT_HELD;
	h->slot = slot;
	h->yield = false;
	h->idle = false;
	h->bound = false;
	/* Served by the aging rule: a whole turn, see fwsched_slot_make_room(). */
	h->aged = h->passed >= FWSCHED_SLOT_AGE_LIMIT;
	h->passed = 0;
	h->nr_spent = 0;
	h->slice_used = 0;
	h->slice_on = false;
	pool->held[h->prio]++;
	pool->nr_held++;
	fwsched_slot_check(pool);
	/* Under the lock: a queue being detached is no longer a member. */
	holder_kick(h);
}

/*
 * A turn of holder @h is over (its quantum or its slice is used) and a
 * waiter may take its slot.  The slot goes to whoever the grant would
 * choose among all that want it, @h included, as if @h were queued at the
 * tail of its FIFO: a head of a higher level, an aged head, or a head of
 * @h's own level (it came first) wins over @h.  If none does, @h's turn is
 * renewed in place, a grant without a release: the heads that could have
 * taken the slot are passed over, so that aging serves them in time.
 * Return: true if renewed; false if @h must yield.
 */
static bool fwsched_slot_renew(struct fwsched_slot_pool *pool,
			       struct fwsched_slot_holder *h)
{
	struct fwsched_slot_holder *w;
	int p;

	lockdep_assert_held(&pool->lock);
#ifdef FWSCHED_PLANT_YIELD_NO_DECIDE
	return false;
#endif
	if (h->prio != h->next_prio || !list_empty(&pool->waiters[h->prio]))
		return false;
	for (p = 0; p < FWSCHED_PRIO_COUNT; p++) {
		w = list_first_entry_or_null(&pool->waiters[p], typeof(*w), link);
		if (w && fwsched_slot_may_take(pool, p, h->prio) &&
		    (p > h->prio || w->passed >= FWSCHED_SLOT_AGE_LIMIT))
			return false;
	}
	for (p = 0; p < FWSCHED_PRIO_COUNT; p++) {
		w = list_first_entry_or_null(&pool->waiters[p], typeof(*w), link);
		if (w && fwsched_slot_may_take(pool, p, h->prio))
			w->passed++;
	}
	h->stats.grants++;
	pool->grants++;
	h->aged = false;
	h->nr_spent = 0;
	holder_slice_sync(h);
	h->slice_used = 0;
	return true;
}

/* Slice time @h has used by @now. */
static u64 fwsched_slot_slice_used(struct fwsched_slot_holder *h, ktime_t now)
{
	return h->slice_used +
	       (h->slice_on ? ktime_to_ns(ktime_sub(now, h->slice_mark)) : 0);
}

/*
 * No other victim for a waiter of level @p: a holder whose slot it may
 * take and whose slice is over, the one that used most first (as with the
 * job quantum, any level: who then gets the slot is the grant's choice, by
 * level and age).  A holder the grant would choose again is renewed in
 * place instead (fwsched_slot_renew()), and its new slice runs.  @next:
 * the earliest end of a slice still running among those holders, if
 * earlier.
 */
static struct fwsched_slot_holder *
fwsched_slot_slice_victim(struct fwsched_slot_pool *pool, int p, ktime_t now,
			  ktime_t *next)
{
	struct fwsched_slot_holder *h, *victim = NULL;
	u64 used, most = 0;
	ktime_t end;

	list_for_each_entry(h, &pool->holders, link) {
		if (h->yield || h->state != FWSCHED_SLOT_HELD || !h->bound ||
		    !fwsched_slot_may_take(pool, p, h->prio))
			continue;
		used = fwsched_slot_slice_used(h, now);
		if (used >= pool->slice_ns && fwsched_slot_renew(pool, h))
			used = 0;
		if (used >= pool->slice_ns) {
			if (!victim || used > most) {
				victim = h;
				most = used;
			}
		} else if (h->slice_on) {
			/* An idle holder's slice does not run: no end to wait for. */
			end = ktime_add_ns(now, pool->slice_ns - used);
			if (!*next || ktime_before(end, *next))
				*next = end;
		}
	}
	return victim;
}

/* Fire the slice timer at @when, unless it fires earlier already. */
static void fwsched_slot_slice_arm(struct fwsched_slot_pool *pool, ktime_t when)
{
	lockdep_assert_held(&pool->lock);
	if (pool->slice_expires && !ktime_before(when, pool->slice_expires))
		return;
	pool->slice_expires = when;
	hrtimer_start(&pool->slice_timer, when, HRTIMER_MODE_ABS);
}

/*
 * Make room for the waiters at the heads of the FIFOs that no free slot
 * serves: for each, unless a holder is already giving its slot back, ask
 * one to.  On demand, an idle holder of the lowest level goes first; else
 * a busy holder below the waiter's level, lowest level and oldest first,
 * unless the aging rule gave it its slot (it keeps a whole turn: its
 * quantum or its slice, else a lower level would be served only to be
 * evicted at once); else, with time slices, a holder whose slice is over
 * (the slice timer is armed for the next such end).
 */
static void fwsched_slot_make_room(struct fwsched_slot_pool *pool)
{
	struct fwsched_slot_holder *h, *w, *victim;
	unsigned int yielding = 0;
	bool on_demand = pool->release == FWSCHED_SLOT_RELEASE_ON_DEMAND;
	ktime_t now = 0, next = 0;
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
			} else if (h->prio < p && !h->aged) {
				if (!victim || (!victim->idle && h->prio < victim->prio))
					victim = h;
			}
		}
		if (!victim && pool->slice_ns) {
			if (!now)
				now = ktime_get();
			victim = fwsched_slot_slice_victim(pool, p, now, &next);
		}
		if (victim) {
			victim->yield = true;
			trace_fwsched_slot_evict(victim->id, victim->slot);
			holder_kick(victim);
		}
	}
	if (next)
		fwsched_slot_slice_arm(pool, next);
}

/* A slice ended: make room again for the waiters. */
static enum hrtimer_restart fwsched_slot_slice_timer(struct hrtimer *t)
{
	struct fwsched_slot_pool *pool = container_of(t, typeof(*pool), slice_timer);
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	pool->slice_expires = 0;
	fwsched_slot_make_room(pool);
	spin_unlock_irqrestore(&pool->lock, flags);
	return HRTIMER_NORESTART;
}

/* Hand out free slots, then make room for the waiters left. */
static void fwsched_slot_dispatch(struct fwsched_slot_pool *pool)
{
	struct fwsched_slot_holder *w;

	lockdep_assert_held(&pool->lock);
	while (pool->nr_held < pool->nr_slots && (w = fwsched_slot_pick(pool)))
		fwsched_slot_grant(pool, w, find_first_bit(pool->free, pool->nr_slots));
	fwsched_slot_make_room(pool);
}

static void fwsched_slot_wait(struct fwsched_slot_pool *pool,
			      struct fwsched_slot_holder *h)
{
	h->state = FWSCHED_SLOT_WAITING;
	h->wait_grants = pool->grants;
	h->passed = 0;
	list_add_tail(&h->link, &pool->waiters[h->prio]);
}

/*
 * Give @h's slot back to the pool and pass it on.  @requeue: @h still has
 * work (a member asked for the slot, or preempted jobs in flight); it joins
 * the tail of its FIFO before the slot is handed on, so that the grant
 * decides among all that want the slot, @h included.
 */
static void fwsched_slot_put(struct fwsched_slot_pool *pool,
			     struct fwsched_slot_holder *h, bool requeue)
{
	lockdep_assert_held(&pool->lock);
	trace_fwsched_slot_release(h->id, h->slot);
	pool->held[h->prio]--;
	pool->nr_held--;
	__set_bit(h->slot, pool->free);
	list_del_init(&h->link);
	h->state = FWSCHED_SLOT_NONE;
	h->slot = -1;
	h->bound = false;
	h->idle = false;
	h->aged = false;
	holder_slice_sync(h);
	if (h->yield)
		h->stats.yields++;
	h->yield = false;
	h->prio = h->next_prio;
	fwsched_slot_check(pool);
#ifdef FWSCHED_PLANT_YIELD_NO_DECIDE
	/* Planted: the slot is handed on; the yielder's work item queues it. */
	if (requeue && !h->nr_busy) {
		fwsched_slot_dispatch(pool);
		holder_kick(h);
		return;
	}
#endif
	if (requeue)
		fwsched_slot_wait(pool, h);
	fwsched_slot_dispatch(pool);
}

/*
 * A member's work item, or the task destroying the last member: call the
 * driver's bind or unbind for the holder.  Without the pool lock; the
 * caller set @binding or @unbinding under it, so no other member calls one
 * meanwhile.
 */
static void holder_bind_op(struct fwsched_slot_holder *h, unsigned int slot)
{
	const struct fwsched_slot_ops *ops = h->pool->ops;

	trace_fwsched_slot_acquire(h->id, slot);
	if (!ops)
		return;
	if (h->group) {
		if (ops->bind_group)
			ops->bind_group(h->group, slot);
	} else if (ops->bind) {
		ops->bind(own_queue(h), slot);
	}
}

static void holder_unbind_op(struct fwsched_slot_holder *h, unsigned int slot)
{
	const struct fwsched_slot_ops *ops = h->pool->ops;

	if (!ops)
		return;
	if (h->group) {
		if (ops->unbind_group)
			ops->unbind_group(h->group, slot);
	} else if (ops->unbind) {
		ops->unbind(own_queue(h), slot);
	}
}

/*
 * Load the holder's context into @slot (the caller set @binding), start its
 * members' timeout clocks, and let the members that found the slot being
 * bound run.
 */
static void holder_bind(struct fwsched_slot_holder *h, unsigned int slot)
{
	struct fwsched_slot_pool *pool = h->pool;
	unsigned long flags;

	holder_bind_op(h, slot);
	holder_pause(h, false);
	spin_lock_irqsave(&pool->lock, flags);
	h->binding = false;
	h->bound = true;
	holder_slice_sync(h);
	if (h->group)
		holder_kick(h);
	spin_unlock_irqrestore(&pool->lock, flags);
}

/* queue.c: the pool of a group. */
struct fwsched_slot_pool *fwsched_group_pool(struct fwsched_group *group)
{
	return group->holder.pool;
}

/* queue.c: may a queue of its own attach to @pool? */
bool fwsched_slot_pool_can_preempt_queue(struct fwsched_slot_pool *pool)
{
	return !pool->preempt || pool->ops->preempt;
}

/*
 * queue.c: the holder whose preemption can take @q's jobs in flight off the
 * hardware, or NULL if nothing can before they complete (the pool cannot
 * preempt).  See &fwsched_timeline.fw_holder.
 */
const void *fwsched_slot_fw_holder(struct fwsched_queue *q)
{
	return q->slot.pool->preempt ? q->slot.holder : NULL;
}

/*
 * Attach a new queue to @pool, as a member of @group or on its own with
 * @own (zeroed, the queue's; fwsched_queue_release() frees it).
 */
void fwsched_slot_attach(struct fwsched_queue *q, struct fwsched_slot_pool *pool,
			 struct fwsched_group *group, struct fwsched_slot_holder *own,
			 enum fwsched_priority prio)
{
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_holder *h;
	unsigned long flags;

	ref->pool = pool;
	if (group) {
		h = &group->holder;
	} else {
		h = own;
		holder_init(h, pool, NULL, prio, q->timeline->context);
		h->queue = q;
		ref->own = true;
	}
	ref->holder = h;
	spin_lock(&h->members_lock);
	spin_lock_irqsave(&pool->lock, flags);
	list_add_tail(&ref->member, &h->members);
	h->nr_members++;
	pool->nr_queues++;
	/* Its clock runs while the holder is bound (see holder_pause()). */
	q->timeout_pause = h->bound ? 0 : FWSCHED_TIMEOUT_PAUSE_SLOT;
	spin_unlock_irqrestore(&pool->lock, flags);
	spin_unlock(&h->members_lock);
}

/* Has the member run its quantum of jobs in this grant?  Pool lock. */
static bool fwsched_slot_spent(struct fwsched_slot_pool *pool,
			       struct fwsched_slot_ref *ref)
{
	if (ref->epoch != ref->holder->stats.grants) {
		ref->epoch = ref->holder->stats.grants;
		ref->runs = 0;
		ref->spent = false;
	}
	return ref->runs >= pool->quantum;
}

/*
 * The queue's work item, before it runs a job: may it?  Puts the holder in
 * the FIFO if it holds no slot, binds a slot it was just given, and says
 * whether the queue may run a job now (the holder holds a bound slot and is
 * not asked to yield).  The answer is not a promise to poll: if false, a
 * grant, the end of a bind or a release queues the work item.
 */
bool fwsched_slot_acquire(struct fwsched_queue *q)
{
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_holder *h = ref->holder;
	struct fwsched_slot_pool *pool = ref->pool;
	unsigned long flags;
	int bind;
	bool ok;

again:
	bind = -1;
	ok = false;
	spin_lock_irqsave(&pool->lock, flags);
	ref_set(ref, ref->busy, true);
	ref->tried = true;
	if (h->state == FWSCHED_SLOT_NONE) {
		fwsched_slot_wait(pool, h);
		fwsched_slot_dispatch(pool);
	}
	if (h->state == FWSCHED_SLOT_HELD && !h->yield && !h->binding &&
	    !h->unbinding) {
		if (!h->bound) {
			h->binding = true;
			bind = h->slot;
			/* About to run: no other member gives the slot back. */
			ref_set(ref, true, true);
		} else if (fwsched_slot_spent(pool, ref) &&
			   fwsched_slot_wanted(pool, h->prio) &&
			   !fwsched_slot_renew(pool, h)) {
			/*
			 * The turn is over and a waiter comes first.  A
			 * queue of its own yields.  In a group the other
			 * members use their quanta; the member that leaves
			 * the group idle gives the slot back.
			 */
			if (!h->group) {
				h->yield = true;
			} else if (!ref->spent) {
				ref->spent = true;
				h->nr_spent++;
			}
		} else {
			/* After a renewal this member's quantum starts again. */
			fwsched_slot_spent(pool, ref);
			h->idle = false;
			ref_set(ref, true, true);
			ref_run(ref, true);
			ok = true;
		}
	}
	if (bind < 0)
		ref_ask(ref, !ok);
	spin_unlock_irqrestore(&pool->lock, flags);

	if (bind >= 0) {
		holder_bind(h, bind);
		goto again;
	}
	return ok;
}

/* The holder's slot was taken from it.  Pool lock held. */
static void holder_preempted(struct fwsched_slot_pool *pool,
			     struct fwsched_slot_holder *h)
{
	lockdep_assert_held(&pool->lock);
	h->stats.preemptions++;
	h->yield = false;	/* counted as a preemption, not a yield */
	/* Jobs still in flight need a slot to finish; pending ones to run. */
	fwsched_slot_put(pool, h, h->nr_busy || h->nr_wants);
}

static void fwsched_slot_preempt_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct fwsched_slot_holder *h = container_of(cb, typeof(*h), preempt_cb);
	struct fwsched_slot_pool *pool = h->pool;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	h->preempt_fence = NULL;
	holder_preempted(pool, h);
	spin_unlock_irqrestore(&pool->lock, flags);
	dma_fence_put(f);
}

/* The caller set state PREEMPTING and paused the members' clocks. */
static void holder_preempt(struct fwsched_slot_holder *h, unsigned int slot)
{
	struct fwsched_slot_pool *pool = h->pool;
	struct dma_fence *f;
	unsigned long flags;

	trace_fwsched_slot_preempt(h->id, slot);
	if (h->group)
		f = pool->ops->preempt_group(h->group, slot);
	else
		f = pool->ops->preempt(own_queue(h), slot);

	spin_lock_irqsave(&pool->lock, flags);
	if (IS_ERR(f)) {
		/* Cannot preempt now: drain instead (yield stays set). */
		h->state = FWSCHED_SLOT_HELD;
		holder_slice_sync(h);
		spin_unlock_irqrestore(&pool->lock, flags);
		holder_pause(h, false);
		return;
	} else if (!f) {
		holder_preempted(pool, h);
	} else {
		h->preempt_fence = f;
		spin_unlock_irqrestore(&pool->lock, flags);
		if (!dma_fence_add_callback(f, &h->preempt_cb,
					    fwsched_slot_preempt_cb))
			return;
		fwsched_slot_preempt_cb(f, &h->preempt_cb);
		return;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}

/*
 * The queue's work item, at its end: give the slot back if no member has a
 * job in flight and the policy or a waiter says so, preempt if asked to and
 * allowed, bind a slot given back to a holder whose jobs are in flight.
 * @idle: the queue has no job in flight.  @more: it has jobs pending.
 */
void fwsched_slot_update(struct fwsched_queue *q, bool idle, bool more)
{
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_holder *h = ref->holder;
	struct fwsched_slot_pool *pool = ref->pool;
	unsigned long flags;
	int slot;

	spin_lock_irqsave(&pool->lock, flags);
	/*
	 * Only a run that asked for the slot wants it.  One that did not
	 * (stopped, its head waiting on a dependency or on prepare) withdraws:
	 * its queue is kicked when the job can go, and asks then.  Counting
	 * its pending jobs as wanting would queue the holder again at each
	 * release and grant it the free slot at once, pass after pass, for as
	 * long as the dependency waits.
	 */
	ref_set(ref, !idle, more && ref->tried);
	ref->tried = false;
	ref_run(ref, false);
	if (h->state != FWSCHED_SLOT_HELD || h->binding || h->unbinding) {
		spin_unlock_irqrestore(&pool->lock, flags);
		return;
	}
	slot = h->slot;
	if (h->nr_busy) {
		if (!h->bound) {
			/* Preempted jobs waiting for a slot to finish on. */
			h->binding = true;
			spin_unlock_irqrestore(&pool->lock, flags);
			holder_bind(h, slot);
			return;
		}
		/*
		 * Not while another member runs: its run_job may be on its way
		 * to the slot.  Its own update, at the end of its run, preempts.
		 */
		if (h->yield && pool->preempt && !h->nr_running) {
			h->state = FWSCHED_SLOT_PREEMPTING;
			holder_slice_sync(h);
			spin_unlock_irqrestore(&pool->lock, flags);
			/* Time off the hardware does not count. */
			holder_pause(h, true);
			holder_preempt(h, slot);
			return;
		}
		spin_unlock_irqrestore(&pool->lock, flags);
		return;
	}

	/*
	 * Granted, not yet bound, and a member's ready job was refused a
	 * slot in this member's run or its last one: this run began before
	 * the grant, and the grant queued that member's work item, which
	 * binds.  Giving the slot back here would hand the turn on unused.
	 */
	if (!h->bound && !h->yield && h->nr_asked) {
		spin_unlock_irqrestore(&pool->lock, flags);
		return;
	}
	h->idle = true;
	if (!h->yield && pool->release == FWSCHED_SLOT_RELEASE_ON_DEMAND) {
		/* A member refused for its quantum runs again after a release. */
		if (!fwsched_slot_wanted(pool, h->prio) && !h->nr_spent) {
			spin_unlock_irqrestore(&pool->lock, flags);
			return;
		}
		h->yield = true;
	}
	if (h->bound) {
		/* Members that try to run meanwhile find it unbinding. */
		h->bound = false;
		h->unbinding = true;
		holder_slice_sync(h);
		spin_unlock_irqrestore(&pool->lock, flags);
		holder_pause(h, true);
		holder_unbind_op(h, slot);
		spin_lock_irqsave(&pool->lock, flags);
		h->unbinding = false;
	}
	if (!h->nr_wants)
		h->yield = false;	/* nothing left to do: not a yield */
	/* Jobs pending: queue again, at the tail of the FIFO. */
	fwsched_slot_put(pool, h, h->nr_wants);
	spin_unlock_irqrestore(&pool->lock, flags);
}

/* Move holder @h to level @prio; see fwsched_slot_set_prio().  Pool lock. */
static void holder_set_prio(struct fwsched_slot_holder *h, enum fwsched_priority prio)
{
	struct fwsched_slot_pool *pool = h->pool;

	lockdep_assert_held(&pool->lock);
	WRITE_ONCE(h->next_prio, prio);
	switch (h->state) {
	case FWSCHED_SLOT_NONE:
		h->prio = prio;
		break;
	case FWSCHED_SLOT_WAITING:
		if (h->prio != prio) {
			h->prio = prio;
			h->passed = 0;
			list_move_tail(&h->link, &pool->waiters[prio]);
		}
		break;
	default:
		if (prio > h->prio) {
			pool->held[h->prio]--;
			pool->held[prio]++;
			h->prio = prio;
			fwsched_slot_check(pool);
		} else if (prio < h->prio) {
			pool->held[h->prio]--;
			pool->nr_held--;
			if (!fwsched_slot_may_take(pool, prio, -1) && !h->yield) {
				h->yield = true;
				/* A group's members learn it in their work items. */
				if (h->group)
					holder_kick(h);
			}
			pool->held[h->prio]++;
			pool->nr_held++;
		}
		break;
	}
	fwsched_slot_dispatch(pool);
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
	struct fwsched_slot_pool *pool = q->slot.pool;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	holder_set_prio(q->slot.holder, prio);
	spin_unlock_irqrestore(&pool->lock, flags);
}

/*
 * fwsched_queue_destroy(), once every job is gone and the work item is
 * disabled, outside the signalling section (it waits for a fence): forget
 * the queue's jobs and wait for a preemption of its holder in progress.
 * The slot is not free before its preempt fence has signalled, i.e. before
 * the firmware has finished saving the context; the callback then gives it
 * back and, the queue having no job left, does not put it in a FIFO again
 * for this queue.
 */
void fwsched_slot_quiesce(struct fwsched_queue *q)
{
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_holder *h = ref->holder;
	struct fwsched_slot_pool *pool = ref->pool;
	struct dma_fence *f;
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&pool->lock, flags);
	ref_set(ref, false, false);
	f = h->preempt_fence;
	if (f)
		dma_fence_get(f);
	spin_unlock_irqrestore(&pool->lock, flags);
	if (!f)
		return;

	dma_fence_wait(f, false);
	/*
	 * The callback runs under the fence's lock: taking it waits for a
	 * callback in progress.  On return the slot is back in the pool (or,
	 * in a group, another preemption may have begun: a new fence).
	 */
	dma_fence_lock_irqsave(f, flags);
	dma_fence_unlock_irqrestore(f, flags);
	dma_fence_put(f);
}

/*
 * fwsched_queue_destroy(), after fwsched_slot_quiesce(): leave the holder.
 * The last member gives its slot back (unbind) or leaves the FIFO; no grant
 * reaches the queue afterwards.  Other members are told that the holder
 * may be idle now.
 */
void fwsched_slot_detach(struct fwsched_queue *q)
{
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_holder *h = ref->holder;
	struct fwsched_slot_pool *pool = ref->pool;
	unsigned long flags;
	int slot = -1;

	spin_lock(&h->members_lock);
	spin_lock_irqsave(&pool->lock, flags);
	ref_set(ref, false, false);
	ref_run(ref, false);
	if (h->nr_members > 1) {
		list_del_init(&ref->member);
		h->nr_members--;
		if (h->state == FWSCHED_SLOT_WAITING && !h->nr_busy && !h->nr_wants) {
			list_del_init(&h->link);
			h->state = FWSCHED_SLOT_NONE;
			fwsched_slot_dispatch(pool);
		} else if (h->state == FWSCHED_SLOT_HELD) {
			holder_kick(h);
		}
		pool->nr_queues--;
		spin_unlock_irqrestore(&pool->lock, flags);
		/* Held: fwsched_group_destroy() cannot free the group yet. */
		spin_unlock(&h->members_lock);
		return;
	}
	/*
	 * The last member: no work item of the holder runs any more.  It
	 * stays counted until its last access to @h, so that the group is
	 * not destroyed under it (no lock is held across unbind).
	 */
	WARN_ON(h->preempt_fence || h->binding || h->unbinding);
	if (h->state == FWSCHED_SLOT_HELD && h->bound) {
		h->bound = false;
		h->unbinding = true;
		slot = h->slot;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	spin_unlock(&h->members_lock);

	if (slot >= 0)
		holder_unbind_op(h, slot);

	spin_lock(&h->members_lock);
	spin_lock_irqsave(&pool->lock, flags);
	h->unbinding = false;
	if (h->state == FWSCHED_SLOT_HELD) {
		h->yield = false;
		fwsched_slot_put(pool, h, false);
	} else if (h->state == FWSCHED_SLOT_WAITING) {
		list_del_init(&h->link);
		h->state = FWSCHED_SLOT_NONE;
		fwsched_slot_dispatch(pool);
	}
	list_del_init(&ref->member);
	h->nr_members--;
	pool->nr_queues--;
	/* A member created meanwhile found the slot unbinding. */
	if (h->nr_wants)
		holder_kick(h);
	spin_unlock_irqrestore(&pool->lock, flags);
	spin_unlock(&h->members_lock);
}

/* debug.c: a line on @q's slot holder and its pool, if @q has a pool. */
void fwsched_slot_print(struct fwsched_queue *q, struct seq_buf *s)
{
	static const char * const names[] = {
		[FWSCHED_SLOT_NONE] = "none",
		[FWSCHED_SLOT_WAITING] = "waiting",
		[FWSCHED_SLOT_HELD] = "held",
		[FWSCHED_SLOT_PREEMPTING] = "preempting",
	};
	struct fwsched_slot_pool *pool = q->slot.pool;
	struct fwsched_slot_ref *ref = &q->slot;
	struct fwsched_slot_holder *h;
	unsigned long flags;

	if (!pool)
		return;
	spin_lock_irqsave(&pool->lock, flags);
	h = ref->holder;
	seq_buf_printf(s,
		       "  slot %s state=%s level=%u bound=%d binding=%d unbinding=%d preempt_fence=%d yield=%d idle=%d aged=%d passed=%u busy=%u wants=%u asked=%u running=%u member=%d%d%d%d%d pool=%u/%u\n",
		       h->group ? "group" : "own", names[h->state], h->prio,
		       h->bound, h->binding, h->unbinding, !!h->preempt_fence,
		       h->yield, h->idle, h->aged, h->passed, h->nr_busy,
		       h->nr_wants, h->nr_asked, h->nr_running, ref->busy,
		       ref->wants, ref->asked, ref->tried, ref->running,
		       pool->nr_held, pool->nr_slots);
	spin_unlock_irqrestore(&pool->lock, flags);
}

/**
 * fwsched_queue_slot() - the firmware slot a queue holds
 * @queue: the queue
 *
 * For a member of a group, the group's slot.  Meaningful in run_job and the
 * slot callbacks, where it cannot change.
 *
 * Context: any context.
 * Return: the slot, or -1 if the queue holds none (or has no pool).
 */
int fwsched_queue_slot(struct fwsched_queue *queue)
{
	return queue->slot.pool ? READ_ONCE(queue->slot.holder->slot) : -1;
}
EXPORT_SYMBOL_GPL(fwsched_queue_slot);

/**
 * fwsched_queue_slot_stats() - a queue's slot history
 * @queue: a queue with a slot pool
 * @stats: filled in
 *
 * For a member of a group, the group's history (fwsched_group_slot_stats()).
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
	*stats = queue->slot.holder->stats;
	spin_unlock_irqrestore(&pool->lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(fwsched_queue_slot_stats);

/**
 * fwsched_group_create() - create a group of queues that share one slot
 * @args: see &struct fwsched_group_args
 *
 * The group holds no slot and has no member until queues are created with
 * &fwsched_queue_args.group.
 *
 * Context: process context; may sleep (GFP_KERNEL).
 * Return: the group; ERR_PTR(-EINVAL) without a pool, for a priority out of
 * range, or on a pool created with &fwsched_slot_pool_args.preempt whose
 * ops lack &fwsched_slot_ops.preempt_group; ERR_PTR(-ENOMEM).
 */
struct fwsched_group *fwsched_group_create(const struct fwsched_group_args *args)
{
	struct fwsched_slot_pool *pool;
	struct fwsched_group *group;
	unsigned long flags;

	if (!args || !args->pool || (unsigned int)args->priority >= FWSCHED_PRIO_COUNT)
		return ERR_PTR(-EINVAL);
	pool = args->pool;
	if (pool->preempt && !pool->ops->preempt_group)
		return ERR_PTR(-EINVAL);
	if (fwsched_should_fail_alloc(sizeof(*group)))
		return ERR_PTR(-ENOMEM);
	group = kzalloc_obj(*group, GFP_KERNEL);
	if (!group)
		return ERR_PTR(-ENOMEM);
	holder_init(&group->holder, pool, group, args->priority,
		    dma_fence_context_alloc(1));
	group->priv = args->priv;
	spin_lock_irqsave(&pool->lock, flags);
	pool->nr_groups++;
	spin_unlock_irqrestore(&pool->lock, flags);
	return group;
}
EXPORT_SYMBOL_GPL(fwsched_group_create);

/**
 * fwsched_group_destroy() - free a group
 * @group: the group, or NULL
 *
 * Context: process context; does not sleep.
 * Return: 0; -EBUSY if member queues still exist (destroy them first): the
 * group is then left as it was.
 */
int fwsched_group_destroy(struct fwsched_group *group)
{
	struct fwsched_slot_holder *h;
	struct fwsched_slot_pool *pool;
	unsigned long flags;

	if (!group)
		return 0;
	h = &group->holder;
	pool = h->pool;
	/* A member's destroy holds members_lock until it is done with @h. */
	spin_lock(&h->members_lock);
	spin_lock_irqsave(&pool->lock, flags);
	if (h->nr_members) {
		spin_unlock_irqrestore(&pool->lock, flags);
		spin_unlock(&h->members_lock);
		return -EBUSY;
	}
	WARN_ON(h->state != FWSCHED_SLOT_NONE);
	pool->nr_groups--;
	spin_unlock_irqrestore(&pool->lock, flags);
	spin_unlock(&h->members_lock);
	kfree(group);
	return 0;
}
EXPORT_SYMBOL_GPL(fwsched_group_destroy);

/**
 * fwsched_group_priv() - the driver data given at creation
 * @group: the group
 *
 * Return: &fwsched_group_args.priv.
 */
void *fwsched_group_priv(const struct fwsched_group *group)
{
	return group->priv;
}
EXPORT_SYMBOL_GPL(fwsched_group_priv);

/**
 * fwsched_group_set_priority() - change a group's priority
 * @group: the group
 * @priority: the new &enum fwsched_priority
 *
 * The rules of fwsched_queue_set_priority() for a queue of its own apply
 * to the group as a whole; it takes effect at once.
 *
 * Context: any context; does not sleep.
 * Return: 0, or -EINVAL for a priority out of range.
 */
int fwsched_group_set_priority(struct fwsched_group *group,
			       enum fwsched_priority priority)
{
	struct fwsched_slot_pool *pool = group->holder.pool;
	unsigned long flags;

	if ((unsigned int)priority >= FWSCHED_PRIO_COUNT)
		return -EINVAL;
	spin_lock_irqsave(&pool->lock, flags);
	holder_set_prio(&group->holder, priority);
	spin_unlock_irqrestore(&pool->lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(fwsched_group_set_priority);

/**
 * fwsched_group_priority() - a group's priority
 * @group: the group
 *
 * Context: any context.
 * Return: the last priority set.
 */
enum fwsched_priority fwsched_group_priority(const struct fwsched_group *group)
{
	/* The level set last (it counts once the slot is given back). */
	return READ_ONCE(group->holder.next_prio);
}
EXPORT_SYMBOL_GPL(fwsched_group_priority);

/**
 * fwsched_group_slot() - the firmware slot a group holds
 * @group: the group
 *
 * Meaningful in run_job of a member and the group's slot callbacks, where
 * it cannot change.
 *
 * Context: any context.
 * Return: the slot, or -1.
 */
int fwsched_group_slot(struct fwsched_group *group)
{
	return READ_ONCE(group->holder.slot);
}
EXPORT_SYMBOL_GPL(fwsched_group_slot);

/**
 * fwsched_group_slot_stats() - a group's slot history
 * @group: the group
 * @stats: filled in
 *
 * Context: any context.
 */
void fwsched_group_slot_stats(struct fwsched_group *group,
			      struct fwsched_slot_stats *stats)
{
	struct fwsched_slot_pool *pool = group->holder.pool;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	*stats = group->holder.stats;
	spin_unlock_irqrestore(&pool->lock, flags);
}
EXPORT_SYMBOL_GPL(fwsched_group_slot_stats);
