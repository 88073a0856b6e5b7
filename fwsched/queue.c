// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched queues: one per firmware ring, run on a workqueue.  This file has
 * their life (create, stop, start, destroy), the run right, the push and the
 * work item, which share the run right; timeouts are in timeout.c, finished
 * fences and deadlines in deadline.c.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/dma-fence-array.h>
#include <linux/dma-fence-chain.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include <fwsched/queue.h>

#include "internal.h"
#include "trace.h"

#define FWSCHED_MAX_DEPS 4096

static void fwsched_queue_destroy_work(struct work_struct *work);
static void fwsched_queue_free_work(struct work_struct *work);
static void fwsched_job_run(struct fwsched_job *job);

/**
 * struct fwsched_queue_freer - a queue's deferred frees
 *
 * &fwsched_queue_args.defer_free: allocated with the queue, freed with it,
 * so that queues without it carry none of this.
 */
struct fwsched_queue_freer {
	/** @jobs: A. Jobs whose cancel_job and free_job are due (done_node). */
	struct llist_head jobs;
	/** @work: A. On fwsched_free_wq; destroy flushes it. */
	struct work_struct work;
};

/*
 * Does @job fit in the ring beside the jobs in flight?  Written so that it
 * cannot wrap: @credits never exceeds @credit_limit.
 */
static bool fwsched_queue_fits(struct fwsched_queue *q, struct fwsched_job *job)
{
	lockdep_assert_held(&q->lock);
	return job->credits <= q->credit_limit - q->credits;
}

/**
 * fwsched_queue_create() - create a queue for one firmware ring
 * @args: what the queue is; see &struct fwsched_queue_args
 *
 * Context: process context; may sleep (GFP_KERNEL; a driver's workqueue is
 * checked by running an item on it and waiting: not from a work item of an
 * ordered &fwsched_queue_args.wq, nor holding a lock its work items take).
 * Return: the queue with one reference for the caller, which
 * fwsched_queue_destroy() gives up; ERR_PTR(-EINVAL) for missing args, ops
 * or names, names of 64 bytes or more, a zero credit limit, a priority out
 * of range, a timeout without &fwsched_queue_ops.timed_out, direct run
 * with a slot pool, &fwsched_queue_ops.prepare or
 * &fwsched_queue_ops.update_credits, a group of another pool than @pool,
 * a queue of its own on a pool with preemption whose ops lack
 * &fwsched_slot_ops.preempt, an &fwsched_queue_args.exec out of range or
 * that does not match a @wq or @worker given, or a driver workqueue
 * without WQ_MEM_RECLAIM; ERR_PTR(-ENOMEM).
 */
struct fwsched_queue *fwsched_queue_create(const struct fwsched_queue_args *args)
{
	struct fwsched_slot_holder *own = NULL;
	struct fwsched_slot_pool *pool;
	struct fwsched_queue *q;
	struct fwsched_timeline *tl;
	int ret;

	if (!args || !args->ops || !args->ops->run_job || !args->ops->free_job ||
	    !args->credit_limit || args->priority >= FWSCHED_PRIO_COUNT ||
	    (args->timeout_ms && !args->ops->timed_out))
		return ERR_PTR(-EINVAL);
	pool = args->group ? fwsched_group_pool(args->group) : args->pool;
	if ((args->group && args->pool && args->pool != pool) ||
	    (!args->group && pool && !fwsched_slot_pool_can_preempt_queue(pool)) ||
	    (args->direct_run && (pool || args->ops->prepare ||
				  args->ops->update_credits)))
		return ERR_PTR(-EINVAL);

	if (fwsched_should_fail_alloc(sizeof(*q)))
		return ERR_PTR(-ENOMEM);
	q = kzalloc_obj(*q, GFP_KERNEL);
	if (!q)
		return ERR_PTR(-ENOMEM);
	ret = fwsched_queue_kick_init(q, args);
	if (ret) {
		kfree(q);
		return ERR_PTR(ret);
	}
	/* A slot holder of its own; queues without a pool carry none. */
	if (pool && !args->group) {
		if (!fwsched_should_fail_alloc(sizeof(*own)))
			own = kzalloc_obj(*own, GFP_KERNEL);
		if (!own) {
			kfree(q);
			return ERR_PTR(-ENOMEM);
		}
	}

	/* Deferred frees: only the queues that ask carry them. */
	if (args->defer_free) {
		if (!fwsched_should_fail_alloc(sizeof(*q->freer)))
			q->freer = kzalloc_obj(*q->freer, GFP_KERNEL);
		if (!q->freer) {
			kfree(own);
			kfree(q);
			return ERR_PTR(-ENOMEM);
		}
	}

	tl = fwsched_timeline_create(args->driver_name, args->name);
	if (IS_ERR(tl)) {
		kfree(q->freer);
		kfree(own);
		kfree(q);
		return ERR_CAST(tl);
	}

	kref_init(&q->ref);
	q->ops = args->ops;
	q->timeline = tl;
	q->defer_free = args->defer_free;
	if (q->freer) {
		init_llist_head(&q->freer->jobs);
		INIT_WORK(&q->freer->work, fwsched_queue_free_work);
	}
	q->priv = args->priv;
	spin_lock_init(&q->lock);
	q->state = FWSCHED_QUEUE_RUNNING;
	INIT_LIST_HEAD(&q->pending);
	INIT_LIST_HEAD(&q->in_flight);
	q->credit_limit = args->credit_limit;
	q->direct = args->direct_run;
	q->fw_scope = args->fw_scope;
	tl->fw_scope = args->fw_scope;
	INIT_LIST_HEAD(&q->fw_waiters);
	q->gated = pool || args->ops->prepare || args->ops->update_credits;
	q->priority = args->priority;
	q->timeout = (u64)args->timeout_ms * NSEC_PER_MSEC;
	INIT_DELAYED_WORK(&q->timeout_work, fwsched_queue_timeout_work);
	init_llist_head(&q->deadlines);
	q->stats_on = args->stats;
	init_llist_head(&q->done);
	atomic_set(&q->callbacks, 0);
	INIT_WORK(&q->destroy_work, fwsched_queue_destroy_work);
	/* A group's grant may queue the work item from here on. */
	if (pool) {
		fwsched_slot_attach(q, pool, args->group, own, args->priority);
		tl->fw_holder = fwsched_slot_fw_holder(q);
	}
	fwsched_debug_add(q);
	trace_fwsched_queue_create(q, args->priority);
	trace_fwsched_queue_exec(q, q->exec | (q->defer_free ? 0x100 : 0));
	return q;
}
EXPORT_SYMBOL_GPL(fwsched_queue_create);

static void fwsched_queue_release(struct kref *ref)
{
	struct fwsched_queue *q = container_of(ref, struct fwsched_queue, ref);

	/* The creator's reference goes only through fwsched_queue_destroy(). */
	WARN_ON(q->state != FWSCHED_QUEUE_DEAD);
	fwsched_timeline_destroy(q->timeline);
	if (q->slot.own)
		kfree(q->slot.holder);
	kfree(q->freer);
	kfree(q);
}

/**
 * fwsched_queue_get() - keep a queue's memory alive
 * @queue: the queue
 *
 * Context: any context.
 * Return: @queue.
 */
struct fwsched_queue *fwsched_queue_get(struct fwsched_queue *queue)
{
	kref_get(&queue->ref);
	return queue;
}
EXPORT_SYMBOL_GPL(fwsched_queue_get);

/**
 * fwsched_queue_put() - drop a reference from fwsched_queue_get()
 * @queue: the queue, or NULL
 *
 * Context: any context.
 */
void fwsched_queue_put(struct fwsched_queue *queue)
{
	if (queue)
		kref_put(&queue->ref, fwsched_queue_release);
}
EXPORT_SYMBOL_GPL(fwsched_queue_put);

/**
 * fwsched_queue_priv() - the driver data given at creation
 * @queue: the queue
 *
 * Context: any context.
 * Return: &fwsched_queue_args.priv.
 */
void *fwsched_queue_priv(const struct fwsched_queue *queue)
{
	return queue->priv;
}
EXPORT_SYMBOL_GPL(fwsched_queue_priv);

/**
 * fwsched_queue_context() - the dma_fence context of a queue's finished fences
 * @queue: the queue
 *
 * Context: any context.
 * Return: the context; a fence with it is a finished fence of @queue.
 */
u64 fwsched_queue_context(const struct fwsched_queue *queue)
{
	return queue->timeline->context;
}
EXPORT_SYMBOL_GPL(fwsched_queue_context);

/**
 * fwsched_queue_set_priority() - change a queue's priority
 * @queue: the queue
 * @priority: the new &enum fwsched_priority
 *
 * Takes effect between two jobs, in the queue's work item: never while
 * run_job runs.  A queue waiting for a slot moves to the tail of its new
 * level's FIFO; a queue holding a slot is counted at its new level at once
 * if that is higher, else when it gives the slot back, and gives it back at
 * once if the new level could not have taken it.
 *
 * Context: process context; does not sleep or allocate.
 * Return: 0; -EINVAL for a priority out of range or a member of a group
 * (fwsched_group_set_priority() changes the group's); -ESHUTDOWN if the
 * queue is being destroyed.
 */
int fwsched_queue_set_priority(struct fwsched_queue *queue,
			       enum fwsched_priority priority)
{
	int ret = 0;

	if ((unsigned int)priority >= FWSCHED_PRIO_COUNT ||
	    (queue->slot.pool && queue->slot.holder->group))
		return -EINVAL;
	spin_lock(&queue->lock);
	if (queue->state == FWSCHED_QUEUE_DEAD) {
		ret = -ESHUTDOWN;
	} else if (queue->priority != priority) {
		queue->priority = priority;
		queue->priority_changed = true;
		trace_fwsched_queue_priority(queue, priority);
	}
	spin_unlock(&queue->lock);
	if (!ret)
		fwsched_queue_kick(queue);
	return ret;
}
EXPORT_SYMBOL_GPL(fwsched_queue_set_priority);

/**
 * fwsched_queue_priority() - a queue's priority
 * @queue: the queue
 *
 * Context: any context.
 * Return: the last priority set, whether or not it took effect yet; for a
 * member of a group, the group's.
 */
enum fwsched_priority fwsched_queue_priority(struct fwsched_queue *queue)
{
	if (queue->slot.pool && queue->slot.holder->group)
		return fwsched_group_priority(queue->slot.holder->group);
	return READ_ONCE(queue->priority);
}
EXPORT_SYMBOL_GPL(fwsched_queue_priority);

/* ---- jobs ---------------------------------------------------------------- */

/**
 * fwsched_job_init() - prepare a job for a queue
 * @job: the job, embedded in the driver's
 * @queue: the queue it will run on
 * @credits: ring space it takes while in flight, 1 to the queue's limit
 * @max_deps: how many dependencies it may get (after de-duplication)
 *
 * Allocates everything the job will ever need: its finished fence and room
 * for @max_deps dependencies, in one allocation.  Nothing after this
 * allocates.  The job holds a reference on @queue's memory until it is
 * freed, so a job may be pushed (or cleaned up) after the queue was
 * destroyed: the push then fails cleanly with -ESHUTDOWN.
 *
 * Context: process context; may sleep (GFP_KERNEL).
 * Return: 0; -EINVAL for zero credits, more than the limit, or more than
 * 4096 dependencies; -ECANCELED if @queue was banned; -ESHUTDOWN if it is
 * being destroyed; -ENOMEM.
 */
int fwsched_job_init(struct fwsched_job *job, struct fwsched_queue *queue,
		     u32 credits, unsigned int max_deps)
{
	struct fwsched_finished *fin;
	struct fwsched_fence *f;

	if (!job || !queue || !credits || credits > queue->credit_limit ||
	    max_deps > FWSCHED_MAX_DEPS)
		return -EINVAL;
	switch (READ_ONCE(queue->state)) {
	case FWSCHED_QUEUE_DEAD:
		return -ESHUTDOWN;
	case FWSCHED_QUEUE_BANNED:
		return -ECANCELED;
	default:
		break;
	}

	f = fwsched_fence_alloc_extra(struct_size(fin, deps, max_deps) -
				      sizeof(struct fwsched_fence), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	fin = to_finished(f);

	memset(job, 0, sizeof(*job));
	fin->job = job;
	/* Dropped when the job is freed: a job keeps its queue's memory. */
	job->queue = fwsched_queue_get(queue);
	job->finished = f;
	job->deps = fin->deps;
	job->credits = credits;
	job->max_deps = max_deps;
	INIT_LIST_HEAD(&job->link);
	job->state = FWSCHED_JOB_INIT;
	return 0;
}
EXPORT_SYMBOL_GPL(fwsched_job_init);

/*
 * Drop dependency @next_dep, the first one not yet dropped.  @signalled: it
 * has signalled, and a failure it carries becomes the job's error.
 */
static void fwsched_job_drop_dep(struct fwsched_job *job, bool signalled)
{
	struct dma_fence *f = job->deps[job->next_dep];

	if (signalled)
		fwsched_job_note_error(job, f->error);
	dma_fence_put(f);
	job->deps[job->next_dep++] = NULL;
}

static noinline void fwsched_job_put_fw_deps(struct fwsched_job *job)
{
	while (job->num_fw_deps) {
		job->num_fw_deps--;
		dma_fence_put(job->deps[job->num_fw_deps]);
		job->deps[job->num_fw_deps] = NULL;
	}
}

static void fwsched_job_put_deps(struct fwsched_job *job)
{
	if (unlikely(job->num_fw_deps))
		fwsched_job_put_fw_deps(job);
	while (job->next_dep < job->num_deps)
		fwsched_job_drop_dep(job, false);
}

/**
 * fwsched_job_cleanup() - undo fwsched_job_init() for a job never pushed
 * @job: the job
 *
 * Drops the dependencies and the finished fence.  If the job was armed, its
 * finished fence is signalled with -ECANCELED first, so that no fence of
 * the queue waits for it.  The driver frees its own memory afterwards;
 * free_job is not called.
 *
 * Context: any context; does not sleep.
 */
void fwsched_job_cleanup(struct fwsched_job *job)
{
	if (WARN_ON(job->state > FWSCHED_JOB_ARMED))
		return;
	fwsched_job_put_deps(job);
	if (job->state == FWSCHED_JOB_ARMED)
		fwsched_fence_signal(job->finished, -ECANCELED);
	fwsched_job_forget(job);
	fwsched_fence_free(job->finished);
	job->finished = NULL;
	fwsched_queue_put(job->queue);
	job->queue = NULL;
}
EXPORT_SYMBOL_GPL(fwsched_job_cleanup);

void fwsched_job_note_error(struct fwsched_job *job, int error)
{
	if (error < 0 && !READ_ONCE(job->error))
		cmpxchg(&job->error, 0, error);
}

/**
 * fwsched_job_set_error() - report a job's hardware error
 * @job: a pushed job that has not been freed
 * @error: a negative error code
 *
 * The first error reported for a job is what its finished fence signals
 * with; a job that depends on it is then cancelled with the same error
 * instead of running.  Call it before the hardware fence signals (or from
 * &fwsched_queue_ops.timed_out, so that %FWSCHED_TIMEOUT_RESET does not
 * run the job again).
 *
 * Context: any context; does not sleep or allocate.
 */
void fwsched_job_set_error(struct fwsched_job *job, int error)
{
	if (WARN_ON(error >= 0 || error < -MAX_ERRNO))
		return;
	fwsched_job_note_error(job, error);
}
EXPORT_SYMBOL_GPL(fwsched_job_set_error);

/**
 * fwsched_job_add_dependency() - make a job wait for a fence
 * @job: a job that was initialised and not yet armed or pushed
 * @fence: any dma_fence (arrays, chains, sync_file and dma_resv fences
 *	included); the caller's reference is consumed in every case
 *
 * A fence that has signalled already is dropped, but an error it carries
 * is kept: a job whose dependency failed never runs, it is cancelled with
 * that error.  A finished fence of the job's own queue is dropped (the ring
 * is in order).  A fence added twice is kept once, and a fence that has
 * signalled since it was added gives its room to a later fence of the same
 * context (keeping its error); two unsignalled fences of one context are
 * both kept, because the later one signalling says nothing about whether
 * the earlier one failed (drm_sched keeps only the later one and loses that
 * error).  Containers (arrays, chains) are kept whole.
 *
 * Context: process context; does not sleep or allocate.
 * Return: 0; -EINVAL for a NULL fence; -EBUSY if the job was armed or
 * pushed; -ENOSPC if the job already has max_deps dependencies.
 */
int fwsched_job_add_dependency(struct fwsched_job *job, struct dma_fence *fence)
{
	unsigned int i;

	if (!fence)
		return -EINVAL;
	if (job->state != FWSCHED_JOB_INIT) {
		dma_fence_put(fence);
		return -EBUSY;
	}

	if (fence->context == fwsched_queue_context(job->queue)) {
		dma_fence_put(fence);
		return 0;
	}
	if (dma_fence_is_signaled(fence)) {
		fwsched_job_note_error(job, fence->error);
		dma_fence_put(fence);
		return 0;
	}

	if (!dma_fence_is_container(fence)) {
		for (i = 0; i < job->num_deps; i++) {
			struct dma_fence *old = job->deps[i];

			if (old->context != fence->context ||
			    dma_fence_is_container(old))
				continue;
			if (old->seqno == fence->seqno) {
				dma_fence_put(fence);
				return 0;
			}
			/*
			 * The later of two fences of one context signals
			 * after the earlier, but that says nothing about
			 * the earlier one's error: drop the earlier only
			 * once it has signalled, keeping its error.
			 */
			if (dma_fence_is_later(fence, old) && dma_fence_is_signaled(old)) {
				fwsched_job_note_error(job, old->error);
				job->deps[i] = fence;
				dma_fence_put(old);
				return 0;
			}
		}
	}

	if (job->num_deps == job->max_deps) {
		dma_fence_put(fence);
		return -ENOSPC;
	}
	job->deps[job->num_deps++] = fence;
	return 0;
}
EXPORT_SYMBOL_GPL(fwsched_job_add_dependency);

/**
 * fwsched_job_add_resv_dependencies() - wait for the fences of a dma_resv
 * @job: a job not yet armed or pushed
 * @resv: the reservation object; locked by the caller
 * @usage: which fences, as for dma_resv_for_each_fence()
 *
 * On an error the fences added before it stay added (and are dropped with
 * the job); the caller usually cleans the job up.
 *
 * Context: process context with @resv locked; does not allocate.
 * Return: 0, or the first error of fwsched_job_add_dependency().
 */
int fwsched_job_add_resv_dependencies(struct fwsched_job *job,
				      struct dma_resv *resv,
				      enum dma_resv_usage usage)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	int ret;

	dma_resv_assert_held(resv);
	dma_resv_for_each_fence(&cursor, resv, usage, fence) {
		ret = fwsched_job_add_dependency(job, dma_fence_get(fence));
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(fwsched_job_add_resv_dependencies);

static void __fwsched_job_arm(struct fwsched_job *job)
{
	/* Finished fences are signalled inside hardware-fence callbacks. */
	__fwsched_fence_arm(job->finished, job->queue->timeline,
			    &fwsched_finished_ops, true);
	job->state = FWSCHED_JOB_ARMED;
}

/**
 * fwsched_job_arm() - give the finished fence its seqno before the push
 * @job: an initialised job
 *
 * fwsched_job_push() arms a job that is not armed, but every driver that
 * publishes the finished fence before the push (in a dma_resv, a syncobj,
 * a sync_file; fwsched_job_finished() needs an armed job) arms first.
 * Seqnos follow arming order and jobs run in push order, so such a driver
 * must arm and push under one lock of its own, per queue, as with
 * drm_sched.  An armed job must be pushed or cleaned up with
 * fwsched_job_cleanup().
 *
 * Context: any context; cannot fail, does not sleep or allocate.
 */
void fwsched_job_arm(struct fwsched_job *job)
{
	if (WARN_ON(job->state != FWSCHED_JOB_INIT))
		return;
	__fwsched_job_arm(job);
}
EXPORT_SYMBOL_GPL(fwsched_job_arm);

/*
 * Hand @job back to the driver: cancel_job first if it was cancelled and
 * that call was deferred, then free_job, then the job's queue reference.
 */
static void fwsched_job_release(struct fwsched_job *job)
{
	struct fwsched_queue *q = job->queue;

	if (job->cancel_error && q->ops->cancel_job)
		q->ops->cancel_job(job, job->cancel_error);
	q->ops->free_job(job);
	/*
	 * Never the last reference while fwsched runs the queue: the
	 * creator's is dropped only at the end of fwsched_queue_destroy(),
	 * which waits for the deferred frees first.
	 */
	fwsched_queue_put(q);
}

/*
 * Deferred free_job and cancel_job (&fwsched_queue_args.defer_free), in
 * batches, outside the fence-signalling section.  The queue stays alive:
 * each job on the list holds a reference, and destroy flushes this work
 * before it drops the creator's.
 */
static void fwsched_queue_free_work(struct work_struct *work)
{
	struct fwsched_queue_freer *fr = container_of(work, struct fwsched_queue_freer, work);
	struct llist_node *list = llist_del_all(&fr->jobs);
	struct fwsched_job *job, *next;

	llist_for_each_entry_safe(job, next, llist_reverse_order(list), done_node)
		fwsched_job_release(job);
}

/*
 * Drop everything fwsched holds on @job and hand it back to the driver,
 * now or (@defer) from the queue's free work.  The finished fence has been
 * signalled (or completed) already.
 */
static void __fwsched_job_free(struct fwsched_job *job, bool defer)
{
	struct fwsched_queue *q = job->queue;

	trace_fwsched_job_free(job);
	job->state = FWSCHED_JOB_DONE;
	fwsched_job_put_deps(job);
	dma_fence_put(job->hw_fence);
	job->hw_fence = NULL;
	fwsched_job_forget(job);
	fwsched_fence_free(job->finished);
	job->finished = NULL;
	if (defer) {
		/* @done_node is free: the job left @done before it came here. */
		llist_add(&job->done_node, &q->freer->jobs);
		queue_work(fwsched_free_wq, &q->freer->work);
		return;
	}
	fwsched_job_release(job);
}

static void fwsched_job_free(struct fwsched_job *job)
{
	__fwsched_job_free(job, job->queue->defer_free);
}

/*
 * @job will never run: tell the driver (now, or with free_job if
 * deferred), signal the error, free it.
 */
static void __fwsched_job_cancel(struct fwsched_job *job, int error, bool defer)
{
	struct fwsched_queue *q = job->queue;

	/* Only a job that never ran can still hold a prepare fence. */
	dma_fence_put(job->prepare_fence);
	job->prepare_fence = NULL;
	if (defer)
		job->cancel_error = error;
	else if (q->ops->cancel_job)
		q->ops->cancel_job(job, error);
	trace_fwsched_job_done(job, error);
	fwsched_fence_signal(job->finished, error);
	__fwsched_job_free(job, defer);
}

static void fwsched_job_cancel(struct fwsched_job *job, int error)
{
	__fwsched_job_cancel(job, error, job->queue->defer_free);
}

/*
 * The right to call run_job.  The work item takes it for a run over the
 * pending jobs, a direct push for one job, the timeout handler for its whole
 * decision.  Whoever gives it back queues the work item if jobs are pending,
 * since the work item leaves at once when it finds the right taken.
 */
static bool __fwsched_queue_own(struct fwsched_queue *q, bool wait)
{
	bool ok = false;

	spin_lock(&q->lock);
	if (!q->running) {
		q->running = true;
		ok = true;
	} else if (wait) {
		q->run_waiters = true;
	}
	spin_unlock(&q->lock);
	return ok;
}

bool fwsched_queue_own(struct fwsched_queue *q)
{
	return __fwsched_queue_own(q, false);
}

/*
 * The conditions of wait_var_event(&q->running, ...): as fwsched_queue_own()
 * and "is the right held?", and if the caller has to wait, ask the holder
 * for a wake-up (@run_waiters), so that fwsched_queue_disown() wakes only
 * when somebody waits.
 */
bool fwsched_queue_own_or_wait(struct fwsched_queue *q)
{
	return __fwsched_queue_own(q, true);
}

static bool fwsched_queue_owned_or_wait(struct fwsched_queue *q)
{
	bool ret;

	spin_lock(&q->lock);
	ret = q->running;
	if (ret)
		q->run_waiters = true;
	spin_unlock(&q->lock);
	return ret;
}

/*
 * Give the right back; called with @lock held, returns with it dropped.
 * @kick: queue the work item if jobs are pending (the work item itself
 * passes false: it leaves them pending for a reason, and a hardware-fence
 * or dependency callback queues it again).  The work item is queued under
 * the lock: once the right is given back, a
 * destroy on another thread may take it and free the queue.  wake_up_var()
 * only hashes the address.  Its waiters test their condition under @lock
 * and set @run_waiters there, which orders that test against our store and
 * our look at @run_waiters: no wake-up can be lost.
 */
void fwsched_queue_disown(struct fwsched_queue *q, bool kick)
	__releases(&q->lock)
{
	bool wake;

	lockdep_assert_held(&q->lock);
	/* The work item left deadlines for whoever held the right. */
	if (kick && (!list_empty(&q->pending) || !llist_empty(&q->deadlines)))
		fwsched_queue_kick(q);
	q->running = false;
	wake = q->run_waiters;
	q->run_waiters = false;
	spin_unlock(&q->lock);
	if (wake)
		wake_up_var(&q->running);
}

/*
 * @job leaves the ring: off @in_flight, its credits back, the busy period
 * closed when the ring empties.  @completed: it finished (counted for
 * fdinfo), rather than being taken back by a reset.  The caller updates
 * the timeout clock once for all the jobs it takes off.  @lock held.
 */
void fwsched_job_leave_ring(struct fwsched_job *job, bool completed)
{
	struct fwsched_queue *q = job->queue;

	lockdep_assert_held(&q->lock);
	list_del_init(&job->link);
	q->credits -= job->credits;
	if (completed)
		q->jobs_completed++;
	if (q->stats_on && list_empty(&q->in_flight))
		q->busy_ns += ktime_to_ns(ktime_sub(ktime_get(), q->busy_since));
}

/* A job on its way to run_job: in flight, credits taken.  @lock held. */
static void fwsched_job_take_in_flight(struct fwsched_job *job)
{
	struct fwsched_queue *q = job->queue;
	bool first = list_empty(&q->in_flight);

	lockdep_assert_held(&q->lock);
	list_move_tail(&job->link, &q->in_flight);
	if (first && q->stats_on)
		q->busy_since = ktime_get();
	if (first)
		fwsched_queue_timeout_update(q, true);
	q->credits += job->credits;
	job->state = FWSCHED_JOB_INFLIGHT;
}

/*
 * Have all dependencies of a job not yet pushed signalled?  Drops them if
 * so.  Installs no callback (the job is still the pusher's).
 */
static bool fwsched_job_deps_all_signalled(struct fwsched_job *job)
{
	unsigned int i;

	for (i = job->next_dep; i < job->num_deps; i++)
		if (!dma_fence_is_signaled(job->deps[i]))
			return false;
	while (job->next_dep < job->num_deps)
		fwsched_job_drop_dep(job, true);
	return true;
}

/**
 * fwsched_job_push() - submit a job to its queue
 * @job: an initialised or armed job
 *
 * Arms the job if needed and queues it behind the jobs pushed before it.
 * Allocates nothing.  From here on the job belongs to fwsched whatever
 * this returns, except for -EINVAL.
 *
 * A stopped queue accepts the job and runs it after fwsched_queue_start().
 *
 * Context: process context; does not sleep or allocate.
 * Return: 0; -EINVAL if the job was pushed before (nothing is done);
 * -ESHUTDOWN if the queue is being destroyed, -ECANCELED if it was banned:
 * the job is then cancelled (cancel_job, finished fence completed with
 * -ECANCELED, free_job) before this returns.  Its fence signals in seqno
 * order: at once if the queue's earlier fences have signalled (always, once
 * fwsched_queue_destroy() has returned), else right after them.
 */
int fwsched_job_push(struct fwsched_job *job)
{
	struct fwsched_queue *q = job->queue;
	bool direct, cookie;

	if (job->state > FWSCHED_JOB_ARMED)
		return -EINVAL;

	/* The job is still the caller's: look at its dependencies unlocked. */
	direct = q->direct && fwsched_job_deps_all_signalled(job) &&
		 !READ_ONCE(job->error);

	spin_lock(&q->lock);
	if (job->state == FWSCHED_JOB_INIT)
		__fwsched_job_arm(job);
	if (trace_fwsched_job_push_enabled()) {
		unsigned int i;

		trace_fwsched_job_push(job);
		for (i = job->next_dep; i < job->num_deps; i++)
			trace_fwsched_job_add_dep(job, job->deps[i]);
	}
	if (unlikely(q->state >= FWSCHED_QUEUE_BANNED)) {
		int ret = q->state == FWSCHED_QUEUE_DEAD ? -ESHUTDOWN : -ECANCELED;

		spin_unlock(&q->lock);
		/* Before we return, so not deferred; off the path if it would be. */
		if (q->defer_free) {
			__fwsched_job_cancel(job, -ECANCELED, false);
			return ret;
		}
		cookie = fwsched_signalling_begin();
		fwsched_job_cancel(job, -ECANCELED);
		fwsched_signalling_end(cookie);
		return ret;
	}
	fwsched_job_publish(job);
	if (direct && q->state == FWSCHED_QUEUE_RUNNING && !q->running &&
	    list_empty(&q->pending) && fwsched_queue_fits(q, job)) {
		/* Nothing ahead of it: run it here, as the work item would. */
		q->running = true;
		fwsched_job_take_in_flight(job);
		spin_unlock(&q->lock);

		cookie = fwsched_signalling_begin();
		fwsched_job_run(job);
		fwsched_signalling_end(cookie);

		spin_lock(&q->lock);
		fwsched_queue_disown(q, true);
		return 0;
	}
	job->state = FWSCHED_JOB_PENDING;
	list_add_tail(&job->link, &q->pending);
	/*
	 * Under the lock: once it is dropped the job may run and be freed,
	 * and a destroy on another thread may then free the queue.
	 */
	fwsched_queue_kick(q);
	spin_unlock(&q->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(fwsched_job_push);

/* ---- the work item --------------------------------------------------------- */

/*
 * A dependency of the job at the head of the queue signalled.  Runs under
 * the dependency's lock; the work item synchronises with that lock before
 * it forgets the callback (dma_fence_remove_callback()), so @job and its
 * queue are alive here.
 */
static void fwsched_job_dep_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct fwsched_job *job = container_of(cb, struct fwsched_job, cb);

	fwsched_queue_kick(job->queue);
}

/* ---- waits the firmware resolves ------------------------------------------ */

/*
 * The finished fence behind @f if the firmware of @q can wait for it: a
 * fence of another queue with @q's fw_scope whose jobs in flight keep
 * their slot until they complete (no slot pool, a pool without
 * preemption), or that shares @q's slot holder (a group: preempted and
 * bound again together).  Else NULL, and the CPU waits: the firmware
 * would hold @q's slot for a job whose queue may wait for that very slot.
 * (A fence of @q itself never gets here: fwsched_job_add_dependency()
 * drops those.)  The ops and the timeline may go once @f has signalled,
 * the timeline only after a grace period.
 */
static struct fwsched_finished *fwsched_fw_dep_of(struct fwsched_queue *q,
						  struct dma_fence *f)
{
	struct fwsched_fence *ff = container_of(f, struct fwsched_fence, base);
	bool same;

	if (likely(!q->fw_scope))
		return NULL;
	/* A signalled fence is detached: no ops, and nothing to hand over. */
	rcu_read_lock();
	same = rcu_dereference(f->ops) == &fwsched_finished_ops &&
	       ff->tl->fw_scope == q->fw_scope;
#ifndef FWSCHED_PLANT_FW_DEP_ANY_HOLDER
	same = same && (!ff->tl->fw_holder ||
			ff->tl->fw_holder == q->timeline->fw_holder);
#endif
	rcu_read_unlock();
	return same ? to_finished(ff) : NULL;
}

/* Has @fin's job been given to the hardware? */
static bool fwsched_fw_submitted(struct fwsched_finished *fin)
{
	/* Pairs with the release in fwsched_job_submitted(). */
	return smp_load_acquire(&fin->submitted);
}

/*
 * Besides the callback on the fence, wait for @fin's job to be given to the
 * hardware: put @job on the fw_waiters list of that job's queue, which
 * queues our work item at each run_job.  A job already freed has
 * signalled; the callback hears of that.  Only the holder of the run right
 * calls this, for the head job, without @job's queue lock.
 */
static void fwsched_job_fw_wait(struct fwsched_job *job, struct fwsched_finished *fin)
{
	struct fwsched_queue *other = NULL;
	unsigned long flags;

	dma_fence_lock_irqsave(&fin->fence.base, flags);
	if (fin->job)
		other = fwsched_queue_get(fin->job->queue);
	dma_fence_unlock_irqrestore(&fin->fence.base, flags);
	if (!other)
		return;
	spin_lock(&other->lock);
	list_add_tail(&job->fw_wait_link, &other->fw_waiters);
	spin_unlock(&other->lock);
	job->fw_wait_on = other;
}

/* Undo fwsched_job_fw_wait(): the other queue forgets @job. */
static void fwsched_job_fw_unwait(struct fwsched_job *job)
{
	struct fwsched_queue *other = job->fw_wait_on;

	if (!other)
		return;
	spin_lock(&other->lock);
	list_del_init(&job->fw_wait_link);
	spin_unlock(&other->lock);
	job->fw_wait_on = NULL;
	fwsched_queue_put(other);
}

/*
 * run_job gave @job to the hardware: its dependents on queues of the same
 * fw_scope may go to the firmware now.  Called by the holder of the run
 * right, without @lock.  A waiter that registers after our walk sees
 * @submitted: it takes our @lock after we dropped it.
 */
static noinline void fwsched_job_submitted(struct fwsched_job *job)
{
	struct fwsched_queue *q = job->queue;
	struct fwsched_job *w;

	/* Pairs with the acquire in fwsched_fw_submitted(). */
	smp_store_release(&to_finished(job->finished)->submitted, true);
	spin_lock(&q->lock);
	/* A waiter's job, and so its queue, lives while it is listed. */
	list_for_each_entry(w, &q->fw_waiters, fw_wait_link)
		fwsched_queue_kick(w->queue);
	spin_unlock(&q->lock);
}

/*
 * @job completed on the hardware, after the firmware waited for its
 * firmware-resolved dependencies: one that has signalled with an error by
 * now passes it on, as a dependency waited for on the CPU would have.
 */
static noinline void fwsched_job_fw_deps_error(struct fwsched_job *job)
{
	unsigned int i;

	for (i = 0; i < job->num_fw_deps; i++) {
		struct dma_fence *f = job->deps[i];

		if (dma_fence_is_signaled(f))
			fwsched_job_note_error(job, f->error);
	}
}

/*
 * Are all dependencies of @job satisfied: signalled, or (with a fw_scope)
 * given to the hardware by a queue of the same scope, whose firmware waits
 * for them?  If not, a callback is installed on the first one that is not
 * (and, for the latter kind, @job goes on the fw_waiters of its queue), and
 * false is returned.  Only the holder of the run right calls this.
 */
static bool fwsched_job_deps_wait(struct fwsched_job *job)
{
	while (job->next_dep < job->num_deps) {
		struct dma_fence *f = job->deps[job->next_dep];
		struct fwsched_finished *fin = fwsched_fw_dep_of(job->queue, f);
		unsigned int i;

		if (job->dep_armed) {
			if (!dma_fence_is_signaled(f) &&
			    !(fin && fwsched_fw_submitted(fin)))
				return false;
			/* Wait for our callback to leave, if it is running. */
			dma_fence_remove_callback(f, &job->cb);
			job->dep_armed = false;
			fwsched_job_fw_unwait(job);
		} else if (!(fin && fwsched_fw_submitted(fin)) &&
			   !dma_fence_add_callback(f, &job->cb, fwsched_job_dep_cb)) {
			job->dep_armed = true;
			if (!fin)
				return false;
			fwsched_job_fw_wait(job, fin);
			/* Given to the hardware before we were listed? */
			if (!fwsched_fw_submitted(fin))
				return false;
			continue;
		}
		trace_fwsched_job_dep_resolved(job, f);
		if (!fin || dma_fence_is_signaled(f)) {
			fwsched_job_drop_dep(job, true);
			continue;
		}
		/* The firmware waits for it: keep it for run_job. */
		i = job->next_dep++;
		job->deps[i] = NULL;
		job->deps[job->num_fw_deps++] = f;
	}
	return true;
}

/*
 * Lower @job's credits if the driver says it needs fewer now.  A value that
 * is zero or higher fails the job with -EINVAL: the caller cancels it.
 */
static void fwsched_job_update_credits(struct fwsched_job *job)
{
	u32 credits = job->queue->ops->update_credits(job);

	if (likely(credits && credits <= job->credits)) {
		job->credits = credits;
		return;
	}
	pr_warn_ratelimited("fwsched: %s: update_credits gave %u credits to a job of %u: job failed (-EINVAL)\n",
			    job->queue->timeline->names, credits, job->credits);
	fwsched_job_note_error(job, -EINVAL);
}

/*
 * Ask the driver whether the head job may run, and wait for the fence it
 * returns if not, as for a dependency: true once prepare returned NULL (or
 * the job failed: job->error), false while a callback waits on a fence.
 * Only the holder of the run right calls this, for the head job, whose
 * dependencies have all been dropped (so @cb is free for the fence).
 */
static bool fwsched_job_prepare_wait(struct fwsched_job *job)
{
	struct fwsched_queue *q = job->queue;
	struct dma_fence *f;
	ktime_t deadline;

	while (!job->prepared) {
		f = job->prepare_fence;
		if (f) {
			if (job->dep_armed) {
				if (!dma_fence_is_signaled(f))
					return false;
				dma_fence_remove_callback(f, &job->cb);
				job->dep_armed = false;
			} else if (!dma_fence_add_callback(f, &job->cb,
							   fwsched_job_dep_cb)) {
				job->dep_armed = true;
				return false;
			}
			trace_fwsched_job_dep_resolved(job, f);
			fwsched_job_note_error(job, f->error);
			job->prepare_fence = NULL;
			dma_fence_put(f);
			if (job->error)
				return true;
		}

		f = q->ops->prepare(job);
		if (IS_ERR(f)) {
			fwsched_job_note_error(job, PTR_ERR(f));
			return true;
		}
		if (!f) {
			job->prepared = true;
			break;
		}
		trace_fwsched_job_add_dep(job, f);
		job->prepare_fence = f;
		deadline = fwsched_job_deadline(job);
		if (deadline)
			dma_fence_set_deadline(f, deadline);
	}
	return true;
}

/*
 * The head job's waits after its dependencies, in this order: fewer
 * credits, room in the ring and the driver's prepare fence, then a firmware
 * slot, so that a queue holds no slot while it waits for the driver.  True
 * if the job may run now, or has failed (job->error); false if it waits
 * (the callback, the hardware fence that frees credits or the slot grant
 * queues the work item again).
 */
static bool fwsched_job_ready(struct fwsched_queue *q, struct fwsched_job *job)
{
	if (q->ops->prepare || q->ops->update_credits) {
		bool fits;

		if (q->ops->update_credits && !job->prepared)
			fwsched_job_update_credits(job);
		if (q->ops->prepare && !job->error && !job->prepared) {
			/* Prepare only a job that fits. */
			spin_lock(&q->lock);
			fits = fwsched_queue_fits(q, job);
			spin_unlock(&q->lock);
			if (!fits || !fwsched_job_prepare_wait(job))
				return false;
		}
		if (job->error)
			return true;
	}
	/* With a slot pool a queue runs only while it holds a slot. */
	return !q->slot.pool || fwsched_slot_acquire(q);
}

/*
 * The hardware fence of an in-flight job signalled: signal the finished
 * fence at once and leave the rest to the work item.  Any context.  The last
 * access to the queue is the decrement of @callbacks, which destroy waits
 * for; wake_up_var() only hashes the address.
 */
static void fwsched_job_hw_cb(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct fwsched_job *job = container_of(cb, struct fwsched_job, cb);
	struct fwsched_queue *q = job->queue;

	fwsched_job_note_error(job, f->error);
	if (unlikely(job->num_fw_deps))
		fwsched_job_fw_deps_error(job);
	trace_fwsched_job_done(job, job->error);
	fwsched_fence_signal(job->finished, job->error);
	llist_add(&job->done_node, &q->done);
	fwsched_queue_kick(q);
	if (atomic_dec_and_test(&q->callbacks))
		wake_up_var(&q->callbacks);
}

/* Free the jobs whose hardware fence signalled; give back their credits. */
static void fwsched_queue_reap(struct fwsched_queue *q)
{
	struct llist_node *list = llist_del_all(&q->done);
	struct fwsched_job *job, *next, *head;

	if (!list)
		return;
	list = llist_reverse_order(list);

	spin_lock(&q->lock);
	head = list_first_entry_or_null(&q->in_flight, struct fwsched_job, link);
	llist_for_each_entry(job, list, done_node)
		fwsched_job_leave_ring(job, true);
	fwsched_queue_timeout_update(q, head != list_first_entry_or_null(&q->in_flight,
									 struct fwsched_job,
									 link));
	spin_unlock(&q->lock);

	llist_for_each_entry_safe(job, next, list, done_node)
		fwsched_job_free(job);
}

/* Give @job to the driver; it is on @in_flight and its credits are taken. */
static void fwsched_job_run(struct fwsched_job *job)
{
	struct fwsched_queue *q = job->queue;
	struct dma_fence *hw;

	trace_fwsched_job_run(job);
	hw = q->ops->run_job(job);
	if (!IS_ERR_OR_NULL(hw)) {
		job->hw_fence = hw;
		if (unlikely(q->fw_scope))
			fwsched_job_submitted(job);
		atomic_inc(&q->callbacks);
		if (!dma_fence_add_callback(hw, &job->cb, fwsched_job_hw_cb))
			return;
		atomic_dec(&q->callbacks);
		fwsched_job_note_error(job, hw->error);
	} else {
		fwsched_job_note_error(job, PTR_ERR_OR_ZERO(hw));
	}

	/* Completed already: no callback will come. */
	if (unlikely(job->num_fw_deps))
		fwsched_job_fw_deps_error(job);
	spin_lock(&q->lock);
	fwsched_job_leave_ring(job, true);
	fwsched_queue_timeout_update(q, true);
	spin_unlock(&q->lock);
	trace_fwsched_job_done(job, job->error);
	fwsched_fence_signal(job->finished, job->error);
	fwsched_job_free(job);
}

/* Run every job that is ready, in order. */
static void fwsched_queue_run(struct fwsched_queue *q)
{
	struct fwsched_job *job;

	spin_lock(&q->lock);
	if (q->running) {
		/* Its owner queues us again when it is done. */
		spin_unlock(&q->lock);
		return;
	}
	q->running = true;
	while (q->state == FWSCHED_QUEUE_RUNNING &&
	       (job = list_first_entry_or_null(&q->pending, struct fwsched_job,
					       link))) {
		/* The head is ours while the queue is not dead. */
		spin_unlock(&q->lock);
		if (!fwsched_job_deps_wait(job) ||
		    (q->gated && !job->error && !fwsched_job_ready(q, job))) {
			spin_lock(&q->lock);
			fwsched_queue_disown(q, false);
			return;
		}
		spin_lock(&q->lock);
		if (q->state != FWSCHED_QUEUE_RUNNING)
			break;

		if (job->error) {
			list_del_init(&job->link);
			spin_unlock(&q->lock);
			fwsched_job_cancel(job, job->error);
			spin_lock(&q->lock);
			continue;
		}
		/* Ring full: a hardware-fence callback will requeue us. */
		if (!fwsched_queue_fits(q, job))
			break;

		fwsched_job_take_in_flight(job);
		spin_unlock(&q->lock);

		fwsched_job_run(job);
		q->slot.runs++;

		spin_lock(&q->lock);
	}
	fwsched_queue_disown(q, false);
}

/* A priority change takes effect here, between two jobs. */
static void fwsched_queue_apply_priority(struct fwsched_queue *q)
{
	enum fwsched_priority prio;
	bool changed;

	spin_lock(&q->lock);
	changed = q->priority_changed;
	q->priority_changed = false;
	prio = q->priority;
	spin_unlock(&q->lock);
	if (changed)
		fwsched_slot_set_prio(q, prio);
}

/*
 * Give the slot back when idle, or bind one for jobs in flight.  A dying
 * queue still binds a slot it is given while jobs are in flight (they were
 * preempted and can only finish on a slot, and destroy waits for them);
 * once idle, its slot is given back by fwsched_slot_detach().
 */
static void fwsched_queue_slot_update(struct fwsched_queue *q)
{
	bool idle, more, dead;

	spin_lock(&q->lock);
	idle = list_empty(&q->in_flight);
	more = !list_empty(&q->pending);
	dead = q->state == FWSCHED_QUEUE_DEAD;
	spin_unlock(&q->lock);
	if (!dead || !idle)
		fwsched_slot_update(q, idle, more && !dead);
}

/* Debug kernels check that a queue's passes never overlap. */
static inline void fwsched_queue_pass_enter(struct fwsched_queue *q)
{
#ifdef CONFIG_LOCKDEP
	WARN_ONCE(atomic_xchg(&q->in_pass, 1), "fwsched: two passes of one queue at once");
#endif
}

static inline void fwsched_queue_pass_leave(struct fwsched_queue *q)
{
#ifdef CONFIG_LOCKDEP
	atomic_set_release(&q->in_pass, 0);
#endif
}

/* The queue's work: on its work item, or from a runner. */
void fwsched_queue_pass(struct fwsched_queue *q)
{
	bool cookie;

	fwsched_queue_pass_enter(q);

	cookie = fwsched_signalling_begin();
	/*
	 * Deadlines look at jobs that a direct push may be completing and
	 * freeing: only with the run right.  If a push holds it, its disown
	 * queues us again.
	 */
	if (!llist_empty(&q->deadlines) && fwsched_queue_own(q)) {
		fwsched_queue_deadlines(q);
		spin_lock(&q->lock);
		fwsched_queue_disown(q, false);
	}
	/* Only jobs whose hardware fence signalled after run_job are here. */
	if (!llist_empty(&q->done))
		fwsched_queue_reap(q);
	if (q->slot.pool)
		fwsched_queue_apply_priority(q);
	fwsched_queue_run(q);
	if (q->slot.pool)
		fwsched_queue_slot_update(q);
	fwsched_signalling_end(cookie);
	fwsched_queue_pass_leave(q);
}

/*
 * Cancel jobs that never ran, taken off @pending by the caller while the
 * work item cannot run.  A dependency callback still installed is removed
 * (on return it has either run or never will).
 */
void fwsched_queue_cancel_list(struct list_head *list, int error)
{
	struct fwsched_job *job, *tmp;

	list_for_each_entry_safe(job, tmp, list, link) {
		list_del_init(&job->link);
		if (job->dep_armed) {
			dma_fence_remove_callback(job->prepare_fence ?:
						  job->deps[job->next_dep],
						  &job->cb);
			job->dep_armed = false;
		}
		fwsched_job_fw_unwait(job);
		fwsched_job_cancel(job, error);
	}
}

/* ---- stop, start, destroy -------------------------------------------------- */

/**
 * fwsched_queue_stop() - run nothing new on a queue
 * @queue: the queue
 *
 * On return no run_job call is in progress and none will start until
 * fwsched_queue_start().  Pushes are still accepted and queued; jobs in
 * flight still complete and are freed.
 *
 * Context: process context; sleeps.  Not from a queue callback.
 */
void fwsched_queue_stop(struct fwsched_queue *queue)
{
	bool dead;

	might_sleep();
	spin_lock(&queue->lock);
	if (queue->state == FWSCHED_QUEUE_RUNNING)
		queue->state = FWSCHED_QUEUE_STOPPED;
	dead = queue->state == FWSCHED_QUEUE_DEAD;
	spin_unlock(&queue->lock);
	/* Destroyed (kept by a reference): nothing runs any more. */
	if (dead)
		return;
	fwsched_queue_kick_flush(queue);
	/* A direct push or the timeout handler may still be in run_job. */
	wait_var_event(&queue->running, !fwsched_queue_owned_or_wait(queue));
}
EXPORT_SYMBOL_GPL(fwsched_queue_stop);

/**
 * fwsched_queue_start() - resume a stopped queue
 * @queue: the queue
 *
 * Jobs run again, in order, from the first one that had not run.  On a
 * queue that is not stopped (running, banned, or destroyed and kept only
 * by a reference) it does nothing.
 *
 * Context: process context; does not sleep.
 */
void fwsched_queue_start(struct fwsched_queue *queue)
{
	bool started = false;

	spin_lock(&queue->lock);
	if (queue->state == FWSCHED_QUEUE_STOPPED) {
		queue->state = FWSCHED_QUEUE_RUNNING;
		started = true;
	}
	spin_unlock(&queue->lock);
	if (started)
		fwsched_queue_kick(queue);
}
EXPORT_SYMBOL_GPL(fwsched_queue_start);

/**
 * fwsched_queue_destroy() - tear a queue down and drop the creator's reference
 * @queue: the queue, or NULL
 *
 * Refuses further pushes, then:
 *
 * * every job that never ran is cancelled: cancel_job, finished fence
 *   signalled with -ECANCELED, free_job;
 * * if jobs are still on the hardware, &fwsched_queue_ops.cancel_in_flight
 *   is called (if the driver has it) and destroy waits for their hardware
 *   fences; their finished fences carry the hardware fences' errors;
 * * every job is freed before this returns, and no callback of @queue runs
 *   afterwards.
 *
 * Finished fences stay valid for whoever holds them; they no longer depend
 * on the queue.  Calling it twice is harmless only while the caller holds
 * a reference of its own (fwsched_queue_get()): the first call may free it.
 *
 * Context: process context; sleeps.  Not from a queue callback, and not
 * where reclaim may be waited for (it waits for hardware fences).
 */
void fwsched_queue_destroy(struct fwsched_queue *queue)
{
	struct fwsched_job *job;
	struct dma_fence *last = NULL;
	LIST_HEAD(never_ran);
	bool cookie;

	if (!queue)
		return;
	might_sleep();

	/* No timeout handling from here on; wait for one in progress. */
	disable_delayed_work_sync(&queue->timeout_work);
	spin_lock(&queue->lock);
	if (queue->state == FWSCHED_QUEUE_DEAD) {
		spin_unlock(&queue->lock);
		return;
	}
	queue->state = FWSCHED_QUEUE_DEAD;
	trace_fwsched_queue_destroy(queue, list_count_nodes(&queue->pending));
	list_splice_init(&queue->pending, &never_ran);
	job = list_last_entry_or_null(&queue->in_flight, struct fwsched_job, link);
	if (job)
		last = dma_fence_get(fwsched_job_finished(job));
	spin_unlock(&queue->lock);

	/*
	 * Take the run right and keep it to the end: nobody calls run_job or
	 * looks at a job for a deadline from here on, so the jobs that never
	 * ran are ours to free.  The work item still runs (it frees jobs that
	 * complete and binds a slot for jobs in flight) until it is disabled
	 * below.
	 */
	wait_var_event(&queue->running, fwsched_queue_own_or_wait(queue));

	cookie = fwsched_signalling_begin();
	fwsched_queue_cancel_list(&never_ran, -ECANCELED);
	fwsched_signalling_end(cookie);

	if (last) {
		if (queue->ops->cancel_in_flight)
			queue->ops->cancel_in_flight(queue);
		/* Finished fences signal in order: the last one means all. */
		dma_fence_wait(last, false);
		dma_fence_put(last);
	}
	/* Let the hardware-fence callbacks leave the queue. */
	wait_var_event(&queue->callbacks, !atomic_read(&queue->callbacks));
	/*
	 * From here on nothing queues the work item again: a late
	 * fwsched_queue_start(), a deadline, a slot grant or a hardware-fence
	 * callback finds it disabled.
	 */
	fwsched_queue_kick_disable(queue);
	cookie = fwsched_signalling_begin();
	fwsched_queue_reap(queue);
	fwsched_signalling_end(cookie);

	/* A preemption in progress ends before the slot is free (it sleeps). */
	if (queue->slot.pool)
		fwsched_slot_quiesce(queue);

	cookie = fwsched_signalling_begin();
	if (queue->slot.pool)
		fwsched_slot_detach(queue);
	fwsched_queue_deadlines_drop(queue);
	fwsched_signalling_end(cookie);
	fwsched_debug_remove(queue);
	WARN_ON(!list_empty(&queue->in_flight));
	/* Deferred free_job calls: none comes after we return. */
	if (queue->defer_free)
		flush_work(&queue->freer->work);

	/* For a fwsched_queue_stop() that raced with us: nothing runs now. */
	spin_lock(&queue->lock);
	fwsched_queue_disown(queue, false);
	fwsched_queue_kick_put(queue);
}
EXPORT_SYMBOL_GPL(fwsched_queue_destroy);

static void fwsched_queue_destroy_work(struct work_struct *work)
{
	fwsched_queue_destroy(container_of(work, struct fwsched_queue,
					   destroy_work));
}

/**
 * fwsched_queue_destroy_async() - fwsched_queue_destroy() in the background
 * @queue: the queue, or NULL
 *
 * Returns at once; the destroy runs on a workqueue of fwsched's.  The
 * driver's callbacks may still be called afterwards: a module must call
 * fwsched_queue_destroy_flush() before it unloads.  Call it once: the queue
 * may be freed as soon as the destroy has run, so a second call (or a
 * fwsched_queue_destroy() after it) is a use-after-free unless the caller
 * holds a reference from fwsched_queue_get().
 *
 * Context: any context.
 */
void fwsched_queue_destroy_async(struct fwsched_queue *queue)
{
	if (queue)
		queue_work(fwsched_destroy_wq, &queue->destroy_work);
}
EXPORT_SYMBOL_GPL(fwsched_queue_destroy_async);

/**
 * fwsched_queue_destroy_flush() - wait for every fwsched_queue_destroy_async()
 *
 * Context: process context; sleeps.
 */
void fwsched_queue_destroy_flush(void)
{
	flush_workqueue(fwsched_destroy_wq);
}
EXPORT_SYMBOL_GPL(fwsched_queue_destroy_flush);
