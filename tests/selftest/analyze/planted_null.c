// SPDX-License-Identifier: GPL-2.0
/*
 * Planted for the Clang static analyzer: a NULL dereference on one path.
 * "make check-selftest" fails unless the analyzer reports it.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#include <linux/module.h>

static int __maybe_unused planted_null_read(int x)
{
	int *p = NULL;

	if (x > 1)
		p = &x;
	return *p;
}

MODULE_DESCRIPTION("fwsched: planted analyzer defect");
MODULE_LICENSE("GPL");
