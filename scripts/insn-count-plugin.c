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
 * Debian's QEMU is built with plugin support but ships no plugin header; the
 * few declarations used are those of QEMU's stable plugin API (include/
 * qemu/qemu-plugin.h, QEMU_PLUGIN_VERSION 1, as in QEMU 7.2).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the plugin API (qemu-plugin.h, version 1) ---------------------------- */
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *userdata);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

/* --- blocks: an open-addressing table keyed by (vaddr, length) ------------ */
struct block {
	uint64_t vaddr;
	uint64_t count;
	uint32_t ninsns;
	bool used;
};

static struct block *table;
static size_t table_size = 1 << 20;	/* entries; power of two */
static size_t table_used;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *out_path;

static size_t hash(uint64_t vaddr, uint32_t n)
{
	uint64_t h = (vaddr ^ ((uint64_t)n << 56)) * 0x9e3779b97f4a7c15ull;

	return h >> 20;
}

static struct block *lookup(uint64_t vaddr, uint32_t n)
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

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct block *b;

	pthread_mutex_lock(&lock);
	b = lookup(qemu_plugin_tb_vaddr(tb), qemu_plugin_tb_n_insns(tb));
	pthread_mutex_unlock(&lock);
	/* Blocks are never freed, so the counter outlives every translation. */
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->count, 1);
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	FILE *f = fopen(out_path, "w");
	size_t i;

	if (!f) {
		perror(out_path);
		return;
	}
	for (i = 0; i < table_size; i++)
		if (table[i].used && table[i].count)
			fprintf(f, "%" PRIx64 " %u %" PRIu64 "\n", table[i].vaddr,
				table[i].ninsns, table[i].count);
	fclose(f);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
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
