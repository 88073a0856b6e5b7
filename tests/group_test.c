// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for slot groups: queues that share one firmware slot, on the
 * mock firmware of mock_fw.c.
 *
 * The test plays a driver whose firmware binds groups (Mali CSF's CSGs, a
 * GuC multi-queue context): its group callbacks keep a map of which group
 * is in which slot, put every member ring into that slot (the mock's
 * run_job checks that a ring runs only in the slot fwsched says its queue
 * holds), and check at every bind that no slot is shared, that no more than
 * N are held and that no level's reservation is held by a lower level; an
 * unbind with a member's job still on the hardware is a violation too.
 * Completions are stepped by the test, so that bounds are counted in job
 * completions, never in time.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include "mock_fw.h"

#define WAIT_MS MOCK_WAIT_MS
#define MAX_SLOTS 16
#define MAX_MEMBERS 4

struct tgroup;

struct group_ctx {
	struct kunit *test;
	struct workqueue_struct *wq;
	struct fwsched_slot_pool *pool;
	struct fwsched_slot_pool_args args;

	spinlock_t lock;		/* everything below, and tgroup's */
	struct tgroup *occupant[MAX_SLOTS];
	u32 held[FWSCHED_PRIO_COUNT];
	unsigned int binds, unbinds, preempts, violations;
	u64 steps;			/* completions so far */
	wait_queue_head_t wait;		/* woken at every bind and preempt */

	/* Called by tgroup_bind(), outside the lock, before it returns. */
	void (*bind_hook)(struct group_ctx *ctx);
	void *hook_data;

	/* preempt */
	struct fwsched_timeline *preempt_tl;
	struct fwsched_fence *preempt_fence;
	bool preempt_now;		/* NULL: preempted at once */
	ktime_t preempt_at;		/* when preempt_group was last called */
};

/* The driver's group: its firmware context and member rings. */
struct tgroup {
	struct group_ctx *ctx;
	struct fwsched_group *group;
	struct mock_ring *ring[MAX_MEMBERS];
	unsigned int nr;
	int slot;			/* where the "firmware" has it, or -1 */
	enum fwsched_priority bind_prio;
	unsigned int binds;
	ktime_t bound_at;		/* of the last bind, after fwsched's */
	/* Stepped completions from losing the slot with work left to the bind. */
	u64 wait_since, max_wait;
	bool waiting;
};

/* Driver view of both invariants.  ctx->lock held. */
static void group_ctx_check(struct group_ctx *ctx)
{
	u32 below = 0, total = 0, limit, reserved;
	int p, l;

	for (p = 0; p < FWSCHED_PRIO_COUNT; p++)
		total += ctx->held[p];
	if (total > ctx->args.nr_slots)
		ctx->violations++;
	for (p = 1; p < FWSCHED_PRIO_COUNT; p++) {
		below += ctx->held[p - 1];
		reserved = 0;
		for (l = p; l < FWSCHED_PRIO_COUNT; l++)
			reserved += ctx->args.reserved[l];
		limit = ctx->args.nr_slots - reserved;
		if (below > limit)
			ctx->violations++;
	}
}

static void tgroup_bind(struct fwsched_group *g, unsigned int slot)
{
	struct tgroup *tg = fwsched_group_priv(g);
	struct group_ctx *ctx = tg->ctx;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&ctx->lock, flags);
	if (slot >= MAX_SLOTS || ctx->occupant[slot] || tg->slot >= 0) {
		ctx->violations++;
	} else {
		ctx->occupant[slot] = tg;
		tg->slot = slot;
		tg->bind_prio = fwsched_group_priority(g);
		ctx->held[tg->bind_prio]++;
	}
	for (i = 0; i < tg->nr; i++)
		if (tg->ring[i])
			WRITE_ONCE(tg->ring[i]->slot, slot);
	if (tg->waiting)
		tg->max_wait = max(tg->max_wait, ctx->steps - tg->wait_since);
	tg->waiting = false;
	tg->bound_at = ktime_get();
	tg->binds++;
	ctx->binds++;
	group_ctx_check(ctx);
	spin_unlock_irqrestore(&ctx->lock, flags);
	wake_up_all(&ctx->wait);
	if (ctx->bind_hook)
		ctx->bind_hook(ctx);
}

/* The firmware let go of the group's slot.  ctx->lock held. */
static void tgroup_leave(struct group_ctx *ctx, struct tgroup *tg)
{
	unsigned int i;

	if (tg->slot < 0 || ctx->occupant[tg->slot] != tg) {
		ctx->violations++;
		return;
	}
	ctx->occupant[tg->slot] = NULL;
	ctx->held[tg->bind_prio]--;
	tg->slot = -1;
	for (i = 0; i < tg->nr; i++)
		if (tg->ring[i])
			WRITE_ONCE(tg->ring[i]->slot, -1);
}

static void tgroup_unbind(struct fwsched_group *g, unsigned int slot)
{
	struct tgroup *tg = fwsched_group_priv(g);
	struct group_ctx *ctx = tg->ctx;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&ctx->lock, flags);
	if (tg->slot != slot)
		ctx->violations++;
	for (i = 0; i < tg->nr; i++)
		if (tg->ring[i] && atomic_read(&tg->ring[i]->on_hw))
			ctx->violations++;	/* unbound with jobs on the hardware */
	tgroup_leave(ctx, tg);
	tg->waiting = true;
	tg->wait_since = ctx->steps;
	ctx->unbinds++;
	spin_unlock_irqrestore(&ctx->lock, flags);
}

static struct dma_fence *tgroup_preempt(struct fwsched_group *g, unsigned int slot)
{
	struct tgroup *tg = fwsched_group_priv(g);
	struct group_ctx *ctx = tg->ctx;
	struct dma_fence *f = NULL;
	unsigned long flags;

	spin_lock_irqsave(&ctx->lock, flags);
	ctx->preempts++;
	ctx->preempt_at = ktime_get();
	if (tg->slot != slot)
		ctx->violations++;
	if (ctx->preempt_now) {
		tgroup_leave(ctx, tg);
	} else if (ctx->preempt_fence &&
		   !dma_fence_was_initialized(&ctx->preempt_fence->base)) {
		/* One preemption per case; later ones: "cannot now". */
		fwsched_fence_arm(ctx->preempt_fence, ctx->preempt_tl);
		f = dma_fence_get(&ctx->preempt_fence->base);
		/* The slot is the group's until the fence signals. */
	} else {
		f = ERR_PTR(-EBUSY);
	}
	tg->waiting = !IS_ERR(f);
	tg->wait_since = ctx->steps;
	spin_unlock_irqrestore(&ctx->lock, flags);
	wake_up_all(&ctx->wait);
	return f;
}

/* A queue of its own in the same pool (for mixed pools). */
static void solo_bind(struct fwsched_queue *q, unsigned int slot)
{
	struct mock_ring *ring = fwsched_queue_priv(q);

	WRITE_ONCE(ring->slot, slot);
}

static void solo_unbind(struct fwsched_queue *q, unsigned int slot)
{
	struct mock_ring *ring = fwsched_queue_priv(q);

	WRITE_ONCE(ring->slot, -1);
}

static struct dma_fence *solo_preempt(struct fwsched_queue *q, unsigned int slot)
{
	return ERR_PTR(-EBUSY);
}

static const struct fwsched_slot_ops group_ops = {
	.bind = solo_bind,
	.unbind = solo_unbind,
	.preempt = solo_preempt,
	.bind_group = tgroup_bind,
	.unbind_group = tgroup_unbind,
	.preempt_group = tgroup_preempt,
};

/*
 * The context's teardown, registered before any ring or group, so that it
 * runs after all of them on every exit from a case: the pool, the preempt
 * fence (signalled first if still pending) and the workqueue.
 */
static void group_ctx_release(void *data)
{
	struct group_ctx *ctx = data;

	if (ctx->pool)
		KUNIT_EXPECT_EQ(ctx->test, fwsched_slot_pool_destroy(ctx->pool), 0);
	if (ctx->preempt_fence && dma_fence_was_initialized(&ctx->preempt_fence->base) &&
	    !dma_fence_is_signaled(&ctx->preempt_fence->base))
		fwsched_fence_signal(ctx->preempt_fence, -ECANCELED);
	fwsched_fence_free(ctx->preempt_fence);
	fwsched_timeline_destroy(ctx->preempt_tl);
	destroy_workqueue(ctx->wq);
}

static int group_test_init(struct kunit *test)
{
	struct group_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	ctx->test = test;
	spin_lock_init(&ctx->lock);
	init_waitqueue_head(&ctx->wait);
	ctx->wq = alloc_workqueue("fwsched-group-test", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!ctx->wq)
		return -ENOMEM;
	ctx->preempt_tl = fwsched_timeline_create("fwsched-group-test", "preempt");
	if (IS_ERR(ctx->preempt_tl)) {
		destroy_workqueue(ctx->wq);
		return PTR_ERR(ctx->preempt_tl);
	}
	test->priv = ctx;
	return kunit_add_action_or_reset(test, group_ctx_release, ctx);
}

static struct group_ctx *pool_new(struct kunit *test, u32 nr_slots,
				  enum fwsched_slot_release release, u32 quantum,
				  bool preempt)
{
	struct group_ctx *ctx = test->priv;

	ctx->args.ops = &group_ops;
	ctx->args.nr_slots = nr_slots;
	ctx->args.release = release;
	ctx->args.quantum = quantum;
	ctx->args.preempt = preempt;
	ctx->pool = fwsched_slot_pool_create(&ctx->args);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(ctx->pool), "pool_create: %ld",
			       PTR_ERR(ctx->pool));
	return ctx;
}

static struct group_ctx *pool_new_slice(struct kunit *test, u32 nr_slots,
					u32 quantum_us, bool preempt)
{
	struct group_ctx *ctx = test->priv;

	ctx->args.quantum_us = quantum_us;
	return pool_new(test, nr_slots, FWSCHED_SLOT_RELEASE_IDLE, 0, preempt);
}

/* KUnit action: the group goes after its rings (registered before them). */
static void tgroup_release(void *data)
{
	struct tgroup *tg = data;

	KUNIT_EXPECT_EQ_MSG(tg->ctx->test, fwsched_group_destroy(tg->group), 0,
			    "group destroy refused after its last member");
}

static struct tgroup *tgroup_new(struct group_ctx *ctx, enum fwsched_priority prio)
{
	struct kunit *test = ctx->test;
	struct tgroup *tg = kunit_kzalloc(test, sizeof(*tg), GFP_KERNEL);
	struct fwsched_group_args a = { .pool = ctx->pool, .priority = prio };

	KUNIT_ASSERT_NOT_NULL(test, tg);
	tg->ctx = ctx;
	tg->slot = -1;
	tg->waiting = true;
	a.priv = tg;
	tg->group = fwsched_group_create(&a);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(tg->group), "group_create: %ld",
			       PTR_ERR(tg->group));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tgroup_release, tg), 0);
	return tg;
}

/* A member ring on @wq; the driver adds it to the group's firmware context. */
static struct mock_ring *member_new_tmo(struct tgroup *tg, u32 credit_limit,
					struct workqueue_struct *wq,
					unsigned int timeout_ms)
{
	struct group_ctx *ctx = tg->ctx;
	struct mock_ring_args a = {
		.credit_limit = credit_limit, .mode = MOCK_MANUAL, .wq = wq,
		.group = tg->group, .timeout_ms = timeout_ms,
	};
	struct mock_ring *ring;
	unsigned long flags;

	KUNIT_ASSERT_LT(ctx->test, tg->nr, MAX_MEMBERS);
	ring = mock_ring_create(ctx->test, &a);
	spin_lock_irqsave(&ctx->lock, flags);
	WRITE_ONCE(ring->slot, tg->slot);
	tg->ring[tg->nr++] = ring;
	spin_unlock_irqrestore(&ctx->lock, flags);
	return ring;
}

static struct mock_ring *member_new_wq(struct tgroup *tg, u32 credit_limit,
				       struct workqueue_struct *wq)
{
	return member_new_tmo(tg, credit_limit, wq, 0);
}

static struct mock_ring *member_new(struct tgroup *tg, u32 credit_limit)
{
	return member_new_wq(tg, credit_limit, tg->ctx->wq);
}

/* The driver takes a ring out of its group's context, then destroys it. */
static void member_destroy(struct tgroup *tg, struct mock_ring *ring)
{
	struct group_ctx *ctx = tg->ctx;
	unsigned long flags;
	unsigned int i;

	mock_ring_destroy(ring);
	spin_lock_irqsave(&ctx->lock, flags);
	for (i = 0; i < tg->nr; i++)
		if (tg->ring[i] == ring)
			tg->ring[i] = NULL;
	spin_unlock_irqrestore(&ctx->lock, flags);
}

static struct mock_ring *solo_new(struct group_ctx *ctx, u32 credit_limit,
				  enum fwsched_priority prio)
{
	struct mock_ring_args a = {
		.credit_limit = credit_limit, .mode = MOCK_MANUAL, .wq = ctx->wq,
		.pool = ctx->pool, .prio = prio,
	};

	return mock_ring_create(ctx->test, &a);
}

static void push_n(struct mock_ring *ring, unsigned int n)
{
	while (n--)
		dma_fence_put(mock_push(mock_job_new(ring, 1, 0)));
}

/* Let every queued work item of the test run: synchronisation, not time. */
static void settle(struct group_ctx *ctx)
{
	int i;

	/* Grants, binds and releases queue work items from work items. */
	for (i = 0; i < 6; i++)
		flush_workqueue(ctx->wq);
}

/* The hardware completes one job of @ring, then fwsched settles. */
static bool step(struct group_ctx *ctx, struct mock_ring *ring)
{
	bool done = mock_ring_advance(ring, 1, 0) == 1;
	unsigned long flags;

	if (done) {
		spin_lock_irqsave(&ctx->lock, flags);
		ctx->steps++;
		spin_unlock_irqrestore(&ctx->lock, flags);
	}
	settle(ctx);
	return done;
}

static void pool_done(struct kunit *test, struct group_ctx *ctx)
{
	KUNIT_EXPECT_EQ_MSG(test, fwsched_slot_pool_held(ctx->pool, FWSCHED_PRIO_COUNT),
			    0, "slots still held after every queue is gone");
	KUNIT_EXPECT_EQ_MSG(test, ctx->violations, 0,
			    "slot shared, over-committed, reservation broken or unbound busy");
}

/*
 * One slot, a group of three queues and a queue of its own: the group binds
 * once for both members that have work, both run on its slot, the other
 * queue waits until neither member has a job in flight.
 */
static void group_basic(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, false);
	struct tgroup *tg = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct mock_ring *a = member_new(tg, 4), *b = member_new(tg, 4);
	struct mock_ring *c = member_new(tg, 4);
	struct mock_ring *solo;
	struct fwsched_slot_stats st;

	push_n(a, 2);
	push_n(b, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, tg->binds, 1, "the group was not bound once");
	KUNIT_EXPECT_EQ(test, atomic_read(&a->ran), 2);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ran), 1,
			    "the second member did not run on its group's slot");
	KUNIT_EXPECT_EQ(test, fwsched_group_slot(tg->group), 0);
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot(b->q), 0);
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot(c->q), 0);

	solo = solo_new(ctx, 4, FWSCHED_PRIO_NORMAL);
	push_n(solo, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&solo->ran), 0);

	/* a is done, b still runs: the group keeps its slot. */
	KUNIT_EXPECT_TRUE(test, step(ctx, a));
	KUNIT_EXPECT_TRUE(test, step(ctx, a));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&solo->ran), 0,
			    "the group gave its slot back with a member's job in flight");
	KUNIT_EXPECT_EQ(test, ctx->unbinds, 0);
	/* A new job of an idle member still runs on the held slot. */
	push_n(c, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->ran), 1);
	KUNIT_EXPECT_TRUE(test, step(ctx, c));
	KUNIT_EXPECT_TRUE(test, step(ctx, b));
	KUNIT_EXPECT_EQ_MSG(test, ctx->unbinds, 1, "the idle group kept its slot");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&solo->ran), 1,
			    "the waiting queue did not get the group's slot");
	KUNIT_EXPECT_EQ(test, fwsched_group_slot(tg->group), -1);
	KUNIT_EXPECT_TRUE(test, step(ctx, solo));

	fwsched_group_slot_stats(tg->group, &st);
	KUNIT_EXPECT_EQ(test, st.grants, 1);
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot_stats(a->q, &st), 0);
	KUNIT_EXPECT_EQ_MSG(test, st.grants, 1, "a member's stats are not its group's");

	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	mock_expect_clean(test, c);
	mock_expect_clean(test, solo);
	/* Not before its members. */
	KUNIT_EXPECT_EQ(test, fwsched_group_destroy(tg->group), -EBUSY);
	mock_ring_destroy(solo);
	member_destroy(tg, a);
	member_destroy(tg, b);
	member_destroy(tg, c);
	pool_done(test, ctx);
}

struct bind_race {
	struct mock_ring *b;
	struct mock_job *job;
	struct workqueue_struct *wq_b;	/* ordered: b's work item, then @fence */
	struct work_struct fence_work;
	struct completion b_ran;
};

static void bind_race_fence(struct work_struct *w)
{
	struct bind_race *br = container_of(w, struct bind_race, fence_work);

	complete(&br->b_ran);
}

/*
 * In a's work item, during the group's bind: b gets a job, and its work item
 * runs (and finds the group binding) before the bind returns.
 */
static void bind_race_hook(struct group_ctx *ctx)
{
	struct bind_race *br = ctx->hook_data;

	ctx->bind_hook = NULL;
	dma_fence_put(mock_push(br->job));
	queue_work(br->wq_b, &br->fence_work);
	if (!wait_for_completion_timeout(&br->b_ran, msecs_to_jiffies(WAIT_MS)))
		ctx->violations++;
}

static void bind_race_release(void *data)
{
	destroy_workqueue(data);
}

/*
 * A member that tries to run while another member's work item binds the
 * group's slot is refused, and must be run once the bind is done: nothing
 * else would queue its work item.
 */
static void group_bind_race(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, false);
	struct tgroup *tg = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct bind_race *br = kunit_kzalloc(test, sizeof(*br), GFP_KERNEL);
	struct mock_ring *a;

	KUNIT_ASSERT_NOT_NULL(test, br);
	br->wq_b = alloc_ordered_workqueue("fwsched-group-b", WQ_MEM_RECLAIM);
	KUNIT_ASSERT_NOT_NULL(test, br->wq_b);
	/* After b's ring is destroyed (actions run in reverse). */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, bind_race_release,
							br->wq_b), 0);
	a = member_new(tg, 2);
	br->b = member_new_wq(tg, 2, br->wq_b);
	br->job = mock_job_new(br->b, 1, 0);
	INIT_WORK(&br->fence_work, bind_race_fence);
	init_completion(&br->b_ran);
	ctx->hook_data = br;
	ctx->bind_hook = bind_race_hook;

	push_n(a, 1);
	settle(ctx);
	flush_workqueue(br->wq_b);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, ctx->violations, 0);
	KUNIT_EXPECT_EQ(test, tg->binds, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->ran), 1);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&br->b->ran), 1,
			    "b never ran: a member that found its group binding was not run after the bind");
	KUNIT_EXPECT_TRUE(test, step(ctx, a));
	if (atomic_read(&br->b->on_hw))
		KUNIT_EXPECT_TRUE(test, step(ctx, br->b));
	mock_expect_clean(test, a);
	mock_expect_clean(test, br->b);
	member_destroy(tg, a);
	member_destroy(tg, br->b);
	pool_done(test, ctx);
}

/*
 * The quantum is per member: two groups on one slot take turns, each after
 * every member of the holder ran its quantum, and no member of a group is
 * starved by a sibling that always has work.
 */
static void group_quantum(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 4, false);
	struct tgroup *g1 = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct tgroup *g2 = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct mock_ring *a = member_new(g1, 1), *b = member_new(g1, 1);
	struct mock_ring *c = member_new(g2, 1);
	unsigned int i;

	push_n(a, 8);
	push_n(b, 8);
	settle(ctx);
	push_n(c, 8);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, g1->binds, 1);
	/* Credit limit 1: each member has one job in flight at a time. */
	for (i = 0; i < 16 && atomic_read(&c->ran) == 0; i++) {
		step(ctx, a);
		step(ctx, b);
	}
	kunit_info(test, "group 1 ran %d + %d jobs before group 2 got the slot",
		   atomic_read(&a->ran), atomic_read(&b->ran));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&c->ran), 1,
			    "group 2 did not get the slot after group 1's quanta");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->ran), 4, "a did not run its quantum, or more");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ran), 4, "b did not run its quantum, or more");
	for (i = 0; i < 64; i++) {
		step(ctx, a);
		step(ctx, b);
		step(ctx, c);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&a->completed), 8);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->completed), 8);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->completed), 8);
	KUNIT_EXPECT_GE_MSG(test, g2->binds, 2, "the groups did not take turns");
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	mock_expect_clean(test, c);
	member_destroy(g1, a);
	member_destroy(g1, b);
	member_destroy(g2, c);
	pool_done(test, ctx);
}

/*
 * Members come and go while their group holds its slot: the group keeps
 * it for the members left, the last one gives it back.
 */
static void group_member_lifecycle(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_ON_DEMAND, 0, false);
	struct tgroup *tg = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct mock_ring *a = member_new(tg, 2), *b, *solo;

	push_n(a, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, tg->binds, 1);
	/* A member created while the group is bound runs at once. */
	b = member_new(tg, 2);
	push_n(b, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ran), 1,
			    "a member added to a bound group did not run");
	KUNIT_EXPECT_EQ(test, tg->binds, 1);
	/* An idle member goes while b's job is in flight. */
	KUNIT_EXPECT_TRUE(test, step(ctx, a));
	member_destroy(tg, a);
	KUNIT_EXPECT_EQ_MSG(test, fwsched_group_slot(tg->group), 0,
			    "the group lost its slot with a member's job in flight");
	KUNIT_EXPECT_TRUE(test, step(ctx, b));
	/* On demand: idle, it keeps the slot until someone needs it. */
	KUNIT_EXPECT_EQ(test, ctx->unbinds, 0);
	solo = solo_new(ctx, 2, FWSCHED_PRIO_NORMAL);
	push_n(solo, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&solo->ran), 1,
			    "the idle group did not give its slot up on demand");
	KUNIT_EXPECT_TRUE(test, step(ctx, solo));
	/* b wants it back: the idle solo queue gives it up on demand. */
	push_n(b, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->ran), 2);
	KUNIT_EXPECT_TRUE(test, step(ctx, b));
	mock_expect_clean(test, b);
	mock_expect_clean(test, solo);
	mock_ring_destroy(solo);
	/* The last member, holding an idle slot, gives it back. */
	member_destroy(tg, b);
	KUNIT_EXPECT_EQ(test, fwsched_group_slot(tg->group), -1);
	KUNIT_EXPECT_EQ(test, ctx->binds, ctx->unbinds);
	pool_done(test, ctx);
}

/*
 * Preemption per group: a high-priority queue evicts a busy low group; one
 * preempt_group for the group, its members' jobs finish after it is bound
 * again, and their timeouts did not count meanwhile (the clock is the
 * group's).
 */
static void group_preempt(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, true);
	struct tgroup *tg = tgroup_new(ctx, FWSCHED_PRIO_LOW);
	struct mock_ring *a = member_new(tg, 2), *b = member_new(tg, 2);
	struct mock_ring *high;
	struct fwsched_slot_stats st;

	ctx->preempt_fence = fwsched_fence_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->preempt_fence);
	push_n(a, 2);
	push_n(b, 2);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->on_hw) + atomic_read(&b->on_hw), 4);

	high = solo_new(ctx, 2, FWSCHED_PRIO_HIGH);
	push_n(high, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, ctx->preempts, 1, "the group was not preempted once");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 0,
			    "high ran before the group's preemption completed");
	/* The firmware saved the group. */
	spin_lock_irq(&ctx->lock);
	tgroup_leave(ctx, tg);
	spin_unlock_irq(&ctx->lock);
	fwsched_fence_signal(ctx->preempt_fence, 0);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 1,
			    "high did not run after the group's preemption");
	KUNIT_EXPECT_TRUE(test, step(ctx, high));
	KUNIT_EXPECT_EQ_MSG(test, fwsched_group_slot(tg->group), 0,
			    "the preempted group was not bound again");
	KUNIT_EXPECT_EQ(test, tg->binds, 2);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 2, 0), 2);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 2, 0), 2);
	settle(ctx);
	fwsched_group_slot_stats(tg->group, &st);
	KUNIT_EXPECT_EQ(test, st.preemptions, 1);
	KUNIT_EXPECT_EQ(test, st.grants, 2);
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	mock_expect_clean(test, high);
	mock_ring_destroy(high);
	member_destroy(tg, a);
	member_destroy(tg, b);
	pool_done(test, ctx);
	KUNIT_EXPECT_EQ(test, ctx->binds, ctx->unbinds + ctx->preempts);
}

/*
 * A preempted group's time off the slot is not hardware time: a member
 * with a 200 ms timeout stays preempted for six periods of a 50 ms clock
 * (a stuck ring whose timeouts extend), is bound again and completes.  A
 * timeout may still come on a loaded machine, but only once 200 ms of
 * time on the slot have passed: the time between the preempt callback and
 * the next bind (inside what fwsched pauses) is taken off.
 */
static void group_preempt_timeout(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, true);
	struct tgroup *tg = tgroup_new(ctx, FWSCHED_PRIO_LOW);
	struct mock_ring *a = member_new_tmo(tg, 2, ctx->wq, 200);
	struct mock_ring_args ca = {
		.credit_limit = 1, .mode = MOCK_MANUAL, .timeout_ms = 50,
		.prio = FWSCHED_PRIO_NORMAL,
	};
	struct mock_ring *high, *clock;
	struct dma_fence *fa, *fc;
	ktime_t preempted, bound;
	s64 on_slot;

	ctx->preempt_fence = fwsched_fence_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->preempt_fence);
	fa = mock_push(mock_job_new(a, 1, 0));
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->ran), 1);
	high = solo_new(ctx, 2, FWSCHED_PRIO_HIGH);
	push_n(high, 1);
	settle(ctx);
	KUNIT_ASSERT_EQ_MSG(test, ctx->preempts, 1, "the group was not preempted");
	preempted = ctx->preempt_at;

	/* More than 200 ms pass: six timeouts of a 50 ms clock. */
	clock = mock_ring_create(test, &ca);
	atomic_set(&clock->tdr_extend, INT_MAX);
	fc = mock_push(mock_job_new(clock, 1, 0));
	KUNIT_EXPECT_TRUE_MSG(test,
			      wait_event_timeout(clock->wait, atomic_read(&clock->timeouts) >= 6,
						 msecs_to_jiffies(WAIT_MS)),
			      "clock ring stopped");

	spin_lock_irq(&ctx->lock);
	tgroup_leave(ctx, tg);
	spin_unlock_irq(&ctx->lock);
	fwsched_fence_signal(ctx->preempt_fence, 0);
	settle(ctx);
	KUNIT_EXPECT_TRUE(test, step(ctx, high));
	KUNIT_ASSERT_TRUE_MSG(test, wait_event_timeout(ctx->wait, tg->binds == 2,
						       msecs_to_jiffies(WAIT_MS)),
			      "the preempted group was not bound again");
	bound = tg->bound_at;
	KUNIT_EXPECT_TRUE(test, step(ctx, a));
	KUNIT_EXPECT_TRUE(test, mock_wait(fa, WAIT_MS));
	if (atomic_read(&a->timeouts)) {
		on_slot = ktime_ms_delta(READ_ONCE(a->first_timeout_at),
					 READ_ONCE(a->last_run_at)) -
			  ktime_ms_delta(bound, preempted);
		KUNIT_EXPECT_GE_MSG(test, on_slot, 190,
				    "time off the slot (preempted) counted as hardware time");
	}
	KUNIT_EXPECT_EQ(test, mock_ring_advance(clock, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fc, WAIT_MS));
	dma_fence_put(fa);
	dma_fence_put(fc);
	mock_ring_destroy(clock);
	mock_expect_clean(test, a);
	mock_expect_clean(test, high);
	mock_ring_destroy(high);
	member_destroy(tg, a);
	pool_done(test, ctx);
}

struct destroy_thread {
	struct mock_ring *ring;
	struct completion done;
};

static int destroy_fn(void *data)
{
	struct destroy_thread *d = data;

	fwsched_queue_destroy(d->ring->q);
	complete(&d->done);
	return 0;
}

/* Destroy @ring's queue from a thread; its teardown action leaves it alone. */
static void destroy_start(struct kunit *test, struct destroy_thread *d,
			  struct mock_ring *ring)
{
	struct task_struct *t;

	init_completion(&d->done);
	d->ring = ring;
	ring->destroyed = true;
	ring->orderly = true;
	t = kthread_run(destroy_fn, d, "fwsched-group-destroy");
	if (IS_ERR(t)) {
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		destroy_fn(d);
	}
}

/* The ring must outlive its destroy: after a failure, wait on (boot limit). */
static void destroy_wait(struct kunit *test, struct destroy_thread *d)
{
	if (!wait_for_completion_timeout(&d->done, msecs_to_jiffies(WAIT_MS))) {
		KUNIT_FAIL(test, "member destroy did not return after the preemption");
		wait_for_completion(&d->done);
	}
}

/*
 * Destroy racing a preemption: while the group's preemption is pending, its
 * members are destroyed from other threads, an idle one and a busy one
 * whose jobs are cancelled.  Both wait for the preempt fence (the firmware
 * is still saving the group, rings included), and only then does the slot
 * go to the waiter.
 */
static void group_destroy_during_preempt(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, true);
	struct tgroup *tg = tgroup_new(ctx, FWSCHED_PRIO_LOW);
	struct mock_ring *a = member_new(tg, 2), *b = member_new(tg, 2);
	struct destroy_thread da, db;
	struct mock_ring *high;

	ctx->preempt_fence = fwsched_fence_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->preempt_fence);
	a->cancel_in_flight = true;
	push_n(a, 2);
	settle(ctx);
	high = solo_new(ctx, 2, FWSCHED_PRIO_HIGH);
	push_n(high, 1);
	settle(ctx);
	KUNIT_ASSERT_EQ(test, ctx->preempts, 1);

	destroy_start(test, &db, b);
	destroy_start(test, &da, a);
	/* a's jobs cancelled, its destroy goes on to wait for the fence. */
	KUNIT_EXPECT_TRUE_MSG(test,
			      wait_event_timeout(a->wait, atomic_read(&a->on_hw) == 0,
						 msecs_to_jiffies(WAIT_MS)),
			      "destroy did not cancel the member's jobs");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 0,
			    "slot given away before the preempt fence signalled");
	/* Neither may return before it (a bounded look; passing never depends on it). */
	KUNIT_EXPECT_FALSE_MSG(test,
			       wait_for_completion_timeout(&db.done, msecs_to_jiffies(100)),
			       "an idle member's destroy returned while its group was being saved");
	KUNIT_EXPECT_FALSE_MSG(test, completion_done(&da.done),
			       "a member's destroy returned while its group was being saved");
	spin_lock_irq(&ctx->lock);
	tgroup_leave(ctx, tg);
	spin_unlock_irq(&ctx->lock);
	fwsched_fence_signal(ctx->preempt_fence, 0);
	destroy_wait(test, &da);
	destroy_wait(test, &db);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 1,
			    "the waiter did not get the slot the group left");
	KUNIT_EXPECT_TRUE(test, step(ctx, high));
	mock_expect_clean(test, high);
	mock_ring_destroy(high);
	member_destroy(tg, a);
	member_destroy(tg, b);
	pool_done(test, ctx);
}

/* Long enough that the waiter arrives before the slice ends (on an idle machine). */
#define SLICE_US 20000

/*
 * Time slices with preemption: a group whose one job runs "forever" holds
 * the only slot; a group of the same level arrives.  No completion ever
 * comes, yet the slice ends: the holder is preempted through the driver,
 * the waiter runs, and the preempted group is bound again and finishes its
 * job (the firmware saved it).  The test waits for the preemption (a
 * bound, for the failure message), it does not time it.
 */
static void group_slice_preempt(struct kunit *test)
{
	struct group_ctx *ctx = pool_new_slice(test, 1, SLICE_US, true);
	struct tgroup *ga = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct tgroup *gb = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct mock_ring *a = member_new(ga, 2), *b = member_new(gb, 2);
	struct fwsched_slot_stats st;

	ctx->preempt_fence = fwsched_fence_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->preempt_fence);
	push_n(a, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->on_hw), 1);
	push_n(b, 1);
	if (ktime_us_delta(ktime_get(), ga->bound_at) >= SLICE_US)
		kunit_info(test, "b came after the slice's end: the timer was not needed");
	/* Assert: the teardown actions then cancel what is in flight. */
	KUNIT_ASSERT_TRUE_MSG(test, wait_event_timeout(ctx->wait, ctx->preempts == 1,
						       msecs_to_jiffies(WAIT_MS)),
			      "the holder's slice ended without a preemption");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ran), 0,
			    "b ran before the preemption completed");
	spin_lock_irq(&ctx->lock);
	tgroup_leave(ctx, ga);
	spin_unlock_irq(&ctx->lock);
	fwsched_fence_signal(ctx->preempt_fence, 0);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ran), 1,
			    "the waiter did not get the slot at the end of the slice");
	/*
	 * a waits with a job in flight: at the end of b's slice b is
	 * preempted in turn (ERR_PTR now: b drains) or completes first.
	 */
	KUNIT_EXPECT_TRUE(test, step(ctx, b));
	KUNIT_ASSERT_TRUE_MSG(test, wait_event_timeout(ctx->wait, ga->binds == 2,
						       msecs_to_jiffies(WAIT_MS)),
			      "the preempted group was not bound again");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->completed), 0,
			    "the preempted job completed off its slot");
	KUNIT_EXPECT_TRUE(test, step(ctx, a));
	fwsched_group_slot_stats(ga->group, &st);
	KUNIT_EXPECT_EQ(test, st.preemptions, 1);
	KUNIT_EXPECT_EQ(test, st.grants, 2);
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	member_destroy(ga, a);
	member_destroy(gb, b);
	pool_done(test, ctx);
}

/*
 * Time slices without preemption: a holder whose slice is over runs no new
 * job; when its job in flight completes, the waiter gets the slot.  The
 * job quantum is unlimited, so only the slice can rotate.  The test adds
 * up a lower bound of the residency fwsched counts (each job's time from
 * run_job to the test's completion), so once it sees the slice over, the
 * next completion must hand the slot over.
 */
static void group_slice_drain(struct kunit *test)
{
	struct group_ctx *ctx = pool_new_slice(test, 1, SLICE_US, false);
	struct tgroup *ga = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct tgroup *gb = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct mock_ring *a = member_new(ga, 1), *b = member_new(gb, 1);
	unsigned int i, after = 0;
	s64 resident = 0, busy;
	bool over, early;

	/* All of a's jobs first, so that its slice starts with b's wait. */
	fwsched_queue_stop(a->q);
	push_n(a, 1000);
	fwsched_queue_start(a->q);
	settle(ctx);
	push_n(b, 1);
	settle(ctx);
	early = ktime_us_delta(ktime_get(), ga->bound_at) < SLICE_US;
	for (i = 0; i < 1000 && !atomic_read(&b->ran); i++) {
		/*
		 * The slice counts time with a job in flight.  From run_job to
		 * now is less than fwsched counts for this job (it counts from
		 * before run_job to after the completion): a lower bound.
		 */
		busy = ktime_us_delta(ktime_get(), READ_ONCE(a->last_run_at));
		over = resident + busy > SLICE_US;
		if (!step(ctx, a))
			break;
		resident += busy;
		if (over && !atomic_read(&b->ran)) {
			after++;
			break;
		}
	}
	kunit_info(test, "a ran %d jobs in its slice%s", atomic_read(&a->ran),
		   early ? "" : " (b came after the slice's end: the timer was not needed)");
	KUNIT_EXPECT_EQ_MSG(test, after, 0,
			    "a completed a job after its slice was over and kept the slot");
	KUNIT_ASSERT_EQ_MSG(test, atomic_read(&b->ran), 1,
			    "b never got the slot: the slice did not end");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->on_hw), 0,
			    "a ran a job after its slice was over");
	if (atomic_read(&b->on_hw))
		KUNIT_EXPECT_TRUE(test, step(ctx, b));
	/* a gets the slot back and finishes. */
	while (atomic_read(&a->on_hw) && step(ctx, a))
		;
	KUNIT_EXPECT_EQ(test, atomic_read(&a->completed), 1000);
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	member_destroy(ga, a);
	member_destroy(gb, b);
	pool_done(test, ctx);
}

/*
 * The slice is residency: time on the slot with no job in flight does not
 * use it.  An idle group keeps its slot (on demand) for three slices of
 * wall time, then gets two jobs while another group arrives.  If the
 * waiter got the slot after a's first completion, fwsched must have seen
 * a slice's worth of a's jobs in flight, at most the time from before the
 * push to after the completion (an upper bound): else the idle time was
 * counted.
 */
static void group_slice_idle(struct kunit *test)
{
	struct group_ctx *ctx = test->priv;
	struct mock_ring_args ca = {
		.credit_limit = 1, .mode = MOCK_MANUAL, .timeout_ms = SLICE_US / 1000,
		.prio = FWSCHED_PRIO_NORMAL,
	};
	struct tgroup *ga, *gb;
	struct mock_ring *a, *b, *clock;
	struct dma_fence *fc;
	ktime_t t0;
	s64 upper;

	ctx->args.quantum_us = SLICE_US;
	pool_new(test, 1, FWSCHED_SLOT_RELEASE_ON_DEMAND, 0, false);
	ga = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	gb = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	a = member_new(ga, 1);
	b = member_new(gb, 1);
	push_n(a, 1);
	settle(ctx);
	KUNIT_EXPECT_TRUE(test, step(ctx, a));

	/* Three slices of wall time pass with a bound and idle. */
	clock = mock_ring_create(test, &ca);
	atomic_set(&clock->tdr_extend, INT_MAX);
	fc = mock_push(mock_job_new(clock, 1, 0));
	KUNIT_EXPECT_TRUE_MSG(test,
			      wait_event_timeout(clock->wait, atomic_read(&clock->timeouts) >= 3,
						 msecs_to_jiffies(WAIT_MS)),
			      "clock ring stopped");
	KUNIT_EXPECT_EQ(test, ga->binds, 1);

	t0 = ktime_get();
	push_n(a, 2);
	settle(ctx);
	push_n(b, 1);
	settle(ctx);
	KUNIT_EXPECT_TRUE(test, step(ctx, a));
	upper = ktime_us_delta(ktime_get(), t0);
	if (atomic_read(&b->ran))
		KUNIT_EXPECT_GE_MSG(test, upper, SLICE_US,
				    "idle time on the slot was counted as the holder's slice");
	else
		KUNIT_EXPECT_EQ(test, atomic_read(&a->ran), 3);

	/* Everything completes: a's slice ends (timer), b runs, a again. */
	while ((atomic_read(&a->on_hw) && step(ctx, a)) ||
	       (atomic_read(&b->on_hw) && step(ctx, b)))
		;
	KUNIT_ASSERT_TRUE_MSG(test, wait_event_timeout(ctx->wait, atomic_read(&b->ran),
						       msecs_to_jiffies(WAIT_MS)),
			      "b never got the slot");
	while ((atomic_read(&a->on_hw) && step(ctx, a)) ||
	       (atomic_read(&b->on_hw) && step(ctx, b)))
		;
	KUNIT_EXPECT_EQ(test, atomic_read(&a->completed), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->completed), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(clock, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fc, WAIT_MS));
	dma_fence_put(fc);
	mock_ring_destroy(clock);
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	member_destroy(ga, a);
	member_destroy(gb, b);
	pool_done(test, ctx);
}

/*
 * The slice adds up over the group's busy time whatever its members do: a
 * long job of one member keeps the group busy while another member's short
 * jobs come and go one at a time (each a busy/idle change of a member, far
 * more often than a slice).  The slice still ends and the group is
 * preempted for the waiter.  The wait is a bound for the message only.
 */
static void group_slice_members(struct kunit *test)
{
	struct group_ctx *ctx = pool_new_slice(test, 1, SLICE_US, true);
	struct tgroup *ga = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct tgroup *gb = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct mock_ring *l = member_new(ga, 1), *sh = member_new(ga, 1);
	struct mock_ring *b = member_new(gb, 1);
	unsigned long until = jiffies + msecs_to_jiffies(WAIT_MS);
	unsigned int shorts = 0;

	ctx->preempt_fence = fwsched_fence_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->preempt_fence);
	push_n(l, 1);
	settle(ctx);
	push_n(b, 1);
	settle(ctx);
	while (!READ_ONCE(ctx->preempts) && time_before(jiffies, until)) {
		push_n(sh, 1);
		settle(ctx);
		if (atomic_read(&sh->on_hw) && step(ctx, sh))
			shorts++;
	}
	kunit_info(test, "%u short jobs came and went before the slice ended", shorts);
	KUNIT_ASSERT_EQ_MSG(test, ctx->preempts, 1,
			    "the slice never ended: members' busy changes restarted it");
	spin_lock_irq(&ctx->lock);
	tgroup_leave(ctx, ga);
	spin_unlock_irq(&ctx->lock);
	fwsched_fence_signal(ctx->preempt_fence, 0);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->ran), 1);
	KUNIT_EXPECT_TRUE(test, step(ctx, b));
	KUNIT_ASSERT_TRUE_MSG(test, wait_event_timeout(ctx->wait, ga->binds == 2,
						       msecs_to_jiffies(WAIT_MS)),
			      "the preempted group was not bound again");
	KUNIT_EXPECT_TRUE(test, step(ctx, l));
	while (atomic_read(&sh->on_hw) && step(ctx, sh))
		;
	mock_expect_clean(test, l);
	mock_expect_clean(test, sh);
	mock_expect_clean(test, b);
	member_destroy(ga, l);
	member_destroy(ga, sh);
	member_destroy(gb, b);
	pool_done(test, ctx);
}

/* Priority is the group's. */
static void group_priority(struct kunit *test)
{
	struct group_ctx *ctx;
	struct tgroup *low, *other;
	struct mock_ring *a, *b, *c;

	ctx = test->priv;
	ctx->args.reserved[FWSCHED_PRIO_HIGH] = 1;
	pool_new(test, 2, FWSCHED_SLOT_RELEASE_IDLE, 0, false);
	low = tgroup_new(ctx, FWSCHED_PRIO_LOW);
	other = tgroup_new(ctx, FWSCHED_PRIO_LOW);
	a = member_new(low, 2);
	b = member_new(other, 2);
	KUNIT_EXPECT_EQ_MSG(test, fwsched_queue_set_priority(a->q, FWSCHED_PRIO_HIGH),
			    -EINVAL, "a member's own priority was changed");
	KUNIT_EXPECT_EQ(test, fwsched_queue_priority(a->q), FWSCHED_PRIO_LOW);
	push_n(a, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->ran), 1);
	/* The second slot is reserved for HIGH: a low group waits... */
	push_n(b, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ran), 0,
			    "a low group took the slot reserved for high");
	/* ...until it is raised. */
	KUNIT_EXPECT_EQ(test, fwsched_group_set_priority(other->group, FWSCHED_PRIO_HIGH), 0);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ran), 1,
			    "the raised group did not take the reserved slot");
	KUNIT_EXPECT_EQ(test, fwsched_queue_priority(b->q), FWSCHED_PRIO_HIGH);
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_held(ctx->pool, FWSCHED_PRIO_HIGH), 1);
	KUNIT_EXPECT_EQ(test, fwsched_group_set_priority(other->group, FWSCHED_PRIO_COUNT),
			-EINVAL);
	/* A member added now runs on it too. */
	c = member_new(other, 2);
	push_n(c, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->ran), 1);
	KUNIT_EXPECT_TRUE(test, step(ctx, a));
	KUNIT_EXPECT_TRUE(test, step(ctx, b));
	KUNIT_EXPECT_TRUE(test, step(ctx, c));
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	mock_expect_clean(test, c);
	member_destroy(low, a);
	member_destroy(other, b);
	member_destroy(other, c);
	pool_done(test, ctx);
}

/* ---- turns, slices and firmware waits for groups (issue 36) ---------------- */

static int fw_scope_dev;	/* the device of the scoped members: its address */

/* A member whose jobs nobody may have to complete: teardown cancels them. */
static struct mock_ring *member_new_long(struct tgroup *tg, const void *scope)
{
	struct group_ctx *ctx = tg->ctx;
	struct mock_ring_args a = {
		.credit_limit = 1, .mode = MOCK_MANUAL, .wq = ctx->wq,
		.group = tg->group, .fw_scope = scope,
	};
	struct mock_ring *ring;
	unsigned long flags;

	KUNIT_ASSERT_LT(ctx->test, tg->nr, MAX_MEMBERS);
	ring = mock_ring_create(ctx->test, &a);
	ring->cancel_in_flight = true;
	spin_lock_irqsave(&ctx->lock, flags);
	WRITE_ONCE(ring->slot, tg->slot);
	tg->ring[tg->nr++] = ring;
	spin_unlock_irqrestore(&ctx->lock, flags);
	return ring;
}

/* The "firmware" completes one job of a bound, unblocked ring, if any. */
static bool fw_progress(struct group_ctx *ctx, struct mock_ring **r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (READ_ONCE(r[i]->slot) >= 0 && atomic_read(&r[i]->on_hw) &&
		    step(ctx, r[i]))
			return true;
	return false;
}

/* Holds the first run_job of a ring once armed, until the case opens it. */
struct run_gate {
	struct completion entered, go;
	atomic_t armed;
};

static void run_gate_hook(struct mock_ring *ring, struct fwsched_job *job)
{
	struct run_gate *g = ring->hook_data;

	if (!atomic_xchg(&g->armed, 0))
		return;
	complete(&g->entered);
	/* Bounded, so that a case that fails before it opens still ends. */
	wait_for_completion_timeout(&g->go, msecs_to_jiffies(WAIT_MS));
}

static void wq_destroy_action(void *wq)
{
	destroy_workqueue(wq);
}

/*
 * A group asked to yield on a pool that preempts is not preempted while a
 * member is between its acquire and its run_job: member a, let run, is held
 * in run_job; a higher queue arrives; member b's work item (on a workqueue
 * of its own, so that the case can flush it) must leave the preemption to
 * a's, which follows a's run.  Preempted under a, the slot went to the
 * higher queue while a's job was on its way to the hardware.
 */
static void group_preempt_not_under_run(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, true);
	struct workqueue_struct *wq_b = alloc_ordered_workqueue("fwsched-group-b",
								WQ_MEM_RECLAIM);
	struct run_gate *gate = kunit_kzalloc(test, sizeof(*gate), GFP_KERNEL);
	struct mock_ring_args ha = {
		.credit_limit = 4, .mode = MOCK_MANUAL, .wq = wq_b,
		.pool = ctx->pool, .prio = FWSCHED_PRIO_HIGH,
	};
	struct mock_ring *a, *b, *high, *r[3];
	struct dma_fence *fa, *fb, *fh;
	struct tgroup *tg;
	int i, steps;

	KUNIT_ASSERT_NOT_NULL(test, gate);
	KUNIT_ASSERT_NOT_NULL(test, wq_b);
	/* Registered first: it goes after the rings that use it. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, wq_destroy_action, wq_b), 0);
	init_completion(&gate->entered);
	init_completion(&gate->go);
	ctx->preempt_now = true;
	tg = tgroup_new(ctx, FWSCHED_PRIO_LOW);
	a = member_new(tg, 4);
	b = member_new_wq(tg, 4, wq_b);
	high = mock_ring_create(test, &ha);
	r[0] = high;
	r[1] = a;
	r[2] = b;
	a->hook_data = gate;
	a->run_hook = run_gate_hook;

	fb = mock_push(mock_job_new(b, 1, 0));
	for (i = 0; i < 6; i++)
		flush_workqueue(wq_b);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->ran), 1);
	atomic_set(&gate->armed, 1);
	fa = mock_push(mock_job_new(a, 1, 0));
	KUNIT_EXPECT_TRUE_MSG(test, wait_for_completion_timeout(&gate->entered,
								msecs_to_jiffies(WAIT_MS)),
			      "member a's run_job was never called");
	/* high waits and asks the group to yield; b's work item runs. */
	fh = mock_push(mock_job_new(high, 1, 0));
	for (i = 0; i < 4; i++)
		flush_workqueue(wq_b);
	KUNIT_EXPECT_EQ_MSG(test, ctx->preempts, 0,
			    "the group was preempted while member a was in run_job");
	complete(&gate->go);
	settle(ctx);
	for (i = 0; i < 4; i++)
		flush_workqueue(wq_b);
	KUNIT_EXPECT_EQ_MSG(test, ctx->preempts, 1,
			    "the group was not preempted after a's run");

	for (steps = 0; steps < 16; steps++) {
		if (!fw_progress(ctx, r, 3))
			break;
		for (i = 0; i < 4; i++)
			flush_workqueue(wq_b);
	}
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fa));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fb));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fh));
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fh);
	for (i = 0; i < 3; i++)
		mock_expect_clean(test, r[i]);
	mock_ring_destroy(high);
	member_destroy(tg, a);
	member_destroy(tg, b);
	pool_done(test, ctx);
}

/* Push a job of @ring that waits for @dep. */
static struct dma_fence *push_after(struct kunit *test, struct mock_ring *ring,
				    struct dma_fence *dep, struct mock_job **out)
{
	struct mock_job *mj = mock_job_new(ring, 1, 1);

	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(dep)), 0);
	*out = mj;
	return mock_push(mj);
}

/*
 * slot_dep_wait_gives_back for a group: a member whose next job waits for
 * a dependency does not keep the group asking for the slot once the other
 * member is idle, nor get it granted again and again while it waits.
 */
static void group_dep_wait_gives_back(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, false);
	struct mock_ring *src = mock_ring_new(test, 1, MOCK_MANUAL, ctx->wq);
	struct tgroup *tg = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
	struct mock_ring *a = member_new(tg, 4), *b = member_new(tg, 4);
	struct fwsched_slot_stats st0 = {}, st1 = {};
	struct dma_fence *dep, *fb;
	struct mock_job *mj;

	dep = mock_push(mock_job_new(src, 1, 0));
	push_n(a, 1);
	fb = push_after(test, b, dep, &mj);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->ran), 1);
	KUNIT_EXPECT_TRUE(test, step(ctx, a));
	fwsched_group_slot_stats(tg->group, &st0);
	settle(ctx);
	fwsched_group_slot_stats(tg->group, &st1);
	KUNIT_EXPECT_EQ_MSG(test, st1.grants, st0.grants,
			    "%llu more grants to a group whose member waits for a dependency",
			    st1.grants - st0.grants);
	KUNIT_EXPECT_EQ_MSG(test, fwsched_slot_pool_held(ctx->pool, FWSCHED_PRIO_COUNT), 0,
			    "a group whose member waits for a dependency kept the slot");
	KUNIT_EXPECT_EQ(test, atomic_read(&b->ran), 0);

	KUNIT_EXPECT_TRUE(test, step(ctx, src));
	KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(b, 1),
			      "the member's job never ran once its dependency signalled");
	KUNIT_EXPECT_TRUE(test, step(ctx, b));
	KUNIT_EXPECT_TRUE(test, mock_wait(fb, MOCK_WAIT_MS));
	dma_fence_put(dep);
	dma_fence_put(fb);
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	member_destroy(tg, a);
	member_destroy(tg, b);
	mock_ring_destroy(src);
	pool_done(test, ctx);
}

/*
 * Two groups on one slot with preemption, members of one fw_scope: the
 * high group's job waits for the low group's.  Waited for in the firmware,
 * the high group would hold the only slot for a job that needs it: the
 * wait must stay on the CPU, and both complete.
 */
static void group_fw_wait_preempted(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, true);
	struct tgroup *glow = tgroup_new(ctx, FWSCHED_PRIO_LOW);
	struct tgroup *ghigh = tgroup_new(ctx, FWSCHED_PRIO_HIGH);
	struct mock_ring *low = member_new_long(glow, &fw_scope_dev);
	struct mock_ring *high = member_new_long(ghigh, &fw_scope_dev);
	struct mock_ring *r[2] = { low, high };
	struct dma_fence *fl, *fh;
	struct mock_job *mj;
	int steps;

	ctx->preempt_now = true;
	fl = mock_push(mock_job_new(low, 1, 0));
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&low->ran), 1);
	fh = push_after(test, high, fl, &mj);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, ctx->preempts, 0,
			    "the low group was evicted for a job that cannot start before its");
	for (steps = 0; steps < 8 && !dma_fence_is_signaled(fh); steps++)
		if (!fw_progress(ctx, r, 2))
			break;
	KUNIT_EXPECT_TRUE_MSG(test, dma_fence_is_signaled(fl) && dma_fence_is_signaled(fh),
			      "deadlock: the high group holds the only slot while its firmware waits for the low group's job");
	dma_fence_put(fl);
	dma_fence_put(fh);
	mock_expect_clean(test, low);
	mock_expect_clean(test, high);
	member_destroy(ghigh, high);
	member_destroy(glow, low);
	pool_done(test, ctx);
}

/*
 * Members of one group share its slot: preempted and bound again together,
 * so a wait between them still goes to the firmware, on a pool that
 * preempts.  A high group preempts the group mid-wait; when it is done the
 * group comes back and the firmware finishes both jobs in order.
 */
static void group_fw_wait_same_group(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, true);
	struct tgroup *g = tgroup_new(ctx, FWSCHED_PRIO_LOW);
	struct tgroup *ghigh = tgroup_new(ctx, FWSCHED_PRIO_HIGH);
	struct mock_ring *a = member_new_long(g, &fw_scope_dev);
	struct mock_ring *b = member_new_long(g, &fw_scope_dev);
	struct mock_ring *high = member_new_long(ghigh, NULL);
	struct mock_ring *r[3] = { high, a, b };
	struct dma_fence *fa, *fb, *fh;
	struct mock_job *mj;
	int steps;

	ctx->preempt_now = true;
	fa = mock_push(mock_job_new(a, 1, 0));
	settle(ctx);
	fb = push_after(test, b, fa, &mj);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ran), 1,
			    "a wait within one group did not go to the firmware");
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa));
	fh = mock_push(mock_job_new(high, 1, 0));
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, ctx->preempts, 1, "the high group did not preempt");
	for (steps = 0; steps < 8 && !dma_fence_is_signaled(fb); steps++)
		if (!fw_progress(ctx, r, 3))
			break;
	KUNIT_EXPECT_TRUE_MSG(test, dma_fence_is_signaled(fh) && dma_fence_is_signaled(fb),
			      "the group's jobs did not finish after the preemption");
	KUNIT_EXPECT_GE(test, g->binds, 2U);
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fh);
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	mock_expect_clean(test, high);
	member_destroy(ghigh, high);
	member_destroy(g, b);
	member_destroy(g, a);
	pool_done(test, ctx);
}

/*
 * A low group evicted by a high one (preempted at once) waits with its job
 * in flight; it queued before the high group was bound.  The high group's
 * slice must still end, and aging must bring the low group back.
 */
static void group_slice_evicted_waiter(struct kunit *test)
{
	struct group_ctx *ctx = pool_new_slice(test, 1, SLICE_US, true);
	struct tgroup *glow = tgroup_new(ctx, FWSCHED_PRIO_LOW);
	struct tgroup *ghigh = tgroup_new(ctx, FWSCHED_PRIO_HIGH);
	struct mock_ring *low = member_new_long(glow, NULL);
	struct mock_ring *high = member_new_long(ghigh, NULL);
	struct fwsched_slot_stats st;

	ctx->preempt_now = true;
	push_n(low, 1);
	settle(ctx);
	KUNIT_ASSERT_EQ(test, atomic_read(&low->ran), 1);
	push_n(high, 1);
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(high, 1),
			      "the high group never ran: the low one was not evicted");
	KUNIT_EXPECT_TRUE_MSG(test, wait_event_timeout(ctx->wait, READ_ONCE(glow->binds) >= 2,
						       msecs_to_jiffies(WAIT_MS)),
			      "the low group was never bound again: the high group's slice never ended");
	fwsched_group_slot_stats(glow->group, &st);
	KUNIT_EXPECT_LE_MSG(test, st.max_passed, FWSCHED_SLOT_AGE_LIMIT + 1,
			    "the low group passed over more often than the aging limit allows");
	member_destroy(glow, low);
	member_destroy(ghigh, high);
	KUNIT_EXPECT_EQ(test, atomic_read(&low->freed), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&high->freed), 1);
	pool_done(test, ctx);
}

/*
 * End a pool within a case that makes several: its groups go first (their
 * KUnit actions, run now), then the pool.
 */
static void pool_end(struct kunit *test, struct group_ctx *ctx, struct tgroup **g, int n)
{
	int i;

	for (i = 0; i < n; i++)
		kunit_release_action(test, tgroup_release, g[i]);
	pool_done(test, ctx);
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_destroy(ctx->pool), 0);
	ctx->pool = NULL;
}

/*
 * Groups of one level whose jobs never complete rotate by time slice,
 * whoever waited when the holder before them was granted: one slot and
 * three groups, then two slots and five.
 */
static void group_rotation(struct kunit *test, u32 nr_slots, int n)
{
	struct group_ctx *ctx = pool_new_slice(test, nr_slots, SLICE_US, true);
	struct tgroup *g[5];
	struct mock_ring *r[5];
	int i;

	ctx->preempt_now = true;
	for (i = 0; i < n; i++) {
		g[i] = tgroup_new(ctx, FWSCHED_PRIO_NORMAL);
		r[i] = member_new_long(g[i], NULL);
	}
	for (i = 0; i < n; i++)
		push_n(r[i], 1);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(r[i], 1),
				      "group %d of %d never ran on %u slots: the slices stopped rotating",
				      i, n, nr_slots);
	for (i = 0; i < n; i++) {
		mock_expect_clean(test, r[i]);
		member_destroy(g[i], r[i]);
	}
	pool_end(test, ctx, g, n);
}

static void group_slice_rotation(struct kunit *test)
{
	group_rotation(test, 1, 3);
	group_rotation(test, 2, 5);
}

#define SHARE_JOBS 20

/* slot_test.c's share_run() for two groups of one member each. */
static unsigned int group_share_run(struct kunit *test, enum fwsched_slot_release release,
				    enum fwsched_priority hi, enum fwsched_priority lo)
{
	struct group_ctx *ctx = pool_new(test, 1, release, 1, false);
	struct tgroup *g[2] = { tgroup_new(ctx, lo), tgroup_new(ctx, hi) };
	struct tgroup *glow = g[0], *ghigh = g[1];
	struct mock_ring *low = member_new_long(glow, NULL);
	struct mock_ring *high = member_new_long(ghigh, NULL);
	struct mock_ring *r[2] = { low, high };
	struct fwsched_slot_stats st;
	unsigned int done, steps = 0;

	push_n(low, SHARE_JOBS);
	settle(ctx);
	push_n(high, SHARE_JOBS);
	settle(ctx);
	while (atomic_read(&high->completed) < SHARE_JOBS && steps++ < 4 * SHARE_JOBS)
		if (!fw_progress(ctx, r, 2))
			break;
	done = atomic_read(&low->completed);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->completed), SHARE_JOBS,
			    "levels %d/%d: the high group did not finish", hi, lo);
	fwsched_group_slot_stats(glow->group, &st);
	KUNIT_EXPECT_LE_MSG(test, st.max_passed, FWSCHED_SLOT_AGE_LIMIT + 1,
			    "levels %d/%d: low passed over beyond the aging limit", hi, lo);
	while (fw_progress(ctx, r, 2))
		;
	KUNIT_EXPECT_EQ(test, atomic_read(&low->completed), SHARE_JOBS);
	mock_expect_clean(test, low);
	mock_expect_clean(test, high);
	member_destroy(glow, low);
	member_destroy(ghigh, high);
	pool_end(test, ctx, g, 2);
	return done;
}

static void group_yield_priority(struct kunit *test)
{
	mock_share_check(test, SHARE_JOBS, "group", group_share_run);
}

static void group_bad_input(struct kunit *test)
{
	struct group_ctx *ctx = pool_new(test, 2, FWSCHED_SLOT_RELEASE_IDLE, 0, false);
	static const struct fwsched_slot_ops no_group_preempt = {
		.preempt = solo_preempt,
	};
	static const struct fwsched_slot_ops group_only = {
		.preempt_group = tgroup_preempt,
	};
	struct fwsched_slot_pool_args pa = {
		.ops = &no_group_preempt, .nr_slots = 1, .preempt = true,
	};
	struct fwsched_group_args ga = { .pool = ctx->pool };
	struct fwsched_slot_pool *p2;
	struct fwsched_group *g;
	struct fwsched_queue_args qa = {
		.ops = &mock_ops, .name = "bad", .driver_name = "bad",
		.credit_limit = 1,
	};
	struct fwsched_queue *q;

	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_group_create(NULL)), -EINVAL);
	ga.pool = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_group_create(&ga)), -EINVAL);
	ga.pool = ctx->pool;
	ga.priority = FWSCHED_PRIO_COUNT;
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_group_create(&ga)), -EINVAL);
	KUNIT_EXPECT_EQ(test, fwsched_group_destroy(NULL), 0);

	/* A preempting pool needs preempt_group for groups... */
	p2 = fwsched_slot_pool_create(&pa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p2));
	ga.pool = p2;
	ga.priority = FWSCHED_PRIO_NORMAL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_group_create(&ga)), -EINVAL);
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_destroy(p2), 0);
	/* ...and preempt for queues of their own. */
	pa.ops = &group_only;
	p2 = fwsched_slot_pool_create(&pa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(p2));
	qa.pool = p2;
	q = fwsched_queue_create(&qa);
	KUNIT_EXPECT_EQ(test, PTR_ERR(q), -EINVAL);
	if (!IS_ERR(q))
		fwsched_queue_destroy(q);
	ga.pool = p2;
	g = fwsched_group_create(&ga);
	KUNIT_ASSERT_FALSE(test, IS_ERR(g));
	/* A pool with a group is not destroyed. */
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_destroy(p2), -EBUSY);

	/* A group of another pool than the queue's. */
	qa.pool = ctx->pool;
	qa.group = g;
	q = fwsched_queue_create(&qa);
	KUNIT_EXPECT_EQ(test, PTR_ERR(q), -EINVAL);
	if (!IS_ERR(q))
		fwsched_queue_destroy(q);
	/* No direct run for a member. */
	qa.pool = NULL;
	qa.direct_run = true;
	q = fwsched_queue_create(&qa);
	KUNIT_EXPECT_EQ(test, PTR_ERR(q), -EINVAL);
	if (!IS_ERR(q))
		fwsched_queue_destroy(q);

	KUNIT_EXPECT_EQ(test, fwsched_group_destroy(g), 0);
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_destroy(p2), 0);
	pool_done(test, ctx);
}

/*
 * The panthor-like scenario: 8 slots (one reserved for HIGH and up, one for
 * REALTIME), 24 groups of 3 queues at mixed priorities, some with long
 * jobs (completed only every LONG_EVERY rounds), no preemption: eviction
 * drains.  The driver checks the invariants at every bind; the test checks
 * that every group got a slot within the bound of slot.h for groups, that
 * every job completed, and that every queue's fences signalled once, in
 * order, without error.
 */
#define PAN_SLOTS 8
#define PAN_GROUPS 24
#define PAN_MEMBERS 3
#define PAN_JOBS 6
#define PAN_CREDITS 2
#define PAN_QUANTUM 4
#define LONG_EVERY 4

static void fences_in_order(struct kunit *test, struct dma_fence *prev,
			    struct dma_fence *f, unsigned int g, unsigned int m)
{
	KUNIT_EXPECT_LE_MSG(test, ktime_compare(prev->timestamp, f->timestamp), 0,
			    "group %u ring %u: fences out of order", g, m);
}

static void group_panthor_scenario(struct kunit *test)
{
	struct group_ctx *ctx = test->priv;
	struct tgroup **tg;
	struct dma_fence **f;
	struct mock_ring *r;
	unsigned int i, m, j, round, total = 0, per_level[FWSCHED_PRIO_COUNT] = {};
	u64 bound, worst = 0;
	bool progress;

	ctx->args.reserved[FWSCHED_PRIO_HIGH] = 1;
	ctx->args.reserved[FWSCHED_PRIO_REALTIME] = 1;
	pool_new(test, PAN_SLOTS, FWSCHED_SLOT_RELEASE_IDLE, PAN_QUANTUM, false);
	tg = kunit_kcalloc(test, PAN_GROUPS, sizeof(*tg), GFP_KERNEL);
	f = kunit_kcalloc(test, PAN_GROUPS * PAN_MEMBERS * PAN_JOBS, sizeof(*f),
			  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tg);
	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < PAN_GROUPS; i++) {
		enum fwsched_priority prio = i % FWSCHED_PRIO_COUNT;

		tg[i] = tgroup_new(ctx, prio);
		per_level[prio]++;
		for (m = 0; m < PAN_MEMBERS; m++)
			member_new(tg[i], PAN_CREDITS);
	}
	/* Every job at once: each group waits from the start. */
	for (i = 0; i < PAN_GROUPS; i++)
		for (m = 0; m < PAN_MEMBERS; m++)
			for (j = 0; j < PAN_JOBS; j++)
				f[(i * PAN_MEMBERS + m) * PAN_JOBS + j] =
					mock_push(mock_job_new(tg[i]->ring[m], 1, 0));
	settle(ctx);

	/* Round robin over the hardware; long-job groups complete slowly. */
	for (round = 0; round < 100000; round++) {
		progress = false;
		for (i = 0; i < PAN_GROUPS; i++) {
			bool slow = i % 5 == 0;

			for (m = 0; m < PAN_MEMBERS; m++) {
				r = tg[i]->ring[m];
				if (!atomic_read(&r->on_hw))
					continue;
				progress = true;
				if (slow && round % LONG_EVERY)
					continue;
				step(ctx, r);
			}
		}
		if (!progress)
			break;
	}

	/* (AGE_LIMIT + 1) * H * (M * quantum + C) per place in its level's FIFO. */
	for (i = 0; i < PAN_GROUPS; i++) {
		bound = (u64)(FWSCHED_SLOT_AGE_LIMIT + 1) * PAN_SLOTS *
			(PAN_MEMBERS * PAN_QUANTUM + PAN_MEMBERS * PAN_CREDITS) *
			per_level[fwsched_group_priority(tg[i]->group)];
		worst = max(worst, tg[i]->max_wait);
		KUNIT_EXPECT_LE_MSG(test, tg[i]->max_wait, bound,
				    "group %u (level %d) waited beyond the bound", i,
				    fwsched_group_priority(tg[i]->group));
		KUNIT_EXPECT_GE_MSG(test, tg[i]->binds, 1, "group %u never got a slot", i);
		for (m = 0; m < PAN_MEMBERS; m++) {
			struct dma_fence **rf = &f[(i * PAN_MEMBERS + m) * PAN_JOBS];

			r = tg[i]->ring[m];
			total += atomic_read(&r->completed);
			mock_expect_clean(test, r);
			for (j = 0; j < PAN_JOBS; j++) {
				KUNIT_EXPECT_TRUE_MSG(test, dma_fence_is_signaled(rf[j]),
						      "group %u ring %u job %u never signalled",
						      i, m, j);
				KUNIT_EXPECT_EQ(test, rf[j]->error, 0);
				if (j && dma_fence_is_signaled(rf[j]))
					fences_in_order(test, rf[j - 1], rf[j], i, m);
			}
		}
	}
	kunit_info(test, "%u jobs, %llu completions, %u binds, worst wait %llu completions",
		   total, ctx->steps, ctx->binds, worst);
	KUNIT_EXPECT_EQ_MSG(test, total, PAN_GROUPS * PAN_MEMBERS * PAN_JOBS,
			    "not every job completed");
	for (i = 0; i < PAN_GROUPS * PAN_MEMBERS * PAN_JOBS; i++)
		dma_fence_put(f[i]);
	for (i = 0; i < PAN_GROUPS; i++)
		for (m = 0; m < PAN_MEMBERS; m++)
			member_destroy(tg[i], tg[i]->ring[m]);
	pool_done(test, ctx);
	KUNIT_EXPECT_EQ(test, ctx->binds, ctx->unbinds);
}

static struct kunit_case group_cases[] = {
	KUNIT_CASE(group_basic),
	KUNIT_CASE(group_dep_wait_gives_back),
	KUNIT_CASE(group_preempt_not_under_run),
	KUNIT_CASE(group_bind_race),
	KUNIT_CASE(group_quantum),
	KUNIT_CASE(group_member_lifecycle),
	KUNIT_CASE(group_preempt),
	KUNIT_CASE(group_destroy_during_preempt),
	KUNIT_CASE(group_preempt_timeout),
	KUNIT_CASE(group_slice_preempt),
	KUNIT_CASE(group_slice_drain),
	KUNIT_CASE(group_slice_idle),
	KUNIT_CASE(group_slice_members),
	KUNIT_CASE(group_priority),
	KUNIT_CASE(group_bad_input),
	KUNIT_CASE_SLOW(group_panthor_scenario),
	KUNIT_CASE(group_fw_wait_preempted),
	KUNIT_CASE(group_fw_wait_same_group),
	KUNIT_CASE(group_slice_evicted_waiter),
	KUNIT_CASE(group_slice_rotation),
	KUNIT_CASE_SLOW(group_yield_priority),
	{}
};

static struct kunit_suite group_suite = {
	.name = "fwsched_group",
	.init = group_test_init,
	.test_cases = group_cases,
};

kunit_test_suite(group_suite);

MODULE_DESCRIPTION("fwsched tests: slot groups");
MODULE_LICENSE("GPL");
