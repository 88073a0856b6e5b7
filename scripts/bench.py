#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a fwsched_bench console log into a table, JSON and a plot.

    bench.py --log LOG [--clock wall|insn] [--insn FILE] [--json OUT]
             [--plot OUT.svg] [--machine TEXT]

--clock insn: the log comes from the x86_64 bench kernel under QEMU with
-icount shift=0,sleep=off, where a guest nanosecond is one retired
instruction and an idle CPU jumps to its next timer: every *_ns figure is
exact, and where no timer is waited for it is an instruction count.
There the last repetition of each case is taken (the first warms slabs),
and where the module ran with N and 2N jobs in the same boot, the per-job
and per-hop figures are the difference, (2N cost - N cost) / N, which
cancels fixed costs.

Every "FWSCHED-BENCH scenario=S impl=I rep=R k=v ..." line is one
measurement.  Keys ending in _ns, ns_per_job, ns_per_hop, _bytes_per_* and
kthreads_per_queue_x1000 are metrics; the other keys (queues=, deps=, ...)
name the case.  For each case and metric: median, min and spread
((max-min)/median) per implementation over the interleaved repetitions, and
ratios of medians: fwsched to each drm_sched variant and to the floor.
With three or more repetitions the first one is a warm-up and is left out.
"""

import argparse
import datetime
import json
import re
import statistics
import subprocess
import sys

IMPLS = ["fwsched", "fwsched_direct", "drm_wq", "drm_shared", "floor"]
SLOT_IMPLS = ["fwsched", "drm_fifo", "drm_fair"]
META = {"scenario", "impl", "rep", "jobs", "samples", "hops", "runs", "policy"}


def is_metric(key):
    return (key.endswith("_ns") or key.startswith("ns_per_") or "bytes_per_" in key
            or key.endswith("_x1000") or key.endswith("_per_queue"))


def parse(log):
    rows = []
    for line in open(log, errors="replace"):
        m = re.search(r"FWSCHED-BENCH (scenario=.*)$", line)
        if not m:
            continue
        kv = dict(p.split("=", 1) for p in m.group(1).split() if "=" in p)
        if kv["scenario"] == "slots" and kv["impl"] != "fwsched":
            # drm_sched in the slots scenario: named by its policy.
            kv["impl"] = "drm_" + kv.get("policy", "fifo")
        case = " ".join(f"{k}={v}" for k, v in kv.items()
                        if k not in META and not is_metric(k))
        for k, v in kv.items():
            if is_metric(k):
                n = int(kv.get("jobs", kv.get("hops", 0)))
                rows.append((kv["scenario"], case, k, kv["impl"], int(kv["rep"]), int(v), n))
    return rows


PER_ITEM = ("ns_per_job", "ns_per_hop")


def deterministic(rows):
    """--clock insn: one value per case, metric and implementation."""
    last = {}
    for sc, case, metric, impl, rep, v, n in rows:
        key = (sc, case, metric, impl)
        if rep >= last.get(key, {}).get(n, (-1, 0))[0]:
            last.setdefault(key, {})[n] = (rep, v)
    out = []
    for (sc, case, metric, impl), by_n in last.items():
        ns = sorted(by_n)
        v = by_n[ns[-1]][1]
        if metric in PER_ITEM and len(ns) >= 2 and ns[0] > 0:
            n1, n2 = ns[0], ns[-1]
            v = round((by_n[n2][1] * n2 - by_n[n1][1] * n1) / (n2 - n1))
        out.append((sc, case, metric, impl, 0, v, ns[-1]))
    return out


def summarise(rows):
    cases = {}
    for sc, case, metric, impl, rep, v, _ in rows:
        cases.setdefault((sc, case, metric), {}).setdefault(impl, []).append(v)
    out = []
    for (sc, case, metric), per in cases.items():
        entry = {"scenario": sc, "case": case, "metric": metric, "impls": {}}
        for impl, vals in per.items():
            # Repetition 0 warms caches and slabs: with three or more
            # repetitions it is a warm-up and is left out.
            if len(vals) >= 3:
                vals = vals[1:]
            med = statistics.median(vals)
            entry["impls"][impl] = {
                "median": med, "min": min(vals), "max": max(vals), "n": len(vals),
                "spread": (max(vals) - min(vals)) / med if med else 0.0,
                "values": vals,
            }
        entry["ratios"] = {}
        for mine in ("fwsched", "fwsched_direct"):
            fw = entry["impls"].get(mine, {}).get("median")
            for other in ("drm_wq", "drm_shared", "floor", "drm_fifo", "drm_fair"):
                om = entry["impls"].get(other, {}).get("median")
                if fw is not None and om:
                    entry["ratios"][f"{mine}/{other}"] = fw / om
        out.append(entry)
    # The floor's rings are the bench's own per-ring struct and nothing
    # else: what an implementation adds on top is what its queue costs.
    for e in list(out):
        if e["metric"] not in ("slab_bytes_per_queue", "total_bytes_per_queue") or \
                "floor" not in e["impls"]:
            continue
        base = e["impls"]["floor"]["median"]
        net = {"scenario": e["scenario"], "case": e["case"],
               "metric": e["metric"].replace("_bytes", "_net_bytes"), "impls": {},
               "ratios": {}}
        for impl, st in e["impls"].items():
            if impl != "floor":
                v = max(st["median"] - base, 0)
                net["impls"][impl] = {"median": v, "min": v, "max": v, "n": st["n"],
                                      "spread": 0.0, "values": [v]}
        fw = net["impls"].get("fwsched", {}).get("median")
        for other in ("drm_wq", "drm_shared"):
            om = net["impls"].get(other, {}).get("median")
            if fw is not None and om:
                net["ratios"][f"fwsched/{other}"] = fw / om
        out.insert(out.index(e) + 1, net)
    return out


def insn_per_job(path):
    """Per-job instructions from boots with N and 2N jobs, or a note."""
    if not path:
        return {}, None
    text = open(path).read()
    if "not supported" in text:
        return {}, text.strip()
    counts = {}
    for m in re.finditer(r"INSN scenario=(\S+) impl=(\S+) jobs=(\d+) insn=(\d+)", text):
        counts.setdefault((m.group(1), m.group(2)), {})[int(m.group(3))] = int(m.group(4))
    res = {}
    for (sc, impl), c in counts.items():
        if len(c) == 2:
            n1, n2 = sorted(c)
            res.setdefault(sc, {})[impl] = (c[n2] - c[n1]) / (n2 - n1)
    return res, None


CLOCK = {"unit": "ns"}


def fmt(v, metric):
    if v is None:
        return "-"
    if CLOCK["unit"] == "insn" and ("_ns" in metric or metric.startswith("ns_")):
        return f"{v:.0f}"
    if "bytes" in metric:
        return f"{v:.0f} B"
    if metric.startswith("share"):
        return f"{v / 10:.1f} %"
    if metric.endswith("_x1000"):
        return f"{v / 1000:.3f}"
    return f"{v / 1000:.2f} us" if v >= 10000 else f"{v:.0f} ns"


def slots_table(summary):
    """Scenario 6: fwsched's slot pool against drm_sched's policies."""
    rows = [e for e in summary if e["scenario"] == "slots"]
    if not rows:
        return ""
    lines = ["", "scenario 6: 64 queues (16 per level, always backlogged) over 8 firmware "
             "slots, 1 ms jobs; share_err = widest deviation from the mean within a level, "
             "gaps = time between two runs of a queue"]
    hdr = f"{'case':16} {'metric':22} " + " ".join(f"{i:>11}" for i in SLOT_IMPLS) \
        + f" {'spread':>7}"
    lines.append(hdr)
    lines.append("-" * len(hdr))
    for e in rows:
        vals = " ".join(f"{fmt(e['impls'].get(i, {}).get('median'), e['metric']):>11}"
                        for i in SLOT_IMPLS)
        spread = max((st["spread"] for st in e["impls"].values()), default=0.0)
        lines.append(f"{(e['case'] or 'all levels')[:16]:16} {e['metric'][:22]:22} {vals}"
                     f" {spread * 100:6.0f}%")
    return "\n".join(lines)


def table(summary):
    lines = []
    hdr = f"{'scenario':13} {'case':30} {'metric':24} " + " ".join(f"{i[:11]:>11}" for i in IMPLS) \
        + f" {'fw/drm_wq':>9} {'fw/drm_sh':>9} {'fw/floor':>9} {'fd/drm_wq':>9} {'spread':>7}"
    lines.append(hdr)
    lines.append("-" * len(hdr))
    for e in summary:
        if e["scenario"] == "slots":
            continue
        vals = " ".join(f"{fmt(e['impls'].get(i, {}).get('median'), e['metric']):>11}"
                        for i in IMPLS)
        r = e["ratios"]
        rs = " ".join(f"{r[k]:9.2f}" if k in r else f"{'-':>9}"
                      for k in ("fwsched/drm_wq", "fwsched/drm_shared", "fwsched/floor",
                                "fwsched_direct/drm_wq"))
        # The widest (max-min)/median of any implementation: how far to trust the row.
        spread = max((st["spread"] for st in e["impls"].values()), default=0.0)
        lines.append(f"{e['scenario']:13} {e['case'][:30]:30} {e['metric'][:24]:24} {vals} {rs}"
                     f" {spread * 100:6.0f}%")
    return "\n".join(lines) + "\n" + slots_table(summary)


def plot(summary, path):
    """One panel per scenario: per-job cost against queue count, then for
    every other scenario its main metric per implementation (bars)."""
    per_q = {}
    for e in summary:
        if e["metric"] == "ns_per_job" and e["scenario"] in ("throughput", "queues"):
            q = int(re.search(r"queues=(\d+)", e["case"]).group(1))
            for impl, st in e["impls"].items():
                per_q.setdefault(impl, {})[q] = st["median"]
    main_metric = {
        "backpressure": "ns_per_job", "chain": "ns_per_hop", "latency": "p50_ns",
        "teardown": "destroy_ns", "memory": "slab_bytes_per_job",
        "qmem": "slab_bytes_per_queue", "slots": "worst_gap_ns",
    }
    panels = []
    for sc, metric in main_metric.items():
        rows = [e for e in summary if e["scenario"] == sc and e["metric"] == metric]
        if rows:
            panels.append((sc, metric, rows))
    impls = IMPLS + ["drm_fifo", "drm_fair"]
    data = path + ".dat"
    with open(data, "w") as f:
        for impl in IMPLS:
            f.write(f"# {impl}\n")
            for q in sorted(per_q.get(impl, {})) or [1]:
                f.write(f"{q} {per_q.get(impl, {}).get(q, 'NaN')}\n")
            f.write("\n\n")
    for k, (sc, metric, rows) in enumerate(panels):
        with open(f"{data}.{k}", "w") as f:
            for e in rows:
                label = (e["case"] or sc).replace(" ", ",")[:24]
                vals = " ".join(str(e["impls"].get(i, {}).get("median", "NaN"))
                                for i in impls)
                f.write(f"\"{label}\" {vals}\n")
    n = 1 + len(panels)
    cols = 3
    rows_n = (n + cols - 1) // cols
    unit = "instructions" if CLOCK["unit"] == "insn" else "ns"
    where = ("x86_64 under QEMU -icount, one boot; exact instruction counts"
             if CLOCK["unit"] == "insn" else "UML, one boot; medians")
    script = [f"set terminal svg size 1500,{450 * rows_n} dynamic font ',9'",
              "set termoption noenhanced", f"set output '{path}'",
              f"set multiplot layout {rows_n},{cols} title 'fwsched vs drm_sched "
              f"({where})'",
              f"set title '{unit} per job against queue count (instant completion)'",
              "set logscale x 2", "set xlabel 'queues'", f"set ylabel '{unit} per job'",
              "set key top left",
              f"plot for [i=0:{len(IMPLS) - 1}] '{data}' index i using 1:2 "
              f"with linespoints title word('{' '.join(IMPLS)}', i+1)",
              "unset logscale x", "set style data histograms",
              "set style histogram clustered gap 1", "set style fill solid 0.7",
              "set xtics rotate by 30 right", "set key top right", "set xlabel ''",
              "set offsets 0.6, 0.6, 0, 0", "set yrange [0:*]"]
    for k, (sc, metric, rows) in enumerate(panels):
        script.append(f"set title '{sc}: {metric} (lower is better)'")
        script.append(f"set ylabel '{metric}'")
        cols_used = [j for j, i in enumerate(impls)
                     if any(i in e["impls"] for e in rows)]
        script.append("plot " + ", ".join(
            f"'{data}.{k}' using {j + 2}:xtic(1) title '{impls[j]}'"
            for j in cols_used))
    script.append("unset multiplot")
    try:
        subprocess.run(["gnuplot"], input="\n".join(script).encode(), check=True,
                       stderr=subprocess.DEVNULL)
        return True
    except (OSError, subprocess.CalledProcessError):
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--insn")
    ap.add_argument("--json")
    ap.add_argument("--plot")
    ap.add_argument("--machine", default="")
    ap.add_argument("--clock", choices=["wall", "insn"], default="wall")
    a = ap.parse_args()

    rows = parse(a.log)
    if not rows:
        print(f"bench.py: no FWSCHED-BENCH lines in {a.log}", file=sys.stderr)
        return 1
    if a.clock == "insn":
        CLOCK["unit"] = "insn"
        rows = deterministic(rows)
        print("x86_64 under QEMU -icount shift=0: a guest ns is one instruction executed, "
              "and an idle CPU jumps to its next timer.\nSo every *_ns figure is exact and "
              "repeats; where nothing waits on a timer (throughput, queues, backpressure,\n"
              "chain, teardown) it is an instruction count. Per job and per hop: (2N - N) / N.\n")
    summary = summarise(rows)
    insn, insn_note = insn_per_job(a.insn)
    print(table(summary))
    if insn:
        print("\ninstructions per job (perf stat, 2N - N):")
        for sc, per in insn.items():
            print(f"  {sc:13} " + "  ".join(f"{i}={per.get(i, 0):.0f}" for i in IMPLS))
    elif insn_note:
        print(f"\ninstructions per job: {insn_note}")
    result = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": a.machine,
        "clock": ("instructions: x86_64 under QEMU -icount shift=0 (one guest ns is one "
                  "retired instruction), deterministic" if a.clock == "insn"
                  else "wall clock: UML, host nanoseconds"),
        "summary": summary,
        "instructions_per_job": insn, "instructions_note": insn_note,
    }
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)
        print(f"\nJSON: {a.json}")
    if a.plot:
        print(f"plot: {a.plot}" if plot(summary, a.plot) else "plot: gnuplot not available")
    print(f"log:  {a.log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
