// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for job timeouts, recovery, error propagation, runtime
 * priority and deadline hints, on the mock firmware of mock_fw.c.
 *
 * Timeouts are short (tens of milliseconds) and nothing here asserts on
 * elapsed time.  Where a test needs "longer than the timeout has passed" it
 * counts the timeouts of a second, stuck "clock" ring whose handler always
 * extends: n of its timeouts mean at least n of its periods went by.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>
#include <linux/hrtimer.h>
#include <linux/slab.h>

#include "mock_fw.h"

#define WAIT_MS MOCK_WAIT_MS

static bool wait_timeouts(struct mock_ring *ring, int n)
{
	return wait_event_timeout(ring->wait, atomic_read(&ring->timeouts) >= n,
				  msecs_to_jiffies(WAIT_MS)) > 0;
}

static struct mock_ring *timed_ring(struct kunit *test, u32 credits,
				    unsigned int timeout_ms,
				    struct fwsched_slot_pool *pool)
{
	struct mock_ring_args a = {
		.credit_limit = credits, .mode = MOCK_MANUAL, .pool = pool,
		.prio = FWSCHED_PRIO_NORMAL, .timeout_ms = timeout_ms,
	};

	return mock_ring_create(test, &a);
}

/* A stuck ring whose timeouts always extend: a clock counted in events. */
static struct mock_ring *clock_new(struct kunit *test, unsigned int period_ms,
				   struct dma_fence **f)
{
	struct mock_ring *clock = timed_ring(test, 1, period_ms, NULL);

	atomic_set(&clock->tdr_extend, INT_MAX);
	*f = mock_push(mock_job_new(clock, 1, 0));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(clock, 1));
	return clock;
}

static void clock_done(struct kunit *test, struct mock_ring *clock,
		       struct dma_fence *f)
{
	KUNIT_EXPECT_EQ(test, mock_ring_advance(clock, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	dma_fence_put(f);
	mock_ring_destroy(clock);
}

/* A stuck job times out; BAN fails everything and refuses later pushes. */
static void tdr_ban(struct kunit *test)
{
	struct mock_ring *ring = timed_ring(test, 1, 20, NULL);
	struct mock_job *late, *refused;
	struct dma_fence *f0, *f1;

	ring->tdr_action = FWSCHED_TIMEOUT_BAN;
	ring->cancel_in_flight = true;
	late = mock_job_new(ring, 1, 0);
	f0 = mock_push(mock_job_new(ring, 1, 0));
	f1 = mock_push(mock_job_new(ring, 1, 0));

	KUNIT_ASSERT_TRUE_MSG(test, mock_wait(f0, WAIT_MS),
			      "stuck job never timed out");
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->timeouts), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f0), -ETIMEDOUT);
	KUNIT_ASSERT_TRUE(test, mock_wait(f1, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f1), -ECANCELED);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->ran), 1,
			    "a job ran on a banned queue");

	/* Pushes and new jobs are refused with a clear error. */
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&late->base), -ECANCELED);
	refused = kzalloc_obj(*refused, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, refused);
	KUNIT_EXPECT_EQ(test, fwsched_job_init(&refused->base, ring->q, 1, 0),
			-ECANCELED);
	kfree(refused);

	mock_ring_destroy(ring);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 3);
	dma_fence_put(f0);
	dma_fence_put(f1);
}

/*
 * A job that waits for a firmware slot longer than the timeout, then runs
 * quickly, does not time out: only hardware time counts.
 */
static void tdr_slot_wait(struct kunit *test)
{
	struct fwsched_slot_pool_args args = { .nr_slots = 1 };
	struct fwsched_slot_pool *pool = fwsched_slot_pool_create(&args);
	struct mock_ring *holder, *waiter, *clock;
	struct dma_fence *fc, *fh, *fw;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pool));
	holder = timed_ring(test, 1, 0, pool);
	waiter = timed_ring(test, 1, 200, pool);
	fh = mock_push(mock_job_new(holder, 1, 0));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(holder, 1));
	fw = mock_push(mock_job_new(waiter, 1, 0));

	/* More than 200 ms pass: 6 periods of a 50 ms clock. */
	clock = clock_new(test, 50, &fc);
	KUNIT_EXPECT_TRUE_MSG(test, wait_timeouts(clock, 6), "clock ring stopped");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&waiter->ran), 0,
			    "ran without the slot");

	KUNIT_EXPECT_EQ(test, mock_ring_advance(holder, 1, 0), 1);
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(waiter, 1),
			      "waiter never got the slot");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(waiter, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fw, WAIT_MS));
	/*
	 * Had the slot wait counted, the timeout would have fired at once
	 * after run_job.  A loaded machine may delay the advance above past
	 * 200 ms of real hardware time, and a timeout is then right; but
	 * timers never fire early, so any timeout must come >= 200 ms after
	 * the run.  Order, not duration, decides.
	 */
	if (atomic_read(&waiter->timeouts))
		KUNIT_EXPECT_GE_MSG(test,
				    ktime_ms_delta(READ_ONCE(waiter->first_timeout_at),
						   READ_ONCE(waiter->last_run_at)), 190,
				    "time spent waiting for a slot counted as hardware time");
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fw), 1);

	clock_done(test, clock, fc);
	mock_ring_destroy(holder);
	mock_ring_destroy(waiter);
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_destroy(pool), 0);
	dma_fence_put(fh);
	dma_fence_put(fw);
}

/* The driver suspends the queue: no timeout until it resumes it. */
static void tdr_suspend(struct kunit *test)
{
	struct mock_ring *ring = timed_ring(test, 1, 30, NULL), *clock;
	struct dma_fence *f, *fc;

	fwsched_queue_suspend_timeout(ring->q);
	f = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	clock = clock_new(test, 20, &fc);
	KUNIT_EXPECT_TRUE(test, wait_timeouts(clock, 5));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->timeouts), 0,
			    "timed out while suspended");
	atomic_set(&ring->tdr_extend, INT_MAX);
	fwsched_queue_resume_timeout(ring->q);
	KUNIT_EXPECT_TRUE_MSG(test, wait_timeouts(ring, 1),
			      "no timeout after resume");

	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	clock_done(test, clock, fc);
	mock_ring_destroy(ring);
	dma_fence_put(f);
}

/* EXTEND gives the job more time; it then completes normally. */
static void tdr_extend(struct kunit *test)
{
	struct mock_ring *ring = timed_ring(test, 1, 10, NULL);
	struct dma_fence *f;

	atomic_set(&ring->tdr_extend, INT_MAX);
	ring->tdr_action = FWSCHED_TIMEOUT_BAN;
	f = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_EXPECT_TRUE_MSG(test, wait_timeouts(ring, 3),
			      "timeout did not fire again after EXTEND");
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(f));
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), 1);
	mock_ring_destroy(ring);
	dma_fence_put(f);
}

/*
 * RESET: the guilty job fails with the error the driver gave it, the other
 * jobs in flight run again, in order, after the driver's reset.  The
 * guilty job, which ran once, then goes through cancel_job with its error
 * (the documented contract: cancel_job means "will not run (again)").
 *
 * The clock is suspended until all three jobs are on the hardware: the
 * case once relied on three pushes taking less than the 30 ms timeout,
 * and failed on a loaded machine when the timeout caught only the first.
 */
static void tdr_reset(struct kunit *test)
{
	struct mock_ring *ring = timed_ring(test, 4, 30, NULL);
	struct dma_fence *f[4];
	int i;

	ring->tdr_action = FWSCHED_TIMEOUT_RESET;
	ring->tdr_limit = 1;
	ring->tdr_error = -ETIMEDOUT;
	fwsched_queue_suspend_timeout(ring->q);
	for (i = 0; i < 3; i++)
		f[i] = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(ring, 3),
			      "the three jobs never reached the hardware");
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->timeouts), 0);
	fwsched_queue_resume_timeout(ring->q);
	KUNIT_ASSERT_TRUE(test, wait_timeouts(ring, 1));
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(ring, 5),
			      "jobs in flight were not run again after the reset");
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->resets), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(f[0], WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f[0]), -ETIMEDOUT);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->cancelled), 1,
			    "the guilty job did not go through cancel_job");
	KUNIT_EXPECT_EQ(test, READ_ONCE(ring->last_cancel_error), -ETIMEDOUT);

	/* The queue keeps working: a new job runs after the resubmitted ones. */
	f[3] = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring, 3, 0), 3);
	for (i = 1; i < 4; i++) {
		KUNIT_EXPECT_TRUE(test, mock_wait(f[i], WAIT_MS));
		KUNIT_EXPECT_EQ_MSG(test, dma_fence_get_status(f[i]), 1,
				    "job %d did not complete after the reset", i);
	}
	mock_expect_clean(test, ring);
	mock_ring_destroy(ring);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 4);
	for (i = 0; i < 4; i++)
		dma_fence_put(f[i]);
}

struct trigger_ctx {
	struct hrtimer timer;
	struct fwsched_queue *q;
};

static enum hrtimer_restart trigger_fire(struct hrtimer *t)
{
	struct trigger_ctx *c = container_of(t, struct trigger_ctx, timer);

	fwsched_queue_trigger_timeout(c->q);	/* hard interrupt context */
	return HRTIMER_NORESTART;
}

/* The firmware reports a fault: handle it now, from an interrupt. */
static void tdr_trigger(struct kunit *test)
{
	struct mock_ring *ring = timed_ring(test, 1, 100000, NULL);
	struct trigger_ctx c = { .q = ring->q };
	struct dma_fence *f;

	ring->tdr_action = FWSCHED_TIMEOUT_BAN;
	ring->cancel_in_flight = true;
	f = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	hrtimer_setup_on_stack(&c.timer, trigger_fire, CLOCK_MONOTONIC,
			       HRTIMER_MODE_REL);
	hrtimer_start(&c.timer, us_to_ktime(100), HRTIMER_MODE_REL);
	KUNIT_EXPECT_TRUE_MSG(test, wait_timeouts(ring, 1),
			      "triggered timeout never handled");
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), -ETIMEDOUT);
	hrtimer_cancel(&c.timer);
	destroy_hrtimer_on_stack(&c.timer);
	mock_ring_destroy(ring);
	dma_fence_put(f);
}

/* A reported hardware error reaches the finished fence and dependents. */
static void job_error_propagates(struct kunit *test)
{
	struct mock_ring *r1 = mock_ring_new(test, 4, MOCK_MANUAL, NULL);
	struct mock_ring *r2 = mock_ring_new(test, 4, MOCK_MANUAL, NULL);
	struct mock_job *a = mock_job_new(r1, 1, 0), *b, *c;
	struct dma_fence *fa, *fb, *fc;

	fa = mock_push(a);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(r1, 1));
	b = mock_job_new(r2, 1, 1);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&b->base, dma_fence_get(fa)), 0);
	fb = mock_push(b);
	c = mock_job_new(r2, 1, 1);
	fc = mock_push(c);

	fwsched_job_set_error(&a->base, -EIO);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(r1, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fa, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fa), -EIO);
	KUNIT_EXPECT_TRUE_MSG(test, mock_wait(fb, WAIT_MS), "dependent hung");
	KUNIT_EXPECT_EQ_MSG(test, dma_fence_get_status(fb), -EIO,
			    "dependent did not inherit the error");
	KUNIT_EXPECT_EQ(test, atomic_read(&r2->cancelled), 1);
	/* The next job of the same queue is not affected. */
	KUNIT_EXPECT_EQ(test, mock_ring_complete(r2, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fc, WAIT_MS));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fc), 1);

	mock_ring_destroy(r1);
	mock_ring_destroy(r2);
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fc);
}

/* A priority change while a job runs takes effect, in the slot pool too. */
static void priority_while_running(struct kunit *test)
{
	struct fwsched_slot_pool_args args = { .nr_slots = 2 };
	struct fwsched_slot_pool *pool = fwsched_slot_pool_create(&args);
	struct workqueue_struct *wq = alloc_workqueue("fwsched-prio",
						      WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	struct mock_ring *ring;
	struct dma_fence *f;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pool));
	KUNIT_ASSERT_NOT_NULL(test, wq);
	ring = mock_ring_create(test, &(struct mock_ring_args){
		.credit_limit = 1, .mode = MOCK_MANUAL, .wq = wq, .pool = pool,
		.prio = FWSCHED_PRIO_NORMAL });
	f = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_held(pool, FWSCHED_PRIO_NORMAL), 1);
	KUNIT_EXPECT_EQ(test, fwsched_queue_set_priority(ring->q, FWSCHED_PRIO_REALTIME), 0);
	KUNIT_EXPECT_EQ(test, fwsched_queue_priority(ring->q), FWSCHED_PRIO_REALTIME);
	/* The priority change is applied by the queue's work item. */
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ_MSG(test, fwsched_slot_pool_held(pool, FWSCHED_PRIO_REALTIME), 1,
			    "raised priority not reflected in the slot pool");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	/* A reference keeps the memory, not the queue: changes are refused. */
	fwsched_queue_get(ring->q);
	mock_ring_destroy(ring);
	KUNIT_EXPECT_EQ(test, fwsched_queue_set_priority(ring->q, FWSCHED_PRIO_LOW),
			-ESHUTDOWN);
	fwsched_queue_put(ring->q);
	destroy_workqueue(wq);
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_destroy(pool), 0);
	dma_fence_put(f);
}

/* A deadline on a finished fence reaches the driver and the job's dependency. */
static void deadline_propagates(struct kunit *test)
{
	struct mock_ring *r1 = mock_ring_new(test, 4, MOCK_MANUAL, NULL);
	struct mock_ring *r2 = mock_ring_new(test, 4, MOCK_MANUAL, NULL);
	struct mock_job *b;
	struct dma_fence *fa, *fb;
	ktime_t deadline = ktime_add_ms(ktime_get(), 5);

	fa = mock_push(mock_job_new(r1, 1, 0));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(r1, 1));
	b = mock_job_new(r2, 1, 1);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&b->base, dma_fence_get(fa)), 0);
	fb = mock_push(b);

	dma_fence_set_deadline(fb, deadline);
	KUNIT_EXPECT_TRUE_MSG(test, wait_event_timeout(r2->wait, atomic_read(&r2->deadlines),
						       msecs_to_jiffies(WAIT_MS)),
			      "deadline did not reach the job's driver");
	KUNIT_EXPECT_TRUE_MSG(test, wait_event_timeout(r1->wait, atomic_read(&r1->deadlines),
						       msecs_to_jiffies(WAIT_MS)),
			      "deadline did not reach the dependency's driver");
	KUNIT_EXPECT_TRUE(test, ktime_compare(READ_ONCE(r1->last_deadline), deadline) == 0);

	KUNIT_EXPECT_EQ(test, mock_ring_advance(r1, 1, 0), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_complete(r2, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fb, WAIT_MS));
	/* .set_deadline does not stop the fence from detaching. */
	KUNIT_EXPECT_NULL_MSG(test, rcu_access_pointer(fb->ops),
			      "signalled finished fence still points at fwsched");
	dma_fence_set_deadline(fb, deadline);	/* harmless once signalled */
	mock_ring_destroy(r1);
	mock_ring_destroy(r2);
	dma_fence_put(fa);
	dma_fence_put(fb);
}

static void bad_timeout_args(struct kunit *test)
{
	struct fwsched_queue_ops no_tdr = {
		.run_job = mock_ops.run_job, .free_job = mock_ops.free_job,
	};
	struct fwsched_queue_args args = {
		.ops = &no_tdr, .name = "bad", .driver_name = "fwsched-test",
		.credit_limit = 1, .timeout_ms = 10,
	};

	KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(fwsched_queue_create(&args)), -EINVAL,
			    "timeout without a timed_out callback accepted");
}

static struct kunit_case timeout_cases[] = {
	KUNIT_CASE(tdr_ban),
	KUNIT_CASE(tdr_slot_wait),
	KUNIT_CASE(tdr_suspend),
	KUNIT_CASE(tdr_extend),
	KUNIT_CASE(tdr_reset),
	KUNIT_CASE(tdr_trigger),
	KUNIT_CASE(job_error_propagates),
	KUNIT_CASE(priority_while_running),
	KUNIT_CASE(deadline_propagates),
	KUNIT_CASE(bad_timeout_args),
	{}
};

static struct kunit_suite timeout_suite = {
	.name = "fwsched_timeout",
	.test_cases = timeout_cases,
};

kunit_test_suite(timeout_suite);

MODULE_DESCRIPTION("KUnit tests for fwsched timeouts, recovery and deadlines");
MODULE_LICENSE("GPL");
