// SPDX-License-Identifier: GPL-2.0
/*
 * Planted for sparse: an __rcu pointer dereferenced without
 * rcu_dereference(), and an __iomem pointer read as plain memory.
 * "make check-selftest" fails unless sparse reports both.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

struct planted {
	int __rcu *value;
	void __iomem *reg;
};

static int __maybe_unused planted_sparse_read(struct planted *p)
{
	return *p->value + *(u32 *)p->reg;
}

MODULE_DESCRIPTION("fwsched: planted sparse defect");
MODULE_LICENSE("GPL");
