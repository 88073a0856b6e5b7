/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A mock firmware GPU for fwsched's tests: rings whose hardware fences are
 * completed by the test (mock_ring_advance()), at once, or by an hrtimer in
 * interrupt context after each job's duration.  run_job checks the credit
 * limit and the run order, so every test checks them too.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#ifndef _FWSCHED_MOCK_FW_H_
#define _FWSCHED_MOCK_FW_H_

#include <kunit/test.h>
#include <linux/hrtimer.h>
#include <linux/wait.h>

#include <fwsched/queue.h>

enum mock_mode {
	MOCK_MANUAL,	/* the test completes jobs with mock_ring_advance() */
	MOCK_NULL,	/* run_job returns NULL: done at once */
	MOCK_SIGNALLED,	/* run_job returns an already signalled fence */
	MOCK_TIMER,	/* an hrtimer completes each job after its duration */
};

/*
 * struct mock_ring - one firmware ring and its fwsched queue
 *
 * @lock protects @submitted and @credits_used; it is taken from the
 * hrtimer, so irqsave.  The counters are atomics read by the tests.
 */
struct mock_ring {
	struct kunit *test;
	struct fwsched_queue *q;
	struct fwsched_timeline *hw_tl;
	enum mock_mode mode;
	bool cancel_in_flight;		/* provide ops->cancel_in_flight */

	spinlock_t lock;		/* @submitted, @credits_used, @last_seqno */
	struct list_head submitted;	/* running on the "hardware" */
	u32 credits_used;
	u32 credit_limit;
	unsigned int timeout_ms;	/* the queue's; jobs get a spare hw fence */
	u64 last_seqno;			/* finished seqno of the last run */
	struct hrtimer timer;

	atomic_t ran, completed, freed, cancelled, on_hw;
	/* free_job or cancel_job called inside a signalling section. */
	atomic_t free_in_signalling;
	bool defer_free;		/* the queue's defer_free */
	atomic_t credit_violations, order_violations;

	/* Slot pools: the slot the "firmware" has the ring in, or -1. */
	bool uses_pool;
	int slot;
	atomic_t slot_violations;	/* run_job while not in a slot */

	/* Timeouts: what timed_out answers, after @tdr_extend EXTENDs. */
	enum fwsched_timeout_action tdr_action;
	atomic_t tdr_extend;
	int tdr_error;			/* fwsched_job_set_error() in timed_out */
	int tdr_limit;			/* act this often at most, then EXTEND */
	atomic_t tdr_acted;
	atomic_t timeouts, resets;
	atomic_t cancel_calls;		/* cancel_in_flight called (destroy, ban) */

	/* The task of the last run_job call. */
	struct task_struct *last_runner;

	/* Deadlines seen by set_deadline. */
	atomic_t deadlines;
	ktime_t last_deadline;
	int last_cancel_error;
	wait_queue_head_t wait;

	/*
	 * Called from cancel_job, set_deadline, free_job, and first in
	 * run_job: tests act there.
	 */
	void (*run_hook)(struct mock_ring *ring, struct fwsched_job *job);
	void (*cancel_hook)(struct mock_ring *ring, struct fwsched_job *job);
	void (*deadline_hook)(struct mock_ring *ring, struct fwsched_job *job);
	void (*free_hook)(struct mock_ring *ring, struct fwsched_job *job);
	void *hook_data;

	/*
	 * prepare and update_credits (rings created with
	 * &mock_ring_args.prepare): what they answer is the test's hook's
	 * (NULL and the job's credits without one).  The mock counts the
	 * calls and the rule breaks it sees: run_job for a job that prepare
	 * had not let go, a call outside the signalling section.
	 */
	bool prepare;
	struct dma_fence *(*prepare_hook)(struct mock_ring *ring, struct fwsched_job *job);
	u32 (*credits_hook)(struct mock_ring *ring, struct fwsched_job *job);
	atomic_t prepares, credit_updates;
	atomic_t prepare_violations, unsignalling;

	/* When run_job was last called, and the first timed_out after it. */
	ktime_t last_run_at;
	ktime_t first_timeout_at;

	/*
	 * Waits the firmware resolves (&mock_ring_args.fw_scope): the
	 * "firmware" completes a job only once every dependency run_job
	 * found with fwsched_job_fw_dep() has completed on its own ring, so
	 * mock_ring_advance() stops at such a job.  run_job checks that each
	 * of them had been given to the hardware (ran on a ring of the same
	 * scope) before: else @fw_dep_violations.  @fw_blocked counts the
	 * times mock_ring_advance() stopped at a waiting job.  Rings with a
	 * scope are on a list of the mock's (@scope_link) while they exist.
	 */
	const void *fw_scope;
	struct list_head scope_link;
	u64 max_run_seqno;		/* highest finished seqno run; @lock */
	u64 done_seqno;			/* finished seqno of the last completion */
	atomic_t fw_dep_violations, fw_blocked;

	/*
	 * Teardown: a KUnit action destroys the queue and the "hardware" on
	 * every exit from the case, a failed assertion included, before the
	 * ring's memory goes.  @destroyed: the queue is gone or going.
	 */
	bool destroyed;
	bool orderly;
};

/*
 * struct mock_job - a driver job as a mock driver would have it
 */
struct mock_job {
	struct fwsched_job base;
	struct mock_ring *ring;
	struct fwsched_fence *hw;	/* preallocated: run_job allocates nothing */
	struct fwsched_fence *hw_spare;	/* for a second run after a reset */
	struct list_head link;		/* &mock_ring.submitted */
	u32 duration_us;
	int hw_error;			/* the hardware fence signals with it */
	int run_error;			/* run_job returns ERR_PTR(run_error) */
	bool prepared;			/* prepare returned NULL for it */
	atomic_t prepares;		/* prepare calls for it */
	void *priv;			/* the test's */
};

extern const struct fwsched_queue_ops mock_ops;
extern const struct fwsched_queue_ops mock_prepare_ops;

/*
 * A bound on every wait of the tests, for the failure message only: long
 * enough that a loaded machine never reaches it, so it never decides.
 */
#define MOCK_WAIT_MS 30000

/**
 * struct mock_ring_args - what mock_ring_create() makes
 * @credit_limit: the ring size
 * @mode: how jobs complete
 * @wq: the queue's workqueue, NULL for fwsched's
 * @pool: a slot pool, or NULL
 * @group: a slot group the queue joins (its pool's), or NULL
 * @prio: the queue's priority (0 is FWSCHED_PRIO_LOW)
 * @timeout_ms: the job timeout, 0 for none
 * @direct: a direct-run queue
 * @prepare: the queue has prepare and update_credits (mock_prepare_ops)
 * @fw_scope: &fwsched_queue_args.fw_scope; MOCK_MANUAL rings only
 * @exec: &fwsched_queue_args.exec; with @exec 0 and neither @wq nor
 *	@worker, the mock's module parameters exec and defer_free decide, so
 *	that a plan can run a whole suite in another mode
 * @worker: &fwsched_queue_args.worker
 * @defer_free: &fwsched_queue_args.defer_free
 */
struct mock_ring_args {
	u32 credit_limit;
	enum mock_mode mode;
	struct workqueue_struct *wq;
	struct fwsched_slot_pool *pool;
	struct fwsched_group *group;
	enum fwsched_priority prio;
	unsigned int timeout_ms;
	bool direct;
	bool prepare;
	const void *fw_scope;
	enum fwsched_exec exec;
	struct kthread_worker *worker;
	bool defer_free;
};

struct mock_ring *mock_ring_create(struct kunit *test, const struct mock_ring_args *a);
struct mock_ring *mock_ring_new(struct kunit *test, u32 credit_limit,
				enum mock_mode mode, struct workqueue_struct *wq);
void mock_ring_destroy(struct mock_ring *ring);
void mock_ring_destroy_async(struct mock_ring *ring);
struct mock_job *mock_job_new(struct mock_ring *ring, u32 credits,
			      unsigned int max_deps);
struct mock_job *mock_job_try_new(struct mock_ring *ring, u32 credits,
				  unsigned int max_deps);
struct dma_fence *mock_push(struct mock_job *mj);
unsigned int mock_ring_advance(struct mock_ring *ring, unsigned int n, int error);
unsigned int mock_ring_complete(struct mock_ring *ring, unsigned int n, int error);
bool mock_ring_wait_ran(struct mock_ring *ring, int n);
void mock_expect_clean(struct kunit *test, struct mock_ring *ring);
void mock_share_check(struct kunit *test, unsigned int jobs, const char *who,
		      unsigned int (*run)(struct kunit *test,
					  enum fwsched_slot_release release,
					  enum fwsched_priority hi,
					  enum fwsched_priority lo));

/* Wait for a fence with a bound; true if it signalled. */
static inline bool mock_wait(struct dma_fence *f, unsigned int ms)
{
	return dma_fence_wait_timeout(f, false, msecs_to_jiffies(ms)) > 0;
}

#endif /* _FWSCHED_MOCK_FW_H_ */
