// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched-e2e: real userspace against the sample driver, in the UML test
 * kernel.  Built static for the busybox root; prints KTAP as suite
 * "fwsched_e2e", which scripts/ktap.py judges with the kernel's reports.
 *
 *  1. dependent jobs across queues, waited for with poll() on sync_files;
 *  2. bad ioctl input gets a clear errno;
 *  3. a process killed with jobs in flight leaves no queue behind
 *     (read back from /sys/kernel/debug/fwsched/queues);
 *  4. sync_files and a dma-buf's reservation object keep fwsched fences
 *     while the queue is destroyed (its file closed), and the sample
 *     module and fwsched.ko are unloaded; then SYNC_IOC_FILE_INFO and
 *     /sys/kernel/debug/dma_buf/bufinfo are read.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/sync_file.h>

#include "sample_uapi.h"

/* Results printed below; KTAP (and kunit_parser.py) want the plan first. */
#define E2E_TESTS 20

static int ntest, nfail;

static void result(int ok, const char *name, const char *why)
{
	ntest++;
	if (!ok)
		nfail++;
	if (!ok && why)
		printf("    # %s: %s\n", name, why);
	printf("    %s %d %s\n", ok ? "ok" : "not ok", ntest, name);
	fflush(stdout);
}

/* A queue is an open file of the sample device. */
static int create(unsigned int prio)
{
	int q = open("/dev/fwsched_sample", O_RDWR);

	if (q < 0)
		return -errno;
	if (ioctl(q, SAMPLE_IOC_PRIORITY, prio)) {
		close(q);
		return -errno;
	}
	return q;
}

/*
 * Submit; returns the out sync_file fd or -errno.  With @buf, the finished
 * fence is also attached to that dma-buf (DMA_BUF_IOCTL_IMPORT_SYNC_FILE).
 */
static int submit(int q, unsigned int us, int dep, int buf)
{
	struct sample_submit s = {
		.duration_us = us, .in_fds = { dep, -1, -1, -1 },
	};
	struct dma_buf_import_sync_file imp = { .flags = DMA_BUF_SYNC_WRITE };

	if (ioctl(q, SAMPLE_IOC_SUBMIT, &s))
		return -errno;
	imp.fd = s.out_fd;
	if (buf >= 0 && ioctl(buf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp)) {
		close(s.out_fd);
		return -errno;
	}
	return s.out_fd;
}

static int wait_fd(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* Status of a sync_file (1 signalled, <0 error, 0 pending) and its names. */
static int fence_info(int fd, char *names, size_t len)
{
	struct sync_fence_info fi[4];
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	memset(fi, 0, sizeof(fi));
	info.num_fences = 4;
	info.sync_fence_info = (unsigned long)fi;
	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info))
		return -1000 - errno;
	snprintf(names, len, "file=%s fence0=%s/%s status=%d", info.name,
		 fi[0].driver_name, fi[0].obj_name, fi[0].status);
	return info.status;
}

static int slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while (total < (ssize_t)len - 1 && (n = read(fd, buf + total, len - 1 - total)) > 0)
		total += n;
	buf[total] = 0;
	close(fd);
	return total;
}

/* sw_sync (debugfs): a fence this program signals when it chooses. */
struct sw_sync_create_fence_data {
	__u32 value;
	char name[32];
	__s32 fence;
};

#define SW_SYNC_IOC_CREATE_FENCE _IOWR('W', 0, struct sw_sync_create_fence_data)
#define SW_SYNC_IOC_INC _IOW('W', 1, __u32)

static int sw_fence(int timeline, unsigned int value)
{
	struct sw_sync_create_fence_data d = { .value = value, .name = "e2e-gate" };

	if (timeline < 0 || ioctl(timeline, SW_SYNC_IOC_CREATE_FENCE, &d))
		return -1;
	return d.fence;
}

/*
 * a waits for a gate this program holds; b (on another queue) waits for a.
 * Order, not time, decides: while the gate is closed neither may signal
 * (nothing can run a), and at every poll afterwards b signalled implies a
 * signalled.  A loaded machine only makes the polls see fewer states.
 */
static void test_deps(void)
{
	int q0 = create(1), q1 = create(2), a = -1, b = -1, st, i;
	int tl = open("/sys/kernel/debug/sync/sw_sync", O_RDWR);
	int gate = sw_fence(tl, 1), misordered = 0, b_done = 0;
	char names[200] = "";
	__u32 one = 1;

	result(tl >= 0 && gate >= 0, "sw_sync_gate", "no sw_sync timeline");
	if (gate >= 0)
		a = submit(q0, 20000, gate, -1);
	b = a >= 0 ? submit(q1, 1000, a, -1) : -1;
	result(q0 >= 0 && q1 >= 0 && a >= 0 && b >= 0, "submit_dependent_jobs", "submit failed");
	/* The gate is closed: the whole chain must wait, however long this takes. */
	result(a >= 0 && b >= 0 && !wait_fd(a, 0) && !wait_fd(b, 0),
	       "dependent_waits", "signalled before its dependency could run");
	result(tl >= 0 && !ioctl(tl, SW_SYNC_IOC_INC, &one), "open_gate", "SW_SYNC_IOC_INC");
	for (i = 0; b >= 0 && i < 30000 && !b_done; i++) {
		b_done = wait_fd(b, 1);
		/* Read b first: if b had signalled, a must have before. */
		if (b_done && !wait_fd(a, 0))
			misordered++;
	}
	result(b_done, "poll_sync_file", "never signalled");
	result(!misordered, "dependent_after_dependency", "b signalled before a");
	st = b >= 0 ? fence_info(b, names, sizeof(names)) : -1;
	printf("    # %s\n", names);
	result(st == 1 && wait_fd(a, 0), "finished_in_order", "bad status");
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	if (gate >= 0)
		close(gate);
	if (tl >= 0)
		close(tl);
	close(q0);
	close(q1);
}

static void test_bad_input(void)
{
	int q = create(0);

	result(q >= 0 && ioctl(q, SAMPLE_IOC_PRIORITY, 9) && errno == EINVAL,
	       "bad_priority", "accepted");
	result(submit(q, 10, 12345, -1) == -EINVAL, "bad_dependency_fd", "accepted");
	result(submit(q, 5000000, -1, -1) == -EINVAL, "bad_duration", "accepted");
	result(ioctl(q, SAMPLE_IOC_SUBMIT, NULL) && errno == EFAULT, "bad_pointer", "accepted");
	result(ioctl(q, _IO('F', 42)) && errno == ENOTTY, "unknown_ioctl", "accepted");
	close(q);
}

static void test_kill(void)
{
	static char buf[65536];
	char tag[32];
	int pipefd[2], status, i;
	pid_t pid;

	if (pipe(pipefd))
		return result(0, "kill_with_jobs_in_flight", "pipe");
	pid = fork();
	if (!pid) {
		int q = create(1);

		for (i = 0; i < 4; i++)
			submit(q, SAMPLE_HANG, -1, -1);	/* in flight when killed */
		write(pipefd[1], "r", 1);
		pause();
		_exit(0);
	}
	read(pipefd[0], tag, 1);
	snprintf(tag, sizeof(tag), "sample-%d-", pid);
	slurp("/sys/kernel/debug/fwsched/queues", buf, sizeof(buf));
	result(!!strstr(buf, tag), "debugfs_shows_queue", "queue missing from debugfs");
	printf("%s", buf);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	slurp("/sys/kernel/debug/fwsched/queues", buf, sizeof(buf));
	result(!strstr(buf, tag), "killed_process_queues_gone", "queue left behind");
}

static void test_outlive(int bufdev)
{
	static char info[65536];
	int q = create(3), buf = -1, f1, f2, st;
	char names[200] = "";

	if (ioctl(bufdev, E2E_BUF_IOC_ALLOC, &buf))
		buf = -1;
	f1 = submit(q, 1000, -1, buf);
	f2 = submit(q, SAMPLE_HANG, -1, buf);	/* on the hardware at destroy, whatever the load */
	result(buf >= 0 && f1 >= 0 && f2 >= 0, "fences_on_dmabuf", "submit failed");
	wait_fd(f1, 5000);
	close(q);	/* the queue goes with its file */
	result(wait_fd(f2, 0) && fence_info(f2, names, sizeof(names)) == -ECANCELED,
	       "destroy_cancels_in_flight", "not cancelled");
	result(!syscall(SYS_delete_module, "fwsched_sample", O_NONBLOCK),
	       "unload_sample_with_fences_held", strerror(errno));
	result(!syscall(SYS_delete_module, "fwsched", O_NONBLOCK),
	       "unload_fwsched_with_fences_held", strerror(errno));
	st = fence_info(f1, names, sizeof(names));
	printf("    # after unload: %s\n", names);
	result(st == 1, "sync_file_info_after_unload", names);
	st = slurp("/sys/kernel/debug/dma_buf/bufinfo", info, sizeof(info));
	printf("%s", info);
	result(st > 0 && strstr(info, "fwsched_e2e_buf") && strstr(info, "signalled"),
	       "bufinfo_after_unload", "bufinfo unreadable or without our fences");
	close(f1);
	close(f2);
	close(buf);
}

int main(void)
{
	int bufdev = open("/dev/fwsched_e2e_buf", O_RDWR);

	printf("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: fwsched_e2e\n");
	if (bufdev < 0 || access("/dev/fwsched_sample", R_OK)) {
		printf("    # cannot open the devices: %s\n    1..0\nnot ok 1 fwsched_e2e\n",
		       strerror(errno));
		return 1;
	}
	printf("    1..%d\n", E2E_TESTS);
	test_deps();
	test_bad_input();
	test_kill();
	test_outlive(bufdev);
	close(bufdev);
	if (ntest != E2E_TESTS) {
		printf("    # ran %d tests, the plan says %d\n", ntest, E2E_TESTS);
		nfail++;
	}
	printf("%s 1 fwsched_e2e\n", nfail ? "not ok" : "ok");
	return nfail != 0;
}
