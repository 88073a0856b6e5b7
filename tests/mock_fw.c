// SPDX-License-Identifier: GPL-2.0
/*
 * A mock firmware GPU for fwsched's tests, built once as its own module
 * (fwsched_test_mock) that the suites using it link against.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/debug_locks.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "mock_fw.h"

/*
 * The mode of the rings whose test does not choose one, so that a plan can
 * run a suite written for the runners in another mode.
 */
static int mock_exec;
module_param_named(exec, mock_exec, int, 0444);
MODULE_PARM_DESC(exec, "enum fwsched_exec of the rings whose test names none");
static bool mock_defer_free;
module_param_named(defer_free, mock_defer_free, bool, 0444);
MODULE_PARM_DESC(defer_free, "defer_free for the rings whose test names no mode");

static struct mock_job *to_mock_job(struct fwsched_job *job)
{
	return container_of(job, struct mock_job, base);
}

/* Rings with a fw_scope, to find the ring behind a fence's context. */
static LIST_HEAD(mock_scoped_rings);
static DEFINE_SPINLOCK(mock_scope_lock);

/*
 * Has the job behind @f been given to the hardware of a ring of @scope
 * (@done: and completed there)?  Any context.
 */
static bool mock_fw_dep_ok(const void *scope, struct dma_fence *f, bool done)
{
	struct mock_ring *r;
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&mock_scope_lock, flags);
	list_for_each_entry(r, &mock_scoped_rings, scope_link) {
		if (fwsched_queue_context(r->q) != f->context)
			continue;
		ok = r->fw_scope == scope &&
		     (done ? READ_ONCE(r->done_seqno) : READ_ONCE(r->max_run_seqno)) >= f->seqno;
		break;
	}
	spin_unlock_irqrestore(&mock_scope_lock, flags);
	return ok;
}

/* May the "firmware" complete @mj: have its firmware waits completed? */
static bool mock_fw_waits_done(struct mock_ring *ring, struct mock_job *mj)
{
	struct dma_fence *f;
	unsigned int i;

	for (i = 0; (f = fwsched_job_fw_dep(&mj->base, i)); i++)
		if (!dma_fence_is_signaled(f) && !mock_fw_dep_ok(ring->fw_scope, f, true))
			return false;
	return true;
}

/* Complete the oldest job on the ring.  Ring lock held. */
static struct mock_job *mock_ring_pop(struct mock_ring *ring)
{
	struct mock_job *mj;

	lockdep_assert_held(&ring->lock);
	mj = list_first_entry_or_null(&ring->submitted, struct mock_job, link);
	if (mj) {
		list_del_init(&mj->link);
		ring->credits_used -= mj->base.credits;
		atomic_dec(&ring->on_hw);
	}
	return mj;
}

static void mock_job_complete(struct mock_ring *ring, struct mock_job *mj, int error)
{
	WRITE_ONCE(ring->done_seqno, mj->base.finished->base.seqno);
	fwsched_fence_signal(mj->hw, error ?: mj->hw_error);
	atomic_inc(&ring->completed);
	wake_up_all(&ring->wait);
}

static enum hrtimer_restart mock_ring_timer(struct hrtimer *t)
{
	struct mock_ring *ring = container_of(t, struct mock_ring, timer);
	struct mock_job *mj, *next;
	unsigned long flags;
	u32 next_us = 0;

	spin_lock_irqsave(&ring->lock, flags);
	mj = mock_ring_pop(ring);
	next = list_first_entry_or_null(&ring->submitted, struct mock_job, link);
	if (next)
		next_us = next->duration_us ?: 1;
	spin_unlock_irqrestore(&ring->lock, flags);

	if (mj)
		mock_job_complete(ring, mj, 0);
	if (!next_us)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, us_to_ktime(next_us));
	return HRTIMER_RESTART;
}

static struct dma_fence *mock_run_job(struct fwsched_job *job)
{
	struct mock_job *mj = to_mock_job(job);
	struct mock_ring *ring = mj->ring;
	struct dma_fence *hw = NULL;
	unsigned long flags;
	bool start_timer = false;

	if (ring->run_hook)
		ring->run_hook(ring, job);
	spin_lock_irqsave(&ring->lock, flags);
	if (job->finished->base.seqno <= ring->last_seqno)
		atomic_inc(&ring->order_violations);
	ring->last_seqno = job->finished->base.seqno;
	ring->max_run_seqno = max(ring->max_run_seqno, job->finished->base.seqno);
	if (ring->credits_used + job->credits > ring->credit_limit)
		atomic_inc(&ring->credit_violations);
	if (ring->prepare && !mj->prepared)
		atomic_inc(&ring->prepare_violations);
	if (ring->uses_pool && (READ_ONCE(ring->slot) < 0 ||
				fwsched_queue_slot(job->queue) != READ_ONCE(ring->slot)))
		atomic_inc(&ring->slot_violations);

	/* Run again after a reset: the first hardware fence is spent. */
	if (dma_fence_was_initialized(&mj->hw->base) && mj->hw_spare) {
		fwsched_fence_free(mj->hw);
		mj->hw = mj->hw_spare;
		mj->hw_spare = NULL;
	}

	if (fwsched_job_fw_dep(job, 0)) {
		struct dma_fence *f;
		unsigned int i;

		for (i = 0; (f = fwsched_job_fw_dep(job, i)); i++)
			if (!mock_fw_dep_ok(ring->fw_scope, f, false))
				atomic_inc(&ring->fw_dep_violations);
	}

	if (mj->run_error) {
		spin_unlock_irqrestore(&ring->lock, flags);
		atomic_inc(&ring->ran);
		wake_up_all(&ring->wait);
		return ERR_PTR(mj->run_error);
	}

	if (ring->mode != MOCK_NULL) {
		fwsched_fence_arm(mj->hw, ring->hw_tl);
		hw = dma_fence_get(&mj->hw->base);
		if (ring->mode != MOCK_SIGNALLED) {
			ring->credits_used += job->credits;
			start_timer = list_empty(&ring->submitted);
			list_add_tail(&mj->link, &ring->submitted);
			atomic_inc(&ring->on_hw);
		}
	}
	spin_unlock_irqrestore(&ring->lock, flags);

	if (ring->mode == MOCK_SIGNALLED)
		mock_job_complete(ring, mj, 0);
	else if (ring->mode == MOCK_TIMER && start_timer)
		hrtimer_start(&ring->timer, us_to_ktime(mj->duration_us ?: 1),
			      HRTIMER_MODE_REL);
	else if (ring->mode == MOCK_NULL)
		atomic_inc(&ring->completed);

	WRITE_ONCE(ring->last_runner, current);
	WRITE_ONCE(ring->last_run_at, ktime_get());
	atomic_inc(&ring->ran);
	wake_up_all(&ring->wait);
	return hw;
}

/*
 * Is the caller inside a fence-signalling section?  Only lockdep knows:
 * 1 inside, 0 outside, -1 unknown (no lockdep, or it turned itself off
 * after an earlier report, when every lock reads as held).
 */
static int mock_in_signalling(void)
{
	bool cookie;

	if (!IS_ENABLED(CONFIG_LOCKDEP) || !debug_locks)
		return -1;
	cookie = dma_fence_begin_signalling();
	dma_fence_end_signalling(cookie);
	/* Nested in fwsched's section, the cookie is true. */
	return cookie;
}

static void mock_check_signalling(struct mock_ring *ring)
{
	if (!mock_in_signalling())
		atomic_inc(&ring->unsignalling);
}

static void mock_free_job(struct fwsched_job *job)
{
	struct mock_job *mj = to_mock_job(job);
	struct mock_ring *ring = mj->ring;

	if (ring->defer_free && mock_in_signalling() == 1)
		atomic_inc(&ring->free_in_signalling);

	if (ring->free_hook)
		ring->free_hook(ring, job);
	fwsched_fence_free(mj->hw);
	fwsched_fence_free(mj->hw_spare);
	kfree(mj);
	atomic_inc(&ring->freed);
	wake_up_all(&ring->wait);
}

static void mock_cancel_job(struct fwsched_job *job, int error)
{
	struct mock_ring *ring = to_mock_job(job)->ring;

	if (ring->defer_free && mock_in_signalling() == 1)
		atomic_inc(&ring->free_in_signalling);
	WRITE_ONCE(ring->last_cancel_error, error);
	atomic_inc(&ring->cancelled);
	if (ring->cancel_hook)
		ring->cancel_hook(ring, job);
	wake_up_all(&ring->wait);
}

/* A ring reset: everything on the hardware completes with -ECANCELED. */
static void mock_cancel_in_flight(struct fwsched_queue *q)
{
	struct mock_ring *ring = fwsched_queue_priv(q);

	/* Without ring->cancel_in_flight it acts as if the driver had none. */
	atomic_inc(&ring->cancel_calls);
	wake_up_all(&ring->wait);
	if (ring->cancel_in_flight)
		mock_ring_advance(ring, UINT_MAX, -ECANCELED);
}

static enum fwsched_timeout_action mock_timed_out(struct fwsched_job *job)
{
	struct mock_ring *ring = to_mock_job(job)->ring;

	if (!atomic_read(&ring->timeouts))
		WRITE_ONCE(ring->first_timeout_at, ktime_get());
	atomic_inc(&ring->timeouts);
	wake_up_all(&ring->wait);
	if (atomic_add_unless(&ring->tdr_extend, -1, 0))
		return FWSCHED_TIMEOUT_EXTEND;
	if (ring->tdr_limit && atomic_inc_return(&ring->tdr_acted) > ring->tdr_limit)
		return FWSCHED_TIMEOUT_EXTEND;
	if (ring->tdr_error)
		fwsched_job_set_error(job, ring->tdr_error);
	return ring->tdr_action;
}

/* A ring reset: the firmware forgets every job; their fences fail. */
static void mock_reset(struct fwsched_queue *q)
{
	struct mock_ring *ring = fwsched_queue_priv(q);
	unsigned long flags;
	struct mock_job *mj;

	for (;;) {
		spin_lock_irqsave(&ring->lock, flags);
		mj = mock_ring_pop(ring);
		if (!mj)
			ring->last_seqno = 0;
		spin_unlock_irqrestore(&ring->lock, flags);
		if (!mj)
			break;
		fwsched_fence_signal(mj->hw, -ECANCELED);
	}
	atomic_inc(&ring->resets);
	wake_up_all(&ring->wait);
}

static void mock_set_deadline(struct fwsched_job *job, ktime_t deadline)
{
	struct mock_ring *ring = to_mock_job(job)->ring;

	WRITE_ONCE(ring->last_deadline, deadline);
	atomic_inc(&ring->deadlines);
	wake_up_all(&ring->wait);
	if (ring->deadline_hook)
		ring->deadline_hook(ring, job);
}

static struct dma_fence *mock_prepare(struct fwsched_job *job)
{
	struct mock_job *mj = to_mock_job(job);
	struct mock_ring *ring = mj->ring;
	struct dma_fence *f = NULL;

	mock_check_signalling(ring);
	/* Never again once it let the job go. */
	if (mj->prepared)
		atomic_inc(&ring->prepare_violations);
	if (ring->prepare_hook)
		f = ring->prepare_hook(ring, job);
	if (!f)
		mj->prepared = true;
	atomic_inc(&mj->prepares);
	atomic_inc(&ring->prepares);
	wake_up_all(&ring->wait);
	return f;
}

static u32 mock_update_credits(struct fwsched_job *job)
{
	struct mock_ring *ring = to_mock_job(job)->ring;
	u32 credits = job->credits;

	mock_check_signalling(ring);
	if (ring->credits_hook)
		credits = ring->credits_hook(ring, job);
	atomic_inc(&ring->credit_updates);
	wake_up_all(&ring->wait);
	return credits;
}

const struct fwsched_queue_ops mock_prepare_ops = {
	.run_job = mock_run_job,
	.free_job = mock_free_job,
	.cancel_job = mock_cancel_job,
	.cancel_in_flight = mock_cancel_in_flight,
	.timed_out = mock_timed_out,
	.reset = mock_reset,
	.set_deadline = mock_set_deadline,
	.prepare = mock_prepare,
	.update_credits = mock_update_credits,
};
EXPORT_SYMBOL_GPL(mock_prepare_ops);

const struct fwsched_queue_ops mock_ops = {
	.run_job = mock_run_job,
	.free_job = mock_free_job,
	.cancel_job = mock_cancel_job,
	.cancel_in_flight = mock_cancel_in_flight,
	.timed_out = mock_timed_out,
	.reset = mock_reset,
	.set_deadline = mock_set_deadline,
};
EXPORT_SYMBOL_GPL(mock_ops);

/*
 * The ring's teardown, as a KUnit action: destroy the queue (unless the case
 * did, or started to with mock_ring_destroy_async()), then the "hardware".
 * A case that ended early (a failed assertion) may have left jobs on the
 * hardware that nobody will complete: they are cancelled, so that destroy
 * does not wait for them.
 */
static void mock_ring_release(void *data)
{
	struct mock_ring *ring = data;

	if (!ring->destroyed) {
		ring->destroyed = true;
		if (!ring->orderly)
			ring->cancel_in_flight = true;
		fwsched_queue_destroy(ring->q);
	} else if (!ring->orderly) {
		/* Destroyed asynchronously and not waited for. */
		ring->cancel_in_flight = true;
		mock_ring_advance(ring, UINT_MAX, -ECANCELED);
		fwsched_queue_destroy_flush();
	}
	hrtimer_cancel(&ring->timer);
	fwsched_timeline_destroy(ring->hw_tl);
	if (ring->fw_scope) {
		spin_lock_irq(&mock_scope_lock);
		list_del(&ring->scope_link);
		spin_unlock_irq(&mock_scope_lock);
	}
}

/**
 * mock_ring_create() - a ring and its queue
 * @test: the test; failures to create abort it
 * @a: what the ring is: see &struct mock_ring_args
 *
 * The queue is destroyed, and the "hardware" torn down, by a KUnit action on
 * every exit from the case, unless mock_ring_destroy() did it first.
 *
 * Return: the ring.
 */
struct mock_ring *mock_ring_create(struct kunit *test, const struct mock_ring_args *a)
{
	struct fwsched_queue_args args = {
		.ops = &mock_ops,
		.name = "mock-ring",
		.driver_name = "fwsched-mock",
		.wq = a->wq,
		.credit_limit = a->credit_limit,
		.priority = a->prio,
		.pool = a->pool,
		.group = a->group,
		.timeout_ms = a->timeout_ms,
		.direct_run = a->direct,
		.fw_scope = a->fw_scope,
		.exec = a->exec,
		.worker = a->worker,
		.defer_free = a->defer_free,
	};
	struct mock_ring *ring = kunit_kzalloc(test, sizeof(*ring), GFP_KERNEL);

	if (!a->exec && !a->wq && !a->worker) {
		args.exec = mock_exec;
		args.defer_free = a->defer_free || mock_defer_free;
	}

	KUNIT_ASSERT_NOT_NULL(test, ring);
	ring->test = test;
	ring->uses_pool = a->pool || a->group;
	ring->slot = -1;
	ring->mode = a->mode;
	ring->credit_limit = a->credit_limit;
	ring->timeout_ms = a->timeout_ms;
	ring->prepare = a->prepare;
	ring->defer_free = args.defer_free;
	if (a->prepare)
		args.ops = &mock_prepare_ops;
	spin_lock_init(&ring->lock);
	INIT_LIST_HEAD(&ring->submitted);
	init_waitqueue_head(&ring->wait);
	hrtimer_setup(&ring->timer, mock_ring_timer, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);

	ring->hw_tl = fwsched_timeline_create("fwsched-mock-fw", "mock-hw");
	KUNIT_ASSERT_FALSE(test, IS_ERR(ring->hw_tl));
	args.priv = ring;
	ring->q = fwsched_queue_create(&args);
	if (IS_ERR(ring->q))
		fwsched_timeline_destroy(ring->hw_tl);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(ring->q), "queue_create: %ld",
			       PTR_ERR(ring->q));
	ring->fw_scope = a->fw_scope;
	if (a->fw_scope) {
		spin_lock_irq(&mock_scope_lock);
		list_add_tail(&ring->scope_link, &mock_scoped_rings);
		spin_unlock_irq(&mock_scope_lock);
	}
	/* Runs before the ring's memory is freed, on every exit. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, mock_ring_release, ring), 0);
	return ring;
}
EXPORT_SYMBOL_GPL(mock_ring_create);

/**
 * mock_ring_new() - a ring and its queue, without slots
 * @test: the test; failures to create abort it
 * @credit_limit: the ring size
 * @mode: how jobs complete
 * @wq: the queue's workqueue, NULL for fwsched's
 *
 * Return: the ring.
 */
struct mock_ring *mock_ring_new(struct kunit *test, u32 credit_limit,
				enum mock_mode mode, struct workqueue_struct *wq)
{
	struct mock_ring_args a = {
		.credit_limit = credit_limit, .mode = mode, .wq = wq,
		.prio = FWSCHED_PRIO_NORMAL,
	};

	return mock_ring_create(test, &a);
}
EXPORT_SYMBOL_GPL(mock_ring_new);

/**
 * mock_ring_destroy() - destroy the queue, then the "hardware"
 * @ring: the ring
 *
 * Destroy waits for jobs in flight: in MOCK_MANUAL mode without
 * cancel_in_flight, complete them first.
 */
void mock_ring_destroy(struct mock_ring *ring)
{
	ring->orderly = true;
	kunit_release_action(ring->test, mock_ring_release, ring);
}
EXPORT_SYMBOL_GPL(mock_ring_destroy);

/**
 * mock_ring_destroy_async() - fwsched_queue_destroy_async() on the ring
 * @ring: the ring
 *
 * Call fwsched_queue_destroy_flush() and then mock_ring_destroy(), which
 * then only tears the "hardware" down.
 */
void mock_ring_destroy_async(struct mock_ring *ring)
{
	ring->destroyed = true;
	fwsched_queue_destroy_async(ring->q);
}
EXPORT_SYMBOL_GPL(mock_ring_destroy_async);

/**
 * mock_job_try_new() - a job for @ring, for threads that may not assert
 * @ring: the ring
 * @credits: its credits
 * @max_deps: room for dependencies
 *
 * Return: the job, initialised, or an ERR_PTR: -ENOMEM, or what
 * fwsched_job_init() returned (-ESHUTDOWN once the queue is destroyed).
 */
struct mock_job *mock_job_try_new(struct mock_ring *ring, u32 credits,
				  unsigned int max_deps)
{
	struct mock_job *mj = kzalloc(sizeof(*mj), GFP_KERNEL);
	int ret = -ENOMEM;

	if (!mj)
		return ERR_PTR(-ENOMEM);
	mj->ring = ring;
	INIT_LIST_HEAD(&mj->link);
	mj->hw = fwsched_fence_alloc(GFP_KERNEL);
	if (!mj->hw)
		goto fail;
	if (ring->timeout_ms) {
		mj->hw_spare = fwsched_fence_alloc(GFP_KERNEL);
		if (!mj->hw_spare)
			goto fail;
	}
	ret = fwsched_job_init(&mj->base, ring->q, credits, max_deps);
	if (ret)
		goto fail;
	return mj;
fail:
	fwsched_fence_free(mj->hw);
	fwsched_fence_free(mj->hw_spare);
	kfree(mj);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(mock_job_try_new);

/**
 * mock_job_new() - a job for @ring
 * @ring: the ring
 * @credits: its credits
 * @max_deps: room for dependencies
 *
 * Return: the job, initialised; the test aborts on failure.
 */
struct mock_job *mock_job_new(struct mock_ring *ring, u32 credits,
			      unsigned int max_deps)
{
	struct mock_job *mj = mock_job_try_new(ring, credits, max_deps);

	KUNIT_ASSERT_FALSE_MSG(ring->test, IS_ERR(mj), "mock job: %ld", PTR_ERR(mj));
	return mj;
}
EXPORT_SYMBOL_GPL(mock_job_new);

/**
 * mock_push() - arm and push a job, keeping a reference to its fence
 * @mj: the job
 *
 * The reference is taken before the push: once pushed the job may be freed
 * at any moment.
 *
 * Return: the finished fence; the caller puts it.
 */
struct dma_fence *mock_push(struct mock_job *mj)
{
	/* Not mj->ring->test after the push: mj may be gone by then. */
	struct kunit *test = mj->ring->test;
	struct dma_fence *f;

	fwsched_job_arm(&mj->base);
	f = dma_fence_get(fwsched_job_finished(&mj->base));
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&mj->base), 0);
	return f;
}
EXPORT_SYMBOL_GPL(mock_push);

/**
 * mock_ring_advance() - the "hardware" completes jobs
 * @ring: the ring
 * @n: how many, oldest first
 * @error: 0, or the error they complete with (overrides hw_error)
 *
 * On a ring with a fw_scope, stops at a job whose firmware waits have not
 * completed on their rings (unless @error: a cancel ends them too).
 *
 * Return: how many completed.
 */
unsigned int mock_ring_advance(struct mock_ring *ring, unsigned int n, int error)
{
	unsigned int done = 0;
	struct mock_job *mj;
	unsigned long flags;

	while (done < n) {
		spin_lock_irqsave(&ring->lock, flags);
		mj = list_first_entry_or_null(&ring->submitted, struct mock_job, link);
		/* A cancel (error) ends firmware waits too. */
		if (mj && !error && ring->fw_scope && !mock_fw_waits_done(ring, mj)) {
			atomic_inc(&ring->fw_blocked);
			mj = NULL;
		} else {
			mj = mock_ring_pop(ring);
		}
		spin_unlock_irqrestore(&ring->lock, flags);
		if (!mj)
			break;
		mock_job_complete(ring, mj, error);
		done++;
	}
	return done;
}
EXPORT_SYMBOL_GPL(mock_ring_advance);

/**
 * mock_ring_complete() - complete @n jobs, waiting (bounded) for each to be
 * on the hardware first
 * @ring: the ring
 * @n: how many
 * @error: as for mock_ring_advance()
 *
 * Return: how many completed; fewer if a job never reached the hardware.
 */
unsigned int mock_ring_complete(struct mock_ring *ring, unsigned int n, int error)
{
	unsigned int done = 0;

	while (done < n) {
		if (!wait_event_timeout(ring->wait, atomic_read(&ring->on_hw) > 0,
					msecs_to_jiffies(MOCK_WAIT_MS)))
			break;
		done += mock_ring_advance(ring, 1, error);
	}
	return done;
}
EXPORT_SYMBOL_GPL(mock_ring_complete);

/**
 * mock_ring_wait_ran() - wait, bounded, until run_job was called @n times
 * @ring: the ring
 * @n: the count
 *
 * Return: true if it was.
 */
bool mock_ring_wait_ran(struct mock_ring *ring, int n)
{
	return wait_event_timeout(ring->wait, atomic_read(&ring->ran) >= n,
				  msecs_to_jiffies(MOCK_WAIT_MS)) > 0;
}
EXPORT_SYMBOL_GPL(mock_ring_wait_ran);

/**
 * mock_share_check() - the share rule of slot.h, for every pair of levels
 * @test: the test
 * @jobs: jobs each side pushes
 * @who: "level" or "group", for the messages
 * @run: one run on a pool of one slot with @release: @jobs jobs of level
 *	@lo pushed first, then @jobs of level @hi; returns how many of the
 *	lower's jobs ran while the higher ran all of its own
 *
 * For both release policies and every pair of levels, the lower side
 * must run its first job, then one turn in FWSCHED_SLOT_AGE_LIMIT + 1:
 * @jobs / FWSCHED_SLOT_AGE_LIMIT, give or take one.  More means a yield
 * handed the slot down; less, that the lower side starved.
 */
void mock_share_check(struct kunit *test, unsigned int jobs, const char *who,
		      unsigned int (*run)(struct kunit *test,
					  enum fwsched_slot_release release,
					  enum fwsched_priority hi,
					  enum fwsched_priority lo))
{
	unsigned int most = 1 + jobs / FWSCHED_SLOT_AGE_LIMIT + 1;
	unsigned int least = jobs / FWSCHED_SLOT_AGE_LIMIT - 1;
	enum fwsched_slot_release rel;
	enum fwsched_priority hi, lo;
	unsigned int lo_done;

	for (rel = FWSCHED_SLOT_RELEASE_IDLE; rel <= FWSCHED_SLOT_RELEASE_ON_DEMAND; rel++)
		for (hi = FWSCHED_PRIO_NORMAL; hi < FWSCHED_PRIO_COUNT; hi++)
			for (lo = FWSCHED_PRIO_LOW; lo < hi; lo++) {
				lo_done = run(test, rel, hi, lo);
				kunit_info(test, "release %d, levels %d/%d: low ran %u while high ran %u",
					   rel, hi, lo, lo_done, jobs);
				KUNIT_EXPECT_LE_MSG(test, lo_done, most,
						    "levels %d/%d: a yield handed the slot to the lower %s",
						    hi, lo, who);
				KUNIT_EXPECT_GE_MSG(test, lo_done, least,
						    "levels %d/%d: the lower %s starved",
						    hi, lo, who);
			}
}
EXPORT_SYMBOL_GPL(mock_share_check);

/**
 * mock_expect_clean() - the ring saw no credit or order violation
 * @test: the test
 * @ring: the ring
 */
void mock_expect_clean(struct kunit *test, struct mock_ring *ring)
{
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->credit_violations), 0,
			    "run_job called beyond the credit limit");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->order_violations), 0,
			    "run_job called out of submission order");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->slot_violations), 0,
			    "run_job called on a queue not bound to a slot");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->prepare_violations), 0,
			    "run_job before prepare let the job go, or prepare called after");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->unsignalling), 0,
			    "prepare or update_credits called outside the signalling section");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->fw_dep_violations), 0,
			    "run_job got a firmware wait for a job not yet given to the hardware");
	if (ring->defer_free)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->free_in_signalling), 0,
				    "deferred free_job or cancel_job called in the signalling section");
}
EXPORT_SYMBOL_GPL(mock_expect_clean);

MODULE_DESCRIPTION("fwsched tests: the mock firmware GPU");
MODULE_LICENSE("GPL");
