// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched job timeouts: the hardware-time clock, the timeout handler and
 * its RESET and BAN recoveries.  The rules are in include/fwsched/queue.h.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include <fwsched/queue.h>

#include "internal.h"
#include "trace.h"

/*
 * Account the hardware time of the oldest job in flight.  Call after the
 * head of @in_flight, a pause reason or the state changed; @new_head gives
 * the (new) head a full timeout.  The clock runs only while a job is in
 * flight, the queue holds its slot and the driver has not suspended it.
 */
void fwsched_queue_timeout_update(struct fwsched_queue *q, bool new_head)
{
	ktime_t now;
	bool count;

	lockdep_assert_held(&q->lock);
	if (!q->timeout)
		return;
	now = ktime_get();
	if (q->timeout_counting)
		q->timeout_left -= ktime_to_ns(ktime_sub(now, q->timeout_since));
	if (new_head)
		q->timeout_left = q->timeout;
	count = !list_empty(&q->in_flight) && !q->timeout_pause &&
		q->state < FWSCHED_QUEUE_BANNED;
	q->timeout_counting = count;
	q->timeout_since = now;
	if (count)
		mod_delayed_work(fwsched_timeout_wq, &q->timeout_work,
				 nsecs_to_jiffies(max_t(s64, q->timeout_left, 0)) + 1);
	else if (!atomic_read(&q->timeout_now))
		cancel_delayed_work(&q->timeout_work);
}

/* slot.c and the driver: stop or restart the job timeout's clock. */
void fwsched_queue_timeout_pause(struct fwsched_queue *q, u8 reason, bool pause)
{
	spin_lock(&q->lock);
	if (pause)
		q->timeout_pause |= reason;
	else
		q->timeout_pause &= ~reason;
	fwsched_queue_timeout_update(q, false);
	spin_unlock(&q->lock);
}

/**
 * fwsched_queue_suspend_timeout() - the firmware suspended the queue
 * @queue: the queue
 *
 * The job timeout stops counting until fwsched_queue_resume_timeout(), as
 * it does while the queue holds no firmware slot.  Calls do not nest.
 *
 * Context: process context; does not sleep.
 */
void fwsched_queue_suspend_timeout(struct fwsched_queue *queue)
{
	fwsched_queue_timeout_pause(queue, FWSCHED_TIMEOUT_PAUSE_DRIVER, true);
}
EXPORT_SYMBOL_GPL(fwsched_queue_suspend_timeout);

/**
 * fwsched_queue_resume_timeout() - the firmware resumed the queue
 * @queue: the queue
 *
 * Context: process context; does not sleep.
 */
void fwsched_queue_resume_timeout(struct fwsched_queue *queue)
{
	fwsched_queue_timeout_pause(queue, FWSCHED_TIMEOUT_PAUSE_DRIVER, false);
}
EXPORT_SYMBOL_GPL(fwsched_queue_resume_timeout);

/**
 * fwsched_queue_trigger_timeout() - handle a timeout now
 * @queue: a queue with &fwsched_queue_ops.timed_out
 *
 * For a fault the firmware reported: &fwsched_queue_ops.timed_out is called
 * for the oldest job in flight as soon as possible, whatever time it had.
 * Nothing happens if no job is in flight by then.
 *
 * Context: any context, including hard interrupts.
 */
void fwsched_queue_trigger_timeout(struct fwsched_queue *queue)
{
	if (WARN_ON(!queue->ops->timed_out))
		return;
	atomic_set(&queue->timeout_now, 1);
	mod_delayed_work(fwsched_timeout_wq, &queue->timeout_work, 0);
}
EXPORT_SYMBOL_GPL(fwsched_queue_trigger_timeout);

/*
 * FWSCHED_TIMEOUT_RESET, with the work item disabled: take back every job
 * in flight whose hardware fence has not signalled, let the driver reset
 * the ring, and queue those jobs again at the head, in order.
 */
static void fwsched_queue_reset(struct fwsched_queue *q)
{
	struct fwsched_job *job, *tmp;
	LIST_HEAD(again);

	spin_lock(&q->lock);
	list_for_each_entry_safe_reverse(job, tmp, &q->in_flight, link) {
		/* Signalled: the job is on @done and completes as usual. */
		if (!dma_fence_remove_callback(job->hw_fence, &job->cb))
			continue;
		atomic_dec(&q->callbacks);
		fwsched_job_leave_ring(job, false);
		job->state = FWSCHED_JOB_PENDING;
		list_add(&job->link, &again);
	}
	fwsched_queue_timeout_update(q, true);
	spin_unlock(&q->lock);

	list_for_each_entry(job, &again, link) {
		dma_fence_put(job->hw_fence);
		job->hw_fence = NULL;
	}
	if (q->ops->reset)
		q->ops->reset(q);

	spin_lock(&q->lock);
	list_splice(&again, &q->pending);
	spin_unlock(&q->lock);
}

/*
 * FWSCHED_TIMEOUT_BAN, with the work item disabled: @guilty fails with
 * -ETIMEDOUT, every other job with -ECANCELED, pushes are refused.
 */
static void fwsched_queue_ban(struct fwsched_queue *q, struct fwsched_job *guilty)
{
	struct fwsched_job *job;
	LIST_HEAD(never_ran);
	bool in_flight;

	fwsched_job_note_error(guilty, -ETIMEDOUT);
	spin_lock(&q->lock);
	if (q->state < FWSCHED_QUEUE_BANNED)
		q->state = FWSCHED_QUEUE_BANNED;
	list_splice_init(&q->pending, &never_ran);
	list_for_each_entry(job, &q->in_flight, link)
		fwsched_job_note_error(job, -ECANCELED);
	in_flight = !list_empty(&q->in_flight);
	fwsched_queue_timeout_update(q, false);
	spin_unlock(&q->lock);

	fwsched_queue_cancel_list(&never_ran, -ECANCELED);
	if (in_flight && q->ops->cancel_in_flight)
		q->ops->cancel_in_flight(q);
}

/*
 * The job timeout.  Runs on fwsched_timeout_wq.  While the driver decides, the
 * queue's work item is disabled: no job of the queue is run or freed, so
 * the job handed to timed_out stays valid, and nothing is lost: events that
 * try to queue the work item meanwhile are caught up by the queue_work()
 * at the end.
 */
void fwsched_queue_timeout_work(struct work_struct *work)
{
	struct fwsched_queue *q = container_of(to_delayed_work(work),
					       struct fwsched_queue, timeout_work);
	enum fwsched_timeout_action action;
	struct fwsched_job *job;
	bool cookie;
	s64 left;

	spin_lock(&q->lock);
	if (!atomic_xchg(&q->timeout_now, 0)) {
		if (!q->timeout_counting) {
			spin_unlock(&q->lock);
			return;
		}
		left = q->timeout_left - ktime_to_ns(ktime_sub(ktime_get(), q->timeout_since));
		if (left > 0) {
			mod_delayed_work(fwsched_timeout_wq, &q->timeout_work,
					 nsecs_to_jiffies(left) + 1);
			spin_unlock(&q->lock);
			return;
		}
	}
	spin_unlock(&q->lock);

	fwsched_queue_kick_disable(q);
	/* Wait for a direct push that is calling run_job to finish. */
	wait_var_event(&q->running, fwsched_queue_own_or_wait(q));
	spin_lock(&q->lock);
	job = list_first_entry_or_null(&q->in_flight, struct fwsched_job, link);
	if (q->state >= FWSCHED_QUEUE_BANNED)
		job = NULL;
	spin_unlock(&q->lock);

	if (job) {
		cookie = fwsched_signalling_begin();
		action = q->ops->timed_out(job);
		trace_fwsched_timeout(job, action);
		switch (action) {
		case FWSCHED_TIMEOUT_RESET:
			fwsched_queue_reset(q);
			break;
		case FWSCHED_TIMEOUT_BAN:
			fwsched_queue_ban(q, job);
			break;
		default:
			spin_lock(&q->lock);
			fwsched_queue_timeout_update(q, true);
			spin_unlock(&q->lock);
			break;
		}
		fwsched_signalling_end(cookie);
	}
	spin_lock(&q->lock);
	fwsched_queue_disown(q, false);
	fwsched_queue_kick_enable(q);
	fwsched_queue_kick(q);
}
