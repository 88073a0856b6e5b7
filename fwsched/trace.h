/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwsched trace events.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#if !defined(_FWSCHED_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _FWSCHED_TRACE_H_

#include <linux/tracepoint.h>

#include <fwsched/queue.h>

#include "internal.h"

#undef TRACE_SYSTEM
#define TRACE_SYSTEM fwsched
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE trace

/*
 * Stable fields, as drm_sched's gpu_scheduler_trace.h has them:
 *
 * dev    the driver name of the queue's fences
 * ring   the queue's timeline name
 * fence  context:seqno of the job's finished fence, a real dma_fence, so
 *        that the kernel's dma_fence:* events line up in trace-cmd and
 *        Perfetto
 */

DECLARE_EVENT_CLASS(fwsched_job,
	TP_PROTO(struct fwsched_job *job),
	TP_ARGS(job),
	TP_STRUCT__entry(
		__string(dev, job->queue->timeline->driver_name)
		__string(ring, job->queue->timeline->names)
		__field(u64, fence_context)
		__field(u64, fence_seqno)
		__field(u32, credits)
	),
	TP_fast_assign(
		__assign_str(dev);
		__assign_str(ring);
		__entry->fence_context = job->finished->base.context;
		__entry->fence_seqno = job->finished->base.seqno;
		__entry->credits = job->credits;
	),
	TP_printk("dev=%s, fence=%llu:%llu, ring=%s, credits=%u",
		  __get_str(dev), __entry->fence_context, __entry->fence_seqno,
		  __get_str(ring), __entry->credits)
);

DEFINE_EVENT(fwsched_job, fwsched_job_push,
	TP_PROTO(struct fwsched_job *job), TP_ARGS(job));
DEFINE_EVENT(fwsched_job, fwsched_job_run,
	TP_PROTO(struct fwsched_job *job), TP_ARGS(job));
DEFINE_EVENT(fwsched_job, fwsched_job_free,
	TP_PROTO(struct fwsched_job *job), TP_ARGS(job));

TRACE_EVENT(fwsched_job_done,
	TP_PROTO(struct fwsched_job *job, int error),
	TP_ARGS(job, error),
	TP_STRUCT__entry(
		__field(u64, fence_context)
		__field(u64, fence_seqno)
		__field(int, error)
	),
	TP_fast_assign(
		__entry->fence_context = job->finished->base.context;
		__entry->fence_seqno = job->finished->base.seqno;
		__entry->error = error;
	),
	TP_printk("fence=%llu:%llu signaled, error=%d",
		  __entry->fence_context, __entry->fence_seqno, __entry->error)
);

DECLARE_EVENT_CLASS(fwsched_job_dep,
	TP_PROTO(struct fwsched_job *job, struct dma_fence *dep),
	TP_ARGS(job, dep),
	TP_STRUCT__entry(
		__field(u64, fence_context)
		__field(u64, fence_seqno)
		__field(u64, dep_context)
		__field(u64, dep_seqno)
	),
	TP_fast_assign(
		__entry->fence_context = job->finished->base.context;
		__entry->fence_seqno = job->finished->base.seqno;
		__entry->dep_context = dep->context;
		__entry->dep_seqno = dep->seqno;
	),
	TP_printk("fence=%llu:%llu, dependency=%llu:%llu",
		  __entry->fence_context, __entry->fence_seqno,
		  __entry->dep_context, __entry->dep_seqno)
);

/* At push, for every dependency the job waits for. */
DEFINE_EVENT(fwsched_job_dep, fwsched_job_add_dep,
	TP_PROTO(struct fwsched_job *job, struct dma_fence *dep), TP_ARGS(job, dep));
/* The work item saw the dependency signalled. */
DEFINE_EVENT(fwsched_job_dep, fwsched_job_dep_resolved,
	TP_PROTO(struct fwsched_job *job, struct dma_fence *dep), TP_ARGS(job, dep));

TRACE_EVENT(fwsched_timeout,
	TP_PROTO(struct fwsched_job *job, int action),
	TP_ARGS(job, action),
	TP_STRUCT__entry(
		__field(u64, fence_context)
		__field(u64, fence_seqno)
		__field(int, action)
	),
	TP_fast_assign(
		__entry->fence_context = job->finished->base.context;
		__entry->fence_seqno = job->finished->base.seqno;
		__entry->action = action;
	),
	TP_printk("fence=%llu:%llu, action=%s",
		  __entry->fence_context, __entry->fence_seqno,
		  __print_symbolic(__entry->action,
				   { FWSCHED_TIMEOUT_EXTEND, "extend" },
				   { FWSCHED_TIMEOUT_RESET, "reset" },
				   { FWSCHED_TIMEOUT_BAN, "ban" }))
);

DECLARE_EVENT_CLASS(fwsched_queue,
	TP_PROTO(struct fwsched_queue *q, int arg),
	TP_ARGS(q, arg),
	TP_STRUCT__entry(
		__string(dev, q->timeline->driver_name)
		__string(ring, q->timeline->names)
		__field(u64, context)
		__field(int, arg)
	),
	TP_fast_assign(
		__assign_str(dev);
		__assign_str(ring);
		__entry->context = q->timeline->context;
		__entry->arg = arg;
	),
	TP_printk("dev=%s, ring=%s, context=%llu, %d",
		  __get_str(dev), __get_str(ring), __entry->context, __entry->arg)
);

/* arg: the priority. */
DEFINE_EVENT(fwsched_queue, fwsched_queue_create,
	TP_PROTO(struct fwsched_queue *q, int arg), TP_ARGS(q, arg));
/* arg: &enum fwsched_exec, plus 0x100 with defer_free. */
DEFINE_EVENT(fwsched_queue, fwsched_queue_exec,
	TP_PROTO(struct fwsched_queue *q, int arg), TP_ARGS(q, arg));
/* arg: jobs cancelled because they never ran. */
DEFINE_EVENT(fwsched_queue, fwsched_queue_destroy,
	TP_PROTO(struct fwsched_queue *q, int arg), TP_ARGS(q, arg));
/* arg: the new priority, as it takes effect. */
DEFINE_EVENT(fwsched_queue, fwsched_queue_priority,
	TP_PROTO(struct fwsched_queue *q, int arg), TP_ARGS(q, arg));
/*
 * Slot events name the holder: a queue's fence context for a queue of its
 * own, the group's id (from the same number space) for a group.
 */
DECLARE_EVENT_CLASS(fwsched_slot,
	TP_PROTO(u64 holder, int slot),
	TP_ARGS(holder, slot),
	TP_STRUCT__entry(
		__field(u64, holder)
		__field(int, slot)
	),
	TP_fast_assign(
		__entry->holder = holder;
		__entry->slot = slot;
	),
	TP_printk("holder=%llu, slot=%d", __entry->holder, __entry->slot)
);

DEFINE_EVENT(fwsched_slot, fwsched_slot_acquire,
	TP_PROTO(u64 holder, int slot), TP_ARGS(holder, slot));
DEFINE_EVENT(fwsched_slot, fwsched_slot_release,
	TP_PROTO(u64 holder, int slot), TP_ARGS(holder, slot));
/* The holder is asked to give its slot back. */
DEFINE_EVENT(fwsched_slot, fwsched_slot_evict,
	TP_PROTO(u64 holder, int slot), TP_ARGS(holder, slot));
DEFINE_EVENT(fwsched_slot, fwsched_slot_preempt,
	TP_PROTO(u64 holder, int slot), TP_ARGS(holder, slot));

#endif /* _FWSCHED_TRACE_H_ */

/* This part must be outside the multi-read protection. */
#include <trace/define_trace.h>
