/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwsched slot pools: the firmware's fixed set of queue slots, by priority.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#ifndef _FWSCHED_SLOT_H_
#define _FWSCHED_SLOT_H_

#include <linux/dma-fence.h>
#include <linux/list.h>
#include <linux/types.h>

/**
 * DOC: fwsched slot pools
 *
 * Firmware schedulers run a queue only while it is bound to one of a fixed
 * number of firmware slots (CSG slots on Mali CSF, contexts on GuC, queue
 * slots on AGX).  A &struct fwsched_slot_pool is that set of slots for one
 * device.  A queue created with &fwsched_queue_args.pool holds a slot before
 * any of its jobs runs: its work item acquires one when its first job is
 * ready, calls &fwsched_slot_ops.bind, and only then calls run_job.
 *
 * Reservation.  The driver reserves, per priority level p, r_p slots that
 * only queues of priority p or higher may take.  Queues below level p
 * together never hold more than ``N - (r_p + r_p+1 + ...)`` slots, so a
 * queue of level p always finds its reservation free or held by queues of
 * level p or above.  Both rules (never more than N held; reserved capacity
 * never taken by a lower priority) are checked at every acquire and
 * release, with a warning if broken.
 *
 * Waiting.  A queue that finds no slot it may take joins the FIFO of its
 * level; fwsched never polls a slot.  Only a queue whose next job is ready
 * (its dependencies signalled, prepare done) asks: one whose next job
 * waits gives its slot back like an idle one, does not queue again, and
 * asks once the job can go.  What frees a slot is always a fence:
 * a holder gives its slot up in its work item once the hardware fences of
 * its jobs in flight have signalled, or, if the firmware can preempt, when
 * the fence &fwsched_slot_ops.preempt returned signals.  The slot is then
 * handed directly to the first eligible waiter, whose work item is queued;
 * no wakeup can be lost because the hand-off happens under the pool lock
 * that the waiter joined the FIFO under.
 *
 * Release policy (&fwsched_slot_pool_args.release):
 *
 * * %FWSCHED_SLOT_RELEASE_IDLE: a queue gives its slot back as soon as it
 *   has no job in flight.
 * * %FWSCHED_SLOT_RELEASE_ON_DEMAND: an idle queue keeps its slot (its
 *   firmware context stays resident) until a waiter needs one; then the
 *   idle holder of lowest priority is asked to give it up.
 *
 * Forward progress.  A holder's turn is &fwsched_slot_pool_args.quantum
 * jobs, or &fwsched_slot_pool_args.quantum_us of residency (its time slice:
 * time bound with a job in flight, as the job timeouts count it).  When a
 * turn is over and a waiter exists that may take the slot, the grant
 * decides among all that want the slot, the holder included, as if the
 * holder were queued at the tail of its FIFO.  If the holder would win, its
 * turn is renewed in place: a grant without a release, in which the
 * waiters that could have taken the slot are passed over.  Otherwise it
 * yields: it stops running new jobs, lets its jobs in flight complete or is
 * preempted, releases, and queues again at the tail of its FIFO before the
 * slot is handed on.  A slice ends even while no job of the holder
 * completes: the pool arms a timer for the earliest slice end among the
 * holders a waiter could displace, whenever such a slice starts or such a
 * waiter comes.  A holder's jobs may run long; a quantum of jobs cannot
 * rotate them, a slice can.
 *
 * Grants go to the highest level first, FIFO within a level.  A waiter at
 * the head of its FIFO that has been passed over %FWSCHED_SLOT_AGE_LIMIT
 * times by grants or renewals it could have taken is served before every
 * other level.
 * A waiter of a higher level than some holder does not wait for the turn to
 * end: the lowest such holder is asked to yield at once (evicted; mid-job
 * only if the pool was created with &fwsched_slot_pool_args.preempt).  The
 * exception is a holder the aging rule served: it keeps its slot for one
 * whole turn, or a lower level would be bound only to be evicted at once.
 *
 * The share of each level follows.  On one slot that every busy holder may
 * take, each busy level below the highest gets one turn in
 * (%FWSCHED_SLOT_AGE_LIMIT + 1), and the highest busy level gets the rest.
 * With two busy levels that is 4 turns in 5 for the higher one and 1 in 5
 * for the lower one.  With all four levels busy it is 2 turns in 5 for
 * %FWSCHED_PRIO_REALTIME and 1 in 5 for each other level.
 *
 * The starvation bound that follows: a waiter at the head of its FIFO is
 * granted a slot at the latest at the (%FWSCHED_SLOT_AGE_LIMIT + 1)-th
 * grant or renewal of a slot it may take.  While it waits, every holder of
 * such a slot ends its turn after at most quantum + credit_limit of its own
 * job completions, or after its time slice.  In job completions of the
 * holders it may displace, a waiter at the head of its FIFO therefore waits
 * at most ``(FWSCHED_SLOT_AGE_LIMIT + 1) * H * (quantum + credit_limit)``,
 * H being their number.  With time slices and preemption, it waits at most
 * ``(FWSCHED_SLOT_AGE_LIMIT + 1)`` slices of those holders, plus the time
 * each preemption takes.  A waiter k places back in its FIFO waits k such
 * periods more.
 *
 * Firmware-resolved waits.  A job of a queue with
 * &fwsched_queue_args.fw_scope may be handed to the firmware with a wait
 * for a job of another queue.  The waiter then holds its slot while the
 * firmware waits.  If the job waited for could lose its slot meanwhile
 * (its pool preempts), the waiter may hold the very slot that job needs to
 * finish.  fwsched therefore hands such a wait to the firmware only when
 * the job waited for keeps its slot until it completes: its queue has no
 * pool, its pool cannot preempt, or it is in the waiter's group.  Any other
 * such dependency is waited for on the CPU.
 *
 * Groups.  Where the firmware binds a group of queues to one slot (a CSG
 * of Mali CSF queues, a GuC multi-queue context, an AGX context with its
 * vertex, fragment and compute queues), the driver creates a &struct
 * fwsched_group on the pool and its queues with &fwsched_queue_args.group.
 * The group, not the queue, is then what waits for and holds a slot:
 * everything above (priority, reservation, FIFO position, aging, quantum,
 * eviction, preemption) works per group, and the group's callbacks
 * (&fwsched_slot_ops.bind_group, .unbind_group, .preempt_group) are called
 * instead of the queue ones, once per group, from the work item of one of
 * its members.  The group wants a slot as soon as one member has a job
 * ready; its members run jobs only while it holds a bound slot; it gives
 * the slot back only when no member has a job in flight (or by a
 * completed preemption).  Each member keeps its own ring, credits, order,
 * timeouts and finished fences.  The quantum is per member: a member
 * that has run quantum jobs in this grant runs no more while a waiter may
 * take the slot (the others use theirs), so no member of a group starves
 * another.  A queue created without a group is a group of one, with no
 * extra cost.  Members may be created and destroyed while the group holds
 * a slot; the group is destroyed after its last member.
 *
 * For a group of M members, the bound reads: while it waits, a holder
 * releases after at most M * quantum + C of its own job completions, C
 * being the sum of the credit limits of its members (the jobs in flight
 * when it is asked to yield).
 *
 * Allocation.  Every bit of waiter state is in the queue or the group
 * (&struct fwsched_slot_holder), allocated with it.  Acquire, release, hand-off,
 * preemption and priority changes allocate nothing and run on the
 * fence-signalling path.
 *
 * Locking.  The pool lock protects the counters, the free slots, the FIFOs
 * and the &struct fwsched_slot_ref of every attached queue.  It is taken
 * irqsave (a preempt fence may signal from an interrupt), is the innermost
 * fwsched lock (a queue's lock may be held when it is taken, never the
 * reverse) and is never held across a driver callback.
 */

/**
 * enum fwsched_priority - priority of a queue
 * @FWSCHED_PRIO_LOW: background work
 * @FWSCHED_PRIO_NORMAL: the default
 * @FWSCHED_PRIO_HIGH: interactive work
 * @FWSCHED_PRIO_REALTIME: compositors and other deadline-bound work
 * @FWSCHED_PRIO_COUNT: number of levels
 */
enum fwsched_priority {
	FWSCHED_PRIO_LOW,
	FWSCHED_PRIO_NORMAL,
	FWSCHED_PRIO_HIGH,
	FWSCHED_PRIO_REALTIME,
	FWSCHED_PRIO_COUNT,
};

/*
 * A waiter at the head of its FIFO passed over this many times by grants or
 * renewals it could have taken is served next, whatever its level.
 */
#define FWSCHED_SLOT_AGE_LIMIT 4

struct fwsched_group;
struct fwsched_queue;
struct fwsched_slot_pool;

/**
 * enum fwsched_slot_release - when an idle queue gives its slot back
 * @FWSCHED_SLOT_RELEASE_IDLE: as soon as it has no job in flight
 * @FWSCHED_SLOT_RELEASE_ON_DEMAND: when another queue needs a slot
 */
enum fwsched_slot_release {
	FWSCHED_SLOT_RELEASE_IDLE,
	FWSCHED_SLOT_RELEASE_ON_DEMAND,
};

/**
 * struct fwsched_slot_ops - what a driver provides for its slots
 *
 * All are called from the queue's work (or from the task destroying the
 * queue), without fwsched locks held, inside the fence-signalling path:
 * the rules of &struct fwsched_queue_ops apply ("DOC: callback rules": no
 * GFP_KERNEL, no locks held around reclaim; no sleep where the queue runs
 * on the runners).
 */
struct fwsched_slot_ops {
	/**
	 * @bind: @queue got firmware slot @slot; load its context.  Called
	 * before the first run_job on that slot.  Optional.
	 */
	void (*bind)(struct fwsched_queue *queue, unsigned int slot);
	/**
	 * @unbind: @queue gives @slot back; it has no job in flight.  Unload
	 * its context.  Not called after a preemption: the completed
	 * preemption (NULL from @preempt, or its fence signalled) is the
	 * slot's release, and the queue is bound again (@bind) before its
	 * jobs in flight can finish.  Optional.
	 */
	void (*unbind)(struct fwsched_queue *queue, unsigned int slot);
	/**
	 * @preempt: only for pools created with
	 * &fwsched_slot_pool_args.preempt: take @slot from @queue although
	 * jobs are in flight.  Return NULL if the slot is free on return, or
	 * a fence that signals when the firmware has saved the queue and
	 * left the slot (fwsched takes the reference).  The jobs stay in
	 * flight: their hardware fences signal after the queue has been
	 * bound again, the firmware going on where it stopped.  (A firmware
	 * that starts a preempted job again from its beginning never ends a
	 * job longer than the time slice: give such a pool no slice shorter
	 * than its longest job, or no preempt.)  An ERR_PTR means "cannot
	 * preempt now": the queue then drains its jobs in flight instead.
	 * The slot counts as held until the fence signals, also if the
	 * queue is destroyed meanwhile: fwsched_queue_destroy() waits for the
	 * fence before the slot goes to another queue (the firmware may
	 * still be saving the context).  The fence must signal, as every
	 * fence must.
	 */
	struct dma_fence *(*preempt)(struct fwsched_queue *queue,
				     unsigned int slot);
	/**
	 * @bind_group: @bind for a &struct fwsched_group: load the group's
	 * context.  Called once per grant, before the first run_job of any
	 * member on @slot.  Optional.
	 */
	void (*bind_group)(struct fwsched_group *group, unsigned int slot);
	/**
	 * @unbind_group: @unbind for a group: no member has a job in
	 * flight.  Optional.
	 */
	void (*unbind_group)(struct fwsched_group *group, unsigned int slot);
	/**
	 * @preempt_group: @preempt for a group: suspend the whole group,
	 * with the same return values and rules.  Needed by a pool created
	 * with &fwsched_slot_pool_args.preempt that has groups.
	 */
	struct dma_fence *(*preempt_group)(struct fwsched_group *group,
					   unsigned int slot);
};

/**
 * struct fwsched_slot_pool_args - how to create a slot pool
 * @ops: the driver's callbacks, or NULL; must outlive the pool
 * @nr_slots: number of firmware slots, 1 to 4096
 * @reserved: per &enum fwsched_priority level, slots only queues of that
 *	level or above may take; the sum must be below @nr_slots (the lowest
 *	level needs one slot to run at all).  @reserved[FWSCHED_PRIO_LOW] is
 *	meaningless and must be 0.
 * @release: &enum fwsched_slot_release
 * @quantum: jobs a holder may run before it yields to a waiter; 0 means 16,
 *	or no job limit if @quantum_us is set
 * @quantum_us: time slice: microseconds of residency (time bound with a
 *	job in flight, counted as the job timeouts count) a holder may use
 *	per grant before it yields to a waiter that may take the slot
 *	(preempted if @preempt, else it runs no new job and gives the slot
 *	back when its jobs in flight complete); 0 for none.  A timer of the
 *	pool's ends the slice of a holder whose jobs run long.
 * @preempt: the firmware can take a slot from a queue mid-job; needs
 *	&fwsched_slot_ops.preempt for queues of their own and
 *	&fwsched_slot_ops.preempt_group for groups
 * @priv: driver data
 */
struct fwsched_slot_pool_args {
	const struct fwsched_slot_ops *ops;
	u32 nr_slots;
	u32 reserved[FWSCHED_PRIO_COUNT];
	enum fwsched_slot_release release;
	u32 quantum;
	u32 quantum_us;
	bool preempt;
	void *priv;
};

/**
 * struct fwsched_group_args - how to create a slot group
 * @pool: the slot pool; must outlive the group
 * @priority: initial &enum fwsched_priority of the group (its members'
 *	own priorities do not count)
 * @priv: driver data, returned by fwsched_group_priv()
 */
struct fwsched_group_args {
	struct fwsched_slot_pool *pool;
	enum fwsched_priority priority;
	void *priv;
};

/**
 * struct fwsched_slot_stats - slot history of one queue or group
 * @grants: turns received: slots granted, and turns renewed in place
 *	when the holder's turn ended with no waiter that came first
 * @yields: slots given back while the queue still had work
 * @preemptions: slots taken from it by preemption
 * @max_passed: most grants (and renewals) to other queues during one wait
 *	of this queue
 */
struct fwsched_slot_stats {
	u64 grants;
	u64 yields;
	u64 preemptions;
	u64 max_passed;
};

struct fwsched_slot_pool *
fwsched_slot_pool_create(const struct fwsched_slot_pool_args *args);
int fwsched_slot_pool_destroy(struct fwsched_slot_pool *pool);
void *fwsched_slot_pool_priv(const struct fwsched_slot_pool *pool);
unsigned int fwsched_slot_pool_held(struct fwsched_slot_pool *pool,
				    enum fwsched_priority prio);
int fwsched_queue_slot(struct fwsched_queue *queue);
int fwsched_queue_slot_stats(struct fwsched_queue *queue,
			     struct fwsched_slot_stats *stats);

struct fwsched_group *fwsched_group_create(const struct fwsched_group_args *args);
int fwsched_group_destroy(struct fwsched_group *group);
void *fwsched_group_priv(const struct fwsched_group *group);
int fwsched_group_set_priority(struct fwsched_group *group,
			       enum fwsched_priority priority);
enum fwsched_priority fwsched_group_priority(const struct fwsched_group *group);
int fwsched_group_slot(struct fwsched_group *group);
void fwsched_group_slot_stats(struct fwsched_group *group,
			      struct fwsched_slot_stats *stats);

#endif /* _FWSCHED_SLOT_H_ */
