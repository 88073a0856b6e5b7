#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run one UML boot, copy its console to a log, and bound it.

    uml-run.py --log FILE --timeout SECONDS [--init-timeout SECONDS] -- CMD ARGS...

The console goes to FILE, each line stamped with host seconds since boot.  When the test root's /init prints FWSCHED-DONE
the tests are over: UML gets a few seconds to power off, then its whole
process group is killed (UML SMP can flood the console with warnings from
its own shutdown path; nothing after FWSCHED-DONE is judged).  The boot is
also killed after SECONDS, and the log is capped so that a runaway console
cannot fill the disk.  With --init-timeout, a boot that has not printed
FWSCHED-INIT (the test root's /init started) by then is killed and exits
3: the machine never reached the tests (the caller may boot again).
Exit status: 0 if FWSCHED-DONE was seen, 1 if not, 3 as above.
The command may be any machine whose console is its stdout (QEMU too).
"""

import os
import selectors
import signal
import subprocess
import sys
import time

GRACE = 5
LOG_CAP = 64 << 20


def main():
    args = sys.argv[1:]
    log_path, timeout, init_timeout = None, 900, None
    while args and args[0] != "--":
        if args[0] == "--log":
            log_path = args[1]
            args = args[2:]
        elif args[0] == "--timeout":
            timeout = int(args[1])
            args = args[2:]
        elif args[0] == "--init-timeout":
            init_timeout = int(args[1])
            args = args[2:]
        else:
            print(__doc__, file=sys.stderr)
            return 2
    cmd = args[1:]
    if not log_path or not cmd:
        print(__doc__, file=sys.stderr)
        return 2

    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    start = time.monotonic()
    done_at = None
    init_seen = init_timeout is None
    stalled = False
    written = 0
    tail = b""
    partial = b""
    with open(log_path, "wb") as log:
        while True:
            now = time.monotonic()
            deadline = start + timeout
            if done_at is not None:
                deadline = min(deadline, done_at + GRACE)
            if not init_seen:
                deadline = min(deadline, start + init_timeout)
            if now >= deadline:
                if not init_seen:
                    log.write(b"\nFWSCHED-HARNESS: no /init after %d s\n" % init_timeout)
                    stalled = True
                elif done_at is None:
                    log.write(b"\nFWSCHED-HARNESS: boot timed out after %d s\n" % timeout)
                break
            events = sel.select(timeout=deadline - now)
            if not events:
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            if written < LOG_CAP:
                # Stamp each line with host seconds since boot, in the
                # printk format ktap.py strips: where did the time go?
                lines = (partial + chunk).split(b"\n")
                partial = lines.pop()
                for line in lines:
                    out = b"[%8.3f] %s\n" % (time.monotonic() - start, line)
                    log.write(out)
                    written += len(out)
                # Whoever reads the log while the boot runs sees what
                # the console said, not what fit in a write buffer.
                log.flush()
            if done_at is None:
                tail = (tail + chunk)[-4096:]
                if b"FWSCHED-INIT" in tail:
                    init_seen = True
                if b"FWSCHED-DONE" in tail:
                    done_at = time.monotonic()
        if partial:
            log.write(partial + b"\n")
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()
    if stalled:
        return 3
    return 0 if done_at is not None else 1


if __name__ == "__main__":
    sys.exit(main())
