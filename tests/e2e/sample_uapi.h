/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The userspace interface of the fwsched sample driver and of the e2e
 * test's dma-buf exporter.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#ifndef _FWSCHED_SAMPLE_UAPI_H_
#define _FWSCHED_SAMPLE_UAPI_H_

#include <linux/ioctl.h>
#include <linux/types.h>

#define SAMPLE_MAX_DEPS	4

/*
 * Each open file of /dev/fwsched_sample is one queue (one firmware ring of
 * 16 credits, normal priority); closing it destroys the queue.
 */

/* Submit one job; its finished fence comes back as a sync_file. */
/* A job the firmware never finishes by itself: it hangs until destroyed. */
#define SAMPLE_HANG	0xffffffffu

struct sample_submit {
	__u32 duration_us;		/* firmware time, at most 1 s, or SAMPLE_HANG */
	__s32 in_fds[SAMPLE_MAX_DEPS];	/* sync_file fds to wait for, or -1 */
	__s32 out_fd;			/* out: sync_file of the finished fence */
};

#define SAMPLE_IOC_SUBMIT	_IOWR('F', 1, struct sample_submit)
#define SAMPLE_IOC_PRIORITY	_IO('F', 2)	/* arg: 0 (low) .. 3 (realtime) */

/* The exporter: a one-page dma-buf, returned as an fd. */
#define E2E_BUF_IOC_ALLOC	_IOR('G', 1, __s32)

#endif /* _FWSCHED_SAMPLE_UAPI_H_ */
