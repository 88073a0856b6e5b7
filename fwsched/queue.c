// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched queues: one per firmware ring, run on a workqueue.
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

/* &fwsched_job.state */
enum {
	FWSCHED_JOB_INIT,	/* initialised, dependencies may be added */
	FWSCHED_JOB_ARMED,	/* finished fence has its seqno */
	FWSCHED_JOB_PENDING,	/* pushed, on &fwsched_queue.pending */
	FWSCHED_JOB_INFLIGHT,	/* given to run_job, on .inflight */
	FWSCHED_JOB_DONE,	/* finished or cancelled, about to be freed */
};

#define FWSCHED_MAX_DEPS 4096

static void fwsched_queue_work(struct work_struct *work);
static void fwsched_queue_destroy_work(struct work_struct *work);

/**
 * fwsched_queue_create() - create a queue for one firmware ring
 * @args: what the queue is; see &struct fwsched_queue_args
 *
 * Context: process context; may sleep (GFP_KERNEL).
 * Return: the queue with one reference for the caller, which
 * fwsched_queue_destroy() gives up; ERR_PTR(-EINVAL) for missing ops, names
 * or a zero credit limit; ERR_PTR(-ENOMEM).
 */
struct fwsched_queue *fwsched_queue_create(const struct fwsched_queue_args *args)
{
	struct fwsched_queue *q;
	struct fwsched_timeline *tl;

	if (!args || !args->ops || !args->ops->run_job || !args->ops->free_job ||
	    !args->credit_limit || args->priority >= FWSCHED_PRIO_COUNT)
		return ERR_PTR(-EINVAL);

	if (fwsched_should_fail_alloc(sizeof(*q)))
		return ERR_PTR(-ENOMEM);
	q = kzalloc_obj(*q, GFP_KERNEL);
	if (!q)
		return ERR_PTR(-ENOMEM);

	tl = fwsched_timeline_create(args->driver_name, args->name);
	if (IS_ERR(tl)) {
		kfree(q);
		return ERR_CAST(tl);
	}

	kref_init(&q->ref);
	q->ops = args->ops;
	q->timeline = tl;
	q->wq = args->wq ?: fwsched_wq;
	q->priv = args->priv;
	spin_lock_init(&q->lock);
	q->state = FWSCHED_QUEUE_RUNNING;
	INIT_LIST_HEAD(&q->pending);
	INIT_LIST_HEAD(&q->inflight);
	q->credit_limit = args->credit_limit;
	q->priority = args->priority;
	if (args->pool)
		fwsched_slot_attach(q, args->pool, args->priority);
	init_llist_head(&q->done);
	atomic_set(&q->callbacks, 0);
	INIT_WORK(&q->work, fwsched_queue_work);
	INIT_WORK(&q->destroy_work, fwsched_queue_destroy_work);
	return q;
}
EXPORT_SYMBOL_GPL(fwsched_queue_create);

static void fwsched_queue_release(struct kref *ref)
{
	struct fwsched_queue *q = container_of(ref, struct fwsched_queue, ref);

	/* The creator's reference goes only through fwsched_queue_destroy(). */
	WARN_ON(q->state != FWSCHED_QUEUE_DEAD);
	fwsched_timeline_destroy(q->timeline);
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
 * Return: 0; -EINVAL for a priority out of range; -ESHUTDOWN if the queue
 * is being destroyed.
 */
int fwsched_queue_set_priority(struct fwsched_queue *queue,
			       enum fwsched_priority priority)
{
	int ret = 0;

	if (priority >= FWSCHED_PRIO_COUNT)
		return -EINVAL;
	spin_lock(&queue->lock);
	if (queue->state == FWSCHED_QUEUE_DEAD) {
		ret = -ESHUTDOWN;
	} else if (queue->priority != priority) {
		queue->priority = priority;
		queue->priority_changed = true;
	}
	spin_unlock(&queue->lock);
	if (!ret)
		queue_work(queue->wq, &queue->work);
	return ret;
}
EXPORT_SYMBOL_GPL(fwsched_queue_set_priority);

/**
 * fwsched_queue_priority() - a queue's priority
 * @queue: the queue
 *
 * Context: any context.
 * Return: the last priority set, whether or not it took effect yet.
 */
enum fwsched_priority fwsched_queue_priority(struct fwsched_queue *queue)
{
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
 * allocates.
 *
 * Context: process context; may sleep (GFP_KERNEL).
 * Return: 0; -EINVAL for zero credits, more than the limit, or more than
 * 4096 dependencies; -ESHUTDOWN if @queue is being destroyed; -ENOMEM.
 */
int fwsched_job_init(struct fwsched_job *job, struct fwsched_queue *queue,
		     u32 credits, unsigned int max_deps)
{
	struct fwsched_fence *f;

	if (!job || !queue || !credits || credits > queue->credit_limit ||
	    max_deps > FWSCHED_MAX_DEPS)
		return -EINVAL;
	if (READ_ONCE(queue->state) == FWSCHED_QUEUE_DEAD)
		return -ESHUTDOWN;

	f = fwsched_fence_alloc_extra(array_size(max_deps, sizeof(*job->deps)),
				      GFP_KERNEL);
	if (!f)
		return -ENOMEM;

	memset(job, 0, sizeof(*job));
	job->queue = queue;
	job->finished = f;
	job->deps = fwsched_fence_extra(f);
	job->credits = credits;
	job->max_deps = max_deps;
	INIT_LIST_HEAD(&job->link);
	job->state = FWSCHED_JOB_INIT;
	return 0;
}
EXPORT_SYMBOL_GPL(fwsched_job_init);

static void fwsched_job_put_deps(struct fwsched_job *job)
{
	while (job->next_dep < job->num_deps) {
		dma_fence_put(job->deps[job->next_dep]);
		job->deps[job->next_dep++] = NULL;
	}
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
	fwsched_fence_free(job->finished);
	job->finished = NULL;
}
EXPORT_SYMBOL_GPL(fwsched_job_cleanup);

static void fwsched_job_note_error(struct fwsched_job *job, int error)
{
	if (error < 0 && !job->error)
		job->error = error;
}

/**
 * fwsched_job_add_dependency() - make a job wait for a fence
 * @job: a job that was initialised and not yet armed or pushed
 * @fence: any dma_fence (arrays, chains, sync_file and dma_resv fences
 *	included); the caller's reference is consumed in every case
 *
 * A fence that has signalled already is dropped, but an error it carries
 * is kept: a job whose dependency failed never runs, it is cancelled with
 * that error.  A finished fence of the job's own queue is dropped (the ring
 * is in order).  Of two fences with the same context only the later one is
 * kept.  Containers (arrays, chains) are kept whole.
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
			if (dma_fence_is_later(fence, old)) {
				job->deps[i] = fence;
				dma_fence_put(old);
			} else {
				dma_fence_put(fence);
			}
			return 0;
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
	__fwsched_fence_arm(job->finished, job->queue->timeline, true);
	job->state = FWSCHED_JOB_ARMED;
}

/**
 * fwsched_job_arm() - give the finished fence its seqno before the push
 * @job: an initialised job
 *
 * Optional: fwsched_job_push() arms a job that is not armed.  Arm first when
 * the finished fence must be published (in a dma_resv, a syncobj) before
 * the push.  Seqnos follow arming order and jobs run in push order, so arm
 * and push under one lock of the driver's, as with drm_sched.  An armed job
 * must be pushed or cleaned up with fwsched_job_cleanup().
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
 * Drop everything fwsched holds on @job and hand it back to the driver.
 * The finished fence has been signalled (or completed) already.
 */
static void fwsched_job_free(struct fwsched_job *job)
{
	job->state = FWSCHED_JOB_DONE;
	fwsched_job_put_deps(job);
	dma_fence_put(job->hw_fence);
	job->hw_fence = NULL;
	fwsched_fence_free(job->finished);
	job->finished = NULL;
	job->queue->ops->free_job(job);
}

/* @job will never run: tell the driver, signal the error, free it. */
static void fwsched_job_cancel(struct fwsched_job *job, int error)
{
	struct fwsched_queue *q = job->queue;

	if (q->ops->cancel_job)
		q->ops->cancel_job(job, error);
	fwsched_fence_signal(job->finished, error);
	fwsched_job_free(job);
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
 * -ESHUTDOWN if the queue is being destroyed: the job is cancelled
 * (cancel_job, finished fence signalled with -ECANCELED, free_job) before
 * this returns.
 */
int fwsched_job_push(struct fwsched_job *job)
{
	struct fwsched_queue *q = job->queue;
	bool cookie;

	if (job->state > FWSCHED_JOB_ARMED)
		return -EINVAL;

	spin_lock(&q->lock);
	if (job->state == FWSCHED_JOB_INIT)
		__fwsched_job_arm(job);
	if (unlikely(q->state == FWSCHED_QUEUE_DEAD)) {
		spin_unlock(&q->lock);
		cookie = fwsched_signalling_begin();
		fwsched_job_cancel(job, -ECANCELED);
		fwsched_signalling_end(cookie);
		return -ESHUTDOWN;
	}
	job->state = FWSCHED_JOB_PENDING;
	list_add_tail(&job->link, &q->pending);
	spin_unlock(&q->lock);

	queue_work(q->wq, &q->work);
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

	queue_work(job->queue->wq, &job->queue->work);
}

/*
 * Are all dependencies of @job signalled?  If not, a callback is installed
 * on the first one that is not, and false is returned.  Only the work item
 * (or destroy, once the work item is cancelled) calls this.
 */
static bool fwsched_job_deps_signalled(struct fwsched_job *job)
{
	while (job->next_dep < job->num_deps) {
		struct dma_fence *f = job->deps[job->next_dep];

		if (job->dep_armed) {
			if (!dma_fence_is_signaled(f))
				return false;
			/* Wait for our callback to leave, if it is running. */
			dma_fence_remove_callback(f, &job->cb);
			job->dep_armed = false;
		} else if (!dma_fence_add_callback(f, &job->cb, fwsched_job_dep_cb)) {
			job->dep_armed = true;
			return false;
		}
		fwsched_job_note_error(job, f->error);
		dma_fence_put(f);
		job->deps[job->next_dep++] = NULL;
	}
	return true;
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
	fwsched_fence_signal(job->finished, job->error);
	llist_add(&job->done_node, &q->done);
	queue_work(q->wq, &q->work);
	if (atomic_dec_and_test(&q->callbacks))
		wake_up_var(&q->callbacks);
}

/* Free the jobs whose hardware fence signalled; give back their credits. */
static void fwsched_queue_reap(struct fwsched_queue *q)
{
	struct llist_node *list = llist_del_all(&q->done);
	struct fwsched_job *job, *next;

	if (!list)
		return;
	list = llist_reverse_order(list);

	spin_lock(&q->lock);
	llist_for_each_entry(job, list, done_node) {
		list_del_init(&job->link);
		q->credits -= job->credits;
	}
	spin_unlock(&q->lock);

	llist_for_each_entry_safe(job, next, list, done_node)
		fwsched_job_free(job);
}

/* Give @job to the driver; it is on @inflight and its credits are taken. */
static void fwsched_job_run(struct fwsched_job *job)
{
	struct fwsched_queue *q = job->queue;
	struct dma_fence *hw;

	hw = q->ops->run_job(job);
	if (!IS_ERR_OR_NULL(hw)) {
		job->hw_fence = hw;
		atomic_inc(&q->callbacks);
		if (!dma_fence_add_callback(hw, &job->cb, fwsched_job_hw_cb))
			return;
		atomic_dec(&q->callbacks);
		fwsched_job_note_error(job, hw->error);
	} else {
		fwsched_job_note_error(job, PTR_ERR_OR_ZERO(hw));
	}

	/* Completed already: no callback will come. */
	spin_lock(&q->lock);
	list_del_init(&job->link);
	q->credits -= job->credits;
	spin_unlock(&q->lock);
	fwsched_fence_signal(job->finished, job->error);
	fwsched_job_free(job);
}

/* Run every job that is ready, in order. */
static void fwsched_queue_run(struct fwsched_queue *q)
{
	struct fwsched_job *job;

	spin_lock(&q->lock);
	while (q->state == FWSCHED_QUEUE_RUNNING &&
	       (job = list_first_entry_or_null(&q->pending, struct fwsched_job,
					       link))) {
		/* The head is ours while the queue is not dead. */
		spin_unlock(&q->lock);
		if (!fwsched_job_deps_signalled(job))
			return;
		/* A queue with a slot pool runs only while it holds a slot. */
		if (q->slot.pool && !job->error && !fwsched_slot_ready(q))
			return;
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
		if (q->credits + job->credits > q->credit_limit)
			break;

		list_move_tail(&job->link, &q->inflight);
		q->credits += job->credits;
		job->state = FWSCHED_JOB_INFLIGHT;
		spin_unlock(&q->lock);

		fwsched_job_run(job);
		q->slot.runs++;

		spin_lock(&q->lock);
	}
	spin_unlock(&q->lock);
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

/* Give the slot back when idle, or bind one for jobs in flight. */
static void fwsched_queue_slot_update(struct fwsched_queue *q)
{
	bool idle, more, dead;

	spin_lock(&q->lock);
	idle = list_empty(&q->inflight);
	more = !list_empty(&q->pending);
	dead = q->state == FWSCHED_QUEUE_DEAD;
	spin_unlock(&q->lock);
	/* A dying queue's slot is given back by fwsched_slot_detach(). */
	if (!dead)
		fwsched_slot_update(q, idle, more);
}

static void fwsched_queue_work(struct work_struct *work)
{
	struct fwsched_queue *q = container_of(work, struct fwsched_queue, work);
	bool cookie;

	cookie = fwsched_signalling_begin();
	fwsched_queue_reap(q);
	if (q->slot.pool)
		fwsched_queue_apply_priority(q);
	fwsched_queue_run(q);
	if (q->slot.pool)
		fwsched_queue_slot_update(q);
	fwsched_signalling_end(cookie);
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
	might_sleep();
	spin_lock(&queue->lock);
	if (queue->state == FWSCHED_QUEUE_RUNNING)
		queue->state = FWSCHED_QUEUE_STOPPED;
	spin_unlock(&queue->lock);
	flush_work(&queue->work);
}
EXPORT_SYMBOL_GPL(fwsched_queue_stop);

/**
 * fwsched_queue_start() - resume a stopped queue
 * @queue: the queue
 *
 * Jobs run again, in order, from the first one that had not run.
 *
 * Context: process context; does not sleep.
 */
void fwsched_queue_start(struct fwsched_queue *queue)
{
	spin_lock(&queue->lock);
	if (queue->state == FWSCHED_QUEUE_STOPPED)
		queue->state = FWSCHED_QUEUE_RUNNING;
	spin_unlock(&queue->lock);
	queue_work(queue->wq, &queue->work);
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
 * * if jobs are still on the hardware, &fwsched_queue_ops.cancel_inflight
 *   is called (if the driver has it) and destroy waits for their hardware
 *   fences; their finished fences carry the hardware fences' errors;
 * * every job is freed before this returns, and no callback of @queue runs
 *   afterwards.
 *
 * Finished fences stay valid for whoever holds them; they no longer depend
 * on the queue.  Calling it twice is harmless.
 *
 * Context: process context; sleeps.  Not from a queue callback, and not
 * where reclaim may be waited for (it waits for hardware fences).
 */
void fwsched_queue_destroy(struct fwsched_queue *queue)
{
	struct fwsched_job *job, *tmp;
	struct dma_fence *last = NULL;
	LIST_HEAD(never_ran);
	bool cookie;

	if (!queue)
		return;
	might_sleep();

	spin_lock(&queue->lock);
	if (queue->state == FWSCHED_QUEUE_DEAD) {
		spin_unlock(&queue->lock);
		return;
	}
	queue->state = FWSCHED_QUEUE_DEAD;
	list_splice_init(&queue->pending, &never_ran);
	job = list_last_entry_or_null(&queue->inflight, struct fwsched_job, link);
	if (job)
		last = dma_fence_get(fwsched_job_finished(job));
	spin_unlock(&queue->lock);

	/* From here on nobody calls run_job, and the jobs are ours. */
	cancel_work_sync(&queue->work);

	cookie = fwsched_signalling_begin();
	list_for_each_entry_safe(job, tmp, &never_ran, link) {
		list_del_init(&job->link);
		if (job->dep_armed) {
			dma_fence_remove_callback(job->deps[job->next_dep], &job->cb);
			job->dep_armed = false;
		}
		fwsched_job_cancel(job, -ECANCELED);
	}
	fwsched_signalling_end(cookie);

	if (last) {
		if (queue->ops->cancel_inflight)
			queue->ops->cancel_inflight(queue);
		/* Finished fences signal in order: the last one means all. */
		dma_fence_wait(last, false);
		dma_fence_put(last);
	}
	/* Let the hardware-fence callbacks leave the queue. */
	wait_var_event(&queue->callbacks, !atomic_read(&queue->callbacks));
	cancel_work_sync(&queue->work);

	cookie = fwsched_signalling_begin();
	fwsched_queue_reap(queue);
	if (queue->slot.pool) {
		fwsched_slot_detach(queue);
		/* A grant may have queued the work item once more. */
		cancel_work_sync(&queue->work);
	}
	fwsched_signalling_end(cookie);
	WARN_ON(!list_empty(&queue->inflight));

	fwsched_queue_put(queue);
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
 * fwsched_queue_destroy_flush() before it unloads.  Do not also call
 * fwsched_queue_destroy() on @queue.
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
