// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: fwsched's signalling path against memory reclaim.
 *
 * fwsched_shrinker registers a real shrinker whose scan waits on fwsched
 * finished fences, the way a GPU driver's buffer shrinker does, and drives
 * it under fs_reclaim_acquire() on one CPU while jobs flow on the other.
 * Lockdep (primed by fwsched at load) reports any allocation or
 * reclaim-dependent lock on the signalling path; the console judge fails
 * the boot on such a report.
 *
 * fwsched_fault makes every allocation fwsched does fail in turn (fail_nth
 * on fwsched's own fault attribute) and checks the clean -ENOMEM; kmemleak
 * at the end of the boot checks that nothing leaked.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>

#include "mock_fw.h"

#define HELD 64

struct shrink_ctx {
	spinlock_t lock;		/* @held, @head, @count */
	struct dma_fence *held[HELD];	/* finished fences, oldest first */
	unsigned int head, count;
	atomic_t waited;
	struct mock_ring *ring;
	struct work_struct submit;
	unsigned int jobs;
	bool stop;
};

static unsigned long shr_count(struct shrinker *s, struct shrink_control *sc)
{
	struct shrink_ctx *c = s->private_data;

	return READ_ONCE(c->count) ?: SHRINK_EMPTY;
}

/* Like a GPU buffer shrinker: wait for the GPU to be done with a buffer. */
static unsigned long shr_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct shrink_ctx *c = s->private_data;
	unsigned long freed = 0;

	while (freed < sc->nr_to_scan) {
		struct dma_fence *f = NULL;

		spin_lock(&c->lock);
		if (c->count) {
			f = c->held[c->head];
			c->held[c->head] = NULL;
			c->head = (c->head + 1) % HELD;
			c->count--;
		}
		spin_unlock(&c->lock);
		if (!f)
			break;
		if (dma_fence_wait_timeout(f, false, 10 * HZ) > 0)
			atomic_inc(&c->waited);
		dma_fence_put(f);
		freed++;
	}
	return freed ?: SHRINK_STOP;
}

static void shr_submit(struct work_struct *w)
{
	struct shrink_ctx *c = container_of(w, struct shrink_ctx, submit);
	unsigned int i;

	for (i = 0; i < c->jobs && !READ_ONCE(c->stop); i++) {
		struct mock_job *mj = mock_job_try_new(c->ring, 1, 0);
		struct dma_fence *f, *old = NULL;

		if (IS_ERR(mj))
			break;
		mj->duration_us = 50;
		fwsched_job_arm(&mj->base);
		f = dma_fence_get(fwsched_job_finished(&mj->base));
		fwsched_job_push(&mj->base);

		spin_lock(&c->lock);
		if (c->count == HELD) {
			old = c->held[c->head];
			c->head = (c->head + 1) % HELD;
			c->count--;
		}
		c->held[(c->head + c->count) % HELD] = f;
		c->count++;
		spin_unlock(&c->lock);
		dma_fence_put(old);
		cond_resched();
	}
}

static void shrinker_waits_on_fences(struct kunit *test)
{
	struct shrink_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct workqueue_struct *wq = alloc_workqueue("fwsched-shr", WQ_PERCPU, 0);
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL, .nr_to_scan = 4 };
	struct shrinker *s;
	unsigned int i, cpu;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, wq);
	spin_lock_init(&c->lock);
	c->jobs = 2000;
	c->ring = mock_ring_new(test, 8, MOCK_TIMER, NULL);

	s = shrinker_alloc(0, "fwsched-test");
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->count_objects = shr_count;
	s->scan_objects = shr_scan;
	s->private_data = c;
	shrinker_register(s);

	/* Jobs flow from the other CPU; we reclaim on this one. */
	INIT_WORK(&c->submit, shr_submit);
	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	queue_work_on(cpu < nr_cpu_ids ? cpu : raw_smp_processor_id(), wq, &c->submit);
	for (i = 0; i < 400; i++) {
		fs_reclaim_acquire(GFP_KERNEL);
		if (s->count_objects(s, &sc) != SHRINK_EMPTY)
			s->scan_objects(s, &sc);
		fs_reclaim_release(GFP_KERNEL);
		cond_resched();
	}
	flush_work(&c->submit);
	/* Drain what is left, still as reclaim would. */
	fs_reclaim_acquire(GFP_KERNEL);
	while (s->count_objects(s, &sc) != SHRINK_EMPTY)
		s->scan_objects(s, &sc);
	fs_reclaim_release(GFP_KERNEL);

	shrinker_free(s);
	destroy_workqueue(wq);
	mock_ring_destroy(c->ring);
	kunit_info(test, "shrinker waited on %d finished fences", atomic_read(&c->waited));
	KUNIT_EXPECT_GT_MSG(test, atomic_read(&c->waited), 0,
			    "the shrinker never waited on a fence");
	KUNIT_EXPECT_EQ(test, atomic_read(&c->ring->freed), (int)c->jobs);
	mock_expect_clean(test, c->ring);
}

static struct kunit_case shrinker_cases[] = {
	KUNIT_CASE_SLOW(shrinker_waits_on_fences),
	{}
};

static struct kunit_suite shrinker_suite = {
	.name = "fwsched_shrinker",
	.test_cases = shrinker_cases,
};

/* ---- fault injection ---------------------------------------------------------- */

#ifdef CONFIG_FAULT_INJECTION

/*
 * Run @call with its k-th slab allocation failing, k = 1, 2, ... until it
 * succeeds; every failure must be -ENOMEM.  Returns how many failures were
 * injected (0 means the sweep proved nothing).
 */
#define SWEEP(test, ok_expr, err_expr, cleanup)					\
({										\
	unsigned int __k, __injected = 0;					\
	for (__k = 1; __k < 16; __k++) {					\
		long __err;							\
		current->fail_nth = __k;					\
		__err = (err_expr);						\
		current->fail_nth = 0;						\
		if (ok_expr) {							\
			cleanup;						\
			break;							\
		}								\
		KUNIT_EXPECT_EQ_MSG(test, __err, (long)-ENOMEM,			\
				    "allocation %u failed unclean", __k);	\
		__injected++;							\
	}									\
	__injected;								\
})

static void fault_bind(struct fwsched_queue *queue, unsigned int slot)
{
}

static const struct fwsched_slot_ops fault_slot_ops = {
	.bind = fault_bind, .unbind = fault_bind,
};

static void fault_sweep(struct kunit *test)
{
	struct fwsched_queue_args args = {
		.ops = &mock_ops, .name = "fault", .driver_name = "fwsched-test",
		.credit_limit = 4,
	};
	struct fwsched_timeline *tl = NULL;
	struct fwsched_queue *q = NULL;
	struct fwsched_fence *f = NULL;
	struct fwsched_job job;
	unsigned int n;
	int ret = 0;

	n = SWEEP(test, !IS_ERR(tl),
		  PTR_ERR(tl = fwsched_timeline_create("fwsched-test", "fault")),
		  fwsched_timeline_destroy(tl));
	KUNIT_EXPECT_EQ_MSG(test, n, 1, "timeline_create: no failure injected");

	n = SWEEP(test, f, (f = fwsched_fence_alloc(GFP_KERNEL)) ? 0 : -ENOMEM,
		  fwsched_fence_free(f));
	KUNIT_EXPECT_EQ_MSG(test, n, 1, "fence_alloc: no failure injected");

	/* With a slot pool and no group: its own slot holder too. */
	args.pool = fwsched_slot_pool_create(&(struct fwsched_slot_pool_args){
		.ops = &fault_slot_ops, .nr_slots = 1 });
	KUNIT_ASSERT_FALSE(test, IS_ERR(args.pool));
	n = SWEEP(test, !IS_ERR(q), PTR_ERR(q = fwsched_queue_create(&args)),
		  fwsched_queue_destroy(q));
	KUNIT_EXPECT_EQ(test, fwsched_slot_pool_destroy(args.pool), 0);
	args.pool = NULL;
	KUNIT_EXPECT_EQ_MSG(test, n, 3, "queue_create, pool: not every allocation failed once");

	n = SWEEP(test, !IS_ERR(q), PTR_ERR(q = fwsched_queue_create(&args)), (void)0);
	KUNIT_EXPECT_EQ_MSG(test, n, 2, "queue_create: not every allocation failed once");
	KUNIT_ASSERT_FALSE(test, IS_ERR(q));

	n = SWEEP(test, !ret, (long)(ret = fwsched_job_init(&job, q, 1, 8)),
		  fwsched_job_cleanup(&job));
	KUNIT_EXPECT_EQ_MSG(test, n, 1, "job_init: no failure injected");

	fwsched_queue_destroy(q);
}
#else
static void fault_sweep(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_FAULT_INJECTION (the debug kernel has it)");
}
#endif

static struct kunit_case fault_cases[] = {
	KUNIT_CASE(fault_sweep),
	{}
};

static struct kunit_suite fault_suite = {
	.name = "fwsched_fault",
	.test_cases = fault_cases,
};

kunit_test_suites(&shrinker_suite, &fault_suite);

MODULE_DESCRIPTION("KUnit: fwsched's signalling path against reclaim, and allocation failures");
MODULE_LICENSE("GPL");
