// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched_test_issuer: creates a timeline whose names live in this module,
 * issues three fences and hands them to fwsched_test_holder.  One succeeds,
 * one fails with -EIO, one is still pending when the module is unloaded and
 * is cancelled by fwsched_timeline_destroy().  Test-only.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/module.h>

#include <fwsched/fence.h>

#include "holder.h"

static const char issuer_driver[] = "fwsched-test-issuer";
static struct fwsched_timeline *tl;

static int __init issuer_init(void)
{
	struct fwsched_fence *f[3];
	int i, ret = 0;

	tl = fwsched_timeline_create(issuer_driver, "issuer-ring");
	if (IS_ERR(tl))
		return PTR_ERR(tl);

	for (i = 0; i < 3; i++) {
		f[i] = fwsched_fence_alloc(GFP_KERNEL);
		if (!f[i]) {
			ret = -ENOMEM;
			break;
		}
		fwsched_fence_arm(f[i], tl);
		if (!ret)
			ret = fwsched_test_hold(i, &f[i]->base);
	}
	if (!ret)
		ret = fwsched_test_watch(&f[2]->base);
	if (!ret) {
		fwsched_fence_signal(f[0], 0);
		fwsched_fence_signal(f[1], -EIO);
	}
	while (i--)
		fwsched_fence_free(f[i]);
	if (ret)
		fwsched_timeline_destroy(tl);
	return ret;
}

static void __exit issuer_exit(void)
{
	/* The third fence is still pending: this cancels it. */
	fwsched_timeline_destroy(tl);
}

module_init(issuer_init);
module_exit(issuer_exit);
MODULE_DESCRIPTION("fwsched test: issues fences, then goes away");
MODULE_LICENSE("GPL");
