# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - shared by check.sh and bench.sh: build fwsched against a kernel
# build, make the busybox root, boot one plan: in User-Mode Linux (hostfs
# root) or, for an x86_64 build, in QEMU (the same root as an initramfs).
# Source it; it needs $here (scripts/), $repo and $cache set.

# fw_arch KBUILD: the kernel's architecture, um or x86_64.
fw_arch() {
	if [ -f "$1/arch/x86/boot/bzImage" ]; then echo x86_64; else echo um; fi
}

# fw_build_modules KBUILD MO: external modules, W=1, warnings are errors,
# and so is every diagnostic kbuild or modpost prints (such as an object
# "added to multiple modules"), which -Werror does not see.
fw_build_modules() {
	local kbuild=$1 mo=$2
	mkdir -p "$mo"
	if ! make -s -C "$kbuild" ARCH="$(fw_arch "$kbuild")" M="$repo" MO="$mo" \
		W=1 KCFLAGS=-Werror \
		-j"${JOBS:-$(nproc)}" modules >"$mo/build.log" 2>&1; then
		cat "$mo/build.log"
		return 1
	fi
	if grep -E 'warning|error|WARNING|is added to multiple modules' "$mo/build.log"; then
		echo "lib.sh: the build printed diagnostics (above)"
		return 1
	fi
}

# fw_make_root KBUILD MO ROOT: busybox, /init, our modules and drm_sched.
fw_make_root() {
	local kbuild=$1 mo=$2 root=$3 app
	rm -rf "$root"
	mkdir -p "$root"/{bin,proc,sys,dev,tmp,mod}
	cp /bin/busybox "$root/bin/busybox"
	for app in $("$root/bin/busybox" --list); do
		[ "$app" = busybox ] || ln -sf busybox "$root/bin/$app"
	done
	cp "$repo/tests/uml-init" "$root/init"
	(cd "$mo" && find . -name '*.ko' -exec cp --parents {} "$root/mod/" \;)
	if [ -f "$kbuild/drivers/gpu/drm/scheduler/gpu-sched.ko" ]; then
		cp "$kbuild/drivers/gpu/drm/scheduler/gpu-sched.ko" "$root/mod/"
	fi
	# The e2e program: real userspace, static for the busybox root.
	gcc -static -O2 -Wall -Wextra -Werror -I"$repo/tests/e2e" \
		-o "$root/bin/fwsched-e2e" "$repo/tests/e2e/e2e.c"
}

# fw_boot KBUILD ROOT PLAN LOG TIMEOUT [kernel args...]: one boot of PLAN.
# "ncpus=N" sets the CPUs (UML's own argument; QEMU's -smp); on x86_64,
# FW_ICOUNT=1 boots the deterministic instruction-counting machine (see
# fw_qemu) and UML's "seccomp=" and "lpj=" arguments are dropped.
fw_boot() {
	local kbuild=$1 root=$2 plan=$3 log=$4 timeout=$5
	shift 5
	cp "$plan" "$root/plan.sh"
	if [ "$(fw_arch "$kbuild")" = x86_64 ]; then
		fw_qemu "$kbuild" "$root" "$log" "$timeout" "$@"
		return
	fi
	python3 "$here/uml-run.py" --log "$log" --timeout "$timeout" -- \
		"$kbuild/linux" mem=1G root=/dev/root rootfstype=hostfs \
		hostfs="$root" rw init=/init con=null con0=null,fd:1 \
		uml_dir="$cache/uml" umid="fwsched-$$" printk.time=1 "$@" || true
}

# fw_qemu KBUILD ROOT LOG TIMEOUT [kernel args...]: boot ROOT, packed as an
# initramfs, on the x86_64 kernel under QEMU's TCG (no KVM needed; the
# console is the first serial port; /init reboots and -no-reboot ends QEMU).
# With FW_ICOUNT=1: -icount shift=0 (one guest nanosecond is one
# instruction; sleep=off: an idle CPU jumps to the next timer instead of
# waiting in host time), no rdrand/rdseed, norandmaps and a fixed clock, so
# that a boot repeats instruction for instruction; one vCPU unless ncpus=N
# says otherwise (icount runs the vCPUs in turn on one host thread, so the
# boot still repeats).  Else TCG with one host thread per vCPU.
fw_qemu() {
	local kbuild=$1 root=$2 log=$3 timeout=$4 cpus=1 arg
	local -a kargs=() qargs=()
	shift 4
	for arg in "$@"; do
		case "$arg" in
		ncpus=*) cpus=${arg#ncpus=} ;;
		seccomp=*|lpj=*) ;;
		*) kargs+=("$arg") ;;
		esac
	done
	(cd "$root" && find . | cpio -o -H newc --quiet) >"$root.cpio"
	if [ "${FW_ICOUNT:-0}" = 1 ]; then
		qargs=(-icount shift=0,sleep=off -smp "$cpus,sockets=$cpus,cores=1,threads=1"
		       -cpu max,-rdrand,-rdseed
		       -rtc base=2024-01-01T00:00:00,clock=vm)
		kargs+=(norandmaps)
		# One vCPU: no local APIC timer (the PIT ticks).  With two,
		# each CPU needs its own, or CPU 1's timers never fire; and
		# the TSCs, both read off the instruction clock, look out of
		# step to the kernel, which would fall back to a jiffies clock
		# (4 ms steps): tsc=reliable keeps the TSC.
		if [ "$cpus" = 1 ]; then
			kargs+=(noapictimer)
		else
			kargs+=(tsc=reliable)
		fi
	else
		qargs=(-accel tcg,thread=multi -smp "$cpus,sockets=$cpus,cores=1,threads=1"
		       -cpu max)
	fi
	# FW_QEMU_PLUGIN=SO,ARGS: a TCG plugin (bench.sh's instruction profile).
	[ -n "${FW_QEMU_PLUGIN:-}" ] && qargs+=(-plugin "$FW_QEMU_PLUGIN")
	# Under a loaded host, two-vCPU TCG sometimes stalls in early boot,
	# before /init and so before any test (seen after SMP bring-up, both
	# vCPU threads spinning).  Such a boot is killed after 300 s without
	# /init and booted again, at most twice; its console is kept beside
	# the log and the retry is said on the console of the next.
	local attempt st notes=""
	for attempt in 1 2 3; do
		st=0
		python3 "$here/uml-run.py" --log "$log" --timeout "$timeout" --init-timeout 300 -- \
			qemu-system-x86_64 -nographic -no-reboot -m 2G "${qargs[@]}" \
			-kernel "$kbuild/arch/x86/boot/bzImage" -initrd "$root.cpio" \
			-append "console=ttyS0 panic=-1 printk.time=1 FWSCHED_QEMU=1 ${kargs[*]}" ||
			st=$?
		if [ -n "$notes" ]; then
			{ printf '%b' "$notes"; cat "$log"; } >"$log.tmp"
			mv "$log.tmp" "$log"
		fi
		[ "$st" = 3 ] || return 0
		mv "$log" "$log.stalled-$attempt"
		notes="${notes}FWSCHED-HARNESS: boot $attempt stalled before /init (console in $log.stalled-$attempt); booted again\n"
		echo "   (QEMU boot $attempt stalled before /init; booting again)" >&2
	done
	printf '%b' "$notes" >"$log"
}
