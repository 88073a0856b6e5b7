/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwsched_test_holder: keeps dma_fences (and a dma_resv full of them) alive
 * across the unloading of the modules that issued them.  Test-only.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#ifndef _FWSCHED_TEST_HOLDER_H_
#define _FWSCHED_TEST_HOLDER_H_

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>

#define FWSCHED_TEST_HOLD_MAX 4

int fwsched_test_hold(unsigned int slot, struct dma_fence *f);
struct dma_fence *fwsched_test_held(unsigned int slot);
struct dma_resv *fwsched_test_held_resv(void);
int fwsched_test_watch(struct dma_fence *f);
int fwsched_test_watch_result(void);

#endif /* _FWSCHED_TEST_HOLDER_H_ */
