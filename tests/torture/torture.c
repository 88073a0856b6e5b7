// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched torture: random operations from every public call, on many
 * queues from several threads at once, each event checked against a
 * reference model kept here, not by fwsched.
 *
 * Threads (one more than there are CPUs) draw operations at random:
 * create a queue (slot pool or none, timeout or none, direct run, fwsched's
 * workqueue or an ordered or unordered one of ours), push jobs whose
 * dependencies are finished fences of the same queue, of other queues
 * (destroyed ones too), foreign fences, arrays, chains and fences that
 * failed already; stop/start, set_priority, trigger_timeout,
 * suspend/resume timeout, destroy and destroy_async, signal a foreign
 * fence, cycle a slot pool.  The "firmware" completes each ring's jobs in
 * order from an hrtimer after a random duration, fails some, hangs some
 * (the timeout or a destroy ends them), and answers timed_out with
 * EXTEND, RESET or BAN at random.  Half the slot pools preempt: the
 * "firmware" then saves a holder at once (or cannot, and fwsched drains it)
 * and completes a ring's jobs only while the ring is in a slot, so that
 * queues of all levels with firmware waits between them must keep moving
 * on pools smaller than they are; pressure=1 puts most queues on pools of
 * one or two slots that all preempt and slice, in one fw_scope.  With
 * fault injection built in, some
 * allocations of fwsched fail on purpose (fail_nth).  A seed printed at
 * start makes the sequence of choices of each thread repeatable (the
 * interleaving is not).
 *
 * The model checks: every finished fence signals once, in seqno order per
 * queue, successfully only if its job ran and every dependency signalled
 * without error, else with an error the job can have (its own, a
 * dependency's, -ECANCELED, -ETIMEDOUT, an injected one); run_job in push
 * order, within the credit limit, on a bound slot when the queue has a
 * pool, never while stopped, never before its dependencies signalled,
 * never after destroy returned; free_job exactly once per job, after its
 * fence signalled; no slot held twice and no more slots than the pool has
 * at any bind; no firmware wait for a queue that can be preempted off its
 * slot, except within one group; a pool with queues refuses to go
 * (-EBUSY); at the end every job is freed and every pool destroyed.  Each
 * broken rule is printed with its name ("VIOLATION <rule>: ...") and fails
 * the case.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence-chain.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include <fwsched/queue.h>

#include "../../fwsched/internal.h"
#include "../holder.h"

static unsigned long seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "random seed; 0 picks one (printed)");
static unsigned int jobs = 20000;
module_param(jobs, uint, 0444);
MODULE_PARM_DESC(jobs, "jobs to push in total");
static unsigned int queues = 16;
module_param(queues, uint, 0444);
MODULE_PARM_DESC(queues, "queues alive at once (at most 4096)");
static unsigned int threads;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "operating threads; 0: one more than the CPUs");
static unsigned int duration;
module_param(duration, uint, 0444);
MODULE_PARM_DESC(duration, "seconds to run (make torture); 0: until jobs are pushed");
static bool hold;
module_param(hold, bool, 0444);
MODULE_PARM_DESC(hold, "give finished fences to fwsched_test_holder at the end");
static unsigned int faults = 2;
module_param(faults, uint, 0444);
MODULE_PARM_DESC(faults, "percent of job inits and queue creates whose allocation fails");
static bool pressure;
module_param(pressure, bool, 0444);
MODULE_PARM_DESC(pressure, "slot pressure: most queues on pools of 1-2 slots that preempt and slice, one fw_scope");

#define MAXQ		4096
#define MAXDEPS		4
#define NPOOLS		3
#define MAXSLOTS	8
#define NGROUPS		2	/* slot groups per pool */
#define NFOREIGN	8	/* few: a job waiting on one holds its whole ring */
#define NRECENT		64
/* Seconds without a signalled job before the queues are printed. */
#define TORTURE_STALL_DUMP_S	180
#define SET_ERR		(-EPROTO)	/* fwsched_job_set_error() from run_job */
#define T_HW_ERR		(-EIO)		/* the firmware fails the job */

enum top {
	OP_CREATE, OP_PUSH, OP_STOP_START, OP_PRIORITY, OP_TRIGGER,
	OP_SUSPEND, OP_DESTROY, OP_DESTROY_ASYNC, OP_FOREIGN, OP_POOL,
	OP_DEADLINE, OP_INSPECT, OP_COUNT,
};

static const char *const op_names[OP_COUNT] = {
	"create", "push", "stop/start", "set_priority", "trigger_timeout",
	"suspend/resume_timeout", "destroy", "destroy_async", "signal_foreign",
	"pool_cycle", "set_deadline", "stats/print",
};

/* Weights of the operations; a push carries 1-4 jobs. */
static const unsigned int op_weight[OP_COUNT] = {
	[OP_CREATE] = 3, [OP_PUSH] = 60, [OP_STOP_START] = 3,
	[OP_PRIORITY] = 3, [OP_TRIGGER] = 2, [OP_SUSPEND] = 2,
	[OP_DESTROY] = 1, [OP_DESTROY_ASYNC] = 1, [OP_FOREIGN] = 8,
	[OP_POOL] = 1, [OP_DEADLINE] = 3, [OP_INSPECT] = 1,
};

struct tctx;
struct tpool;

/* A slot group of a pool: queues that share one slot. */
struct tgroup {
	struct tpool *tp;
	struct fwsched_group *g;	/* tpool.lock */
	unsigned int attached;		/* tpool.lock: members, as tpool's */
	unsigned int detaching;
	struct list_head members;	/* tpool.slots_lock: &tq.group_link */
	int slot;			/* tpool.slots_lock */
};

/* A slot pool and the model of who holds its slots. */
struct tpool {
	struct mutex lock;		/* @pool, @attached, @groups: create/destroy */
	struct fwsched_slot_pool *pool;
	unsigned int attached;		/* queues created on it, not destroyed */
	unsigned int detaching;		/* of those, being destroyed: may be gone */
	u32 nr_slots;
	bool preempt;			/* the pool preempts; @pool's, constant */
	spinlock_t slots_lock;		/* @occupant, @held, groups' members */
	void *occupant[MAXSLOTS];	/* a struct tq or a struct tgroup */
	unsigned int held;
	struct tgroup groups[NGROUPS];
	struct tctx *c;
};

/*
 * A queue and its firmware ring.  Never freed before the end of the run,
 * so that any thread may still push to it after it was destroyed (it
 * holds a fwsched_queue_get() reference for that).
 */
struct tq {
	struct tctx *c;
	struct fwsched_queue *q;
	struct fwsched_timeline *hw_tl;
	struct tpool *tp;
	struct tgroup *tg;		/* its slot group, or NULL */
	struct list_head group_link;	/* &tgroup.members */
	struct list_head all;		/* &tctx.all_tq */
	struct mutex submit;		/* arm + push, in seqno order */
	struct mutex ctl;		/* stop..start, suspend..resume */
	u32 credit_limit;
	bool has_timeout;
	/* Its callbacks may sleep (not on the runners); free_job is deferred. */
	bool may_sleep, defer_free;
	/*
	 * The ring's firmware mailbox: run_job takes it where it may sleep,
	 * and sleeps until the "firmware" acknowledges (@ack_work, on
	 * tctx.wq_fw, completes @ack).
	 */
	struct mutex mbox;
	struct work_struct ack_work;
	struct completion ack;

	spinlock_t lock;		/* everything below */
	struct list_head submitted;	/* on the "hardware", in order */
	u32 credits_used;
	u64 last_run_seqno;
	u64 last_signal_seqno;
	int slot;
	bool parked;			/* preempted; its timer stopped (tq_resume()) */
	bool stopped;			/* between stop's return and start */
	bool dead;			/* destroy returned */
	bool async;			/* destroy_async, not yet flushed */
	struct hrtimer timer;
	/*
	 * Waits the firmware resolves: the queue's fw_scope (NULL or one of
	 * t_scopes[]), the highest finished seqno given to its "hardware"
	 * and the last one the hardware completed (or cancelled), read
	 * locklessly by the rings that wait for it.
	 */
	const void *scope;
	u64 max_run_seqno;
	u64 done_seqno;
	unsigned int resets;		/* t_reset() calls; @lock */
};

/* A driver job. */
struct tj {
	struct fwsched_job base;
	struct kref ref;		/* free_job's and the fence callback's */
	struct tq *tq;
	struct fwsched_fence *hw, *hw_spare;
	struct dma_fence_cb fin_cb;
	struct dma_fence *deps[MAXDEPS];	/* the model's references */
	unsigned int ndeps;
	struct list_head link;		/* &tq.submitted */
	u32 duration_us;
	int hw_error;
	bool hang;			/* the first run never completes */
	bool set_error;
	bool in_push;			/* its push is in progress */
	bool rerun_nomem;		/* a third run found no fence: -ENOMEM */
	unsigned int run_epoch;		/* &tq.resets at its last run; @tq lock */
	atomic_t runs, freed, signalled;
	/*
	 * Its firmware waits, as run_job found them (fwsched_job_fw_dep()):
	 * the ring and seqno each waits for, which of @deps they are, and
	 * the first error among them the "firmware" saw signalled when it
	 * completed the job.
	 */
	unsigned int nfw;
	struct dma_fence *fw_dep[MAXDEPS];	/* borrowed: @deps holds them */
	struct tq *fw_src[MAXDEPS];
	unsigned int fw_mask;
	int fw_err;
};

/* A fence from no fwsched timeline, signalled by an operation. */
struct tforeign {
	struct dma_fence base;
	spinlock_t lock;		/* the fence's */
};

struct tctx {
	struct kunit *test;
	u64 seed;
	spinlock_t table_lock;		/* @qs, @nq, @all_tq */
	struct tq **qs;
	unsigned int nq;
	struct list_head all_tq;
	struct tpool pools[NPOOLS];
	struct workqueue_struct *wq_ordered, *wq_unordered;
	/* Where the firmware's mailbox acknowledgments come from. */
	struct workqueue_struct *wq_fw;
	/* The driver's kthread_worker of the queues of FWSCHED_EXEC_KTHREAD that bring one. */
	struct kthread_worker *worker;
	/*
	 * A buffer object's lock: held around a GFP_KERNEL allocation at
	 * the start, taken by the deferred free_job (lockdep proves that it
	 * is off the signalling path).
	 */
	struct mutex bo_lock;
	atomic_long_t exec_queues[FWSCHED_EXEC_COUNT];
	atomic_long_t deferred_queues, slept;

	spinlock_t fence_lock;		/* @foreign, @recent, @recent_pos */
	struct tforeign *foreign[NFOREIGN];
	struct dma_fence *recent[NRECENT];
	struct dma_fence *stub;		/* what @recent starts with; ours */
	unsigned int recent_pos;

	atomic_t jobs_left;
	unsigned long until;		/* jiffies; 0: run until jobs_left is 0 */
	atomic_long_t live;		/* job records not yet released */
	atomic_long_t pushed, freed, signalled, cancelled, cancelled_dep;
	atomic_long_t errors, injected, banned, cleaned;
	atomic_long_t fw_waits;		/* firmware waits run_job got */
	atomic_long_t group_queues;	/* queues created in a slot group */
	atomic_long_t group_binds;	/* bind_group calls */
	atomic_long_t preemptions;	/* slots taken by preempt or preempt_group */
	atomic_long_t ops[OP_COUNT];
	atomic_t violations;
	wait_queue_head_t wait;
};

/* Two "devices": queues of one scope let its firmware wait for each other. */
static const int t_scopes[2];

static void tviolate(struct tctx *c, const char *rule, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (atomic_inc_return(&c->violations) > 20)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("fwsched_torture: VIOLATION %s: %pV (seed %llu)\n", rule, &vaf, c->seed);
	va_end(args);
}

static struct tj *to_tj(struct fwsched_job *job)
{
	return container_of(job, struct tj, base);
}

/* ---- foreign fences ------------------------------------------------------- */

static const char *tforeign_name(struct dma_fence *f)
{
	return "fwsched-torture-foreign";
}

static const struct dma_fence_ops tforeign_ops = {
	.get_driver_name = tforeign_name,
	.get_timeline_name = tforeign_name,
};

static struct dma_fence *tforeign_new(struct tctx *c)
{
	struct tforeign *f = kzalloc_obj(*f, GFP_KERNEL);

	if (!f)
		return NULL;
	spin_lock_init(&f->lock);
	/*
	 * A context each: they signal in any order, and fences of one
	 * context must signal in seqno order (fwsched keeps only the later
	 * of two, as the dma-fence rules allow).
	 */
	dma_fence_init(&f->base, &tforeign_ops, &f->lock, dma_fence_context_alloc(1), 1);
	return &f->base;
}

/* ---- the firmware ---------------------------------------------------------- */

static void tj_release(struct kref *ref)
{
	struct tj *j = container_of(ref, struct tj, ref);
	struct tctx *c = j->tq->c;
	unsigned int i;

	for (i = 0; i < j->ndeps; i++)
		dma_fence_put(j->deps[i]);
	kfree(j);
	if (atomic_long_dec_and_test(&c->live))
		wake_up_all(&c->wait);
}

static struct tj *tq_pop(struct tq *t)
{
	struct tj *j;

	lockdep_assert_held(&t->lock);
	j = list_first_entry_or_null(&t->submitted, struct tj, link);
	if (j) {
		u64 seqno = j->base.finished->base.seqno;

		list_del_init(&j->link);
		t->credits_used -= j->base.credits;
		/*
		 * Done (or cancelled: that ends the firmware's waits too):
		 * rings waiting for it may go on.  In order, under @lock.
		 */
		if (seqno > t->done_seqno)
			WRITE_ONCE(t->done_seqno, seqno);
	}
	return j;
}

/*
 * May the "firmware" complete @j: has every job it waits for completed on
 * its ring, or signalled?  Notes the first error among those signalled,
 * for the model's check that the job's fence carries it.  Ring lock held.
 */
static bool tj_fw_waits_done(struct tj *j)
{
	unsigned int k;

	for (k = 0; k < j->nfw; k++) {
		struct dma_fence *d = j->fw_dep[k];

		if (dma_fence_is_signaled(d)) {
			if (d->error && !j->fw_err)
				j->fw_err = d->error;
			continue;
		}
		if (READ_ONCE(j->fw_src[k]->done_seqno) < d->seqno)
			return false;
	}
	return true;
}

static enum hrtimer_restart tq_timer(struct hrtimer *timer)
{
	struct tq *t = container_of(timer, struct tq, timer);
	struct tj *j, *next;
	unsigned long flags;
	u32 next_us = 0;

	spin_lock_irqsave(&t->lock, flags);
	j = list_first_entry_or_null(&t->submitted, struct tj, link);
	if (j && t->tp && t->slot < 0) {
		/*
		 * Preempted: the head job's time has run out, it completes
		 * once the ring is bound again (tq_resume()).
		 */
		t->parked = true;
		spin_unlock_irqrestore(&t->lock, flags);
		return HRTIMER_NORESTART;
	}
	if (j && j->hang && atomic_read(&j->runs) == 1) {
		/* Hung: only a reset or a cancel ends it. */
		spin_unlock_irqrestore(&t->lock, flags);
		return HRTIMER_NORESTART;
	}
	if (j && !tj_fw_waits_done(j)) {
		/* The firmware polls the rings it waits for. */
		spin_unlock_irqrestore(&t->lock, flags);
		hrtimer_forward_now(timer, us_to_ktime(20));
		return HRTIMER_RESTART;
	}
	j = tq_pop(t);
	next = list_first_entry_or_null(&t->submitted, struct tj, link);
	if (next)
		next_us = next->duration_us;
	spin_unlock_irqrestore(&t->lock, flags);
	if (j)
		fwsched_fence_signal(j->hw, j->hw_error);
	if (!next)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, us_to_ktime(next_us));
	return HRTIMER_RESTART;
}

/* Everything on the hardware completes with @error (reset, cancel). */
static void tq_flush_hw(struct tq *t, int error, bool reset)
{
	unsigned long flags;
	struct tj *j;

	if (reset) {
		/*
		 * Every job fwsched took back runs again, also one the timer
		 * popped but had not signalled yet (its completion is lost in
		 * the reset): the queue counts resets, run_job compares.
		 */
		spin_lock_irqsave(&t->lock, flags);
		t->resets++;
		spin_unlock_irqrestore(&t->lock, flags);
	}

	for (;;) {
		spin_lock_irqsave(&t->lock, flags);
		j = tq_pop(t);
		if (!j) {
			t->last_run_seqno = 0;
			t->parked = false;
		}
		spin_unlock_irqrestore(&t->lock, flags);
		if (!j)
			break;
		fwsched_fence_signal(j->hw, error);
	}
}

/*
 * A finished fence of the job's own queue is dropped by fwsched (the ring is
 * in order): the model does not count it as a dependency either.
 */
static bool tj_dep_counts(struct tj *j, unsigned int i)
{
	return j->deps[i]->context != fwsched_queue_context(j->tq->q);
}

/* The ring whose queue issued finished fence @f, or NULL. */
static struct tq *tq_of_fence(struct tctx *c, struct dma_fence *f)
{
	struct tq *t, *found = NULL;

	spin_lock(&c->table_lock);
	list_for_each_entry(t, &c->all_tq, all) {
		if (fwsched_queue_context(t->q) == f->context) {
			found = t;
			break;
		}
	}
	spin_unlock(&c->table_lock);
	return found;
}

/*
 * run_job's view of @j's dependencies: each one that counts has signalled,
 * or run_job got it as a firmware wait (fwsched_job_fw_dep()) and it may be
 * one: a finished fence of another ring of the same scope whose job that
 * ring's "hardware" was given already.  Records the waits for the
 * "firmware" (tq_timer()) and for the fence check (tj_finished_cb()).
 */
static void tj_check_deps(struct tj *j)
{
	struct tq *t = j->tq;
	struct tctx *c = t->c;
	u64 seqno = j->base.finished->base.seqno;
	struct dma_fence *f;
	unsigned int i, k;

	j->nfw = 0;
	j->fw_mask = 0;
	for (k = 0; (f = fwsched_job_fw_dep(&j->base, k)); k++) {
		struct tq *src = tq_of_fence(c, f);

		if (k >= MAXDEPS || !src || !t->scope || src->scope != t->scope || src == t) {
			tviolate(c, "fw-dep-scope", "job %llu: firmware wait %u outside its scope",
				 seqno, k);
			continue;
		}
		/*
		 * Jobs of a queue that can be preempted off its slot are
		 * waited for in the firmware only within one group: else the
		 * waiter may hold the slot they need (slot.h).
		 */
		if (src->tp && READ_ONCE(src->tp->preempt) && !(t->tg && t->tg == src->tg))
			tviolate(c, "fw-dep-preempt",
				 "job %llu: firmware wait for %llu of a queue that can lose its slot",
				 seqno, f->seqno);
		if (!dma_fence_is_signaled(f) && READ_ONCE(src->max_run_seqno) < f->seqno)
			tviolate(c, "fw-dep-not-run",
				 "job %llu: firmware wait for %llu, not yet given to its ring",
				 seqno, f->seqno);
		for (i = 0; i < j->ndeps; i++)
			if (j->deps[i] == f)
				j->fw_mask |= BIT(i);
		j->fw_dep[j->nfw] = f;
		j->fw_src[j->nfw++] = src;
		atomic_long_inc(&c->fw_waits);
	}
	for (i = 0; i < j->ndeps; i++)
		if (tj_dep_counts(j, i) && !(j->fw_mask & BIT(i)) &&
		    !dma_fence_is_signaled(j->deps[i]))
			tviolate(c, "run-before-deps",
				 "job %llu ran with a dependency unsignalled", seqno);
}

/* The firmware acknowledges a mailbox message (no allocation, no wait). */
static void tq_fw_ack(struct work_struct *work)
{
	struct tq *t = container_of(work, struct tq, ack_work);

	complete(&t->ack);
}

static struct dma_fence *t_run_job(struct fwsched_job *job)
{
	struct tj *j = to_tj(job);
	struct tq *t = j->tq;
	struct tctx *c = t->c;
	u64 seqno = job->finished->base.seqno;
	unsigned long flags;
	bool start;

	tj_check_deps(j);
	/*
	 * Where callbacks may sleep, one run in eight sends through the
	 * firmware mailbox: a mutex, then a sleep until the acknowledgment,
	 * which comes from another context (a timer sleep would measure
	 * UML's timer, tens of milliseconds under load, not fwsched).
	 */
	if (t->may_sleep && c->wq_fw && !get_random_u32_below(8)) {
		mutex_lock(&t->mbox);
		reinit_completion(&t->ack);
		queue_work(c->wq_fw, &t->ack_work);
		wait_for_completion(&t->ack);
		mutex_unlock(&t->mbox);
		atomic_long_inc(&c->slept);
	}
	spin_lock_irqsave(&t->lock, flags);
	if (t->dead)
		tviolate(c, "callback-after-destroy", "run_job of %llu after destroy returned",
			 seqno);
	if (t->stopped)
		tviolate(c, "run-while-stopped", "run_job of %llu while the queue was stopped",
			 seqno);
	if (seqno <= t->last_run_seqno)
		tviolate(c, "run-order", "run_job of %llu after %llu", seqno, t->last_run_seqno);
	t->last_run_seqno = seqno;
	if (seqno > t->max_run_seqno)
		WRITE_ONCE(t->max_run_seqno, seqno);
	if (t->credits_used + job->credits > t->credit_limit)
		tviolate(c, "credit-limit", "%u + %u credits on a ring of %u",
			 t->credits_used, job->credits, t->credit_limit);
	if (t->tp && (t->slot < 0 || fwsched_queue_slot(t->q) != t->slot))
		tviolate(c, "run-without-slot", "run_job of %llu, slot %d, fwsched says %d",
			 seqno, t->slot, fwsched_queue_slot(t->q));
	if (atomic_read(&j->runs) && t->resets == j->run_epoch)
		tviolate(c, "run-twice", "job %llu run again without a reset", seqno);
	j->run_epoch = t->resets;
	if (atomic_inc_return(&j->runs) > 1) {
		/* Run again after a reset: the first hardware fence is spent. */
		fwsched_fence_free(j->hw);
		j->hw = j->hw_spare;
		j->hw_spare = NULL;
		/*
		 * A third run: reset twice, e.g. while it waited in firmware
		 * for a hung job of another ring.  A fence without waiting
		 * for memory, or the run fails.
		 */
		if (!j->hw && t->has_timeout) {
			j->hw = fwsched_fence_alloc(GFP_NOWAIT);
			if (!j->hw) {
				j->rerun_nomem = true;
				spin_unlock_irqrestore(&t->lock, flags);
				return ERR_PTR(-ENOMEM);
			}
		}
		if (!j->hw) {
			spin_unlock_irqrestore(&t->lock, flags);
			return ERR_PTR(-EINVAL);
		}
	}
	fwsched_fence_arm(j->hw, t->hw_tl);
	t->credits_used += job->credits;
	start = list_empty(&t->submitted);
	list_add_tail(&j->link, &t->submitted);
	spin_unlock_irqrestore(&t->lock, flags);

	if (j->set_error)
		fwsched_job_set_error(job, SET_ERR);
	if (start)
		hrtimer_start(&t->timer, us_to_ktime(j->duration_us), HRTIMER_MODE_REL);
	return dma_fence_get(&j->hw->base);
}

/* Is this callback one the driver causes itself (a push to a dead queue)? */
static void tj_check_alive(struct tj *j, const char *what)
{
	struct tq *t = j->tq;

	if (READ_ONCE(t->dead) && !READ_ONCE(j->in_push))
		tviolate(t->c, "callback-after-destroy", "%s of %llu after destroy returned",
			 what, j->base.finished ? j->base.finished->base.seqno : 0);
}

static void t_free_job(struct fwsched_job *job)
{
	struct tj *j = to_tj(job);
	struct tctx *c = j->tq->c;

	tj_check_alive(j, "free_job");
	/* Deferred, free_job may take a lock held around GFP_KERNEL. */
	if (j->tq->defer_free) {
		mutex_lock(&c->bo_lock);
		mutex_unlock(&c->bo_lock);
	}
	if (atomic_inc_return(&j->freed) != 1)
		tviolate(c, "free-once", "free_job called twice");
	fwsched_fence_free(j->hw);
	fwsched_fence_free(j->hw_spare);
	j->hw = NULL;
	j->hw_spare = NULL;
	atomic_long_inc(&c->freed);
	kref_put(&j->ref, tj_release);
}

static void t_cancel_job(struct fwsched_job *job, int error)
{
	struct tj *j = to_tj(job);

	tj_check_alive(j, "cancel_job");
	atomic_long_inc(&j->tq->c->cancelled);
	if (error != -ECANCELED)
		atomic_long_inc(&j->tq->c->cancelled_dep);
}

static void t_cancel_in_flight(struct fwsched_queue *q)
{
	tq_flush_hw(fwsched_queue_priv(q), -ECANCELED, false);
}

static enum fwsched_timeout_action t_timed_out(struct fwsched_job *job)
{
	struct tj *j = to_tj(job);
	u32 r = get_random_u32_below(16);

	tj_check_alive(j, "timed_out");
	if (r < 6)
		return FWSCHED_TIMEOUT_EXTEND;
	if (r < 15) {
		/* The hung job is guilty; a healthy one runs again. */
		if (j->hang)
			fwsched_job_set_error(job, -ETIMEDOUT);
		return FWSCHED_TIMEOUT_RESET;
	}
	return FWSCHED_TIMEOUT_BAN;
}

static void t_reset(struct fwsched_queue *q)
{
	tq_flush_hw(fwsched_queue_priv(q), -ECANCELED, true);
}

static const struct fwsched_queue_ops t_ops = {
	.run_job = t_run_job,
	.free_job = t_free_job,
	.cancel_job = t_cancel_job,
	.cancel_in_flight = t_cancel_in_flight,
	.timed_out = t_timed_out,
	.reset = t_reset,
};

/* ---- slots ----------------------------------------------------------------- */

/*
 * The ring is in a slot again: the "firmware" goes on where it stopped.
 * A head job whose time ran out while the ring was off (@parked) completes
 * now; one whose timer still runs keeps its time: restarting it at each
 * bind would never end a job longer than the pool's time slice.  t->lock
 * held.
 */
static void tq_resume(struct tq *t)
{
	lockdep_assert_held(&t->lock);
	if (t->parked) {
		t->parked = false;
		hrtimer_start(&t->timer, us_to_ktime(1), HRTIMER_MODE_REL);
	}
}

static void t_bind(struct fwsched_queue *q, unsigned int slot)
{
	struct tq *t = fwsched_queue_priv(q);
	struct tpool *tp = t->tp;
	unsigned long flags;

	spin_lock_irqsave(&tp->slots_lock, flags);
	if (slot >= tp->nr_slots || tp->occupant[slot])
		tviolate(t->c, "slot-shared", "slot %u bound while held", slot);
	else
		tp->occupant[slot] = t;
	if (++tp->held > tp->nr_slots)
		tviolate(t->c, "slot-count", "%u slots held of %u", tp->held, tp->nr_slots);
	spin_unlock_irqrestore(&tp->slots_lock, flags);
	spin_lock_irqsave(&t->lock, flags);
	t->slot = slot;
	tq_resume(t);
	spin_unlock_irqrestore(&t->lock, flags);
}

static void t_unbind(struct fwsched_queue *q, unsigned int slot)
{
	struct tq *t = fwsched_queue_priv(q);
	struct tpool *tp = t->tp;
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	if (!list_empty(&t->submitted))
		tviolate(t->c, "unbind-busy", "slot %u unbound with jobs on the hardware", slot);
	t->slot = -1;
	spin_unlock_irqrestore(&t->lock, flags);
	spin_lock_irqsave(&tp->slots_lock, flags);
	if (slot >= tp->nr_slots || tp->occupant[slot] != t)
		tviolate(t->c, "slot-unbind", "slot %u unbound by a queue not in it", slot);
	else
		tp->occupant[slot] = NULL;
	tp->held--;
	spin_unlock_irqrestore(&tp->slots_lock, flags);
}

/* A group's bind puts every member ring into the slot. */
static void t_bind_group(struct fwsched_group *g, unsigned int slot)
{
	struct tgroup *tg = fwsched_group_priv(g);
	struct tpool *tp = tg->tp;
	unsigned long flags;
	struct tq *t;

	spin_lock_irqsave(&tp->slots_lock, flags);
	if (slot >= tp->nr_slots || tp->occupant[slot] || tg->slot >= 0)
		tviolate(tp->c, "slot-shared", "slot %u bound while held (group)", slot);
	else
		tp->occupant[slot] = tg;
	if (++tp->held > tp->nr_slots)
		tviolate(tp->c, "slot-count", "%u slots held of %u", tp->held, tp->nr_slots);
	tg->slot = slot;
	atomic_long_inc(&tp->c->group_binds);
	list_for_each_entry(t, &tg->members, group_link) {
		spin_lock(&t->lock);
		t->slot = slot;
		tq_resume(t);
		spin_unlock(&t->lock);
	}
	spin_unlock_irqrestore(&tp->slots_lock, flags);
}

static void t_unbind_group(struct fwsched_group *g, unsigned int slot)
{
	struct tgroup *tg = fwsched_group_priv(g);
	struct tpool *tp = tg->tp;
	unsigned long flags;
	struct tq *t;

	spin_lock_irqsave(&tp->slots_lock, flags);
	list_for_each_entry(t, &tg->members, group_link) {
		spin_lock(&t->lock);
		if (!list_empty(&t->submitted))
			tviolate(tp->c, "unbind-busy",
				 "slot %u unbound with a member's jobs on the hardware", slot);
		t->slot = -1;
		spin_unlock(&t->lock);
	}
	if (slot >= tp->nr_slots || tp->occupant[slot] != tg || tg->slot != slot)
		tviolate(tp->c, "slot-unbind", "slot %u unbound by a group not in it", slot);
	else
		tp->occupant[slot] = NULL;
	tg->slot = -1;
	tp->held--;
	spin_unlock_irqrestore(&tp->slots_lock, flags);
}

/*
 * Preemption (pools made with it): the firmware saves the ring and leaves
 * its slot at once, or, one time in four, cannot now, and fwsched drains
 * the ring instead.  Jobs in flight stay on the "hardware" and complete
 * only once the ring is bound again (tq_timer()).
 */
static struct dma_fence *t_preempt(struct fwsched_queue *q, unsigned int slot)
{
	struct tq *t = fwsched_queue_priv(q);
	struct tpool *tp = t->tp;
	unsigned long flags;

	if (!get_random_u32_below(4))
		return ERR_PTR(-EBUSY);
	spin_lock_irqsave(&t->lock, flags);
	t->slot = -1;
	spin_unlock_irqrestore(&t->lock, flags);
	spin_lock_irqsave(&tp->slots_lock, flags);
	if (slot >= tp->nr_slots || tp->occupant[slot] != t)
		tviolate(t->c, "slot-preempt", "slot %u preempted from a queue not in it", slot);
	else
		tp->occupant[slot] = NULL;
	tp->held--;
	spin_unlock_irqrestore(&tp->slots_lock, flags);
	atomic_long_inc(&t->c->preemptions);
	return NULL;
}

static struct dma_fence *t_preempt_group(struct fwsched_group *g, unsigned int slot)
{
	struct tgroup *tg = fwsched_group_priv(g);
	struct tpool *tp = tg->tp;
	unsigned long flags;
	struct tq *t;

	if (!get_random_u32_below(4))
		return ERR_PTR(-EBUSY);
	spin_lock_irqsave(&tp->slots_lock, flags);
	list_for_each_entry(t, &tg->members, group_link) {
		spin_lock(&t->lock);
		t->slot = -1;
		spin_unlock(&t->lock);
	}
	if (slot >= tp->nr_slots || tp->occupant[slot] != tg || tg->slot != slot)
		tviolate(tp->c, "slot-preempt", "slot %u preempted from a group not in it", slot);
	else
		tp->occupant[slot] = NULL;
	tg->slot = -1;
	tp->held--;
	spin_unlock_irqrestore(&tp->slots_lock, flags);
	atomic_long_inc(&tp->c->preemptions);
	return NULL;
}

static const struct fwsched_slot_ops t_slot_ops = {
	.bind = t_bind,
	.unbind = t_unbind,
	.bind_group = t_bind_group,
	.unbind_group = t_unbind_group,
	.preempt = t_preempt,
	.preempt_group = t_preempt_group,
};

/* Create the groups of @tp that do not exist.  tp->lock held. */
static void tpool_groups_make(struct tpool *tp, struct rnd_state *rnd)
{
	struct fwsched_group_args a = { .pool = tp->pool };
	struct tgroup *tg;
	int i;

	for (i = 0; i < NGROUPS; i++) {
		tg = &tp->groups[i];
		if (tg->g)
			continue;
		tg->tp = tp;
		tg->slot = -1;
		tg->attached = 0;
		tg->detaching = 0;
		a.priority = prandom_u32_state(rnd) % FWSCHED_PRIO_COUNT;
		a.priv = tg;
		tg->g = fwsched_group_create(&a);
		if (IS_ERR(tg->g)) {
			tviolate(tp->c, "group-create", "group_create: %ld", PTR_ERR(tg->g));
			tg->g = NULL;
		}
	}
}

/*
 * Destroy the groups of @tp that fwsched lets go: -EBUSY exactly while
 * members are attached (either answer while one is being destroyed).
 * tp->lock held.  Returns the groups left.
 */
static unsigned int tpool_groups_drop(struct tpool *tp)
{
	unsigned int left = 0;
	struct tgroup *tg;
	int i, ret;

	for (i = 0; i < NGROUPS; i++) {
		tg = &tp->groups[i];
		if (!tg->g)
			continue;
		ret = fwsched_group_destroy(tg->g);
		if (tg->attached > tg->detaching && ret != -EBUSY)
			tviolate(tp->c, "group-busy",
				 "group with %u queues (%u going) destroyed: %d",
				 tg->attached, tg->detaching, ret);
		if (!tg->attached && ret)
			tviolate(tp->c, "group-destroy", "empty group refused: %d", ret);
		if (!ret) {
			tg->g = NULL;
			if (tg->slot >= 0)
				tviolate(tp->c, "group-held", "group destroyed holding slot %d",
					 tg->slot);
		} else {
			left++;
		}
	}
	return left;
}

static int tpool_make(struct tpool *tp, struct rnd_state *rnd)
{
	struct fwsched_slot_pool_args a = {
		.ops = &t_slot_ops,
		.nr_slots = 1 + prandom_u32_state(rnd) % (pressure ? 2 : MAXSLOTS),
		.release = prandom_u32_state(rnd) & 1 ? FWSCHED_SLOT_RELEASE_IDLE :
			   FWSCHED_SLOT_RELEASE_ON_DEMAND,
		.quantum = 1 + prandom_u32_state(rnd) % 8,
	};
	struct fwsched_slot_pool *pool;

	if (a.nr_slots > 2 && prandom_u32_state(rnd) & 1)
		a.reserved[FWSCHED_PRIO_HIGH] = 1;
	/* Half the pools rotate on a time slice too (the firmware's timers). */
	if (pressure || prandom_u32_state(rnd) & 1)
		a.quantum_us = 200 + prandom_u32_state(rnd) % 2000;
	/*
	 * Half preempt (all under pressure): holders evicted with jobs in
	 * flight, firmware waits across levels kept on the CPU (the
	 * fw-dep-preempt rule).
	 */
	a.preempt = pressure || prandom_u32_state(rnd) & 1;
	pool = fwsched_slot_pool_create(&a);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	tp->pool = pool;
	tp->nr_slots = a.nr_slots;
	WRITE_ONCE(tp->preempt, a.preempt);
	tpool_groups_make(tp, rnd);
	return 0;
}

/* ---- the model's view of finished fences ------------------------------------ */

static bool t_allowed_error(struct tj *j, int err)
{
	unsigned int i;

	if (err == -ECANCELED || err == -ETIMEDOUT || err == T_HW_ERR || err == SET_ERR)
		return true;
	if (err == -ENOMEM && j->rerun_nomem)
		return true;
	for (i = 0; i < j->ndeps; i++)
		if (dma_fence_is_signaled(j->deps[i]) && j->deps[i]->error == err)
			return true;
	return false;
}

static void tj_finished_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct tj *j = container_of(cb, struct tj, fin_cb);
	struct tq *t = j->tq;
	struct tctx *c = t->c;
	unsigned long flags;
	unsigned int i;
	int err = f->error;

	if (atomic_inc_return(&j->signalled) != 1)
		tviolate(c, "signal-once", "fence %llu signalled twice", f->seqno);
	spin_lock_irqsave(&t->lock, flags);
	if (f->seqno <= t->last_signal_seqno)
		tviolate(c, "signal-order", "fence %llu signalled after %llu",
			 f->seqno, t->last_signal_seqno);
	t->last_signal_seqno = f->seqno;
	spin_unlock_irqrestore(&t->lock, flags);

	if (!err) {
		if (!atomic_read(&j->runs))
			tviolate(c, "success-without-run", "fence %llu succeeded, never ran",
				 f->seqno);
		if (j->hw_error || j->set_error)
			tviolate(c, "error-lost", "fence %llu succeeded, its job failed",
				 f->seqno);
		if (j->fw_err)
			tviolate(c, "fw-dep-error-lost",
				 "fence %llu succeeded, a job it waited for in firmware failed (%d)",
				 f->seqno, j->fw_err);
		for (i = 0; i < j->ndeps; i++) {
			/*
			 * A firmware wait ends when that job completes on its
			 * ring, which may be before its fence signals.
			 */
			if (!tj_dep_counts(j, i) || (j->fw_mask & BIT(i)))
				continue;
			if (!dma_fence_is_signaled(j->deps[i]))
				tviolate(c, "signal-before-deps",
					 "fence %llu signalled before dependency %u", f->seqno, i);
			else if (j->deps[i]->error && !dma_fence_is_chain(j->deps[i]))
				tviolate(c, "dep-error-lost",
					 "fence %llu succeeded, dependency %u failed (%d)",
					 f->seqno, i, j->deps[i]->error);
		}
	} else {
		atomic_long_inc(&c->errors);
		if (!t_allowed_error(j, err))
			tviolate(c, "wrong-error", "fence %llu signalled %d", f->seqno, err);
	}
	atomic_long_inc(&c->signalled);
	kref_put(&j->ref, tj_release);
}

/* ---- operations -------------------------------------------------------------- */

static struct tq *t_pick(struct tctx *c, struct rnd_state *rnd)
{
	struct tq *t = NULL;

	spin_lock(&c->table_lock);
	if (c->nq)
		t = c->qs[prandom_u32_state(rnd) % c->nq];
	spin_unlock(&c->table_lock);
	return t;
}

/* Take a random queue out of the table: the caller destroys it. */
static struct tq *t_take(struct tctx *c, struct rnd_state *rnd)
{
	struct tq *t = NULL;
	unsigned int i;

	spin_lock(&c->table_lock);
	if (c->nq > 1) {
		i = prandom_u32_state(rnd) % c->nq;
		t = c->qs[i];
		c->qs[i] = c->qs[--c->nq];
	}
	spin_unlock(&c->table_lock);
	return t;
}

/* Make fwsched's next allocation in this task fail, sometimes. */
static bool t_inject(struct tctx *c, struct rnd_state *rnd)
{
#ifdef CONFIG_FAULT_INJECTION
	if (faults && prandom_u32_state(rnd) % 100 < faults) {
		current->fail_nth = 1;
		return true;
	}
#endif
	return false;
}

/* Was the failure armed by t_inject() consumed?  Disarms it either way. */
static bool t_injected(bool armed)
{
#ifdef CONFIG_FAULT_INJECTION
	bool consumed = armed && !current->fail_nth;

	current->fail_nth = 0;
	return consumed;
#else
	return false;
#endif
}

static void op_create(struct tctx *c, struct rnd_state *rnd)
{
	struct fwsched_queue_args a = {
		.ops = &t_ops, .name = "torture", .driver_name = "fwsched-torture",
		.credit_limit = 1 + prandom_u32_state(rnd) % 8,
		.priority = prandom_u32_state(rnd) % FWSCHED_PRIO_COUNT,
	};
	struct tpool *tp = NULL;
	struct tq *t;
	u32 r = prandom_u32_state(rnd);
	bool armed, consumed;

	spin_lock(&c->table_lock);
	if (c->nq >= queues) {
		spin_unlock(&c->table_lock);
		return;
	}
	spin_unlock(&c->table_lock);

	t = kzalloc_obj(*t, GFP_KERNEL);
	if (!t)
		return;
	t->c = c;
	mutex_init(&t->submit);
	mutex_init(&t->ctl);
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->submitted);
	INIT_LIST_HEAD(&t->group_link);
	t->slot = -1;
	hrtimer_setup(&t->timer, tq_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	t->credit_limit = a.credit_limit;
	t->hw_tl = fwsched_timeline_create("fwsched-torture-fw", "hw");
	if (IS_ERR(t->hw_tl)) {
		kfree(t);
		return;
	}
	/* Where it runs: every mode, the driver's context or fwsched's. */
	switch (r % 4) {
	case 0:
		a.wq = c->wq_ordered;
		break;
	case 1:
		a.wq = c->wq_unordered;
		break;
	default:
		a.exec = (r >> 24) % FWSCHED_EXEC_COUNT;
		if (a.exec == FWSCHED_EXEC_KTHREAD && (r >> 26) % 2)
			a.worker = c->worker;
		break;
	}
	a.defer_free = (r >> 27) % 2;
	t->defer_free = a.defer_free;
	t->may_sleep = a.wq || a.exec != FWSCHED_EXEC_RUNNERS;
	mutex_init(&t->mbox);
	INIT_WORK(&t->ack_work, tq_fw_ack);
	init_completion(&t->ack);
	if ((r >> 2) % 3 == 0) {
		a.timeout_ms = 10 + (r >> 4) % 40;
		t->has_timeout = true;
	}
	/* Firmware shared with other queues: two scopes (1/2, 1/4), or none. */
	if (pressure)
		t->scope = &t_scopes[0];
	else if ((r >> 16) % 4 < 3)
		t->scope = &t_scopes[(r >> 16) % 4 == 2];
	a.fw_scope = t->scope;
	/* Under pressure three queues in four share the pools' few slots. */
	if (pressure ? (r >> 10) % 4 != 0 : (r >> 10) % 3 == 0)
		tp = &c->pools[(r >> 12) % NPOOLS];
	else if ((r >> 14) % 4 == 0)
		a.direct_run = true;
	a.priv = t;

	if (tp) {
		mutex_lock(&tp->lock);
		if (!tp->pool) {
			mutex_unlock(&tp->lock);
			tp = NULL;
		}
	}
	a.pool = tp ? tp->pool : NULL;
	t->tp = tp;
	/* Half the queues of a pool share a slot with others (a group). */
	if (tp && (r >> 20) % 2 && tp->groups[(r >> 21) % NGROUPS].g) {
		t->tg = &tp->groups[(r >> 21) % NGROUPS];
		a.group = t->tg->g;
		if ((r >> 22) % 2)
			a.pool = NULL;	/* the group's, implied */
	}
	armed = t_inject(c, rnd);
	t->q = fwsched_queue_create(&a);
	consumed = t_injected(armed);
	if (IS_ERR(t->q)) {
		if (PTR_ERR(t->q) != -ENOMEM || !consumed)
			tviolate(c, "create-error", "queue_create: %ld", PTR_ERR(t->q));
		else
			atomic_long_inc(&c->injected);
		if (tp)
			mutex_unlock(&tp->lock);
		fwsched_timeline_destroy(t->hw_tl);
		kfree(t);
		return;
	}
	if (tp) {
		tp->attached++;
		if (t->tg) {
			unsigned long flags;

			t->tg->attached++;
			atomic_long_inc(&c->group_queues);
			/* The driver adds the ring to the group's firmware context. */
			spin_lock_irqsave(&tp->slots_lock, flags);
			list_add_tail(&t->group_link, &t->tg->members);
			spin_lock(&t->lock);
			t->slot = t->tg->slot;
			spin_unlock(&t->lock);
			spin_unlock_irqrestore(&tp->slots_lock, flags);
		}
		mutex_unlock(&tp->lock);
	}
	atomic_long_inc(&c->exec_queues[a.wq ? FWSCHED_EXEC_WORK : a.worker ?
					 FWSCHED_EXEC_KTHREAD : a.exec]);
	if (a.defer_free)
		atomic_long_inc(&c->deferred_queues);
	fwsched_queue_get(t->q);	/* pushes after destroy stay legal */
	spin_lock(&c->table_lock);
	list_add_tail(&t->all, &c->all_tq);
	c->qs[c->nq++] = t;
	spin_unlock(&c->table_lock);
	atomic_long_inc(&c->ops[OP_CREATE]);
}

/* A dependency for a job, with a reference, or NULL. */
static struct dma_fence *t_dep(struct tctx *c, struct tq *t, struct rnd_state *rnd)
{
	struct dma_fence *f = NULL, *g = NULL, **arr;
	struct dma_fence_chain *chain;
	u32 r = prandom_u32_state(rnd) % 100;
	unsigned int i;

	/* 0-74 a finished fence, 75-79 foreign, 80 failed, 81-89 array, 90- chain */
	r = r < 75 ? 0 : r < 80 ? 5 : r == 80 ? 7 : r < 90 ? 8 : 9;
	spin_lock(&c->fence_lock);
	switch (r) {
	case 0 ... 4:	/* a finished fence of some queue, maybe destroyed */
		f = dma_fence_get(c->recent[prandom_u32_state(rnd) % NRECENT]);
		break;
	case 5 ... 6:	/* a foreign fence still pending */
		i = prandom_u32_state(rnd) % NFOREIGN;
		if (c->foreign[i])
			f = dma_fence_get(&c->foreign[i]->base);
		break;
	default:
		f = dma_fence_get(c->recent[prandom_u32_state(rnd) % NRECENT]);
		g = dma_fence_get(c->recent[prandom_u32_state(rnd) % NRECENT]);
		break;
	}
	spin_unlock(&c->fence_lock);

	switch (r) {
	case 7:		/* a fence that failed already */
		dma_fence_put(f);
		dma_fence_put(g);
		f = tforeign_new(c);
		if (f) {
			dma_fence_set_error(f, -ENOLINK);
			dma_fence_signal(f);
		}
		return f;
	case 8: {	/* an array of two */
		struct dma_fence_array *array;

		if (!f || !g)
			break;
		arr = kmalloc_array(2, sizeof(*arr), GFP_KERNEL);
		if (!arr)
			break;
		arr[0] = f;
		arr[1] = g;
		array = dma_fence_array_create(2, arr, dma_fence_context_alloc(1), 1);
		if (!array) {
			dma_fence_put(arr[0]);
			dma_fence_put(arr[1]);
			kfree(arr);
			return NULL;
		}
		return &array->base;
	}
	case 9:		/* a chain of two links */
		if (!f || !g)
			break;
		chain = dma_fence_chain_alloc();
		if (!chain)
			break;
		dma_fence_chain_init(chain, f, g, 1);
		return &chain->base;
	default:
		break;
	}
	dma_fence_put(g);
	return f;
}

static void t_remember(struct tctx *c, struct dma_fence *f)
{
	struct dma_fence *old;

	spin_lock(&c->fence_lock);
	old = c->recent[c->recent_pos];
	c->recent[c->recent_pos] = dma_fence_get(f);
	c->recent_pos = (c->recent_pos + 1) % NRECENT;
	spin_unlock(&c->fence_lock);
	dma_fence_put(old);
}

/*
 * Dependencies the way a driver takes them from a buffer: @want fences in a
 * dma_resv (which keeps one per context), then
 * fwsched_job_add_resv_dependencies().  The model records what the resv
 * held.
 */
static void t_resv_deps(struct tctx *c, struct tq *t, struct tj *j,
			unsigned int want, struct rnd_state *rnd)
{
	struct dma_resv_iter cursor;
	struct dma_fence *f;
	struct dma_resv resv;
	unsigned int i;
	int ret;

	dma_resv_init(&resv);
	dma_resv_lock(&resv, NULL);
	if (!dma_resv_reserve_fences(&resv, want)) {
		for (i = 0; i < want; i++) {
			f = t_dep(c, t, rnd);
			/* A dma_resv takes no containers (the core warns). */
			if (f && dma_fence_is_container(f)) {
				dma_fence_put(f);
				f = NULL;
			}
			if (!f)
				continue;
			dma_resv_add_fence(&resv, f, i ? DMA_RESV_USAGE_READ :
					   DMA_RESV_USAGE_WRITE);
			dma_fence_put(f);
		}
		dma_resv_for_each_fence(&cursor, &resv, DMA_RESV_USAGE_READ, f)
			if (j->ndeps < MAXDEPS)
				j->deps[j->ndeps++] = dma_fence_get(f);
		ret = fwsched_job_add_resv_dependencies(&j->base, &resv,
							DMA_RESV_USAGE_READ);
		if (ret)
			tviolate(c, "add-resv", "add_resv_dependencies: %d", ret);
	}
	dma_resv_unlock(&resv);
	dma_resv_fini(&resv);
}

/*
 * A job initialised (and maybe armed) and then given up: an armed one's
 * fence must signal -ECANCELED in its turn; free_job is not called, the
 * driver frees the job itself.
 */
static void t_cleanup(struct tctx *c, struct tq *t, struct tj *j, bool arm)
{
	struct dma_fence *fin = NULL;

	mutex_lock(&t->submit);
	if (arm) {
		fwsched_job_arm(&j->base);
		fin = dma_fence_get(fwsched_job_finished(&j->base));
		kref_get(&j->ref);	/* the finished-fence callback's */
		if (dma_fence_add_callback(fin, &j->fin_cb, tj_finished_cb))
			tviolate(c, "armed-signalled", "an armed fence signalled before cleanup");
		atomic_long_inc(&c->pushed);
	}
	fwsched_job_cleanup(&j->base);
	mutex_unlock(&t->submit);
	if (fin) {
		atomic_long_inc(&c->cleaned);
		t_remember(c, fin);
		dma_fence_put(fin);
	}
	fwsched_fence_free(j->hw);
	fwsched_fence_free(j->hw_spare);
	j->hw = NULL;
	j->hw_spare = NULL;
	/* What free_job would have dropped. */
	kref_put(&j->ref, tj_release);
}

/* Returns -ECANCELED if the queue is banned, else 0. */
static int op_push_one(struct tctx *c, struct tq *t, struct rnd_state *rnd)
{
	struct tj *j = kzalloc_obj(*j, GFP_KERNEL);
	u32 r = prandom_u32_state(rnd);
	unsigned int i, want;
	struct dma_fence *fin;
	bool armed, consumed, was_dead;
	int ret = 0;

	if (!j)
		return 0;
	j->tq = t;
	kref_init(&j->ref);
	INIT_LIST_HEAD(&j->link);
	j->duration_us = 5 + r % 200;
	j->hw = fwsched_fence_alloc(GFP_KERNEL);
	if (t->has_timeout)
		j->hw_spare = fwsched_fence_alloc(GFP_KERNEL);
	if (!j->hw || (t->has_timeout && !j->hw_spare))
		goto free;
	if (r % 200 == 0)
		j->hw_error = T_HW_ERR;
	if ((r >> 8) % 300 == 0)
		j->set_error = true;
	/* Hangs only where a timeout ends them (or a destroy). */
	if (t->has_timeout && (r >> 16) % 80 == 0)
		j->hang = true;

	armed = t_inject(c, rnd);
	ret = fwsched_job_init(&j->base, t->q, 1 + (r >> 20) % t->credit_limit,
			       MAXDEPS);
	consumed = t_injected(armed);
	if (ret) {
		if (ret == -ENOMEM && consumed)
			atomic_long_inc(&c->injected);
		else if (ret != -ESHUTDOWN && ret != -ECANCELED)
			tviolate(c, "init-error", "job_init: %d", ret);
		goto free;
	}
	atomic_long_inc(&c->live);

	/*
	 * 0: 50 %, 1: 30 %, 2: 12 %, 3: 5 %, 4: 3 %.  Fewer than one on
	 * average: a failure spreads to the jobs that depend on it, and with
	 * more it would reach every job of the run.
	 */
	want = (r >> 24) % 100;
	want = want < 50 ? 0 : want < 80 ? 1 : want < 92 ? 2 : want < 97 ? 3 : 4;
	if (want && (r >> 12) % 8 == 0) {
		t_resv_deps(c, t, j, want, rnd);
		want = 0;
	}
	for (i = 0; i < want; i++) {
		struct dma_fence *d = t_dep(c, t, rnd);

		if (!d)
			continue;
		j->deps[j->ndeps++] = dma_fence_get(d);
		ret = fwsched_job_add_dependency(&j->base, d);
		if (ret)
			tviolate(c, "add-dependency", "add_dependency: %d", ret);
	}

	/* Now and then the driver changes its mind: fwsched_job_cleanup(). */
	if ((r >> 4) % 64 == 0) {
		t_cleanup(c, t, j, (r >> 10) & 1);
		return 0;
	}

	/* Ours: the record outlives the push, the job may not. */
	kref_get(&j->ref);
	mutex_lock(&t->submit);
	fwsched_job_arm(&j->base);
	fin = dma_fence_get(fwsched_job_finished(&j->base));
	kref_get(&j->ref);		/* the finished-fence callback's */
	/*
	 * Signalled before its push: a broken rule; the callback's reference
	 * is left (the record leaks, and the run fails anyway).
	 */
	if (dma_fence_add_callback(fin, &j->fin_cb, tj_finished_cb))
		tviolate(c, "armed-signalled", "a finished fence signalled before its push");
	WRITE_ONCE(j->in_push, true);
	was_dead = READ_ONCE(t->dead);
	ret = fwsched_job_push(&j->base);
	WRITE_ONCE(j->in_push, false);
	if (ret && ret != -ESHUTDOWN && ret != -ECANCELED)
		tviolate(c, "push-error", "push: %d", ret);
	mutex_unlock(&t->submit);
	kref_put(&j->ref, tj_release);
	atomic_long_inc(&c->pushed);
	t_remember(c, fin);
	/*
	 * A refused job's fence signals in order, after the queue's earlier
	 * fences: at once if destroy had returned before the push.
	 */
	if (ret && was_dead && !dma_fence_is_signaled(fin))
		tviolate(c, "refused-pending", "push refused (%d), fence unsignalled", ret);
	dma_fence_put(fin);
	return ret == -ECANCELED ? ret : 0;
free:
	fwsched_fence_free(j->hw);
	fwsched_fence_free(j->hw_spare);
	kfree(j);
	return ret == -ECANCELED ? ret : 0;
}

static void t_destroying(struct tq *t);
static void t_destroyed(struct tq *t);

/* A banned queue is torn down and replaced, as a driver would. */
static void t_retire(struct tctx *c, struct tq *t, struct rnd_state *rnd)
{
	unsigned int i;
	bool found = false;

	spin_lock(&c->table_lock);
	for (i = 0; i < c->nq; i++) {
		if (c->qs[i] == t) {
			c->qs[i] = c->qs[--c->nq];
			found = true;
			break;
		}
	}
	spin_unlock(&c->table_lock);
	if (!found)
		return;		/* another thread has it */
	t_destroying(t);
	fwsched_queue_destroy(t->q);
	t_destroyed(t);
	atomic_long_inc(&c->banned);
	op_create(c, rnd);
}

static void op_push(struct tctx *c, struct rnd_state *rnd)
{
	struct tq *t = t_pick(c, rnd);
	unsigned int n = 1 + prandom_u32_state(rnd) % 4;

	if (!t)
		return;
	while (n-- && atomic_dec_return(&c->jobs_left) >= 0) {
		if (op_push_one(c, t, rnd)) {
			t_retire(c, t, rnd);
			break;
		}
	}
	atomic_long_inc(&c->ops[OP_PUSH]);
}

static void op_stop_start(struct tctx *c, struct rnd_state *rnd)
{
	struct tq *t = t_pick(c, rnd);
	unsigned long flags;

	if (!t)
		return;
	mutex_lock(&t->ctl);
	fwsched_queue_stop(t->q);
	spin_lock_irqsave(&t->lock, flags);
	t->stopped = true;
	spin_unlock_irqrestore(&t->lock, flags);
	if (prandom_u32_state(rnd) & 1)
		op_push_one(c, t, rnd);
	spin_lock_irqsave(&t->lock, flags);
	t->stopped = false;
	spin_unlock_irqrestore(&t->lock, flags);
	fwsched_queue_start(t->q);
	mutex_unlock(&t->ctl);
	atomic_long_inc(&c->ops[OP_STOP_START]);
}

static void op_priority(struct tctx *c, struct rnd_state *rnd)
{
	struct tq *t = t_pick(c, rnd);
	int ret;

	if (!t)
		return;
	if (t->tg) {
		/* A member's priority is its group's. */
		ret = fwsched_queue_set_priority(t->q, FWSCHED_PRIO_NORMAL);
		if (ret != -EINVAL)
			tviolate(c, "set-priority", "a member's set_priority: %d", ret);
		mutex_lock(&t->tp->lock);
		if (t->tg->g) {
			u32 prio = prandom_u32_state(rnd) % FWSCHED_PRIO_COUNT;

			ret = fwsched_group_set_priority(t->tg->g, prio);
			if (ret)
				tviolate(c, "set-priority", "group set_priority: %d", ret);
		}
		mutex_unlock(&t->tp->lock);
		atomic_long_inc(&c->ops[OP_PRIORITY]);
		return;
	}
	ret = fwsched_queue_set_priority(t->q, prandom_u32_state(rnd) % FWSCHED_PRIO_COUNT);
	if (ret && ret != -ESHUTDOWN)
		tviolate(c, "set-priority", "set_priority: %d", ret);
	atomic_long_inc(&c->ops[OP_PRIORITY]);
}

static void op_trigger(struct tctx *c, struct rnd_state *rnd)
{
	struct tq *t = t_pick(c, rnd);

	if (!t || !t->has_timeout)
		return;
	fwsched_queue_trigger_timeout(t->q);
	atomic_long_inc(&c->ops[OP_TRIGGER]);
}

static void op_suspend(struct tctx *c, struct rnd_state *rnd)
{
	struct tq *t = t_pick(c, rnd);

	if (!t || !t->has_timeout)
		return;
	mutex_lock(&t->ctl);
	fwsched_queue_suspend_timeout(t->q);
	if (prandom_u32_state(rnd) & 1)
		op_push_one(c, t, rnd);
	fwsched_queue_resume_timeout(t->q);
	mutex_unlock(&t->ctl);
	atomic_long_inc(&c->ops[OP_SUSPEND]);
}

/*
 * @t is about to be destroyed: from here until t_destroyed() fwsched may
 * or may not still count it on its pool, so both answers of a pool
 * destroy are right.
 */
static void t_destroying(struct tq *t)
{
	if (t->tp) {
		mutex_lock(&t->tp->lock);
		t->tp->detaching++;
		if (t->tg)
			t->tg->detaching++;
		mutex_unlock(&t->tp->lock);
	}
}

static void t_destroyed(struct tq *t)
{
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	t->dead = true;
	spin_unlock_irqrestore(&t->lock, flags);
	if (t->tp) {
		mutex_lock(&t->tp->lock);
		t->tp->attached--;
		t->tp->detaching--;
		if (t->tg) {
			t->tg->attached--;
			t->tg->detaching--;
			spin_lock_irqsave(&t->tp->slots_lock, flags);
			list_del_init(&t->group_link);
			spin_unlock_irqrestore(&t->tp->slots_lock, flags);
		}
		mutex_unlock(&t->tp->lock);
	}
}

static void op_destroy(struct tctx *c, struct rnd_state *rnd)
{
	struct tq *t = t_take(c, rnd);

	if (!t)
		return;
	t_destroying(t);
	fwsched_queue_destroy(t->q);
	t_destroyed(t);
	atomic_long_inc(&c->ops[OP_DESTROY]);
	op_create(c, rnd);
}

static void op_destroy_async(struct tctx *c, struct rnd_state *rnd)
{
	struct tq *t = t_take(c, rnd);

	if (!t)
		return;
	t_destroying(t);
	fwsched_queue_destroy_async(t->q);
	/* Other threads keep pushing to it meanwhile. */
	op_create(c, rnd);
	fwsched_queue_destroy_flush();
	t_destroyed(t);
	atomic_long_inc(&c->ops[OP_DESTROY_ASYNC]);
}

static void op_foreign(struct tctx *c, struct rnd_state *rnd)
{
	unsigned int i = prandom_u32_state(rnd) % NFOREIGN;
	struct dma_fence *nf = tforeign_new(c);
	struct tforeign *old;

	if (!nf)
		return;
	spin_lock(&c->fence_lock);
	old = c->foreign[i];
	c->foreign[i] = container_of(nf, struct tforeign, base);
	spin_unlock(&c->fence_lock);
	if (old) {
		if (prandom_u32_state(rnd) % 32 == 0)
			dma_fence_set_error(&old->base, -ENOLINK);
		dma_fence_signal(&old->base);
		dma_fence_put(&old->base);
	}
	atomic_long_inc(&c->ops[OP_FOREIGN]);
}

static void op_pool(struct tctx *c, struct rnd_state *rnd)
{
	struct tpool *tp = &c->pools[prandom_u32_state(rnd) % NPOOLS];
	int ret;

	unsigned int groups;

	mutex_lock(&tp->lock);
	if (tp->pool) {
		/* Groups go first; a pool with groups or queues refuses. */
		groups = tpool_groups_drop(tp);
		ret = fwsched_slot_pool_destroy(tp->pool);
		if ((tp->attached > tp->detaching || groups) && ret != -EBUSY)
			tviolate(c, "pool-busy",
				 "pool with %u queues (%u going), %u groups destroyed: %d",
				 tp->attached, tp->detaching, groups, ret);
		if (!tp->attached && !groups && ret)
			tviolate(c, "pool-destroy", "empty pool refused: %d", ret);
		if (!ret) {
			tp->pool = NULL;
			if (tp->held)
				tviolate(c, "pool-held", "pool destroyed with %u slots held",
					 tp->held);
		}
	}
	if (!tp->pool && tpool_make(tp, rnd))
		tviolate(c, "pool-create", "slot_pool_create failed");
	else if (tp->pool)
		tpool_groups_make(tp, rnd);
	mutex_unlock(&tp->lock);
	atomic_long_inc(&c->ops[OP_POOL]);
}

/* dma_fence_set_deadline() on a recent finished fence, maybe signalled. */
static void op_deadline(struct tctx *c, struct rnd_state *rnd)
{
	struct dma_fence *f;

	spin_lock(&c->fence_lock);
	f = dma_fence_get(c->recent[prandom_u32_state(rnd) % NRECENT]);
	spin_unlock(&c->fence_lock);
	dma_fence_set_deadline(f, ktime_add_us(ktime_get(), prandom_u32_state(rnd) % 2000));
	dma_fence_put(f);
	atomic_long_inc(&c->ops[OP_DEADLINE]);
}

/* What a driver's fdinfo and debugfs do, at any time. */
static void op_inspect(struct tctx *c, struct rnd_state *rnd)
{
	struct tq *t = t_pick(c, rnd);
	struct fwsched_queue_stats st;
	struct seq_buf sb;
	char buf[256];

	if (!t)
		return;
	fwsched_queue_stats(t->q, &st);
	if (st.in_flight > t->credit_limit)
		tviolate(c, "stats", "%u jobs in flight on a ring of %u credits",
			 st.in_flight, t->credit_limit);
	seq_buf_init(&sb, buf, sizeof(buf));
	fwsched_queue_print(t->q, &sb);
	if (fwsched_queue_priority(t->q) >= FWSCHED_PRIO_COUNT)
		tviolate(c, "priority", "priority out of range");
	atomic_long_inc(&c->ops[OP_INSPECT]);
}

static void (*const op_fns[OP_COUNT])(struct tctx *, struct rnd_state *) = {
	[OP_CREATE] = op_create, [OP_PUSH] = op_push,
	[OP_STOP_START] = op_stop_start, [OP_PRIORITY] = op_priority,
	[OP_TRIGGER] = op_trigger, [OP_SUSPEND] = op_suspend,
	[OP_DESTROY] = op_destroy, [OP_DESTROY_ASYNC] = op_destroy_async,
	[OP_FOREIGN] = op_foreign, [OP_POOL] = op_pool,
	[OP_DEADLINE] = op_deadline, [OP_INSPECT] = op_inspect,
};

struct tthread {
	struct tctx *c;
	struct rnd_state rnd;
	struct completion done;
	struct task_struct *task;
};

static int t_thread(void *data)
{
	struct tthread *th = data;
	struct tctx *c = th->c;
	unsigned int total = 0, i;
	u32 r;

	for (i = 0; i < OP_COUNT; i++)
		total += op_weight[i];
	while (atomic_read(&c->jobs_left) > 0 && !kthread_should_stop()) {
		if (c->until && time_after(jiffies, c->until))
			break;
		r = prandom_u32_state(&th->rnd) % total;
		for (i = 0; i < OP_COUNT; i++) {
			if (r < op_weight[i])
				break;
			r -= op_weight[i];
		}
		op_fns[i](c, &th->rnd);
		cond_resched();
	}
	complete(&th->done);
	return 0;
}

/* ---- the case ----------------------------------------------------------------- */

/*
 * No job signalled for a long time: print every queue that has work, as
 * fwsched sees it (fwsched_queue_print(), slot holder included) and as the
 * "firmware" does.  Only a dump for the console log: what passes or fails
 * is decided by the threads' bound, never by how long this took.
 */
static void t_dump(struct tctx *c, char *buf)
{
	struct fwsched_queue_stats st;
	struct seq_buf sb;
	char *line, *p;
	struct tq *t;
	unsigned long flags;

	pr_info("fwsched_torture: no job signalled for %u s; queues with work:\n",
		TORTURE_STALL_DUMP_S);
	spin_lock(&c->table_lock);
	list_for_each_entry(t, &c->all_tq, all) {
		struct tj *j;
		unsigned int n = 0;

		fwsched_queue_stats(t->q, &st);
		spin_lock_irqsave(&t->lock, flags);
		list_for_each_entry(j, &t->submitted, link)
			n++;
		j = list_first_entry_or_null(&t->submitted, struct tj, link);
		if (!st.pending && !st.in_flight && !n) {
			spin_unlock_irqrestore(&t->lock, flags);
			continue;
		}
		pr_info("  ring: slot=%d submitted=%u timer=%d parked=%d dead=%d stopped=%d head: runs=%d hang=%d nfw=%u fw_done=%d\n",
			t->slot, n, hrtimer_active(&t->timer), t->parked, t->dead, t->stopped,
			j ? atomic_read(&j->runs) : -1, j ? j->hang : 0,
			j ? j->nfw : 0, j ? tj_fw_waits_done(j) : 1);
		spin_unlock_irqrestore(&t->lock, flags);
		seq_buf_init(&sb, buf, PAGE_SIZE);
		fwsched_queue_print(t->q, &sb);
		seq_buf_str(&sb);
		for (p = buf; (line = strsep(&p, "\n"));)
			if (*line)
				pr_info("  %s\n", line);
	}
	spin_unlock(&c->table_lock);
}

/*
 * Wait for a thread to finish its jobs, within @bound; dump the queues
 * once if nothing signals for TORTURE_STALL_DUMP_S (a hang shows its state
 * in the console log before the boot's own bound kills it).
 */
static bool t_wait_thread(struct tctx *c, struct tthread *th, unsigned long bound,
			  bool *dumped, char *buf)
{
	unsigned long end = jiffies + bound;
	long last = atomic_long_read(&c->signalled);
	unsigned long since = jiffies;

	while (!wait_for_completion_timeout(&th->done, 10 * HZ)) {
		long now = atomic_long_read(&c->signalled);

		if (now != last) {
			last = now;
			since = jiffies;
		} else if (!*dumped && buf &&
			   time_after(jiffies, since + TORTURE_STALL_DUMP_S * HZ)) {
			*dumped = true;
			t_dump(c, buf);
		}
		if (time_after(jiffies, end))
			return false;
	}
	return true;
}

static void t_teardown(struct tctx *c)
{
	struct tq *t, *tmp;
	unsigned int i;
	int ret;

	/* Every queue still in the table goes; the foreign fences signal. */
	spin_lock(&c->table_lock);
	while (c->nq) {
		t = c->qs[--c->nq];
		spin_unlock(&c->table_lock);
		t_destroying(t);
		fwsched_queue_destroy(t->q);
		t_destroyed(t);
		spin_lock(&c->table_lock);
	}
	spin_unlock(&c->table_lock);
	fwsched_queue_destroy_flush();
	for (i = 0; i < NFOREIGN; i++) {
		if (c->foreign[i]) {
			dma_fence_signal(&c->foreign[i]->base);
			dma_fence_put(&c->foreign[i]->base);
			c->foreign[i] = NULL;
		}
	}
	/*
	 * hold=1: a resident module keeps some finished fences, signalled,
	 * while fwsched.ko is unloaded and loaded again (the plan does it).
	 * symbol_get(): no hard dependency on fwsched_test_holder.
	 */
	if (hold) {
		int (*keep)(unsigned int slot, struct dma_fence *f) =
			symbol_get(fwsched_test_hold);
		unsigned int n = 0;

		if (!keep)
			tviolate(c, "hold", "hold=1 without fwsched_test_holder loaded");
		for (i = 0; keep && i < NRECENT && n < FWSCHED_TEST_HOLD_MAX; i++) {
			if (c->recent[i] == c->stub)
				continue;
			if (!dma_fence_is_signaled(c->recent[i]))
				tviolate(c, "unsignalled-after-destroy",
					 "a finished fence unsignalled after every queue went");
			if (keep(n++, c->recent[i]))
				tviolate(c, "hold", "the holder refused a fence");
		}
		if (keep)
			symbol_put(fwsched_test_hold);
	}
	for (i = 0; i < NRECENT; i++) {
		dma_fence_put(c->recent[i]);
		c->recent[i] = NULL;
	}
	if (!wait_event_timeout(c->wait, !atomic_long_read(&c->live), 60 * HZ))
		tviolate(c, "leak", "%ld job records never released",
			 atomic_long_read(&c->live));
	list_for_each_entry_safe(t, tmp, &c->all_tq, all) {
		hrtimer_cancel(&t->timer);
		if (!list_empty(&t->submitted))
			tviolate(c, "left-on-hw", "a destroyed queue left jobs on the hardware");
		fwsched_queue_put(t->q);
		fwsched_timeline_destroy(t->hw_tl);
		list_del(&t->all);
		kfree(t);
	}
	for (i = 0; i < NPOOLS; i++) {
		if (!c->pools[i].pool)
			continue;
		if (tpool_groups_drop(&c->pools[i]))
			tviolate(c, "group-destroy", "pool %u: a group refused at the end", i);
		ret = fwsched_slot_pool_destroy(c->pools[i].pool);
		if (ret)
			tviolate(c, "pool-destroy", "pool %u refused at the end: %d", i, ret);
	}
	dma_fence_put(c->stub);
	if (c->wq_ordered)
		destroy_workqueue(c->wq_ordered);
	if (c->wq_unordered)
		destroy_workqueue(c->wq_unordered);
	if (c->wq_fw)
		destroy_workqueue(c->wq_fw);
	if (c->worker)
		kthread_destroy_worker(c->worker);
}

static void torture_run(struct kunit *test)
{
	struct tctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	unsigned int nthreads = threads ?: num_online_cpus() + 1;
	struct tthread *th;
	unsigned long start = jiffies, secs;
	char *dump_buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	u64 disp0, passes0, disp1, passes1;
	long events;
	bool dumped = false;
	unsigned int i, j;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->qs = kunit_kcalloc(test, MAXQ, sizeof(*c->qs), GFP_KERNEL);
	th = kunit_kcalloc(test, nthreads, sizeof(*th), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->qs);
	KUNIT_ASSERT_NOT_NULL(test, th);
	c->test = test;
	c->seed = seed ?: get_random_u64();
	queues = clamp(queues, 2U, (unsigned int)MAXQ);
	kunit_info(test, "seed=%llu jobs=%u duration=%u queues=%u threads=%u faults=%u%%%s",
		   c->seed, jobs, duration, queues, nthreads, faults,
		   IS_ENABLED(CONFIG_FAULT_INJECTION) ? "" :
		   " (no fault injection in this kernel)");
	spin_lock_init(&c->table_lock);
	spin_lock_init(&c->fence_lock);
	INIT_LIST_HEAD(&c->all_tq);
	init_waitqueue_head(&c->wait);
	atomic_set(&c->jobs_left, duration ? INT_MAX : jobs);
	if (duration)
		c->until = jiffies + duration * HZ;
	c->wq_ordered = alloc_ordered_workqueue("fwsched-torture-o", WQ_MEM_RECLAIM);
	c->wq_unordered = alloc_workqueue("fwsched-torture-u",
					  WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	c->wq_fw = alloc_workqueue("fwsched-torture-fw",
				   WQ_MEM_RECLAIM | WQ_HIGHPRI | WQ_UNBOUND, 0);
	c->worker = kthread_run_worker(0, "fwsched-torture");
	if (IS_ERR(c->worker))
		c->worker = NULL;
	mutex_init(&c->bo_lock);
	/* The buffer object's lock is held around GFP_KERNEL somewhere. */
	mutex_lock(&c->bo_lock);
	kfree(kmalloc(64, GFP_KERNEL));
	mutex_unlock(&c->bo_lock);
	for (i = 0; i < NPOOLS; i++) {
		mutex_init(&c->pools[i].lock);
		spin_lock_init(&c->pools[i].slots_lock);
		c->pools[i].c = c;
		for (j = 0; j < NGROUPS; j++)
			INIT_LIST_HEAD(&c->pools[i].groups[j].members);
	}
	c->stub = dma_fence_get_stub();
	for (i = 0; i < NRECENT; i++)
		c->recent[i] = dma_fence_get(c->stub);

	fwsched_runner_stats(&disp0, &passes0);
	if (c->wq_ordered && c->wq_unordered && c->worker) {
		struct rnd_state rnd;

		prandom_seed_state(&rnd, c->seed);
		for (i = 0; i < NPOOLS; i++)
			if (tpool_make(&c->pools[i], &rnd))
				tviolate(c, "pool-create", "slot_pool_create failed");
		/* The whole scale from the start (a failed create is retried). */
		for (i = 0; c->nq < queues && i < 2 * queues; i++)
			op_create(c, &rnd);
		for (i = 0; i < nthreads; i++) {
			th[i].c = c;
			prandom_seed_state(&th[i].rnd, c->seed + i + 1);
			init_completion(&th[i].done);
			th[i].task = kthread_run(t_thread, &th[i], "fwsched-torture/%u", i);
			if (IS_ERR(th[i].task)) {
				th[i].task = NULL;
				complete(&th[i].done);
			}
		}
		for (i = 0; i < nthreads; i++)
			if (!t_wait_thread(c, &th[i], (duration + 3600) * HZ,
					   &dumped, dump_buf))
				tviolate(c, "stall", "thread %u never finished its jobs", i);
	}
	t_teardown(c);
	fwsched_runner_stats(&disp1, &passes1);

	secs = max(1UL, (jiffies - start) / HZ);
	kunit_info(test, "pushed=%ld signalled=%ld freed=%ld cleaned-up=%ld cancelled=%ld (failed dependency %ld) errors=%ld injected=%ld banned=%ld in %lu s (%ld jobs/s)",
		   atomic_long_read(&c->pushed), atomic_long_read(&c->signalled),
		   atomic_long_read(&c->freed), atomic_long_read(&c->cleaned),
		   atomic_long_read(&c->cancelled), atomic_long_read(&c->cancelled_dep),
		   atomic_long_read(&c->errors), atomic_long_read(&c->injected),
		   atomic_long_read(&c->banned), secs, atomic_long_read(&c->pushed) / secs);
	for (i = 0; i < OP_COUNT; i++)
		kunit_info(test, "op %s: %ld", op_names[i], atomic_long_read(&c->ops[i]));
	kunit_info(test, "firmware waits handed to run_job: %ld",
		   atomic_long_read(&c->fw_waits));
	kunit_info(test, "queues on the runners %ld, a work item %ld, a kthread_worker %ld; free_job deferred %ld; run_job slept %ld times",
		   atomic_long_read(&c->exec_queues[FWSCHED_EXEC_RUNNERS]),
		   atomic_long_read(&c->exec_queues[FWSCHED_EXEC_WORK]),
		   atomic_long_read(&c->exec_queues[FWSCHED_EXEC_KTHREAD]),
		   atomic_long_read(&c->deferred_queues), atomic_long_read(&c->slept));
	/* Enough queues draw every mode: a mode never drawn tests nothing. */
	if (atomic_long_read(&c->ops[OP_CREATE]) >= 48)
		for (i = 0; i < FWSCHED_EXEC_COUNT; i++)
			KUNIT_EXPECT_GT_MSG(test, atomic_long_read(&c->exec_queues[i]), 0,
					    "no queue of execution mode %d (seed %llu)", i,
					    c->seed);
	/*
	 * A pass runs for a push, a dependency, a completion, a grant or an
	 * operation: about one a job (0.3 to 1.2 measured).  Passes far
	 * beyond that are a queue kicking itself without progress, a busy
	 * loop even where it ends (a count, not a time).
	 */
	for (i = 0, events = atomic_long_read(&c->pushed); i < OP_COUNT; i++)
		events += atomic_long_read(&c->ops[i]);
	kunit_info(test, "runners: %llu dispatches, %llu queue passes for %ld jobs and operations",
		   disp1 - disp0, passes1 - passes0, events);
	if (passes1 - passes0 > 20 * (u64)events + 1000)
		tviolate(c, "spin", "%llu runner passes for %ld jobs and operations",
			 passes1 - passes0, events);
	kunit_info(test, "queues created in a slot group: %ld, group binds: %ld, preemptions: %ld",
		   atomic_long_read(&c->group_queues), atomic_long_read(&c->group_binds),
		   atomic_long_read(&c->preemptions));

	KUNIT_EXPECT_NOT_NULL(test, c->wq_ordered);
	KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&c->signalled), atomic_long_read(&c->pushed),
			    "finished fences that never signalled (seed %llu)", c->seed);
	KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&c->freed) + atomic_long_read(&c->cleaned),
			    atomic_long_read(&c->pushed),
			    "jobs never freed (seed %llu)", c->seed);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&c->violations), 0,
			    "the model saw broken rules, VIOLATION lines above (seed %llu)",
			    c->seed);
}

static struct kunit_case torture_cases[] = {
	KUNIT_CASE_SLOW(torture_run),
	{}
};

static struct kunit_suite torture_suite = {
	.name = "fwsched_torture",
	.test_cases = torture_cases,
};

kunit_test_suite(torture_suite);

MODULE_DESCRIPTION("fwsched torture: random operations against a reference model");
MODULE_LICENSE("GPL");
