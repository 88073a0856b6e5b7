#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Instructions per call of fwsched's and drm_sched's functions, from a
function_graph trace taken in the x86_64 bench kernel under QEMU -icount.

    profile.py --log LOG [--top N]

bench.sh (PROFILE=1) traces the functions of fwsched, gpu_sched and the
bench module with the function_graph tracer while the throughput scenario
runs for each implementation, and prints the trace on the console, each
line prefixed "FWSCHED-PROFILE ", between "FWSCHED-PROFILE-BEGIN impl=I
jobs=N" and "FWSCHED-PROFILE-END".  Under -icount shift=0 a guest
nanosecond is one instruction, so a traced duration is an instruction count.

For every function: calls per job, instructions per call including its
callees ("incl") and without the traced ones ("self").  The tracer's own
entry and exit code is counted too, several hundred instructions per traced
call ("floor" is the cheapest call seen), and part of it lands in the
caller's self time; a function that sleeps also counts the guest time it
slept.  So rank functions by it, do not add the figures up: it is a map
for optimisation, not a benchmark.  make bench's figures are taken
untraced.
"""

import argparse
import re
import sys

LINE = re.compile(r"FWSCHED-PROFILE (.*)$")
BEGIN = re.compile(r"FWSCHED-PROFILE-BEGIN impl=(\S+) jobs=(\d+)(?: overrun=\D*(\d+))?")
# " 0)   1.234 us    |    func [mod]();"  or  "} /* func [mod] */"  or  "func() {"
ENTRY = re.compile(r"^\s*\d+\)\s+(?:[+!#*@$]\s*)?(?:([\d.]+) us)?\s*\|\s*(.*)$")


def name_of(text):
    return re.sub(r"\s*\[[^\]]*\]", "", text).strip()


def parse(log):
    runs = {}
    impl = None
    stack = []
    for raw in open(log, errors="replace"):
        m = BEGIN.search(raw)
        if m:
            impl = (m.group(1), int(m.group(2)))
            runs[impl] = {}
            if m.group(3) and int(m.group(3)):
                print(f"profile.py: {m.group(1)}: the trace buffer overran "
                      f"({m.group(3)} entries lost): figures are partial", file=sys.stderr)
            stack = []
            continue
        if "FWSCHED-PROFILE-END" in raw:
            impl = None
            continue
        m = LINE.search(raw)
        if not m or impl is None:
            continue
        e = ENTRY.match(m.group(1).rstrip("\r"))
        if not e:
            continue
        dur = float(e.group(1)) * 1000 if e.group(1) else None
        body = e.group(2).strip()
        stats = runs[impl]
        if body.endswith("{"):
            stack.append([name_of(body[:-1].rstrip().rstrip("()")), 0.0])
        elif body.startswith("}") and dur is not None:
            if not stack:
                continue
            fn, children = stack.pop()
            record(stats, fn, dur, dur - children)
            if stack:
                stack[-1][1] += dur
        elif body.endswith("();") and dur is not None:
            fn = name_of(body[:-3])
            record(stats, fn, dur, dur)
            if stack:
                stack[-1][1] += dur
    return runs


def record(stats, fn, incl, self_):
    s = stats.setdefault(fn, [0, 0.0, 0.0, float("inf")])
    s[0] += 1
    s[1] += incl
    s[2] += self_
    s[3] = min(s[3], incl)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    runs = parse(a.log)
    if not runs:
        print(f"profile.py: no FWSCHED-PROFILE trace in {a.log}", file=sys.stderr)
        return 1
    for (impl, jobs), stats in runs.items():
        floor = min((s[3] for s in stats.values()), default=0)
        print(f"\n{impl}: {jobs} jobs traced; tracer floor {floor:.0f} instructions per "
              f"traced call (rank by these, do not add them up)")
        print(f"  {'function':40} {'calls/job':>9} {'incl/call':>10} {'self/call':>10} "
              f"{'self/job':>9}")
        top = sorted(stats.items(), key=lambda kv: -kv[1][2])[:a.top]
        for fn, (n, incl, self_, _) in top:
            print(f"  {fn[:40]:40} {n / jobs:9.2f} {incl / n:10.0f} {self_ / n:10.0f} "
                  f"{self_ / jobs:9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
