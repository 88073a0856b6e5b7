// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for where a queue runs (&fwsched_queue_args.exec) and for
 * free_job off the signalling path (&fwsched_queue_args.defer_free), on the
 * mock firmware: callbacks that sleep the way real drivers' do (a mutex, a
 * firmware acknowledgment), a free_job that takes a lock held around
 * GFP_KERNEL allocations, and the queue's life (dependencies the firmware
 * resolves, stop and start, a reset, destroy racing a pusher) in every mode.
 *
 * What must never happen is checked by lockdep and the harness, not here:
 * a lockdep report in any case fails the boot.  The plants that show the
 * other side (a sleep on the runners, a free_job not deferred taking the
 * same lock) are in tests/selftest/.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "mock_fw.h"

#define WAIT_MS MOCK_WAIT_MS

/* A mode of the parameterised cases: fwsched's or the driver's context. */
struct exec_mode {
	const char *name;
	enum fwsched_exec exec;
	bool driver;		/* the driver's workqueue or kthread_worker */
	bool defer;		/* defer_free */
};

static const struct exec_mode exec_modes[] = {
	{ "runners", FWSCHED_EXEC_RUNNERS, false, false },
	{ "runners+defer", FWSCHED_EXEC_RUNNERS, false, true },
	{ "work", FWSCHED_EXEC_WORK, false, false },
	{ "work-driver+defer", FWSCHED_EXEC_WORK, true, true },
	{ "kthread", FWSCHED_EXEC_KTHREAD, false, false },
	{ "kthread-driver+defer", FWSCHED_EXEC_KTHREAD, true, true },
};

static void exec_mode_desc(const struct exec_mode *m, char *desc)
{
	strscpy(desc, m->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(exec_mode, exec_modes, exec_mode_desc);

/* The modes whose callbacks may sleep. */
static const struct exec_mode sleep_modes[] = {
	{ "work", FWSCHED_EXEC_WORK, false, false },
	{ "work-driver", FWSCHED_EXEC_WORK, true, false },
	{ "kthread-driver", FWSCHED_EXEC_KTHREAD, true, false },
};

KUNIT_ARRAY_PARAM(sleep_mode, sleep_modes, exec_mode_desc);

/* The modes with defer_free. */
static const struct exec_mode defer_modes[] = {
	{ "runners+defer", FWSCHED_EXEC_RUNNERS, false, true },
	{ "work-driver+defer", FWSCHED_EXEC_WORK, true, true },
	{ "kthread+defer", FWSCHED_EXEC_KTHREAD, false, true },
};

KUNIT_ARRAY_PARAM(defer_mode, defer_modes, exec_mode_desc);

/*
 * The driver's workqueue and two kthread_workers on CPU 0, made before any
 * ring: KUnit actions run in reverse, so the rings' queues are destroyed
 * before these go, on every exit.
 */
struct exec_ctx {
	struct workqueue_struct *wq;
	struct kthread_worker *w[2];
};

KUNIT_DEFINE_ACTION_WRAPPER(exec_destroy_wq, destroy_workqueue, struct workqueue_struct *);
KUNIT_DEFINE_ACTION_WRAPPER(exec_destroy_worker, kthread_destroy_worker,
			    struct kthread_worker *);

static int exec_test_init(struct kunit *test)
{
	struct exec_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	int i, ret;

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	ctx->wq = alloc_workqueue("fwsched-exec-test", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!ctx->wq)
		return -ENOMEM;
	ret = kunit_add_action_or_reset(test, exec_destroy_wq, ctx->wq);
	if (ret)
		return ret;
	for (i = 0; i < 2; i++) {
		struct kthread_worker *w;

		w = kthread_run_worker_on_cpu(0, 0, "fwsched-exec-test/%u");
		if (IS_ERR(w))
			return PTR_ERR(w);
		ctx->w[i] = w;
		ret = kunit_add_action_or_reset(test, exec_destroy_worker, w);
		if (ret)
			return ret;
	}
	return 0;
}

/* A ring in mode @m; @i picks the driver's worker (0 or 1). */
static struct mock_ring *exec_ring(struct kunit *test, const struct exec_mode *m,
				   struct mock_ring_args *a, int i)
{
	struct exec_ctx *ctx = test->priv;

	a->exec = m->exec;
	a->defer_free = m->defer;
	if (m->driver && m->exec == FWSCHED_EXEC_WORK)
		a->wq = ctx->wq;
	if (m->driver && m->exec == FWSCHED_EXEC_KTHREAD)
		a->worker = ctx->w[i];
	if (!a->credit_limit)
		a->credit_limit = 4;
	a->prio = FWSCHED_PRIO_NORMAL;
	return mock_ring_create(test, a);
}

static bool wait_count(struct mock_ring *ring, atomic_t *v, int n)
{
	return wait_event_timeout(ring->wait, atomic_read(v) >= n,
				  msecs_to_jiffies(WAIT_MS)) > 0;
}

/* ---- arguments --------------------------------------------------------- */

static int try_create(const struct fwsched_queue_args *base, enum fwsched_exec exec,
		      struct workqueue_struct *wq, struct kthread_worker *w,
		      struct seq_buf *print)
{
	struct fwsched_queue_args args = *base;
	struct fwsched_queue *q;

	args.exec = exec;
	args.wq = wq;
	args.worker = w;
	q = fwsched_queue_create(&args);
	if (IS_ERR(q))
		return PTR_ERR(q);
	if (print)
		fwsched_queue_print(q, print);
	fwsched_queue_destroy(q);
	return 0;
}

static void exec_args(struct kunit *test)
{
	struct exec_ctx *ctx = test->priv;
	struct fwsched_queue_args base = {
		.ops = &mock_ops, .name = "exec-args", .driver_name = "fwsched-test",
		.credit_limit = 1, .priority = FWSCHED_PRIO_REALTIME,
	};
	struct workqueue_struct *plain;
	char buf[512];
	struct seq_buf s;

	KUNIT_EXPECT_EQ(test, try_create(&base, FWSCHED_EXEC_COUNT, NULL, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, try_create(&base, FWSCHED_EXEC_RUNNERS, ctx->wq, ctx->w[0], NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, try_create(&base, FWSCHED_EXEC_KTHREAD, ctx->wq, NULL, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, try_create(&base, FWSCHED_EXEC_WORK, NULL, ctx->w[0], NULL),
			-EINVAL);

	/* A driver's workqueue that reclaim cannot count on is refused. */
	plain = alloc_workqueue("fwsched-exec-plain", WQ_UNBOUND, 0);
	KUNIT_ASSERT_NOT_NULL(test, plain);
#ifdef FWSCHED_TEST_HAVE_WQ_MEM_RECLAIM_TEST
	KUNIT_EXPECT_EQ_MSG(test, try_create(&base, FWSCHED_EXEC_WORK, plain, NULL, NULL),
			    -EINVAL, "a workqueue without WQ_MEM_RECLAIM was taken");
#endif
	destroy_workqueue(plain);

	/* The defaults, and the mode in the print. */
	seq_buf_init(&s, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, try_create(&base, FWSCHED_EXEC_RUNNERS, NULL, NULL, &s), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, " exec=runners "));
	seq_buf_init(&s, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, try_create(&base, FWSCHED_EXEC_RUNNERS, ctx->wq, NULL, &s), 0);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, " exec=work "), "%s", buf);
	seq_buf_init(&s, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, try_create(&base, FWSCHED_EXEC_RUNNERS, NULL, ctx->w[0], &s), 0);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, " exec=kthread "), "%s", buf);
	KUNIT_EXPECT_EQ(test, try_create(&base, FWSCHED_EXEC_WORK, NULL, NULL, NULL), 0);
	base.defer_free = true;
	seq_buf_init(&s, buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, try_create(&base, FWSCHED_EXEC_KTHREAD, NULL, NULL, &s), 0);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, " exec=kthread+defer_free "), "%s", buf);
}

/* ---- callbacks that sleep ------------------------------------------------ */

/*
 * A firmware that acknowledges a submission later: run_job takes the
 * driver's submission mutex (never held around an allocation) and waits
 * for the acknowledgment on a completion, as Xe's GuC CT send and
 * PowerVR's KCCB do.
 */
struct fw_ack {
	struct mutex lock;		/* the driver's submission lock */
	struct completion entered, ack;
	atomic_t armed;
	struct task_struct *task;
};

static void fw_ack_run_hook(struct mock_ring *ring, struct fwsched_job *job)
{
	struct fw_ack *a = ring->hook_data;

	if (!atomic_xchg(&a->armed, 0))
		return;
	mutex_lock(&a->lock);
	WRITE_ONCE(a->task, current);
	complete(&a->entered);
	/* Bounded, so that a case that fails before it acks still ends. */
	wait_for_completion_timeout(&a->ack, msecs_to_jiffies(WAIT_MS));
	mutex_unlock(&a->lock);
}

/*
 * Queue a sleeps in run_job; queue b, on the same CPU (the same per-CPU
 * workqueue, or a worker on the same CPU), completes its jobs meanwhile.
 */
static void exec_sleeping_run_job(struct kunit *test)
{
	const struct exec_mode *m = test->param_value;
	struct mock_ring_args aa = { .mode = MOCK_NULL }, ab = { .mode = MOCK_NULL };
	struct mock_ring *a = exec_ring(test, m, &aa, 0);
	struct mock_ring *b = exec_ring(test, m, &ab, 1);
	struct exec_ctx *ctx = test->priv;
	struct dma_fence *fa, *fb[16];
	struct fw_ack *ack;
	unsigned int i;

	ack = kunit_kzalloc(test, sizeof(*ack), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ack);
	mutex_init(&ack->lock);
	init_completion(&ack->entered);
	init_completion(&ack->ack);
	atomic_set(&ack->armed, 1);
	a->hook_data = ack;
	a->run_hook = fw_ack_run_hook;

	/* One CPU for both kicks: per-CPU workqueues run them on it. */
	migrate_disable();
	fa = mock_push(mock_job_new(a, 1, 0));
	if (!wait_for_completion_timeout(&ack->entered, msecs_to_jiffies(WAIT_MS))) {
		migrate_enable();
		complete(&ack->ack);
		dma_fence_put(fa);
		KUNIT_FAIL_AND_ABORT(test, "queue a's run_job was never called");
	}
	for (i = 0; i < ARRAY_SIZE(fb); i++)
		fb[i] = mock_push(mock_job_new(b, 1, 0));
	migrate_enable();
	KUNIT_EXPECT_TRUE_MSG(test, mock_wait(fb[ARRAY_SIZE(fb) - 1], WAIT_MS),
			      "queue b's jobs did not complete while queue a slept in run_job");
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa));
	if (m->exec == FWSCHED_EXEC_KTHREAD)
		KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(ack->task), ctx->w[0]->task);
	complete(&ack->ack);
	KUNIT_EXPECT_TRUE_MSG(test, mock_wait(fa, WAIT_MS),
			      "queue a's job did not complete after the acknowledgment");
	for (i = 0; i < ARRAY_SIZE(fb); i++)
		dma_fence_put(fb[i]);
	dma_fence_put(fa);
	mock_ring_destroy(a);
	mock_ring_destroy(b);
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
}

/* ---- free_job off the signalling path ------------------------------------ */

/*
 * A buffer object's lock, as amdxdna's abo->lock: held around a
 * GFP_KERNEL allocation elsewhere, taken by free_job when it drops the
 * last reference.  Inside the signalling section that is a lockdep report
 * (tests/selftest/free_reclaim.c plants it); deferred it is clean.
 */
static DEFINE_MUTEX(exec_bo_lock);

static void exec_bo_prime(void)
{
	void *p;

	mutex_lock(&exec_bo_lock);
	p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	mutex_unlock(&exec_bo_lock);
}

struct defer_seen {
	atomic_t early;		/* cancel_job while fwsched still held the job's fence */
	atomic_t cancels;
};

static void defer_free_hook(struct mock_ring *ring, struct fwsched_job *job)
{
	mutex_lock(&exec_bo_lock);
	mutex_unlock(&exec_bo_lock);
}

static void defer_cancel_hook(struct mock_ring *ring, struct fwsched_job *job)
{
	struct defer_seen *seen = ring->hook_data;

	mutex_lock(&exec_bo_lock);
	mutex_unlock(&exec_bo_lock);
	/* Deferred: fwsched has signalled the fence and dropped it. */
	if (job->finished)
		atomic_inc(&seen->early);
	atomic_inc(&seen->cancels);
}

static struct dma_fence *push_kept(struct mock_job *mj)
{
	struct dma_fence *f;

	fwsched_job_arm(&mj->base);
	f = dma_fence_get(fwsched_job_finished(&mj->base));
	mj->priv = f;
	fwsched_job_push(&mj->base);
	return f;
}

static void exec_defer_free(struct kunit *test)
{
	const struct exec_mode *m = test->param_value;
	struct mock_ring_args args = { .mode = MOCK_MANUAL, .credit_limit = 4 };
	struct mock_ring *r = exec_ring(test, m, &args, 0);
	struct dma_fence *f[6], *bad;
	struct fwsched_fence *failed, *gate;
	struct fwsched_timeline *tl;
	struct defer_seen *seen;
	struct mock_job *mj;
	unsigned int i;

	seen = kunit_kzalloc(test, sizeof(*seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	exec_bo_prime();
	r->hook_data = seen;
	r->free_hook = defer_free_hook;
	r->cancel_hook = defer_cancel_hook;
	r->cancel_in_flight = true;

	/* A dependency that failed: its job is cancelled with its error. */
	tl = fwsched_timeline_create("fwsched-exec-test", "dep");
	KUNIT_ASSERT_FALSE(test, IS_ERR(tl));
	failed = fwsched_fence_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, failed);
	fwsched_fence_arm(failed, tl);
	bad = &failed->base;
	fwsched_fence_signal(failed, -EIO);

	f[0] = push_kept(mock_job_new(r, 1, 0));
	mj = mock_job_new(r, 1, 1);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base, dma_fence_get(bad)), 0);
	f[1] = push_kept(mj);
	f[2] = push_kept(mock_job_new(r, 1, 0));
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(r, 2), "the two good jobs never ran");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(r, 2, 0), 2);
	KUNIT_EXPECT_TRUE_MSG(test, wait_count(r, &r->freed, 3),
			      "deferred free_job was not called for three finished jobs");
	KUNIT_EXPECT_EQ(test, f[1]->error, -EIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&seen->cancels), 1);

	/*
	 * One in flight, two pending behind a fence that signals only after
	 * the destroy: destroy cancels and frees them all.
	 */
	gate = fwsched_fence_alloc(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, gate);
	fwsched_fence_arm(gate, tl);
	f[3] = push_kept(mock_job_new(r, 1, 0));
	for (i = 4; i < ARRAY_SIZE(f); i++) {
		mj = mock_job_new(r, 1, 1);
		KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&mj->base,
								 dma_fence_get(&gate->base)), 0);
		f[i] = push_kept(mj);
	}
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(r, 3), "job 3 never ran");
	mock_ring_destroy(r);
	fwsched_fence_signal(gate, 0);
	dma_fence_put(&gate->base);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r->freed), (int)ARRAY_SIZE(f),
			    "destroy returned before every deferred free_job");
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&seen->early), 0,
			    "deferred cancel_job called before fwsched was done with the job");
	KUNIT_EXPECT_EQ(test, atomic_read(&seen->cancels), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->ran), 3);
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f[i]));
		KUNIT_EXPECT_EQ(test, f[i]->error, i == 1 ? -EIO : i >= 3 ? -ECANCELED : 0);
		dma_fence_put(f[i]);
	}
	mock_expect_clean(test, r);
	dma_fence_put(bad);
	fwsched_timeline_destroy(tl);
}

/* ---- the queue's life in every mode -------------------------------------- */

/* A pusher on another thread, racing a destroy. */
struct pusher {
	struct work_struct work;
	struct mock_ring *ring;
	struct completion started;
	atomic_t made, refused;
};

static void pusher_fn(struct work_struct *w)
{
	struct pusher *p = container_of(w, struct pusher, work);
	unsigned int i;

	for (i = 0; i < 2000; i++) {
		struct mock_job *mj = mock_job_try_new(p->ring, 1, 0);

		if (IS_ERR(mj))
			break;
		atomic_inc(&p->made);
		if (fwsched_job_push(&mj->base))
			atomic_inc(&p->refused);
		if (i == 8)
			complete(&p->started);
	}
	complete(&p->started);
}

static void pusher_flush(void *data)
{
	struct pusher *p = data;

	flush_work(&p->work);
	fwsched_queue_put(p->ring->q);
}

static void exec_life(struct kunit *test)
{
	const struct exec_mode *m = test->param_value;
	static int scope;
	struct mock_ring_args aa = { .mode = MOCK_MANUAL, .fw_scope = &scope };
	struct mock_ring_args ab = { .mode = MOCK_MANUAL, .fw_scope = &scope };
	struct mock_ring_args ac = { .mode = MOCK_MANUAL };
	struct mock_ring_args ad = { .mode = MOCK_NULL, .credit_limit = 2 };
	struct mock_ring *a = exec_ring(test, m, &aa, 0);
	struct mock_ring *b = exec_ring(test, m, &ab, 1);
	struct mock_ring *c = exec_ring(test, m, &ac, 0);
	struct mock_ring *d = exec_ring(test, m, &ad, 1);
	struct dma_fence *fa, *fb, *fc;
	struct mock_job *jb;
	struct pusher *p;

	a->cancel_in_flight = true;
	b->cancel_in_flight = true;
	c->cancel_in_flight = true;

	/* A dependency the firmware resolves: b runs while a's job is on. */
	fa = mock_push(mock_job_new(a, 1, 0));
	jb = mock_job_new(b, 1, 1);
	KUNIT_EXPECT_EQ(test, fwsched_job_add_dependency(&jb->base, dma_fence_get(fa)), 0);
	fb = mock_push(jb);
	KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(b, 1),
			      "b's job did not run while a's was on the hardware");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 1, 0), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(b, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fb, WAIT_MS));
	dma_fence_put(fa);
	dma_fence_put(fb);

	/* Stop and start: nothing runs in between (stop waits for a run). */
	fwsched_queue_stop(a->q);
	fa = mock_push(mock_job_new(a, 1, 0));
	fwsched_queue_stop(a->q);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&a->ran), 1, "a stopped queue ran a job");
	fwsched_queue_start(a->q);
	KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(a, 2), "a started queue did not run");
	KUNIT_EXPECT_EQ(test, mock_ring_advance(a, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fa, WAIT_MS));
	dma_fence_put(fa);

	/*
	 * A reset asked for by the driver: the job runs again, completes.
	 * The queue has no timeout; the mock's jobs get a spare hardware
	 * fence for the second run only if the ring says it has one.
	 */
	c->timeout_ms = 1;
	c->tdr_action = FWSCHED_TIMEOUT_RESET;
	fc = mock_push(mock_job_new(c, 1, 0));
	KUNIT_ASSERT_TRUE_MSG(test, mock_ring_wait_ran(c, 1), "c's job never ran");
	fwsched_queue_trigger_timeout(c->q);
	KUNIT_EXPECT_TRUE_MSG(test, mock_ring_wait_ran(c, 2),
			      "c's job did not run again after the reset");
	KUNIT_EXPECT_EQ(test, atomic_read(&c->resets), 1);
	KUNIT_EXPECT_EQ(test, mock_ring_advance(c, 1, 0), 1);
	KUNIT_EXPECT_TRUE(test, mock_wait(fc, WAIT_MS));
	KUNIT_EXPECT_EQ(test, fc->error, 0);
	dma_fence_put(fc);

	/* Destroy racing a pusher on another thread: nothing lost, nothing leaked. */
	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	/* The pusher's reference: a driver pushing around a destroy has one. */
	p->ring = d;
	fwsched_queue_get(d->q);
	init_completion(&p->started);
	INIT_WORK(&p->work, pusher_fn);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pusher_flush, p), 0);
	queue_work(system_unbound_wq, &p->work);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&p->started,
							    msecs_to_jiffies(WAIT_MS)));
	mock_ring_destroy(d);
	kunit_release_action(test, pusher_flush, p);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&d->freed), atomic_read(&p->made),
			    "jobs pushed around the destroy were not all freed");
	KUNIT_EXPECT_EQ(test, atomic_read(&d->ran) + atomic_read(&d->cancelled),
			atomic_read(&p->made));

	mock_ring_destroy(a);
	mock_ring_destroy(b);
	mock_ring_destroy(c);
	mock_expect_clean(test, a);
	mock_expect_clean(test, b);
	mock_expect_clean(test, c);
	mock_expect_clean(test, d);
}

/* ---- firmware slots in every mode --------------------------------------- */

/*
 * The "firmware" of a pool of one slot: who is in it.  Binding takes the
 * driver's scheduler mutex where callbacks may sleep (panthor's
 * sched->lock), so the slot callbacks sleep in those modes too.
 */
struct exec_slot_fw {
	spinlock_t lock;		/* @occupant, @violations, @binds */
	void *occupant;			/* the ring or the group in the slot */
	unsigned int violations, binds;
	struct mutex sched_lock;	/* taken by bind where it may sleep */
	bool may_sleep;
	struct mock_ring *members[2];	/* the group's */
};

static struct exec_slot_fw *exec_slot_fw;

static void exec_slot_enter(void *who, struct mock_ring **rings, int n, int slot)
{
	struct exec_slot_fw *fw = exec_slot_fw;
	int i;

	if (fw->may_sleep)
		mutex_lock(&fw->sched_lock);
	spin_lock_irq(&fw->lock);
	if (fw->occupant || slot != 0)
		fw->violations++;
	fw->occupant = who;
	fw->binds++;
	for (i = 0; i < n; i++)
		WRITE_ONCE(rings[i]->slot, slot);
	spin_unlock_irq(&fw->lock);
	if (fw->may_sleep)
		mutex_unlock(&fw->sched_lock);
}

static void exec_slot_leave(void *who, struct mock_ring **rings, int n)
{
	struct exec_slot_fw *fw = exec_slot_fw;
	int i;

	spin_lock_irq(&fw->lock);
	if (fw->occupant != who)
		fw->violations++;
	fw->occupant = NULL;
	for (i = 0; i < n; i++) {
		if (atomic_read(&rings[i]->on_hw))
			fw->violations++;	/* unbound with jobs on the hardware */
		WRITE_ONCE(rings[i]->slot, -1);
	}
	spin_unlock_irq(&fw->lock);
}

static void exec_bind(struct fwsched_queue *q, unsigned int slot)
{
	struct mock_ring *ring = fwsched_queue_priv(q);

	exec_slot_enter(ring, &ring, 1, slot);
}

static void exec_unbind(struct fwsched_queue *q, unsigned int slot)
{
	struct mock_ring *ring = fwsched_queue_priv(q);

	exec_slot_leave(ring, &ring, 1);
}

static void exec_bind_group(struct fwsched_group *g, unsigned int slot)
{
	exec_slot_enter(g, exec_slot_fw->members, 2, slot);
}

static void exec_unbind_group(struct fwsched_group *g, unsigned int slot)
{
	exec_slot_leave(g, exec_slot_fw->members, 2);
}

static const struct fwsched_slot_ops exec_slot_ops = {
	.bind = exec_bind,
	.unbind = exec_unbind,
	.bind_group = exec_bind_group,
	.unbind_group = exec_unbind_group,
};

KUNIT_DEFINE_ACTION_WRAPPER(exec_pool_destroy, fwsched_slot_pool_destroy,
			    struct fwsched_slot_pool *);
KUNIT_DEFINE_ACTION_WRAPPER(exec_group_destroy, fwsched_group_destroy, struct fwsched_group *);

/*
 * A queue of its own and a group of two queues share one slot, all in
 * the mode: every job runs on the slot, the two holders take turns, no
 * slot is shared.  The "firmware" completes each job on a timer.
 */
static void exec_slots(struct kunit *test)
{
	const struct exec_mode *m = test->param_value;
	struct fwsched_slot_pool_args pargs = {
		.ops = &exec_slot_ops, .nr_slots = 1, .quantum = 2,
		.release = FWSCHED_SLOT_RELEASE_IDLE,
	};
	struct fwsched_group_args gargs = { .priority = FWSCHED_PRIO_NORMAL };
	struct mock_ring_args ap = { .mode = MOCK_TIMER }, a1, a2;
	struct mock_ring *rings[3];
	struct dma_fence *last[3];
	struct exec_slot_fw *fw;
	struct fwsched_slot_pool *pool;
	struct fwsched_group *group;
	unsigned int i, k;

	fw = kunit_kzalloc(test, sizeof(*fw), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fw);
	spin_lock_init(&fw->lock);
	mutex_init(&fw->sched_lock);
	fw->may_sleep = m->exec != FWSCHED_EXEC_RUNNERS;
	exec_slot_fw = fw;

	pool = fwsched_slot_pool_create(&pargs);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pool));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, exec_pool_destroy, pool), 0);
	gargs.pool = pool;
	group = fwsched_group_create(&gargs);
	KUNIT_ASSERT_FALSE(test, IS_ERR(group));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, exec_group_destroy, group), 0);

	ap.pool = pool;
	a1 = ap;
	a1.pool = NULL;
	a1.group = group;
	a2 = a1;
	rings[0] = exec_ring(test, m, &ap, 0);
	rings[1] = exec_ring(test, m, &a1, 1);
	rings[2] = exec_ring(test, m, &a2, 0);
	fw->members[0] = rings[1];
	fw->members[1] = rings[2];

	for (k = 0; k < 6; k++)
		for (i = 0; i < ARRAY_SIZE(rings); i++) {
			struct dma_fence *f = mock_push(mock_job_new(rings[i], 1, 0));

			if (k < 5)
				dma_fence_put(f);
			else
				last[i] = f;
		}
	for (i = 0; i < ARRAY_SIZE(rings); i++) {
		KUNIT_EXPECT_TRUE_MSG(test, mock_wait(last[i], WAIT_MS),
				      "ring %u's jobs did not all complete on the slot", i);
		dma_fence_put(last[i]);
	}
	for (i = 0; i < ARRAY_SIZE(rings); i++) {
		mock_ring_destroy(rings[i]);
		mock_expect_clean(test, rings[i]);
		KUNIT_EXPECT_EQ(test, atomic_read(&rings[i]->ran), 6);
	}
	KUNIT_EXPECT_EQ_MSG(test, fw->violations, 0,
			    "a slot shared, or unbound with jobs on the hardware");
	KUNIT_EXPECT_GE_MSG(test, fw->binds, 2, "the two holders did not both get the slot");
	kunit_release_action(test, exec_group_destroy, group);
	kunit_release_action(test, exec_pool_destroy, pool);
	exec_slot_fw = NULL;
}

static struct kunit_case exec_cases[] = {
	KUNIT_CASE(exec_args),
	KUNIT_CASE_PARAM(exec_sleeping_run_job, sleep_mode_gen_params),
	KUNIT_CASE_PARAM(exec_defer_free, defer_mode_gen_params),
	KUNIT_CASE_PARAM(exec_life, exec_mode_gen_params),
	KUNIT_CASE_PARAM(exec_slots, exec_mode_gen_params),
	{}
};

static struct kunit_suite exec_suite = {
	.name = "fwsched_exec",
	.init = exec_test_init,
	.test_cases = exec_cases,
};

kunit_test_suite(exec_suite);

MODULE_DESCRIPTION("fwsched tests: execution modes and deferred free_job");
MODULE_LICENSE("GPL");
