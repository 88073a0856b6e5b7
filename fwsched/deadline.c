// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched finished fences and their deadlines: the finished fence's ops,
 * dma_fence_set_deadline() on it, and the pass that hands deadlines on to
 * the driver, the dependencies and the hardware fence.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/dma-fence.h>
#include <linux/llist.h>

#include <fwsched/queue.h>

#include "internal.h"

/* Put @fin on its queue's deadline list for the work item.  Fence lock held. */
static void fwsched_finished_queue_deadline(struct fwsched_finished *fin)
{
	struct fwsched_queue *q = fin->job->queue;

	lockdep_assert_held(dma_fence_spinlock(&fin->fence.base));
	if (fin->queued)
		return;
	fin->queued = true;
	dma_fence_get(&fin->fence.base);
	llist_add(&fin->deadline_node, &q->deadlines);
	fwsched_queue_kick(q);
}

/*
 * dma_fence_set_deadline() on a finished fence, under rcu_read_lock(), any
 * context: note the earliest deadline and, once the job is on its queue,
 * let the work item pass it on.  The job (and so its queue) is alive while
 * @fin->job is set, which the fence lock serialises with
 * fwsched_job_forget().
 *
 * A job that is armed but not yet pushed only records the deadline: its
 * queue may be destroyed before the push, and must then not be touched.
 * The push publishes @pushed and then looks at @deadline; this looks at
 * @pushed after writing @deadline; a full barrier on each side means at
 * least one of the two sees the other and queues the deadline (@queued,
 * under the fence lock, keeps it from being queued twice).
 */
static void fwsched_finished_set_deadline(struct dma_fence *f, ktime_t deadline)
{
	struct fwsched_finished *fin = to_finished(to_fwsched_fence(f));
	unsigned long flags;

	dma_fence_lock_irqsave(f, flags);
	if (fin->job && !test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &f->flags)) {
		if (!fin->deadline || ktime_before(deadline, fin->deadline))
			fin->deadline = deadline;
		/* Pairs with the smp_mb() in fwsched_job_publish(). */
		smp_mb();
		if (READ_ONCE(fin->pushed))
			fwsched_finished_queue_deadline(fin);
	}
	dma_fence_unlock_irqrestore(f, flags);
}

/*
 * A queue's finished fences: fwsched's name ops and .set_deadline.  Still no
 * .release and no .wait, so they detach from fwsched when they signal (the
 * core calls .set_deadline only while the fence is unsignalled).
 */
const struct dma_fence_ops fwsched_finished_ops = {
	.get_driver_name = fwsched_fence_get_driver_name,
	.get_timeline_name = fwsched_fence_get_timeline_name,
	.set_deadline = fwsched_finished_set_deadline,
};

/*
 * The push makes @job visible to its queue (queue lock held, before the job
 * is on @pending or runs): from here on a deadline set on its finished
 * fence is queued for the work item, and one set before is queued now.
 */
void fwsched_job_publish(struct fwsched_job *job)
{
	struct fwsched_finished *fin = to_finished(job->finished);
	unsigned long flags;

	lockdep_assert_held(&job->queue->lock);
	WRITE_ONCE(fin->pushed, true);
	/* Pairs with the smp_mb() in fwsched_finished_set_deadline(). */
	smp_mb();
	if (likely(!READ_ONCE(fin->deadline)))
		return;
	dma_fence_lock_irqsave(&fin->fence.base, flags);
	if (fin->job && !test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &fin->fence.base.flags))
		fwsched_finished_queue_deadline(fin);
	dma_fence_unlock_irqrestore(&fin->fence.base, flags);
}

/*
 * The work item, holding the run right: give new deadlines to the driver,
 * the dependencies and the hardware fences.  A pushed job is freed only by
 * this work item, by the holder of the run right (a direct push whose job
 * completed at once) or, with the work item cancelled or disabled, by
 * destroy and the timeout handler; so a job seen pushed under the fence
 * lock stays alive here.
 */
void fwsched_queue_deadlines(struct fwsched_queue *q)
{
	struct llist_node *list = llist_del_all(&q->deadlines);
	struct fwsched_finished *fin, *next;
	struct fwsched_job *job;
	unsigned long flags;
	ktime_t deadline;
	unsigned int i;

	llist_for_each_entry_safe(fin, next, list, deadline_node) {
		dma_fence_lock_irqsave(&fin->fence.base, flags);
		fin->queued = false;
		job = fin->pushed ? fin->job : NULL;
		deadline = fin->deadline;
		dma_fence_unlock_irqrestore(&fin->fence.base, flags);

		if (job) {
			if (q->ops->set_deadline)
				q->ops->set_deadline(job, deadline);
			for (i = job->next_dep; i < job->num_deps; i++)
				dma_fence_set_deadline(job->deps[i], deadline);
			if (job->prepare_fence)
				dma_fence_set_deadline(job->prepare_fence, deadline);
			if (job->hw_fence)
				dma_fence_set_deadline(job->hw_fence, deadline);
		}
		dma_fence_put(&fin->fence.base);
	}
}

/* The earliest deadline asked for on @job's finished fence, or 0. */
ktime_t fwsched_job_deadline(struct fwsched_job *job)
{
	struct fwsched_finished *fin = to_finished(job->finished);
	unsigned long flags;
	ktime_t deadline;

	dma_fence_lock_irqsave(&fin->fence.base, flags);
	deadline = fin->deadline;
	dma_fence_unlock_irqrestore(&fin->fence.base, flags);
	return deadline;
}

/* Destroy: the queue is gone, drop what is still queued. */
void fwsched_queue_deadlines_drop(struct fwsched_queue *q)
{
	struct llist_node *list = llist_del_all(&q->deadlines);
	struct fwsched_finished *fin, *next;
	unsigned long flags;

	llist_for_each_entry_safe(fin, next, list, deadline_node) {
		dma_fence_lock_irqsave(&fin->fence.base, flags);
		fin->queued = false;
		dma_fence_unlock_irqrestore(&fin->fence.base, flags);
		dma_fence_put(&fin->fence.base);
	}
}

/* The finished fence forgets @job, which is about to be freed. */
void fwsched_job_forget(struct fwsched_job *job)
{
	struct fwsched_finished *fin = to_finished(job->finished);
	unsigned long flags;

	/* Unarmed: nobody can set a deadline on it. */
	if (!dma_fence_was_initialized(&fin->fence.base)) {
		fin->job = NULL;
		return;
	}
	/* Serialise with fwsched_queue_deadlines(), which reads it locked. */
	dma_fence_lock_irqsave(&fin->fence.base, flags);
	fin->job = NULL;
	dma_fence_unlock_irqrestore(&fin->fence.base, flags);
}
