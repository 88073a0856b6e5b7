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
import os
import re
import statistics
import subprocess
import sys

IMPLS = ["fwsched", "fwsched_direct", "fwsched_work", "fwsched_kthread", "drm_wq",
         "drm_shared", "floor"]
FWSCHED_IMPLS = ("fwsched", "fwsched_direct", "fwsched_work", "fwsched_kthread")
SLOT_IMPLS = ["fwsched", "drm_fifo", "drm_fair"]
META = {"scenario", "impl", "rep", "jobs", "samples", "hops", "runs", "policy"}


def is_metric(key):
    return (key.endswith("_ns") or key.startswith("ns_per_") or "bytes_per_" in key
            or key.endswith("_x1000") or key.endswith("_per_queue") or key in ("measured", "starved"))


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
        for mine in FWSCHED_IMPLS:
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
    if metric in ("measured", "starved"):
        return f"{v:.0f}"
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
             "gaps = time between two runs of a queue; variants: plain, grouped (fwsched: "
             "16 slot groups of 4 queues), long (a quarter of the queues with 20 ms jobs; "
             "fwsched: 10 ms time slices)"]
    hdr = f"{'case':20} {'metric':22} " + " ".join(f"{i:>11}" for i in SLOT_IMPLS) \
        + f" {'spread':>7}"
    lines.append(hdr)
    lines.append("-" * len(hdr))
    for e in rows:
        vals = " ".join(f"{fmt(e['impls'].get(i, {}).get('median'), e['metric']):>11}"
                        for i in SLOT_IMPLS)
        spread = max((st["spread"] for st in e["impls"].values()), default=0.0)
        case = (e['case'] or 'all levels').replace("variant=", "")
        lines.append(f"{case[:20]:20} {e['metric'][:22]:22} {vals}"
                     f" {spread * 100:6.0f}%")
    return "\n".join(lines)


def table(summary):
    lines = []
    hdr = f"{'scenario':13} {'case':30} {'metric':24} " + " ".join(f"{i[:11]:>11}" for i in IMPLS) \
        + f" {'fw/drm_wq':>9} {'fw/drm_sh':>9} {'fw/floor':>9} {'fd/drm_wq':>9}" \
        + f" {'fwk/drm_wq':>10} {'fkt/drm_wq':>10} {'spread':>7}"
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
        rs += " " + " ".join(f"{r[k]:10.2f}" if k in r else f"{'-':>10}"
                             for k in ("fwsched_work/drm_wq", "fwsched_kthread/drm_wq"))
        # The widest (max-min)/median of any implementation: how far to trust the row.
        spread = max((st["spread"] for st in e["impls"].values()), default=0.0)
        lines.append(f"{e['scenario']:13} {e['case'][:30]:30} {e['metric'][:24]:24} {vals} {rs}"
                     f" {spread * 100:6.0f}%")
    return "\n".join(lines) + "\n" + slots_table(summary)


# One colour and one point type per implementation, in every panel: an
# implementation that has no figure in a panel leaves its slot empty.
STYLE = {
    "fwsched": ("#1f77b4", 7), "fwsched_direct": ("#17becf", 5),
    "fwsched_work": ("#2ca02c", 3), "fwsched_kthread": ("#bcbd22", 4),
    "drm_wq": ("#d62728", 9), "drm_shared": ("#ff7f0e", 11),
    "floor": ("#7f7f7f", 1), "drm_fifo": ("#9467bd", 13), "drm_fair": ("#8c564b", 15),
    "fwsched_before": ("#aec7e8", 6),
}
LABEL = {
    "fwsched": "fwsched", "fwsched_direct": "fwsched, direct run",
    "fwsched_work": "fwsched, own work item", "fwsched_kthread": "fwsched, kthread_worker",
    "drm_wq": "drm_sched, own wq", "drm_shared": "drm_sched, shared wq",
    "floor": "floor", "drm_fifo": "drm_sched FIFO", "drm_fair": "drm_sched fair",
    "fwsched_before": "fwsched, before",
}
# Where no timer is waited for, a guest ns under -icount is an instruction.
COUNTED = {"throughput", "queues", "backpressure", "chain", "teardown"}


def scale(metric, scenario, values):
    """(divisor, unit label) for a panel's figures."""
    top = max([v for v in values if v is not None] or [0])
    if "bytes" in metric:
        return (1024, "KiB") if top >= 10240 else (1, "bytes")
    if metric.startswith("share"):
        return 10, "% of runs"
    if metric.endswith("_x1000"):
        return 1000, metric[:-6].replace("_", " ")
    if CLOCK["unit"] == "insn" and scenario in COUNTED:
        if top >= 2e6:
            return 1e6, "million instructions"
        return (1e3, "thousand instructions") if top >= 2e4 else (1, "instructions")
    for div, unit in ((1e6, "ms"), (1e3, "us")):
        if top >= 2 * div:
            return div, unit
    return 1, "ns"


def what(metric):
    per = {"ns_per_job": "per job", "ns_per_hop": "per dependency hop",
           "p50_ns": "p50", "p99_ns": "p99", "destroy_ns": "destroy",
           "slab_bytes_per_job": "slab per job in flight",
           "total_bytes_per_queue": "memory per queue", "worst_gap_ns": "worst gap",
           "p99_gap_ns": "p99 gap", "share_x1000": "share of runs",
           "share_rule_x1000": "share slot.h states"}
    return per.get(metric, metric.replace("_", " "))


HEADLINE = [  # (scenario, case, metric, short label)
    ("throughput", "queues=1", "ns_per_job", "job, 1 queue"),
    ("queues", "queues=4096", "ns_per_job", "job, 4096 queues"),
    ("backpressure", "credits=4 batch=4", "ns_per_job", "job, ring of 4"),
    ("chain", "queues=2", "ns_per_hop", "dependency hop"),
    ("latency", "", "p99_ns", "latency p99"),
    ("teardown", "queued=1024 running=64", "destroy_ns", "destroy"),
    ("qmem", "queues=4096", "total_bytes_per_queue", "memory per queue"),
    ("memory", "deps=4", "slab_bytes_per_job", "memory per job"),
]


def panels(summary, before=None):
    """(title, ylabel, implementations, rows) per bar panel: rows are
    (label, {impl: (value, min, max)}) already scaled.  @before: the
    summary of an earlier run, shown as "fwsched, before" in the headline."""
    out = []
    idx = {(e["scenario"], e["case"], e["metric"]): e for e in summary}
    bidx = {(e["scenario"], e["case"], e["metric"]): e for e in before or []}
    mine_impls = ["fwsched_before"] if before else []
    mine_impls += ["fwsched", "fwsched_direct"]

    # The headline: fwsched against drm_sched (own workqueue), per scenario.
    rows = []
    for sc, case, metric, label in HEADLINE:
        e = idx.get((sc, case, metric))
        if not e:
            continue
        vals = {}
        for mine in FWSCHED_IMPLS:
            r = e["ratios"].get(f"{mine}/drm_wq")
            if r is not None:
                vals[mine] = (r, r, r)
        b = bidx.get((sc, case, metric))
        r = b and b["ratios"].get("fwsched/drm_wq")
        if r is not None:
            vals["fwsched_before"] = (r, r, r)
        rows.append((label, vals))
    if rows:
        out.append(("fwsched / drm_sched (own wq): below 1 is cheaper; dashed: 1 and the 1/3 target",
                    "ratio", mine_impls, rows, [1.0, 1 / 3]))

    def bars(sc, metrics, impls, title=None, log=False):
        """One panel: the rows of scenario @sc whose metric is in @metrics,
        labelled by case (one metric) or by metric (several); @log: a
        logarithmic axis, for figures that span orders of magnitude."""
        es = [e for e in summary if e["scenario"] == sc and e["metric"] in metrics]
        if not es:
            return
        allv = [st[k] for e in es for st in e["impls"].values() for k in ("min", "max")]
        div, unit = scale(metrics[0], sc, allv)
        if log:
            div, unit = 1000, "us (log scale)"
        rows = [((e["case"] or sc) if len(metrics) == 1 else what(e["metric"]),
                 {i: (st["median"] / div, st["min"] / div, st["max"] / div)
                  for i, st in e["impls"].items()}) for e in es]
        out.append((title or f"{sc}: {what(metrics[0])}", unit, impls, rows, [], log))

    bars("backpressure", ["ns_per_job"], IMPLS)
    bars("chain", ["ns_per_hop"], IMPLS)
    bars("latency", ["p50_ns", "p99_ns"], IMPLS,
         "latency: hardware done to the dependent job running")
    bars("overload", ["max_ns"], IMPLS,
         "overload: dependency signalled to run_job, worst (over 1 s: starved)", log=True)
    bars("teardown", ["destroy_ns"], IMPLS)
    bars("memory", ["slab_bytes_per_job"], IMPLS)
    bars("qmem", ["total_bytes_per_queue"], IMPLS)
    bars("slots", ["share_x1000"], SLOT_IMPLS)
    bars("slots", ["worst_gap_ns", "p99_gap_ns"], SLOT_IMPLS,
         "slots: time a queue went without running")
    return out


def plot_script(summary, path, before=None):
    """The gnuplot script for the SVG, and the data files it reads.
    @before: the summary of an earlier run; its fwsched figures are drawn
    as "fwsched, before" beside the current ones."""
    exact = CLOCK["unit"] == "insn"
    data = {}
    per_q = {}
    for impl_key, summ in (("", summary), ("fwsched_before", before or [])):
        for e in summ:
            if e["metric"] == "ns_per_job" and e["scenario"] in ("throughput", "queues"):
                q = int(re.search(r"queues=(\d+)", e["case"]).group(1))
                for impl, st in e["impls"].items():
                    if impl_key and impl != "fwsched":
                        continue
                    per_q.setdefault(impl_key or impl, {})[q] = st
    line_impls = IMPLS + (["fwsched_before"] if before else [])
    allv = [st[k] for per in per_q.values() for st in per.values() for k in ("min", "max")]
    div, unit = scale("ns_per_job", "queues", allv)
    lines = []
    for impl in line_impls:
        lines.append(f"# {impl}")
        for q in sorted(per_q.get(impl, {})) or [1]:
            st = per_q.get(impl, {}).get(q)
            if st:
                lines.append(f"{q} {st['median'] / div} {st['min'] / div} {st['max'] / div}")
            else:
                lines.append(f"{q} NaN NaN NaN")
        lines += ["", ""]
    data[path + ".dat"] = "\n".join(lines) + "\n"

    bar_panels = panels(summary, before)
    n = 1 + len(bar_panels)
    cols = 3
    nrows = (n + cols - 1) // cols
    how = ("x86_64 under QEMU -icount: exact instruction counts, no spread to show"
           if exact else "UML wall clock: bars are medians, whiskers min to max")
    script = [f"set terminal svg size 1500,{430 * nrows} dynamic font ',10'",
              "set termoption noenhanced", f"set output '{path}'",
              f"set multiplot layout {nrows},{cols} title 'fwsched against drm_sched ({how})'",
              "set key top left font ',8'", "set grid ytics lc rgb '#dddddd'"]
    script += [f"set title '{what('ns_per_job')} against queue count, instant completion'",
               "set logscale x 2", "set xlabel 'queues'", f"set ylabel '{unit}'",
               "set yrange [0:*]"]
    plots = []
    for k, impl in enumerate(line_impls):
        colour, pt = STYLE[impl]
        dash = " dt 2" if impl == "fwsched_before" else ""
        plots.append(f"'{path}.dat' index {k} using 1:2:3:4 with yerrorlines{dash} "
                     f"lc rgb '{colour}' pt {pt} title '{LABEL[impl]}'")
    script.append("plot " + ", ".join(plots))
    script += ["unset logscale x", "set xlabel ''", "set style data histograms",
               "set style histogram errorbars gap 1 lw 1", "set style fill solid 0.8 border -1",
               "set xtics rotate by 25 right font ',8'", "set key top right font ',8'",
               "set offsets 0.5, 0.5, graph 0.3, 0", "set bars 0.5"]
    for k, (title, ylabel, impls, rows, refs, *log) in enumerate(bar_panels):
        fname = f"{path}.dat.{k}"
        body = []
        for label, vals in rows:
            cells = []
            for impl in impls:
                v = vals.get(impl)
                cells += [str(x) for x in v] if v else ["NaN"] * 3
            body.append(f"\"{label}\" " + " ".join(cells))
        data[fname] = "\n".join(body) + "\n"
        title = title.replace("'", "")
        top = max([1.0] + [v[0] for _, vals in rows for v in vals.values()]) if refs else None
        script += [f"set title '{title}'", f"set ylabel '{ylabel}'",
                   f"set yrange [0:{top * 1.35:.2f}]" if refs else
                   "set logscale y; set yrange [1:*]" if log and log[0] else "set yrange [0:*]"]
        clauses = []
        for j, impl in enumerate(impls):
            colour, _ = STYLE[impl]
            c = 2 + 3 * j
            xt = ":xtic(1)" if j == 0 else ""
            if not any(impl in vals for _, vals in rows):
                # No figure here: an empty slot, so the others keep theirs.
                clauses.append(f"'{fname}' using (0):(0):(0){xt} lc rgb '#ffffff' notitle")
                continue
            clauses.append(f"'{fname}' using {c}:{c + 1}:{c + 2}{xt} lc rgb '{colour}' "
                           f"title '{LABEL[impl]}'")
        for ref in refs:
            clauses.append(f"{ref} with lines dt 2 lc rgb '#444444' notitle")
        script.append("plot " + ", ".join(clauses))
        if log and log[0]:
            script.append("unset logscale y")
    script.append("unset multiplot")
    return "\n".join(script) + "\n", data


def plot(summary, path, before=None):
    """Write the SVG: see plot_script()."""
    script, data = plot_script(summary, path, before)
    for fname, text in data.items():
        with open(fname, "w") as f:
            f.write(text)
    try:
        subprocess.run(["gnuplot"], input=script.encode(), check=True,
                       stderr=subprocess.DEVNULL)
        return True
    except (OSError, subprocess.CalledProcessError):
        return False


def report(result, summary, table_text, path, svg, command):
    """A Markdown report beside the JSON, to paste into a reply or a PR."""
    lines = [f"# fwsched against drm_sched: make bench, {result['date']}", "",
             f"- command: `{command}`", f"- machine: {result['machine']}",
             f"- clock: {result['clock']}", ""]
    if svg:
        lines += [f"![make bench]({os.path.basename(svg)})", ""]
    lines += ["## Headline: fwsched / drm_sched (own workqueue), below 1 is cheaper", "",
              "| figure | fwsched | fwsched, direct run |", "| --- | --- | --- |"]
    idx = {(e["scenario"], e["case"], e["metric"]): e for e in summary}
    for sc, case, metric, label in HEADLINE:
        e = idx.get((sc, case, metric))
        if e:
            r = e["ratios"]
            cells = [f"{r[k]:.2f}" if k in r else "-"
                     for k in ("fwsched/drm_wq", "fwsched_direct/drm_wq")]
            lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    lines += ["", "## Every figure", "", "```", table_text, "```", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log")
    ap.add_argument("--from-json", help="redraw the plot and report of a stored result")
    ap.add_argument("--insn")
    ap.add_argument("--json")
    ap.add_argument("--plot")
    ap.add_argument("--report", help="Markdown report (default: beside --json)")
    ap.add_argument("--machine", default="")
    ap.add_argument("--clock", choices=["wall", "insn"], default="wall")
    ap.add_argument("--before", help="JSON of an earlier run: its fwsched figures go in "
                    "the plot as \"fwsched, before\" (a change's before and after)")
    ap.add_argument("--before-label", default="before",
                    help="what the earlier run was (a commit), for the plot's key")
    a = ap.parse_args()
    before = None
    if a.before:
        before = json.load(open(a.before))["summary"]
        LABEL["fwsched_before"] = f"fwsched, {a.before_label}"

    if a.from_json:
        result = json.load(open(a.from_json))
        summary = result["summary"]
        CLOCK["unit"] = result.get("clock_unit", "insn" if "instructions:" in
                                   result.get("clock", "") else "ns")
        text = table(summary)
        print(text)
        if a.plot:
            print(f"plot: {a.plot}" if plot(summary, a.plot, before)
                  else "plot: gnuplot not available")
        if a.report:
            report(result, summary, text, a.report, a.plot, result.get("command", "make bench"))
            print(f"report: {a.report}")
        return 0
    if not a.log:
        ap.error("--log or --from-json is required")
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
    text = table(summary)
    print(text)
    if insn:
        print("\ninstructions per job (perf stat, 2N - N):")
        for sc, per in insn.items():
            print(f"  {sc:13} " + "  ".join(f"{i}={per.get(i, 0):.0f}" for i in IMPLS))
    elif insn_note:
        print(f"\ninstructions per job: {insn_note}")
    command = os.environ.get("FWSCHED_BENCH_COMMAND", "make bench")
    result = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": a.machine, "command": command, "clock_unit": CLOCK["unit"],
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
        print(f"plot: {a.plot}" if plot(summary, a.plot, before) else "plot: gnuplot not available")
    rep = a.report or (os.path.splitext(a.json)[0] + ".md" if a.json else None)
    if rep:
        report(result, summary, text, rep, a.plot, command)
        print(f"report: {rep}")
    print(f"log:  {a.log}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
