// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault: an AB-BA lock order inversion, taken one after the other so
 * that nothing deadlocks but lockdep must report it.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/module.h>
#include <linux/mutex.h>

static DEFINE_MUTEX(lock_a);
static DEFINE_MUTEX(lock_b);

static int __init inversion_init(void)
{
	mutex_lock(&lock_a);
	mutex_lock(&lock_b);
	mutex_unlock(&lock_b);
	mutex_unlock(&lock_a);

	mutex_lock(&lock_b);
	mutex_lock(&lock_a);
	mutex_unlock(&lock_a);
	mutex_unlock(&lock_b);
	return 0;
}

static void __exit inversion_exit(void)
{
}

module_init(inversion_init);
module_exit(inversion_exit);
MODULE_DESCRIPTION("fwsched harness self-check: a lockdep inversion");
MODULE_LICENSE("GPL");
