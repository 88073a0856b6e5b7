// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched_bench: one mock firmware driven by fwsched and by drm_sched, the
 * way firmware drivers use each, measured in the same boot.
 *
 * Implementations ("impl"):
 *   fwsched     one fwsched_queue per ring, fwsched's workqueue
 *   fwsched_direct  the same, created with direct_run: push calls run_job
 *               itself when nothing is ahead of the job
 *   fwsched_work    a work item per queue on fwsched's workqueue
 *               (FWSCHED_EXEC_WORK: callbacks may sleep)
 *   fwsched_kthread a kthread_work per queue on fwsched's worker of the
 *               queue's level (FWSCHED_EXEC_KTHREAD: callbacks may sleep)
 *   drm_wq      one drm_gpu_scheduler + drm_sched_entity per ring, each
 *               scheduler with its own workqueue (Xe style)
 *   drm_shared  the same with one workqueue shared by all (panthor style)
 *   floor       the least a job can cost: one allocation and free, one
 *               fence init and signal, one list operation, a work item
 *               dispatch amortised over a batch
 *
 * Every result is printed as one line
 *   FWSCHED-BENCH scenario=S impl=I rep=R key=value ...
 * for scripts/bench.py, which turns them into a table, JSON and a plot.
 * Nothing here asserts a time.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <drm/gpu_scheduler.h>
#include <linux/device.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/mm.h>

#include <fwsched/queue.h>

#include "../../fwsched/internal.h"	/* fwsched_runner_stats() */

static char *scenario = "all";
module_param(scenario, charp, 0444);
MODULE_PARM_DESC(scenario,
		 "timed: throughput queues backpressure chain latency teardown slots all; memory, qmem, overload, spread, hop");
static unsigned int spread_queues = 1;
module_param(spread_queues, uint, 0444);
MODULE_PARM_DESC(spread_queues, "queues of the spread and hop scenarios (make bench PROFILE=1)");
static char *impl = "all";
module_param(impl, charp, 0444);
MODULE_PARM_DESC(impl,
		 "fwsched, fwsched_direct, fwsched_work, fwsched_kthread, drm_wq, drm_shared, floor or all");
static char *drm_policy = "fifo";
module_param(drm_policy, charp, 0444);
MODULE_PARM_DESC(drm_policy, "label of gpu-sched's sched_policy in this boot (slots)");
static unsigned int jobs = 20000;
module_param(jobs, uint, 0444);
MODULE_PARM_DESC(jobs, "jobs per measurement");
static unsigned int reps = 7;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "interleaved repetitions");

enum impl {
	FWSCHED, FWSCHED_DIRECT, FWSCHED_WORK, FWSCHED_KTHREAD, DRM_WQ, DRM_SHARED, FLOOR,
	NR_IMPLS
};

static const char * const impl_names[] = {
	"fwsched", "fwsched_direct", "fwsched_work", "fwsched_kthread", "drm_wq",
	"drm_shared", "floor"
};

static bool is_fwsched(enum impl im)
{
	return im <= FWSCHED_KTHREAD;
}

static enum fwsched_exec impl_exec(enum impl im)
{
	return im == FWSCHED_WORK ? FWSCHED_EXEC_WORK :
	       im == FWSCHED_KTHREAD ? FWSCHED_EXEC_KTHREAD : FWSCHED_EXEC_RUNNERS;
}

/* ---- the mock firmware, shared by every implementation ---------------------- */

struct bring;

struct bjob {
	struct bring *ring;
	struct dma_fence *hw;		/* preallocated; initialised in run_job */
	bool ran;			/* hw was handed to the scheduler */
	struct list_head link;		/* bring.in_flight, or the floor's batch */
	ktime_t *ran_at;		/* latency: stamped in run_job */
	union {				/* last: allocated at its real size */
		struct fwsched_job fw;
		struct drm_sched_job drm;
		struct dma_fence floor_fence;
	};
};

struct bench;

/* What a drm_sched ring needs on top: a scheduler and an entity. */
struct bdrm {
	struct drm_gpu_scheduler sched;
	struct drm_sched_entity ent;
};

struct bring {
	struct bench *b;
	enum impl impl;
	bool defer;			/* firmware completes on request only */
	u32 job_us;			/* defer: an hrtimer completes each job */
	struct hrtimer timer;
	ktime_t last_run;		/* slots: service gaps; @lock */
	u64 runs, max_gap;		/* @lock */
	spinlock_t lock;		/* @in_flight, @nr_in_flight, @hw_seqno, slots */
	struct list_head in_flight;	/* defer: on the hardware, in order */
	unsigned int nr_in_flight;
	u64 hw_context, hw_seqno;
	struct fwsched_queue *fq;
	struct bdrm *drm;		/* drm_sched rings only */
	struct list_head floor_list;	/* floor: jobs waiting for the batch */
	struct work_struct floor_work;
};

struct bench {
	atomic_t freed;
	u64 *gaps;			/* slots: every service gap, in ns */
	unsigned int nr_gaps, max_gaps;
	u64 run_calls;			/* run_job calls, for wakeups per job */
	unsigned int target;
	struct completion all_freed;
	wait_queue_head_t fw_wait;
	struct workqueue_struct *shared_wq;
	struct workqueue_struct *floor_wq;
	struct device *dev;
};

static struct bench bench;

static const char *bfw_name(struct dma_fence *f)
{
	return "fwsched-bench-fw";
}

/* No .release, no .wait: these detach on signal as well. */
static const struct dma_fence_ops bfw_ops = {
	.get_driver_name = bfw_name,
	.get_timeline_name = bfw_name,
};

static void bjob_freed(struct bjob *j)
{
	struct bench *b = j->ring->b;

	if (!j->ran)
		kfree(j->hw);
	kfree(j);
	if (atomic_inc_return(&b->freed) == b->target)
		complete(&b->all_freed);
	wake_up(&b->fw_wait);
}

static struct dma_fence *bring_run(struct bjob *j)
{
	struct bring *r = j->ring;
	unsigned long flags;

	bool start_timer = false;

	if (j->ran_at)
		*j->ran_at = ktime_get();
	j->ran = true;
	r->b->run_calls++;
	spin_lock_irqsave(&r->lock, flags);
	if (r->job_us) {
		ktime_t now = ktime_get();
		u64 gap = ktime_to_ns(ktime_sub(now, r->last_run));

		r->last_run = now;
		r->runs++;
		r->max_gap = max(r->max_gap, gap);
		if (r->b->nr_gaps < r->b->max_gaps)
			r->b->gaps[r->b->nr_gaps++] = gap;
		start_timer = list_empty(&r->in_flight);
	}
	dma_fence_init(j->hw, &bfw_ops, NULL, r->hw_context, ++r->hw_seqno);
	if (r->defer) {
		dma_fence_get(j->hw);		/* the ring's, until it signals */
		list_add_tail(&j->link, &r->in_flight);
		r->nr_in_flight++;
	}
	spin_unlock_irqrestore(&r->lock, flags);
	if (start_timer)
		hrtimer_start(&r->timer, us_to_ktime(r->job_us), HRTIMER_MODE_REL);
	if (r->defer)
		wake_up(&r->b->fw_wait);
	else
		dma_fence_signal(j->hw);	/* instant completion */
	return j->hw;				/* the scheduler's reference */
}

/* The firmware completes up to @n jobs of @r, oldest first. */
static unsigned int bring_complete(struct bring *r, unsigned int n, int error)
{
	unsigned int done = 0;
	unsigned long flags;

	while (done < n) {
		struct dma_fence *hw = NULL;
		struct bjob *j;

		spin_lock_irqsave(&r->lock, flags);
		j = list_first_entry_or_null(&r->in_flight, struct bjob, link);
		if (j) {
			list_del_init(&j->link);
			r->nr_in_flight--;
			hw = j->hw;		/* j may go once hw signals */
		}
		spin_unlock_irqrestore(&r->lock, flags);
		if (!hw)
			break;
		if (error)
			dma_fence_set_error(hw, error);
		dma_fence_signal(hw);
		dma_fence_put(hw);
		done++;
	}
	return done;
}

/* The firmware runs one job of a ring at a time, @job_us each. */
static enum hrtimer_restart bring_timer(struct hrtimer *t)
{
	struct bring *r = container_of(t, struct bring, timer);
	bool more;

	bring_complete(r, 1, 0);
	more = READ_ONCE(r->nr_in_flight);
	if (!more)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, us_to_ktime(r->job_us));
	return HRTIMER_RESTART;
}

/* ---- fwsched -------------------------------------------------------------------- */

static struct dma_fence *fw_run(struct fwsched_job *job)
{
	return bring_run(container_of(job, struct bjob, fw));
}

static void fw_free(struct fwsched_job *job)
{
	bjob_freed(container_of(job, struct bjob, fw));
}

static void fw_cancel_in_flight(struct fwsched_queue *q)
{
	bring_complete(fwsched_queue_priv(q), UINT_MAX, -ECANCELED);
}

static const struct fwsched_queue_ops fw_ops = {
	.run_job = fw_run,
	.free_job = fw_free,
	.cancel_in_flight = fw_cancel_in_flight,
};

/* ---- drm_sched ------------------------------------------------------------------ */

static struct dma_fence *drm_run(struct drm_sched_job *job)
{
	return bring_run(container_of(job, struct bjob, drm));
}

static void drm_free(struct drm_sched_job *job)
{
	drm_sched_job_cleanup(job);
	bjob_freed(container_of(job, struct bjob, drm));
}

static enum drm_gpu_sched_stat drm_timedout(struct drm_sched_job *job)
{
	return DRM_GPU_SCHED_STAT_NO_HANG;
}

/* drm_sched_fini(): the job is on the hardware; a ring reset completes it. */
static void drm_cancel(struct drm_sched_job *job)
{
	bring_complete(container_of(job, struct bjob, drm)->ring, UINT_MAX, -ECANCELED);
}

static const struct drm_sched_backend_ops drm_ops = {
	.run_job = drm_run,
	.free_job = drm_free,
	.timedout_job = drm_timedout,
	.cancel_job = drm_cancel,
};

/* ---- the floor ------------------------------------------------------------------ */

/* One work item per ring handles the whole batch of jobs pushed to it. */
static void floor_work_fn(struct work_struct *w)
{
	struct bring *r = container_of(w, struct bring, floor_work);
	struct bjob *j, *tmp;
	LIST_HEAD(batch);

	spin_lock_irq(&r->lock);
	list_splice_init(&r->floor_list, &batch);
	spin_unlock_irq(&r->lock);
	/* Nobody else holds these fences: the job's free is the fence's. */
	list_for_each_entry_safe(j, tmp, &batch, link) {
		dma_fence_signal(&j->floor_fence);
		bjob_freed(j);
	}
}

/* ---- rings of each implementation --------------------------------------------- */

/* Set by the slots scenario around bring_new(); NULL/normal otherwise. */
static struct fwsched_slot_pool *bring_pool;
static struct fwsched_group *bring_group;
/* Set by the deferred chain around bring_new(): the device's fw_scope. */
static const void *bring_fw_scope;
static const char bench_device;
static struct drm_gpu_scheduler *bring_sched;
static int bring_level = FWSCHED_PRIO_NORMAL;
static const enum drm_sched_priority drm_prio[FWSCHED_PRIO_COUNT] = {
	DRM_SCHED_PRIORITY_LOW, DRM_SCHED_PRIORITY_NORMAL,
	DRM_SCHED_PRIORITY_HIGH, DRM_SCHED_PRIORITY_KERNEL,
};

static struct bring *bring_new(enum impl im, u32 credits, bool defer)
{
	struct bring *r = kzalloc(sizeof(*r), GFP_KERNEL);
	int ret = 0;

	if (!r)
		return ERR_PTR(-ENOMEM);
	r->b = &bench;
	r->impl = im;
	r->defer = defer;
	spin_lock_init(&r->lock);
	INIT_LIST_HEAD(&r->in_flight);
	INIT_LIST_HEAD(&r->floor_list);
	INIT_WORK(&r->floor_work, floor_work_fn);
	r->hw_context = dma_fence_context_alloc(1);
	hrtimer_setup(&r->timer, bring_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);

	if (is_fwsched(im)) {
		struct fwsched_queue_args args = {
			.ops = &fw_ops, .name = "bench", .driver_name = "fwsched-bench",
			.credit_limit = credits, .priority = bring_level,
			.direct_run = im == FWSCHED_DIRECT, .exec = impl_exec(im),
			.pool = bring_pool,
			.group = bring_group, .fw_scope = bring_fw_scope,
			.priv = r,
		};

		r->fq = fwsched_queue_create(&args);
		if (IS_ERR(r->fq))
			ret = PTR_ERR(r->fq);
	} else if (im == DRM_WQ || im == DRM_SHARED) {
		struct drm_sched_init_args args = {
			.ops = &drm_ops,
			.submit_wq = im == DRM_SHARED ? bench.shared_wq : NULL,
			.num_rqs = DRM_SCHED_PRIORITY_COUNT,
			.credit_limit = credits,
			.timeout = MAX_SCHEDULE_TIMEOUT,
			.name = "bench",
			.dev = bench.dev,
		};
		struct drm_gpu_scheduler *list[1];

		r->drm = kzalloc_obj(*r->drm, GFP_KERNEL);
		if (!r->drm) {
			kfree(r);
			return ERR_PTR(-ENOMEM);
		}
		if (bring_sched) {
			/* Slots: one scheduler for every entity (the firmware). */
			list[0] = bring_sched;
			ret = drm_sched_entity_init(&r->drm->ent, drm_prio[bring_level],
						    list, 1, NULL);
		} else {
			list[0] = &r->drm->sched;
			ret = drm_sched_init(&r->drm->sched, &args);
			if (!ret) {
				ret = drm_sched_entity_init(&r->drm->ent,
							    DRM_SCHED_PRIORITY_NORMAL,
							    list, 1, NULL);
				if (ret)
					drm_sched_fini(&r->drm->sched);
			}
		}
	}
	if (ret) {
		kfree(r->drm);
		kfree(r);
		return ERR_PTR(ret);
	}
	return r;
}

static void bring_destroy(struct bring *r)
{
	if (is_fwsched(r->impl)) {
		fwsched_queue_destroy(r->fq);
	} else if (r->impl == FLOOR) {
		flush_work(&r->floor_work);
	} else {
		/* Forced teardown, as a driver does it: no waiting for the queue. */
		drm_sched_entity_fini(&r->drm->ent);
		drm_sched_fini(&r->drm->sched);
		kfree(r->drm);
	}
	hrtimer_cancel(&r->timer);
	kfree(r);
}

/* A job for @r with room for @deps dependencies, each consuming a reference. */
static struct bjob *bjob_new(struct bring *r, unsigned int ndeps,
			     struct dma_fence **deps)
{
	size_t sz = offsetof(struct bjob, fw);
	struct bjob *j;
	unsigned int i;
	int ret = 0;

	sz += is_fwsched(r->impl) ? sizeof(struct fwsched_job) :
	      r->impl == FLOOR ? sizeof(struct dma_fence) : sizeof(struct drm_sched_job);
	j = kzalloc(sz, GFP_KERNEL);
	if (!j)
		return NULL;
	j->ring = r;
	INIT_LIST_HEAD(&j->link);
	if (r->impl != FLOOR) {
		j->hw = kzalloc_obj(*j->hw, GFP_KERNEL);
		if (!j->hw)
			goto err;
	}

	switch (r->impl) {
	case FWSCHED:
	case FWSCHED_DIRECT:
	case FWSCHED_WORK:
	case FWSCHED_KTHREAD:
		ret = fwsched_job_init(&j->fw, r->fq, 1, ndeps);
		for (i = 0; !ret && i < ndeps; i++)
			ret = fwsched_job_add_dependency(&j->fw, deps[i]);
		break;
	case DRM_WQ:
	case DRM_SHARED:
		ret = drm_sched_job_init(&j->drm, &r->drm->ent, 1, NULL, 0);
		for (i = 0; !ret && i < ndeps; i++)
			ret = drm_sched_job_add_dependency(&j->drm, deps[i]);
		break;
	case FLOOR:
	default:
		for (i = 0; i < ndeps; i++)
			dma_fence_put(deps[i]);
		break;
	}
	if (ret)
		goto err;
	return j;
err:
	kfree(j->hw);
	kfree(j);
	return NULL;
}

/*
 * Push @j; return a reference to its finished fence (NULL for the floor,
 * whose fence goes with the job).  The reference is taken before the push:
 * once pushed, the job may complete and be freed at any moment (with
 * direct run, before the push even returns).
 */
static struct dma_fence *bjob_push(struct bjob *j)
{
	struct bring *r = j->ring;
	struct dma_fence *f;

	switch (r->impl) {
	case FWSCHED:
	case FWSCHED_DIRECT:
	case FWSCHED_WORK:
	case FWSCHED_KTHREAD:
		fwsched_job_arm(&j->fw);
		f = dma_fence_get(fwsched_job_finished(&j->fw));
		fwsched_job_push(&j->fw);
		return f;
	case DRM_WQ:
	case DRM_SHARED:
		drm_sched_job_arm(&j->drm);
		f = dma_fence_get(&j->drm.s_fence->finished);
		drm_sched_entity_push_job(&j->drm);
		return f;
	case FLOOR:
	default:
		dma_fence_init(&j->floor_fence, &bfw_ops, NULL, r->hw_context,
			       ++r->hw_seqno);
		spin_lock_irq(&r->lock);
		list_add_tail(&j->link, &r->floor_list);
		spin_unlock_irq(&r->lock);
		/* Amortised dispatch: one work item per batch of 16. */
		if (!(r->hw_seqno & 15))
			queue_work(bench.floor_wq, &r->floor_work);
		return NULL;
	}
}

/* Push @n jobs without dependencies to @r; return how many were pushed. */
static unsigned int push_n(struct bring *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct bjob *j = bjob_new(r, 0, NULL);

		if (!j)
			break;
		dma_fence_put(bjob_push(j));
	}
	return i;
}

static void bench_expect(unsigned int n)
{
	atomic_set(&bench.freed, 0);
	bench.target = n;
	reinit_completion(&bench.all_freed);
}

static int bench_wait_freed(struct bring **rings, unsigned int nr)
{
	unsigned int i;

	for (i = 0; rings && i < nr; i++)
		if (rings[i]->impl == FLOOR)
			queue_work(bench.floor_wq, &rings[i]->floor_work);
	if (!wait_for_completion_timeout(&bench.all_freed, 120 * HZ)) {
		pr_err("fwsched-bench: jobs never freed (%d of %u)\n",
		       atomic_read(&bench.freed), bench.target);
		return -ETIMEDOUT;
	}
	return 0;
}

static unsigned long slab_bytes(void)
{
	return (global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B) +
		global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B)) << PAGE_SHIFT;
}

static unsigned int nr_kthreads(void)
{
	struct task_struct *g, *t;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_process_thread(g, t)
		if (t->flags & PF_KTHREAD)
			n++;
	rcu_read_unlock();
	return n;
}

/* Context switches of every task: on one CPU, each worker wakeup is one. */
static u64 nr_switches(void)
{
	struct task_struct *g, *t;
	u64 n = 0;

	rcu_read_lock();
	for_each_process_thread(g, t)
		n += t->nvcsw + t->nivcsw;
	rcu_read_unlock();
	return n;
}

#define REPORT(sc, im, rep, fmt, ...) \
	pr_info("FWSCHED-BENCH scenario=%s impl=%s rep=%u " fmt "\n", \
		sc, impl_names[im], rep, ##__VA_ARGS__)

/* ---- scenarios ------------------------------------------------------------------ */

/* N jobs spread over @nq rings, instant completion: ns per job. */
static int run_spread(const char *sc, enum impl im, unsigned int rep,
		      unsigned int nq, unsigned int n)
{
	struct bring **r;
	unsigned int i, created = 0, k0 = nr_kthreads();
	u64 t0, t1, t2, t3, sw, d0, p0, d1, p1;
	int ret = 0;

	if (!n || !nq)
		return -EINVAL;
	r = kcalloc(nq, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	t0 = ktime_get_ns();
	for (i = 0; i < nq; i++, created++) {
		r[i] = bring_new(im, 64, false);
		if (IS_ERR(r[i])) {
			ret = PTR_ERR(r[i]);
			goto out;
		}
	}
	t1 = ktime_get_ns();
	if (nq >= 64) {
		REPORT(sc, im, rep, "queues=%u create_ns_per_queue=%llu", nq, (t1 - t0) / nq);
		REPORT(sc, im, rep, "queues=%u kthreads_per_queue_x1000=%u", nq,
		       (nr_kthreads() - k0) * 1000 / nq);
	}

	bench_expect(n);
	fwsched_runner_stats(&d0, &p0);
	sw = nr_switches();
	t1 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		struct bjob *j = bjob_new(r[i % nq], 0, NULL);

		if (!j) {
			ret = -ENOMEM;
			goto out;
		}
		dma_fence_put(bjob_push(j));
	}
	ret = bench_wait_freed(r, nq);
	t2 = ktime_get_ns();
	sw = nr_switches() - sw;
	if (!ret) {
		REPORT(sc, im, rep, "queues=%u jobs=%u ns_per_job=%llu", nq, n, (t2 - t1) / n);
		REPORT(sc, im, rep, "queues=%u jobs=%u switches_per_job_x1000=%llu", nq, n,
		       sw * 1000 / n);
		fwsched_runner_stats(&d1, &p1);
		if (im == FWSCHED) {
			REPORT(sc, im, rep, "queues=%u jobs=%u dispatches_per_job_x1000=%llu",
			       nq, n, (d1 - d0) * 1000 / n);
			REPORT(sc, im, rep, "queues=%u jobs=%u passes_per_job_x1000=%llu",
			       nq, n, (p1 - p0) * 1000 / n);
		}
	}
out:
	t2 = ktime_get_ns();
	for (i = 0; i < created; i++)
		bring_destroy(r[i]);
	t3 = ktime_get_ns();
	if (!ret && nq >= 64)
		REPORT(sc, im, rep, "queues=%u destroy_ns_per_queue=%llu", nq, (t3 - t2) / nq);
	kfree(r);
	return ret;
}

/* Small rings (4 credits); the firmware completes in batches of 4. */
static int run_backpressure(enum impl im, unsigned int rep, unsigned int n)
{
	struct bring *r = bring_new(im, 4, im != FLOOR);
	unsigned int i, done = 0;
	u64 t0, t1, sw;
	int ret = 0;

	if (IS_ERR(r))
		return PTR_ERR(r);
	if (!n) {
		bring_destroy(r);
		return -EINVAL;
	}
	bench_expect(n);
	sw = nr_switches();
	t0 = ktime_get_ns();
	i = push_n(r, n);
	if (i < n)
		ret = -ENOMEM;
	while (!ret && im != FLOOR && done < i) {
		unsigned int want = min(4u, i - done);

		if (!wait_event_timeout(bench.fw_wait, READ_ONCE(r->nr_in_flight) >= want,
					60 * HZ)) {
			ret = -ETIMEDOUT;
			break;
		}
		done += bring_complete(r, want, 0);
	}
	if (!ret)
		ret = bench_wait_freed(&r, 1);
	t1 = ktime_get_ns();
	sw = nr_switches() - sw;
	if (!ret) {
		REPORT("backpressure", im, rep, "credits=4 batch=4 jobs=%u ns_per_job=%llu",
		       n, (t1 - t0) / n);
		/* The bench thread waits for each batch: two of these are its own. */
		REPORT("backpressure", im, rep,
		       "credits=4 batch=4 jobs=%u switches_per_job_x1000=%llu", n,
		       sw * 1000 / n);
	}
	bring_destroy(r);
	return ret;
}

/* How the firmware of a chain completes its jobs. */
enum chain_fw {
	CHAIN_INSTANT,		/* at once, in run_job */
	CHAIN_CPU_WAIT,		/* when told, in chain order */
	CHAIN_FW_WAIT,		/* the same, the rings in one fw_scope */
};

/*
 * Scenario 4: a chain of @n jobs hopping across @nq rings, ns per hop.
 *
 * CHAIN_INSTANT: the firmware completes each job at once.  The others: a
 * firmware that completes each job only when told, in chain order (what a
 * real GPU does: the hop costs what the scheduler does between two jobs).
 * CHAIN_CPU_WAIT: the dependency is waited for on the CPU (its finished
 * fence signals, the dependent's queue is kicked, run_job).  CHAIN_FW_WAIT,
 * fwsched only: the rings share a fw_scope, so the dependent goes to the
 * firmware as soon as its dependency has been given to it, and the
 * firmware does the wait (here: it completes in chain order anyway).
 */
static int run_chain(enum impl im, unsigned int rep, unsigned int nq, unsigned int n,
		     enum chain_fw fw)
{
	static const char * const wait[] = { "", " deferred=1 wait=cpu", " deferred=1 wait=fw" };
	struct bring *r[8];
	struct dma_fence *prev = NULL;
	unsigned int i, created = 0;
	u64 t0, t1, d0, p0, d1, p1;
	int ret = 0;

	if (fw != CHAIN_INSTANT &&
	    (im == FLOOR || im == FWSCHED_DIRECT || (fw == CHAIN_FW_WAIT && im != FWSCHED)))
		return 0;
	if (!n || !nq || nq > ARRAY_SIZE(r))
		return -EINVAL;

	bring_fw_scope = fw == CHAIN_FW_WAIT ? &bench_device : NULL;
	for (i = 0; i < nq; i++, created++) {
		r[i] = bring_new(im, 64, fw != CHAIN_INSTANT);
		if (IS_ERR(r[i])) {
			ret = PTR_ERR(r[i]);
			goto out;
		}
	}
	bench_expect(n);
	fwsched_runner_stats(&d0, &p0);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		struct bjob *j = bjob_new(r[i % nq], prev ? 1 : 0, &prev);

		if (!j) {
			ret = -ENOMEM;
			goto out;
		}
		/* The floor has no dependencies to wait for: NULL. */
		prev = bjob_push(j);
	}
	dma_fence_put(prev);
	/* Deferred: job i is the oldest on its ring once it is there. */
	for (i = 0; fw != CHAIN_INSTANT && i < n && !ret; i++) {
		struct bring *ri = r[i % nq];

		if (!wait_event_timeout(bench.fw_wait, READ_ONCE(ri->nr_in_flight), 60 * HZ))
			ret = -ETIMEDOUT;
		else
			bring_complete(ri, 1, 0);
	}
	ret = ret ?: bench_wait_freed(r, nq);
	t1 = ktime_get_ns();
	fwsched_runner_stats(&d1, &p1);
	if (!ret)
		REPORT("chain", im, rep, "queues=%u%s hops=%u ns_per_hop=%llu", nq, wait[fw], n,
		       (t1 - t0) / n);
	if (!ret && im == FWSCHED) {
		REPORT("chain", im, rep, "queues=%u%s hops=%u dispatches_per_hop_x1000=%llu",
		       nq, wait[fw], n, (d1 - d0) * 1000 / n);
		REPORT("chain", im, rep, "queues=%u%s hops=%u passes_per_hop_x1000=%llu",
		       nq, wait[fw], n, (p1 - p0) * 1000 / n);
	}
out:
	bring_fw_scope = NULL;
	for (i = 0; i < created; i++)
		bring_destroy(r[i]);
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Hardware done on ring 0 -> finished fence -> dependent job's run on ring 1. */
static int run_latency(enum impl im, unsigned int rep, unsigned int n)
{
	struct bring *a, *b;
	u64 *lat;
	unsigned int i;
	int ret = 0;

	if (im == FLOOR)
		return 0;
	lat = kvcalloc(n, sizeof(*lat), GFP_KERNEL);
	a = bring_new(im, 4, true);
	b = bring_new(im, 4, false);
	if (!lat || IS_ERR(a) || IS_ERR(b)) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !ret; i++) {
		struct bjob *ja = bjob_new(a, 0, NULL), *jb;
		struct dma_fence *fa, *fb;
		ktime_t ran_at = 0, done_at;

		if (!ja) {
			ret = -ENOMEM;
			break;
		}
		bench_expect(2);
		fa = bjob_push(ja);
		jb = bjob_new(b, 1, &fa);
		if (!jb) {
			ret = -ENOMEM;
			break;
		}
		jb->ran_at = &ran_at;
		fb = bjob_push(jb);
		if (!wait_event_timeout(bench.fw_wait, READ_ONCE(a->nr_in_flight), 60 * HZ)) {
			ret = -ETIMEDOUT;
			break;
		}
		done_at = ktime_get();
		bring_complete(a, 1, 0);
		if (dma_fence_wait_timeout(fb, false, 60 * HZ) <= 0)
			ret = -ETIMEDOUT;
		dma_fence_put(fb);
		if (!ret)
			ret = bench_wait_freed(NULL, 0);
		lat[i] = ktime_to_ns(ktime_sub(ran_at, done_at));
	}
	if (!ret) {
		sort(lat, n, sizeof(*lat), cmp_u64, NULL);
		REPORT("latency", im, rep, "samples=%u p50_ns=%llu p99_ns=%llu",
		       n, lat[n / 2], lat[n * 99 / 100]);
	}
out:
	if (!IS_ERR_OR_NULL(a))
		bring_destroy(a);
	if (!IS_ERR_OR_NULL(b))
		bring_destroy(b);
	kvfree(lat);
	return ret;
}

/* Destroy a ring with 1024 jobs queued and 64 on the hardware. */
static int run_teardown(enum impl im, unsigned int rep)
{
	struct bring *r = bring_new(im, 64, true);
	unsigned int n = 1024 + 64;
	u64 t0, t1;
	int ret = 0;

	if (IS_ERR(r))
		return PTR_ERR(r);
	if (im == FLOOR) {
		bring_destroy(r);
		return 0;
	}
	bench_expect(n);
	if (push_n(r, n) < n)
		ret = -ENOMEM;
	if (!wait_event_timeout(bench.fw_wait, READ_ONCE(r->nr_in_flight) >= 64, 60 * HZ))
		ret = -ETIMEDOUT;
	t0 = ktime_get_ns();
	bring_destroy(r);
	if (!ret)
		ret = bench_wait_freed(NULL, 0);
	t1 = ktime_get_ns();
	if (!ret)
		REPORT("teardown", im, rep, "queued=1024 running=64 destroy_ns=%llu", t1 - t0);
	return ret;
}

/* Slab bytes per job in flight with 0, 1 and 4 unsignalled dependencies. */
static int run_memory(enum impl im, unsigned int rep)
{
	static const unsigned int ndeps[] = { 0, 1, 4 };
	const unsigned int n = 8192;
	struct dma_fence *gate[4];
	unsigned int k, i, g;
	int ret = 0;

	if (im == FLOOR)
		return 0;
	for (k = 0; k < ARRAY_SIZE(ndeps) && !ret; k++) {
		struct bring *r = bring_new(im, n, true);
		struct bjob *last = NULL;
		unsigned long s0;

		if (IS_ERR(r))
			return PTR_ERR(r);
		for (g = 0; g < ARRAY_SIZE(gate); g++) {
			gate[g] = kzalloc_obj(*gate[g], GFP_KERNEL);
			if (!gate[g])
				return -ENOMEM;
			dma_fence_init(gate[g], &bfw_ops, NULL, dma_fence_context_alloc(1), 1);
		}
		bench_expect(n);
		s0 = slab_bytes();
		for (i = 0; i < n; i++) {
			struct dma_fence *deps[4];
			struct bjob *j;

			for (g = 0; g < ndeps[k]; g++)
				deps[g] = dma_fence_get(gate[g]);
			j = bjob_new(r, ndeps[k], deps);
			if (!j) {
				ret = -ENOMEM;
				break;
			}
			dma_fence_put(bjob_push(j));
			last = j;
		}
		if (!ndeps[k] && !wait_event_timeout(bench.fw_wait,
						     READ_ONCE(r->nr_in_flight) >= n, 60 * HZ))
			ret = -ETIMEDOUT;
		if (!ret)
			REPORT("memory", im, rep, "deps=%u slab_bytes_per_job=%lu",
			       ndeps[k], (slab_bytes() - s0) / n);
		/* fwsched's only allocation per job: the finished fence + deps. */
		if (!ret && is_fwsched(im) && last)
			REPORT("memory", im, rep, "deps=%u fwsched_alloc_bytes_per_job=%zu",
			       ndeps[k], ksize(last->fw.finished));
		for (g = 0; g < ARRAY_SIZE(gate); g++) {
			dma_fence_signal(gate[g]);
			dma_fence_put(gate[g]);
		}
		/* Now every job gets onto the hardware; let the firmware finish. */
		while (!ret && atomic_read(&bench.freed) < n) {
			if (!wait_event_timeout(bench.fw_wait, READ_ONCE(r->nr_in_flight) ||
						atomic_read(&bench.freed) >= n, 60 * HZ))
				ret = -ETIMEDOUT;
			bring_complete(r, UINT_MAX, 0);
		}
		if (!ret)
			ret = bench_wait_freed(NULL, 0);
		bring_destroy(r);
	}
	return ret;
}

static unsigned long used_bytes(void)
{
	return (totalram_pages() - global_zone_page_state(NR_FREE_PAGES)) << PAGE_SHIFT;
}

/*
 * Memory per queue, in a boot of its own (make bench boots one per
 * implementation): slab bytes, all memory including kernel-thread stacks,
 * and kernel threads, for 4096 queues.
 */
static int run_qmem(enum impl im, unsigned int rep)
{
	const unsigned int nq = 4096;
	struct bring **r = kvcalloc(nq, sizeof(*r), GFP_KERNEL);
	unsigned long s0, u0;
	unsigned int i, k0;
	int ret = 0;

	if (!r)
		return -ENOMEM;
	k0 = nr_kthreads();
	s0 = slab_bytes();
	u0 = used_bytes();
	for (i = 0; i < nq; i++) {
		r[i] = bring_new(im, 64, false);
		if (IS_ERR(r[i])) {
			ret = PTR_ERR(r[i]);
			break;
		}
	}
	if (!ret) {
		REPORT("qmem", im, rep, "queues=%u slab_bytes_per_queue=%lu", nq,
		       (slab_bytes() - s0) / nq);
		REPORT("qmem", im, rep, "queues=%u total_bytes_per_queue=%lu", nq,
		       (used_bytes() - u0) / nq);
		REPORT("qmem", im, rep, "queues=%u kthreads_per_queue_x1000=%u", nq,
		       (nr_kthreads() - k0) * 1000 / nq);
	}
	while (i--)
		bring_destroy(r[i]);
	kvfree(r);
	return ret;
}

/*
 * Scenario 6: 64 queues, 16 per priority level, always backlogged, over 8
 * firmware slots; the firmware runs one 1 ms job per bound ring at a time.
 * fwsched: a slot pool (8 slots, 1 reserved for high, 1 for realtime,
 * quantum 4).  drm_sched: the usual answer without slots, one scheduler
 * with credit_limit 8 for all 64 entities, at drm_sched's priorities, with
 * the policy gpu-sched was loaded with (fifo, or fair in its own boot).
 * Service gaps (time between two runs of a queue) give starvation; runs per
 * queue give the share.  Three variants: plain; grouped (fwsched: the
 * queues in 16 slot groups of 4 of one level, a group per slot; drm_sched
 * has no groups and runs as in plain); long (a quarter of each level's
 * queues have 20 ms jobs; fwsched's pool adds a 10 ms time slice to the
 * job quantum, whichever ends first; no preemption in this firmware, so a
 * holder whose slice is over drains).
 */
#define SLOTS_QUEUES	64
#define SLOTS_NR	8
#define SLOTS_BACKLOG	60
#define SLOTS_JOB_US	1000
/* grouped: groups of 4 queues of one level (fwsched only: 16 groups). */
#define SLOTS_GROUP	4
/* long: a quarter of each level's queues have 20 ms jobs; 10 ms slices. */
#define SLOTS_LONG_US	20000
#define SLOTS_SLICE_US	10000

enum { SLOTS_PLAIN, SLOTS_GROUPED, SLOTS_LONG, SLOTS_VARIANTS };
static const char * const slots_variant[SLOTS_VARIANTS] = { "plain", "grouped", "long" };
#define SLOTS_RUN_MS	400

/*
 * The share of turns slot.h states for level @lv when every level is busy,
 * in thousandths: each level below the highest gets one turn in
 * FWSCHED_SLOT_AGE_LIMIT + 1, the highest the rest.
 */
static unsigned int slots_rule_share(int lv)
{
	unsigned int one = 1000 / (FWSCHED_SLOT_AGE_LIMIT + 1);

	return lv < FWSCHED_PRIO_COUNT - 1 ? one : 1000 - (FWSCHED_PRIO_COUNT - 1) * one;
}

static int run_slots(enum impl im, unsigned int rep, int variant)
{
	struct fwsched_slot_pool_args pargs = {
		.nr_slots = SLOTS_NR, .quantum = 4,
		.reserved = { [FWSCHED_PRIO_HIGH] = 1, [FWSCHED_PRIO_REALTIME] = 1 },
		.quantum_us = variant == SLOTS_LONG ? SLOTS_SLICE_US : 0,
	};
	struct fwsched_group *groups[SLOTS_QUEUES / SLOTS_GROUP] = { };
	const char *vname = slots_variant[variant];
	struct drm_sched_init_args dargs = {
		.ops = &drm_ops, .num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = SLOTS_NR, .timeout = MAX_SCHEDULE_TIMEOUT,
		.name = "bench-slots", .dev = bench.dev,
	};
	u64 level_runs[FWSCHED_PRIO_COUNT] = { }, total = 0, worst = 0, low_worst = 0;
	u64 level_worst[FWSCHED_PRIO_COUNT] = { };
	u64 err_max = 0, mean, dev, gap, now_gap;
	struct drm_gpu_scheduler *sched = NULL;
	const char *policy = im == DRM_WQ ? drm_policy : "slots";
	struct bring **r;
	unsigned int i, k, created = 0;
	ktime_t t0, now;
	int lv, ret = 0;

	if (im != FWSCHED && im != DRM_WQ)
		return 0;
	r = kcalloc(SLOTS_QUEUES, sizeof(*r), GFP_KERNEL);
	bench.max_gaps = SLOTS_QUEUES * SLOTS_BACKLOG;
	bench.nr_gaps = 0;
	bench.gaps = kvcalloc(bench.max_gaps, sizeof(u64), GFP_KERNEL);
	if (!r || !bench.gaps) {
		ret = -ENOMEM;
		goto out;
	}
	if (im == FWSCHED) {
		bring_pool = fwsched_slot_pool_create(&pargs);
		if (IS_ERR(bring_pool)) {
			ret = PTR_ERR(bring_pool);
			bring_pool = NULL;
			goto out;
		}
		for (i = 0; variant == SLOTS_GROUPED && i < ARRAY_SIZE(groups); i++) {
			struct fwsched_group_args gargs = {
				.pool = bring_pool, .priority = i % FWSCHED_PRIO_COUNT,
			};

			groups[i] = fwsched_group_create(&gargs);
			if (IS_ERR(groups[i])) {
				ret = PTR_ERR(groups[i]);
				groups[i] = NULL;
				goto out;
			}
		}
	} else {
		sched = kzalloc_obj(*sched, GFP_KERNEL);
		ret = sched ? drm_sched_init(sched, &dargs) : -ENOMEM;
		if (ret) {
			kfree(sched);
			sched = NULL;
			goto out;
		}
		bring_sched = sched;
	}
	for (i = 0; i < SLOTS_QUEUES; i++, created++) {
		/* Queue i: level i % 4, the (i / 4)-th of its level. */
		bring_level = i % FWSCHED_PRIO_COUNT;
		bring_group = groups[bring_level +
				     FWSCHED_PRIO_COUNT * (i / FWSCHED_PRIO_COUNT / SLOTS_GROUP)];
		r[i] = bring_new(im, 2, true);
		bring_group = NULL;
		if (IS_ERR(r[i])) {
			ret = PTR_ERR(r[i]);
			goto out;
		}
		r[i]->job_us = variant == SLOTS_LONG && (i / FWSCHED_PRIO_COUNT) % 4 == 0 ?
			       SLOTS_LONG_US : SLOTS_JOB_US;
	}

	bench_expect(SLOTS_QUEUES * SLOTS_BACKLOG);
	t0 = ktime_get();
	for (i = 0; i < SLOTS_QUEUES; i++)
		r[i]->last_run = t0;
	for (k = 0; k < SLOTS_BACKLOG && !ret; k++)
		for (i = 0; i < SLOTS_QUEUES && !ret; i++)
			if (push_n(r[i], 1) != 1)
				ret = -ENOMEM;
	if (ret)
		goto out;
	schedule_timeout_uninterruptible(msecs_to_jiffies(SLOTS_RUN_MS));

	now = ktime_get();
	for (i = 0; i < SLOTS_QUEUES; i++) {
		spin_lock_irq(&r[i]->lock);
		now_gap = ktime_to_ns(ktime_sub(now, r[i]->last_run));
		gap = max(r[i]->max_gap, now_gap);
		level_runs[i % FWSCHED_PRIO_COUNT] += r[i]->runs;
		spin_unlock_irq(&r[i]->lock);
		worst = max(worst, gap);
		level_worst[i % FWSCHED_PRIO_COUNT] = max(level_worst[i % FWSCHED_PRIO_COUNT], gap);
		if (i % FWSCHED_PRIO_COUNT == FWSCHED_PRIO_LOW)
			low_worst = max(low_worst, gap);
	}
	for (lv = 0; lv < FWSCHED_PRIO_COUNT; lv++)
		total += level_runs[lv];
	/* Share error: the widest deviation from the mean within a level. */
	for (lv = 0; lv < FWSCHED_PRIO_COUNT; lv++) {
		mean = level_runs[lv] / (SLOTS_QUEUES / FWSCHED_PRIO_COUNT);
		for (i = lv; i < SLOTS_QUEUES; i += FWSCHED_PRIO_COUNT) {
			dev = r[i]->runs > mean ? r[i]->runs - mean : mean - r[i]->runs;
			if (mean)
				err_max = max(err_max, dev * 1000 / mean);
			else if (r[i]->runs)
				err_max = max(err_max, 1000ULL);
		}
	}
	sort(bench.gaps, bench.nr_gaps, sizeof(u64), cmp_u64, NULL);
	REPORT("slots", im, rep,
	       "policy=%s variant=%s runs=%llu share_err_x1000=%llu worst_gap_ns=%llu low_worst_gap_ns=%llu p99_gap_ns=%llu",
	       policy, vname, total, err_max, worst, low_worst,
	       bench.nr_gaps ? bench.gaps[bench.nr_gaps * 99 / 100] : 0);
	for (lv = 0; lv < FWSCHED_PRIO_COUNT; lv++) {
		REPORT("slots", im, rep,
		       "policy=%s variant=%s level=%d share_x1000=%llu worst_gap_ns=%llu",
		       policy, vname, lv, total ? level_runs[lv] * 1000 / total : 0,
		       level_worst[lv]);
		if (im == FWSCHED)
			REPORT("slots", im, rep,
			       "policy=%s variant=%s level=%d share_rule_x1000=%u",
			       policy, vname, lv, slots_rule_share(lv));
	}
out:
	/* Queues (entities) first, then what they share, then the rings. */
	for (i = 0; i < created; i++) {
		if (is_fwsched(im))
			fwsched_queue_destroy(r[i]->fq);
		else
			drm_sched_entity_fini(&r[i]->drm->ent);
	}
	if (sched) {
		drm_sched_fini(sched);
		kfree(sched);
	}
	for (i = 0; i < ARRAY_SIZE(groups); i++)
		WARN_ON(fwsched_group_destroy(groups[i]));
	for (i = 0; i < created; i++) {
		hrtimer_cancel(&r[i]->timer);
		kfree(r[i]->drm);
		kfree(r[i]);
	}
	if (!ret)
		ret = bench_wait_freed(NULL, 0);
	if (bring_pool)
		WARN_ON(fwsched_slot_pool_destroy(bring_pool));
	bring_pool = NULL;
	bring_sched = NULL;
	bring_level = FWSCHED_PRIO_NORMAL;
	kvfree(bench.gaps);
	bench.gaps = NULL;
	bench.max_gaps = 0;
	kfree(r);
	return ret;
}

/*
 * Scenario 7: submit latency under CPU overload.  A SCHED_FIFO submitter
 * (sched_set_fifo(): priority 50) pushes jobs one after the other, each
 * depending on a fence that an hrtimer signals OVL_DEP_US later; beside it
 * @busy SCHED_OTHER threads and one SCHED_FIFO thread of the lowest
 * real-time priority spin.  Measured: the time from the dependency's
 * signal (stamped in the timer, in hard interrupt context) to run_job's
 * entry, in guest nanoseconds.  Every queue is at FWSCHED_PRIO_REALTIME,
 * so fwsched_kthread runs on fwsched's real-time worker; the other
 * implementations run where they always do.  A configuration stops after
 * OVL_JOBS jobs or OVL_BUDGET_MS of guest time, whichever comes first:
 * "measured" says how many it measured (the bench kernel's hrtimers have
 * the tick's resolution, 4 ms).  A job whose worker has not run
 * OVL_STARVED_MS after its dependency is "starved" (a worker starved by
 * the real-time spinner runs only if the scheduler's fair server lets it):
 * the spinners stop, its latency is measured as it comes (at least that
 * second), and the configuration ends there.
 */
#define OVL_JOBS	1000
#define OVL_DEP_US	200
#define OVL_BUDGET_MS	6000
#define OVL_STARVED_MS	1000

struct ovl_dep {
	struct hrtimer timer;
	struct dma_fence *fence;
	ktime_t signalled_at;
};

static enum hrtimer_restart ovl_dep_fire(struct hrtimer *t)
{
	struct ovl_dep *d = container_of(t, struct ovl_dep, timer);

	d->signalled_at = ktime_get();
	dma_fence_signal(d->fence);
	return HRTIMER_NORESTART;
}

struct ovl {
	enum impl im;
	unsigned int rep, busy;
	struct bring *r;
	u64 *lat;
	unsigned int n;
	int ret;
	bool stop;
	bool starved;		/* a job did not run within the budget */
	struct completion done;
};

static int ovl_spin(void *data)
{
	struct ovl *o = data;

	/* A user-space hog is preempted at any instruction; so is this. */
	while (!READ_ONCE(o->stop) && !kthread_should_stop())
		cond_resched();
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static int ovl_submit(void *data)
{
	struct ovl *o = data;
	struct task_struct *rt_hog;
	ktime_t end;
	struct ovl_dep d;
	long left;

	sched_set_fifo(current);
	rt_hog = kthread_run(ovl_spin, o, "fwsched-bench-rthog");
	if (IS_ERR(rt_hog)) {
		o->ret = PTR_ERR(rt_hog);
		goto out;
	}
	sched_set_fifo_low(rt_hog);
	hrtimer_setup_on_stack(&d.timer, ovl_dep_fire, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	end = ktime_add_ms(ktime_get(), OVL_BUDGET_MS);
	while (o->n < OVL_JOBS && ktime_before(ktime_get(), end)) {
		ktime_t ran_at = 0;
		struct dma_fence *f, *dep;
		struct bjob *j;

		dep = kzalloc_obj(*dep, GFP_KERNEL);
		if (!dep) {
			o->ret = -ENOMEM;
			break;
		}
		dma_fence_init(dep, &bfw_ops, NULL, dma_fence_context_alloc(1), 1);
		d.fence = dep;
		dma_fence_get(dep);
		j = bjob_new(o->r, 1, &dep);
		if (!j) {
			dma_fence_signal(d.fence);
			dma_fence_put(d.fence);
			o->ret = -ENOMEM;
			break;
		}
		j->ran_at = &ran_at;
		bench_expect(1);
		f = bjob_push(j);
		hrtimer_start(&d.timer, us_to_ktime(OVL_DEP_US), HRTIMER_MODE_REL);
		left = dma_fence_wait_timeout(f, false, 2 + msecs_to_jiffies(OVL_STARVED_MS));
		if (!left) {
			/*
			 * Starved: the implementation's worker did not run
			 * beside the spinners for a second.  Stop them, let it
			 * run, and measure this last job as it comes.
			 */
			o->starved = true;
			WRITE_ONCE(o->stop, true);
			kthread_stop(rt_hog);
			rt_hog = NULL;
			left = dma_fence_wait_timeout(f, false, 60 * HZ);
		}
		if (left <= 0)
			o->ret = -ETIMEDOUT;
		hrtimer_cancel(&d.timer);
		dma_fence_put(f);
		o->ret = o->ret ?: bench_wait_freed(NULL, 0);
		if (!o->ret)
			o->lat[o->n++] = ktime_to_ns(ktime_sub(ran_at, d.signalled_at));
		dma_fence_put(d.fence);
		if (o->ret || o->starved)
			break;
	}
	destroy_hrtimer_on_stack(&d.timer);
	WRITE_ONCE(o->stop, true);
	if (rt_hog)
		kthread_stop(rt_hog);
out:
	complete(&o->done);
	/* kthread_stop() needs us until it is called. */
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static int run_overload(enum impl im, unsigned int rep, unsigned int busy)
{
	struct task_struct **hogs, *sub;
	struct ovl o = { .im = im, .rep = rep, .busy = busy };
	unsigned int i, made = 0;

	if (im == FLOOR)
		return 0;
	init_completion(&o.done);
	o.lat = kvcalloc(OVL_JOBS, sizeof(*o.lat), GFP_KERNEL);
	hogs = kcalloc(busy + 1, sizeof(*hogs), GFP_KERNEL);
	bring_level = FWSCHED_PRIO_REALTIME;
	o.r = bring_new(im, 4, false);
	bring_level = FWSCHED_PRIO_NORMAL;
	if (!o.lat || !hogs || IS_ERR(o.r)) {
		o.ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < busy; i++, made++) {
		hogs[i] = kthread_run(ovl_spin, &o, "fwsched-bench-hog/%u", i);
		if (IS_ERR(hogs[i])) {
			o.ret = PTR_ERR(hogs[i]);
			goto out;
		}
	}
	sub = kthread_run(ovl_submit, &o, "fwsched-bench-submit");
	if (IS_ERR(sub)) {
		o.ret = PTR_ERR(sub);
		goto out;
	}
	wait_for_completion(&o.done);
	kthread_stop(sub);
	if (!o.ret && o.n) {
		sort(o.lat, o.n, sizeof(*o.lat), cmp_u64, NULL);
		REPORT("overload", im, rep,
		       "cpus=%u busy=%u measured=%u starved=%u p50_ns=%llu p99_ns=%llu max_ns=%llu",
		       num_online_cpus(), busy, o.n, o.starved, o.lat[o.n / 2],
		       o.lat[o.n * 99 / 100], o.lat[o.n - 1]);
	}
out:
	WRITE_ONCE(o.stop, true);
	for (i = 0; i < made; i++)
		kthread_stop(hogs[i]);
	if (!IS_ERR_OR_NULL(o.r))
		bring_destroy(o.r);
	kfree(hogs);
	kvfree(o.lat);
	return o.ret;
}

static bool want(const char *list, const char *name)
{
	return !strcmp(list, "all") || !strcmp(list, name);
}

static int run_one(enum impl im, unsigned int rep)
{
	static const unsigned int many[] = { 64, 256, 1024, 4096 };
	static const unsigned int overload_busy[] = { 0, 1, 4, 16 };
	unsigned int i;
	int ret = 0;

	if (want(scenario, "throughput")) {
		ret = ret ?: run_spread("throughput", im, rep, 1, jobs);
		ret = ret ?: run_spread("throughput", im, rep, 64, jobs);
	}
	for (i = 0; want(scenario, "queues") && i < ARRAY_SIZE(many); i++)
		ret = ret ?: run_spread("queues", im, rep, many[i], max(jobs, many[i]));
	if (want(scenario, "backpressure"))
		ret = ret ?: run_backpressure(im, rep, jobs);
	if (want(scenario, "chain")) {
		ret = ret ?: run_chain(im, rep, 2, jobs, CHAIN_INSTANT);
		ret = ret ?: run_chain(im, rep, 8, jobs, CHAIN_INSTANT);
		ret = ret ?: run_chain(im, rep, 2, jobs, CHAIN_CPU_WAIT);
		ret = ret ?: run_chain(im, rep, 2, jobs, CHAIN_FW_WAIT);
	}
	if (want(scenario, "latency"))
		ret = ret ?: run_latency(im, rep, 1000);
	if (want(scenario, "teardown"))
		ret = ret ?: run_teardown(im, rep);
	for (i = 0; want(scenario, "slots") && i < SLOTS_VARIANTS; i++)
		ret = ret ?: run_slots(im, rep, i);
	/* Seconds of guest time per implementation: a boot of its own. */
	for (i = 0; !strcmp(scenario, "overload") && i < ARRAY_SIZE(overload_busy); i++)
		ret = ret ?: run_overload(im, rep, overload_busy[i]);
	/* Memory only when asked: it wants a boot of its own. */
	if (!strcmp(scenario, "memory") && rep == 0)
		ret = ret ?: run_memory(im, rep);
	if (!strcmp(scenario, "qmem") && rep == 0)
		ret = ret ?: run_qmem(im, rep);
	/* One case alone, for the instruction profile. */
	if (!strcmp(scenario, "spread"))
		ret = ret ?: run_spread("spread", im, rep, spread_queues, jobs);
	if (!strcmp(scenario, "hop"))
		ret = ret ?: run_chain(im, rep, spread_queues, jobs, CHAIN_INSTANT);
	return ret;
}

static int __init bench_init(void)
{
	unsigned int rep;
	int im, ret = 0;

	init_completion(&bench.all_freed);
	init_waitqueue_head(&bench.fw_wait);
	bench.shared_wq = alloc_ordered_workqueue("fwsched-bench-shared", WQ_MEM_RECLAIM);
	bench.floor_wq = alloc_workqueue("fwsched-bench-floor", WQ_PERCPU, 0);
	bench.dev = root_device_register("fwsched_bench");
	if (!bench.shared_wq || !bench.floor_wq || IS_ERR(bench.dev) || !jobs) {
		pr_err("fwsched-bench: cannot start (jobs=%u)\n", jobs);
		goto out;
	}

	pr_info("FWSCHED-BENCH-BEGIN scenario=%s impl=%s jobs=%u reps=%u\n",
		scenario, impl, jobs, reps);
	/* Interleaved: A B C D, A B C D, ... in one boot. */
	for (rep = 0; rep < reps && !ret; rep++)
		for (im = 0; im < NR_IMPLS && !ret; im++)
			if (want(impl, impl_names[im]))
				ret = run_one(im, rep);
	pr_info("FWSCHED-BENCH-END ret=%d\n", ret);
out:
	if (!IS_ERR_OR_NULL(bench.dev))
		root_device_unregister(bench.dev);
	if (bench.shared_wq)
		destroy_workqueue(bench.shared_wq);
	if (bench.floor_wq)
		destroy_workqueue(bench.floor_wq);
	/* Everything ran at load time; the result is in the log. */
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("fwsched against drm_sched on one mock firmware");
MODULE_LICENSE("GPL");
