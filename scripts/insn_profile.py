#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Exact instructions per job, per function, from two bench boots.

    insn_profile.py --vmlinux VMLINUX --jobs N [--top K] [--label L]
                    A.blocks A.log B.blocks B.log

bench.sh (PROFILE=1) boots the x86_64 bench kernel under QEMU -icount with
scripts/insn-count-plugin.c loaded, twice per implementation: once running
N jobs of one throughput case (A) and once 2N (B), everything else the
same.  The plugin writes how often each translated block ran (FILE.blocks:
"VADDR NINSNS COUNT"); the console (FILE.log) carries the loaded modules'
symbols (lines "FWSCHED-KSYM ADDR TYPE NAME [MODULE]", from /proc/kallsyms
while the bench module is still loaded); the kernel's own come from
VMLINUX (the bench kernel has no KASLR).  Each block's instructions
(NINSNS x COUNT) go to the function that contains it, so a function's
figure is its own instructions, without its callees (inlined code counts
where it was inlined).  B - A, divided by N, is what one more job costs:
boot, set-up and teardown cancel.  "calls" counts the runs of the block at
the function's first instruction.

Unlike the function_graph tracer this adds no instruction to the guest (the
counters are inline adds in QEMU's translated code), so the figures add up:
the total is make bench's per-job figure for that case, give or take the
work done outside the timed window (the bench's set-up of its rings).
"""

import argparse
import bisect
import re
import subprocess
import sys

KSYM = re.compile(r"FWSCHED-KSYM ([0-9a-f]+) ([tTwW]) (\S+)\s+\[(\S+)\]")

# What the kernel's functions are for, by name; the modules' go by module.
KINDS = [
    ("allocator", r"slab|kmalloc|kfree|kmem_cache|memset|_pcs|page|partial|buddy"),
    ("workqueue", r"work|pwq|radix_tree|idr_find|kick_pool|move_linked|assign_work|clear_pending|try_to_grab"),
    ("RCU free", r"rcu|is_vmalloc_addr"),
    ("fence core", r"dma_fence"),
    ("clock", r"ktime_get|read_tsc"),
    ("wake-ups", r"wake|complete"),
    ("xarray", r"^xa_|^xas_"),
]


def kind(mod, name):
    if mod != "kernel":
        return mod
    for k, pat in KINDS:
        if re.search(pat, name):
            return k
    return "kernel, other"


def kernel_symbols(vmlinux):
    out = subprocess.run(["nm", "-n", "--defined-only", vmlinux], check=True,
                         capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2], "kernel"))
    return syms


def module_symbols(log):
    syms = []
    with open(log, errors="replace") as f:
        for line in f:
            m = KSYM.search(line)
            if m:
                syms.append((int(m.group(1), 16), m.group(3), m.group(4)))
    return syms


def load_blocks(path):
    blocks = []
    with open(path) as f:
        for line in f:
            vaddr, n, count = line.split()
            blocks.append((int(vaddr, 16), int(n), int(count)))
    return blocks


def attribute(blocks, table):
    addrs = [s[0] for s in table]
    insns, calls = {}, {}
    for vaddr, n, count in blocks:
        i = bisect.bisect_right(addrs, vaddr) - 1
        key = (table[i][2], table[i][1]) if i >= 0 else ("?", "?")
        insns[key] = insns.get(key, 0) + n * count
        if i >= 0 and vaddr == addrs[i]:
            calls[key] = calls.get(key, 0) + count
    return insns, calls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vmlinux", required=True)
    ap.add_argument("--jobs", type=int, required=True, help="B's jobs minus A's")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--label", default="")
    ap.add_argument("files", nargs=4, metavar="A.blocks A.log B.blocks B.log")
    a = ap.parse_args()

    kern = kernel_symbols(a.vmlinux)
    res = []
    for blocks, log in ((a.files[0], a.files[1]), (a.files[2], a.files[3])):
        mods = module_symbols(log)
        if not mods:
            print(f"insn_profile.py: no FWSCHED-KSYM lines in {log}", file=sys.stderr)
            return 1
        table = sorted(kern + mods)
        res.append(attribute(load_blocks(blocks), table))
    (ia, ca), (ib, cb) = res

    per = {}
    for key in set(ia) | set(ib):
        d = (ib.get(key, 0) - ia.get(key, 0)) / a.jobs
        c = (cb.get(key, 0) - ca.get(key, 0)) / a.jobs
        if abs(d) >= 0.5 or abs(c) >= 0.005:
            per[key] = (d, c)
    total = sum(d for d, _ in per.values())
    bymod = {}
    for (mod, _), (d, _) in per.items():
        bymod[mod] = bymod.get(mod, 0) + d

    print(f"{a.label}: {total:.0f} instructions per job "
          f"({', '.join(f'{m} {v:.0f}' for m, v in sorted(bymod.items(), key=lambda x: -x[1]))})")
    bykind = {}
    for (mod, name), (d, _) in per.items():
        k = kind(mod, name)
        bykind[k] = bykind.get(k, 0) + d
    print("  by kind: " + ", ".join(f"{k} {v:.0f}" for k, v in
                                    sorted(bykind.items(), key=lambda x: -x[1])))
    print(f"  {'function':44} {'module':14} {'insns/job':>9} {'calls/job':>9} {'insns/call':>10}")
    for (mod, name), (d, c) in sorted(per.items(), key=lambda x: -x[1][0])[:a.top]:
        pc = f"{d / c:10.0f}" if c >= 0.005 else f"{'':10}"
        print(f"  {name[:44]:44} {mod[:14]:14} {d:9.1f} {c:9.2f} {pc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
