/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The calls of QEMU's stable TCG plugin API (include/qemu/qemu-plugin.h,
 * QEMU_PLUGIN_VERSION 1, as in QEMU 7.2) that insn-count-plugin.c uses,
 * declared here because Debian's QEMU ships no plugin header.  Only the
 * ABI matters: qemu_plugin_id_t is a 64-bit integer, the tb and info
 * structures are opaque, QEMU_PLUGIN_INLINE_ADD_U64 is 0.
 */
#ifndef _FWSCHED_QEMU_PLUGIN_API_H_
#define _FWSCHED_QEMU_PLUGIN_API_H_

#include <stddef.h>

struct qemu_info_t;
struct qemu_plugin_tb;

enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(unsigned long long id,
					   void (*cb)(unsigned long long id,
						      struct qemu_plugin_tb *tb));
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, unsigned long long imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
unsigned long long qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(unsigned long long id,
				    void (*cb)(unsigned long long id, void *userdata),
				    void *userdata);

#endif /* _FWSCHED_QEMU_PLUGIN_API_H_ */
