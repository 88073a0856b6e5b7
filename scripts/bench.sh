#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - "make bench": fwsched against drm_sched on one mock firmware,
# in one boot of the uniprocessor, non-debug UML kernel.
#
#   scripts/bench.sh [KVER]
#
# Writes results/bench-STAMP.{log,json,svg} and prints the table.  Wall-clock
# figures come from one boot with the implementations interleaved (A B C D,
# A B C D, ... BENCH_REPS times; the first is a warm-up).  Where the machine has hardware counters,
# instructions per job come from "perf stat -e instructions:u" on the UML
# process, as the difference between boots with N and 2N jobs (lpj fixed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${FWSCHED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fwsched}
kver=${1:-${KVER:-7.3}}
jobs=${BENCH_JOBS:-20000}
reps=${BENCH_REPS:-9}
lpj=lpj=4000000

"$here/deps.sh" bench
kbuild=$("$here/kernel.sh" "$kver" bench | tail -n 1)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
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
