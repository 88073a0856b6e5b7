#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - "make bench": fwsched against drm_sched on one mock firmware,
# every implementation in the same boot.
#
#   scripts/bench.sh [KVER]            (ARCH=x86_64, the default, or ARCH=um)
#
# ARCH=x86_64: the uniprocessor x86_64 bench kernel under QEMU with -icount
# shift=0 (lib.sh, fw_qemu): a guest nanosecond is one retired instruction
# and the machine is deterministic, so every figure is an exact instruction
# count and repeats boot after boot, whatever else the host is doing.  The
# module runs with N and then 2N jobs in one boot; per-job figures are the
# difference.  One boot gives the timed scenarios; drm_sched's fair policy
# and the memory scenarios (fresh slabs) get boots of their own.
#
# ARCH=um: the uniprocessor, non-debug UML kernel and host wall-clock time,
# the implementations interleaved (A B C D, A B C D, ... BENCH_REPS times;
# the first is a warm-up); where the machine has hardware counters,
# instructions per job come from "perf stat -e instructions:u" on the UML
# process, as the difference between boots with N and 2N jobs (lpj fixed).
#
# PROFILE=1 (x86_64) adds boots with a QEMU plugin that counts how often each
# translated block runs, and prints the exact instructions per job of every
# function, for each implementation (scripts/insn_profile.py); PROFILE=only
# skips the benchmark and runs only those.
#
# Writes results/bench-STAMP.{log,json,svg} and prints the table.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${FWSCHED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fwsched}
kver=${1:-${KVER:-7.3}}
jobs=${BENCH_JOBS:-20000}
reps=${BENCH_REPS:-9}
lpj=lpj=4000000
arch=${ARCH:-x86_64}
case "$arch" in
x86_64|x86) arch=x86_64 flavour=x86-bench ;;
um) flavour=bench ;;
*) echo "bench.sh: ARCH=$arch: x86_64 or um" >&2; exit 2 ;;
esac

"$here/deps.sh" bench
[ "$arch" = um ] || "$here/deps.sh" qemu
kbuild=$("$here/kernel.sh" "$kver" "$flavour" | tail -n 1)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
# One run at a time per kernel, as in check.sh: the module tree and the
# root are shared by every run on this kernel (two clones benchmarked at
# once would boot each other's modules).  Held until this script ends.
mkdir -p "$cache/root"
exec {lock}>"$cache/root/$(basename "$kbuild").lock"
if ! flock -n "$lock"; then
	echo "   (another run is using $(basename "$kbuild"); waiting for it)"
	flock "$lock"
fi
mo=$cache/modules/$(basename "$kbuild")
echo "== building fwsched and the benchmark against $(basename "$kbuild")"
fw_build_modules "$kbuild" "$mo"
root=$cache/root/$(basename "$kbuild")
fw_make_root "$kbuild" "$mo" "$root"

out=$repo/results
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
plan=$(mktemp)
trap 'rm -f "$plan" "$plan".*' EXIT

write_plan() {
	cat >"$plan" <<PLAN
load fwsched
load gpu-sched ${gpu_sched_args:-}
load tests/bench/fwsched_bench $*
unload fwsched_bench
unload gpu-sched
unload fwsched
PLAN
}

if [ "$arch" = x86_64 ]; then
	export FW_ICOUNT=1
	log=$out/bench-$stamp.log
	machine="x86_64 $kver bench kernel under QEMU TCG -icount shift=0 (instructions)"
	# The timed scenarios with N, then 2N jobs: two repetitions each, the
	# first warms the slabs.
	cat >"$plan" <<PLAN
load fwsched
load gpu-sched
load tests/bench/fwsched_bench jobs=$jobs reps=2
unload fwsched_bench
load tests/bench/fwsched_bench jobs=$((2 * jobs)) reps=2
unload fwsched_bench
unload gpu-sched
load gpu-sched sched_policy=2
load tests/bench/fwsched_bench scenario=slots impl=drm_wq drm_policy=fair reps=2
unload fwsched_bench
unload gpu-sched
unload fwsched
PLAN
	if [ "${PROFILE:-0}" != only ]; then
		echo "== bench boot: x86_64 $kver under QEMU -icount (instructions), $jobs and $((2 * jobs)) jobs"
		start=$(date +%s)
		fw_boot "$kbuild" "$root" "$plan" "$log" 3600
		echo "   ($(( $(date +%s) - start ))s)"
		# Submit latency under CPU overload: every implementation, one
		# boot (seconds of guest time each, so not in the timed boot).
		write_plan "scenario=overload reps=1"
		fw_boot "$kbuild" "$root" "$plan" "$log.overload" 1800
		cat "$log.overload" >>"$log"
		rm -f "$log.overload"
		# The same on two vCPUs: the bench kernel with SMP
		# (x86-bench-smp.config), under -icount with -smp 2.
		kbuild_smp=$("$here/kernel.sh" "$kver" x86-bench-smp | tail -n 1)
		exec {lock_smp}>"$cache/root/$(basename "$kbuild_smp").lock"
		flock "$lock_smp"
		mo_smp=$cache/modules/$(basename "$kbuild_smp")
		root_smp=$cache/root/$(basename "$kbuild_smp")
		echo "== overload boot on two vCPUs ($(basename "$kbuild_smp"))"
		fw_build_modules "$kbuild_smp" "$mo_smp"
		fw_make_root "$kbuild_smp" "$mo_smp" "$root_smp"
		fw_boot "$kbuild_smp" "$root_smp" "$plan" "$log.overload-smp" 1800 ncpus=2
		if ! grep -q "scenario=overload .*cpus=2 " "$log.overload-smp"; then
			echo "bench.sh: the two-vCPU overload boot did not run on two CPUs" \
				"(console in $log.overload-smp)" >&2
			exit 1
		fi
		cat "$log.overload-smp" >>"$log"
		rm -f "$log.overload-smp"
		for sc in memory qmem; do
			for im in fwsched drm_wq drm_shared floor; do
				write_plan "scenario=$sc impl=$im reps=1"
				fw_boot "$kbuild" "$root" "$plan" "$log.$sc-$im" 600
				cat "$log.$sc-$im" >>"$log"
				rm -f "$log.$sc-$im"
			done
		done
		python3 "$here/bench.py" --clock insn --log "$log" \
			--json "$out/bench-$stamp.json" --plot "$out/bench-$stamp.svg" \
			--machine "$machine"
	fi
	[ "${PROFILE:-0}" != 0 ] || exit 0
	# PROFILE=1: where the instructions go, exactly.  For each
	# implementation, two boots with a QEMU plugin counting how often each
	# translated block runs (scripts/insn-count-plugin.c; inline counters,
	# no guest instruction added): PROFILE_JOBS and twice as many jobs on
	# PROFILE_QUEUES queues, instant completion.  insn_profile.py charges
	# each block to its function and prints the difference per job.
	# PROFILE_SCENARIO=hop profiles a dependency chain over the queues
	# instead (per hop; PROFILE_QUEUES=2 is the README's hop).
	pjobs=${PROFILE_JOBS:-5000}
	pq=${PROFILE_QUEUES:-1}
	psc=${PROFILE_SCENARIO:-spread}
	so=$cache/tools/insn-count.so
	mkdir -p "$cache/tools"
	if [ ! -f "$so" ] || [ "$here/insn-count-plugin.c" -nt "$so" ] ||
	   [ "$here/qemu-plugin-api.h" -nt "$so" ]; then
		gcc -shared -fPIC -O2 -Wall -fvisibility=hidden -o "$so" "$here/insn-count-plugin.c"
	fi
	ptmp=$(mktemp -d)
	for im in ${PROFILE_IMPLS:-fwsched fwsched_direct drm_wq floor}; do
		for n in "$pjobs" $((2 * pjobs)); do
			cat >"$plan" <<PLAN
load fwsched
load gpu-sched
load tests/bench/fwsched_bench scenario=$psc impl=$im jobs=$n reps=2 spread_queues=$pq
grep '\[' /proc/kallsyms | sed 's/^/FWSCHED-KSYM /'
unload fwsched_bench
unload gpu-sched
unload fwsched
PLAN
			FW_QEMU_PLUGIN="$so,out=$ptmp/$im-$n.blocks" \
				fw_boot "$kbuild" "$root" "$plan" "$ptmp/$im-$n.log" 1800
		done
		python3 "$here/insn_profile.py" --vmlinux "$kbuild/vmlinux" \
			--jobs $((2 * pjobs)) --label "$im, $psc, $pq queue(s)" --top "${PROFILE_TOP:-30}" \
			"$ptmp/$im-$pjobs.blocks" "$ptmp/$im-$pjobs.log" \
			"$ptmp/$im-$((2 * pjobs)).blocks" "$ptmp/$im-$((2 * pjobs)).log" |
			tee -a "$out/bench-$stamp.profile.txt"
		echo | tee -a "$out/bench-$stamp.profile.txt"
	done
	rm -rf "$ptmp"
	exit
fi

echo "== bench boot: $kver, uniprocessor, no debug options, $reps interleaved reps of $jobs jobs"
write_plan "jobs=$jobs reps=$reps"
start=$(date +%s)
fw_boot "$kbuild" "$root" "$plan" "$out/bench-$stamp.log" 3600 "$lpj"
echo "   ($(( $(date +%s) - start ))s)"

# Scenario 6 against drm_sched's fair policy: gpu-sched takes its policy at
# load time, so it gets a boot of its own.
echo "== slots scenario, drm_sched with sched_policy=2 (fair)"
gpu_sched_args="sched_policy=2"
write_plan "scenario=slots impl=drm_wq drm_policy=fair reps=$reps"
fw_boot "$kbuild" "$root" "$plan" "$out/bench-$stamp.fair.log" 600 "$lpj"
cat "$out/bench-$stamp.fair.log" >>"$out/bench-$stamp.log"
rm -f "$out/bench-$stamp.fair.log"
gpu_sched_args=""

# Memory wants fresh slabs: a boot per implementation and kind.
for sc in memory qmem; do
	for im in fwsched drm_wq drm_shared floor; do
		write_plan "scenario=$sc impl=$im reps=1"
		fw_boot "$kbuild" "$root" "$plan" "$out/bench-$stamp.$sc-$im.log" 600 "$lpj"
		cat "$out/bench-$stamp.$sc-$im.log" >>"$out/bench-$stamp.log"
		rm -f "$out/bench-$stamp.$sc-$im.log"
	done
done

insn=$out/bench-$stamp.insn
: >"$insn"
# (Output captured first: with pipefail, grep -q closing the pipe early
# would make the test fail and send us down the wrong branch.)
perf_probe=$(perf stat -e instructions:u true 2>&1 || true)
if ! command -v perf >/dev/null || [[ "$perf_probe" == *"not supported"* ]]; then
	echo "perf: instructions:u not supported on this machine" >"$insn"
else
	echo "== instruction counts (perf stat, N and 2N jobs per boot)"
	for sc in throughput chain backpressure; do
		for im in fwsched fwsched_direct drm_wq drm_shared floor; do
			for n in "$jobs" $((2 * jobs)); do
				write_plan "jobs=$n reps=1 scenario=$sc impl=$im"
				perf stat -x, -e instructions:u -o "$plan.perf" -- \
					bash -c ". '$here/lib.sh'; here='$here' repo='$repo' cache='$cache'; fw_boot '$kbuild' '$root' '$plan' /dev/null 600 '$lpj'"
				echo "INSN scenario=$sc impl=$im jobs=$n insn=$(grep instructions "$plan.perf" | cut -d, -f1)" >>"$insn"
			done
		done
	done
fi

python3 "$here/bench.py" --log "$out/bench-$stamp.log" --insn "$insn" \
	--json "$out/bench-$stamp.json" --plot "$out/bench-$stamp.svg" \
	--machine "$(nproc) cores, $(uname -m), UML $kver bench kernel"
