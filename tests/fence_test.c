// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for fwsched fences and timelines.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/dma-fence-array.h>
#include <linux/hrtimer.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <fwsched/fence.h>

/* Test-only: the owner-reused case sizes its junk like a timeline. */
#include "../fwsched/internal.h"

#define WAIT_MS 5000

static struct fwsched_timeline *tl_create(struct kunit *test, const char *name)
{
	struct fwsched_timeline *tl = fwsched_timeline_create("fwsched-test", name);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(tl), "timeline_create failed: %ld",
			       PTR_ERR(tl));
	return tl;
}

static struct fwsched_fence *fence_armed(struct kunit *test,
					 struct fwsched_timeline *tl)
{
	struct fwsched_fence *f = fwsched_fence_alloc(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	fwsched_fence_arm(f, tl);
	return f;
}

/* Copy the names the dma-fence core reports, safely, into @drv and @tln. */
static void fence_names(struct dma_fence *f, char *drv, char *tln, size_t len)
{
	const char __rcu *d, *t;

	rcu_read_lock();
	d = dma_fence_driver_name(f);
	t = dma_fence_timeline_name(f);
	strscpy(drv, rcu_dereference(d), len);
	strscpy(tln, rcu_dereference(t), len);
	rcu_read_unlock();
}

static void fence_test_bad_names(struct kunit *test)
{
	char longname[80];

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;

	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_timeline_create(NULL, "a")), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_timeline_create("a", NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_timeline_create("", "a")), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(fwsched_timeline_create("a", longname)), -EINVAL);
	fwsched_timeline_destroy(NULL);
	fwsched_fence_free(NULL);
}

static void fence_test_basic(struct kunit *test)
{
	struct fwsched_timeline *tl = tl_create(test, "basic");
	struct fwsched_fence *a = fence_armed(test, tl);
	struct fwsched_fence *b = fence_armed(test, tl);
	char drv[32], tln[32];

	KUNIT_EXPECT_EQ(test, a->base.context, fwsched_timeline_context(tl));
	KUNIT_EXPECT_EQ(test, b->base.context, fwsched_timeline_context(tl));
	KUNIT_EXPECT_EQ(test, b->base.seqno, a->base.seqno + 1);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_later(&b->base, &a->base));
	KUNIT_EXPECT_TRUE(test, fwsched_fence_is_fwsched(&a->base));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&a->base));

	fence_names(&a->base, drv, tln, sizeof(drv));
	KUNIT_EXPECT_STREQ(test, drv, "fwsched-test");
	KUNIT_EXPECT_STREQ(test, tln, "basic");

	fwsched_fence_signal(a, 0);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(&a->base));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&a->base), 1);
	/* Detached: the core cleared the ops, nothing points into fwsched. */
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(a->base.ops));
	KUNIT_EXPECT_FALSE(test, fwsched_fence_is_fwsched(&a->base));
	fence_names(&a->base, drv, tln, sizeof(drv));
	KUNIT_EXPECT_STREQ(test, drv, "detached-driver");
	KUNIT_EXPECT_STREQ(test, tln, "signaled-timeline");

	fwsched_fence_signal(b, 0);
	fwsched_timeline_destroy(tl);
	fwsched_fence_free(a);
	fwsched_fence_free(b);
}

static void fence_test_unarmed_free(struct kunit *test)
{
	struct fwsched_fence *f = fwsched_fence_alloc(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	fwsched_fence_free(f);	/* kmemleak and KASAN judge this one */
}

static void fence_test_error(struct kunit *test)
{
	struct fwsched_timeline *tl = tl_create(test, "error");
	struct fwsched_fence *a = fence_armed(test, tl);
	struct fwsched_fence *b = fence_armed(test, tl);
	struct dma_fence **fences;
	struct dma_fence_array *array;

	/* An array waiting on both carries the first error it sees. */
	fences = kmalloc_array(2, sizeof(*fences), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fences);
	fences[0] = dma_fence_get(&a->base);
	fences[1] = dma_fence_get(&b->base);
	array = dma_fence_array_create(2, fences, dma_fence_context_alloc(1), 1);
	KUNIT_ASSERT_NOT_NULL(test, array);

	fwsched_fence_signal(a, 0);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&array->base));
	fwsched_fence_signal(b, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&b->base), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&a->base), 1);
	KUNIT_EXPECT_GT_MSG(test, dma_fence_wait_timeout(&array->base, false,
							 msecs_to_jiffies(WAIT_MS)), 0,
			    "fence array did not signal after its fences did");
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&array->base), -ETIMEDOUT);

	dma_fence_put(&array->base);
	fwsched_timeline_destroy(tl);
	fwsched_fence_free(a);
	fwsched_fence_free(b);
}

#define ORDER_N 8

struct order_rec {
	u64 seen[ORDER_N];
	atomic_t n;
};

struct order_cb {
	struct dma_fence_cb cb;
	struct order_rec *r;
};

static void order_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct order_rec *r = container_of(cb, struct order_cb, cb)->r;
	int i = atomic_inc_return(&r->n) - 1;

	if (i < ORDER_N)
		r->seen[i] = f->seqno;
}

/* Completing fences out of order never signals them out of order. */
static void fence_test_order(struct kunit *test)
{
	struct fwsched_timeline *tl = tl_create(test, "order");
	struct fwsched_fence *f[ORDER_N];
	struct order_cb cbs[ORDER_N];
	struct order_rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < ORDER_N; i++) {
		f[i] = fence_armed(test, tl);
		cbs[i].r = r;
		KUNIT_ASSERT_EQ(test, dma_fence_add_callback(&f[i]->base, &cbs[i].cb,
							     order_cb), 0);
	}

	/* Complete from the last to the second: nothing may signal. */
	for (i = ORDER_N - 1; i >= 1; i--) {
		fwsched_fence_signal(f[i], i == 3 ? -EIO : 0);
		KUNIT_EXPECT_FALSE_MSG(test, dma_fence_is_signaled(&f[i]->base),
				       "fence %d signalled before fence 0", i);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&r->n), 0);

	/* The first one releases them all, in seqno order, errors kept. */
	fwsched_fence_signal(f[0], 0);
	KUNIT_ASSERT_EQ(test, atomic_read(&r->n), ORDER_N);
	for (i = 0; i < ORDER_N; i++) {
		KUNIT_EXPECT_EQ(test, r->seen[i], f[i]->base.seqno);
		KUNIT_EXPECT_EQ(test, dma_fence_get_status(&f[i]->base),
				i == 3 ? -EIO : 1);
	}

	fwsched_timeline_destroy(tl);
	for (i = 0; i < ORDER_N; i++)
		fwsched_fence_free(f[i]);
}

/* Destroying a timeline signals what is left with -ECANCELED. */
static void fence_test_destroy_cancels(struct kunit *test)
{
	struct fwsched_timeline *tl = tl_create(test, "cancel");
	struct fwsched_fence *a = fence_armed(test, tl);
	struct fwsched_fence *b = fence_armed(test, tl);
	struct fwsched_fence *c = fence_armed(test, tl);

	fwsched_fence_signal(a, 0);
	fwsched_fence_signal(c, -EIO);	/* held back behind b */
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&c->base));
	fwsched_timeline_destroy(tl);

	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&a->base), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&b->base), -ECANCELED);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&c->base), -EIO);
	fwsched_fence_free(a);
	fwsched_fence_free(b);
	fwsched_fence_free(c);
}

struct reenter {
	struct dma_fence_cb cb;
	struct fwsched_fence *next;
};

static void reenter_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct reenter *r = container_of(cb, struct reenter, cb);

	fwsched_fence_signal(r->next, 0);
}

/* A callback may complete another fence of the same timeline. */
static void fence_test_reenter(struct kunit *test)
{
	struct fwsched_timeline *tl = tl_create(test, "reenter");
	struct fwsched_fence *a = fence_armed(test, tl);
	struct fwsched_fence *b = fence_armed(test, tl);
	struct reenter r = { .next = b };

	KUNIT_ASSERT_EQ(test, dma_fence_add_callback(&a->base, &r.cb, reenter_cb), 0);
	fwsched_fence_signal(a, 0);
	KUNIT_EXPECT_TRUE_MSG(test, dma_fence_is_signaled(&b->base),
			      "fence completed from a callback was not signalled");
	fwsched_timeline_destroy(tl);
	fwsched_fence_free(a);
	fwsched_fence_free(b);
}

struct irq_signal {
	struct hrtimer timer;
	struct fwsched_fence *f;
};

static enum hrtimer_restart irq_signal_fn(struct hrtimer *t)
{
	struct irq_signal *s = container_of(t, struct irq_signal, timer);

	fwsched_fence_signal(s->f, 0);
	return HRTIMER_NORESTART;
}

/*
 * Signalling from an interrupt (an hrtimer) works and wakes a waiter.  Not
 * HRTIMER_MODE_HARD: fence locks are spinlock_t, which PREEMPT_RT (and
 * PROVE_RAW_LOCK_NESTING) forbid there; without PREEMPT_RT this timer still
 * expires in hard interrupt context.
 */
static void fence_test_irq(struct kunit *test)
{
	struct fwsched_timeline *tl = tl_create(test, "irq");
	struct irq_signal s = { .f = fence_armed(test, tl) };

	hrtimer_setup_on_stack(&s.timer, irq_signal_fn, CLOCK_MONOTONIC,
			       HRTIMER_MODE_REL);
	hrtimer_start(&s.timer, us_to_ktime(100), HRTIMER_MODE_REL);
	KUNIT_EXPECT_GT_MSG(test, dma_fence_wait_timeout(&s.f->base, false,
							 msecs_to_jiffies(WAIT_MS)), 0,
			    "fence signalled from an hrtimer never woke the waiter");
	hrtimer_cancel(&s.timer);
	destroy_hrtimer_on_stack(&s.timer);
	fwsched_timeline_destroy(tl);
	fwsched_fence_free(s.f);
}

#define RACE_N 2000

struct race {
	struct work_struct work;
	struct fwsched_fence **f;
	u64 last;
	atomic_t bad, count;
};

struct race_cb {
	struct dma_fence_cb cb;
	struct race *r;
};

static void race_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct race *r = container_of(cb, struct race_cb, cb)->r;

	/* Callbacks run one at a time per timeline (single drainer). */
	if (f->seqno <= READ_ONCE(r->last))
		atomic_inc(&r->bad);
	WRITE_ONCE(r->last, f->seqno);
	atomic_inc(&r->count);
}

static void race_work(struct work_struct *w)
{
	struct race *r = container_of(w, struct race, work);
	int i;

	for (i = RACE_N - 1; i >= 0; i -= 2)
		fwsched_fence_signal(r->f[i], 0);
}

/* Two CPUs complete interleaved fences in opposite orders. */
static void fence_test_race(struct kunit *test)
{
	struct fwsched_timeline *tl = tl_create(test, "race");
	struct race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct race_cb *cbs;
	int i, cpu;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->f = kunit_kcalloc(test, RACE_N, sizeof(*r->f), GFP_KERNEL);
	cbs = kunit_kcalloc(test, RACE_N, sizeof(*cbs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->f);
	KUNIT_ASSERT_NOT_NULL(test, cbs);
	for (i = 0; i < RACE_N; i++) {
		r->f[i] = fence_armed(test, tl);
		cbs[i].r = r;
		dma_fence_add_callback(&r->f[i]->base, &cbs[i].cb, race_cb);
	}

	INIT_WORK(&r->work, race_work);
	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	if (cpu >= nr_cpu_ids)
		cpu = raw_smp_processor_id();
	queue_work_on(cpu, system_dfl_wq, &r->work);
	for (i = 0; i < RACE_N; i += 2)
		fwsched_fence_signal(r->f[i], 0);
	flush_work(&r->work);

	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r->count), RACE_N,
			    "not every completed fence was signalled");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r->bad), 0,
			    "fences signalled out of seqno order");
	for (i = 0; i < RACE_N; i++) {
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(&r->f[i]->base));
		fwsched_fence_free(r->f[i]);
	}
	fwsched_timeline_destroy(tl);
}

/*
 * The seed's bug: a dependency on a fence whose owner was destroyed and
 * whose memory was reused.  KASAN judges every access.
 */
static void fence_test_owner_reused(struct kunit *test)
{
	struct fwsched_timeline *tl = tl_create(test, "reused");
	struct fwsched_fence *f = fence_armed(test, tl);
	struct dma_fence_cb cb;
	void *junk[64];
	char drv[32], tln[32];
	int i;

	fwsched_fence_signal(f, -EIO);
	fwsched_timeline_destroy(tl);
	/* Let the timeline really be freed (call_rcu), then reuse its memory. */
	rcu_barrier();
	for (i = 0; i < ARRAY_SIZE(junk); i++) {
		junk[i] = kmalloc(sizeof(*tl) + 16, GFP_KERNEL);
		if (junk[i])
			memset(junk[i], 0x6b, sizeof(*tl) + 16);
	}

	fence_names(&f->base, drv, tln, sizeof(drv));
	KUNIT_EXPECT_STREQ(test, tln, "signaled-timeline");
	KUNIT_EXPECT_EQ(test, dma_fence_add_callback(&f->base, &cb, order_cb),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&f->base), -EIO);
	KUNIT_EXPECT_GT(test, dma_fence_wait_timeout(&f->base, false, 1), 0);

	for (i = 0; i < ARRAY_SIZE(junk); i++)
		kfree(junk[i]);
	fwsched_fence_free(f);
}

static struct kunit_case fence_test_cases[] = {
	KUNIT_CASE(fence_test_bad_names),
	KUNIT_CASE(fence_test_basic),
	KUNIT_CASE(fence_test_unarmed_free),
	KUNIT_CASE(fence_test_error),
	KUNIT_CASE(fence_test_order),
	KUNIT_CASE(fence_test_destroy_cancels),
	KUNIT_CASE(fence_test_reenter),
	KUNIT_CASE(fence_test_irq),
	KUNIT_CASE(fence_test_race),
	KUNIT_CASE(fence_test_owner_reused),
	{}
};

static struct kunit_suite fence_test_suite = {
	.name = "fwsched_fence",
	.test_cases = fence_test_cases,
};

kunit_test_suite(fence_test_suite);

MODULE_DESCRIPTION("KUnit tests for fwsched fences");
MODULE_LICENSE("GPL");
