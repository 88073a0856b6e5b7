// SPDX-License-Identifier: GPL-2.0
/*
 * insn-count-plugin.c - a QEMU TCG plugin: how many times each translated
 * block ran, for "make bench PROFILE=1" (scripts/insn_profile.py).
 *
 *   gcc -shared -fPIC -O2 -o insn-count.so insn-count-plugin.c
 *   qemu-system-x86_64 ... -plugin ./insn-count.so,out=FILE
 *
 * At exit, FILE gets one line per block, "VADDR NINSNS COUNT" (hex, dec,
 * dec): the block at guest virtual address VADDR, NINSNS instructions long,
 * ran COUNT times.  The counter is an inline add in the translated code, so
 * the guest's instruction count (-icount) is not changed by it.  A block
 * translated again (the code cache was flushed, or -icount cut it short for
 * an I/O access) adds to the same record if it has the same length.
 *
 * Debian's QEMU is built with plugin support but ships no plugin header:
 * qemu-plugin-api.h declares the few calls of QEMU's stable plugin API
 * that are used (QEMU_PLUGIN_VERSION 1, as in QEMU 7.2).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-api.h"

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

/* --- blocks: an open-addressing table keyed by (vaddr, length) ------------ */
struct block {
	unsigned long long vaddr;
	unsigned long long count;
	unsigned int ninsns;
	bool used;
};

static struct block *table;
static size_t table_size = 1 << 20;	/* entries; power of two */
static size_t table_used;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *out_path;

static size_t hash(unsigned long long vaddr, unsigned int n)
{
	unsigned long long h = (vaddr ^ ((unsigned long long)n << 56)) * 0x9e3779b97f4a7c15ull;

	return h >> 20;
}

static struct block *lookup(unsigned long long vaddr, unsigned int n)
{
	size_t i = hash(vaddr, n) & (table_size - 1);

	while (table[i].used && (table[i].vaddr != vaddr || table[i].ninsns != n))
		i = (i + 1) & (table_size - 1);
	if (!table[i].used) {
		if (++table_used > table_size / 2) {
			/* Never in practice: a kernel boot translates ~100k blocks. */
			fprintf(stderr, "insn-count: table full\n");
			abort();
		}
		table[i].used = true;
		table[i].vaddr = vaddr;
		table[i].ninsns = n;
	}
	return &table[i];
}

static void tb_trans(unsigned long long id, struct qemu_plugin_tb *tb)
{
	struct block *b;

	pthread_mutex_lock(&lock);
	b = lookup(qemu_plugin_tb_vaddr(tb), qemu_plugin_tb_n_insns(tb));
	pthread_mutex_unlock(&lock);
	/* Blocks are never freed, so the counter outlives every translation. */
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->count, 1);
}

static void at_exit(unsigned long long id, void *p)
{
	FILE *f = fopen(out_path, "w");
	size_t i;

	if (!f) {
		perror(out_path);
		return;
	}
	for (i = 0; i < table_size; i++)
		if (table[i].used && table[i].count)
			fprintf(f, "%llx %u %llu\n", table[i].vaddr,
				table[i].ninsns, table[i].count);
	fclose(f);
}

EXPORT int qemu_plugin_install(unsigned long long id, const struct qemu_info_t *info,
			       int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out_path = strdup(argv[i] + 4);
	if (!out_path) {
		fprintf(stderr, "insn-count: out=FILE is required\n");
		return -1;
	}
	table = calloc(table_size, sizeof(*table));
	if (!table)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
