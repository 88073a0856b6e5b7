// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched runners: one work item per CPU that runs every queue kicked on
 * that CPU, for the queues of %FWSCHED_EXEC_RUNNERS (exec.c dispatches).
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/wait_bit.h>

#include "internal.h"

/**
 * DOC: runners
 *
 * A queue of %FWSCHED_EXEC_RUNNERS is run by fwsched's runners: one work
 * item per CPU on fwsched's workqueue, with a lock-free list of the queues
 * kicked on that CPU.  A kick that finds its queue
 * neither pending nor being run puts it on the list; a kick that finds the
 * list empty and its runner not running queues the runner.  One runner
 * pass then runs every queue on the list, and the queues kicked while it
 * runs (a hardware fence signalled inside run_job, a dependency on a
 * job of another queue), before it returns.  So at any number of queues a
 * batch of kicks costs one work dispatch, as one queue's work item does
 * for a batch of its own jobs.
 *
 * A queue is run by one runner at a time, as a work item is by one
 * worker: a kick while it runs marks it to run again, and the runner that
 * runs it does so before it lets it go.  Switching a queue's kicks off,
 * as destroy does, never waits for a runner that has not reached it yet:
 * a destroyed queue still on a list is freed by the runner that takes it
 * off (destroy leaves it its reference).  Every field of the queue the
 * work item touches (W in &struct fwsched_queue) stays under that rule.
 *
 * What the work item promised stays: a kick after the state it announces
 * is published runs the queue after that state is visible (every state
 * change of @kick is a full barrier); a queue's kicks may be switched off
 * and on (the timeout handler and destroy do), and waiting for a queue's
 * runs to finish is a wait on @kick, with the runners' lockdep map taken
 * as flush_work() takes the work item's.  Driver callbacks on a runner
 * must not sleep, so one queue never holds up the others on its CPU for
 * longer than its own pass; and a runner gives the CPU up between two
 * passes if the scheduler asks (cond_resched()), as a worker does between
 * two work items, so that a long batch does not hold up the CPU's other
 * tasks either.
 *
 * Debug kernels check the rule.  The runners' lockdep map admits no
 * sleeping lock inside it (its inner wait type is a spinlock's), so a mutex
 * taken by a callback is an invalid wait context at once, contended or
 * not; and a pass after which the runner's task has blocked (a completion,
 * msleep(), a contended mutex) warns once with the queue's run_job.
 */

/**
 * struct fwsched_runner - the runner of one CPU
 *
 * Per CPU, for the life of the module.
 */
struct fwsched_runner {
	/** @list: A. Queues kicked on this CPU and not yet run (@kick_node). */
	struct llist_head list;
	/** @active: A. The work function is between its first and last look at @list. */
	bool active;
	/** @cpu: C. */
	int cpu;
	/** @dispatches: @work's. Times the work function ran. */
	u64 dispatches;
	/** @passes: @work's. Queue passes it ran. */
	u64 passes;
	/** @work: A. Runs the queues on @list. */
	struct work_struct work;
};

static struct fwsched_runner __percpu *fwsched_runners;

#ifdef CONFIG_DEBUG_LOCK_ALLOC
static struct lock_class_key fwsched_runner_key;
/* No sleeping lock inside: see "Debug kernels" in the DOC above. */
static struct lockdep_map fwsched_runner_map = {
	.name = "fwsched_runner",
	.key = &fwsched_runner_key,
	.wait_type_outer = LD_WAIT_SLEEP,
	.wait_type_inner = LD_WAIT_CONFIG,
};
#endif

/*
 * Debug kernels: did the runner's task block during @q's pass?  A
 * voluntary context switch is a block; cond_resched() and preemption are
 * involuntary.  Not on PREEMPT_RT, where a contended spinlock blocks too.
 */
#if defined(CONFIG_DEBUG_ATOMIC_SLEEP) && !defined(CONFIG_PREEMPT_RT)
static void fwsched_runner_check_sleep(struct fwsched_queue *q, unsigned long nvcsw)
{
	WARN_ONCE(current->nvcsw != nvcsw,
		  "fwsched: a callback of the queue with run_job %ps slept on fwsched's runners; create it with FWSCHED_EXEC_WORK or FWSCHED_EXEC_KTHREAD\n",
		  q->ops->run_job);
}
#else
static inline void fwsched_runner_check_sleep(struct fwsched_queue *q,
					      unsigned long nvcsw)
{
}
#endif

/* Run @q, taken off @r's list by @r's work function. */
static void fwsched_runner_run(struct fwsched_runner *r, struct fwsched_queue *q)
{
	int old = atomic_read(&q->kick), new;
	unsigned long nvcsw;

	do {
		new = old & ~(KICK_PENDING | KICK_PUT);
		if (!(old & KICK_OFF))
			new |= KICK_RUNNING;
	} while (!atomic_try_cmpxchg(&q->kick, &old, new));
	if (!(new & KICK_RUNNING)) {
		/*
		 * Switched off while on the list.  Destroyed meanwhile, its
		 * destroy left us its reference: the last access to @q.
		 */
		if (old & KICK_PUT)
			fwsched_queue_put(q);
		goto out;
	}

	nvcsw = current->nvcsw;
	fwsched_queue_pass(q);
	fwsched_runner_check_sleep(q, nvcsw);
	WRITE_ONCE(r->passes, r->passes + 1);
	/* Before the exchange below, which a flush's look at @kick follows. */
	WRITE_ONCE(q->kick_passes, q->kick_passes + 1);

	/*
	 * Kicked meanwhile: back on the list, behind the queues kicked before
	 * it, rather than run again at once.
	 */
	old = atomic_read(&q->kick);
	do {
		new = old & ~(KICK_RUNNING | KICK_RERUN | KICK_WAITER);
		if ((old & KICK_RERUN) && !(old & KICK_OFF))
			new |= KICK_PENDING;
	} while (!atomic_try_cmpxchg(&q->kick, &old, new));
	if (new & KICK_PENDING)
		llist_add(&q->kick_node, &r->list);
out:
	/* @q may be freed from here on: wake_up_var() only hashes it. */
	if (old & KICK_WAITER)
		wake_up_var(&q->kick);
}

static void fwsched_runner_work(struct work_struct *work)
{
	struct fwsched_runner *r = container_of(work, struct fwsched_runner, work);
	struct fwsched_queue *q, *next;
	struct llist_node *list;

	WRITE_ONCE(r->active, true);
	WRITE_ONCE(r->dispatches, r->dispatches + 1);
	lock_map_acquire(&fwsched_runner_map);
	for (;;) {
		/* A full barrier: our @active store is before it. */
		list = llist_del_all(&r->list);
		if (!list) {
			WRITE_ONCE(r->active, false);
			/* Pairs with the barrier of llist_add() in the kick. */
			smp_mb();
			if (llist_empty(&r->list))
				break;
			WRITE_ONCE(r->active, true);
			continue;
		}
		/* Kicked first, run first. */
		if (list->next)
			list = llist_reverse_order(list);
		llist_for_each_entry_safe(q, next, list, kick_node) {
			fwsched_runner_run(r, q);
			/* As a worker does between work items. */
			cond_resched();
		}
	}
	lock_map_release(&fwsched_runner_map);
}

/*
 * Kick a queue on the runners (fwsched_queue_kick()): run it after the
 * state published before this call is visible.  Any context; the caller keeps @q alive until
 * this returns (the runner may run and let go of it before then).
 */
void fwsched_runner_kick(struct fwsched_queue *q)
{
	struct fwsched_runner *r;
	int old, new;

	/* The state the caller published is before our look at @kick. */
	smp_mb();
	old = atomic_read(&q->kick);
	do {
		if (old & (KICK_PENDING | KICK_OFF | KICK_RERUN))
			return;
		new = old | (old & KICK_RUNNING ? KICK_RERUN : KICK_PENDING);
	} while (!atomic_try_cmpxchg(&q->kick, &old, new));
	if (new & KICK_RERUN)
		return;

	/* Any CPU's runner is correct; this one's is the cheapest. */
	r = raw_cpu_ptr(fwsched_runners);
	if (llist_add(&q->kick_node, &r->list) && !READ_ONCE(r->active))
		queue_work_on(r->cpu, fwsched_wq, &r->work);
}

/*
 * Disable (@passes NULL): is @q not being run?  Flush: is it neither on a
 * list nor being run, or has it finished two passes since *@passes (one
 * that may have begun before the caller's look, and one that began after
 * it)?  Asks to be woken after the next pass if not.
 */
static bool fwsched_runner_done(struct fwsched_queue *q, const u32 *passes)
{
	int st = atomic_fetch_or(KICK_WAITER, &q->kick);

	if (!passes)
		return !(st & KICK_RUNNING);
	if (!(st & (KICK_PENDING | KICK_RUNNING)))
		return true;
	return READ_ONCE(q->kick_passes) - *passes >= 2;
}

/* Wait for @q's pass to end (disable), or for a flush (@flush). */
static void fwsched_runner_wait(struct fwsched_queue *q, bool flush)
{
	u32 passes;

	might_sleep();
	lock_map_acquire(&fwsched_runner_map);
	lock_map_release(&fwsched_runner_map);
	passes = READ_ONCE(q->kick_passes);
	/* A full barrier: @kick_passes is read before @kick. */
	wait_var_event(&q->kick, fwsched_runner_done(q, flush ? &passes : NULL));
}

/* Runner side of fwsched_queue_kick_flush(). */
void fwsched_runner_flush(struct fwsched_queue *q)
{
	fwsched_runner_wait(q, true);
}

/* Runner side of fwsched_queue_kick_disable(). */
void fwsched_runner_disable(struct fwsched_queue *q)
{
	WARN_ON(atomic_fetch_or(KICK_OFF, &q->kick) & KICK_OFF);
	fwsched_runner_wait(q, false);
}

/*
 * Runner side of fwsched_queue_kick_enable().  Unordered: the kick that
 * follows every enable orders what it announces (its full barrier).
 */
void fwsched_runner_enable(struct fwsched_queue *q)
{
	atomic_andnot(KICK_OFF, &q->kick);
}

/*
 * Runner side of fwsched_queue_kick_put(): true if @q is still on a
 * runner's list, whose runner then drops the reference when it takes @q
 * off (the list's node is in @q).
 */
bool fwsched_runner_put(struct fwsched_queue *q)
{
	int old = atomic_read(&q->kick);

	do {
		if (!(old & KICK_PENDING))
			return false;
	} while (!atomic_try_cmpxchg(&q->kick, &old, old | KICK_PUT));
	return true;
}

/* Runner side of fwsched_queue_kick_pending(). */
bool fwsched_runner_pending(struct fwsched_queue *q)
{
	return atomic_read(&q->kick) & (KICK_PENDING | KICK_RERUN);
}

/**
 * fwsched_runner_stats() - what the runners did since fwsched was loaded
 * @dispatches: out: work dispatches of the runners, all CPUs
 * @passes: out: queue passes they ran
 *
 * Counters for debugfs and the tests, read without a lock: a snapshot
 * while the runners are idle, an estimate otherwise.
 *
 * Context: any context.
 */
void fwsched_runner_stats(u64 *dispatches, u64 *passes)
{
	int cpu;

	*dispatches = 0;
	*passes = 0;
	for_each_possible_cpu(cpu) {
		struct fwsched_runner *r = per_cpu_ptr(fwsched_runners, cpu);

		*dispatches += READ_ONCE(r->dispatches);
		*passes += READ_ONCE(r->passes);
	}
}
EXPORT_SYMBOL_GPL(fwsched_runner_stats);

int fwsched_runners_init(void)
{
	int cpu;

	fwsched_runners = alloc_percpu(struct fwsched_runner);
	if (!fwsched_runners)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct fwsched_runner *r = per_cpu_ptr(fwsched_runners, cpu);

		init_llist_head(&r->list);
		r->cpu = cpu;
		INIT_WORK(&r->work, fwsched_runner_work);
	}
	return 0;
}

/* After fwsched_wq is destroyed: no runner runs or is queued. */
void fwsched_runners_exit(void)
{
	free_percpu(fwsched_runners);
}
