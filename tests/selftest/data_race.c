// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault: a data race.  Two threads, one per CPU, increment a plain
 * counter without a lock.  Nothing fails and nothing crashes; only KCSAN's
 * console report ("BUG: KCSAN: data-race") can tell the harness.  Loaded
 * on the x86_64 debug kernel only (UML has no KCSAN).  No symbol here
 * starts with "kcsan_": KCSAN leaves such frames out of its reports.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>

#define RACE_LOOPS 2000000

static unsigned long shared_count;
static DECLARE_COMPLETION(go);

struct racer {
	struct task_struct *task;
	struct completion done;
};

static struct racer racers[2];

static int racer_fn(void *arg)
{
	struct racer *r = arg;
	unsigned long i;

	wait_for_completion(&go);
	for (i = 0; i < RACE_LOOPS; i++) {
		shared_count++;	/* the planted race */
		barrier();	/* one load and one store each time, not one add */
	}
	complete(&r->done);
	return 0;
}

static int __init race_init(void)
{
	int i, cpu = cpumask_first(cpu_online_mask);

	for (i = 0; i < ARRAY_SIZE(racers); i++) {
		init_completion(&racers[i].done);
		racers[i].task = kthread_create(racer_fn, &racers[i], "fwsched-racer/%d", i);
		if (IS_ERR(racers[i].task)) {
			int err = PTR_ERR(racers[i].task);

			/* Never woken: kthread_stop() ends them unrun. */
			while (i--)
				kthread_stop(racers[i].task);
			return err;
		}
	}
	for (i = 0; i < ARRAY_SIZE(racers); i++) {
		kthread_bind(racers[i].task, cpu);
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		wake_up_process(racers[i].task);
	}
	complete_all(&go);
	for (i = 0; i < ARRAY_SIZE(racers); i++)
		wait_for_completion(&racers[i].done);
	pr_info("fwsched selftest: planted data race counted %lu\n", shared_count);
	return 0;
}

static void __exit race_exit(void)
{
}

module_init(race_init);
module_exit(race_exit);
MODULE_DESCRIPTION("fwsched harness self-check: a data race for KCSAN");
MODULE_LICENSE("GPL");
