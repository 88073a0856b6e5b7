#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - build the debug UML kernel and fwsched, boot each test plan in
# UML and judge the console.  What "make check" and "make check-selftest" run.
#
#   scripts/check.sh [--selftest|--stress] [--plan NAME] [KVER]
#
# Each plan (tests/plans/*.plan; tests/selftest/*.plan with --selftest) gets
# a boot of its own, so that a lockdep report in one cannot switch lockdep
# off for the next.  scripts/ktap.py judges every boot.  The last line is
# "N passed, N failed".  With --selftest a boot passes only if it failed for
# the reason its plan's "# caught:" line names.  A plan marked
# "# record-only" (the drm_sched twin of the e2e scenario) is booted and its
# outcome printed, but never counted.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${FWSCHED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fwsched}
boot_timeout=${BOOT_TIMEOUT:-900}

mode=check
only=""
while [ $# -gt 0 ]; do
	case "$1" in
	--selftest) mode=selftest; shift ;;
	--stress) mode=stress; shift ;;
	--plan) only=$2; shift 2 ;;
	-*) echo "check.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
kver=${1:-${KVER:-7.3}}

say() { printf '%s\n' "$*"; }

kbuild=$("$here/kernel.sh" "$kver" debug | tail -n 1)
[ -x "$kbuild/linux" ] || { say "check.sh: no UML kernel in $kbuild"; exit 1; }

# --- modules (W=1, -Werror, output outside the repo) and the root -----------
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
mo=$cache/modules/$(basename "$kbuild")
say "== building fwsched against $(basename "$kbuild") (W=1, -Werror)"
if ! fw_build_modules "$kbuild" "$mo"; then
	say "check.sh: module build failed"
	say "0 passed, 1 failed"
	exit 1
fi
root=$cache/root/$(basename "$kbuild")
fw_make_root "$kbuild" "$mo" "$root"

# --- boots -----------------------------------------------------------------
if [ "$mode" = selftest ]; then
	plans=("$repo"/tests/selftest/*.plan)
elif [ "$mode" = stress ]; then
	plans=("$repo"/tests/stress/*.plan)
	boot_timeout=${BOOT_TIMEOUT:-5400}
else
	plans=("$repo"/tests/plans/*.plan)
fi
logs=$cache/logs/$(basename "$kbuild")
mkdir -p "$logs"
passed=0
failed=0

for plan in "${plans[@]}"; do
	name=$(basename "$plan" .plan)
	[ -z "$only" ] || [ "$only" = "$name" ] || continue
	log=$logs/$name.log
	record=0
	grep -q '^# record-only' "$plan" && record=1
	say "== boot $name ($kver, ncpus=2)$([ "$record" = 0 ] || echo ", record-only")"
	start=$(date +%s)
	fw_boot "$kbuild" "$root" "$plan" "$log" \
		"$([ "$record" = 0 ] && echo "$boot_timeout" || echo 180)" ncpus=2 seccomp=on
	say "   ($(( $(date +%s) - start ))s, console in $log)"
	if [ "$record" = 1 ]; then
		# What happened, for the record: steps, reports, the first lines.
		grep -E "FWSCHED-(RECORD|STEP|ERROR)|BUG|WARNING:|Oops|KASAN|rmmod|Segmentation|Objects remaining|FWSCHED-DONE" \
			"$log" | head -n 40 | sed 's/^/    | /'
		grep -q "FWSCHED-DONE" "$log" || say "    | (no FWSCHED-DONE: the boot crashed or hung)"
		say "   (record-only: not counted)"
		continue
	fi

	set +e
	verdict=$(python3 "$here/ktap.py" "$log" "$plan" --name "$name")
	set -e
	res=$(printf '%s\n' "$verdict" | sed -n 's/^RESULT //p')
	read -r p f caught <<<"$res"
	caught=${caught#caught=}

	if [ "$mode" = selftest ]; then
		want=$(sed -n 's/^#[[:space:]]*caught:[[:space:]]*//p' "$plan")
		printf '%s\n' "$verdict" | grep -v '^RESULT' | sed 's/^/  (planted) /'
		if [ "$f" -gt 0 ] && [[ ",$caught," == *",$want,"* ]]; then
			say "    ok   selftest:$name caught as $want"
			passed=$((passed + 1))
		else
			say "    FAIL selftest:$name not caught as $want (caught: $caught)"
			failed=$((failed + 1))
		fi
	else
		printf '%s\n' "$verdict" | grep -v '^RESULT'
		passed=$((passed + p))
		failed=$((failed + f))
	fi
done

say "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
