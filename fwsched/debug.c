// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched state: the state printer shared by debugfs and drivers'
 * devcoredumps, per-queue statistics for fdinfo, and the debugfs file
 * /sys/kernel/debug/fwsched/queues.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/debugfs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_buf.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <fwsched/queue.h>

#include "internal.h"

/*
 * Every live queue, for debugfs.  fwsched_debug_lock is a mutex taken only
 * in process context (create, destroy, debugfs), never on the signalling
 * path.  A queue leaves the list in fwsched_queue_destroy() before its
 * memory can go, so a queue on the list is safe to print under the mutex.
 */
static LIST_HEAD(fwsched_debug_queues);
static DEFINE_MUTEX(fwsched_debug_lock);
static struct dentry *fwsched_debugfs;

void fwsched_debug_add(struct fwsched_queue *q)
{
	mutex_lock(&fwsched_debug_lock);
	list_add_tail(&q->debug_link, &fwsched_debug_queues);
	mutex_unlock(&fwsched_debug_lock);
}

void fwsched_debug_remove(struct fwsched_queue *q)
{
	mutex_lock(&fwsched_debug_lock);
	list_del_init(&q->debug_link);
	mutex_unlock(&fwsched_debug_lock);
}

static const char * const fwsched_state_names[] = {
	[FWSCHED_QUEUE_RUNNING] = "running",
	[FWSCHED_QUEUE_STOPPED] = "stopped",
	[FWSCHED_QUEUE_BANNED] = "banned",
	[FWSCHED_QUEUE_DEAD] = "dead",
};

static const char * const fwsched_prio_names[] = {
	[FWSCHED_PRIO_LOW] = "low",
	[FWSCHED_PRIO_NORMAL] = "normal",
	[FWSCHED_PRIO_HIGH] = "high",
	[FWSCHED_PRIO_REALTIME] = "realtime",
};

static u64 fwsched_queue_busy_ns(struct fwsched_queue *q)
{
	lockdep_assert_held(&q->lock);
	if (!q->stats_on)
		return 0;
	if (list_empty(&q->in_flight))
		return q->busy_ns;
	return q->busy_ns + ktime_to_ns(ktime_sub(ktime_get(), q->busy_since));
}

/**
 * fwsched_queue_stats() - a queue's counters, for fdinfo
 * @queue: the queue
 * @stats: filled in
 *
 * A driver prints them in its fdinfo, e.g.
 * ``drm-engine-<ring>: <busy_ns> ns``.  Busy time is kept only for queues
 * created with &fwsched_queue_args.stats.
 *
 * Context: process context; does not sleep.
 */
void fwsched_queue_stats(struct fwsched_queue *queue,
			 struct fwsched_queue_stats *stats)
{
	spin_lock(&queue->lock);
	stats->jobs_completed = queue->jobs_completed;
	stats->busy_ns = fwsched_queue_busy_ns(queue);
	stats->pending = list_count_nodes(&queue->pending);
	stats->in_flight = list_count_nodes(&queue->in_flight);
	spin_unlock(&queue->lock);
}
EXPORT_SYMBOL_GPL(fwsched_queue_stats);

static void fwsched_print_job(struct seq_buf *s, const char *what,
			      struct fwsched_job *job)
{
	struct dma_fence *f = &job->finished->base;
	struct dma_fence *hw = READ_ONCE(job->hw_fence);

	seq_buf_printf(s, "  %s fence=%llu:%llu credits=%u", what, f->context,
		       f->seqno, job->credits);
	if (job->num_deps)
		seq_buf_printf(s, " deps_pending=%u/%u",
			       READ_ONCE(job->num_deps) - READ_ONCE(job->next_dep),
			       job->num_deps);
	/* Only whether: the run right may drop the fence at any moment. */
	if (READ_ONCE(job->prepare_fence))
		seq_buf_puts(s, " prepare_fence");
	if (hw)
		seq_buf_printf(s, " hw=%llu:%llu%s", hw->context, hw->seqno,
			       dma_fence_is_signaled(hw) ? " (signalled)" : "");
	if (READ_ONCE(job->error))
		seq_buf_printf(s, " error=%d", READ_ONCE(job->error));
	seq_buf_putc(s, '\n');
}

/**
 * fwsched_queue_print() - describe a queue and its jobs
 * @queue: the queue
 * @s: where to print; output that does not fit is cut, as seq_buf does
 *
 * One line for the queue (ring and driver name, fence context, state,
 * priority, firmware slot, credits in flight, counters, where its work
 * runs: runners, work or kthread, "+defer_free" if so), then one line per
 * job in flight and per job pending, oldest first, with its finished fence
 * (context:seqno), its hardware fence, and how many of its dependencies are
 * still pending; for a queue with a slot pool, a last line on its slot
 * holder (its own or its group's): state, binding, preemption, members busy
 * and waiting.  What debugfs shows, and what a driver puts in its
 * devcoredump.
 *
 * Context: process context; takes the queue's lock, then its slot pool's,
 * does not sleep or allocate.
 */
void fwsched_queue_print(struct fwsched_queue *queue, struct seq_buf *s)
{
	struct fwsched_job *job;

	spin_lock(&queue->lock);
	seq_buf_printf(s,
		       "queue %s dev=%s context=%llu state=%s priority=%s slot=%d credits=%u/%u pending=%zu in_flight=%zu completed=%llu busy_ns=%llu exec=%s%s kick=%#x passes=%u\n",
		       queue->timeline->names, queue->timeline->driver_name,
		       queue->timeline->context,
		       fwsched_state_names[queue->state],
		       fwsched_prio_names[queue->priority],
		       fwsched_queue_slot(queue), queue->credits,
		       queue->credit_limit, list_count_nodes(&queue->pending),
		       list_count_nodes(&queue->in_flight), queue->jobs_completed,
		       fwsched_queue_busy_ns(queue), fwsched_exec_name(queue),
		       queue->defer_free ? "+defer_free" : "",
		       atomic_read(&queue->kick),
		       READ_ONCE(queue->kick_passes));
	list_for_each_entry(job, &queue->in_flight, link)
		fwsched_print_job(s, "in_flight", job);
	list_for_each_entry(job, &queue->pending, link)
		fwsched_print_job(s, "pending", job);
	spin_unlock(&queue->lock);
	fwsched_slot_print(queue, s);
}
EXPORT_SYMBOL_GPL(fwsched_queue_print);

static int fwsched_queues_show(struct seq_file *m, void *unused)
{
	struct fwsched_queue *q;
	struct seq_buf s;
	char *buf;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&fwsched_debug_lock);
	list_for_each_entry(q, &fwsched_debug_queues, debug_link) {
		seq_buf_init(&s, buf, PAGE_SIZE);
		fwsched_queue_print(q, &s);
		seq_write(m, buf, seq_buf_used(&s));
	}
	mutex_unlock(&fwsched_debug_lock);
	kfree(buf);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fwsched_queues);

static int fwsched_runners_show(struct seq_file *m, void *unused)
{
	u64 dispatches, passes;

	fwsched_runner_stats(&dispatches, &passes);
	seq_printf(m, "dispatches=%llu passes=%llu\n", dispatches, passes);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fwsched_runners);

void fwsched_debugfs_init(void)
{
	fwsched_debugfs = debugfs_create_dir("fwsched", NULL);
	debugfs_create_file("queues", 0444, fwsched_debugfs, NULL,
			    &fwsched_queues_fops);
	debugfs_create_file("runners", 0444, fwsched_debugfs, NULL,
			    &fwsched_runners_fops);
}

void fwsched_debugfs_exit(void)
{
	debugfs_remove_recursive(fwsched_debugfs);
}
