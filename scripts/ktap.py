#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one boot of the fwsched test harness from its console log.

    ktap.py CONSOLE.LOG PLAN [--name NAME] [--history FILE] [--kunit DIR]

Reads KUnit's KTAP off the console with the kernel's own parser
(tools/testing/kunit/kunit_parser.py of the kernel under test: --kunit, or
$FWSCHED_KUNIT, or the newest linux-source in the fwsched cache), one KTAP
document per module load, and every kernel report (KASAN, lockdep,
kmemleak, WARN, BUG, Oops) that KUnit itself does not see: a report raised
in a worker thread does not fail a KUnit case, so the console is the judge.
A suite the parser finds incomplete (a case missing, a result line never
printed) fails as "kunit".
Prints one line per test case and one per boot check, then a last line

    RESULT <passed> <failed> caught=<category,...>

and exits 0 when nothing failed.  "caught" lists the kinds of failure seen
(kunit, kasan, kcsan, lockdep, kmemleak, hung, warn, bug, hang, harness); make
check-selftest uses it to prove each planted fault is caught for its reason.
Lines printed before /init starts (a known boot-time RCU notice on UML SMP)
are not test results.

Every case line carries its duration in host seconds, from the stamps
uml-run.py puts on the console: a stall shows even when the case passes.
With --history, the durations of the last runs of each case (a JSON file,
kept by check.sh per kernel and plan) are read, a case that took more than
SLOW_FACTOR times its median and more than SLOW_FLOOR seconds is flagged
"slow" (a stall that ended by itself), and this run's durations are added.
A task the hung-task detector reports (blocked longer than the plan's
hung_task timeout, with its stack on the console) fails the boot as "hung".
"""

import glob
import io
import json
import os
import re
import statistics
import sys

TIMESTAMP = re.compile(r"^\[\s*(\d+\.\d+)\]\s?")
SLOW_FACTOR = 20
SLOW_FLOOR = 5.0
HISTORY = 20
RESULT = re.compile(r"^(\s*)(not ok|ok) (\d+) ([^#\s]+)\s*(#.*)?$")

# (category, pattern): the first match of a line decides its category.
REPORTS = [
    ("hung", re.compile(r"INFO: task .* blocked for more than|"
                        r"blocked for more than \d+ seconds")),
    ("kasan", re.compile(r"BUG: KASAN:|KASAN: .*(use-after-free|out-of-bounds)")),
    ("kcsan", re.compile(r"BUG: KCSAN:")),
    ("lockdep", re.compile(
        r"WARNING: (possible circular locking|possible recursive locking|"
        r"inconsistent lock state|suspicious RCU usage|"
        r"lock held when returning|bad unlock balance|"
        r"possible irq lock inversion|.*-safe -> .*-unsafe lock order)|"
        r"INFO: possible .*locking|BUG: MAX_LOCKDEP|"
        r"held lock freed|BUG: Invalid wait context|BUG: .*lock.*")),
    ("kmemleak", re.compile(r"unreferenced object 0x|kmemleak: .*suspected memory leak")),
    ("bug", re.compile(
        r"BUG: |Oops|Kernel panic|general protection fault|Unable to handle|"
        r"kernel BUG at|Segmentation fault")),
    ("warn", re.compile(r"WARNING: |------------\[ cut here \]")),
]


def stamp_and_strip(raw):
    """The time of a console line (or None) and the line without stamps.

    The kernel's own printk stamp (printk.time=1) is when the line was
    logged; uml-run.py's host stamp is when it reached the console, which
    can lag by minutes when UML's console output is held back.  The
    kernel's is used where there is one."""
    m = TIMESTAMP.match(raw)
    when = float(m.group(1)) if m else None
    line = TIMESTAMP.sub("", raw)
    k = TIMESTAMP.match(line)
    if k:
        when = float(k.group(1))
        line = TIMESTAMP.sub("", line)
    return when, line


GLUED = re.compile(r"(?<=\S)(?=\[\s*\d+\.\d{6}\] )")


def unglue(raw):
    """A serial console line may hold two: /init's echo and a kernel line
    that printk wrote in the middle of it ("FWSCHED-STEP: unload x[
    22.820558] ok 1 suite").  Split before every printk stamp that is not
    at the start of the line."""
    m = TIMESTAMP.match(raw)
    head = m.end() if m else 0
    parts = GLUED.split(raw[head:])
    if len(parts) == 1:
        return [raw]
    return [raw[:head] + parts[0]] + [raw[:head] + p for p in parts[1:]]


def load_kunit_parser(kunit_dir):
    """Import the kernel's kunit_parser and kunit_printer modules."""
    if not kunit_dir:
        kunit_dir = os.environ.get("FWSCHED_KUNIT")
    if not kunit_dir:
        cache = os.environ.get("FWSCHED_CACHE") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "fwsched")
        found = sorted(glob.glob(os.path.join(
            cache, "src", "linux-source-*", "tools", "testing", "kunit", "kunit_parser.py")))
        kunit_dir = os.path.dirname(found[-1]) if found else None
    if not kunit_dir or not os.path.exists(os.path.join(kunit_dir, "kunit_parser.py")):
        sys.exit("ktap.py: no kunit_parser.py (give --kunit DIR, the kernel's "
                 "tools/testing/kunit; make check fetches the kernel source)")
    sys.path.insert(0, kunit_dir)
    import kunit_parser  # pylint: disable=import-outside-toplevel
    import kunit_printer  # pylint: disable=import-outside-toplevel
    return kunit_parser, kunit_printer


def ktap_documents(lines):
    """Split console lines into KTAP documents: each module load prints
    one, starting with an unindented "KTAP version" line."""
    docs = []
    for line in lines:
        if re.match(r"^KTAP version \d+$", line):
            docs.append([])
        if docs:
            docs[-1].append(line)
    return docs


def parse_ktap(lines, kunit_dir):
    """Suites and cases from the kernel's parser.

    Returns ({suite: ok}, [(suite, case, ok, skip)], [parser error]).
    """
    parser, printer_mod = load_kunit_parser(kunit_dir)
    status = parser.TestStatus
    suites, cases, errors = {}, [], []
    for doc in ktap_documents(lines):
        out = io.StringIO()
        main = parser.parse_run_tests(doc, printer_mod.Printer(output=out))
        errors += [l.split("[ERROR]", 1)[1].strip()
                   for l in out.getvalue().splitlines() if "[ERROR]" in l]
        for suite in main.subtests:
            name = suite.name or "?"
            suites[name] = suite.status in (status.SUCCESS, status.SKIPPED)
            for case in suite.subtests:
                skip = case.status == status.SKIPPED
                cases.append((name, case.name or "?",
                              case.status == status.SUCCESS or skip, skip))
    return suites, cases, errors


def judge(log_path, plan_path, name, history_path=None, kunit_dir=None):
    with open(log_path, errors="replace", newline="\n") as f:
        stamped = [stamp_and_strip(l) for raw in f for l in unglue(raw.rstrip("\r\n"))]
    with open(plan_path) as f:
        plan = f.read()
    expected = re.findall(r"^#\s*expect:\s*(\S+)", plan, re.M)

    started = False
    ktap = []            # console lines for the KTAP parser
    durations = {}       # (suite, case) -> seconds, from the printk stamps
    suite = "?"          # the suite whose cases are being printed
    reports = []         # (category, line)
    debug_locks = None
    done = False
    left = []
    harness_errors = []
    last_mark = None     # stamp of the suite start or the previous case

    for when, line in stamped:
        if line.startswith("FWSCHED-INIT"):
            started = True
        if not started:
            continue
        if line.startswith("FWSCHED-KMEMLEAK-"):
            continue
        if line.startswith("FWSCHED-DEBUG-LOCKS:"):
            debug_locks = line.split(":", 1)[1].strip()
            continue
        if line.startswith("FWSCHED-DONE"):
            # What UML prints while it powers off is not a test result.
            done = True
            break
        if line.startswith("FWSCHED-LEFT:"):
            left.append(line.split(":", 1)[1].strip())
            continue
        if line.startswith("FWSCHED-ERROR:"):
            harness_errors.append(line)
            continue
        if line.startswith("FWSCHED-"):
            continue
        ktap.append(line)

        # Durations only (the verdicts are kunit_parser's): a suite's
        # "# Subtest:" and its case lines at indent 4.
        m = re.match(r"^(\s*)# Subtest: (\S+)", line)
        if m:
            if len(m.group(1)) == 4:
                suite = m.group(2)
                last_mark = when
            continue
        m = RESULT.match(line)
        if m:
            if len(m.group(1)) == 4:
                if when is not None and last_mark is not None:
                    durations[(suite, m.group(4))] = when - last_mark
                last_mark = when
            continue

        for cat, pat in REPORTS:
            if pat.search(line):
                reports.append((cat, line.strip()))
                break

    suites, parsed, parse_errors = parse_ktap(ktap, kunit_dir)
    cases = [(s, c, ok, skip, durations.get((s, c))) for s, c, ok, skip in parsed]

    passed = failed = 0
    caught = set()
    out = []

    def result(ok, what, why=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            out.append(f"    ok   {what}")
        else:
            failed += 1
            out.append(f"    FAIL {what}{': ' + why if why else ''}")

    history = {}
    if history_path and os.path.exists(history_path):
        try:
            with open(history_path) as f:
                history = json.load(f)
        except (OSError, ValueError):
            history = {}

    def took(secs):
        return "" if secs is None else f" ({secs:.1f} s)"

    for suite, case, ok, skip, secs in cases:
        key = f"{suite}.{case}"
        if skip:
            out.append(f"    skip {key}{took(secs)}")
            continue
        result(ok, f"{key}{took(secs)}")
        if not ok:
            caught.add("kunit")
        past = history.get(key, [])
        if secs is not None and len(past) >= 3:
            med = statistics.median(past)
            if secs > SLOW_FLOOR and secs > SLOW_FACTOR * med:
                out.append(f"    slow {key}: {secs:.1f} s, {secs / max(med, 1e-3):.0f}x "
                           f"its median of {med:.2f} s over the last {len(past)} runs")
        if secs is not None:
            history[key] = (past + [round(secs, 3)])[-HISTORY:]
    if history_path:
        try:
            with open(history_path, "w") as f:
                json.dump(history, f, indent=1, sort_keys=True)
        except OSError:
            pass
    for suite, ok in suites.items():
        if not ok:
            caught.add("kunit")
            if not any(c[0] == suite and not c[2] for c in cases):
                result(False, f"{suite}", "suite reported not ok")
    if parse_errors:
        caught.add("kunit")
        result(False, f"boot:{name} ktap", "; ".join(parse_errors)[:300])
    for suite in expected:
        if suite not in suites:
            result(False, f"{suite}", "expected suite never ran")
            caught.add("harness")

    if reports:
        first = {}
        for cat, line in reports:
            caught.add(cat)
            first.setdefault(cat, line)
        for cat, line in first.items():
            result(False, f"boot:{name} {cat}", line[:160])
    else:
        result(True, f"boot:{name} no kernel report")

    if not done:
        result(False, f"boot:{name} finished", "no FWSCHED-DONE: hang, panic or crash")
        caught.add("hang")
    if harness_errors:
        for e in harness_errors:
            result(False, f"boot:{name} step", e)
        caught.add("harness")
    if left:
        result(False, f"boot:{name} unload", "still loaded: " + ", ".join(left))
        caught.add("harness")
    if done:
        if debug_locks == "1":
            result(True, f"boot:{name} lockdep still armed")
        elif debug_locks == "none":
            result(False, f"boot:{name} lockdep", "no /proc/lockdep_stats: not a debug kernel")
            caught.add("harness")
        else:
            result(False, f"boot:{name} lockdep", f"debug_locks={debug_locks}: lockdep turned itself off")
            caught.add("lockdep")

    print("\n".join(out))
    print(f"RESULT {passed} {failed} caught={','.join(sorted(caught)) or '-'}")
    return 0 if failed == 0 else 1


def main():
    args = sys.argv[1:]
    opts = {"--name": None, "--history": None, "--kunit": None}
    for opt in opts:
        if opt in args:
            i = args.index(opt)
            opts[opt] = args[i + 1]
            del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    return judge(args[0], args[1], opts["--name"] or args[1], opts["--history"],
                 opts["--kunit"])

if __name__ == "__main__":
    sys.exit(main())
