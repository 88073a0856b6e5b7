// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched_test_holder: a resident module that holds fences the way a shared
 * dma-buf does, while their issuer, their timeline's module and fwsched.ko
 * go away.  It deliberately uses no fwsched symbol, so that it does not pin
 * fwsched.ko.  Test-only.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/module.h>

#include "holder.h"

static struct dma_fence *held[FWSCHED_TEST_HOLD_MAX];
static struct dma_resv resv;

static struct dma_fence_cb watch_cb;
static atomic_t watch_result = ATOMIC_INIT(1);	/* 1: not fired yet */

/**
 * fwsched_test_hold() - keep a reference to @f and add it to the dma_resv
 * @slot: index below FWSCHED_TEST_HOLD_MAX
 * @f: the fence
 *
 * Return: 0, -EINVAL for a bad or used slot, or a dma_resv error.
 */
int fwsched_test_hold(unsigned int slot, struct dma_fence *f)
{
	int ret;

	if (slot >= FWSCHED_TEST_HOLD_MAX || held[slot])
		return -EINVAL;
	dma_resv_lock(&resv, NULL);
	ret = dma_resv_reserve_fences(&resv, 1);
	if (!ret)
		dma_resv_add_fence(&resv, f, DMA_RESV_USAGE_WRITE);
	dma_resv_unlock(&resv);
	if (!ret)
		held[slot] = dma_fence_get(f);
	return ret;
}
EXPORT_SYMBOL_GPL(fwsched_test_hold);

/**
 * fwsched_test_held() - a fence kept by fwsched_test_hold()
 * @slot: its index
 *
 * Return: the fence (borrowed: the holder keeps its reference), or NULL.
 */
struct dma_fence *fwsched_test_held(unsigned int slot)
{
	return slot < FWSCHED_TEST_HOLD_MAX ? held[slot] : NULL;
}
EXPORT_SYMBOL_GPL(fwsched_test_held);

/**
 * fwsched_test_held_resv() - the reservation object the held fences are in
 *
 * Return: the holder's dma_resv.
 */
struct dma_resv *fwsched_test_held_resv(void)
{
	return &resv;
}
EXPORT_SYMBOL_GPL(fwsched_test_held_resv);

static void watch_fn(struct dma_fence *f, struct dma_fence_cb *cb)
{
	atomic_set(&watch_result, f->error);
}

/**
 * fwsched_test_watch() - record the status @f signals with
 * @f: the fence; one watch at a time
 *
 * Return: 0, or -ENOENT if @f has already signalled.
 */
int fwsched_test_watch(struct dma_fence *f)
{
	return dma_fence_add_callback(f, &watch_cb, watch_fn);
}
EXPORT_SYMBOL_GPL(fwsched_test_watch);

/**
 * fwsched_test_watch_result() - what the watched fence signalled with
 *
 * Return: 1 if it has not signalled, else its error (0 for success).
 */
int fwsched_test_watch_result(void)
{
	return atomic_read(&watch_result);
}
EXPORT_SYMBOL_GPL(fwsched_test_watch_result);

static int __init holder_init(void)
{
	dma_resv_init(&resv);
	return 0;
}

static void __exit holder_exit(void)
{
	int i;

	dma_resv_fini(&resv);
	for (i = 0; i < FWSCHED_TEST_HOLD_MAX; i++)
		dma_fence_put(held[i]);
}

module_init(holder_init);
module_exit(holder_exit);
MODULE_DESCRIPTION("fwsched test: holds fences across module unloads");
MODULE_LICENSE("GPL");
