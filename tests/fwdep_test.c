// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for waits the firmware resolves (&fwsched_queue_args.fw_scope),
 * on the mock firmware of mock_fw.c.
 *
 * Rings of one scope hand a dependency on each other's jobs to the
 * "firmware" as soon as the job behind it has been given to the hardware;
 * the mock checks on every run_job that each such wait is on a job already
 * run on a ring of the same scope, and completes a job only once the jobs
 * it waits for have completed (mock_ring_advance() stops at it).  Rings run
 * in MOCK_MANUAL mode: every completion is the test's.  Where a case must
 * see that something did not happen, it flushes the queues' workqueue (the
 * test's own) and then looks.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "mock_fw.h"

#define WAIT_MS MOCK_WAIT_MS

static int scope_a, scope_b;	/* two devices: only their addresses count */

KUNIT_DEFINE_ACTION_WRAPPER(fwdep_destroy_wq, destroy_workqueue,
			    struct workqueue_struct *);
KUNIT_DEFINE_ACTION_WRAPPER(fwdep_tl_destroy, fwsched_timeline_destroy,
			    struct fwsched_timeline *);
KUNIT_DEFINE_ACTION_WRAPPER(fwdep_fence_put, dma_fence_put, struct dma_fence *);

/* Created before any ring: actions run in reverse, rings go first. */
static struct workqueue_struct *fwdep_wq(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_workqueue("fwsched-fwdep-test",
						      WQ_MEM_RECLAIM | WQ_UNBOUND, 0);

	KUNIT_ASSERT_NOT_NULL(test, wq);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fwdep_destroy_wq, wq), 0);
	return wq;
}

static struct mock_ring *fwdep_ring(struct kunit *test, struct workqueue_struct *wq,
				    const void *scope, unsigned int timeout_ms)
{
	struct mock_ring_args a = {
		.credit_limit = 16, .mode = MOCK_MANUAL, .wq = wq,
		.prio = FWSCHED_PRIO_NORMAL, .fw_scope = scope,
		.timeout_ms = timeout_ms,
	};
	struct mock_ring *ring = mock_ring_create(test, &a);

	/* Torn down on failed assertions too: cancel what is on the ring. */
	ring->cancel_in_flight = true;
	return ring;
}

/* Push a job of @ring that depends on @dep (if any); its finished fence. */
static struct dma_fence *push_after(struct kunit *test, struct mock_ring *ring,
				    struct dma_fence *dep, struct mock_job **out)
{
	struct mock_job *mj = mock_job_new(ring, 1, 2);

	if (dep)
		KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base,
								 dma_fence_get(dep)), 0);
	if (out)
		*out = mj;
	return mock_push(mj);
}

/*
 * The end of a case with two rings: the waiting ring goes first, then the
 * one it waited for (one destroyed before is left as it is: its KUnit
 * action has run); both must be clean; the test's fence references go.
 */
static void fwdep_end(struct kunit *test, struct mock_ring *a, struct mock_ring *b,
		      struct dma_fence *fa, struct dma_fence *fb)
{
	mock_ring_destroy(b);
	mock_ring_destroy(a);
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	dma_fence_put(fa);
	dma_fence_put(fb);
}

static unsigned int fw_deps(struct mock_job *mj)
{
	unsigned int n = 0;

	while (fwsched_job_fw_dep(&mj->base, n))
		n++;
	return n;
}

/*
 * A job that waits for a job of another queue of its scope runs as soon as
 * that one is on the hardware, not when it completes; run_job finds the
 * wait; the firmware completes it only after the other.
 */
static void fwdep_basic(struct kunit *test)
{
	struct workqueue_struct *wq = fwdep_wq(test);
	struct mock_ring *a = fwdep_ring(test, wq, &scope_a, 0);
	struct mock_ring *b = fwdep_ring(test, wq, &scope_a, 0);
	struct mock_job *jb;
	struct dma_fence *fa, *fb;

	fa = push_after(test, a, NULL, NULL);
	fb = push_after(test, b, fa, &jb);
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(a, 1), "job a never ran");
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(b, 1),
			      "job b did not run while a was on the hardware: waited on the CPU?");
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa));
	KUNIT_EXPECT_PTR_EQ(test, fwsched_job_fw_dep(&jb->base, 0), fa);
	KUNIT_EXPECT_EQ(test, fw_deps(jb), 1);

	/* The firmware holds b until a has completed. */
	KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), 0);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fb));
	KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 1, 0), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fb, WAIT_MS));
	KUNIT_EXPECT_EQ(test, fb->error, 0);
	KUNIT_EXPECT_GT(test, atomic_read(&b->fw_blocked), 0);

	fwdep_end(test, a, b, fa, fb);
}

/*
 * Another scope, or none on either side: the dependency is waited for on
 * the CPU, and run_job finds no firmware wait.
 */
static void fwdep_other_scope(struct kunit *test)
{
	const void *scopes[][2] = {
		{ &scope_a, &scope_b }, { &scope_a, NULL }, { NULL, &scope_a },
	};
	struct workqueue_struct *wq = fwdep_wq(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(scopes); i++) {
		struct mock_ring *a = fwdep_ring(test, wq, scopes[i][0], 0);
		struct mock_ring *b = fwdep_ring(test, wq, scopes[i][1], 0);
		struct mock_job *jb;
		struct dma_fence *fa, *fb;

		fa = push_after(test, a, NULL, NULL);
		fb = push_after(test, b, fa, &jb);
		KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(a, 1));
		flush_workqueue(wq);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ran), 0,
				    "case %u: b ran before a completed, across scopes", i);
		KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 1, 0), 1);
		KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(b, 1),
				      "case %u: b never ran after a completed", i);
		KUNIT_EXPECT_EQ(test, fw_deps(jb), 0);
		KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), 1);
		KUNIT_EXPECT_TRUE(test, mock_wait(fb, WAIT_MS));

		fwdep_end(test, a, b, fa, fb);
	}
}

/*
 * The job waited for fails before it reaches the hardware (run_job
 * refuses it, or its queue is destroyed with it pending): the dependent is
 * cancelled with that error and never runs.
 */
static void fwdep_fails_before_submission(struct kunit *test)
{
	struct workqueue_struct *wq = fwdep_wq(test);
	int round;

	for (round = 0; round < 2; round++) {
		struct mock_ring *a = fwdep_ring(test, wq, &scope_a, 0);
		struct mock_ring *b = fwdep_ring(test, wq, &scope_a, 0);
		int want = round ? -ECANCELED : -EIO;
		struct mock_job *ja;
		struct dma_fence *fa, *fb;

		if (round)
			fwsched_queue_stop(a->q);
		ja = mock_job_new(a, 1, 0);
		ja->run_error = -EIO;
		fa = mock_push(ja);
		fb = push_after(test, b, fa, NULL);
		if (round) {
			flush_workqueue(wq);
			KUNIT_EXPECT_EQ(test, atomic_read(&b->ran), 0);
			mock_ring_destroy(a);
		}
		KUNIT_EXPECT_TRUE_MSG(test, mock_wait(fb, WAIT_MS),
				      "round %d: b's fence never signalled", round);
		KUNIT_EXPECT_EQ(test, fa->error, want);
		KUNIT_EXPECT_EQ(test, fb->error, want);
		KUNIT_EXPECT_EQ(test, atomic_read(&b->ran), 0);

		/* free_job follows the fence: count after the destroy. */
		mock_ring_destroy(b);
		KUNIT_EXPECT_EQ(test, atomic_read(&b->freed), 1);
		fwdep_end(test, a, b, fa, fb);
	}
}

/*
 * The job waited for fails on the hardware after the dependent was handed
 * to the firmware: the dependent's finished fence carries the error, as if
 * it had waited on the CPU.
 */
static void fwdep_fails_after_submission(struct kunit *test)
{
	struct workqueue_struct *wq = fwdep_wq(test);
	struct mock_ring *a = fwdep_ring(test, wq, &scope_a, 0);
	struct mock_ring *b = fwdep_ring(test, wq, &scope_a, 0);
	struct dma_fence *fa, *fb;

	fa = push_after(test, a, NULL, NULL);
	fb = push_after(test, b, fa, NULL);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(b, 1));
	KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 1, -EIO), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fa, WAIT_MS));
	KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fb, WAIT_MS));
	KUNIT_EXPECT_EQ(test, fa->error, -EIO);
	KUNIT_EXPECT_EQ_MSG(test, fb->error, -EIO,
			    "the error of a firmware-resolved dependency was lost");

	fwdep_end(test, a, b, fa, fb);
}

/*
 * The waiting queue is destroyed while its job is on the other queue's
 * list of waiters; the other queue then runs its job and must not touch
 * the freed waiter (KASAN), and is not kept by it.
 */
static void fwdep_destroy_waiter(struct kunit *test)
{
	struct workqueue_struct *wq = fwdep_wq(test);
	struct mock_ring *a = fwdep_ring(test, wq, &scope_a, 0);
	struct mock_ring *b = fwdep_ring(test, wq, &scope_a, 0);
	struct dma_fence *fa, *fb;

	fwsched_queue_stop(a->q);
	fa = push_after(test, a, NULL, NULL);
	fb = push_after(test, b, fa, NULL);
	flush_workqueue(wq);
	mock_ring_destroy(b);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fb));
	KUNIT_EXPECT_EQ(test, fb->error, -ECANCELED);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->ran), 0);

	fwsched_queue_start(a->q);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(a, 1));
	KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fa, WAIT_MS));
	KUNIT_EXPECT_EQ(test, fa->error, 0);

	fwdep_end(test, a, b, fa, fb);
}

/*
 * A chain over three queues of one scope, four deep: every job is on the
 * hardware before any completes; the firmware completes them in dependency
 * order only.
 */
static void fwdep_chain(struct kunit *test)
{
	struct workqueue_struct *wq = fwdep_wq(test);
	struct mock_ring *r[3];
	struct dma_fence *f[3][4];
	int i, k;

	for (i = 0; i < 3; i++)
		r[i] = fwdep_ring(test, wq, &scope_a, 0);
	for (k = 0; k < 4; k++)
		for (i = 0; i < 3; i++)
			f[i][k] = push_after(test, r[i], i ? f[i - 1][k] : NULL, NULL);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(r[i], 4),
				      "ring %d: not every job reached the hardware", i);
	/* The last ring waits for the middle one, which waits for the first. */
	KUNIT_EXPECT_EQ(test, mock_ring_advance(r[2], 4, 0), 0);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(r[1], 4, 0), 0);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(r[0], 2, 0), 2);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(r[1], 4, 0), 2);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(r[2], 4, 0), 2);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(r[0], 2, 0), 2);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(r[1], 2, 0), 2);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(r[2], 2, 0), 2);
	for (k = 0; k < 4; k++)
		for (i = 0; i < 3; i++) {
			KUNIT_EXPECT_TRUE(test, mock_wait(f[i][k], WAIT_MS));
			KUNIT_EXPECT_EQ(test, f[i][k]->error, 0);
		}
	for (i = 2; i >= 0; i--) {
		mock_ring_destroy(r[i]);
		mock_expect_clean(test, r[i]);
	}
	for (k = 0; k < 4; k++)
		for (i = 0; i < 3; i++)
			dma_fence_put(f[i][k]);
}

/*
 * A job with a dependency of its scope and a foreign one: the foreign one
 * is waited for on the CPU even after the other reached the hardware.
 */
static void fwdep_mixed(struct kunit *test)
{
	struct workqueue_struct *wq = fwdep_wq(test);
	struct mock_ring *a = fwdep_ring(test, wq, &scope_a, 0);
	struct mock_ring *b = fwdep_ring(test, wq, &scope_a, 0);
	struct fwsched_timeline *tl = fwsched_timeline_create("fwdep-test", "foreign");
	struct fwsched_fence *foreign;
	struct mock_job *jb;
	struct dma_fence *fa, *fb;

	KUNIT_ASSERT_FALSE(test, IS_ERR(tl));
	/* On every exit: the fence completes (-ECANCELED if still pending). */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fwdep_tl_destroy, tl), 0);
	foreign = fwsched_fence_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, foreign);
	fwsched_fence_arm(foreign, tl);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fwdep_fence_put,
							&foreign->base), 0);

	fa = push_after(test, a, NULL, NULL);
	jb = mock_job_new(b, 1, 2);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&jb->base, dma_fence_get(fa)), 0);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&jb->base,
							 dma_fence_get(&foreign->base)), 0);
	fb = mock_push(jb);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(a, 1));
	flush_workqueue(wq);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ran), 0,
			    "b ran before its foreign dependency signalled");
	fwsched_fence_signal(foreign, 0);
	KUNIT_EXPECT_TRUE(test, mock_ring_wait_ran(b, 1));
	KUNIT_EXPECT_EQ(test, fw_deps(jb), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 1, 0), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fb, WAIT_MS));
	fwdep_end(test, a, b, fa, fb);
}

struct starter {
	struct work_struct work;
	struct fwsched_queue *q;
};

static void starter_fn(struct work_struct *work)
{
	fwsched_queue_start(container_of(work, struct starter, work)->q);
}

/* On every exit, before the rings go: the start has run. */
static void starter_flush(void *data)
{
	flush_work(&((struct starter *)data)->work);
}

/*
 * The waiter goes on the list while the other CPU gives the job it waits
 * for to the hardware, 64 times: the wake-up is never lost (else b never
 * runs), and b always gets the firmware wait.
 */
static void fwdep_race(struct kunit *test)
{
	struct workqueue_struct *wq = fwdep_wq(test);
	int i, cpu = cpumask_last(cpu_online_mask);

	for (i = 0; i < 64; i++) {
		struct mock_ring *a = fwdep_ring(test, wq, &scope_a, 0);
		struct mock_ring *b = fwdep_ring(test, wq, &scope_a, 0);
		struct starter *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
		struct mock_job *jb;
		struct dma_fence *fa, *fb;
		bool ran;

		KUNIT_ASSERT_NOT_NULL(test, st);
		st->q = a->q;
		INIT_WORK(&st->work, starter_fn);
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, starter_flush, st), 0);
		fwsched_queue_stop(a->q);
		fa = push_after(test, a, NULL, NULL);
		queue_work_on(cpu, system_dfl_wq, &st->work);
		fb = push_after(test, b, fa, &jb);
		flush_work(&st->work);

		ran = mock_ring_wait_ran(b, 1);
		KUNIT_EXPECT_TRUE_MSG(test, ran, "round %d: b never ran: a lost wake-up", i);
		if (ran)
			KUNIT_EXPECT_EQ(test, fw_deps(jb), 1);
		KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 1, 0), 1);
		KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), ran ? 1 : 0);
		KUNIT_EXPECT_TRUE(test, mock_wait(fb, WAIT_MS));

		fwdep_end(test, a, b, fa, fb);
		if (!ran)
			break;
	}
}

/*
 * A reset of the queue waited for takes its job back and runs it again:
 * the dependent stays with the firmware and completes after the rerun.
 */
static void fwdep_reset(struct kunit *test)
{
	struct workqueue_struct *wq = fwdep_wq(test);
	struct mock_ring *a = fwdep_ring(test, wq, &scope_a, 60000);
	struct mock_ring *b = fwdep_ring(test, wq, &scope_a, 0);
	struct dma_fence *fa, *fb;

	a->tdr_action = FWSCHED_TIMEOUT_RESET;
	fa = push_after(test, a, NULL, NULL);
	fb = push_after(test, b, fa, NULL);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(b, 1));
	fwsched_queue_trigger_timeout(a->q);
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(a, 2),
			      "a was not run again after the reset");
	KUNIT_EXPECT_EQ(test, atomic_read(&a->resets), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->ran), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), 0);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 1, 0), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fb, WAIT_MS));
	KUNIT_EXPECT_EQ(test, fa->error, 0);
	KUNIT_EXPECT_EQ(test, fb->error, 0);

	fwdep_end(test, a, b, fa, fb);
}

static struct kunit_case fwdep_cases[] = {
	KUNIT_CASE(fwdep_basic),
	KUNIT_CASE(fwdep_other_scope),
	KUNIT_CASE(fwdep_fails_before_submission),
	KUNIT_CASE(fwdep_fails_after_submission),
	KUNIT_CASE(fwdep_destroy_waiter),
	KUNIT_CASE(fwdep_chain),
	KUNIT_CASE(fwdep_mixed),
	KUNIT_CASE(fwdep_race),
	KUNIT_CASE(fwdep_reset),
	{}
};

static struct kunit_suite fwdep_suite = {
	.name = "fwsched_fwdep",
	.test_cases = fwdep_cases,
};

kunit_test_suite(fwdep_suite);

MODULE_DESCRIPTION("KUnit tests for fwsched's waits the firmware resolves");
MODULE_LICENSE("GPL");
