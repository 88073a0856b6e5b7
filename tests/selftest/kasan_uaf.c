// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault: a use-after-free in a worker thread, where KUnit would not
 * see it.  Only KASAN's console report can tell the harness.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

static void uaf_fn(struct work_struct *w)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("fwsched selftest: planted use-after-free reads %d\n", p[0]);
}

static DECLARE_WORK(uaf_work, uaf_fn);

static int __init uaf_init(void)
{
	queue_work(system_dfl_wq, &uaf_work);
	flush_work(&uaf_work);
	return 0;
}

static void __exit uaf_exit(void)
{
}

module_init(uaf_init);
module_exit(uaf_exit);
MODULE_DESCRIPTION("fwsched harness self-check: a KASAN use-after-free");
MODULE_LICENSE("GPL");
