#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-test of ktap.py, on consoles made here.

    test_ktap.py      (ktap.py finds the kernel's kunit_parser.py; see there)

Run by "make check-selftest".  The cases are the harness's own regressions:

* KUnit logs a case's result line without a newline, so printk holds the
  record back until the next message: the host stamp of "ok 16" is the
  time the *next* case first printed.  That made two long cases look like
  minutes-long stalls in the cases before them.  Durations must come from
  the kernel's printk stamps.
* A case far above its usual time is flagged "slow" from the history.
* A hung-task report fails the boot as "hung", with its stack on the log.
* On a serial console (QEMU) printk can write a line into the middle of
  /init's echo: the two are split again before parsing.
* KTAP is read by the kernel's kunit_parser.py: a failed parameter of a
  parameterised case, a SKIP directive, a suite cut short before its plan
  and a kernel report printed between the result lines are all judged as
  KUnit means them.

Prints one line per check and "N passed, N failed".
"""

import io
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
KTAP = os.path.join(HERE, "ktap.py")

PLAN = "# expect: fwsched_queue\n"


def console(cases, hung=False, extra=None, glue=False):
    """A console: each case (name, kernel_start, kernel_end); the host
    stamp of a result line is the kernel time of the next message.  A
    case name may carry a KTAP directive ("name # SKIP why").  extra maps
    a case index to lines printed before its result line."""
    out = io.StringIO()
    out.write("[  1.000] FWSCHED-INIT: 7.3.4 cpus=2\n")
    out.write("[  2.000] [    1.000000] KTAP version 1\n")
    out.write("[  2.000] [    1.000000] 1..1\n")
    out.write("[  2.000] [    1.000000]     KTAP version 1\n")
    out.write("[  2.000] [    1.000000]     # Subtest: fwsched_queue\n")
    out.write(f"[  2.000] [    1.000000]     1..{len(cases)}\n")
    ends = [c[2] for c in cases]
    for i, (name, _, end) in enumerate(cases):
        for line in (extra or {}).get(i, []):
            out.write(f"[{end:9.3f}] [{end:12.6f}] {line}\n")
        host = ends[i + 1] if i + 1 < len(ends) else end
        verdict = "not ok" if name.startswith("!") else "ok"
        out.write(f"[{host + 1:9.3f}] [{end:12.6f}]     {verdict} {i + 1} {name.lstrip('!')}\n")
    if hung:
        out.write("[ 99.000] [   98.000000] INFO: task kworker/1:2:40 blocked for "
                  "more than 120 seconds.\n")
    suite_ok = "not ok" if any(c[0].startswith("!") for c in cases) else "ok"
    if glue:
        # The serial console: printk's line lands inside /init's echo.
        out.write(f"[100.000] FWSCHED-STEP: unload x[   99.000000] {suite_ok} 1 fwsched_queue\n")
    else:
        out.write(f"[100.000] [   99.000000] {suite_ok} 1 fwsched_queue\n")
    out.write("[100.100] FWSCHED-DEBUG-LOCKS: 1\n")
    out.write("[100.200] FWSCHED-DONE\n")
    return out.getvalue()


def run(log_text, history=None):
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "c.log")
        plan = os.path.join(d, "p.plan")
        hist = os.path.join(d, "h.json")
        with open(log, "w") as f:
            f.write(log_text)
        with open(plan, "w") as f:
            f.write(PLAN)
        args = [sys.executable, KTAP, log, plan, "--name", "t"]
        if history is not None:
            with open(hist, "w") as f:
                json.dump(history, f)
            args += ["--history", hist]
        p = subprocess.run(args, capture_output=True, text=True)
        new_hist = None
        if history is not None:
            with open(hist) as f:
                new_hist = json.load(f)
        return p.stdout, new_hist


passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"    ok   ktap:{what}")
    else:
        failed += 1
        print(f"    FAIL ktap:{what}")


def main():
    # stop_start is quick; teardown_repeat, next, takes 96 s.
    cases = [("queue_cleanup_armed", 1.0, 1.2), ("queue_stop_start", 1.2, 1.5),
             ("queue_teardown_repeat", 1.5, 97.5)]
    out, _ = run(console(cases))
    check("queue_stop_start (0.3 s)" in out,
          "a case's duration comes from the kernel's stamps, not the console's")
    check("queue_teardown_repeat (96.0 s)" in out,
          "the long case is the one that took the time")

    hist = {"fwsched_queue.queue_teardown_repeat": [2.0, 2.1, 1.9, 2.0]}
    out, new = run(console(cases), hist)
    check("slow fwsched_queue.queue_teardown_repeat" in out,
          "a case 48x its median is flagged slow")
    check("slow fwsched_queue.queue_stop_start" not in out,
          "a case without history is not flagged")
    check(new and len(new.get("fwsched_queue.queue_teardown_repeat", [])) == 5,
          "this run's durations join the history")

    out, _ = run(console(cases, hung=True))
    check("caught=hung" in out and "FAIL boot:t hung" in out,
          "a hung-task report fails the boot as hung")

    out, _ = run(console(cases))
    check("RESULT 5 0" in out, "a clean console passes (3 cases, 2 boot checks)")

    # What the kernel's kunit_parser.py brings: parameterised cases,
    # directives, a suite cut short, reports inside the KTAP.
    params = {1: ["        KTAP version 1", "        # Subtest: queue_param",
                  "        ok 1 credits=1", "        not ok 2 credits=64",
                  "        1..2"]}
    out, _ = run(console([("queue_a", 1.0, 1.1), ("!queue_param", 1.1, 1.2)],
                         extra=params))
    check("FAIL fwsched_queue.queue_param" in out and "caught=kunit" in out,
          "a failed parameter fails its case")
    out, _ = run(console([("queue_a", 1.0, 1.1), ("queue_b # SKIP no slots", 1.1, 1.2)]))
    check("skip fwsched_queue.queue_b" in out and "RESULT 3 0" in out,
          "a SKIP directive is a skip, not a pass or a failure")
    short = console(cases).replace("     1..3", "     1..4")
    out, _ = run(short)
    check("boot:t ktap" in out and "caught=kunit" in out,
          "a suite that ends before its plan is done fails")
    report = {1: ["------------[ cut here ]------------",
                  "WARNING: CPU: 1 PID: 40 at fwsched/queue.c:100 x+0x1/0x2",
                  "---[ end trace 0000000000000000 ]---"]}
    out, _ = run(console(cases, extra=report))
    check("ok   fwsched_queue.queue_stop_start" in out and "caught=warn" in out
          and "boot:t ktap" not in out,
          "a report inside the KTAP is caught and the cases still count")

    out, _ = run(console(cases, glue=True))
    check("RESULT 5 0" in out,
          "a kernel line glued into /init's echo on the serial console still counts")

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
