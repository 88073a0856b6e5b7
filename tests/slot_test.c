// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for fwsched slot pools, on the mock firmware of mock_fw.c.
 *
 * The test plays the driver: its bind/unbind/preempt callbacks keep a map of
 * which ring is in which firmware slot and check, at every bind, that no
 * slot is shared, that no more than N slots are held and that no level's
 * reserved capacity is held by a lower level.  The mock's run_job checks
 * that the ring is in the slot fwsched says it holds.  Completions are
 * stepped by the test, one job at a time, so that bounds are counted in job
 * completions, never in time.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include "mock_fw.h"

#define WAIT_MS MOCK_WAIT_MS
#define MAX_SLOTS 64
#define MAX_BINDS 1024

struct slot_ctx {
	struct kunit *test;
	struct workqueue_struct *wq;
	struct fwsched_slot_pool *pool;
	struct fwsched_slot_pool_args args;

	spinlock_t lock;		/* everything below */
	struct mock_ring *occupant[MAX_SLOTS];
	enum fwsched_priority bind_prio[MAX_SLOTS];
	u32 held[FWSCHED_PRIO_COUNT];
	unsigned int binds, unbinds, violations;
	struct mock_ring *bind_order[MAX_BINDS];

	/* preempt */
	struct fwsched_timeline *preempt_tl;
	struct fwsched_fence *preempt_fence;
	struct mock_ring *preempted;
	unsigned int preempts;
	bool preempt_now;		/* return NULL: preempted at once */
};

static struct slot_ctx *ctx_of(struct fwsched_queue *q)
{
	struct mock_ring *ring = fwsched_queue_priv(q);

	return ring->test->priv;
}

/* Driver view of both invariants.  ctx->lock held. */
static void slot_ctx_check(struct slot_ctx *ctx)
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

static void slot_bind(struct fwsched_queue *q, unsigned int slot)
{
	struct mock_ring *ring = fwsched_queue_priv(q);
	struct slot_ctx *ctx = ctx_of(q);
	unsigned long flags;

	spin_lock_irqsave(&ctx->lock, flags);
	if (slot >= MAX_SLOTS || ctx->occupant[slot] || ring->slot >= 0)
		ctx->violations++;
	else
		ctx->occupant[slot] = ring;
	WRITE_ONCE(ring->slot, slot);
	ctx->bind_prio[slot] = fwsched_queue_priority(q);
	ctx->held[ctx->bind_prio[slot]]++;
	if (ctx->binds < MAX_BINDS)
		ctx->bind_order[ctx->binds] = ring;
	ctx->binds++;
	slot_ctx_check(ctx);
	spin_unlock_irqrestore(&ctx->lock, flags);
	wake_up_all(&ring->wait);
}

/* The firmware let go of the ring's slot.  ctx->lock held. */
static void slot_leave(struct slot_ctx *ctx, struct mock_ring *ring)
{
	if (ring->slot < 0 || ctx->occupant[ring->slot] != ring) {
		ctx->violations++;
		return;
	}
	ctx->occupant[ring->slot] = NULL;
	ctx->held[ctx->bind_prio[ring->slot]]--;
	WRITE_ONCE(ring->slot, -1);
}

static void slot_unbind(struct fwsched_queue *q, unsigned int slot)
{
	struct mock_ring *ring = fwsched_queue_priv(q);
	struct slot_ctx *ctx = ctx_of(q);
	unsigned long flags;

	spin_lock_irqsave(&ctx->lock, flags);
	if (ring->slot != slot)
		ctx->violations++;
	if (atomic_read(&ring->on_hw))
		ctx->violations++;	/* unbound with jobs on the hardware */
	slot_leave(ctx, ring);
	ctx->unbinds++;
	spin_unlock_irqrestore(&ctx->lock, flags);
}

static struct dma_fence *slot_preempt(struct fwsched_queue *q, unsigned int slot)
{
	struct mock_ring *ring = fwsched_queue_priv(q);
	struct slot_ctx *ctx = ctx_of(q);
	struct dma_fence *f = NULL;
	unsigned long flags;

	spin_lock_irqsave(&ctx->lock, flags);
	ctx->preempts++;
	if (ctx->preempt_now) {
		slot_leave(ctx, ring);
	} else if (ctx->preempt_fence) {
		ctx->preempted = ring;
		fwsched_fence_arm(ctx->preempt_fence, ctx->preempt_tl);
		f = dma_fence_get(&ctx->preempt_fence->base);
	} else {
		f = ERR_PTR(-EBUSY);
	}
	spin_unlock_irqrestore(&ctx->lock, flags);
	return f;
}

static const struct fwsched_slot_ops slot_ops = {
	.bind = slot_bind,
	.unbind = slot_unbind,
	.preempt = slot_preempt,
};

/*
 * The context's teardown, a KUnit action registered before any ring, so it
 * runs after every ring's queue is destroyed, on every exit from a case (a
 * failed assertion included): the pool (if the case did not destroy it),
 * the preempt fence (signalled first if pending) and the workqueue.
 */
static void slot_ctx_release(void *data)
{
	struct slot_ctx *ctx = data;

	if (ctx->pool)
		KUNIT_EXPECT_EQ(ctx->test, fwsched_slot_pool_destroy(ctx->pool), 0);
	if (ctx->preempt_fence && dma_fence_was_initialized(&ctx->preempt_fence->base) &&
	    !dma_fence_is_signaled(&ctx->preempt_fence->base))
		fwsched_fence_signal(ctx->preempt_fence, -ECANCELED);
	fwsched_fence_free(ctx->preempt_fence);
	fwsched_timeline_destroy(ctx->preempt_tl);
	destroy_workqueue(ctx->wq);
}

static int slot_test_init(struct kunit *test)
{
	struct slot_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	ctx->test = test;
	spin_lock_init(&ctx->lock);
	ctx->wq = alloc_workqueue("fwsched-slot-test", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!ctx->wq)
		return -ENOMEM;
	ctx->preempt_tl = fwsched_timeline_create("fwsched-slot-test", "preempt");
	if (IS_ERR(ctx->preempt_tl)) {
		destroy_workqueue(ctx->wq);
		return PTR_ERR(ctx->preempt_tl);
	}
	test->priv = ctx;
	return kunit_add_action_or_reset(test, slot_ctx_release, ctx);
}

static struct slot_ctx *pool_new(struct kunit *test, u32 nr_slots,
				 enum fwsched_slot_release release, u32 quantum,
				 bool preempt)
{
	struct slot_ctx *ctx = test->priv;

	ctx->args.ops = &slot_ops;
	ctx->args.nr_slots = nr_slots;
	ctx->args.release = release;
	ctx->args.quantum = quantum;
	ctx->args.preempt = preempt;
	ctx->pool = fwsched_slot_pool_create(&ctx->args);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(ctx->pool), "pool_create: %ld",
			       PTR_ERR(ctx->pool));
	return ctx;
}

static struct mock_ring *ring_new(struct slot_ctx *ctx, u32 credit_limit,
				  enum fwsched_priority prio)
{
	struct mock_ring_args a = {
		.credit_limit = credit_limit, .mode = MOCK_MANUAL, .wq = ctx->wq,
		.pool = ctx->pool, .prio = prio,
	};

	return mock_ring_create(ctx->test, &a);
}

static struct dma_fence *push(struct kunit *test, struct mock_ring *ring)
{
	return mock_push(mock_job_new(ring, 1, 0));
}

static void push_n(struct kunit *test, struct mock_ring *ring, unsigned int n)
{
	while (n--)
		dma_fence_put(push(test, ring));
}

/* Let every queued work item of the test run: synchronisation, not time. */
static void settle(struct slot_ctx *ctx)
{
	int i;

	/* A grant queues the next work item from a work item: a few rounds. */
	for (i = 0; i < 4; i++)
		flush_workqueue(ctx->wq);
}

/* The hardware completes one job of @ring, then fwsched settles. */
static bool step(struct slot_ctx *ctx, struct mock_ring *ring)
{
	bool done = mock_ring_advance(ring, 1, 0) == 1;

	settle(ctx);
	return done;
}

/* Complete every job of @r, round robin, one at a time.  Returns the steps. */
static unsigned int drain(struct slot_ctx *ctx, struct mock_ring **r, int n)
{
	unsigned int steps = 0;
	int i, progress;

	do {
		progress = 0;
		for (i = 0; i < n; i++)
			if (atomic_read(&r[i]->on_hw) && step(ctx, r[i])) {
				progress++;
				steps++;
			}
	} while (progress);
	return steps;
}

static void pool_done(struct kunit *test, struct slot_ctx *ctx)
{
	KUNIT_EXPECT_EQ_MSG(test, fwsched_slot_pool_held(ctx->pool, FWSCHED_PRIO_COUNT),
			    0, "slots still held after every queue is gone");
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_destroy(ctx->pool), 0);
	ctx->pool = NULL;
	KUNIT_EXPECT_EQ_MSG(test, ctx->violations, 0,
			    "slot shared, over-committed or reservation broken");
	KUNIT_EXPECT_EQ(test, ctx->binds, ctx->unbinds + ctx->preempts);
}

/* N slots, N+1 queues: one waits, and runs when a slot is released. */
/* fwsched_queue_print() (debugfs, devcoredump) shows the slot holder. */
static void expect_print(struct kunit *test, struct mock_ring *r, const char *want)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct seq_buf s;

	if (!buf) {
		KUNIT_FAIL(test, "no memory for the print");
		return;
	}
	seq_buf_init(&s, buf, PAGE_SIZE);
	fwsched_queue_print(r->q, &s);
	seq_buf_str(&s);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, want),
				  "the queue's print lacks \"%s\":\n%s", want, buf);
}

static void slot_basic(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 2, FWSCHED_SLOT_RELEASE_IDLE, 0, false);
	struct mock_ring *r[3];
	struct dma_fence *f[3];
	int i;

	for (i = 0; i < 3; i++)
		r[i] = ring_new(ctx, 4, FWSCHED_PRIO_NORMAL);
	/*
	 * One at a time: a queue joins the pool's FIFO from its work item, and
	 * the test's workqueue runs the three work items in parallel (two real
	 * CPUs did, in any order).
	 */
	for (i = 0; i < 3; i++) {
		f[i] = push(test, r[i]);
		settle(ctx);
	}
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r[0]->ran) + atomic_read(&r[1]->ran),
			    2, "the first two queues did not get the two slots");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r[2]->ran), 0,
			    "a third queue ran with both slots held");
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot(r[2]->q), -1);
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_held(ctx->pool, FWSCHED_PRIO_NORMAL), 2);
	expect_print(test, r[2], "slot own state=waiting level=1 bound=0");
	expect_print(test, r[0], "slot own state=held level=1 bound=1");
	expect_print(test, r[0], "busy=1 wants=0 asked=0 running=0 member=10000 pool=2/2");

	KUNIT_EXPECT_TRUE(test, step(ctx, r[0]));
	KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(r[2], 1),
			      "the waiting queue never got the released slot");
	KUNIT_EXPECT_TRUE(test, step(ctx, r[1]));
	KUNIT_EXPECT_TRUE(test, step(ctx, r[2]));
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_TRUE(test, mock_wait(f[i], WAIT_MS));
		dma_fence_put(f[i]);
	}
	KUNIT_EXPECT_EQ_MSG(test, fwsched_slot_pool_held(ctx->pool, FWSCHED_PRIO_COUNT),
			    0, "idle queues kept their slots under RELEASE_IDLE");
	KUNIT_EXPECT_EQ_MSG(test, fwsched_slot_pool_destroy(ctx->pool), -EBUSY,
			    "pool destroyed with queues attached");
	for (i = 0; i < 3; i++) {
		mock_expect_clean(test, r[i]);
		mock_ring_destroy(r[i]);
	}
	pool_done(test, ctx);
}

/*
 * A queue whose next job waits for a dependency gives its slot back and
 * does not ask for it again before the job can go.  Counting the pending
 * job as wanting the slot queued the holder again at each release and
 * granted it the free slot at once: a pass after a pass, for as long as
 * the dependency waited (the torture's pressure part starved both CPUs so).
 */
static void slot_dep_wait_gives_back(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, false);
	struct mock_ring *src = mock_ring_new(test, 1, MOCK_MANUAL, ctx->wq);
	struct mock_ring *r = ring_new(ctx, 4, FWSCHED_PRIO_NORMAL);
	struct fwsched_slot_stats st0 = {}, st1 = {};
	struct dma_fence *dep, *f1, *f2;
	struct mock_job *mj;

	dep = push(test, src);
	f1 = push(test, r);
	settle(ctx);
	mj = mock_job_new(r, 1, 1);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(dep)), 0);
	f2 = mock_push(mj);
	KUNIT_EXPECT_TRUE(test, step(ctx, r));
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot_stats(r->q, &st0), 0);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot_stats(r->q, &st1), 0);
	KUNIT_EXPECT_EQ_MSG(test, st1.grants, st0.grants,
			    "%llu more grants to a queue whose job waits for a dependency",
			    st1.grants - st0.grants);
	KUNIT_EXPECT_EQ_MSG(test, fwsched_slot_pool_held(ctx->pool, FWSCHED_PRIO_COUNT), 0,
			    "a queue whose job waits for a dependency kept the slot");
	KUNIT_EXPECT_EQ(test, atomic_read(&r->ran), 1);

	KUNIT_EXPECT_TRUE(test, step(ctx, src));
	KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(r, 2),
			      "the job never ran once its dependency signalled");
	KUNIT_EXPECT_TRUE(test, step(ctx, r));
	KUNIT_EXPECT_TRUE(test, mock_wait(f2, WAIT_MS));
	dma_fence_put(dep);
	dma_fence_put(f1);
	dma_fence_put(f2);
	mock_expect_clean(test, r);
	mock_ring_destroy(r);
	mock_ring_destroy(src);
	pool_done(test, ctx);
}

/* Same level: slots are granted in the order the queues started waiting. */
static void slot_fifo(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, false);
	struct mock_ring *r[5];
	int i;

	for (i = 0; i < 5; i++)
		r[i] = ring_new(ctx, 4, FWSCHED_PRIO_NORMAL);
	for (i = 0; i < 5; i++) {
		push_n(test, r[i], 1);
		settle(ctx);
	}
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r[i]->ran), 1,
				    "queue %d not running in its FIFO turn", i);
		KUNIT_EXPECT_TRUE(test, step(ctx, r[i]));
	}
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_PTR_EQ_MSG(test, ctx->bind_order[i], r[i],
					"grant %d out of FIFO order", i);
		mock_expect_clean(test, r[i]);
		mock_ring_destroy(r[i]);
	}
	pool_done(test, ctx);
}

/* Reserved capacity is never taken by a lower level. */
static void slot_reservation(struct kunit *test)
{
	struct slot_ctx *ctx = test->priv;
	struct mock_ring *low[4], *high, *rt;
	int i, ran = 0;

	ctx->args.reserved[FWSCHED_PRIO_HIGH] = 1;
	ctx->args.reserved[FWSCHED_PRIO_REALTIME] = 1;
	pool_new(test, 4, FWSCHED_SLOT_RELEASE_IDLE, 0, false);

	for (i = 0; i < 4; i++) {
		low[i] = ring_new(ctx, 4, FWSCHED_PRIO_LOW);
		push_n(test, low[i], 1);
	}
	settle(ctx);
	for (i = 0; i < 4; i++)
		ran += atomic_read(&low[i]->ran);
	KUNIT_EXPECT_EQ_MSG(test, ran, 2,
			    "low queues took reserved slots (4 slots, 2 reserved)");

	high = ring_new(ctx, 4, FWSCHED_PRIO_HIGH);
	push_n(test, high, 2);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 2,
			    "high queue did not get its reserved slot");
	rt = ring_new(ctx, 4, FWSCHED_PRIO_REALTIME);
	push_n(test, rt, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&rt->ran), 1,
			    "realtime queue did not get its reserved slot");
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_held(ctx->pool, FWSCHED_PRIO_COUNT), 4);

	/* Drain everything; every low job runs eventually. */
	drain(ctx, low, 4);
	drain(ctx, &high, 1);
	drain(ctx, &rt, 1);
	drain(ctx, low, 4);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&low[i]->completed), 1,
				    "low queue %d never ran", i);
	KUNIT_EXPECT_EQ(test, atomic_read(&high->completed), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&rt->completed), 1);
	for (i = 0; i < 4; i++) {
		mock_expect_clean(test, low[i]);
		mock_ring_destroy(low[i]);
	}
	mock_ring_destroy(high);
	mock_ring_destroy(rt);
	pool_done(test, ctx);
}

/*
 * The seed's scenario: 63 slots, 64 free-running low-priority queues, and a
 * high-priority queue (no reservation, no preemption) that must get a slot
 * within a bounded number of job completions; the 64th low queue must not
 * starve either.  The "firmware" completes one job at a time, round robin.
 */
#define SEED_SLOTS 63
#define SEED_LOW 64
#define SEED_CREDITS 2
#define SEED_QUANTUM 4
#define SEED_JOBS 12

static void slot_seed_scenario(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, SEED_SLOTS, FWSCHED_SLOT_RELEASE_IDLE,
					SEED_QUANTUM, false);
	struct mock_ring **low, *high;
	unsigned int steps = 0, high_wait = 0, last_wait = 0, total = 0;
	struct fwsched_slot_stats st;
	u64 worst_passed = 0;
	int i, progress;

	low = kunit_kcalloc(test, SEED_LOW, sizeof(*low), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, low);
	/* One queue at a time, so that the 64th is the one left waiting. */
	for (i = 0; i < SEED_LOW; i++) {
		low[i] = ring_new(ctx, SEED_CREDITS, FWSCHED_PRIO_LOW);
		push_n(test, low[i], SEED_JOBS);
		settle(ctx);
	}
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_held(ctx->pool, FWSCHED_PRIO_COUNT),
			SEED_SLOTS);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&low[SEED_LOW - 1]->ran), 0,
			    "64 queues ran on 63 slots");

	high = ring_new(ctx, SEED_CREDITS, FWSCHED_PRIO_HIGH);
	push_n(test, high, 1);
	settle(ctx);

	/* Round robin: one completion of each ring that has work on the hardware. */
	do {
		progress = 0;
		for (i = 0; i < SEED_LOW; i++) {
			if (!atomic_read(&low[i]->on_hw))
				continue;
			progress += step(ctx, low[i]);
			steps++;
			if (!atomic_read(&high->ran))
				high_wait++;
			if (!atomic_read(&low[SEED_LOW - 1]->ran))
				last_wait++;
		}
		if (atomic_read(&high->on_hw))
			progress += step(ctx, high);
	} while (progress && steps < SEED_LOW * SEED_JOBS * 2);

	kunit_info(test, "high queue waited %u completions, 64th low queue %u, %u steps",
		   high_wait, last_wait, steps);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 1,
			    "high-priority queue never got a slot");
	/* Its victim drains at most SEED_CREDITS jobs; the others run alongside. */
	KUNIT_EXPECT_LE_MSG(test, high_wait, SEED_SLOTS * SEED_CREDITS,
			    "high-priority queue waited beyond the bound");
	/* Bound of slot.h: (AGE_LIMIT + 1) * H * (quantum + credit_limit). */
	KUNIT_EXPECT_LE_MSG(test, last_wait,
			    (FWSCHED_SLOT_AGE_LIMIT + 1) * SEED_SLOTS *
			    (SEED_QUANTUM + SEED_CREDITS),
			    "low-priority queue waited beyond the documented bound");

	for (i = 0; i < SEED_LOW; i++) {
		total += atomic_read(&low[i]->completed);
		KUNIT_EXPECT_EQ(test, fwsched_queue_slot_stats(low[i]->q, &st), 0);
		worst_passed = max(worst_passed, st.max_passed);
		mock_expect_clean(test, low[i]);
	}
	kunit_info(test, "worst grants passed over during one low wait: %llu",
		   worst_passed);
	KUNIT_EXPECT_EQ_MSG(test, total, SEED_LOW * SEED_JOBS,
			    "not every low-priority job completed");
	for (i = 0; i < SEED_LOW; i++)
		mock_ring_destroy(low[i]);
	mock_expect_clean(test, high);
	mock_ring_destroy(high);
	pool_done(test, ctx);
}

/* Low priority against free-running higher ones: aging bounds its wait. */
static void slot_aging(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 2, FWSCHED_SLOT_RELEASE_IDLE, 2, false);
	struct mock_ring *high[3], *low;
	struct fwsched_slot_stats st;
	unsigned int steps = 0;
	int i;

	for (i = 0; i < 3; i++) {
		high[i] = ring_new(ctx, 1, FWSCHED_PRIO_HIGH);
		push_n(test, high[i], 40);
		settle(ctx);
	}
	low = ring_new(ctx, 1, FWSCHED_PRIO_LOW);
	push_n(test, low, 1);
	settle(ctx);

	while (!atomic_read(&low->ran) && steps < 120) {
		for (i = 0; i < 3; i++)
			if (atomic_read(&high[i]->on_hw)) {
				step(ctx, high[i]);
				steps++;
			}
	}
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&low->ran), 1,
			    "low queue starved behind free-running high queues");
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot_stats(low->q, &st), 0);
	kunit_info(test, "low waited %u completions, passed over %llu times",
		   steps, st.max_passed);
	/* One high waiter ahead of it, then at most AGE_LIMIT passes. */
	KUNIT_EXPECT_LE_MSG(test, st.max_passed, FWSCHED_SLOT_AGE_LIMIT + 1,
			    "passed over more often than the aging limit allows");

	drain(ctx, &low, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&low->completed), 1);
	drain(ctx, high, 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high[i]->completed), 40,
				    "high queue %d did not finish", i);
	for (i = 0; i < 3; i++) {
		mock_expect_clean(test, high[i]);
		mock_ring_destroy(high[i]);
	}
	mock_expect_clean(test, low);
	mock_ring_destroy(low);
	pool_done(test, ctx);
}

/* On demand: an idle queue keeps its slot until another queue needs it. */
static void slot_on_demand(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_ON_DEMAND, 0, false);
	struct mock_ring *a = ring_new(ctx, 4, FWSCHED_PRIO_NORMAL);
	struct mock_ring *b = ring_new(ctx, 4, FWSCHED_PRIO_LOW);

	push_n(test, a, 1);
	settle(ctx);
	KUNIT_EXPECT_TRUE(test, step(ctx, a));
	KUNIT_EXPECT_EQ_MSG(test, fwsched_queue_slot(a->q), 0,
			    "idle queue gave its slot back under RELEASE_ON_DEMAND");
	KUNIT_EXPECT_EQ(test, ctx->unbinds, 0);

	/* Its next job runs without a new bind. */
	push_n(test, a, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->ran), 2);
	KUNIT_EXPECT_EQ(test, ctx->binds, 1);
	KUNIT_EXPECT_TRUE(test, step(ctx, a));

	/* A lower-priority queue needs the slot: the idle holder is evicted. */
	push_n(test, b, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ran), 1,
			    "idle holder was not evicted for a waiter");
	KUNIT_EXPECT_EQ(test, ctx->unbinds, 1);
	KUNIT_EXPECT_TRUE(test, step(ctx, b));

	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	mock_ring_destroy(a);
	mock_ring_destroy(b);
	pool_done(test, ctx);
}

/* Without preemption a busy holder is never evicted mid-job. */
static void slot_no_preempt(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, false);
	struct mock_ring *low = ring_new(ctx, 4, FWSCHED_PRIO_LOW);
	struct mock_ring *high = ring_new(ctx, 4, FWSCHED_PRIO_HIGH);

	push_n(test, low, 3);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&low->ran), 3);
	push_n(test, high, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 0,
			    "high queue ran while the only slot was busy");
	KUNIT_EXPECT_EQ_MSG(test, ctx->unbinds, 0, "busy holder evicted mid-job");

	/* The low holder drains its jobs in flight, then yields. */
	push_n(test, low, 1);
	KUNIT_EXPECT_TRUE(test, step(ctx, low));
	KUNIT_EXPECT_TRUE(test, step(ctx, low));
	KUNIT_EXPECT_EQ(test, atomic_read(&high->ran), 0);
	KUNIT_EXPECT_TRUE(test, step(ctx, low));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 1,
			    "high queue did not get the slot once the holder drained");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&low->ran), 3,
			    "a yielding holder started a new job");
	KUNIT_EXPECT_TRUE(test, step(ctx, high));
	KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(low, 4),
			      "yielded queue never got its slot back");
	KUNIT_EXPECT_TRUE(test, step(ctx, low));

	mock_expect_clean(test, low);
	mock_expect_clean(test, high);
	mock_ring_destroy(low);
	mock_ring_destroy(high);
	pool_done(test, ctx);
}

/*
 * One slot, preemption on: @low runs two jobs, then @high asks for the slot
 * and the pool preempts @low through the driver (ctx->preempt_fence).
 */
static void preempt_low_for_high(struct kunit *test, struct slot_ctx *ctx,
				 struct mock_ring *low, struct mock_ring *high)
{
	ctx->preempt_fence = fwsched_fence_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->preempt_fence);
	push_n(test, low, 2);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&low->ran), 2);
	push_n(test, high, 1);
	settle(ctx);
	KUNIT_ASSERT_EQ_MSG(test, ctx->preempts, 1, "busy low holder not preempted");
}

/* The firmware reports the preempted context saved: the slot is free. */
static void preempt_done(struct slot_ctx *ctx)
{
	unsigned long flags;

	spin_lock_irqsave(&ctx->lock, flags);
	slot_leave(ctx, ctx->preempted);
	spin_unlock_irqrestore(&ctx->lock, flags);
	fwsched_fence_signal(ctx->preempt_fence, 0);
	settle(ctx);
}

/* With preemption a busy lower holder is evicted through the driver. */
static void slot_preempt_busy(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, true);
	struct mock_ring *low = ring_new(ctx, 4, FWSCHED_PRIO_LOW);
	struct mock_ring *high = ring_new(ctx, 4, FWSCHED_PRIO_HIGH);
	struct fwsched_slot_stats st;

	preempt_low_for_high(test, ctx, low, high);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 0,
			    "high queue ran before the preemption completed");
	preempt_done(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 1,
			    "high queue did not run after the preemption");

	/* The preempted jobs need their slot back to finish. */
	KUNIT_EXPECT_TRUE(test, step(ctx, high));
	KUNIT_EXPECT_EQ_MSG(test, fwsched_queue_slot(low->q), 0,
			    "preempted queue not bound again");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(low, 2, 0), 2);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot_stats(low->q, &st), 0);
	KUNIT_EXPECT_EQ(test, st.preemptions, 1);
	KUNIT_EXPECT_EQ(test, st.grants, 2);

	mock_expect_clean(test, low);
	mock_expect_clean(test, high);
	mock_ring_destroy(low);
	mock_ring_destroy(high);
	pool_done(test, ctx);
}

/*
 * Destroying a queue whose preemption is still in progress: its slot is
 * free only once the preempt fence signals (the firmware is still saving
 * the context).  Before the fix the slot went to the waiter at once: "bind
 * high to slot 0 held by low", seen here as a violation.
 */
static void slot_preempt_pending_destroy(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, true);
	struct mock_ring *low = ring_new(ctx, 4, FWSCHED_PRIO_LOW);
	struct mock_ring *high = ring_new(ctx, 4, FWSCHED_PRIO_HIGH);

	low->cancel_in_flight = true;
	preempt_low_for_high(test, ctx, low, high);

	/* Destroy low while the firmware is still saving it. */
	mock_ring_destroy_async(low);
	KUNIT_EXPECT_TRUE_MSG(test, wait_event_timeout(low->wait, atomic_read(&low->freed) == 2,
						       msecs_to_jiffies(WAIT_MS)),
			      "destroy did not cancel the preempted queue's jobs");
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 0,
			    "slot handed over before the preemption completed");
	KUNIT_EXPECT_EQ(test, ctx->violations, 0);

	/* The firmware reports the context saved: now the slot is free. */
	preempt_done(ctx);
	fwsched_queue_destroy_flush();
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 1,
			    "waiter did not get the slot after the preemption");
	KUNIT_EXPECT_TRUE(test, step(ctx, high));
	mock_ring_destroy(low);
	mock_ring_destroy(high);
	pool_done(test, ctx);
}

/*
 * Destroying a preempted queue whose driver has no cancel_in_flight: its
 * jobs in flight can only finish on a slot, so the dying queue must still
 * be bound when it is granted one.  Before the fix bind was never called
 * and destroy waited for ever.
 */
static void slot_destroy_preempted_no_cancel(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, true);
	struct mock_ring *low = ring_new(ctx, 4, FWSCHED_PRIO_LOW);
	struct mock_ring *high = ring_new(ctx, 4, FWSCHED_PRIO_HIGH);
	bool bound;

	preempt_low_for_high(test, ctx, low, high);
	preempt_done(ctx);
	KUNIT_ASSERT_EQ(test, atomic_read(&high->ran), 1);

	/*
	 * low is preempted with 2 jobs in flight; destroy it, no
	 * cancel_in_flight (the mock's does nothing here).  Wait until destroy
	 * is past the point of no return (it calls cancel_in_flight right
	 * before it waits for the jobs), then let high give the slot back.
	 */
	mock_ring_destroy_async(low);
	KUNIT_ASSERT_TRUE_MSG(test, wait_event_timeout(low->wait, atomic_read(&low->cancel_calls),
						       msecs_to_jiffies(WAIT_MS)),
			      "destroy never reached its wait for the jobs in flight");
	KUNIT_EXPECT_TRUE(test, step(ctx, high));	/* high idle: slot back */
	bound = wait_event_timeout(low->wait, READ_ONCE(low->slot) >= 0,
				   msecs_to_jiffies(WAIT_MS));
	KUNIT_EXPECT_TRUE_MSG(test, bound,
			      "dying queue with preempted jobs never bound again: destroy would hang");
	/* The firmware finishes low's jobs (on its slot, once bound). */
	KUNIT_EXPECT_EQ(test, mock_ring_advance(low, 2, 0), 2);
	fwsched_queue_destroy_flush();
	KUNIT_EXPECT_EQ(test, atomic_read(&low->freed), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&low->cancelled), 0);
	mock_ring_destroy(low);
	mock_ring_destroy(high);
	pool_done(test, ctx);
}

/* A priority change while waiting moves the queue to its new FIFO. */
static void slot_priority_change(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, false);
	struct mock_ring *a = ring_new(ctx, 4, FWSCHED_PRIO_NORMAL);
	struct mock_ring *b = ring_new(ctx, 4, FWSCHED_PRIO_NORMAL);
	struct mock_ring *c = ring_new(ctx, 4, FWSCHED_PRIO_LOW);

	push_n(test, a, 1);
	settle(ctx);
	push_n(test, b, 1);
	settle(ctx);
	push_n(test, c, 1);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, fwsched_queue_set_priority(c->q, FWSCHED_PRIO_HIGH), 0);
	KUNIT_EXPECT_EQ(test, fwsched_queue_set_priority(c->q, FWSCHED_PRIO_COUNT),
			-EINVAL);
	settle(ctx);

	KUNIT_EXPECT_TRUE(test, step(ctx, a));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&c->ran), 1,
			    "raised queue did not overtake the normal one");
	KUNIT_EXPECT_EQ(test, atomic_read(&b->ran), 0);
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_held(ctx->pool, FWSCHED_PRIO_HIGH), 1);

	/* Lowered while holding: counted at its old level until it lets go. */
	KUNIT_EXPECT_EQ(test, fwsched_queue_set_priority(c->q, FWSCHED_PRIO_LOW), 0);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_held(ctx->pool, FWSCHED_PRIO_HIGH), 1);
	KUNIT_EXPECT_TRUE(test, step(ctx, c));
	KUNIT_EXPECT_TRUE(test, mock_ring_wait_ran(b, 1));
	KUNIT_EXPECT_TRUE(test, step(ctx, b));

	mock_ring_destroy(a);
	mock_ring_destroy(b);
	mock_ring_destroy(c);
	pool_done(test, ctx);
}

/* Teardown of a waiting queue and of a holder with waiters. */
static void slot_teardown(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_ON_DEMAND, 0, false);
	struct mock_ring *a = ring_new(ctx, 4, FWSCHED_PRIO_NORMAL);
	struct mock_ring *b = ring_new(ctx, 4, FWSCHED_PRIO_NORMAL);
	struct mock_ring *c = ring_new(ctx, 4, FWSCHED_PRIO_NORMAL);
	struct dma_fence *fb;

	a->cancel_in_flight = true;
	push_n(test, a, 2);
	settle(ctx);
	fb = push(test, b);
	push_n(test, c, 1);
	settle(ctx);

	/* b waits: destroying it cancels its job and leaves the FIFO. */
	mock_ring_destroy(b);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fb));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fb), -ECANCELED);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->ran), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->freed), 1);
	dma_fence_put(fb);

	/* a holds with jobs in flight: destroying it passes the slot on. */
	mock_ring_destroy(a);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&c->ran), 1,
			    "slot of a destroyed holder not passed on");
	KUNIT_EXPECT_TRUE(test, step(ctx, c));
	mock_ring_destroy(c);
	pool_done(test, ctx);
}

/* ---- turns, slices and firmware waits: a driver's reports (issue 36) ---- */

/* Short enough that a case sees many slices, long enough for a bind. */
#define SLICE_US 10000

static int fw_scope_dev;	/* the device of the scoped rings: its address */

static struct slot_ctx *pool_new_slice(struct kunit *test, u32 nr_slots,
				       u32 quantum_us, bool preempt)
{
	struct slot_ctx *ctx = test->priv;

	ctx->args.quantum_us = quantum_us;
	return pool_new(test, nr_slots, FWSCHED_SLOT_RELEASE_IDLE, 0, preempt);
}

/* A ring whose jobs nobody may complete: its teardown cancels them. */
static struct mock_ring *ring_new_long(struct slot_ctx *ctx, enum fwsched_priority prio,
				       const void *scope)
{
	struct mock_ring_args a = {
		.credit_limit = 1, .mode = MOCK_MANUAL, .wq = ctx->wq,
		.pool = ctx->pool, .prio = prio, .fw_scope = scope,
	};
	struct mock_ring *ring = mock_ring_create(ctx->test, &a);

	ring->cancel_in_flight = true;
	return ring;
}

/* How often @ring was bound. */
static unsigned int ring_binds(struct slot_ctx *ctx, struct mock_ring *ring)
{
	unsigned int i, n = 0;
	unsigned long flags;

	spin_lock_irqsave(&ctx->lock, flags);
	for (i = 0; i < min(ctx->binds, MAX_BINDS); i++)
		n += ctx->bind_order[i] == ring;
	spin_unlock_irqrestore(&ctx->lock, flags);
	return n;
}

/*
 * The "firmware" runs only what is in a slot: complete one job of a ring
 * that is bound and not blocked on a firmware wait.  False if none can.
 */
static bool fw_progress(struct slot_ctx *ctx, struct mock_ring **r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (READ_ONCE(r[i]->slot) >= 0 && atomic_read(&r[i]->on_hw) &&
		    step(ctx, r[i]))
			return true;
	return false;
}

/*
 * A high queue depends on a job of a low queue of the same fw_scope, on a
 * pool with one slot and preemption.  Handed to the firmware, the wait
 * would hold the only slot for a job whose queue, evicted, waits for that
 * slot: nothing moves until a timeout.  The dependency must be waited for
 * on the CPU instead, and both jobs complete with the firmware running
 * only what is bound.
 */
static void slot_fw_wait_preempted(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 1, FWSCHED_SLOT_RELEASE_IDLE, 0, true);
	struct mock_ring *low = ring_new_long(ctx, FWSCHED_PRIO_LOW, &fw_scope_dev);
	struct mock_ring *high = ring_new_long(ctx, FWSCHED_PRIO_HIGH, &fw_scope_dev);
	struct mock_ring *r[2] = { low, high };
	struct dma_fence *fl, *fh;
	struct mock_job *mj;
	int steps;

	ctx->preempt_now = true;
	fl = push(test, low);
	settle(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&low->ran), 1);
	mj = mock_job_new(high, 1, 1);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(fl)), 0);
	fh = mock_push(mj);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, ctx->preempts, 0,
			    "low was evicted for a job that cannot start before low's");
	for (steps = 0; steps < 8 && !dma_fence_is_signaled(fh); steps++)
		if (!fw_progress(ctx, r, 2))
			break;
	KUNIT_EXPECT_TRUE_MSG(test, dma_fence_is_signaled(fl) && dma_fence_is_signaled(fh),
			      "deadlock: high holds the only slot while its firmware waits for low's job, which waits for that slot");
	KUNIT_EXPECT_EQ(test, atomic_read(&high->fw_blocked), 0);
	dma_fence_put(fl);
	dma_fence_put(fh);
	mock_expect_clean(test, low);
	mock_expect_clean(test, high);
	mock_ring_destroy(high);
	mock_ring_destroy(low);
	pool_done(test, ctx);
}

/*
 * Without preemption a job in flight keeps its slot until it completes:
 * the wait still goes to the firmware (no CPU round trip), on a pool too.
 */
static void slot_fw_wait_no_preempt(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new(test, 2, FWSCHED_SLOT_RELEASE_IDLE, 0, false);
	struct mock_ring *low = ring_new_long(ctx, FWSCHED_PRIO_LOW, &fw_scope_dev);
	struct mock_ring *high = ring_new_long(ctx, FWSCHED_PRIO_HIGH, &fw_scope_dev);
	struct mock_ring *r[2] = { low, high };
	struct dma_fence *fl, *fh;
	struct mock_job *mj;
	int steps;

	fl = push(test, low);
	settle(ctx);
	mj = mock_job_new(high, 1, 1);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(fl)), 0);
	fh = mock_push(mj);
	settle(ctx);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->ran), 1,
			    "high did not go to the firmware while low's job was on the hardware");
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fl));
	for (steps = 0; steps < 8 && !dma_fence_is_signaled(fh); steps++)
		if (!fw_progress(ctx, r, 2))
			break;
	KUNIT_EXPECT_TRUE_MSG(test, dma_fence_is_signaled(fh),
			      "the firmware-resolved wait did not complete");
	dma_fence_put(fl);
	dma_fence_put(fh);
	mock_expect_clean(test, low);
	mock_expect_clean(test, high);
	mock_ring_destroy(high);
	mock_ring_destroy(low);
	pool_done(test, ctx);
}

/*
 * A low queue evicted by a high one (preempted at once) waits with its job
 * in flight.  It joined the FIFO before the high queue was bound, so no
 * slice was running when it came: the slice that starts with the high
 * queue's bind must still end, and the aging rule must serve low after at
 * most FWSCHED_SLOT_AGE_LIMIT renewals of high's turn.  Jobs never
 * complete: only the slice can move anything.
 */
static void slot_slice_evicted_waiter(struct kunit *test)
{
	struct slot_ctx *ctx = pool_new_slice(test, 1, SLICE_US, true);
	struct mock_ring *low = ring_new_long(ctx, FWSCHED_PRIO_LOW, NULL);
	struct mock_ring *high = ring_new_long(ctx, FWSCHED_PRIO_HIGH, NULL);
	struct fwsched_slot_stats st;

	ctx->preempt_now = true;
	push_n(test, low, 1);
	settle(ctx);
	KUNIT_ASSERT_EQ(test, atomic_read(&low->ran), 1);
	push_n(test, high, 1);
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(high, 1),
			      "high never ran: low was not evicted");
	KUNIT_EXPECT_TRUE_MSG(test, wait_event_timeout(low->wait, ring_binds(ctx, low) >= 2,
						       msecs_to_jiffies(WAIT_MS)),
			      "low was never bound again: high's slice never ended");
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot_stats(low->q, &st), 0);
	KUNIT_EXPECT_LE_MSG(test, st.max_passed, FWSCHED_SLOT_AGE_LIMIT + 1,
			    "low passed over more often than the aging limit allows");
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot_stats(high->q, &st), 0);
	kunit_info(test, "high: %llu turns, %llu preemptions", st.grants, st.preemptions);
	/* A preemption during a grant, a bind, a slice: destroy stops it all. */
	mock_ring_destroy(low);
	mock_ring_destroy(high);
	KUNIT_EXPECT_EQ(test, atomic_read(&low->freed), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&high->freed), 1);
	pool_done(test, ctx);
}

/*
 * Queues of one level whose jobs never complete rotate by time slice:
 * every one runs, whoever waited when the holder before it was granted.
 * One slot and three queues, then two slots and five.
 */
static void slice_rotation(struct kunit *test, u32 nr_slots, int n)
{
	struct slot_ctx *ctx = pool_new_slice(test, nr_slots, SLICE_US, true);
	struct mock_ring *r[5];
	int i;

	ctx->preempt_now = true;
	for (i = 0; i < n; i++)
		r[i] = ring_new_long(ctx, FWSCHED_PRIO_NORMAL, NULL);
	for (i = 0; i < n; i++)
		push_n(test, r[i], 1);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(r[i], 1),
				      "queue %d of %d never ran on %u slots: the slices stopped rotating",
				      i, n, nr_slots);
	for (i = 0; i < n; i++) {
		mock_expect_clean(test, r[i]);
		mock_ring_destroy(r[i]);
	}
	pool_done(test, ctx);
}

static void slot_slice_rotation(struct kunit *test)
{
	slice_rotation(test, 1, 3);
}

static void slot_slice_rotation_2x5(struct kunit *test)
{
	slice_rotation(test, 2, 5);
}

#define SHARE_JOBS 20

/*
 * Two busy queues of different levels on one slot, quantum 1: a turn's end
 * decides among both, so the higher gets FWSCHED_SLOT_AGE_LIMIT turns in
 * FWSCHED_SLOT_AGE_LIMIT + 1 (slot.h) and finishes first.  The lower one's
 * jobs are pushed first.  Returns the lower queue's completions when the
 * higher one's last job completes.
 */
static unsigned int share_run(struct kunit *test, enum fwsched_slot_release release,
			      enum fwsched_priority hi, enum fwsched_priority lo)
{
	struct slot_ctx *ctx = pool_new(test, 1, release, 1, false);
	struct mock_ring *low = ring_new(ctx, 1, lo);
	struct mock_ring *high = ring_new(ctx, 1, hi);
	struct mock_ring *r[2] = { low, high };
	struct fwsched_slot_stats st;
	unsigned int done, steps = 0;

	push_n(test, low, SHARE_JOBS);
	settle(ctx);
	push_n(test, high, SHARE_JOBS);
	settle(ctx);
	while (atomic_read(&high->completed) < SHARE_JOBS && steps++ < 4 * SHARE_JOBS)
		if (!fw_progress(ctx, r, 2))
			break;
	done = atomic_read(&low->completed);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&high->completed), SHARE_JOBS,
			    "levels %d/%d: the high queue did not finish", hi, lo);
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot_stats(low->q, &st), 0);
	KUNIT_EXPECT_LE_MSG(test, st.max_passed, FWSCHED_SLOT_AGE_LIMIT + 1,
			    "levels %d/%d: low passed over beyond the aging limit", hi, lo);
	while (fw_progress(ctx, r, 2))
		;
	KUNIT_EXPECT_EQ(test, atomic_read(&low->completed), SHARE_JOBS);
	mock_expect_clean(test, low);
	mock_expect_clean(test, high);
	mock_ring_destroy(low);
	mock_ring_destroy(high);
	pool_done(test, ctx);
	return done;
}

static void slot_yield_priority(struct kunit *test)
{
	mock_share_check(test, SHARE_JOBS, "level", share_run);
}

/* Bad input gets clear errors. */
static void slot_bad_input(struct kunit *test)
{
	struct fwsched_slot_pool_args args = { .nr_slots = 4 };
	struct fwsched_slot_pool *pool;

	KUNIT_EXPECT_TRUE(test, IS_ERR(fwsched_slot_pool_create(NULL)));
	args.nr_slots = 0;
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_slot_pool_create(&args)), -EINVAL);
	args.nr_slots = 4;
	args.reserved[FWSCHED_PRIO_HIGH] = 3;
	args.reserved[FWSCHED_PRIO_REALTIME] = 2;
	KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(fwsched_slot_pool_create(&args)), -EINVAL,
			    "reservations above the slot count accepted");
	args.reserved[FWSCHED_PRIO_HIGH] = 2;
	KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(fwsched_slot_pool_create(&args)), -EINVAL,
			    "reservations leaving no slot to the lowest level accepted");
	args.reserved[FWSCHED_PRIO_HIGH] = 0;
	args.reserved[FWSCHED_PRIO_LOW] = 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_slot_pool_create(&args)), -EINVAL);
	args.reserved[FWSCHED_PRIO_LOW] = 0;
	args.preempt = true;
	KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(fwsched_slot_pool_create(&args)), -EINVAL,
			    "preemption without a preempt callback accepted");
	args.preempt = false;
	pool = fwsched_slot_pool_create(&args);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pool));
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_destroy(pool), 0);
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_destroy(NULL), 0);
}

static struct kunit_case slot_cases[] = {
	KUNIT_CASE(slot_basic),
	KUNIT_CASE(slot_fifo),
	KUNIT_CASE(slot_dep_wait_gives_back),
	KUNIT_CASE(slot_reservation),
	KUNIT_CASE_SLOW(slot_seed_scenario),
	KUNIT_CASE(slot_aging),
	KUNIT_CASE(slot_on_demand),
	KUNIT_CASE(slot_no_preempt),
	KUNIT_CASE(slot_preempt_busy),
	KUNIT_CASE(slot_preempt_pending_destroy),
	KUNIT_CASE(slot_destroy_preempted_no_cancel),
	KUNIT_CASE(slot_priority_change),
	KUNIT_CASE(slot_teardown),
	KUNIT_CASE(slot_bad_input),
	KUNIT_CASE(slot_fw_wait_preempted),
	KUNIT_CASE(slot_fw_wait_no_preempt),
	KUNIT_CASE(slot_slice_evicted_waiter),
	KUNIT_CASE(slot_slice_rotation),
	KUNIT_CASE(slot_slice_rotation_2x5),
	KUNIT_CASE_SLOW(slot_yield_priority),
	{}
};

static struct kunit_suite slot_suite = {
	.name = "fwsched_slot",
	.init = slot_test_init,
	.test_cases = slot_cases,
};

kunit_test_suite(slot_suite);

MODULE_DESCRIPTION("KUnit tests for fwsched slot pools");
MODULE_LICENSE("GPL");
