// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault: a KUnit case that fails.  The harness must report it.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>

static void selftest_fails(struct kunit *test)
{
	KUNIT_FAIL(test, "planted failure: the harness must catch this");
}

static struct kunit_case selftest_cases[] = {
	KUNIT_CASE(selftest_fails),
	{}
};

static struct kunit_suite selftest_suite = {
	.name = "fwsched_selftest_kunit",
	.test_cases = selftest_cases,
};

kunit_test_suite(selftest_suite);

MODULE_DESCRIPTION("fwsched harness self-check: a failing KUnit case");
MODULE_LICENSE("GPL");
