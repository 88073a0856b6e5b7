# SPDX-License-Identifier: GPL-2.0
#
# lib.sh - shared by check.sh and bench.sh: build fwsched against a UML
# build, make the busybox hostfs root, boot one plan.  Source it; it needs
# $here (scripts/), $repo and $cache set.

# fw_build_modules KBUILD MO: external modules, W=1, warnings are errors.
fw_build_modules() {
	local kbuild=$1 mo=$2
	mkdir -p "$mo"
	if ! make -s -C "$kbuild" ARCH=um M="$repo" MO="$mo" W=1 KCFLAGS=-Werror \
		-j"${JOBS:-$(nproc)}" modules >"$mo/build.log" 2>&1; then
		cat "$mo/build.log"
		return 1
	fi
	grep -E 'warning|error' "$mo/build.log" || true
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
fw_boot() {
	local kbuild=$1 root=$2 plan=$3 log=$4 timeout=$5
	shift 5
	cp "$plan" "$root/plan.sh"
	python3 "$here/uml-run.py" --log "$log" --timeout "$timeout" -- \
		"$kbuild/linux" mem=1G root=/dev/root rootfstype=hostfs \
		hostfs="$root" rw init=/init con=null con0=null,fd:1 \
		uml_dir="$cache/uml" umid="fwsched-$$" printk.time=1 "$@" || true
}
