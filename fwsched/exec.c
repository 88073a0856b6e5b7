// SPDX-License-Identifier: GPL-2.0
/*
 * Where a queue's work runs: the dispatch to the runners, a work item of
 * the queue's own, or a kthread_work; fwsched's kthread workers.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "internal.h"

/*
 * fwsched's kthread workers, one per priority level, for the queues of
 * %FWSCHED_EXEC_KTHREAD that bring none.  Created at module load, so that
 * creating a queue never creates a thread.
 */
static struct kthread_worker *fwsched_workers[FWSCHED_PRIO_COUNT];

static const char * const fwsched_worker_names[FWSCHED_PRIO_COUNT] = {
	[FWSCHED_PRIO_LOW] = "low",
	[FWSCHED_PRIO_NORMAL] = "normal",
	[FWSCHED_PRIO_HIGH] = "high",
	[FWSCHED_PRIO_REALTIME] = "rt",
};

int fwsched_workers_init(void)
{
	int i;

	for (i = 0; i < FWSCHED_PRIO_COUNT; i++) {
		struct kthread_worker *w;

		w = kthread_run_worker(0, "fwsched/%s", fwsched_worker_names[i]);
		if (IS_ERR(w)) {
			fwsched_workers_exit();
			return PTR_ERR(w);
		}
		fwsched_workers[i] = w;
		switch (i) {
		case FWSCHED_PRIO_REALTIME:
			sched_set_fifo(w->task);
			break;
		case FWSCHED_PRIO_HIGH:
			sched_set_fifo_low(w->task);
			break;
		case FWSCHED_PRIO_NORMAL:
			sched_set_normal(w->task, -10);
			break;
		default:
			break;
		}
	}
	return 0;
}

/* No queue is left: each one's destroy cancelled its work. */
void fwsched_workers_exit(void)
{
	int i;

	for (i = 0; i < FWSCHED_PRIO_COUNT; i++) {
		if (fwsched_workers[i])
			kthread_destroy_worker(fwsched_workers[i]);
		fwsched_workers[i] = NULL;
	}
}

static void fwsched_queue_work(struct work_struct *work)
{
	fwsched_queue_pass(container_of(work, struct fwsched_queue, work));
}

static void fwsched_queue_kwork(struct kthread_work *work)
{
	fwsched_queue_pass(container_of(work, struct fwsched_queue, kwork));
}

#ifdef FWSCHED_HAVE_WQ_MEM_RECLAIM_TEST
/* Runs one item on a driver's workqueue to learn whether it may reclaim. */
struct fwsched_wq_probe {
	struct work_struct work;
	bool reclaim;
};

static void fwsched_wq_probe_fn(struct work_struct *work)
{
	struct fwsched_wq_probe *p = container_of(work, struct fwsched_wq_probe, work);

	p->reclaim = current_is_workqueue_mem_reclaim();
}

/*
 * Is @wq WQ_MEM_RECLAIM?  The flag is private to the workqueue core; a
 * worker of @wq can tell (current_is_workqueue_mem_reclaim()), so ask one.
 * flush_work() rather than a completion: lockdep then sees the wait, and
 * reports a creator that holds a lock a work item of @wq takes.
 */
static bool fwsched_wq_may_reclaim(struct workqueue_struct *wq)
{
	struct fwsched_wq_probe p = { .reclaim = false };

	INIT_WORK_ONSTACK(&p.work, fwsched_wq_probe_fn);
	queue_work(wq, &p.work);
	flush_work(&p.work);
	destroy_work_on_stack(&p.work);
	return p.reclaim;
}
#else
/* Kernels without current_is_workqueue_mem_reclaim(): the driver's word. */
static bool fwsched_wq_may_reclaim(struct workqueue_struct *wq)
{
	return true;
}
#endif

/**
 * fwsched_queue_kick_init() - set up where a queue's work runs
 * @q: the queue being created
 * @args: its &struct fwsched_queue_args
 *
 * Resolves &fwsched_queue_args.exec (a @wq or @worker alone picks its
 * mode) and checks that a driver's workqueue is WQ_MEM_RECLAIM.
 *
 * Context: process context; may sleep (the workqueue check).
 * Return: 0, or -EINVAL for a mode out of range, a @wq or @worker given
 * with another mode, or a driver's workqueue without WQ_MEM_RECLAIM.
 */
int fwsched_queue_kick_init(struct fwsched_queue *q, const struct fwsched_queue_args *args)
{
	enum fwsched_exec exec = args->exec;

	if ((unsigned int)exec >= FWSCHED_EXEC_COUNT || (args->wq && args->worker))
		return -EINVAL;
	if (exec == FWSCHED_EXEC_RUNNERS && args->wq)
		exec = FWSCHED_EXEC_WORK;
	if (exec == FWSCHED_EXEC_RUNNERS && args->worker)
		exec = FWSCHED_EXEC_KTHREAD;
	if ((args->wq && exec != FWSCHED_EXEC_WORK) ||
	    (args->worker && exec != FWSCHED_EXEC_KTHREAD))
		return -EINVAL;
	if (args->wq && !fwsched_wq_may_reclaim(args->wq))
		return -EINVAL;

	q->exec = exec;
	atomic_set(&q->kick, 0);
	switch (exec) {
	case FWSCHED_EXEC_WORK:
		q->wq = args->wq ?: fwsched_work_wq;
		INIT_WORK(&q->work, fwsched_queue_work);
		break;
	case FWSCHED_EXEC_KTHREAD:
		q->kworker = args->worker ?: fwsched_workers[args->priority];
		kthread_init_work(&q->kwork, fwsched_queue_kwork);
		raw_spin_lock_init(&q->kick_lock);
		q->kick_off = false;
		break;
	default:
		break;
	}
	return 0;
}

/* Queue @q's kthread_work unless kicks are off.  Any context. */
static void fwsched_kthread_kick(struct fwsched_queue *q)
{
	unsigned long flags;

	/* As queue_work(): the caller's state is before the work runs. */
	raw_spin_lock_irqsave(&q->kick_lock, flags);
	if (!q->kick_off)
		kthread_queue_work(q->kworker, &q->kwork);
	raw_spin_unlock_irqrestore(&q->kick_lock, flags);
}

/**
 * fwsched_queue_kick() - have a queue's work run
 * @q: the queue, kept alive by the caller until this returns
 *
 * Like queue_work() on the queue's work item, wherever its mode runs it.
 * Does nothing while kicks are off.
 *
 * Context: any context.
 */
void fwsched_queue_kick(struct fwsched_queue *q)
{
	switch (q->exec) {
	case FWSCHED_EXEC_WORK:
		queue_work(q->wq, &q->work);
		break;
	case FWSCHED_EXEC_KTHREAD:
		fwsched_kthread_kick(q);
		break;
	default:
		fwsched_runner_kick(q);
		break;
	}
}

/**
 * fwsched_queue_kick_flush() - wait for a queue's runs to finish
 * @q: the queue
 *
 * flush_work() for the queue's work: on return, the runs kicked before
 * the call have finished.  Bounded as flush_work() is: a queue kicked
 * over and over is waited for two passes, not until it is idle.
 *
 * Context: process context; sleeps.  Not from the queue's work.
 */
void fwsched_queue_kick_flush(struct fwsched_queue *q)
{
	switch (q->exec) {
	case FWSCHED_EXEC_WORK:
		flush_work(&q->work);
		break;
	case FWSCHED_EXEC_KTHREAD:
		kthread_flush_work(&q->kwork);
		break;
	default:
		fwsched_runner_flush(q);
		break;
	}
}

/**
 * fwsched_queue_kick_disable() - switch a queue's kicks off
 * @q: the queue
 *
 * disable_work_sync() for the queue's work: kicks do nothing from here on,
 * a run not yet started never starts, and one in progress has finished on
 * return.  On the runners, a queue still on a runner's list stays there
 * until its runner finds kicks off (or, if they are on again by then, runs
 * it); nobody waits for that, and destroy leaves its reference to that
 * runner (fwsched_queue_kick_put()).  Not nested: the timeout handler and
 * destroy, its two users, never overlap (destroy disables the timeout
 * first).
 *
 * Context: process context; sleeps.
 */
void fwsched_queue_kick_disable(struct fwsched_queue *q)
{
	switch (q->exec) {
	case FWSCHED_EXEC_WORK:
		disable_work_sync(&q->work);
		break;
	case FWSCHED_EXEC_KTHREAD:
		/* After the unlock no kick queues the work: cancel what is. */
		raw_spin_lock_irq(&q->kick_lock);
		WARN_ON(q->kick_off);
		q->kick_off = true;
		raw_spin_unlock_irq(&q->kick_lock);
		kthread_cancel_work_sync(&q->kwork);
		break;
	default:
		fwsched_runner_disable(q);
		break;
	}
}

/**
 * fwsched_queue_kick_enable() - switch a queue's kicks back on
 * @q: the queue
 *
 * Kicks lost while they were off are not replayed: kick afterwards.
 *
 * Context: any context.
 */
void fwsched_queue_kick_enable(struct fwsched_queue *q)
{
	unsigned long flags;

	switch (q->exec) {
	case FWSCHED_EXEC_WORK:
		enable_work(&q->work);
		break;
	case FWSCHED_EXEC_KTHREAD:
		raw_spin_lock_irqsave(&q->kick_lock, flags);
		q->kick_off = false;
		raw_spin_unlock_irqrestore(&q->kick_lock, flags);
		break;
	default:
		fwsched_runner_enable(q);
		break;
	}
}

/**
 * fwsched_queue_kick_put() - destroy's last fwsched_queue_put()
 * @q: the queue, its kicks off
 *
 * On the runners, if @q is still on a runner's list, that runner drops the
 * reference when it takes @q off; else it is dropped here.
 *
 * Context: any context.
 */
void fwsched_queue_kick_put(struct fwsched_queue *q)
{
	if (q->exec == FWSCHED_EXEC_RUNNERS && fwsched_runner_put(q))
		return;
	fwsched_queue_put(q);
}

/**
 * fwsched_queue_kick_pending() - was a queue kicked and not yet run?
 * @q: the queue
 *
 * work_pending() for the queue's work, for the tests.
 *
 * Context: any context.
 * Return: true if a kick is pending.
 */
bool fwsched_queue_kick_pending(struct fwsched_queue *q)
{
	switch (q->exec) {
	case FWSCHED_EXEC_WORK:
		return work_pending(&q->work);
	case FWSCHED_EXEC_KTHREAD:
		return !list_empty_careful(&q->kwork.node);
	default:
		return fwsched_runner_pending(q);
	}
}
EXPORT_SYMBOL_GPL(fwsched_queue_kick_pending);

static const char * const fwsched_exec_names[FWSCHED_EXEC_COUNT] = {
	[FWSCHED_EXEC_RUNNERS] = "runners",
	[FWSCHED_EXEC_WORK] = "work",
	[FWSCHED_EXEC_KTHREAD] = "kthread",
};

/* The mode's name, for debugfs and the print. */
const char *fwsched_exec_name(const struct fwsched_queue *q)
{
	return fwsched_exec_names[q->exec];
}
