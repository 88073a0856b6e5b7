/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwsched_e2e_buf's one in-kernel entry point.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#ifndef _FWSCHED_E2E_BUF_H_
#define _FWSCHED_E2E_BUF_H_

struct dma_fence;

int fwsched_e2e_buf_keep(struct dma_fence *f);

#endif /* _FWSCHED_E2E_BUF_H_ */
