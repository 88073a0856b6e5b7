// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for fwsched queues, on the mock firmware of mock_fw.c.
 *
 * The first cases port drm_sched's own KUnit scenarios
 * (drivers/gpu/drm/scheduler/tests/tests_basic.c: basic, concurrent, cancel,
 * credits) so that the two schedulers can be compared case by case.  Where
 * drm_sched's tests wait for a while to see that something did *not*
 * happen, these flush the queue's workqueue instead and then look.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/random.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include "mock_fw.h"
/* Test-only: a few cases look inside the queue (its work item). */
#include "../fwsched/internal.h"
#include "../fwsched/trace.h"

#define WAIT_MS MOCK_WAIT_MS

struct queue_test_ctx {
	struct workqueue_struct *wq;
};

KUNIT_DEFINE_ACTION_WRAPPER(queue_test_destroy_wq, destroy_workqueue,
			    struct workqueue_struct *);

/*
 * The workqueue is a KUnit action registered before any ring: actions run
 * in reverse, so every ring's queue is destroyed before it goes, also when
 * a case ends on a failed assertion (an exit callback would run first).
 */
static int queue_test_init(struct kunit *test)
{
	struct queue_test_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	ctx->wq = alloc_workqueue("fwsched-test", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!ctx->wq)
		return -ENOMEM;
	test->priv = ctx;
	return kunit_add_action_or_reset(test, queue_test_destroy_wq, ctx->wq);
}

static struct workqueue_struct *test_wq(struct kunit *test)
{
	return ((struct queue_test_ctx *)test->priv)->wq;
}

static struct mock_ring *direct_ring(struct kunit *test, u32 credits,
				     enum mock_mode mode, struct workqueue_struct *wq)
{
	struct mock_ring_args a = {
		.credit_limit = credits, .mode = mode, .wq = wq,
		.prio = FWSCHED_PRIO_NORMAL, .direct = true,
	};

	return mock_ring_create(test, &a);
}

/* ---- ported from drm_sched tests_basic.c ---------------------------------- */

/* drm_sched_basic_submit */
static void queue_basic_submit(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 16, MOCK_MANUAL, test_wq(test));
	struct dma_fence *f = mock_push(mock_job_new(ring, 1, 0));

	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(ring, 1), "job never ran");
	flush_workqueue(test_wq(test));
	KUNIT_EXPECT_FALSE_MSG(test, dma_fence_is_signaled(f),
			       "finished before the hardware completed it");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);
	KUNIT_EXPECT_TRUE_MSG(test, mock_wait(f, WAIT_MS), "finished fence never signalled");
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), 1);

	mock_ring_destroy(ring);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 1);
	mock_expect_clean(test, ring);
	dma_fence_put(f);
}

struct basic_params {
	const char *description;
	unsigned int queue_depth;
	unsigned int num_queues;
	unsigned int job_us;
	bool dep_chain;
};

static const struct basic_params basic_cases[] = {
	{ "A queue of jobs in a single entity", 100, 1, 1000, false },
	{ "A chain of dependent jobs across multiple entities", 100, 1, 1000, true },
	{ "Multiple independent job queues", 100, 4, 1000, false },
	{ "Multiple inter-dependent job queues", 100, 4, 1000, true },
};

static void basic_desc(const struct basic_params *p, char *desc)
{
	strscpy(desc, p->description, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(basic, basic_cases, basic_desc);

/* drm_sched_basic_test */
static void queue_basic_test(struct kunit *test)
{
	const struct basic_params *p = test->param_value;
	struct mock_ring *ring[4];
	struct dma_fence *prev = NULL, *f = NULL;
	unsigned int i;

	if (!p->num_queues || p->num_queues > ARRAY_SIZE(ring)) {
		KUNIT_FAIL(test, "bad parameters: %u queues", p->num_queues);
		return;
	}
	for (i = 0; i < p->num_queues; i++)
		ring[i] = mock_ring_new(test, 16, MOCK_TIMER, NULL);

	for (i = 0; i < p->queue_depth; i++) {
		struct mock_job *mj = mock_job_new(ring[i % p->num_queues], 1, 1);

		mj->duration_us = p->job_us;
		if (p->dep_chain && prev)
			KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base,
									 dma_fence_get(prev)), 0);
		f = mock_push(mj);
		dma_fence_put(prev);
		prev = f;
	}
	KUNIT_EXPECT_TRUE_MSG(test, mock_wait(f, WAIT_MS), "last job never finished");

	for (i = 0; i < p->num_queues; i++) {
		mock_ring_destroy(ring[i]);
		mock_expect_clean(test, ring[i]);
	}
	dma_fence_put(f);
}

/* drm_sched_basic_entity_cleanup: destroy with half the chain pending. */
static void queue_basic_entity_cleanup(struct kunit *test)
{
	struct dma_fence *fences[100] = { }, *mid;
	struct mock_ring *ring[4];
	unsigned int i, freed = 0;

	for (i = 0; i < ARRAY_SIZE(ring); i++)
		ring[i] = mock_ring_new(test, 16, MOCK_TIMER, NULL);
	for (i = 0; i < ARRAY_SIZE(fences); i++) {
		struct mock_job *mj = mock_job_new(ring[i % 4], 1, 1);

		mj->duration_us = 1000;
		if (i)
			fwsched_job_add_dependency(&mj->base, dma_fence_get(fences[i - 1]));
		fences[i] = mock_push(mj);
	}
	mid = fences[ARRAY_SIZE(fences) / 2];
	KUNIT_ASSERT_TRUE_MSG(test, mock_wait(mid, WAIT_MS), "middle job never finished");

	for (i = 0; i < ARRAY_SIZE(ring); i++) {
		mock_ring_destroy(ring[i]);
		freed += atomic_read(&ring[i]->freed);
		mock_expect_clean(test, ring[i]);
	}
	KUNIT_EXPECT_EQ_MSG(test, freed, ARRAY_SIZE(fences), "jobs leaked");
	for (i = 0; i < ARRAY_SIZE(fences); i++) {
		KUNIT_EXPECT_TRUE_MSG(test, dma_fence_is_signaled(fences[i]),
				      "job %u left unsignalled by destroy", i);
		dma_fence_put(fences[i]);
	}
}

/* drm_sched_basic_cancel: destroy cancels a job in flight through the driver. */
static void queue_basic_cancel(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 16, MOCK_MANUAL, NULL);
	struct dma_fence *f;

	ring->cancel_in_flight = true;
	f = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	mock_ring_destroy(ring);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), -ECANCELED);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 1);
	dma_fence_put(f);
}

/* drm_sched_test_credits */
static void queue_credits(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 1, MOCK_MANUAL, test_wq(test));
	struct dma_fence *f0 = mock_push(mock_job_new(ring, 1, 0));
	struct dma_fence *f1 = mock_push(mock_job_new(ring, 1, 0));

	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	flush_workqueue(test_wq(test));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->ran), 1,
			    "second job ran with the ring full");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);
	KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(ring, 2),
			      "a completion did not release the ring");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(f1, WAIT_MS));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f0));

	mock_ring_destroy(ring);
	mock_expect_clean(test, ring);
	dma_fence_put(f0);
	dma_fence_put(f1);
}

struct parallel_ctx {
	struct work_struct work;
	struct completion *go;
	struct mock_job **jobs;
	unsigned int n;
	int bad;
};

static void parallel_worker(struct work_struct *w)
{
	struct parallel_ctx *p = container_of(w, struct parallel_ctx, work);
	unsigned int i;

	wait_for_completion(p->go);
	for (i = 0; i < p->n; i++)
		if (fwsched_job_push(&p->jobs[i]->base))
			p->bad++;
}

/*
 * drm_sched_parallel_submit_test, both ways: 16 submitters on 16 queues, and
 * (what firmware drivers need as well) 16 submitters on one queue, once
 * through the work item and once with direct run.
 */
static void queue_parallel_submit(struct kunit *test)
{
	const unsigned int workers = 16, per = 8;
	struct parallel_ctx *ctx = kunit_kcalloc(test, workers, sizeof(*ctx), GFP_KERNEL);
	struct dma_fence **fences = kunit_kcalloc(test, workers * per, sizeof(*fences),
						  GFP_KERNEL);
	struct workqueue_struct *sub_wq = alloc_workqueue("fwsched-sub", WQ_UNBOUND, 0);
	struct mock_ring *ring[17];
	DECLARE_COMPLETION_ONSTACK(go);
	unsigned int i, j, shared;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_NOT_NULL(test, fences);
	KUNIT_ASSERT_NOT_NULL(test, sub_wq);
	for (shared = 0; shared < 3; shared++) {
		reinit_completion(&go);
		for (i = 0; i < ARRAY_SIZE(ring); i++)
			ring[i] = shared == 2 && i == 16 ?
				  direct_ring(test, workers * per, MOCK_MANUAL, NULL) :
				  mock_ring_new(test, workers * per, MOCK_MANUAL, NULL);
		for (i = 0; i < workers; i++) {
			struct mock_ring *r = ring[shared ? 16 : i];

			ctx[i].go = &go;
			ctx[i].n = per;
			ctx[i].bad = 0;
			ctx[i].jobs = kunit_kcalloc(test, per, sizeof(void *), GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, ctx[i].jobs);
			for (j = 0; j < per; j++)
				ctx[i].jobs[j] = mock_job_new(r, 1, 0);
			INIT_WORK(&ctx[i].work, parallel_worker);
			queue_work(sub_wq, &ctx[i].work);
		}
		complete_all(&go);
		flush_workqueue(sub_wq);
		/* Pushed; nothing completes before mock_ring_advance(). */
		for (i = 0; i < workers * per; i++) {
			struct mock_job *mj = ctx[i / per].jobs[i % per];

			fences[i] = dma_fence_get(fwsched_job_finished(&mj->base));
		}

		for (i = 0; i < ARRAY_SIZE(ring); i++) {
			unsigned int want = shared ? (i == 16 ? workers * per : 0) :
					    (i < 16 ? per : 0);

			KUNIT_EXPECT_TRUE(test, mock_ring_wait_ran(ring[i], want));
			KUNIT_EXPECT_EQ(test, mock_ring_advance(ring[i], UINT_MAX, 0), want);
		}
		for (i = 0; i < workers * per; i++) {
			KUNIT_EXPECT_TRUE_MSG(test, mock_wait(fences[i], WAIT_MS),
					      "job %u never finished", i);
			dma_fence_put(fences[i]);
		}
		for (i = 0; i < workers; i++)
			KUNIT_EXPECT_EQ(test, ctx[i].bad, 0);
		for (i = 0; i < ARRAY_SIZE(ring); i++) {
			mock_ring_destroy(ring[i]);
			mock_expect_clean(test, ring[i]);
		}
	}
	destroy_workqueue(sub_wq);
}

/*
 * Direct run: push calls run_job itself when nothing is ahead of the job;
 * otherwise (dependency pending, a job ahead, ring full) the work item runs
 * it, in order.
 */
static void queue_direct_run(struct kunit *test)
{
	struct mock_ring *ring = direct_ring(test, 2, MOCK_MANUAL, test_wq(test));
	struct mock_ring *other = mock_ring_new(test, 4, MOCK_MANUAL, test_wq(test));
	struct dma_fence *f[4], *dep;
	struct mock_job *mj;
	int i;

	f[0] = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->ran), 1,
			    "push did not run the job itself");
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(ring->last_runner), current);

	/* A dependency not signalled: the work item runs it later. */
	dep = mock_push(mock_job_new(other, 1, 0));
	mj = mock_job_new(ring, 1, 1);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(dep)), 0);
	f[1] = mock_push(mj);
	/* A job ahead of it: queued behind, in order. */
	f[2] = mock_push(mock_job_new(ring, 1, 0));
	flush_workqueue(test_wq(test));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->ran), 1,
			    "ran before its dependency or ahead of an earlier job");

	KUNIT_EXPECT_EQ(test, mock_ring_complete(other, 1, 0), 1);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 2));
	KUNIT_EXPECT_PTR_NE_MSG(test, READ_ONCE(ring->last_runner), current,
				"a job with a pending dependency ran in push");
	/* Ring full (2 credits in flight): the third waits for a completion. */
	flush_workqueue(test_wq(test));
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->ran), 2);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 3));
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 2, 0), 2);
	KUNIT_ASSERT_TRUE(test, mock_wait(f[2], WAIT_MS));
	flush_workqueue(test_wq(test));

	/* Idle again: direct again. */
	f[3] = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->ran), 4);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(ring->last_runner), current);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(ring, 1, 0), 1);

	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_TRUE(test, mock_wait(f[i], WAIT_MS));
		KUNIT_EXPECT_EQ(test, dma_fence_get_status(f[i]), 1);
		dma_fence_put(f[i]);
	}
	dma_fence_put(dep);
	mock_expect_clean(test, ring);
	mock_ring_destroy(ring);
	mock_ring_destroy(other);
}

/* ---- dependencies ---------------------------------------------------------- */

/* A fence of nobody we know: its own ops, signalled by the test. */
static const char *foreign_name(struct dma_fence *f)
{
	return "foreign";
}

static const struct dma_fence_ops foreign_ops = {
	.get_driver_name = foreign_name,
	.get_timeline_name = foreign_name,
};

static struct dma_fence *foreign_fence(struct kunit *test, u64 context, u64 seqno)
{
	struct dma_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	dma_fence_init(f, &foreign_ops, NULL, context, seqno);
	return f;
}

/* Nothing runs until the dependency signals, whatever it is. */
static void queue_dep_kinds(struct kunit *test)
{
	enum { FOREIGN, ARRAY, CHAIN, RESV, CROSS, KINDS };
	struct mock_ring *src = mock_ring_new(test, 16, MOCK_MANUAL, test_wq(test));
	struct mock_ring *ring = mock_ring_new(test, 16, MOCK_NULL, test_wq(test));
	int kind;

	for (kind = 0; kind < KINDS; kind++) {
		struct mock_job *mj = mock_job_new(ring, 1, 4);
		struct dma_fence *base, *dep = NULL, *f, **arr;
		struct dma_fence_array *array;
		struct dma_fence_chain *chain;
		struct dma_resv resv;
		int ran = atomic_read(&ring->ran), ret;

		base = foreign_fence(test, dma_fence_context_alloc(1), 1);
		switch (kind) {
		case FOREIGN:
			dep = dma_fence_get(base);
			break;
		case ARRAY:
			arr = kmalloc_array(1, sizeof(*arr), GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, arr);
			arr[0] = dma_fence_get(base);
			array = dma_fence_array_create(1, arr, dma_fence_context_alloc(1), 1);
			KUNIT_ASSERT_NOT_NULL(test, array);
			dep = &array->base;
			break;
		case CHAIN:
			chain = dma_fence_chain_alloc();
			KUNIT_ASSERT_NOT_NULL(test, chain);
			dma_fence_chain_init(chain, NULL, dma_fence_get(base), 1);
			dep = &chain->base;
			break;
		case RESV:
			dma_resv_init(&resv);
			dma_resv_lock(&resv, NULL);
			KUNIT_ASSERT_EQ(test, dma_resv_reserve_fences(&resv, 1), 0);
			dma_resv_add_fence(&resv, base, DMA_RESV_USAGE_WRITE);
			ret = fwsched_job_add_resv_dependencies(&mj->base, &resv,
								DMA_RESV_USAGE_READ);
			KUNIT_EXPECT_EQ(test, ret, 0);
			dma_resv_unlock(&resv);
			break;
		case CROSS: {
			struct mock_job *sj = mock_job_new(src, 1, 0);

			dma_fence_put(base);
			base = mock_push(sj);
			KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(src, 1));
			dep = dma_fence_get(base);
			break;
		}
		}
		if (dep)
			KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dep), 0);
		KUNIT_EXPECT_EQ(test, mj->base.num_deps, 1);
		f = mock_push(mj);

		flush_workqueue(test_wq(test));
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->ran), ran,
				    "kind %d: ran before its dependency signalled", kind);
		if (kind == CROSS)
			mock_ring_advance(src, 1, 0);
		else
			dma_fence_signal(base);
		KUNIT_EXPECT_TRUE_MSG(test, mock_wait(f, WAIT_MS),
				      "kind %d: never ran after its dependency", kind);
		KUNIT_EXPECT_EQ(test, atomic_read(&ring->ran), ran + 1);
		if (kind == RESV)
			dma_resv_fini(&resv);
		dma_fence_put(base);
		dma_fence_put(f);
	}
	mock_ring_destroy(ring);
	mock_ring_destroy(src);
	mock_expect_clean(test, ring);
}

/* Fan-in and fan-out across queues, then a chain through 8 queues. */
static void queue_dep_fan(struct kunit *test)
{
	struct mock_ring *ring[8];
	struct dma_fence *in[4], *out[4], *join, *prev = NULL, *last = NULL;
	struct mock_job *mj;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ring); i++)
		ring[i] = mock_ring_new(test, 4, MOCK_MANUAL, test_wq(test));

	for (i = 0; i < 4; i++)
		in[i] = mock_push(mock_job_new(ring[i], 1, 0));
	mj = mock_job_new(ring[4], 1, 4);
	for (i = 0; i < 4; i++)
		fwsched_job_add_dependency(&mj->base, dma_fence_get(in[i]));
	join = mock_push(mj);
	for (i = 0; i < 4; i++) {
		mj = mock_job_new(ring[5 + i % 3], 1, 1);
		fwsched_job_add_dependency(&mj->base, dma_fence_get(join));
		out[i] = mock_push(mj);
	}

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, mock_ring_complete(ring[i], 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(in[2], WAIT_MS));
	flush_workqueue(test_wq(test));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring[4]->ran), 0,
			    "fan-in ran with one input pending");
	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring[3], 1, 0), 1);
	KUNIT_EXPECT_EQ_MSG(test, mock_ring_complete(ring[4], 1, 0), 1,
			    "fan-in never ran after its inputs");
	/* Fan-out: ring 5 has two of the four, rings 6 and 7 one each. */
	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring[5], 2, 0), 2);
	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring[6], 1, 0), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring[7], 1, 0), 1);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE_MSG(test, mock_wait(out[i], WAIT_MS), "fan-out %u", i);

	/* A chain hopping through all 8 queues, twice: one hop at a time. */
	for (i = 0; i < 16; i++) {
		mj = mock_job_new(ring[i % 8], 1, 1);
		if (prev)
			fwsched_job_add_dependency(&mj->base, prev);
		prev = mock_push(mj);
		if (i == 15)
			last = dma_fence_get(prev);
	}
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ_MSG(test, mock_ring_complete(ring[i % 8], 1, 0), 1,
				    "hop %u never ran", i);
	KUNIT_EXPECT_TRUE(test, mock_wait(last, WAIT_MS));

	for (i = 0; i < ARRAY_SIZE(ring); i++) {
		mock_ring_destroy(ring[i]);
		mock_expect_clean(test, ring[i]);
	}
	for (i = 0; i < 4; i++) {
		dma_fence_put(in[i]);
		dma_fence_put(out[i]);
	}
	dma_fence_put(join);
	dma_fence_put(prev);
	dma_fence_put(last);
}

/*
 * Found by the torture test (tests/torture/): two fences of one context,
 * the earlier fails, the later succeeds.  Keeping only the later one (as
 * drm_sched does) ran the job; it must be cancelled with the error.
 */
static void queue_dep_same_context_error(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 4, MOCK_NULL, NULL);
	struct mock_job *both = mock_job_new(ring, 1, 2);
	struct mock_job *late = mock_job_new(ring, 1, 1);
	u64 ctx = dma_fence_context_alloc(1), ctx2 = dma_fence_context_alloc(1);
	struct dma_fence *x1 = foreign_fence(test, ctx, 1);
	struct dma_fence *x2 = foreign_fence(test, ctx, 2);
	struct dma_fence *z1 = foreign_fence(test, ctx2, 1);
	struct dma_fence *z2 = foreign_fence(test, ctx2, 2);
	struct dma_fence *f1, *f2;

	/* Both unsignalled: both kept; the earlier fails later on. */
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&both->base, dma_fence_get(x1)), 0);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&both->base, dma_fence_get(x2)), 0);
	KUNIT_EXPECT_EQ(test, both->base.num_deps, 2);
	f1 = mock_push(both);

	/* The earlier failed before the later came: its room, not its error, goes. */
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&late->base, dma_fence_get(z1)), 0);
	dma_fence_set_error(z1, -EIO);
	dma_fence_signal(z1);
	KUNIT_EXPECT_EQ_MSG(test, fwsched_job_add_dependency(&late->base, dma_fence_get(z2)), 0,
			    "a signalled fence kept its room from a later one");
	KUNIT_EXPECT_EQ(test, late->base.num_deps, 1);
	f2 = mock_push(late);

	dma_fence_set_error(x1, -EIO);
	dma_fence_signal(x1);
	dma_fence_signal(x2);
	dma_fence_signal(z2);
	KUNIT_ASSERT_TRUE(test, mock_wait(f1, WAIT_MS));
	KUNIT_ASSERT_TRUE(test, mock_wait(f2, WAIT_MS));
	KUNIT_EXPECT_EQ_MSG(test, dma_fence_get_status(f1), -EIO,
			    "ran although the earlier of two same-context dependencies failed");
	KUNIT_EXPECT_EQ_MSG(test, dma_fence_get_status(f2), -EIO,
			    "the error of a replaced dependency was lost");
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->ran), 0);
	mock_ring_destroy(ring);
	dma_fence_put(x1);
	dma_fence_put(x2);
	dma_fence_put(z1);
	dma_fence_put(z2);
	dma_fence_put(f1);
	dma_fence_put(f2);
}

static void queue_dep_dedup(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 4, MOCK_NULL, NULL);
	struct mock_job *mj = mock_job_new(ring, 1, 3);
	struct mock_job *own = mock_job_new(ring, 1, 0);
	u64 ctx = dma_fence_context_alloc(1);
	struct dma_fence *a1 = foreign_fence(test, ctx, 1);
	struct dma_fence *a2 = foreign_fence(test, ctx, 2);
	struct dma_fence *b = foreign_fence(test, dma_fence_context_alloc(1), 1);
	struct dma_fence *c = foreign_fence(test, dma_fence_context_alloc(1), 1);
	struct dma_fence *done = foreign_fence(test, dma_fence_context_alloc(1), 1);
	struct dma_fence *f, *fown;

	fown = mock_push(own);
	dma_fence_signal(done);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(a1)), 0);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(a2)), 0);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(a1)), 0);
	KUNIT_EXPECT_EQ_MSG(test, mj->base.num_deps, 2,
			    "a fence kept twice, or an unsignalled one dropped for a later one");
	KUNIT_EXPECT_PTR_EQ(test, mj->base.deps[0], a1);
	KUNIT_EXPECT_PTR_EQ(test, mj->base.deps[1], a2);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(fown)), 0);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(done)), 0);
	KUNIT_EXPECT_EQ_MSG(test, mj->base.num_deps, 2, "own queue or signalled fence kept");
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(b)), 0);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(c)), -ENOSPC);
	fwsched_job_arm(&mj->base);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(c)), -EBUSY);
	f = dma_fence_get(fwsched_job_finished(&mj->base));
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&mj->base), 0);

	dma_fence_signal(a1);
	dma_fence_signal(b);
	dma_fence_signal(a2);
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	dma_fence_signal(c);

	mock_ring_destroy(ring);
	dma_fence_put(a1);
	dma_fence_put(a2);
	dma_fence_put(b);
	dma_fence_put(c);
	dma_fence_put(done);
	dma_fence_put(f);
	dma_fence_put(fown);
}

/* ---- errors and bad input -------------------------------------------------- */

static void queue_errors(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 4, MOCK_MANUAL, test_wq(test));
	struct mock_ring *other = mock_ring_new(test, 4, MOCK_NULL, test_wq(test));
	struct mock_ring *third = mock_ring_new(test, 4, MOCK_NULL, test_wq(test));
	struct mock_job *hw_fail = mock_job_new(ring, 1, 0);
	struct mock_job *run_fail = mock_job_new(ring, 1, 0);
	struct mock_job *dep1, *dep2;
	struct dma_fence *f1, *f2, *f3, *f4;

	hw_fail->hw_error = -EIO;
	run_fail->run_error = -ENODEV;
	f1 = mock_push(hw_fail);
	f2 = mock_push(run_fail);
	/* A dependent of the failed job, and a dependent of that one. */
	dep1 = mock_job_new(other, 1, 1);
	fwsched_job_add_dependency(&dep1->base, dma_fence_get(f1));
	f3 = mock_push(dep1);
	dep2 = mock_job_new(third, 1, 1);
	fwsched_job_add_dependency(&dep2->base, dma_fence_get(f3));
	f4 = mock_push(dep2);

	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 2));
	mock_ring_advance(ring, 1, 0);
	KUNIT_EXPECT_TRUE(test, mock_wait(f4, WAIT_MS));
	/*
	 * f2 completed at run_job and is held back until f1 signals; its
	 * release need not come before f4's chain does: wait for it too.
	 */
	KUNIT_EXPECT_TRUE_MSG(test, mock_wait(f2, WAIT_MS),
			      "a job that failed in run_job never signalled");
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f1), -EIO);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f2), -ENODEV);
	KUNIT_EXPECT_EQ_MSG(test, dma_fence_get_status(f3), -EIO,
			    "dependency error did not propagate");
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f4), -EIO);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&other->ran) + atomic_read(&third->ran), 0,
			    "a job whose dependency failed was run");
	KUNIT_EXPECT_EQ(test, atomic_read(&other->cancelled), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&third->cancelled), 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(third->last_cancel_error), -EIO);

	mock_ring_destroy(ring);
	mock_ring_destroy(other);
	mock_ring_destroy(third);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&other->freed) + atomic_read(&third->freed), 2);
	dma_fence_put(f1);
	dma_fence_put(f2);
	dma_fence_put(f3);
	dma_fence_put(f4);
}

static void queue_bad_input(struct kunit *test)
{
	struct fwsched_queue_args args = {
		.ops = &mock_ops, .name = "bad", .driver_name = "fwsched-test",
		.credit_limit = 4,
	};
	struct fwsched_queue_ops no_run = { .free_job = mock_ops.free_job };
	struct mock_ring *ring = mock_ring_new(test, 4, MOCK_NULL, NULL);
	struct mock_job *mj, *late;
	struct fwsched_job job;
	struct dma_fence *f;

	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_queue_create(NULL)), -EINVAL);
	args.credit_limit = 0;
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_queue_create(&args)), -EINVAL);
	args.credit_limit = 4;
	args.priority = FWSCHED_PRIO_COUNT;
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_queue_create(&args)), -EINVAL);
	args.priority = FWSCHED_PRIO_LOW;
	args.ops = &no_run;
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_queue_create(&args)), -EINVAL);
	args.ops = &mock_ops;
	args.name = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_queue_create(&args)), -EINVAL);

	KUNIT_EXPECT_EQ(test, fwsched_job_init(&job, ring->q, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, fwsched_job_init(&job, ring->q, 5, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, fwsched_job_init(&job, ring->q, 1, 1 << 20), -EINVAL);
	KUNIT_EXPECT_EQ(test, fwsched_job_init(&job, NULL, 1, 0), -EINVAL);

	/* Pushed twice: the second push does nothing. */
	mj = mock_job_new(ring, 1, 0);
	fwsched_job_arm(&mj->base);
	f = dma_fence_get(fwsched_job_finished(&mj->base));
	fwsched_queue_stop(ring->q);
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&mj->base), 0);
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&mj->base), -EINVAL);
	fwsched_queue_start(ring->q);
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	dma_fence_put(f);

	/* A job initialised before destroy and pushed after it. */
	late = mock_job_new(ring, 1, 0);
	fwsched_job_arm(&late->base);
	f = dma_fence_get(fwsched_job_finished(&late->base));
	fwsched_queue_get(ring->q);
	mock_ring_destroy(ring);
	KUNIT_EXPECT_EQ(test, fwsched_job_init(&job, ring->q, 1, 0), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&late->base), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), -ECANCELED);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 2);
	fwsched_queue_destroy(ring->q);		/* twice: harmless */
	fwsched_queue_put(ring->q);
	dma_fence_put(f);
}

/* A job armed and then abandoned does not hold up the queue's fences. */
static void queue_cleanup_armed(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 4, MOCK_NULL, NULL);
	struct mock_job *a = mock_job_new(ring, 1, 1);
	struct mock_job *b = mock_job_new(ring, 1, 0);
	struct dma_fence *fa, *fb;

	fwsched_job_add_dependency(&a->base, foreign_fence(test, dma_fence_context_alloc(1), 1));
	fwsched_job_arm(&a->base);
	fa = dma_fence_get(fwsched_job_finished(&a->base));
	fb = mock_push(b);
	KUNIT_EXPECT_TRUE(test, mock_ring_wait_ran(ring, 1));
	KUNIT_EXPECT_FALSE_MSG(test, dma_fence_is_signaled(fb),
			       "signalled before an earlier armed job");
	fwsched_job_cleanup(&a->base);
	fwsched_fence_free(a->hw);
	kfree(a);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fa), -ECANCELED);
	KUNIT_EXPECT_TRUE(test, mock_wait(fb, WAIT_MS));
	mock_ring_destroy(ring);
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/* ---- stop/start and teardown ----------------------------------------------- */

static void queue_stop_start(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 4, MOCK_SIGNALLED, test_wq(test));
	struct dma_fence *f[6];
	unsigned int i;

	f[0] = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_EXPECT_TRUE(test, mock_wait(f[0], WAIT_MS));
	fwsched_queue_stop(ring->q);
	for (i = 1; i < ARRAY_SIZE(f); i++)
		f[i] = mock_push(mock_job_new(ring, 1, 0));
	flush_workqueue(test_wq(test));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->ran), 1, "a stopped queue ran a job");
	fwsched_queue_start(ring->q);
	KUNIT_EXPECT_TRUE(test, mock_wait(f[ARRAY_SIZE(f) - 1], WAIT_MS));
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->ran), ARRAY_SIZE(f));
	mock_ring_destroy(ring);
	mock_expect_clean(test, ring);
	for (i = 0; i < ARRAY_SIZE(f); i++)
		dma_fence_put(f[i]);
}

/*
 * Destroy with jobs queued and in flight, teardown_rounds times (1000 by
 * default; 300 on the UML debug kernel, see tests/plans/queue-scale.plan):
 * queued ones are cancelled, in-flight ones are cancelled through the
 * driver (even rounds) or waited for while an hrtimer completes them (odd
 * rounds).
 */
static unsigned int teardown_rounds = 1000;
module_param(teardown_rounds, uint, 0444);
MODULE_PARM_DESC(teardown_rounds, "destroys in queue_teardown_repeat");

static void queue_teardown_repeat(struct kunit *test)
{
	unsigned int round, i, bad = 0;

	for (round = 0; round < teardown_rounds && !bad; round++) {
		bool cancel = !(round & 1);
		struct mock_ring *ring = mock_ring_new(test, 4,
						       cancel ? MOCK_MANUAL : MOCK_TIMER,
						       NULL);
		struct dma_fence *f[8];

		ring->cancel_in_flight = cancel;
		for (i = 0; i < ARRAY_SIZE(f); i++) {
			struct mock_job *mj = mock_job_new(ring, 1, 0);

			mj->duration_us = 20;
			f[i] = mock_push(mj);
		}
		if (cancel && !mock_ring_wait_ran(ring, 4))
			bad++;
		mock_ring_destroy(ring);

		if (atomic_read(&ring->freed) != ARRAY_SIZE(f))
			bad++;
		for (i = 0; i < ARRAY_SIZE(f); i++) {
			if (!dma_fence_is_signaled(f[i]))
				bad++;
			if (cancel && dma_fence_get_status(f[i]) != -ECANCELED)
				bad++;
			dma_fence_put(f[i]);
		}
		if (atomic_read(&ring->credit_violations) ||
		    atomic_read(&ring->order_violations))
			bad++;
		kunit_kfree(test, ring);
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "teardown went wrong in round %u", round);
}

static void queue_destroy_async(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 4, MOCK_TIMER, NULL);
	struct dma_fence *f[8];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		struct mock_job *mj = mock_job_new(ring, 1, 0);

		mj->duration_us = 100;
		f[i] = mock_push(mj);
	}
	mock_ring_destroy_async(ring);
	fwsched_queue_destroy_flush();
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), ARRAY_SIZE(f));
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f[i]));
		dma_fence_put(f[i]);
	}
	mock_ring_destroy(ring);
}

/* ---- lifecycle edges (regressions) ---------------------------------------- */

/*
 * The deadline-during-destroy race, made deterministic with the mock's
 * hooks: cancelling job 1 sets a deadline on job 2; cancelling job 2 waits
 * (bounded) until the driver's set_deadline has been entered for it; that
 * set_deadline waits until job 2 is freed.  If anything but destroy looked
 * at job 2 for the deadline, it now reads a freed job (KASAN); with the
 * run right held by destroy nothing does, and the bounded waits simply
 * expire: their length decides nothing.
 */
struct dl_race {
	struct fwsched_job *victim;
	struct dma_fence *victim_fence;
	struct completion entered, freed;
	atomic_t set_for_victim;
};

static void dl_race_cancel(struct mock_ring *ring, struct fwsched_job *job)
{
	struct dl_race *r = ring->hook_data;

	if (job != r->victim)
		dma_fence_set_deadline(r->victim_fence, ktime_add_ms(ktime_get(), 1));
	else
		wait_for_completion_timeout(&r->entered, msecs_to_jiffies(1000));
}

static void dl_race_deadline(struct mock_ring *ring, struct fwsched_job *job)
{
	struct dl_race *r = ring->hook_data;

	if (job != r->victim)
		return;
	atomic_inc(&r->set_for_victim);
	complete(&r->entered);
	wait_for_completion_timeout(&r->freed, msecs_to_jiffies(WAIT_MS));
}

static void dl_race_free(struct mock_ring *ring, struct fwsched_job *job)
{
	struct dl_race *r = ring->hook_data;

	if (job == r->victim)
		complete(&r->freed);
}

static void queue_deadline_during_destroy(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 1, MOCK_MANUAL, test_wq(test));
	struct mock_job *mj[3];
	struct dma_fence *f[3];
	struct dl_race r = { };
	int i;

	init_completion(&r.entered);
	init_completion(&r.freed);
	ring->cancel_in_flight = true;
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		mj[i] = mock_job_new(ring, 1, 0);
		f[i] = mock_push(mj[i]);
	}
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	r.victim = &mj[2]->base;
	r.victim_fence = f[2];
	ring->hook_data = &r;
	ring->cancel_hook = dl_race_cancel;
	ring->deadline_hook = dl_race_deadline;
	ring->free_hook = dl_race_free;
	mock_ring_destroy(ring);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r.set_for_victim), 0,
			    "set_deadline ran for a job that destroy was cancelling");
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		KUNIT_EXPECT_EQ_MSG(test, dma_fence_get_status(f[i]), -ECANCELED,
				    "job %d not cancelled by destroy", i);
		dma_fence_put(f[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), ARRAY_SIZE(f));
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->cancelled), ARRAY_SIZE(f) - 1);
}

/*
 * Calls on a destroyed queue kept by a reference do nothing: start, stop,
 * priority, timeouts.  Before the fix start queued the dead queue's work
 * item and the last put freed it pending (ODEBUG: free active work_struct).
 */
/* A work item that holds an ordered workqueue until released. */
struct wq_gate {
	struct work_struct work;
	struct completion open;
};

static void wq_gate_fn(struct work_struct *w)
{
	struct wq_gate *g = container_of(w, struct wq_gate, work);

	wait_for_completion_timeout(&g->open, msecs_to_jiffies(WAIT_MS));
}

static void queue_start_after_destroy(struct kunit *test)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("fwsched-gate", WQ_MEM_RECLAIM);
	struct mock_ring *ring;
	struct fwsched_queue *q;
	struct wq_gate gate;
	struct dma_fence *f;
	bool queued;

	KUNIT_ASSERT_NOT_NULL(test, wq);
	ring = mock_ring_new(test, 4, MOCK_NULL, wq);
	f = mock_push(mock_job_new(ring, 1, 0));
	q = fwsched_queue_get(ring->q);
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	fwsched_queue_stop(q);
	mock_ring_destroy(ring);

	/* Hold the queue's workqueue: anything queued now stays pending. */
	INIT_WORK_ONSTACK(&gate.work, wq_gate_fn);
	init_completion(&gate.open);
	queue_work(wq, &gate.work);
	fwsched_queue_start(q);
	fwsched_queue_stop(q);
	fwsched_queue_start(q);
	fwsched_queue_suspend_timeout(q);
	fwsched_queue_resume_timeout(q);
	KUNIT_EXPECT_EQ(test, fwsched_queue_set_priority(q, FWSCHED_PRIO_HIGH), -ESHUTDOWN);
	queued = fwsched_queue_kick_pending(q);
	complete(&gate.open);
	flush_workqueue(wq);
	destroy_work_on_stack(&gate.work);
	KUNIT_EXPECT_FALSE_MSG(test, queued, "a destroyed queue's work item was queued");
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->ran), 1);
	fwsched_queue_put(q);	/* the last reference: frees it */
	destroy_workqueue(wq);
	dma_fence_put(f);
}

/*
 * A deadline on an armed job that is pushed only after its queue was
 * destroyed (published in a dma_resv, the process exits before the push):
 * recorded, never queued on the dead queue.  Before the fix: the dead
 * queue's work item queued, a fence reference leaked, ODEBUG at the put.
 */
static void queue_deadline_unpushed_destroyed(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 4, MOCK_MANUAL, test_wq(test));
	struct mock_job *mj = mock_job_new(ring, 1, 0);
	struct fwsched_queue *q = ring->q;
	struct dma_fence *f;

	fwsched_job_arm(&mj->base);
	f = dma_fence_get(fwsched_job_finished(&mj->base));
	mock_ring_destroy(ring);	/* the job keeps the queue's memory */
	dma_fence_set_deadline(f, ktime_add_ms(ktime_get(), 1));
	KUNIT_EXPECT_FALSE_MSG(test, fwsched_queue_kick_pending(q),
			       "a deadline queued a destroyed queue's work item");
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&mj->base), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), -ECANCELED);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->deadlines), 0);
	dma_fence_put(f);
}

/* A deadline set between arm and push is not lost: the push passes it on. */
static void queue_deadline_before_push(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 1, MOCK_MANUAL, test_wq(test));
	struct mock_job *a = mock_job_new(ring, 1, 0), *b = mock_job_new(ring, 1, 0);
	ktime_t deadline = ktime_add_ms(ktime_get(), 3);
	struct dma_fence *fa, *fb;

	fa = mock_push(a);
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	fwsched_job_arm(&b->base);
	fb = dma_fence_get(fwsched_job_finished(&b->base));
	dma_fence_set_deadline(fb, deadline);
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&b->base), 0);
	KUNIT_EXPECT_TRUE_MSG(test, wait_event_timeout(ring->wait, atomic_read(&ring->deadlines),
						       msecs_to_jiffies(WAIT_MS)),
			      "a deadline set before the push never reached the driver");
	KUNIT_EXPECT_TRUE(test, ktime_compare(READ_ONCE(ring->last_deadline), deadline) == 0);
	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring, 2, 0), 2);
	KUNIT_EXPECT_TRUE(test, mock_wait(fb, WAIT_MS));
	mock_ring_destroy(ring);
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/*
 * credit_limit = U32_MAX: a job of U32_MAX - 1 credits and one of 2 never
 * share the ring.  Before the fix q->credits + job->credits wrapped and
 * both ran.
 */
static void queue_credit_limit_wrap(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, U32_MAX, MOCK_MANUAL, test_wq(test));
	struct dma_fence *big, *small;

	big = mock_push(mock_job_new(ring, U32_MAX - 1, 0));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	small = mock_push(mock_job_new(ring, 2, 0));
	flush_workqueue(test_wq(test));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->ran), 1,
			    "a 2-credit job ran beside a U32_MAX - 1 one (credits wrapped)");
	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring, 2, 0), 2);
	KUNIT_EXPECT_TRUE(test, mock_wait(small, WAIT_MS));
	mock_expect_clean(test, ring);
	mock_ring_destroy(ring);
	dma_fence_put(big);
	dma_fence_put(small);
}

/*
 * The contract for a push after destroy: the push fails with -ESHUTDOWN
 * and, before it returns and in the pusher's context, calls cancel_job and
 * free_job; the job's reference kept the queue's memory.  That is the only
 * way a callback of a queue runs after fwsched_queue_destroy() returned:
 * the driver causes it itself.
 */
static void queue_push_after_destroy(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 4, MOCK_NULL, test_wq(test));
	struct mock_job *late = mock_job_new(ring, 1, 0);
	struct dma_fence *f;

	fwsched_job_arm(&late->base);
	f = dma_fence_get(fwsched_job_finished(&late->base));
	mock_ring_destroy(ring);	/* no reference held by the test */
	KUNIT_EXPECT_EQ(test, atomic_read(&ring->freed), 0);
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&late->base), -ESHUTDOWN);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->cancelled), 1,
			    "push to a destroyed queue did not call cancel_job");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&ring->freed), 1,
			    "push to a destroyed queue did not free the job before returning");
	KUNIT_EXPECT_EQ(test, READ_ONCE(ring->last_cancel_error), -ECANCELED);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), -ECANCELED);
	dma_fence_put(f);
}

/*
 * Destroy racing pushes from another thread, with deadlines set on the
 * jobs as they go: every job the pusher initialised is either run or
 * cancelled, freed exactly once, and its fence signalled; no push touches
 * the queue after destroy freed it (KASAN).  The pusher holds a queue
 * reference, as a driver's submit path does (the file that owns the queue):
 * fwsched_job_init() needs the queue's memory, nothing more.
 */
struct push_race {
	struct work_struct work;
	struct mock_ring *ring;
	struct dma_fence *f[64];
	int pushed, refused, init_failed;
};

static void push_race_fn(struct work_struct *w)
{
	struct push_race *pr = container_of(w, struct push_race, work);
	struct mock_ring *ring = pr->ring;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(pr->f); i++) {
		struct mock_job *mj = mock_job_try_new(ring, 1, 0);

		if (IS_ERR(mj)) {
			pr->init_failed++;
			continue;
		}
		fwsched_job_arm(&mj->base);
		pr->f[i] = dma_fence_get(fwsched_job_finished(&mj->base));
		dma_fence_set_deadline(pr->f[i], ktime_add_us(ktime_get(), 100));
		ret = fwsched_job_push(&mj->base);
		if (ret == -ESHUTDOWN)
			pr->refused++;
		else if (!ret)
			pr->pushed++;
	}
}

static void queue_destroy_races_push(struct kunit *test)
{
	struct push_race *pr = kunit_kzalloc(test, sizeof(*pr), GFP_KERNEL);
	unsigned int round, i, unsignalled = 0, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, pr);
	for (round = 0; round < 16; round++) {
		bool direct = round & 1;
		struct mock_ring *ring = direct ?
			direct_ring(test, 4, MOCK_SIGNALLED, NULL) :
			mock_ring_new(test, 4, round & 2 ? MOCK_NULL : MOCK_TIMER, NULL);

		memset(pr, 0, sizeof(*pr));
		pr->ring = ring;
		ring->cancel_in_flight = true;
		INIT_WORK(&pr->work, push_race_fn);
		fwsched_queue_get(ring->q);
		queue_work(system_dfl_wq, &pr->work);
		mock_ring_destroy(ring);
		flush_work(&pr->work);
		fwsched_queue_put(ring->q);
		for (i = 0; i < ARRAY_SIZE(pr->f); i++) {
			if (!pr->f[i])
				continue;
			if (!dma_fence_is_signaled(pr->f[i]))
				unsignalled++;
			dma_fence_put(pr->f[i]);
		}
		if (atomic_read(&ring->freed) != pr->pushed + pr->refused)
			bad++;
		kunit_kfree(test, ring);
	}
	KUNIT_EXPECT_EQ_MSG(test, unsignalled, 0, "a finished fence was left unsignalled");
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "a job was lost or freed twice (freed != pushed)");
}

/* ---- the runners ------------------------------------------------------------ */

#define RUNNER_QUEUES 32

/* RUNNER_QUEUES rings on the runners, one armed job each. */
struct runner_case {
	struct mock_ring *ring[RUNNER_QUEUES];
	struct mock_job *mj[RUNNER_QUEUES];
	struct dma_fence *f[RUNNER_QUEUES];
	/* Runner counters at the start, then what the case cost. */
	u64 dispatches, passes;
};

/* @chain: each job waits for the one before it, on the ring before. */
static struct runner_case *runner_case_new(struct kunit *test, bool chain)
{
	struct runner_case *rc = kunit_kzalloc(test, sizeof(*rc), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, rc);
	for (i = 0; i < RUNNER_QUEUES; i++) {
		struct fwsched_job *job;

		rc->ring[i] = mock_ring_new(test, 4, MOCK_NULL, NULL);
		rc->mj[i] = mock_job_new(rc->ring[i], 1, chain);
		job = &rc->mj[i]->base;
		if (chain && i) {
			struct dma_fence *dep = dma_fence_get(rc->f[i - 1]);

			KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(job, dep), 0);
		}
		fwsched_job_arm(job);
		rc->f[i] = dma_fence_get(fwsched_job_finished(&rc->mj[i]->base));
	}
	fwsched_runner_stats(&rc->dispatches, &rc->passes);
	return rc;
}

/*
 * Push every job (@reverse: last first) with preemption off, so that this
 * CPU's runner cannot start before the last kick.
 */
static void runner_case_push(struct kunit *test, struct runner_case *rc, bool reverse)
{
	int ret[RUNNER_QUEUES];
	unsigned int i, k;

	preempt_disable();
	for (k = 0; k < RUNNER_QUEUES; k++) {
		i = reverse ? RUNNER_QUEUES - 1 - k : k;
		ret[i] = fwsched_job_push(&rc->mj[i]->base);
	}
	preempt_enable();
	for (i = 0; i < RUNNER_QUEUES; i++)
		KUNIT_EXPECT_EQ(test, ret[i], 0);
}

/*
 * Destroy the rings and leave in @rc what the runners did meanwhile.
 * Destroy waits for a queue's pass in progress: the counters are final.
 */
static void runner_case_end(struct kunit *test, struct runner_case *rc)
{
	unsigned int i;
	u64 d, p;

	for (i = 0; i < RUNNER_QUEUES; i++) {
		mock_ring_destroy(rc->ring[i]);
		mock_expect_clean(test, rc->ring[i]);
		dma_fence_put(rc->f[i]);
	}
	fwsched_runner_stats(&d, &p);
	rc->dispatches = d - rc->dispatches;
	rc->passes = p - rc->passes;
}

/*
 * Kicks of many queues on one CPU: one runner dispatch runs them all, where
 * work items cost one dispatch per queue.  run_job returns NULL, so
 * nothing kicks a queue a second time.
 */
static void queue_runner_batch(struct kunit *test)
{
	struct runner_case *rc = runner_case_new(test, false);
	unsigned int i;

	runner_case_push(test, rc, false);
	for (i = 0; i < RUNNER_QUEUES; i++)
		KUNIT_EXPECT_TRUE_MSG(test, mock_wait(rc->f[i], WAIT_MS),
				      "the job of queue %u never finished", i);
	runner_case_end(test, rc);
	KUNIT_EXPECT_EQ_MSG(test, rc->dispatches, 1,
			    "%u queues kicked on one CPU took %llu runner dispatches",
			    RUNNER_QUEUES, rc->dispatches);
	KUNIT_EXPECT_EQ_MSG(test, rc->passes, RUNNER_QUEUES,
			    "%u queues kicked once each took %llu passes",
			    RUNNER_QUEUES, rc->passes);
}

/*
 * A chain across queues, pushed last job first, so that each job waits for
 * its dependency through a callback and each hop is a kick from inside the
 * runner (the previous job's fence signals in its pass): the whole chain
 * still takes one dispatch, and the jobs finish in chain order.
 */
static void queue_runner_chain(struct kunit *test)
{
	struct runner_case *rc = runner_case_new(test, true);
	struct dma_fence **f = rc->f;
	unsigned int i;

	runner_case_push(test, rc, true);
	for (i = 0; i < RUNNER_QUEUES; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, mock_wait(f[i], WAIT_MS),
				      "job %u of the chain never finished", i);
		if (i && ktime_after(f[i - 1]->timestamp, f[i]->timestamp))
			KUNIT_FAIL(test, "job %u finished before job %u it waits for",
				   i, i - 1);
	}
	runner_case_end(test, rc);
	KUNIT_EXPECT_EQ_MSG(test, rc->dispatches, 1,
			    "a chain over %u queues took %llu runner dispatches",
			    RUNNER_QUEUES, rc->dispatches);
	/* Every queue once at the push, all but the first again at its hop. */
	KUNIT_EXPECT_EQ_MSG(test, rc->passes, 2 * RUNNER_QUEUES - 1,
			    "a chain over %u queues took %llu passes",
			    RUNNER_QUEUES, rc->passes);
}

/* The first prepare completes the job in flight from inside the pass. */
static struct dma_fence *complete_in_pass(struct mock_ring *ring, struct fwsched_job *job)
{
	if (!ring->hook_data) {
		ring->hook_data = ring;
		mock_ring_advance(ring, 1, 0);
	}
	return NULL;
}

/*
 * A kick that arrives while its queue's pass runs must run the queue again.
 * Ring of 2 credits, job 1 in flight; jobs 2 and 3 pushed while the queue
 * is stopped, then it is started.  The pass asks prepare for job 2, and the
 * hook completes job 1 there: its hardware-fence callback kicks the queue
 * while the pass runs.  Job 2 runs, job 3 does not fit (job 1 is reaped
 * only by the next pass), and the pass ends.  Only that next pass, owed to
 * the kick, runs job 3.
 */
static void queue_kick_during_pass(struct kunit *test)
{
	struct mock_ring_args a = {
		.credit_limit = 2, .mode = MOCK_MANUAL, .prio = FWSCHED_PRIO_NORMAL,
		.prepare = true,
	};
	struct mock_ring *ring = mock_ring_create(test, &a);
	struct mock_job *mj[3];
	struct dma_fence *f[3];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		mj[i] = mock_job_new(ring, 1, 0);
		fwsched_job_arm(&mj[i]->base);
		f[i] = dma_fence_get(fwsched_job_finished(&mj[i]->base));
	}
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&mj[0]->base), 0);
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(ring, 1), "job 1 never ran");
	/* Stopped, so that one pass finds both: no pass runs at the start. */
	fwsched_queue_stop(ring->q);
	ring->prepare_hook = complete_in_pass;
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&mj[1]->base), 0);
	KUNIT_EXPECT_EQ(test, fwsched_job_push(&mj[2]->base), 0);
	fwsched_queue_start(ring->q);
	KUNIT_EXPECT_TRUE_MSG(test, mock_wait(f[0], WAIT_MS), "job 1 never completed");
	KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(ring, 3),
			      "job 3 never ran: the kick during the pass was lost (%d ran)",
			      atomic_read(&ring->ran));
	mock_ring_advance(ring, 2, 0);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, mock_wait(f[i], WAIT_MS),
				      "job %u never finished", i + 1);
		dma_fence_put(f[i]);
	}
	mock_ring_destroy(ring);
	mock_expect_clean(test, ring);
}

/* ---- stress on two CPUs ---------------------------------------------------- */

static unsigned int stress_queues = 64;
module_param(stress_queues, uint, 0444);
MODULE_PARM_DESC(stress_queues, "queues in queue_stress");
static unsigned int stress_jobs = 10000;
module_param(stress_jobs, uint, 0444);
MODULE_PARM_DESC(stress_jobs, "jobs per queue in queue_stress");
static bool stress_timer = true;
module_param(stress_timer, bool, 0444);
MODULE_PARM_DESC(stress_timer, "complete half of the rings from an hrtimer");

struct stress {
	struct kunit *test;
	struct mock_ring **ring;
	struct dma_fence **last;	/* last finished fence per queue */
	spinlock_t last_lock;
	u64 *last_seqno;		/* per queue, checked in callbacks */
	atomic_t signalled, twice, misordered, deps;
	unsigned int per_worker;
};

struct stress_cb {
	struct dma_fence_cb cb;
	struct stress *s;
	unsigned int q;
	atomic_t fired;
};

static void stress_fence_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct stress_cb *scb = container_of(cb, struct stress_cb, cb);
	struct stress *s = scb->s;

	if (atomic_inc_return(&scb->fired) != 1)
		atomic_inc(&s->twice);
	/* One drainer per timeline: these run one at a time per queue. */
	if (f->seqno <= READ_ONCE(s->last_seqno[scb->q]))
		atomic_inc(&s->misordered);
	WRITE_ONCE(s->last_seqno[scb->q], f->seqno);
	atomic_inc(&s->signalled);
}

struct stress_worker {
	struct work_struct work;
	struct stress *s;
	struct stress_cb *cbs;
	unsigned int first_q, nr_q;
};

static void stress_work(struct work_struct *w)
{
	struct stress_worker *sw = container_of(w, struct stress_worker, work);
	struct stress *s = sw->s;
	unsigned int i, total = stress_queues;

	for (i = 0; i < s->per_worker; i++) {
		unsigned int q = sw->first_q + i % sw->nr_q;
		struct mock_ring *ring = s->ring[q];
		struct mock_job *mj = mock_job_try_new(ring, 1, 2);
		struct stress_cb *scb = &sw->cbs[i];
		struct dma_fence *f, *dep;
		unsigned int d;

		if (IS_ERR(mj))
			break;
		mj->duration_us = get_random_u32_below(20);
		for (d = 0; d < 2; d++) {
			unsigned int other = get_random_u32_below(total);

			if (get_random_u32_below(4))
				continue;
			spin_lock(&s->last_lock);
			dep = dma_fence_get(s->last[other]);
			spin_unlock(&s->last_lock);
			if (dep && !fwsched_job_add_dependency(&mj->base, dep))
				atomic_inc(&s->deps);
		}
		fwsched_job_arm(&mj->base);
		f = fwsched_job_finished(&mj->base);
		scb->s = s;
		scb->q = q;
		dma_fence_add_callback(f, &scb->cb, stress_fence_cb);
		spin_lock(&s->last_lock);
		dep = s->last[q];
		s->last[q] = dma_fence_get(f);
		spin_unlock(&s->last_lock);
		dma_fence_put(dep);
		fwsched_job_push(&mj->base);
		cond_resched();
	}
}

/*
 * Wait for @f as long as the stress makes progress.  The submitters can
 * leave a backlog of minutes on a loaded machine, so a bound on the whole
 * wait would decide on the machine's speed (it once failed a correct run
 * that drained 640000 jobs in the end).  What is bounded is a stall: no
 * finished fence of any queue signalled for MOCK_WAIT_MS.
 */
static bool stress_wait(struct stress *s, struct dma_fence *f)
{
	int seen = atomic_read(&s->signalled), now;

	while (!mock_wait(f, MOCK_WAIT_MS)) {
		now = atomic_read(&s->signalled);
		if (now == seen)
			return false;
		seen = now;
	}
	return true;
}

/* Random cross-queue dependencies, submitters and completions on both CPUs. */
static void queue_stress(struct kunit *test)
{
	unsigned int nq = stress_queues, total = nq * stress_jobs, i;
	struct stress *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct workqueue_struct *wq = alloc_workqueue("fwsched-stress", WQ_PERCPU, 0);
	struct stress_worker sw[2];

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, wq);
	s->test = test;
	spin_lock_init(&s->last_lock);
	s->ring = kunit_kcalloc(test, nq, sizeof(*s->ring), GFP_KERNEL);
	s->last = kunit_kcalloc(test, nq, sizeof(*s->last), GFP_KERNEL);
	s->last_seqno = kunit_kcalloc(test, nq, sizeof(*s->last_seqno), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->ring);
	KUNIT_ASSERT_NOT_NULL(test, s->last);
	KUNIT_ASSERT_NOT_NULL(test, s->last_seqno);
	for (i = 0; i < nq; i++)
		s->ring[i] = mock_ring_new(test, 8, stress_timer && (i & 1) ? MOCK_TIMER :
					   MOCK_SIGNALLED, NULL);
	s->per_worker = total / 2;

	for (i = 0; i < 2; i++) {
		sw[i].s = s;
		sw[i].first_q = i * nq / 2;
		sw[i].nr_q = nq / 2;
		sw[i].cbs = kvcalloc(s->per_worker, sizeof(*sw[i].cbs), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, sw[i].cbs);
		INIT_WORK_ONSTACK(&sw[i].work, stress_work);
		/* One submitter per CPU (the same CPU if there is only one). */
		queue_work_on(i % num_online_cpus(), wq, &sw[i].work);
	}
	for (i = 0; i < 2; i++) {
		flush_work(&sw[i].work);
		destroy_work_on_stack(&sw[i].work);
	}
	destroy_workqueue(wq);

	for (i = 0; i < nq; i++) {
		if (s->last[i])
			KUNIT_EXPECT_TRUE_MSG(test, stress_wait(s, s->last[i]),
					      "queue %u stopped draining: no fence signalled for %u ms",
					      i, MOCK_WAIT_MS);
	}
	for (i = 0; i < nq; i++) {
		mock_ring_destroy(s->ring[i]);
		mock_expect_clean(test, s->ring[i]);
		dma_fence_put(s->last[i]);
	}
	kunit_info(test, "%u queues, %u jobs, %u dependencies, %u signalled",
		   nq, total, atomic_read(&s->deps), atomic_read(&s->signalled));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->signalled), total,
			    "not every finished fence signalled");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->twice), 0, "a fence signalled twice");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&s->misordered), 0,
			    "finished fences out of order within a queue");
	kvfree(sw[0].cbs);
	kvfree(sw[1].cbs);
}

/* ---- tracing and state -------------------------------------------------------- */

enum { EV_PUSH, EV_ADD_DEP, EV_DEP_RESOLVED, EV_RUN, EV_DONE, EV_FREE };

struct trace_rec {
	spinlock_t lock;	/* @n, @ev, @seqno */
	u64 context;		/* only events of this queue */
	int n;
	int ev[16];
	u64 seqno[16];
};

static void trace_rec(struct trace_rec *r, int ev, struct fwsched_job *job)
{
	unsigned long flags;

	if (job->finished->base.context != r->context)
		return;
	spin_lock_irqsave(&r->lock, flags);
	if (r->n < ARRAY_SIZE(r->ev)) {
		r->ev[r->n] = ev;
		r->seqno[r->n++] = job->finished->base.seqno;
	}
	spin_unlock_irqrestore(&r->lock, flags);
}

static void probe_push(void *d, struct fwsched_job *job)
{
	trace_rec(d, EV_PUSH, job);
}

static void probe_add_dep(void *d, struct fwsched_job *job, struct dma_fence *f)
{
	trace_rec(d, EV_ADD_DEP, job);
}

static void probe_dep_resolved(void *d, struct fwsched_job *job, struct dma_fence *f)
{
	trace_rec(d, EV_DEP_RESOLVED, job);
}

static void probe_run(void *d, struct fwsched_job *job)
{
	trace_rec(d, EV_RUN, job);
}

static void probe_done(void *d, struct fwsched_job *job, int error)
{
	trace_rec(d, EV_DONE, job);
}

static void probe_free(void *d, struct fwsched_job *job)
{
	trace_rec(d, EV_FREE, job);
}

/* The events of one job fire once each, in order. */
static void queue_trace_order(struct kunit *test)
{
	static const int want[] = { EV_PUSH, EV_ADD_DEP, EV_DEP_RESOLVED, EV_RUN,
				    EV_DONE, EV_FREE };
	struct mock_ring *ring = mock_ring_new(test, 4, MOCK_MANUAL, test_wq(test));
	struct mock_ring *other = mock_ring_new(test, 4, MOCK_MANUAL, test_wq(test));
	struct trace_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct dma_fence *dep, *f;
	struct mock_job *mj;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	spin_lock_init(&r->lock);
	r->context = fwsched_queue_context(ring->q);
	KUNIT_ASSERT_EQ(test, register_trace_fwsched_job_push(probe_push, r), 0);
	KUNIT_ASSERT_EQ(test, register_trace_fwsched_job_add_dep(probe_add_dep, r), 0);
	KUNIT_ASSERT_EQ(test, register_trace_fwsched_job_dep_resolved(probe_dep_resolved, r), 0);
	KUNIT_ASSERT_EQ(test, register_trace_fwsched_job_run(probe_run, r), 0);
	KUNIT_ASSERT_EQ(test, register_trace_fwsched_job_done(probe_done, r), 0);
	KUNIT_ASSERT_EQ(test, register_trace_fwsched_job_free(probe_free, r), 0);

	dep = mock_push(mock_job_new(other, 1, 0));
	mj = mock_job_new(ring, 1, 1);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(dep)), 0);
	f = mock_push(mj);
	KUNIT_EXPECT_EQ(test, mock_ring_complete(other, 1, 0), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(f, WAIT_MS));
	mock_ring_destroy(ring);
	mock_ring_destroy(other);

	unregister_trace_fwsched_job_push(probe_push, r);
	unregister_trace_fwsched_job_add_dep(probe_add_dep, r);
	unregister_trace_fwsched_job_dep_resolved(probe_dep_resolved, r);
	unregister_trace_fwsched_job_run(probe_run, r);
	unregister_trace_fwsched_job_done(probe_done, r);
	unregister_trace_fwsched_job_free(probe_free, r);
	tracepoint_synchronize_unregister();

	KUNIT_EXPECT_EQ_MSG(test, r->n, (int)ARRAY_SIZE(want), "wrong number of events");
	for (i = 0; i < min_t(int, r->n, ARRAY_SIZE(want)); i++) {
		KUNIT_EXPECT_EQ_MSG(test, r->ev[i], want[i], "event %d out of order", i);
		KUNIT_EXPECT_EQ(test, r->seqno[i], f->seqno);
	}
	dma_fence_put(dep);
	dma_fence_put(f);
}

/*
 * The state printer (debugfs shows the same text; a KUnit thread cannot
 * open it: kernel threads keep the initial root, not the UML hostfs root).
 */
static void queue_print_state(struct kunit *test)
{
	struct mock_ring *ring = mock_ring_new(test, 1, MOCK_MANUAL, test_wq(test));
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct fwsched_queue_stats st;
	struct dma_fence *f0, *f1;
	struct seq_buf s;
	char want[96];

	KUNIT_ASSERT_NOT_NULL(test, buf);
	f0 = mock_push(mock_job_new(ring, 1, 0));
	f1 = mock_push(mock_job_new(ring, 1, 0));
	KUNIT_ASSERT_TRUE(test, mock_ring_wait_ran(ring, 1));
	flush_workqueue(test_wq(test));

	seq_buf_init(&s, buf, PAGE_SIZE);
	fwsched_queue_print(ring->q, &s);
	seq_buf_str(&s);
	kunit_info(test, "%s", buf);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "queue mock-ring dev=fwsched-mock"));
	KUNIT_EXPECT_NOT_NULL(test,
			      strstr(buf, "state=running priority=normal slot=-1 credits=1/1"));
	snprintf(want, sizeof(want), "in_flight fence=%llu:%llu", f0->context, f0->seqno);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, want), "job in flight not listed");
	snprintf(want, sizeof(want), "pending fence=%llu:%llu", f1->context, f1->seqno);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, want), "pending job not listed");

	fwsched_queue_stats(ring->q, &st);
	KUNIT_EXPECT_EQ(test, st.pending, 1);
	KUNIT_EXPECT_EQ(test, st.in_flight, 1);
	KUNIT_EXPECT_EQ(test, st.jobs_completed, 0);

	KUNIT_EXPECT_EQ(test, mock_ring_complete(ring, 2, 0), 2);
	KUNIT_EXPECT_TRUE(test, mock_wait(f1, WAIT_MS));
	flush_workqueue(test_wq(test));
	fwsched_queue_stats(ring->q, &st);
	KUNIT_EXPECT_EQ(test, st.jobs_completed, 2);
	mock_ring_destroy(ring);
	dma_fence_put(f0);
	dma_fence_put(f1);
}

static struct kunit_case queue_test_cases[] = {
	KUNIT_CASE(queue_basic_submit),
	KUNIT_CASE_PARAM(queue_basic_test, basic_gen_params),
	KUNIT_CASE(queue_basic_entity_cleanup),
	KUNIT_CASE(queue_basic_cancel),
	KUNIT_CASE(queue_credits),
	KUNIT_CASE(queue_parallel_submit),
	KUNIT_CASE(queue_direct_run),
	KUNIT_CASE(queue_trace_order),
	KUNIT_CASE(queue_print_state),
	KUNIT_CASE(queue_dep_kinds),
	KUNIT_CASE(queue_dep_fan),
	KUNIT_CASE(queue_dep_dedup),
	KUNIT_CASE(queue_dep_same_context_error),
	KUNIT_CASE(queue_errors),
	KUNIT_CASE(queue_bad_input),
	KUNIT_CASE(queue_cleanup_armed),
	KUNIT_CASE(queue_stop_start),
	KUNIT_CASE_SLOW(queue_teardown_repeat),
	KUNIT_CASE(queue_destroy_async),
	KUNIT_CASE(queue_deadline_during_destroy),
	KUNIT_CASE(queue_start_after_destroy),
	KUNIT_CASE(queue_deadline_unpushed_destroyed),
	KUNIT_CASE(queue_deadline_before_push),
	KUNIT_CASE(queue_credit_limit_wrap),
	KUNIT_CASE(queue_push_after_destroy),
	KUNIT_CASE(queue_destroy_races_push),
	KUNIT_CASE(queue_runner_batch),
	KUNIT_CASE(queue_runner_chain),
	KUNIT_CASE(queue_kick_during_pass),
	KUNIT_CASE_SLOW(queue_stress),
	{}
};

static struct kunit_suite queue_test_suite = {
	.name = "fwsched_queue",
	.init = queue_test_init,
	.test_cases = queue_test_cases,
};

kunit_test_suite(queue_test_suite);

MODULE_DESCRIPTION("KUnit tests for fwsched queues");
MODULE_LICENSE("GPL");
