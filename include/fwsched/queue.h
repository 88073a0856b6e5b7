/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwsched queues and jobs: one queue per firmware ring.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#ifndef _FWSCHED_QUEUE_H_
#define _FWSCHED_QUEUE_H_

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <fwsched/fence.h>
#include <fwsched/slot.h>

/**
 * DOC: fwsched queues
 *
 * A &struct fwsched_queue is one firmware ring: the scheduler and the entity
 * in one object.  A driver creates one per userspace queue.  It submits
 * &struct fwsched_job objects to it; fwsched waits for each job's
 * dependencies, keeps the ring within its credit limit, calls the driver's
 * &fwsched_queue_ops.run_job in submission order, and signals the job's
 * finished fence when the hardware fence that run_job returned signals.
 *
 * A queue is an in-order ring: job N+1 is handed to the firmware only after
 * job N, and the firmware executes them in that order.  A dependency on an
 * earlier job of the same queue is therefore implied and is dropped.
 *
 * Job lifecycle::
 *
 *   fwsched_job_init()            allocates everything the job will need
 *   fwsched_job_add_dependency()  any number of times, up to max_deps
 *   fwsched_job_arm()             the finished fence gets its seqno (the push
 *                                 arms a job that is not armed yet)
 *   fwsched_job_push()            cannot fail for lack of memory
 *     ... dependencies signalled ...
 *   ops->update_credits()         optional: the job may need fewer credits
 *     ... credits free ...
 *   ops->prepare()                optional: NULL, or a fence to wait for
 *     ... firmware slot held (with a slot pool) ...
 *   ops->run_job()                returns the hardware fence
 *     ... hardware fence signals ...
 *   finished fence signalled      with the hardware fence's error
 *   ops->free_job()               on the queue's workqueue
 *
 * A job that will not run (again) goes through &fwsched_queue_ops.cancel_job:
 * one that never ran because its queue was destroyed or banned or one of its
 * dependencies failed, and the guilty job of a %FWSCHED_TIMEOUT_RESET (it
 * ran once and the driver gave it an error).  Its finished fence carries
 * the error.
 *
 * Arming and ordering.  Finished fences get their seqnos when armed, and
 * jobs run in push order; the two orders must agree.  Every driver that
 * publishes a finished fence before the push (a dma_resv, a syncobj, a
 * sync_file) arms first, so it must arm and push under one lock of its own
 * per queue, as with drm_sched.  A driver that takes the fence only after
 * the push (fwsched_job_push() arms) needs no lock for that.
 *
 * Direct run: a queue created with &fwsched_queue_args.direct_run calls
 * run_job from fwsched_job_push() itself when the job has nothing ahead of
 * it (no job pending, nobody else running jobs), its dependencies have all
 * signalled and the ring has room; otherwise the push queues the job for
 * the work item as usual.  This saves a work item dispatch per job.  The
 * driver must then be able to take run_job in its submitting context: the
 * pusher holds no lock that run_job (or anything run_job waits for) takes,
 * and the push is inside dma_fence_begin_signalling() for that call, so the
 * pusher must not hold a lock that is held around GFP_KERNEL allocations.
 *
 * Dependencies.  A failed dependency cancels the job with its error.  A
 * &dma_fence_array carries the error of a failed member, so the job is
 * cancelled; a &dma_fence_chain does not carry the errors of its links (the
 * dma-fence core's rule), so a job waiting for a chain runs even if an
 * earlier link failed.  Unwrap chains (dma_fence_unwrap_for_each()) if that
 * matters.
 *
 * Callbacks in fence context.  A finished fence is signalled from the
 * hardware fence's callback: under the hardware fence's lock, possibly in
 * hard interrupt context.  Callbacks that others install on a finished
 * fence run there too.  A driver that signals a fence of its own from such
 * a callback nests two fence locks: defer it to an irq_work or work item,
 * as &dma_fence_array does.  On PREEMPT_RT a fence lock is a sleeping lock:
 * "any context" then excludes hard interrupts, and drivers complete fences
 * from threaded interrupts.
 *
 * Waits known only at run time.  A driver that learns only when a job is
 * about to run that it needs something another job still holds (room in a
 * firmware heap, a doorbell, a context being evicted) provides
 * &fwsched_queue_ops.prepare: fwsched calls it for the job at the head once
 * its dependencies have signalled and its credits fit, and waits for the
 * fence it returns exactly as for a dependency, then asks again, until it
 * returns NULL.  &fwsched_queue_ops.update_credits lets a job need fewer
 * credits once its dependencies have signalled (fewer firmware wait
 * commands to emit).  Queues without them pay nothing for either.
 *
 * Waiting: every wait of a queue is a wait on a dma_fence.  A job waits for
 * its dependencies through fence callbacks; a queue whose ring is full waits
 * for the hardware fences of the jobs in flight, whose callbacks kick the
 * queue's work item.  Nothing polls and no wakeup can be lost: every event
 * that can make a job runnable (push, dependency signalled, hardware fence
 * signalled, start) queues the work item after publishing its state, and
 * one run of the work item runs every job that is ready.
 *
 * Where a queue runs: see "DOC: execution modes".
 */

/**
 * DOC: execution modes
 *
 * Each queue chooses where its work runs (&fwsched_queue_args.exec): the
 * passes that reap finished jobs, run ready jobs and bind slots, and the
 * driver callbacks they make.  Every mode runs them inside the
 * fence-signalling section, so every mode follows "DOC: callback rules";
 * the modes differ only in whether a callback may sleep and in what a
 * sleeping callback holds up.
 *
 * ===========================  ===========  ================================
 * mode (enum fwsched_exec)     may sleep    a sleeping callback holds up
 * ===========================  ===========  ================================
 * FWSCHED_EXEC_RUNNERS         no           (not allowed: every queue kicked
 *                                           on the same CPU)
 * FWSCHED_EXEC_WORK            yes          only its own queue
 * FWSCHED_EXEC_KTHREAD         yes          every queue on the same worker
 * ===========================  ===========  ================================
 *
 * %FWSCHED_EXEC_RUNNERS, the default, is the cheapest: one work item per
 * CPU on fwsched's workqueue (WQ_MEM_RECLAIM, high priority) runs every
 * queue kicked on that CPU, and the queues kicked while it runs (a
 * dependency on another queue's job, a hardware fence signalled in
 * run_job), in one dispatch.  Callbacks must not sleep there.  A debug
 * kernel says so at the first sleep: lockdep reports a mutex taken on a
 * runner as an invalid wait context, and a callback that blocked (a
 * completion, msleep()) warns once, naming the queue's run_job.
 *
 * %FWSCHED_EXEC_WORK gives the queue a work item of its own, on the
 * driver's workqueue (&fwsched_queue_args.wq, which must be
 * WQ_MEM_RECLAIM: a shrinker may wait for the queue's fences) or on
 * fwsched's.  Callbacks may sleep; a workqueue runs another worker while
 * one sleeps, so a sleeping queue holds up no other.  An ordered workqueue
 * of the driver's orders the queue's work against the driver's own.
 *
 * %FWSCHED_EXEC_KTHREAD runs the queue's work as a kthread_work: on the
 * driver's &kthread_worker (&fwsched_queue_args.worker: the driver sets
 * its policy, priority and CPU affinity), or on fwsched's worker for the
 * queue's priority at creation: %FWSCHED_PRIO_REALTIME at SCHED_FIFO,
 * %FWSCHED_PRIO_HIGH at the lowest SCHED_FIFO priority, the others at
 * nice -10 (normal) and 0 (low).  A later fwsched_queue_set_priority()
 * does not move the queue to another worker.  A worker runs one item at a
 * time: a callback that sleeps holds up the worker's other queues, so
 * give such a queue a worker of its own.
 *
 * Direct run (&fwsched_queue_args.direct_run) combines with any mode: the
 * push runs the job itself when nothing is ahead of it, and leaves the
 * rest to the queue's mode.
 *
 * free_job and cancel_job may leave the signalling path as well
 * (&fwsched_queue_args.defer_free): fwsched then does its part of freeing
 * a job where it finishes: it signals the job's finished fence (which,
 * as finished fences signal in order, takes effect once the earlier jobs'
 * have) and drops its fences and dependencies.  It calls cancel_job and
 * free_job later, in batches, from a work item of its own outside the
 * fence-signalling section.  There they may take locks that are held
 * around GFP_KERNEL allocations, such as a buffer object's, and drop the
 * last reference on one.
 * fwsched_queue_destroy() waits for them.
 */

/**
 * DOC: callback rules
 *
 * Every driver callback that a fence may wait for is on the
 * fence-signalling path, and fwsched calls it inside
 * dma_fence_begin_signalling() and a lockdep map of its own that is primed
 * against reclaim.  Such a callback:
 *
 * - allocates nothing that can reclaim (GFP_NOWAIT or GFP_ATOMIC at most);
 * - takes no lock that is held elsewhere around such an allocation or
 *   around a fence wait;
 * - waits for no fence that may depend on this queue.
 *
 * Within those rules it may sleep, unless its queue runs on the runners: a
 * mutex of the driver's, a firmware acknowledgment on a completion, a
 * runtime-PM resume that allocates nothing.  Lockdep checks the rules
 * whenever the code runs: a callback that takes a mutex which is held
 * elsewhere around a GFP_KERNEL allocation is reported even if reclaim
 * never happens.
 *
 * The callbacks on the path are run_job, prepare, update_credits,
 * set_deadline, the slot pool's bind, unbind and preempt, timed_out and
 * reset, and free_job and cancel_job unless the queue defers them.
 * cancel_in_flight is on it when a timeout bans the queue.
 */

/**
 * DOC: object lifetimes
 *
 * ==========================  ==============================================
 * object                      alive until
 * ==========================  ==============================================
 * ``struct fwsched_queue``    fwsched_queue_destroy() and the last
 *                             fwsched_queue_put().  Every initialised job
 *                             holds a reference until it is freed, so a job
 *                             may be pushed or cleaned up after destroy.
 *                             Fences hold none.  Calling destroy (or
 *                             destroy_async) twice is harmless only while
 *                             the caller holds a reference of its own: the
 *                             first call may free the queue.
 * ``struct fwsched_job``      &fwsched_queue_ops.free_job (the driver frees
 *                             its memory there), or fwsched_job_cleanup() for
 *                             a job never pushed.  Once pushed it may be
 *                             freed at any moment: take a reference to its
 *                             finished fence before fwsched_job_push().
 * finished fence              its last dma_fence_put().  Unsignalled it pins
 *                             only its &struct fwsched_timeline (which pins
 *                             fwsched.ko); signalled it pins nothing and may
 *                             outlive the queue, the driver and fwsched.ko.
 * hardware fence              fwsched's reference, from run_job until it
 *                             signals (or a reset takes the job back).
 * dependencies                fwsched's references, until each one is seen
 *                             signalled, or the job is freed.
 * ``fwsched_slot_pool``       fwsched_slot_pool_destroy(), which refuses
 *                             (-EBUSY) while queues are attached.
 * driver callbacks            the ops tables must outlive their queue and
 *                             pool; after fwsched_queue_destroy() returns no
 *                             callback of that queue runs again
 *                             (fwsched_queue_destroy_async(): after
 *                             fwsched_queue_destroy_flush()), except those
 *                             the driver causes itself: pushing a job it
 *                             still had to the destroyed queue calls
 *                             cancel_job and free_job in the pusher, before
 *                             fwsched_job_push() returns -ESHUTDOWN.
 * ==========================  ==============================================
 */

/**
 * DOC: lock order
 *
 * From outermost to innermost; a lock may be taken with those above it held,
 * never the reverse:
 *
 * 1. &fwsched_queue.lock - the queue's state, pending and in-flight lists,
 *    credits, run right, priority and timeout clock.  A plain spinlock:
 *    never taken in a fence callback or interrupt.
 * 2. a fence's lock (dma-fence core) - irqsave.  The push takes a finished
 *    fence's lock under the queue lock (a deadline set before the push).
 *    The preempt-fence callback takes the pool lock under the preempt
 *    fence's lock (the core calls callbacks with it held).
 * 3. the slot pool's lock - slots, FIFOs and every attached queue's
 *    &struct fwsched_slot_ref.  irqsave (a preempt fence may signal from an
 *    interrupt).  fwsched calls no driver callback under it.
 * 4. &fwsched_timeline.lock - irqsave; innermost.  fwsched signals no fence
 *    while holding it, so fence callbacks may re-enter fwsched.
 *
 * Fence callbacks fwsched installs (dependency signalled, hardware fence
 * signalled, preempt fence signalled) take no queue lock: they add to a
 * lock-free list, signal the finished fence, take the pool lock (preempt
 * only) and queue the work item.  No fwsched lock is held while a driver
 * callback runs.
 */

/**
 * DOC: context and allocation rules
 *
 * ==================================  ==========  ==========  ===========================
 * call                                may sleep   allocates   context
 * ==================================  ==========  ==========  ===========================
 * fwsched_queue_create()              yes         GFP_KERNEL  process
 * fwsched_queue_destroy()             yes         no          process; not in reclaim,
 *                                                             not in a queue callback
 * fwsched_queue_destroy_async()       no          no          any
 * fwsched_queue_stop()                yes         no          process, not a callback
 * fwsched_queue_start()               no          no          process
 * fwsched_queue_set_priority()        no          no          process
 * fwsched_queue_trigger_timeout()     no          no          any, hard irq included
 * fwsched_queue_suspend_timeout(),    no          no          process
 * fwsched_queue_resume_timeout()
 * fwsched_job_init()                  yes         GFP_KERNEL  process
 * fwsched_job_add_dependency()        no          no          process
 * fwsched_job_arm()                   no          no          any
 * fwsched_job_push()                  no (1)      no          process (with direct run:
 *                                                             see "Direct run")
 * fwsched_job_set_error()             no          no          any
 * fwsched_slot_pool_create()          yes         GFP_KERNEL  process
 * fwsched_slot_pool_destroy()         no          no          any
 * fwsched_fence_signal()              no          no          any, hard irq included
 *                                                             (not on PREEMPT_RT)
 * run_job, prepare, update_credits,   (2)         GFP_NOWAIT  the queue's work (or the
 * set_deadline, slot bind/unbind/                 at most     pusher, direct run),
 * preempt, free_job and cancel_job                            signalling section
 * (driver)
 * free_job, cancel_job of a queue     may         GFP_KERNEL  fwsched's free work item
 * with defer_free (driver)                                    (or the pusher), outside
 *                                                             the signalling section
 * timed_out, reset (driver)           may         GFP_NOWAIT  fwsched's timeout work
 *                                                 at most     item, signalling section
 * cancel_in_flight (driver)           may         no          destroying task, or the
 *                                                             timeout handler (ban)
 * ==================================  ==========  ==========  ===========================
 *
 * (1) With direct run, the push calls run_job, which may sleep if the
 * queue's mode allows it.  (2) Not on the runners (%FWSCHED_EXEC_RUNNERS);
 * in the other modes yes, within "DOC: callback rules".
 */

/**
 * DOC: signalling path
 *
 * Everything between "the firmware finished a job" and "its finished fence
 * signalled, the next job ran, the finished job was freed" is the
 * fence-signalling path: a shrinker may be waiting on the fence.  On it
 * fwsched allocates nothing (a job's fence and dependency slots come from
 * fwsched_job_init(); slot waiters, timeout work and deadline nodes are in
 * the queue or the job's allocation) and waits for nothing reclaim could
 * wait for.  The work item, direct runs, the timeout handler and every
 * driver callback they make run inside dma_fence_begin_signalling() and
 * fwsched's own lockdep map, which is primed against fs_reclaim at module
 * load, so a GFP_KERNEL allocation or a reclaim-tainted lock anywhere on the
 * path is a lockdep report the first time it runs.
 */

/**
 * enum fwsched_queue_state - where a queue is in its life
 * @FWSCHED_QUEUE_RUNNING: jobs run as they become ready
 * @FWSCHED_QUEUE_STOPPED: fwsched_queue_stop(): nothing new runs; pushes are
 *	queued; jobs in flight still complete
 * @FWSCHED_QUEUE_BANNED: the timed-out callback banned the queue: every job
 *	it had was failed, pushes are refused with -ECANCELED
 * @FWSCHED_QUEUE_DEAD: fwsched_queue_destroy() began: pushes are refused
 *	with -ESHUTDOWN
 */
enum fwsched_queue_state {
	FWSCHED_QUEUE_RUNNING,
	FWSCHED_QUEUE_STOPPED,
	FWSCHED_QUEUE_BANNED,
	FWSCHED_QUEUE_DEAD,
};

/**
 * enum fwsched_timeout_action - what &fwsched_queue_ops.timed_out decided
 * @FWSCHED_TIMEOUT_EXTEND: the job still makes progress: give it another
 *	full timeout
 * @FWSCHED_TIMEOUT_RESET: reset the queue: fwsched takes back every job in
 *	flight whose hardware fence has not signalled, calls
 *	&fwsched_queue_ops.reset, and runs those jobs again, in order.  A job
 *	given an error with fwsched_job_set_error() is not run again: it
 *	completes with that error.
 * @FWSCHED_TIMEOUT_BAN: ban the queue: the timed-out job's finished fence
 *	signals -ETIMEDOUT, every other job's -ECANCELED (jobs in flight go
 *	through &fwsched_queue_ops.cancel_in_flight), and later pushes are
 *	refused with -ECANCELED.
 */
enum fwsched_timeout_action {
	FWSCHED_TIMEOUT_EXTEND,
	FWSCHED_TIMEOUT_RESET,
	FWSCHED_TIMEOUT_BAN,
};

struct fwsched_job;
struct fwsched_queue;

/**
 * struct fwsched_queue_ops - what a driver provides
 *
 * Every callback is called from process context, without any fwsched lock
 * held: from the queue's work (see "DOC: execution modes"), or from the
 * pusher (direct run; a push to a destroyed or banned queue), the
 * destroying task, fwsched's timeout workqueue (timed_out, reset, and what
 * a ban or reset cancels), or fwsched's free work item (free_job and
 * cancel_job with &fwsched_queue_args.defer_free).  Each callback says
 * which.  What a callback on the fence-signalling path may do, and whether
 * it may sleep, is in "DOC: callback rules"; fwsched calls it inside
 * dma_fence_begin_signalling(), so lockdep reports a violation.
 */
struct fwsched_queue_ops {
	/**
	 * @run_job: hand @job to the firmware.  Return the hardware fence
	 * (fwsched takes over the reference and drops it as soon as it
	 * signals), NULL if the job completed already, or an ERR_PTR: the
	 * job's finished fence then signals with that error.  Called in
	 * submission order, one at a time per queue, from the queue's work
	 * or the pusher (direct run).  May sleep unless the queue runs on
	 * the runners; see "DOC: callback rules".  Required.
	 */
	struct dma_fence *(*run_job)(struct fwsched_job *job);

	/**
	 * @free_job: release the driver's job.  fwsched has already dropped
	 * every reference it held (dependencies, hardware and finished
	 * fence); only the driver's own memory remains.  Called from the
	 * queue's work, the destroying task, the timeout handler or the
	 * pusher, on the signalling path; with
	 * &fwsched_queue_args.defer_free, from fwsched's free work item
	 * instead (or the pusher), off it: it may then take locks held
	 * around GFP_KERNEL allocations.  Required.
	 */
	void (*free_job)(struct fwsched_job *job);

	/**
	 * @cancel_job: @job will not be given to run_job (again); @error is
	 * what its finished fence will carry: -ECANCELED when the queue is
	 * destroyed or banned, the error of a failed dependency, or, for the
	 * guilty job of a %FWSCHED_TIMEOUT_RESET (which did run once), the
	 * error the driver gave it with fwsched_job_set_error().  Undo what
	 * was prepared for the firmware.  free_job follows.  Called from the
	 * work item, the destroying task, the timeout handler, or the pusher
	 * (a push to a destroyed or banned queue), before the finished fence
	 * signals; with &fwsched_queue_args.defer_free, from fwsched's free
	 * work item (or the pusher), just before free_job, after fwsched
	 * signalled the fence and dropped it: fwsched_job_finished() may not
	 * be called there.  Optional.
	 */
	void (*cancel_job)(struct fwsched_job *job, int error);

	/**
	 * @cancel_in_flight: called once by fwsched_queue_destroy() when jobs
	 * are still on the hardware, and when a timeout bans the queue.  If
	 * provided, the driver makes their hardware fences signal soon (e.g.
	 * by resetting the ring, with -ECANCELED); if not, fwsched waits for
	 * the firmware to finish them.  It may sleep but is on the
	 * signalling path when called for a ban: no GFP_KERNEL.  Optional.
	 */
	void (*cancel_in_flight)(struct fwsched_queue *queue);

	/**
	 * @timed_out: @job, the oldest job in flight, has had the queue's
	 * timeout of hardware time (time while the queue held a firmware
	 * slot and was not suspended) without completing, or the driver
	 * called fwsched_queue_trigger_timeout().  Decide.  While it runs,
	 * fwsched frees no job of the queue and calls no other callback of
	 * it; it must not call fwsched_queue_stop() or destroy the queue
	 * (return BAN or RESET instead).  Called on fwsched's timeout
	 * workqueue, inside dma_fence_begin_signalling().  Required if
	 * &fwsched_queue_args.timeout_ms is set or the driver calls
	 * fwsched_queue_trigger_timeout().  EXTEND on a queue without a
	 * timeout (timeout_ms 0, a triggered timeout) means "nothing to do":
	 * no clock is started, only the next trigger calls it again.
	 */
	enum fwsched_timeout_action (*timed_out)(struct fwsched_job *job);

	/**
	 * @reset: %FWSCHED_TIMEOUT_RESET: fwsched has taken back the jobs in
	 * flight whose hardware fences had not signalled: it removed its
	 * callbacks and dropped its references to those fences.  Reset the
	 * ring so that the firmware no longer touches them, and signal those
	 * stale hardware fences (e.g. with -ECANCELED): others may hold
	 * them, and every fence must signal.  After this returns fwsched
	 * calls run_job again for each of them, in order, and run_job must
	 * return a new hardware fence: allocate two per job in the driver's
	 * job init (as the mock firmware in tests/ does) or embed a fence
	 * that can be re-initialised only once nobody else holds it, since
	 * run_job may not allocate with GFP_KERNEL.  The guilty job, given an
	 * error with fwsched_job_set_error() in timed_out, is not run again
	 * (see @cancel_job).  Optional.
	 */
	void (*reset)(struct fwsched_queue *queue);

	/**
	 * @set_deadline: dma_fence_set_deadline() was called on the finished
	 * fence of @job, or of a job that depends on it.  Called from the
	 * queue's work item; fwsched passes the deadline on to the job's
	 * unsignalled dependencies and its hardware fence itself.  Optional.
	 */
	void (*set_deadline)(struct fwsched_job *job, ktime_t deadline);

	/**
	 * @prepare: @job is next: it is at the head of the queue, its
	 * dependencies have signalled and its credits fit in the ring.
	 * Return NULL if it may run, or a fence (fwsched takes over the
	 * reference) that must signal first: a resource the driver learns
	 * only now that the job needs, held by another job.  fwsched waits
	 * for the fence as for a dependency (a callback, no polling; a
	 * deadline on the job is passed on to it; stop, reset and destroy
	 * treat it like a pending dependency) and then calls prepare again,
	 * until it returns NULL; after that, never again for this job.  An
	 * ERR_PTR, or a fence that signals with an error, fails the job with
	 * that error (cancel_job, then free_job).  Called before the queue
	 * asks its slot pool for a slot, so a queue never holds a firmware
	 * slot while it waits for a prepare fence.  Never called for a job
	 * whose dependency failed; a job that prepare let go may still be
	 * cancelled by a destroy or ban that races with it, and cancel_job
	 * then undoes what prepare reserved.  On the signalling path, from
	 * the queue's work: no GFP_KERNEL, no fence wait, and no sleep on
	 * the runners (see "DOC: callback rules").  A queue with prepare
	 * has no direct run.  Optional.
	 */
	struct dma_fence *(*prepare)(struct fwsched_job *job);

	/**
	 * @update_credits: @job is at the head of the queue and its
	 * dependencies have signalled: return the credits it needs now, at
	 * least 1 and at most what it had (drm_sched's update_job_credits:
	 * fewer firmware wait commands once dependencies are done).  Called
	 * each time the job is considered, before the credit check and
	 * before @prepare, until @prepare lets it go or it runs.  A value of 0 or above the job's
	 * current credits is a driver bug: the job fails with -EINVAL.
	 * Same context as @prepare.  A queue with update_credits has no
	 * direct run.  Optional.
	 */
	u32 (*update_credits)(struct fwsched_job *job);
};

/**
 * enum fwsched_exec - where a queue's work runs; see "DOC: execution modes"
 * @FWSCHED_EXEC_RUNNERS: fwsched's per-CPU runners; callbacks must not
 *	sleep.  The default: a queue given &fwsched_queue_args.wq or
 *	&fwsched_queue_args.worker without a mode takes %FWSCHED_EXEC_WORK or
 *	%FWSCHED_EXEC_KTHREAD.
 * @FWSCHED_EXEC_WORK: a work item of the queue's own, on the driver's
 *	workqueue or fwsched's; callbacks may sleep
 * @FWSCHED_EXEC_KTHREAD: a kthread_work on the driver's kthread_worker or
 *	fwsched's worker of the queue's priority; callbacks may sleep
 * @FWSCHED_EXEC_COUNT: number of modes
 */
enum fwsched_exec {
	FWSCHED_EXEC_RUNNERS,
	FWSCHED_EXEC_WORK,
	FWSCHED_EXEC_KTHREAD,
	FWSCHED_EXEC_COUNT,
};

struct kthread_worker;

/**
 * struct fwsched_queue_args - how to create a queue
 * @ops: the driver's callbacks; must outlive the queue
 * @name: timeline name of the finished fences; copied; 1 to 63 bytes
 * @driver_name: driver name of the finished fences; copied; 1 to 63 bytes
 * @exec: &enum fwsched_exec, where the queue's work runs and whether its
 *	callbacks may sleep; see "DOC: execution modes"
 * @wq: %FWSCHED_EXEC_WORK: the driver's workqueue for the queue's work
 *	item, or NULL for fwsched's.  It must be WQ_MEM_RECLAIM and outlive
 *	the queue.  The create checks the flag by running one item on @wq
 *	and waiting for it: not from a work item of an ordered @wq, nor
 *	holding a lock that a work item of @wq takes (lockdep reports it).
 *	A @wq without @exec means %FWSCHED_EXEC_WORK.
 * @worker: %FWSCHED_EXEC_KTHREAD: the driver's kthread_worker, or NULL for
 *	fwsched's worker of @priority.  It must outlive the queue.  A @worker
 *	without @exec means %FWSCHED_EXEC_KTHREAD.
 * @defer_free: call &fwsched_queue_ops.free_job and
 *	&fwsched_queue_ops.cancel_job off the fence-signalling path, from a
 *	work item of fwsched's, once fwsched is done with the job; see
 *	"DOC: execution modes"
 * @credit_limit: ring size in credits; at least 1 (any u32: credit
 *	arithmetic cannot wrap)
 * @priority: initial &enum fwsched_priority
 * @pool: the device's firmware slots, or NULL if the queue needs none; see
 *	&struct fwsched_slot_pool.  Must outlive the queue.
 * @group: NULL, or the &struct fwsched_group the queue shares a slot with
 *	(its pool is the queue's; @pool is then NULL or the same).  Must
 *	outlive the queue.  The group's priority counts, not @priority, and
 *	fwsched_queue_set_priority() refuses.
 * @timeout_ms: hardware time a job may take before
 *	&fwsched_queue_ops.timed_out is called; 0 for no timeout
 * @stats: keep busy time for fwsched_queue_stats() (two clock reads per
 *	busy period); jobs completed are counted always
 * @direct_run: fwsched_job_push() may call run_job itself when nothing is
 *	ahead of the job and its dependencies have signalled; see "Direct
 *	run" in the queue documentation.  Not with a slot pool, nor with
 *	&fwsched_queue_ops.prepare or &fwsched_queue_ops.update_credits.
 * @fw_scope: NULL, or what the queues share whose firmware can wait for
 *	each other's jobs (the device, say).  A dependency on a finished
 *	fence of another queue with the same @fw_scope is then handed to the
 *	firmware once its job has been given to the hardware (its run_job
 *	returned a hardware fence), not waited for on the CPU; run_job finds
 *	it with fwsched_job_fw_dep().  Not for a fence of a queue whose slot
 *	pool can preempt (&fwsched_slot_pool_args.preempt), unless the
 *	waiter is that queue's group: its jobs in flight may lose their
 *	slot, and the waiter, holding a slot while the firmware waits, may
 *	be the one it waits for.  Such a dependency is waited for on the
 *	CPU.  See "Waits the firmware resolves" in the queue documentation.
 * @priv: driver data, returned by fwsched_queue_priv()
 */
struct fwsched_queue_args {
	const struct fwsched_queue_ops *ops;
	const char *name;
	const char *driver_name;
	enum fwsched_exec exec;
	struct workqueue_struct *wq;
	struct kthread_worker *worker;
	bool defer_free;
	u32 credit_limit;
	enum fwsched_priority priority;
	struct fwsched_slot_pool *pool;
	struct fwsched_group *group;
	unsigned int timeout_ms;
	bool stats;
	bool direct_run;
	const void *fw_scope;
	void *priv;
};

/**
 * struct fwsched_queue_stats - what a driver prints in fdinfo
 * @jobs_completed: jobs whose finished fence signalled after they ran
 * @busy_ns: time with at least one job in flight, if the queue was created
 *	with &fwsched_queue_args.stats (e.g. ``drm-engine-<ring>: <ns> ns``)
 * @pending: jobs pushed and not yet run
 * @in_flight: jobs given to run_job and not yet completed
 */
struct fwsched_queue_stats {
	u64 jobs_completed;
	u64 busy_ns;
	u32 pending;
	u32 in_flight;
};

/**
 * struct fwsched_job - a unit of work for one queue
 *
 * Embed it in the driver's job.  Lifetime: from fwsched_job_init() until
 * &fwsched_queue_ops.free_job (or fwsched_job_cleanup() if never pushed);
 * it holds a reference on @queue all that time.  Fields are private to
 * fwsched.  Each says who may touch it:
 *
 * - [D] the driver, until fwsched_job_push();
 * - [R] the holder of the queue's run right (the work item, a direct push,
 *   the timeout handler or destroy: see fwsched_queue_own());
 * - [L] the queue's @lock;
 * - [C] constant after fwsched_job_init();
 * - [A] atomic, any context.
 */
struct fwsched_job {
	/** @queue: [C] */
	struct fwsched_queue *queue;
	/** @finished: [C] the job's fence; the job holds one reference. */
	struct fwsched_fence *finished;
	/** @deps: [C] room for @max_deps fences, in @finished's allocation. */
	struct dma_fence **deps;
	/** @link: [L] in &fwsched_queue.pending or .in_flight. */
	struct list_head link;
	/** @done_node: [A] in &fwsched_queue.done (llist). */
	struct llist_node done_node;
	/**
	 * @cb: [R] waits for a dependency, then the prepare fence, then the
	 * hardware fence.
	 */
	struct dma_fence_cb cb;
	/** @hw_fence: [R] what run_job returned, until the job is freed. */
	struct dma_fence *hw_fence;
	/** @prepare_fence: [R] what prepare returned, until it signalled. */
	struct dma_fence *prepare_fence;
	/**
	 * @credits: [R] while pending (&fwsched_queue_ops.update_credits
	 * only lowers it), constant once in flight.
	 */
	u32 credits;
	/** @max_deps: [C] */
	u16 max_deps;
	/** @num_deps: [D] dependencies added. */
	u16 num_deps;
	/** @next_dep: [D], then [R]: first dependency not yet dropped. */
	u16 next_dep;
	/**
	 * @num_fw_deps: [R] dependencies handed to the firmware, kept in
	 * deps[0] to deps[@num_fw_deps - 1] until the job is freed.
	 */
	u16 num_fw_deps;
	/**
	 * @dep_armed: [R] @cb is installed on deps[@next_dep], or on
	 * @prepare_fence if there is one.
	 */
	bool dep_armed;
	/** @prepared: [R] &fwsched_queue_ops.prepare returned NULL. */
	bool prepared;
	/**
	 * @fw_wait_on: [R] while deps[@next_dep] may be handed to the
	 * firmware: the queue of its job, referenced, on whose
	 * &fwsched_queue.fw_waiters @fw_wait_link is (that queue's lock).
	 */
	struct fwsched_queue *fw_wait_on;
	/** @fw_wait_link: see @fw_wait_on. */
	struct list_head fw_wait_link;
	/** @state: [D] until armed, then [L]: FWSCHED_JOB_*, private. */
	u8 state;
	/**
	 * @cancel_error: [R] the error cancel_job is to be called with when
	 * free_job is deferred (&fwsched_queue_args.defer_free); 0 for a job
	 * that is not cancelled.
	 */
	int cancel_error;
	/**
	 * @error: [A] first error seen (a failed dependency, the hardware,
	 * fwsched_job_set_error()); set once with cmpxchg.
	 */
	int error;
};

struct fwsched_queue *fwsched_queue_create(const struct fwsched_queue_args *args);
void fwsched_queue_destroy(struct fwsched_queue *queue);
void fwsched_queue_destroy_async(struct fwsched_queue *queue);
void fwsched_queue_destroy_flush(void);
void fwsched_queue_stop(struct fwsched_queue *queue);
void fwsched_queue_start(struct fwsched_queue *queue);
struct fwsched_queue *fwsched_queue_get(struct fwsched_queue *queue);
void fwsched_queue_put(struct fwsched_queue *queue);
int fwsched_queue_set_priority(struct fwsched_queue *queue,
			       enum fwsched_priority priority);
enum fwsched_priority fwsched_queue_priority(struct fwsched_queue *queue);
void fwsched_queue_stats(struct fwsched_queue *queue,
			 struct fwsched_queue_stats *stats);
struct seq_buf;
void fwsched_queue_print(struct fwsched_queue *queue, struct seq_buf *s);
void fwsched_queue_trigger_timeout(struct fwsched_queue *queue);
void fwsched_queue_suspend_timeout(struct fwsched_queue *queue);
void fwsched_queue_resume_timeout(struct fwsched_queue *queue);

void *fwsched_queue_priv(const struct fwsched_queue *queue);
u64 fwsched_queue_context(const struct fwsched_queue *queue);

int fwsched_job_init(struct fwsched_job *job, struct fwsched_queue *queue,
		     u32 credits, unsigned int max_deps);
void fwsched_job_cleanup(struct fwsched_job *job);
int fwsched_job_add_dependency(struct fwsched_job *job, struct dma_fence *fence);
int fwsched_job_add_resv_dependencies(struct fwsched_job *job,
				      struct dma_resv *resv,
				      enum dma_resv_usage usage);
void fwsched_job_arm(struct fwsched_job *job);
int fwsched_job_push(struct fwsched_job *job);
void fwsched_job_set_error(struct fwsched_job *job, int error);

/**
 * fwsched_job_finished() - the job's finished fence
 * @job: an armed or pushed job, or one in a callback
 *
 * Borrowed: take a reference with dma_fence_get() to keep it, and take it
 * before fwsched_job_push(): once pushed, the job may complete and be freed
 * at any moment (with direct run, before the push returns), and its
 * finished fence with it unless someone holds a reference.  Before
 * fwsched_job_arm() or fwsched_job_push() the fence is not initialised yet:
 * that is a driver bug, and warns.
 *
 * Return: the finished fence.
 */
static inline struct dma_fence *fwsched_job_finished(struct fwsched_job *job)
{
	WARN_ON_ONCE(!dma_fence_was_initialized(&job->finished->base));
	return &job->finished->base;
}

/**
 * fwsched_job_fw_dep() - a dependency the firmware is to wait for
 * @job: the job, in &fwsched_queue_ops.run_job (or later, until freed)
 * @i: 0, 1, ... for as long as this returns a fence
 *
 * The finished fences of other queues of the same
 * &fwsched_queue_args.fw_scope that @job depends on and that had not
 * signalled when @job became ready: each one's job had been given to the
 * hardware (its run_job had returned) before @job's run_job is called, so
 * the firmware can wait for it.  run_job encodes a wait for each in the
 * ring, typically for the fence's seqno on the firmware object of the
 * queue whose fwsched_queue_context() is the fence's context.  Any of
 * them may signal meanwhile; waiting for it then costs the firmware
 * nothing.  fwsched holds a reference on each until @job is freed.
 *
 * Return: the @i-th such fence (borrowed), or NULL past the last.
 */
static inline struct dma_fence *fwsched_job_fw_dep(const struct fwsched_job *job,
						   unsigned int i)
{
	return i < job->num_fw_deps ? job->deps[i] : NULL;
}

#endif /* _FWSCHED_QUEUE_H_ */
