// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite fwsched_fence_outlive: loaded after fwsched_test_issuer and
 * fwsched.ko have been unloaded, it reads the fences fwsched_test_holder
 * kept, the way "cat /sys/kernel/debug/dma_buf/bufinfo" would.  This is the
 * use-after-free of the seed thread "Fix UAF in
 * drm_sched_fence_get_timeline_name"; KASAN judges every access.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "holder.h"

static void never_called(struct dma_fence *f, struct dma_fence_cb *cb)
{
}

static void outlive_test_fences(struct kunit *test)
{
	static const int want[] = { 1, -EIO, -ECANCELED };
	int i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		struct dma_fence *f = fwsched_test_held(i);
		const char __rcu *drv, *tln;
		struct dma_fence_cb cb;

		KUNIT_ASSERT_NOT_NULL_MSG(test, f, "holder has no fence %d", i);
		KUNIT_EXPECT_TRUE_MSG(test, dma_fence_is_signaled(f),
				      "fence %d outlived its issuer unsignalled", i);
		KUNIT_EXPECT_EQ(test, dma_fence_get_status(f), want[i]);
		KUNIT_EXPECT_NULL_MSG(test, rcu_access_pointer(f->ops),
				      "fence %d still points at fwsched's ops", i);
		rcu_read_lock();
		drv = dma_fence_driver_name(f);
		tln = dma_fence_timeline_name(f);
		KUNIT_EXPECT_STREQ(test, rcu_dereference(drv), "detached-driver");
		KUNIT_EXPECT_STREQ(test, rcu_dereference(tln), "signaled-timeline");
		rcu_read_unlock();
		KUNIT_EXPECT_EQ(test, dma_fence_add_callback(f, &cb, never_called), -ENOENT);
		KUNIT_EXPECT_GT(test, dma_fence_wait_timeout(f, true, 1), 0);
	}
	KUNIT_EXPECT_EQ_MSG(test, fwsched_test_watch_result(), -ECANCELED,
			    "the fence left pending was not cancelled on unload");
}

/* What debugfs dma_buf/bufinfo prints for a buffer's reservation object. */
static void outlive_test_bufinfo(struct kunit *test)
{
	struct dma_resv *resv = fwsched_test_held_resv();
	struct dma_fence *f = fwsched_test_held(2);
	struct seq_file seq = { };
	char want[48];

	KUNIT_ASSERT_NOT_NULL(test, f);
	seq.size = PAGE_SIZE;
	seq.buf = kunit_kzalloc(test, seq.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seq.buf);

	dma_resv_lock(resv, NULL);
	dma_resv_describe(resv, &seq);
	dma_resv_unlock(resv);
	seq.buf[min(seq.count, seq.size - 1)] = 0;

	kunit_info(test, "bufinfo:\n%s", seq.buf);
	/* The issuer's last fence, by context:seqno, reported signalled. */
	snprintf(want, sizeof(want), "%llu:%llu", f->context, f->seqno);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(seq.buf, want),
				  "bufinfo does not list fence %s", want);
	KUNIT_EXPECT_NOT_NULL(test, strstr(seq.buf, "signalled"));
	KUNIT_EXPECT_NULL(test, strstr(seq.buf, "unsignalled"));
	KUNIT_EXPECT_NULL_MSG(test, strstr(seq.buf, "issuer"),
			      "bufinfo still names the unloaded issuer");
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(resv, DMA_RESV_USAGE_BOOKKEEP));
	KUNIT_EXPECT_GT(test, dma_resv_wait_timeout(resv, DMA_RESV_USAGE_BOOKKEEP,
						    true, 1), 0);
}

static struct kunit_case outlive_test_cases[] = {
	KUNIT_CASE(outlive_test_fences),
	KUNIT_CASE(outlive_test_bufinfo),
	{}
};

static struct kunit_suite outlive_test_suite = {
	.name = "fwsched_fence_outlive",
	.test_cases = outlive_test_cases,
};

kunit_test_suite(outlive_test_suite);

MODULE_DESCRIPTION("KUnit: fwsched fences outlive their issuer and fwsched.ko");
MODULE_LICENSE("GPL");
