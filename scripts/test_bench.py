#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of bench.py's picture and report, on a console made here.

    test_bench.py

Run by "make check-selftest".  The console has what make bench's has: the
five implementations in the timed scenarios, only some of them in the
memory scenarios, drm_sched's two policies in the slots scenario.  Checks:

* every implementation keeps its one colour in every panel, and a panel
  where it has no figure keeps its slot (an empty bar), so that no colour
  shifts to another implementation;
* the first bar panel is the headline, fwsched / drm_sched per scenario,
  with reference lines at 1 and at the 1/3 target;
* units a person reads: a 450 ms gap is in ms, not 4.5e+08 ns; instruction
  counts say "instructions";
* the Markdown report carries the machine, the clock, the command and the
  headline ratios;
* with --before, the earlier run's fwsched figures are a dashed line in the
  queue-count panel and a bar in the headline, in a colour of their own.

Prints one line per check and "N passed, N failed".
"""

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  pylint: disable=wrong-import-position

ALL = ["fwsched", "fwsched_direct", "drm_wq", "drm_shared", "floor"]


def console():
    out = []

    def line(sc, impl, rep, text):
        out.append(f"[ 1.0] FWSCHED-BENCH scenario={sc} impl={impl} rep={rep} {text}")

    for rep in range(3):
        for k, impl in enumerate(ALL):
            line("throughput", impl, rep, f"queues=1 jobs=100 ns_per_job={1000 + 500 * k + rep}")
            line("queues", impl, rep, f"queues=4096 jobs=4096 ns_per_job={1200 + 500 * k}")
            line("chain", impl, rep, f"queues=2 hops=100 ns_per_hop={1500 + 400 * k}")
            if impl != "floor":
                line("teardown", impl, rep, f"queued=1024 running=64 destroy_ns={900000 * (k + 1)}")
        for impl in ("fwsched", "drm_wq", "drm_shared"):
            line("memory", impl, rep, f"deps=0 slab_bytes_per_job={400 + rep}")
        for impl, pol in (("fwsched", ""), ("drm_wq", " policy=fifo"), ("drm_wq", " policy=fair")):
            line("slots", impl, rep, f"worst_gap_ns={450000000 + rep}{pol}")
            line("slots", impl, rep, f"level=0 share_x1000={100 + rep}{pol}")
    return "\n".join(out) + "\n"


passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"    ok   bench:{what}")
    else:
        failed += 1
        print(f"    FAIL bench:{what}")


def main():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "bench.log")
        with open(log, "w") as f:
            f.write(console())
        summary = bench.summarise(bench.parse(log))
        script, data = bench.plot_script(summary, os.path.join(d, "b.svg"))

        clauses = re.findall(r"using ([^']*?)(?::xtic\(1\))? lc rgb '(#[0-9a-f]{6})' "
                             r"(?:pt \d+ )?(title '([^']*)'|notitle)", script)
        by_label = {v: k for k, v in bench.LABEL.items()}
        wrong = [(label, colour) for _, colour, _, label in clauses
                 if label and bench.STYLE[by_label[label]][0] != colour]
        check(clauses and not wrong, "each implementation has one colour in every panel "
              f"({len(clauses)} plot clauses{', wrong: ' + str(wrong) if wrong else ''})")

        plots = [l for l in script.splitlines() if l.startswith("plot ")]
        bar_plots = plots[1:]
        sizes = [len(re.findall(r"'[^']*\.dat\.\d+' using", p)) for p in bar_plots]
        panels = bench.panels(summary)
        check(len(sizes) == len(panels) and
              all(n == len(impls) for n, (_, _, impls, *_) in zip(sizes, panels)),
              "a panel keeps a slot for every implementation, with or without a figure")
        check("#ffffff" in " ".join(bar_plots), "an absent implementation leaves an empty slot")

        check(panels and panels[0][0].startswith("fwsched / drm_sched") and
              panels[0][4] == [1.0, 1 / 3],
              "the first bar panel is the headline ratio, with lines at 1 and 1/3")

        gap_panel = [p for p in panels if p[0].startswith("slots: time")]
        check(gap_panel and gap_panel[0][1] == "ms", "a 450 ms gap is labelled in ms")
        bench.CLOCK["unit"] = "insn"
        check(bench.scale("ns_per_job", "throughput", [2411])[1] == "instructions" and
              bench.scale("destroy_ns", "teardown", [977585])[1] == "thousand instructions",
              "instruction counts are labelled as instructions")
        bench.CLOCK["unit"] = "ns"

        env = dict(os.environ, FWSCHED_BENCH_COMMAND="make bench (test)")
        p = subprocess.run([sys.executable, os.path.join(HERE, "bench.py"), "--log", log,
                            "--json", os.path.join(d, "b.json"), "--machine", "test machine"],
                           capture_output=True, text=True, env=env)
        rep = os.path.join(d, "b.md")
        text = open(rep).read() if os.path.exists(rep) else ""
        check(p.returncode == 0 and "test machine" in text and "make bench (test)" in text
              and "| job, 1 queue |" in text and "clock:" in text,
              "the Markdown report has the machine, clock, command and headline")

        # Before and after: an earlier run's fwsched figures in the plot.
        before = [dict(e) for e in summary]
        script, _ = bench.plot_script(summary, os.path.join(d, "c.svg"), before)
        plots = [l for l in script.splitlines() if l.startswith("plot ")]
        colour = bench.STYLE["fwsched_before"][0]
        check(colour in plots[0] and "dt 2" in plots[0] and colour in plots[1] and
              all(c != colour for k, (c, _) in bench.STYLE.items() if k != "fwsched_before"),
              "an earlier run's fwsched is a line and a headline bar of its own colour")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
