#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - build the debug UML kernel and fwsched, boot each test plan in
# UML and judge the console.  What "make check" and "make check-selftest" run.
#
#   scripts/check.sh [--selftest|--stress|--torture] [--plan NAME] [--repeat N] [KVER]
#
# LOAD=N runs N busy processes on the host (stress-ng --cpu N) while the
# suites boot (not while kernels build): the result must be the same as on
# an idle machine.  X86=0 leaves out
# the x86_64 test bed (the same suites under QEMU, with KCSAN); STRESS=0
# leaves out the full-scale stress on its own kernel.  --repeat N boots
# each plan N times (a stall hunt); each boot is judged and counted.
# FW_KARGS="..." adds kernel arguments to every boot (initcall_debug
# ignore_loglevel: where a boot's time goes).
#
# Each plan (tests/plans/*.plan on the debug kernel, then
# tests/stress/*.plan on the lighter "stress" kernel; tests/selftest/*.plan
# with --selftest; tests/stress/*.plan on the debug kernel with --stress) gets
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
repeat=1
load=${LOAD:-0}
x86=${X86:-1}
stress=${STRESS:-1}
while [ $# -gt 0 ]; do
	case "$1" in
	--selftest) mode=selftest; shift ;;
	--stress) mode=stress; shift ;;
	--torture) mode=torture; shift ;;
	--plan) only=$2; shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	-*) echo "check.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
kver=${1:-${KVER:-7.3}}

say() { printf '%s\n' "$*"; }

# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
passed=0
failed=0

# prepare FLAVOUR: build the kernel, the modules (W=1, -Werror, output outside
# the repo) and the root; sets kbuild and root.  Returns 1 if the build failed.
prepare() {
	load_off
	# Nothing boots while we wait here: a background build we wait for
	# gets the machine (its group back at nice 0), then yields again.
	prefetch_nice 0
	kbuild=$("$here/kernel.sh" "$kver" "$1" | tail -n 1)
	prefetch_nice 19
	[ -x "$kbuild/linux" ] || [ -f "$kbuild/arch/x86/boot/bzImage" ] ||
		{ say "check.sh: no kernel image in $kbuild"; return 1; }
	[ "$(fw_arch "$kbuild")" = um ] || "$here/deps.sh" qemu
	# One check at a time per kernel: the module tree and the root (and the
	# plan copied into it before each boot) are shared by every run on this
	# kernel.  Held until this script ends.
	local lock
	mkdir -p "$cache/root"
	exec {lock}>"$cache/root/$(basename "$kbuild").lock"
	if ! flock -n "$lock"; then
		say "   (another check is using $(basename "$kbuild"); waiting for it)"
		flock "$lock"
	fi
	local mo=$cache/modules/$(basename "$kbuild")
	say "== building fwsched against $(basename "$kbuild") (W=1, -Werror)"
	if ! fw_build_modules "$kbuild" "$mo"; then
		say "check.sh: module build failed"
		return 1
	fi
	root=$cache/root/$(basename "$kbuild")
	fw_make_root "$kbuild" "$mo" "$root"
}

# boot_plans PLAN...: one boot per plan on $kbuild, judged and counted.
boot_plans() {
	local plan name log record verdict res p f caught want start msg
	local logs=$cache/logs/$(basename "$kbuild")
	mkdir -p "$logs"
	load_on
	for plan in "$@"; do
		name=$(basename "$plan" .plan)
		[ -z "$only" ] || [ "$only" = "$name" ] || continue
		# "# arch: A": the plan needs what only that architecture has.
		want=$(sed -n 's/^#[[:space:]]*arch:[[:space:]]*//p' "$plan")
		[ -z "$want" ] || [ "$want" = "$(fw_arch "$kbuild")" ] || continue
		log=$logs/$name.log
		record=0
		grep -q '^# record-only' "$plan" && record=1
		for ((rep = 1; rep <= repeat; rep++)); do
		[ "$repeat" = 1 ] || log=$logs/$name.$rep.log
		say "== boot $name ($kver, $(basename "$kbuild"), ncpus=2$([ "$load" = 0 ] || echo ", host load $load"))$([ "$record" = 0 ] || echo ", record-only")$([ "$repeat" = 1 ] || echo ", run $rep of $repeat")"
		start=$(date +%s)
		fw_boot "$kbuild" "$root" "$plan" "$log" \
			"$([ "$record" = 0 ] && echo "$boot_timeout" || echo 180)" ncpus=2 seccomp=on ${FW_KARGS:-}
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
		verdict=$(python3 "$here/ktap.py" "$log" "$plan" --name "$name" \
			--kunit "$cache/src/linux-source-$kver/tools/testing/kunit" \
			--history "$logs/$name.durations.json")
		set -e
		res=$(printf '%s\n' "$verdict" | sed -n 's/^RESULT //p')
		read -r p f caught <<<"$res"
		caught=${caught#caught=}

		if [ "$mode" = selftest ]; then
			want=$(sed -n 's/^#[[:space:]]*caught:[[:space:]]*//p' "$plan")
			printf '%s\n' "$verdict" | grep -v '^RESULT' | sed 's/^/  (planted) /'
			# "# message: TEXT": the report must also say this; a plan
			# that plants several faults names one line for each.
			msg=$(sed -n 's/^#[[:space:]]*message:[[:space:]]*//p' "$plan")
			said=1
			while IFS= read -r m; do
				[ -z "$m" ] || grep -qF -- "$m" "$log" || said=0
			done <<<"$msg"
			if [ "$f" -gt 0 ] && [[ ",$caught," == *",$want,"* ]] && [ "$said" = 1 ]; then
				say "    ok   selftest:$name caught as $want"
				passed=$((passed + 1))
			else
				say "    FAIL selftest:$name not caught as $want${msg:+ with \"${msg//$'\n'/\", \"}\"} (caught: $caught)"
				failed=$((failed + 1))
			fi
		else
			printf '%s\n' "$verdict" | grep -v '^RESULT'
			passed=$((passed + p))
			failed=$((failed + f))
		fi
		done
	done
}

# LOAD=N: N busy processes on the host while the suites run.  Not while a
# kernel or the modules build: that would only cost time (a cold CI run
# builds a kernel per flavour), not test anything.
load_pid=
prefetch_pid=
# prefetch FLAVOUR...: build those kernels in the background, niced, while
# the suites boot; prepare() of each then finds it built (or waits for it,
# kernel.sh locks each build).  A build beside the boots is host load,
# which no result may depend on.
prefetch() {
	[ "${PREFETCH:-1}" = 1 ] && [ $# -gt 0 ] || return 0
	mkdir -p "$cache/logs"
	# A new session is a new scheduler autogroup, in which nice alone
	# means nothing against the boots: the group itself is niced.
	setsid bash -c 'echo 19 >/proc/self/autogroup 2>/dev/null
		for f in "${@:3}"; do nice -n 19 "$1" "$2" "$f" || exit 1; done' \
		_ "$here/kernel.sh" "$kver" "$@" >"$cache/logs/prefetch-$kver.log" 2>&1 &
	prefetch_pid=$!
}
# prefetch_nice N: the scheduler autogroup nice of the background builds.
prefetch_nice() {
	[ -n "$prefetch_pid" ] && echo "$1" >"/proc/$prefetch_pid/autogroup" 2>/dev/null
	return 0
}
prefetch_off() {
	[ -n "$prefetch_pid" ] || return 0
	kill -- -"$prefetch_pid" 2>/dev/null || true
	wait "$prefetch_pid" 2>/dev/null || true
	prefetch_pid=
}
load_on() {
	[ "$load" -gt 0 ] 2>/dev/null && [ -z "$load_pid" ] || return 0
	setsid stress-ng --cpu "$load" --timeout 0 --quiet >/dev/null 2>&1 &
	load_pid=$!
	say "== host load: stress-ng --cpu $load while the suites run"
}
load_off() {
	[ -n "$load_pid" ] || return 0
	kill -- -"$load_pid" 2>/dev/null || kill "$load_pid" 2>/dev/null
	wait "$load_pid" 2>/dev/null || true
	load_pid=
}
if [ "$load" -gt 0 ] 2>/dev/null; then
	"$here/deps.sh" load
fi
trap 'load_off; prefetch_off' EXIT
# Killed (a CI timeout, ^C): still stop the load and the background builds,
# which run in sessions of their own and would outlive us.
trap 'exit 143' TERM HUP
trap 'exit 130' INT

# --selftest: fwsched.ko built with a bug planted in fwsched itself, one
# module per bug, at /mod/DIR/fwsched.ko in the root, for the plans in
# tests/selftest/ that load DIR/fwsched:
#   planted        the fence hold-back skipped (torture-order.plan)
#   planted-slice  no slice timer for a slice that starts while a waiter
#                  waits
#   planted-yield  a yield hands the slot on before the yielder queues
#                  again
#   planted-fwdep  a firmware wait on a queue that can be preempted off its
#                  slot
# The last three are logic of the slot pool's, the same on every
# architecture: slot-plants.plan boots them on UML only, and only UML
# builds them.
plants=(
	planted:FWSCHED_PLANT_NO_HOLDBACK
	planted-slice:FWSCHED_PLANT_SLICE_NO_ARM:um
	planted-yield:FWSCHED_PLANT_YIELD_NO_DECIDE:um
	planted-fwdep:FWSCHED_PLANT_FW_DEP_ANY_HOLDER:um
)
plant() {
	local p dir mo def arch
	for p in "${plants[@]}"; do
		IFS=: read -r dir def arch <<<"$p"
		[ -z "$arch" ] || [ "$arch" = "$(fw_arch "$kbuild")" ] || continue
		mo=$cache/modules/$(basename "$kbuild")-$dir
		mkdir -p "$mo"
		make -s -C "$kbuild" ARCH="$(fw_arch "$kbuild")" M="$repo" MO="$mo" \
			obj-m=fwsched.o KCFLAGS=-D"$def" \
			-j"${JOBS:-$(nproc)}" modules >"$mo/build.log" 2>&1 ||
			{ cat "$mo/build.log"; say "check.sh: planted build $dir failed"; return 1; }
		mkdir -p "$root/mod/$dir"
		cp "$mo/fwsched.ko" "$root/mod/$dir/"
	done
}

if [ "$mode" = selftest ]; then
	prepare debug && plant && boot_plans "$repo"/tests/selftest/*.plan ||
		failed=$((failed + 1))
	if [ "$x86" = 1 ]; then
		prepare x86-debug && plant && boot_plans "$repo"/tests/selftest/*.plan ||
			failed=$((failed + 1))
	fi
elif [ "$mode" = stress ]; then
	# make stress: the full scale under KASAN and kmemleak too; long.
	boot_timeout=${BOOT_TIMEOUT:-5400}
	prepare debug && boot_plans "$repo"/tests/stress/queue-*.plan || failed=$((failed + 1))
elif [ "$mode" = torture ]; then
	# make torture: DURATION seconds (two halves, fwsched.ko and the
	# torture module reloaded between them) on FLAVOUR (stress: lockdep;
	# debug: KASAN, kmemleak, lockdep), QUEUES queues, SEED (0: random).
	dur=${DURATION:-600}
	flavour=${FLAVOUR:-stress}
	queues=${QUEUES:-$([ "$flavour" = stress ] && echo 1024 || echo 64)}
	seed=${SEED:-0}
	boot_timeout=${BOOT_TIMEOUT:-$((dur + 3600))}
	mkdir -p "$cache/torture"
	tplan=$cache/torture/torture-$flavour-$(date -u +%Y%m%dT%H%M%SZ).plan
	{
		echo "# make torture: ${dur} s on $flavour, $queues queues, seed $seed"
		echo "# expect: fwsched_torture"
		echo "echo $((dur + 3600)) > /sys/module/kunit/parameters/timeout"
		echo "hung_task 0"
		for half in 1 2; do
			echo "load fwsched"
			echo "load tests/torture/fwsched_torture duration=$(((dur + 1) / 2)) queues=$queues seed=$([ "$seed" = 0 ] && echo 0 || echo $((seed + half - 1)))"
			echo "unload fwsched_torture"
			echo "unload fwsched"
		done
	} >"$tplan"
	prepare "$flavour" && boot_plans "$tplan" || failed=$((failed + 1))
else
	later=()
	[ "$stress" = 1 ] && later+=(stress)
	[ "$x86" = 1 ] && later+=(x86-debug)
	if [ -z "$only" ] || [ -f "$repo/tests/plans/$only.plan" ]; then
		prepare debug && prefetch "${later[@]}" &&
			boot_plans "$repo"/tests/plans/*.plan || failed=$((failed + 1))
	fi
	# The full-scale stress (64 queues x 10000 jobs, two CPUs, lockdep) on
	# the "stress" kernel, which leaves out KASAN and kmemleak: under them
	# a job costs ~3 ms on UML and the run would take 42 minutes.
	boot_timeout=${BOOT_TIMEOUT:-1800}
	if [ "$stress" = 1 ] && { [ -z "$only" ] || [ -f "$repo/tests/stress/$only.plan" ]; }; then
		prepare stress && boot_plans "$repo"/tests/stress/*.plan || failed=$((failed + 1))
	fi
	# The same suites on x86_64 under QEMU: KCSAN, raw-lock nesting, a
	# real SMP of two vCPUs.
	boot_timeout=${BOOT_TIMEOUT:-900}
	if [ "$x86" = 1 ] && { [ -z "$only" ] || [ -f "$repo/tests/plans/$only.plan" ]; }; then
		prepare x86-debug && boot_plans "$repo"/tests/plans/*.plan ||
			failed=$((failed + 1))
	fi
fi

say "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
