// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for waits known only at run time: &fwsched_queue_ops.prepare
 * and &fwsched_queue_ops.update_credits, on the mock firmware of mock_fw.c.
 *
 * The test plays the driver.  Its prepare answers from a "gate" (a row of
 * fences the test signals itself, so that every wait is held by the test,
 * never by a duration) or from a mock firmware heap shared by two rings: a
 * job that finds no room waits for the heap's release fence, which the
 * other ring's free_job signals when it gives its room back.  The mock
 * checks on every run_job that prepare let the job go, and on every call
 * that it came inside the fence-signalling section (lockdep kernels).
 * Where a case must see that something did not happen, it flushes the
 * queue's workqueue and then looks.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "mock_fw.h"

#define WAIT_MS MOCK_WAIT_MS
#define GATES 8
#define HEAP_FENCES 256	/* one per release with waiters: at most one per job */

static struct mock_job *mock_of(struct fwsched_job *job)
{
	return container_of(job, struct mock_job, base);
}

/* ---- the test's workqueue, flushed to see that nothing happened ---------- */

KUNIT_DEFINE_ACTION_WRAPPER(prep_destroy_wq, destroy_workqueue,
			    struct workqueue_struct *);

/* Created before any ring: actions run in reverse, rings go first. */
static struct workqueue_struct *prep_wq(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_workqueue("fwsched-prep-test",
						      WQ_MEM_RECLAIM | WQ_UNBOUND, 0);

	KUNIT_ASSERT_NOT_NULL(test, wq);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, prep_destroy_wq, wq), 0);
	return wq;
}

static struct mock_ring *prep_ring(struct kunit *test, struct workqueue_struct *wq,
				   u32 credits, unsigned int timeout_ms,
				   struct fwsched_slot_pool *pool)
{
	struct mock_ring_args a = {
		.credit_limit = credits, .mode = MOCK_MANUAL, .wq = wq,
		.prio = FWSCHED_PRIO_NORMAL, .timeout_ms = timeout_ms,
		.pool = pool, .prepare = true,
	};

	return mock_ring_create(test, &a);
}

static bool wait_prepares(struct mock_ring *ring, int n)
{
	return wait_event_timeout(ring->wait, atomic_read(&ring->prepares) >= n,
				  msecs_to_jiffies(WAIT_MS)) > 0;
}

/* ---- the gate: prepare answers the test's fences, then NULL ---------------- */

/*
 * prepare answers fence 0, 1, ... of the gate for the first @closed calls
 * (over all jobs of the rings that use it), NULL afterwards, or @err as an
 * ERR_PTR if that is set.  The test signals the fences.
 */
struct gate {
	struct fwsched_timeline *tl;
	struct fwsched_fence *f[GATES];
	unsigned int armed;	/* fences handed out; the hook's */
	unsigned int closed;
	int err;
};

static void gate_release(void *data)
{
	struct gate *g = data;
	int i;

	/* Signals the fences still armed (-ECANCELED), then drops ours. */
	fwsched_timeline_destroy(g->tl);
	for (i = 0; i < GATES; i++)
		fwsched_fence_free(g->f[i]);
}

static struct gate *gate_new(struct kunit *test, unsigned int closed)
{
	struct gate *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, g);
	g->closed = closed;
	g->tl = fwsched_timeline_create("fwsched-prep-test", "gate");
	KUNIT_ASSERT_FALSE(test, IS_ERR(g->tl));
	for (i = 0; i < GATES; i++)
		g->f[i] = fwsched_fence_alloc(GFP_KERNEL);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, gate_release, g), 0);
	for (i = 0; i < GATES; i++)
		KUNIT_ASSERT_NOT_NULL(test, g->f[i]);
	return g;
}

static struct dma_fence *gate_prepare(struct mock_ring *ring, struct fwsched_job *job)
{
	struct gate *g = ring->hook_data;
	unsigned int i = READ_ONCE(g->armed);

	if (g->err)
		return ERR_PTR(g->err);
	if (i >= g->closed || i >= GATES)
		return NULL;
	fwsched_fence_arm(g->f[i], g->tl);
	WRITE_ONCE(g->armed, i + 1);
	return dma_fence_get(&g->f[i]->base);
}

static void gate_open(struct gate *g, unsigned int i, int error)
{
	fwsched_fence_signal(g->f[i], error);
}

static void gate_attach(struct mock_ring *ring, struct gate *g)
{
	ring->hook_data = g;
	ring->prepare_hook = gate_prepare;
}

/* ---- cases ----------------------------------------------------------------- */

/* prepare is asked again after each fence, until it lets the job go. */
static void prepare_again(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	struct gate *g = gate_new(test, 3);
	struct mock_ring *ring = prep_ring(test, wq, 4, 0, NULL);
	struct mock_job *mj;
	struct dma_fence *f;
	int i;

	gate_attach(ring, g);
	mj = mock_job_new(ring, 1, 0);
	f = mock_push(mj);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_TRUE_MSG(test, wait_prepares(ring, i + 1),
				      "prepare call %d never came", i + 1);
		flush_workqueue(wq);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->ran), 0,
				    "the job ran while prepare fence %d was unsignalled", i);
		KUNIT_EXPECT_EQ(test, atomic_read(&ring->prepares), i + 1);
		gate_open(g, i, 0);
	}
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(ring, 1),
			      "the job never ran after prepare returned NULL");
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->prepares), 4);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), 1);

	/* Later jobs: prepare once each, no fence. */
	dma_fence_put(f);
	f = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->prepares), 5);
	mock_expect_clean(test, ring);
	mock_ring_destroy(ring);
	dma_fence_put(f);
}

/* ---- a firmware heap shared by two rings ----------------------------------- */

struct heap {
	spinlock_t lock;		/* everything below */
	u32 size, used, max_used;
	struct fwsched_timeline *tl;
	struct fwsched_fence *spare[HEAP_FENCES];
	unsigned int next;
	struct fwsched_fence *release;	/* armed while someone waits */
	unsigned int waits;
	bool overflow;
};

static void heap_release(void *data)
{
	struct heap *h = data;
	int i;

	fwsched_timeline_destroy(h->tl);
	for (i = 0; i < HEAP_FENCES; i++)
		fwsched_fence_free(h->spare[i]);
}

static struct heap *heap_new(struct kunit *test, u32 size)
{
	struct heap *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, h);
	spin_lock_init(&h->lock);
	h->size = size;
	h->tl = fwsched_timeline_create("fwsched-prep-test", "heap");
	KUNIT_ASSERT_FALSE(test, IS_ERR(h->tl));
	for (i = 0; i < HEAP_FENCES; i++)
		h->spare[i] = fwsched_fence_alloc(GFP_KERNEL);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, heap_release, h), 0);
	for (i = 0; i < HEAP_FENCES; i++)
		KUNIT_ASSERT_NOT_NULL(test, h->spare[i]);
	return h;
}

/* prepare: take the job's room in the heap, or wait for a release. */
static struct dma_fence *heap_prepare(struct mock_ring *ring, struct fwsched_job *job)
{
	struct heap *h = ring->hook_data;
	u32 need = (uintptr_t)mock_of(job)->priv;
	struct dma_fence *f;
	unsigned long flags;

	spin_lock_irqsave(&h->lock, flags);
	if (h->used + need <= h->size) {
		h->used += need;
		h->max_used = max(h->max_used, h->used);
		spin_unlock_irqrestore(&h->lock, flags);
		return NULL;
	}
	if (!h->release) {
		if (h->next == HEAP_FENCES) {
			h->overflow = true;
			spin_unlock_irqrestore(&h->lock, flags);
			return ERR_PTR(-ENOSPC);
		}
		h->release = h->spare[h->next++];
		fwsched_fence_arm(h->release, h->tl);
	}
	f = dma_fence_get(&h->release->base);
	h->waits++;
	spin_unlock_irqrestore(&h->lock, flags);
	return f;
}

/* free_job: a job that had its room gives it back and wakes the waiters. */
static void heap_free(struct mock_ring *ring, struct fwsched_job *job)
{
	struct mock_job *mj = mock_of(job);
	struct heap *h = ring->hook_data;
	struct fwsched_fence *r;
	unsigned long flags;

	if (!mj->prepared)
		return;
	spin_lock_irqsave(&h->lock, flags);
	h->used -= (uintptr_t)mj->priv;
	r = h->release;
	h->release = NULL;
	spin_unlock_irqrestore(&h->lock, flags);
	if (r)
		fwsched_fence_signal(r, 0);
}

static void heap_attach(struct mock_ring *ring, struct heap *h)
{
	ring->hook_data = h;
	ring->prepare_hook = heap_prepare;
	ring->free_hook = heap_free;
}

static struct dma_fence *heap_push(struct mock_ring *ring, u32 need)
{
	struct mock_job *mj = mock_job_new(ring, 1, 0);

	mj->priv = (void *)(uintptr_t)need;
	return mock_push(mj);
}

/*
 * Two rings, one heap of 2: each ring's job waits in prepare until the
 * other ring's job gives its room back, and runs then, not before.
 */
static void prepare_heap(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	struct heap *h = heap_new(test, 2);
	struct mock_ring *a = prep_ring(test, wq, 4, 0, NULL);
	struct mock_ring *b = prep_ring(test, wq, 4, 0, NULL);
	struct dma_fence *fa, *fb1, *fb2;

	heap_attach(a, h);
	heap_attach(b, h);

	fb1 = heap_push(b, 2);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(b, 1));
	fa = heap_push(a, 1);
	KUNIT_ASSERT_TRUE_MSG(test, wait_prepares(a, 1), "prepare was never called");
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->ran), 0,
			    "ran with the heap full");
	KUNIT_EXPECT_EQ(test, h->waits, 1);

	/* b's job completes and is freed: its room goes to a's job. */
	KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), 1);
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(a, 1),
			      "the waiting job never ran after the heap had room");
	KUNIT_EXPECT_EQ(test, atomic_read(&a->prepares), 2);

	/* And the other way round: b's next job waits for a's. */
	fb2 = heap_push(b, 2);
	KUNIT_ASSERT_TRUE(test, wait_prepares(b, 2));
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->ran), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 1, 0), 1);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(b, 2));
	KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), 1);

	KUNIT_EXPECT_TRUE(test, mock_wait(fa, WAIT_MS));
	KUNIT_EXPECT_TRUE(test, mock_wait(fb1, WAIT_MS));
	KUNIT_EXPECT_TRUE(test, mock_wait(fb2, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fa), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fb2), 1);
	KUNIT_EXPECT_LE_MSG(test, h->max_used, h->size, "the heap was overcommitted");
	KUNIT_EXPECT_FALSE(test, h->overflow);
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	mock_ring_destroy(a);
	mock_ring_destroy(b);
	KUNIT_EXPECT_EQ_MSG(test, h->used, 0, "room not given back");
	dma_fence_put(fa);
	dma_fence_put(fb1);
	dma_fence_put(fb2);
}

/*
 * Many jobs on two rings through a heap that fits one at a time: all of
 * them complete, in order per ring, and the heap is never overcommitted.
 */
static void prepare_heap_flow(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	struct heap *h = heap_new(test, 3);
	struct mock_ring_args args = {
		.credit_limit = 8, .mode = MOCK_TIMER, .wq = wq,
		.prio = FWSCHED_PRIO_NORMAL, .prepare = true,
	};
	struct mock_ring *r[2];
	struct dma_fence *last[2] = {};
	int i, n;

	for (i = 0; i < 2; i++) {
		r[i] = mock_ring_create(test, &args);
		heap_attach(r[i], h);
	}
	for (n = 0; n < 200; n++) {
		struct mock_job *mj;

		i = n & 1;
		mj = mock_job_new(r[i], 1, 0);
		mj->priv = (void *)(uintptr_t)(1 + n % 3);
		mj->duration_us = 20;
		dma_fence_put(last[i]);
		last[i] = mock_push(mj);
	}
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, mock_wait(last[i], WAIT_MS),
				      "ring %d did not finish its 100 jobs", i);
		KUNIT_EXPECT_EQ(test, dma_fence_get_status(last[i]), 1);
	}
	KUNIT_EXPECT_LE(test, h->max_used, h->size);
	KUNIT_EXPECT_FALSE(test, h->overflow);
	for (i = 0; i < 2; i++) {
		mock_expect_clean(test, r[i]);
		mock_ring_destroy(r[i]);
		KUNIT_EXPECT_EQ(test, atomic_read(&r[i]->freed), 100);
		KUNIT_EXPECT_EQ(test, atomic_read(&r[i]->cancelled), 0);
		dma_fence_put(last[i]);
	}
	KUNIT_EXPECT_EQ(test, h->used, 0);
}

/* A prepare fence that fails, or an ERR_PTR, fails the job with its error. */
static void prepare_error(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	struct gate *g = gate_new(test, 1);
	struct mock_ring *ring = prep_ring(test, wq, 4, 0, NULL);
	struct mock_ring *other = prep_ring(test, wq, 4, 0, NULL);
	struct mock_job *dep;
	struct dma_fence *f, *fd, *f2;

	gate_attach(ring, g);
	f = mock_push(mock_job_new(ring, 1, 0));
	/* A job of another ring that depends on it. */
	dep = mock_job_new(other, 1, 1);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&dep->base, dma_fence_get(f)), 0);
	fd = mock_push(dep);
	KUNIT_ASSERT_TRUE(test, wait_prepares(ring, 1));
	gate_open(g, 0, -EIO);
	KUNIT_ASSERT_TRUE_MSG(test, mock_wait(f, WAIT_MS),
			      "the job did not end after its prepare fence failed");
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), -EIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->ran), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->cancelled), 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ring->last_cancel_error), -EIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->prepares), 1);
	KUNIT_ASSERT_TRUE(test, mock_wait(fd, WAIT_MS));
	KUNIT_EXPECT_EQ_MSG(test, dma_fence_get_status(fd), -EIO,
			    "the dependent job did not inherit the error");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&other->prepares), 0,
			    "prepare called for a job whose dependency failed");

	/* prepare returns an ERR_PTR. */
	g->err = -ENOSPC;
	f2 = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_ASSERT_TRUE(test, mock_wait(f2, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f2), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->ran), 0);
	mock_expect_clean(test, ring);
	mock_ring_destroy(ring);
	mock_ring_destroy(other);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 2);
	dma_fence_put(f);
	dma_fence_put(fd);
	dma_fence_put(f2);
}

/* Destroy with a prepare fence pending: cancelled, the callback removed. */
static void prepare_destroy_pending(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	struct gate *g = gate_new(test, 1);
	struct mock_ring *ring = prep_ring(test, wq, 4, 0, NULL);
	struct dma_fence *f, *f2;

	gate_attach(ring, g);
	f = mock_push(mock_job_new(ring, 1, 0));
	f2 = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_ASSERT_TRUE(test, wait_prepares(ring, 1));
	mock_ring_destroy(ring);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), -ECANCELED);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f2), -ECANCELED);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->cancelled), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->ran), 0);
	/* The queue's callback is gone: signalling now touches nothing freed. */
	KUNIT_EXPECT_TRUE_MSG(test, list_empty(&g->f[0]->base.cb_list),
			      "destroy left its callback on the prepare fence");
	gate_open(g, 0, 0);
	mock_expect_clean(test, ring);
	dma_fence_put(f);
	dma_fence_put(f2);
}

/* Stop with a prepare fence pending: the fence signals, nothing runs. */
static void prepare_stop_start(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	struct gate *g = gate_new(test, 1);
	struct mock_ring *ring = prep_ring(test, wq, 4, 0, NULL);
	struct dma_fence *f;

	gate_attach(ring, g);
	f = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_ASSERT_TRUE(test, wait_prepares(ring, 1));
	fwsched_queue_stop(ring->q);
	gate_open(g, 0, 0);
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->ran), 0, "ran while stopped");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->prepares), 1,
			    "prepare called while stopped");
	fwsched_queue_start(ring->q);
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(ring, 1),
			      "the job never ran after start");
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->prepares), 2);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), 1);
	mock_expect_clean(test, ring);
	mock_ring_destroy(ring);
	dma_fence_put(f);
}

/*
 * A reset with a prepare fence pending: the job in flight runs again
 * without a second prepare, the waiting job keeps waiting.  Then a ban:
 * the waiting job is cancelled and its callback removed.
 */
static void prepare_reset_ban(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	struct gate *g = gate_new(test, 2);
	/* A timeout that is never reached: only triggered ones fire. */
	struct mock_ring *ring = prep_ring(test, wq, 4, 3600 * 1000, NULL);
	struct mock_job *first;
	struct dma_fence *f0, *f1;

	gate_attach(ring, g);
	g->closed = 0;
	first = mock_job_new(ring, 1, 0);
	f0 = mock_push(first);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	WRITE_ONCE(g->closed, 1);
	f1 = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_ASSERT_TRUE(test, wait_prepares(ring, 2));

	ring->tdr_action = FWSCHED_TIMEOUT_RESET;
	ring->tdr_limit = 1;
	fwsched_queue_trigger_timeout(ring->q);
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(ring, 2),
			      "the job in flight was not run again after the reset");
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->resets), 1);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->ran), 2,
			    "the job waiting for its prepare fence ran");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->prepares), 2,
			    "prepare called again for a job it had let go");

	/* Ban: the waiting job is cancelled, the one in flight too. */
	ring->tdr_action = FWSCHED_TIMEOUT_BAN;
	ring->tdr_limit = 0;
	ring->cancel_in_flight = true;
	fwsched_queue_trigger_timeout(ring->q);
	KUNIT_ASSERT_TRUE(test, mock_wait(f1, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f1), -ECANCELED);
	KUNIT_ASSERT_TRUE(test, mock_wait(f0, WAIT_MS));
	KUNIT_EXPECT_TRUE_MSG(test, list_empty(&g->f[0]->base.cb_list),
			      "the ban left its callback on the prepare fence");
	gate_open(g, 0, 0);
	mock_expect_clean(test, ring);
	mock_ring_destroy(ring);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 2);
	dma_fence_put(f0);
	dma_fence_put(f1);
}

/* prepare answers the job's fence (priv) or the ring's, once per job. */
static struct dma_fence *once_prepare(struct mock_ring *ring, struct fwsched_job *job)
{
	struct dma_fence *f = mock_of(job)->priv ?: READ_ONCE(ring->hook_data);

	if (!f || atomic_read(&mock_of(job)->prepares))
		return NULL;
	return dma_fence_get(f);
}

static bool wait_deadlines(struct mock_ring *ring, int n)
{
	return wait_event_timeout(ring->wait, atomic_read(&ring->deadlines) >= n,
				  msecs_to_jiffies(WAIT_MS)) > 0;
}

/*
 * A deadline on the job reaches its prepare fence, here the finished fence
 * of another ring's job, whose driver sees it: set while the job waits,
 * and set before prepare returned the fence.
 */
static void prepare_deadline(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	struct mock_ring *ring = prep_ring(test, wq, 4, 0, NULL);
	struct mock_ring *other = mock_ring_new(test, 4, MOCK_MANUAL, NULL);
	ktime_t d1 = ktime_add_ms(ktime_get(), 5), d2 = ktime_add_ms(d1, 3);
	struct dma_fence *fo1, *fo2, *f1, *f2;
	struct mock_job *mj;

	fo1 = mock_push(mock_job_new(other, 1, 0));
	fo2 = mock_push(mock_job_new(other, 1, 0));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(other, 2));
	ring->prepare_hook = once_prepare;
	WRITE_ONCE(ring->hook_data, fo1);

	f1 = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_ASSERT_TRUE(test, wait_prepares(ring, 1));
	dma_fence_set_deadline(f1, d1);
	KUNIT_ASSERT_TRUE_MSG(test, wait_deadlines(other, 1),
			      "the deadline did not reach the prepare fence");
	KUNIT_EXPECT_TRUE(test, ktime_compare(READ_ONCE(other->last_deadline), d1) == 0);

	/* Set before the push, passed on when prepare returns the fence. */
	atomic_set(&other->deadlines, 0);
	mj = mock_job_new(ring, 1, 0);
	mj->priv = fo2;
	fwsched_job_arm(&mj->base);
	f2 = dma_fence_get(fwsched_job_finished(&mj->base));
	dma_fence_set_deadline(f2, d2);
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&mj->base), 0);

	/* f1's job runs; f2's is asked next and waits for fo2. */
	KUNIT_EXPECT_EQ(test, mock_ring_advance(other, 1, 0), 1);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	KUNIT_ASSERT_TRUE(test, wait_prepares(ring, 3));
	KUNIT_EXPECT_TRUE_MSG(test, wait_deadlines(other, 1),
			      "a deadline set before the push missed the prepare fence");
	KUNIT_EXPECT_TRUE(test, ktime_compare(READ_ONCE(other->last_deadline), d2) == 0);
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->ran), 1);

	KUNIT_EXPECT_EQ(test, mock_ring_advance(other, 1, 0), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring, 2, 0), 2);
	KUNIT_EXPECT_TRUE(test, mock_wait(f1, WAIT_MS));
	KUNIT_EXPECT_TRUE(test, mock_wait(f2, WAIT_MS));
	mock_expect_clean(test, ring);
	mock_ring_destroy(ring);
	mock_ring_destroy(other);
	dma_fence_put(fo1);
	dma_fence_put(fo2);
	dma_fence_put(f1);
	dma_fence_put(f2);
}

/* ---- update_credits -------------------------------------------------------- */

#define CREDITS_ZERO ((void *)-1L)

/* The job's priv is what update_credits answers; NULL: unchanged. */
static u32 priv_credits(struct mock_ring *ring, struct fwsched_job *job)
{
	void *p = mock_of(job)->priv;

	if (p == CREDITS_ZERO)
		return 0;
	return p ? (uintptr_t)p : job->credits;
}

static struct mock_job *credit_job(struct mock_ring *ring, u32 credits, u32 shrink)
{
	struct mock_job *mj = mock_job_new(ring, credits, 0);

	mj->priv = (void *)(uintptr_t)shrink;
	return mj;
}

/* A job that needs fewer credits once ready fits beside one in flight. */
static void credits_shrink(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	struct mock_ring *ring = prep_ring(test, wq, 4, 0, NULL);
	struct dma_fence *f[3];
	int i;

	ring->credits_hook = priv_credits;
	f[0] = mock_push(credit_job(ring, 3, 0));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	/* 3 credits at push, 1 when it is considered: fits beside the 3. */
	f[1] = mock_push(credit_job(ring, 3, 1));
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(ring, 2),
			      "the shrunk job did not run beside the first");
	/* A third of 1 credit does not fit (3 + 1 + 1 > 4) until one ends. */
	f[2] = mock_push(credit_job(ring, 1, 0));
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->ran), 2,
			    "ran beyond the credit limit");
	KUNIT_EXPECT_GE(test, atomic_read(&ring->credit_updates), 3);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 3));
	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring, 2, 0), 2);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_TRUE(test, mock_wait(f[i], WAIT_MS));
		KUNIT_EXPECT_EQ(test, dma_fence_get_status(f[i]), 1);
		dma_fence_put(f[i]);
	}
	mock_expect_clean(test, ring);
	mock_ring_destroy(ring);
}

/* Credits that grow, or fall to 0, fail the job with -EINVAL. */
static void credits_bad(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	struct mock_ring *ring = prep_ring(test, wq, 4, 0, NULL);
	struct mock_job *zero;
	struct dma_fence *up, *z, *ok;

	ring->credits_hook = priv_credits;
	up = mock_push(credit_job(ring, 1, 2));
	zero = credit_job(ring, 1, 0);
	zero->priv = CREDITS_ZERO;
	z = mock_push(zero);
	ok = mock_push(credit_job(ring, 2, 1));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	KUNIT_EXPECT_TRUE(test, mock_wait(up, WAIT_MS));
	KUNIT_EXPECT_TRUE(test, mock_wait(z, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(up), -EINVAL);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(z), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->cancelled), 2);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->prepares), 1,
			    "prepare called for a job that failed its credit update");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(ok, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(ok), 1);
	mock_expect_clean(test, ring);
	mock_ring_destroy(ring);
	dma_fence_put(up);
	dma_fence_put(z);
	dma_fence_put(ok);
}

/* Direct run is refused with prepare or update_credits. */
static void prepare_args(struct kunit *test)
{
	struct fwsched_queue_ops only_credits = {
		.run_job = mock_ops.run_job, .free_job = mock_ops.free_job,
		.update_credits = mock_prepare_ops.update_credits,
	};
	struct fwsched_queue_args args = {
		.ops = &mock_prepare_ops, .name = "t", .driver_name = "t",
		.credit_limit = 1, .direct_run = true,
	};
	struct fwsched_queue *q;

	q = fwsched_queue_create(&args);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(q), -EINVAL);
	if (!IS_ERR(q))
		fwsched_queue_destroy(q);
	args.ops = &only_credits;
	q = fwsched_queue_create(&args);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(q), -EINVAL);
	if (!IS_ERR(q))
		fwsched_queue_destroy(q);
}

/* ---- with a slot pool ------------------------------------------------------ */

static void ps_bind(struct fwsched_queue *q, unsigned int slot)
{
	struct mock_ring *ring = fwsched_queue_priv(q);

	WRITE_ONCE(ring->slot, slot);
	wake_up_all(&ring->wait);
}

static void ps_unbind(struct fwsched_queue *q, unsigned int slot)
{
	struct mock_ring *ring = fwsched_queue_priv(q);

	WRITE_ONCE(ring->slot, -1);
}

static const struct fwsched_slot_ops ps_ops = {
	.bind = ps_bind,
	.unbind = ps_unbind,
};

static void ps_pool_destroy(void *pool)
{
	WARN_ON(fwsched_slot_pool_destroy(pool));
}

/*
 * One firmware slot: a queue whose job waits for its prepare fence does
 * not hold it, so another queue's job runs meanwhile.
 */
static void prepare_slot(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	struct fwsched_slot_pool_args pa = {
		.ops = &ps_ops, .nr_slots = 1, .release = FWSCHED_SLOT_RELEASE_IDLE,
	};
	struct gate *g = gate_new(test, 1);
	struct fwsched_slot_pool *pool = fwsched_slot_pool_create(&pa);
	struct fwsched_slot_stats st;
	struct mock_ring *a, *b;
	struct dma_fence *fa, *fb;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pool));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ps_pool_destroy, pool), 0);
	a = prep_ring(test, wq, 4, 0, pool);
	b = prep_ring(test, wq, 4, 0, pool);
	gate_attach(a, g);

	fa = mock_push(mock_job_new(a, 1, 0));
	KUNIT_ASSERT_TRUE(test, wait_prepares(a, 1));
	fb = mock_push(mock_job_new(b, 1, 0));
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(b, 1),
			      "a queue waiting for its prepare fence kept the only slot");
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ(test, fwsched_queue_slot_stats(a->q, &st), 0);
	KUNIT_EXPECT_EQ_MSG(test, st.grants, 0,
			    "the queue took a slot while it waited for its prepare fence");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fb, WAIT_MS));
	gate_open(g, 0, 0);
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(a, 1),
			      "the job never ran after its prepare fence and a slot");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fa, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fa), 1);
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	mock_ring_destroy(a);
	mock_ring_destroy(b);
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/* ---- mixtures -------------------------------------------------------------- */

struct opener {
	struct work_struct work;
	struct gate *g;
};

static void opener_fn(struct work_struct *w)
{
	gate_open(container_of(w, struct opener, work)->g, 0, 0);
}

/*
 * The prepare fence signals on another CPU while the queue is destroyed:
 * whichever wins, both jobs end exactly once and nothing is left behind
 * (KASAN and kmemleak watch the rest).
 */
static void prepare_destroy_race(struct kunit *test)
{
	struct workqueue_struct *wq = prep_wq(test);
	int i, cpu = cpumask_last(cpu_online_mask);

	for (i = 0; i < 64; i++) {
		struct gate *g = gate_new(test, 1);
		struct mock_ring *ring = prep_ring(test, wq, 4, 0, NULL);
		struct opener op = { .g = g };
		struct dma_fence *f0, *f1;

		ring->cancel_in_flight = true;
		gate_attach(ring, g);
		f0 = mock_push(mock_job_new(ring, 1, 0));
		f1 = mock_push(mock_job_new(ring, 1, 0));
		KUNIT_ASSERT_TRUE(test, wait_prepares(ring, 1));
		INIT_WORK_ONSTACK(&op.work, opener_fn);
		queue_work_on(cpu, system_dfl_wq, &op.work);
		mock_ring_destroy(ring);
		flush_work(&op.work);
		destroy_work_on_stack(&op.work);

		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f0));
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f1));
		KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 2);
		KUNIT_EXPECT_EQ(test, atomic_read(&ring->ran) +
				atomic_read(&ring->cancelled), 2);
		mock_expect_clean(test, ring);
		dma_fence_put(f0);
		dma_fence_put(f1);
		if (atomic_read(&ring->freed) != 2)
			break;
	}
}

static struct kunit_case prepare_cases[] = {
	KUNIT_CASE(prepare_again),
	KUNIT_CASE(prepare_heap),
	KUNIT_CASE(prepare_heap_flow),
	KUNIT_CASE(prepare_error),
	KUNIT_CASE(prepare_destroy_pending),
	KUNIT_CASE(prepare_stop_start),
	KUNIT_CASE(prepare_reset_ban),
	KUNIT_CASE(prepare_deadline),
	KUNIT_CASE(credits_shrink),
	KUNIT_CASE(credits_bad),
	KUNIT_CASE(prepare_args),
	KUNIT_CASE(prepare_slot),
	KUNIT_CASE(prepare_destroy_race),
	{}
};

static struct kunit_suite prepare_suite = {
	.name = "fwsched_prepare",
	.test_cases = prepare_cases,
};

kunit_test_suite(prepare_suite);

MODULE_DESCRIPTION("KUnit tests for fwsched's prepare and update_credits callbacks");
MODULE_LICENSE("GPL");
