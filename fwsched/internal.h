/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwsched internals shared between its source files; not for drivers.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#ifndef _FWSCHED_INTERNAL_H_
#define _FWSCHED_INTERNAL_H_

#include <linux/lockdep.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <fwsched/fence.h>

#define FWSCHED_VERSION "0.1"

/* fence.c */
struct fwsched_fence *fwsched_fence_alloc_extra(size_t extra, gfp_t gfp);
void __fwsched_fence_arm(struct fwsched_fence *fence, struct fwsched_timeline *tl,
			 struct lock_class_key *key);

/**
 * fwsched_fence_extra() - the bytes allocated after a fence
 * @f: a fence from fwsched_fence_alloc_extra()
 *
 * Return: the start of the extra bytes.
 */
static inline void *fwsched_fence_extra(struct fwsched_fence *f)
{
	return f + 1;
}

/* main.c: fwsched's own workqueues. */
extern struct workqueue_struct *fwsched_wq;
extern struct workqueue_struct *fwsched_destroy_wq;

#endif /* _FWSCHED_INTERNAL_H_ */
