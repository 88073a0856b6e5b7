/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwsched internals shared between its source files; not for drivers.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#ifndef _FWSCHED_INTERNAL_H_
#define _FWSCHED_INTERNAL_H_

#include <linux/dma-fence.h>
#include <linux/fault-inject.h>
#include <linux/kref.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/lockdep.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <fwsched/fence.h>
#include <fwsched/queue.h>
#include <fwsched/slot.h>

/*
 * The objects behind the public handles.  Drivers see only pointers to
 * them and use the accessors; the compiler enforces it.  Tests that must
 * look inside include this file.
 */

/**
 * struct fwsched_timeline - owner of a stream of fwsched fences
 *
 * Lifetime: created by fwsched_timeline_create() with one reference that
 * belongs to the creator and is given up by fwsched_timeline_destroy().
 * Every armed, unsignalled fence holds one more.  Freed after an RCU grace
 * period (call_rcu()) when the last reference goes.  All fields are private to fwsched.
 */
struct fwsched_timeline {
	/** @ref: creator's reference plus one per unsignalled fence. */
	struct kref ref;
	/**
	 * @lock: protects @pending, @next_seqno, @signalling, @dead and
	 * the state of every fence on @pending.  Taken irqsave: fences may
	 * be signalled from hard interrupts.  Never held across
	 * dma_fence_signal(), so fence callbacks may re-enter fwsched.
	 */
	spinlock_t lock;
	/** @pending: armed, unsignalled fences in seqno order; @lock. */
	struct list_head pending;
	/** @context: dma_fence context; constant. */
	u64 context;
	/** @next_seqno: seqno of the next fence armed; @lock. */
	u64 next_seqno;
	/** @signalling: a caller is draining @pending; @lock. */
	bool signalling;
	/** @dead: fwsched_timeline_destroy() was called; @lock. */
	bool dead;
	/**
	 * @fw_scope: &fwsched_queue_args.fw_scope of the queue that owns
	 * the timeline, NULL for other timelines; set before the first
	 * fence is armed, then constant.
	 */
	const void *fw_scope;
	/**
	 * @fw_holder: the slot holder whose preemption can take the owning
	 * queue's jobs in flight off the hardware (its pool preempts), else
	 * NULL; set with @fw_scope, then constant.  Only a queue of the same
	 * holder may hand a wait for those jobs to the firmware: see
	 * &fwsched_queue_args.fw_scope.  An identity, never dereferenced.
	 */
	const void *fw_holder;
	/** @rcu: frees the timeline after readers of its names are gone. */
	struct rcu_head rcu;
	/** @driver_name: points into @names; constant. */
	const char *driver_name;
	/** @names: the timeline name, NUL, the driver name, NUL. */
	char names[];
};

/**
 * struct fwsched_slot_holder - what waits for and holds one firmware slot
 *
 * A slot group's (&struct fwsched_group), or, for a queue created without a
 * group, the queue's own (a group of one, embedded in its
 * &struct fwsched_slot_ref), so that waiting for and holding a slot
 * allocate nothing.  Lifetime: the group's or the queue's.
 *
 * Locking: the pool lock protects every field but the constant ones;
 * @members also under @members_lock (both are taken to change it), so that
 * the timeout clocks of the members can be paused outside the pool lock.
 * Lock order: @members_lock, then a member queue's lock, then the pool lock.
 */
struct fwsched_slot_holder {
	/** @pool: constant. */
	struct fwsched_slot_pool *pool;
	/** @group: constant; NULL for a queue's own holder. */
	struct fwsched_group *group;
	/** @queue: constant; the queue of its own holder, NULL for a group's. */
	struct fwsched_queue *queue;
	/** @id: constant; in tracepoints (a queue's own: its fence context). */
	u64 id;
	/** @link: in the pool's FIFO of @prio while waiting, else holders. */
	struct list_head link;
	/** @members_lock: see Locking. */
	spinlock_t members_lock;
	/** @members: the &fwsched_slot_ref.member of each member queue. */
	struct list_head members;
	/** @nr_members: queues on @members. */
	unsigned int nr_members;
	/** @nr_busy: members with jobs in flight (&fwsched_slot_ref.busy). */
	unsigned int nr_busy;
	/** @nr_wants: members that want the slot (&fwsched_slot_ref.wants). */
	unsigned int nr_wants;
	/** @nr_asked: members whose ready job was refused a slot. */
	unsigned int nr_asked;
	/**
	 * @nr_running: members whose work item was let run on the slot and
	 * has not ended its run (&fwsched_slot_ref.running): the holder is
	 * not preempted under them.
	 */
	unsigned int nr_running;
	/** @state: FWSCHED_SLOT_* (slot.c). */
	u8 state;
	/** @prio: the level the pool counts the holder at. */
	u8 prio;
	/** @next_prio: its level; becomes @prio at the next release. */
	u8 next_prio;
	/** @yield: asked to give the slot back. */
	bool yield;
	/** @idle: holding with no job in flight. */
	bool idle;
	/** @bound: bind was called for @slot (and unbind not yet). */
	bool bound;
	/** @binding: a member's work item is calling bind. */
	bool binding;
	/** @unbinding: a member's work item is calling unbind. */
	bool unbinding;
	/**
	 * @aged: the aging rule gave it the slot: a waiter of a higher level
	 * does not evict it before its turn (quantum or slice) is over.
	 */
	bool aged;
	/** @passed: grants this head-of-FIFO waiter could have taken. */
	u16 passed;
	/** @slot: the slot held, or -1. */
	int slot;
	/** @nr_spent: members refused this grant for their quantum. */
	unsigned int nr_spent;
	/** @wait_grants: pool grant count when the wait began. */
	u64 wait_grants;
	/**
	 * @slice_used: time slice used in this grant, in ns, up to
	 * @slice_mark: residency, counted as the job timeouts count, while
	 * @slice_on (held, bound, a member with a job in flight).
	 */
	u64 slice_used;
	/** @slice_mark: when @slice_used was last brought up to date. */
	ktime_t slice_mark;
	/** @slice_on: the slice runs. */
	bool slice_on;
	/** @preempt_fence: from the preempt callback, until it signals. */
	struct dma_fence *preempt_fence;
	/** @preempt_cb: on @preempt_fence. */
	struct dma_fence_cb preempt_cb;
	/** @stats: counters. */
	struct fwsched_slot_stats stats;
};

/**
 * struct fwsched_slot_ref - a queue's side of its slot pool
 *
 * Embedded in &struct fwsched_queue.  @pool and @holder are constant,
 * @runs is the queue's work item's (also for a queue without a pool: one
 * increment per job, no branch); the rest is protected by the pool lock.
 * A queue with a pool and no group has a holder of its own, allocated with
 * the queue and freed with it (fwsched_queue_release()): queues without a
 * pool do not carry one.
 */
struct fwsched_slot_ref {
	/** @pool: NULL if the queue has no slot pool. */
	struct fwsched_slot_pool *pool;
	/** @holder: its own (&fwsched_slot_holder.queue), or its group's. */
	struct fwsched_slot_holder *holder;
	/**
	 * @own: constant; @holder is the queue's own.  Release looks at this,
	 * not at @holder: a group may be gone before its members' memory.
	 */
	bool own;
	/** @member: in &fwsched_slot_holder.members. */
	struct list_head member;
	/** @busy: the queue has jobs in flight, as its work item last saw. */
	bool busy;
	/**
	 * @wants: its work item's last run asked for the slot for a ready job
	 * (jobs pending behind a dependency do not count).
	 */
	bool wants;
	/**
	 * @asked: its ready job was refused a slot, in its work item's
	 * current or last run.
	 */
	bool asked;
	/** @tried: its work item's current run asked for the slot. */
	bool tried;
	/**
	 * @running: its work item's current run was let run a job on the
	 * slot; until the run ends (fwsched_slot_update()) or the queue
	 * leaves (fwsched_slot_detach()).
	 */
	bool running;
	/**
	 * @epoch: the holder's &fwsched_slot_stats.grants when @runs and
	 * @spent began counting: a member's quantum is per grant.
	 */
	u64 epoch;
	/** @spent: refused in @epoch for its quantum. */
	bool spent;
	/** @runs: jobs run in @epoch; its work item's, after run_job. */
	u32 runs;
};

struct fwsched_queue_freer;

/**
 * struct fwsched_queue - one firmware ring
 *
 * Lifetime: created by fwsched_queue_create() with one reference for the
 * creator.  fwsched_queue_destroy() tears it down (every job is finished or
 * cancelled and freed, no callback runs afterwards) and drops that
 * reference; fwsched_queue_get()/fwsched_queue_put() let others keep the
 * memory (not the queue's function) alive.  Every initialised job holds a
 * reference until it is freed.  Finished fences hold references on
 * @timeline only, never on the queue.
 *
 * The run right (@running) is held by whoever may call run_job, look at a
 * job for a deadline, or free a pushed job that never completed: the work
 * item, a direct push, the timeout handler (with the work item disabled),
 * destroy (from its cancel pass to its end).  Take it with
 * fwsched_queue_own(), give it back with fwsched_queue_disown().
 *
 * Field rules, as in kernel/workqueue.c:
 *
 * - C: constant after fwsched_queue_create().
 * - L: @lock, a plain spinlock, never taken in a fence callback or irq.
 * - R: the holder of the run right (the head of @pending in particular).
 * - W: the queue's work (its work item, or a runner: one at a time), or
 *   destroy once it is disabled.
 * - P: the slot pool's lock (see &struct fwsched_slot_ref).
 * - A: atomic or lock-free, any context.
 * - M: fwsched's debug mutex (debug.c).
 */
struct fwsched_queue {
	/** @ref: A. See Lifetime. */
	struct kref ref;
	/** @ops: C. */
	const struct fwsched_queue_ops *ops;
	/** @timeline: C. Issues the finished fences. */
	struct fwsched_timeline *timeline;
	/** @exec: C. &enum fwsched_exec: where the queue's work runs (exec.c). */
	u8 exec;
	/**
	 * @defer_free: C. &fwsched_queue_args.defer_free: free_job and
	 * cancel_job run from @freer.
	 */
	bool defer_free;
	/* What one mode needs and the others do not, so that none pays for all. */
	union {
		/* %FWSCHED_EXEC_WORK */
		struct {
			/** @wq: C. The workqueue of @work: the driver's or fwsched's. */
			struct workqueue_struct *wq;
			/** @work: A. Runs fwsched_queue_pass() on @wq. */
			struct work_struct work;
		};
		/* %FWSCHED_EXEC_KTHREAD */
		struct {
			/** @kworker: C. The worker of @kwork. */
			struct kthread_worker *kworker;
			/** @kwork: A. Runs fwsched_queue_pass() on @kworker. */
			struct kthread_work kwork;
			/** @kick_lock: orders @kick_off against queueing @kwork. */
			raw_spinlock_t kick_lock;
			/** @kick_off: @kick_lock. Kicks are off. */
			bool kick_off;
		};
	};
	/**
	 * @freer: C. With @defer_free, the queue's deferred frees (queue.c),
	 * allocated with the queue; else NULL.
	 */
	struct fwsched_queue_freer *freer;
	/** @kick: A. On the runners: KICK_* (runner.c), the work's state. */
	atomic_t kick;
	/** @kick_node: A. On a runner's list while KICK_PENDING. */
	struct llist_node kick_node;
	/** @kick_passes: A; written by the runner running it. Passes run. */
	u32 kick_passes;
#ifdef CONFIG_LOCKDEP
	/** @in_pass: A. Debug kernels: fwsched_queue_pass() is running. */
	atomic_t in_pass;
#endif
	/** @destroy_work: A. fwsched_queue_destroy_async(). */
	struct work_struct destroy_work;
	/** @priv: C. */
	void *priv;

	/** @lock: protects the L fields. */
	spinlock_t lock;
	/** @state: L. &enum fwsched_queue_state. */
	enum fwsched_queue_state state;
	/** @pending: L, head R. Pushed jobs not yet run, in seqno order. */
	struct list_head pending;
	/** @in_flight: L. Jobs given to run_job, in order. */
	struct list_head in_flight;
	/** @credit_limit: C. */
	u32 credit_limit;
	/** @direct: C. &fwsched_queue_args.direct_run. */
	bool direct;
	/** @fw_scope: C. &fwsched_queue_args.fw_scope. */
	const void *fw_scope;
	/**
	 * @fw_waiters: L. Head jobs of other queues waiting for one of our
	 * jobs to be given to the hardware (&fwsched_job.fw_wait_link);
	 * their queues' work items are queued at every such run.
	 */
	struct list_head fw_waiters;
	/**
	 * @gated: C. The head job waits for more than its dependencies: a
	 * slot pool, &fwsched_queue_ops.prepare or .update_credits.  One
	 * test per job, so that queues without them pay nothing.
	 */
	bool gated;
	/** @running: L. The run right is held. */
	bool running;
	/** @run_waiters: L. Someone waits for @running to change. */
	bool run_waiters;
	/** @credits: L. Credits of the jobs in @in_flight. */
	u32 credits;
	/** @priority: L. &enum fwsched_priority. */
	enum fwsched_priority priority;
	/** @priority_changed: L. The work item has to apply @priority. */
	bool priority_changed;
	/** @slot: P (see there). The queue's slot state. */
	struct fwsched_slot_ref slot;

	/** @timeout: C. The timeout in ns, 0 for none. */
	u64 timeout;
	/** @timeout_work: A. Fires when the oldest job in flight ran out of time. */
	struct delayed_work timeout_work;
	/** @timeout_left: L. Hardware time the oldest job in flight has left. */
	s64 timeout_left;
	/** @timeout_since: L. When @timeout_left last started to run down. */
	ktime_t timeout_since;
	/** @timeout_pause: L. FWSCHED_TIMEOUT_PAUSE_* reasons not to count. */
	u8 timeout_pause;
	/** @timeout_counting: L. @timeout_left is running down. */
	bool timeout_counting;
	/** @timeout_now: A. fwsched_queue_trigger_timeout() was called. */
	atomic_t timeout_now;
	/** @deadlines: A; emptied by R. Finished fences with a new deadline. */
	struct llist_head deadlines;

	/** @stats_on: C. &fwsched_queue_args.stats. */
	bool stats_on;
	/** @jobs_completed: L. See &struct fwsched_queue_stats. */
	u64 jobs_completed;
	/** @busy_ns: L. Closed busy periods. */
	u64 busy_ns;
	/** @busy_since: L. Start of the open busy period. */
	ktime_t busy_since;
	/** @debug_link: M. In fwsched's list of queues. */
	struct list_head debug_link;

	/** @done: A; emptied by W. Jobs whose hardware fence signalled. */
	struct llist_head done;
	/**
	 * @callbacks: A. Hardware-fence callbacks installed and not yet
	 * finished.  Destroy waits for zero, so that no callback still
	 * touches the queue when it is gone.
	 */
	atomic_t callbacks;
};

/* fence.c */
struct fwsched_fence *fwsched_fence_alloc_extra(size_t extra, gfp_t gfp);
void __fwsched_fence_arm(struct fwsched_fence *fence, struct fwsched_timeline *tl,
			 const struct dma_fence_ops *ops, bool finished);
const char *fwsched_fence_get_driver_name(struct dma_fence *f);
const char *fwsched_fence_get_timeline_name(struct dma_fence *f);
int fwsched_fence_init(void);

/* &fwsched_job.state */
enum {
	FWSCHED_JOB_INIT,	/* initialised, dependencies may be added */
	FWSCHED_JOB_ARMED,	/* finished fence has its seqno */
	FWSCHED_JOB_PENDING,	/* pushed, on &fwsched_queue.pending */
	FWSCHED_JOB_INFLIGHT,	/* given to run_job, on .in_flight */
	FWSCHED_JOB_DONE,	/* finished or cancelled, about to be freed */
};

/*
 * A job's one allocation: its finished fence, what a deadline needs, and
 * room for its dependencies.  The fence is first (the dma-fence core frees
 * the whole allocation through it), so all of this lives as long as the
 * fence, which may be longer than the job.
 */
struct fwsched_finished {
	/** @fence: the job's finished fence. */
	struct fwsched_fence fence;
	/** @job: the job, NULL once it is freed; fence lock. */
	struct fwsched_job *job;
	/** @deadline: earliest deadline asked for; fence lock. */
	ktime_t deadline;
	/** @deadline_node: in &fwsched_queue.deadlines while @queued. */
	struct llist_node deadline_node;
	/** @queued: on &fwsched_queue.deadlines; fence lock. */
	bool queued;
	/**
	 * @submitted: the job's run_job returned a hardware fence: a
	 * dependent of a queue of the same &fwsched_queue.fw_scope may be
	 * handed to the firmware.  Set once (smp_store_release()) by the
	 * holder of the run right, before it wakes &fwsched_queue.fw_waiters.
	 */
	bool submitted;
	/**
	 * @pushed: the job is on its queue (set once by the push, under the
	 * queue lock).  Until then a deadline is only recorded: the push
	 * queues it.  See fwsched_finished_set_deadline().
	 */
	bool pushed;
	/** @deps: the job's dependencies; the queue's work item's. */
	struct dma_fence *deps[];
};

static inline struct fwsched_finished *to_finished(struct fwsched_fence *f)
{
	return container_of(f, struct fwsched_finished, fence);
}

/* queue.c: the run right, the ring and jobs, for timeout.c and deadline.c. */
void fwsched_queue_pass(struct fwsched_queue *q);
bool fwsched_queue_own(struct fwsched_queue *q);
bool fwsched_queue_own_or_wait(struct fwsched_queue *q);
void fwsched_queue_disown(struct fwsched_queue *q, bool kick)
	__releases(&q->lock);
void fwsched_job_leave_ring(struct fwsched_job *job, bool completed);
void fwsched_queue_cancel_list(struct list_head *list, int error);
void fwsched_job_note_error(struct fwsched_job *job, int error);

/* deadline.c: finished fences and their deadlines. */
extern const struct dma_fence_ops fwsched_finished_ops;
void fwsched_job_forget(struct fwsched_job *job);
void fwsched_job_publish(struct fwsched_job *job);
void fwsched_queue_deadlines(struct fwsched_queue *q);
void fwsched_queue_deadlines_drop(struct fwsched_queue *q);
ktime_t fwsched_job_deadline(struct fwsched_job *job);

/* timeout.c: the job timeout. */
void fwsched_queue_timeout_update(struct fwsched_queue *q, bool new_head);
void fwsched_queue_timeout_work(struct work_struct *work);
/* timeout.c: the job timeout stops counting while one of these holds. */
#define FWSCHED_TIMEOUT_PAUSE_SLOT		BIT(0)	/* no firmware slot bound */
#define FWSCHED_TIMEOUT_PAUSE_DRIVER	BIT(1)	/* fwsched_queue_suspend_timeout() */
void fwsched_queue_timeout_pause(struct fwsched_queue *q, u8 reason, bool pause);

/* main.c: the lockdep map of the signalling path, primed against reclaim. */
#ifdef CONFIG_DEBUG_LOCK_ALLOC
extern struct lockdep_map fwsched_signalling_map;
#define fwsched_signalling_acquire() lock_map_acquire(&fwsched_signalling_map)
#define fwsched_signalling_release() lock_map_release(&fwsched_signalling_map)
#else
#define fwsched_signalling_acquire() do { } while (0)
#define fwsched_signalling_release() do { } while (0)
#endif

/*
 * The signalling path: the work item and every driver callback fwsched
 * makes that a fence waits for.  Both the dma-fence core's map and ours.
 */
static inline bool fwsched_signalling_begin(void)
{
	fwsched_signalling_acquire();
	return dma_fence_begin_signalling();
}

static inline void fwsched_signalling_end(bool cookie)
{
	dma_fence_end_signalling(cookie);
	fwsched_signalling_release();
}

/*
 * main.c: per-call-site fault injection.  Every allocation fwsched makes
 * asks first; a test fails the n-th one with current->fail_nth, or all of
 * them at random through debugfs fail_fwsched/.  Only fwsched's own sites
 * consume fail_nth (failslab ignores GFP_KERNEL by default), so kmemleak's
 * bookkeeping allocations are never the ones that fail.
 */
#ifdef CONFIG_FAULT_INJECTION
extern struct fault_attr fwsched_fail_alloc;
static inline bool fwsched_should_fail_alloc(size_t size)
{
	return should_fail(&fwsched_fail_alloc, size);
}
#else
static inline bool fwsched_should_fail_alloc(size_t size)
{
	return false;
}
#endif

/* slot.c: the queue's side of its slot pool; see there. */
struct fwsched_queue;
struct seq_buf;
void fwsched_slot_attach(struct fwsched_queue *q, struct fwsched_slot_pool *pool,
			 struct fwsched_group *group, struct fwsched_slot_holder *own,
			 enum fwsched_priority prio);
struct fwsched_slot_pool *fwsched_group_pool(struct fwsched_group *group);
bool fwsched_slot_pool_can_preempt_queue(struct fwsched_slot_pool *pool);
const void *fwsched_slot_fw_holder(struct fwsched_queue *q);
void fwsched_slot_quiesce(struct fwsched_queue *q);
void fwsched_slot_detach(struct fwsched_queue *q);
bool fwsched_slot_acquire(struct fwsched_queue *q);
void fwsched_slot_update(struct fwsched_queue *q, bool idle, bool more);
void fwsched_slot_print(struct fwsched_queue *q, struct seq_buf *s);
void fwsched_slot_set_prio(struct fwsched_queue *q, enum fwsched_priority prio);

/* exec.c and runner.c: where a queue's work runs. */
#define KICK_PENDING	BIT(0)	/* on a runner's list */
#define KICK_RUNNING	BIT(1)	/* a runner is running it */
#define KICK_RERUN	BIT(2)	/* kicked while running: run again */
#define KICK_OFF	BIT(3)	/* kicks are switched off */
#define KICK_WAITER	BIT(4)	/* someone waits for the runs to end */
#define KICK_PUT	BIT(5)	/* destroyed on a list: the runner puts it */
int fwsched_queue_kick_init(struct fwsched_queue *q, const struct fwsched_queue_args *args);
void fwsched_queue_kick(struct fwsched_queue *q);
void fwsched_queue_kick_flush(struct fwsched_queue *q);
void fwsched_queue_kick_disable(struct fwsched_queue *q);
void fwsched_queue_kick_enable(struct fwsched_queue *q);
void fwsched_queue_kick_put(struct fwsched_queue *q);
const char *fwsched_exec_name(const struct fwsched_queue *q);
void fwsched_runner_kick(struct fwsched_queue *q);
void fwsched_runner_flush(struct fwsched_queue *q);
void fwsched_runner_disable(struct fwsched_queue *q);
void fwsched_runner_enable(struct fwsched_queue *q);
bool fwsched_runner_put(struct fwsched_queue *q);
bool fwsched_runner_pending(struct fwsched_queue *q);
void fwsched_runner_stats(u64 *dispatches, u64 *passes);
int fwsched_runners_init(void);
void fwsched_runners_exit(void);

bool fwsched_queue_kick_pending(struct fwsched_queue *q);
int fwsched_workers_init(void);
void fwsched_workers_exit(void);

/* debug.c: the list of queues behind debugfs. */
void fwsched_debug_add(struct fwsched_queue *q);
void fwsched_debug_remove(struct fwsched_queue *q);
void fwsched_debugfs_init(void);
void fwsched_debugfs_exit(void);

/* main.c: fwsched's own workqueues (fwsched_wq runs the runners). */
extern struct workqueue_struct *fwsched_wq;
extern struct workqueue_struct *fwsched_destroy_wq;
extern struct workqueue_struct *fwsched_timeout_wq;
extern struct workqueue_struct *fwsched_work_wq;
extern struct workqueue_struct *fwsched_free_wq;

#endif /* _FWSCHED_INTERNAL_H_ */
