#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# distro.sh - build fwsched the way a user does: module only, against
# Debian's own amd64 kernel headers, with the compiler those kernels were
# built with, and through DKMS.  What "make check-distro" runs.
#
#   scripts/distro.sh [KVER...]          (default: 7.3 7.2)
#
# Debian builds its trixie-backports kernels with gcc-14, which bookworm
# does not have, and their kbuild tools are linked against trixie's libc.
# So the builds run in a trixie chroot made with debootstrap (cached in
# $FWSCHED_CACHE/distro/trixie; root is needed for chroot).  The headers
# (linux-headers-V-amd64, -common and linux-kbuild-V) come from the
# private sources list that kernel.sh keeps, never from the system's apt
# configuration, and are unpacked into the chroot.  For each kernel:
#
#   build   make KDIR=/usr/src/linux-headers-V-amd64 W=1: fwsched.ko and
#           no warning, error or kbuild diagnostic
#   dkms    dkms add/build for that kernel from /usr/src/fwsched-VERSION
#
# A step that cannot run here says so and counts as failed.  The last line
# is "N passed, N failed".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${FWSCHED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fwsched}
# --fetch: only make the chroot and fetch the headers (CI starts it early,
# in the background, while the kernels build and the suites boot).
fetch_only=0
if [ "${1:-}" = --fetch ]; then fetch_only=1; shift; fi
kvers=${*:-7.3 7.2}
version=$(cat "$repo/VERSION")
passed=0
failed=0

say() { printf '%s\n' "$*"; }
verdict() {	# ok(0/1) what [why]
	if [ "$1" = 1 ]; then
		say "    ok   distro:$2"
		passed=$((passed + 1))
	else
		say "    FAIL distro:$2${3:+: $3}"
		failed=$((failed + 1))
	fi
}
finish() { say "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

if [ "$(id -u)" != 0 ]; then
	for v in $kvers; do verdict 0 "$v" "cannot run here: a chroot needs root"; done
	finish
fi

# --- the private apt (apt.sh), and the trixie chroot --------------------------
# shellcheck source=scripts/apt.sh
. "$here/apt.sh"
fw_apt_init || { verdict 0 apt "no Debian mirror in the system's apt configuration"; finish; }
fw_apt_update || { verdict 0 apt "apt-get update failed"; finish; }

root=$cache/distro/trixie
# One of us at a time on the chroot (a --fetch may still be running).
mkdir -p "$cache/distro"
exec 7>"$cache/distro/.lock"
flock 7
if [ ! -f "$root/.fwsched-ready" ]; then
	command -v debootstrap >/dev/null || {
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
	}
	mirror=$("$here/mirror.sh")
	say "== debootstrap trixie (gcc-14, dkms) into $root"
	rm -rf "$root"
	mkdir -p "$root"
	debootstrap --variant=minbase \
		--include=gcc-14,make,libc6-dev,libelf-dev,bc,bison,flex,libssl-dev,kmod,dkms,dwarves \
		trixie "$root" "$mirror" >"$cache/distro/debootstrap.log" 2>&1 || {
		tail -n 20 "$cache/distro/debootstrap.log"
		for v in $kvers; do verdict 0 "$v" "debootstrap trixie failed"; done
		finish
	}
	touch "$root/.fwsched-ready"
fi

# pahole (BTF for modules) came later to the chroot's package list.
[ -x "$root/usr/bin/pahole" ] ||
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends dwarves >/dev/null 2>&1
# objtool reads /proc (its stack limit): mount it for the builds.
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true' EXIT
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

mkdir -p "$cache/dl/distro"
for v in $kvers; do
	pkg=$(apt-cache "${fw_apt_opts[@]}" search --names-only "^linux-headers-${v//./\\.}\\.[0-9]+\\+deb13-amd64\$" |
		cut -d' ' -f1 | sort -V | tail -n 1)
	if [ -z "$pkg" ]; then
		verdict 0 "$v" "no linux-headers-$v.*+deb13-amd64 in trixie-backports"
		continue
	fi
	kabi=${pkg#linux-headers-}			# 7.3.4+deb13-amd64
	base=${kabi%-amd64}				# 7.3.4+deb13
	say "== $pkg"
	(cd "$cache/dl/distro" && for p in "$pkg" "linux-headers-$base-common" "linux-kbuild-$base"; do
		ls "${p}"_*.deb >/dev/null 2>&1 || apt-get "${fw_apt_opts[@]}" -qq download "$p"
	done)
	if [ ! -d "$root/usr/src/$pkg" ]; then
		for d in "$cache"/dl/distro/{"$pkg","linux-headers-$base-common","linux-kbuild-$base"}_*.deb; do
			dpkg-deb -x "$d" "$root"
		done
	fi
	kdir=/usr/src/$pkg
	[ "$fetch_only" = 0 ] || continue

	# build: the module alone, W=1, in a copy of the tree.
	b=/build/fwsched-$kabi
	rm -rf "$root$b"
	mkdir -p "$root$b"
	cp -r "$repo"/{Kbuild,Makefile,VERSION,dkms.conf.in,fwsched,include,tests} "$root$b/"
	set +e
	in_root make -C "$b" KDIR="$kdir" W=1 >"$root$b.log" 2>&1
	st=$?
	set -e
	diag=$(grep -E "warning|error|is added to multiple modules|undefined!" "$root$b.log" || true)
	if [ "$st" = 0 ] && [ -f "$root$b/fwsched.ko" ] && [ -z "$diag" ]; then
		verdict 1 "$v build ($pkg, $(in_root gcc-14 --version | head -n 1))"
		in_root modinfo "$b/fwsched.ko" | grep -E "^(filename|version|license|description|depends|vermagic):" |
			sed 's/^/      /'
	else
		printf '%s\n' "$diag" | head -n 20 | sed 's/^/      /'
		tail -n 5 "$root$b.log" | sed 's/^/      /'
		verdict 0 "$v build ($pkg)" "status $st"
	fi

	# dkms: what "make dkms-install" does, for this kernel's headers.
	src=/usr/src/fwsched-$version
	rm -rf "$root$src"
	mkdir -p "$root$src"
	cp -r "$repo"/{Kbuild,Makefile,VERSION,fwsched,include} "$root$src/"
	sed "s/@VERSION@/$version/" "$repo/dkms.conf.in" >"$root$src/dkms.conf"
	in_root dkms remove -m fwsched -v "$version" --all >/dev/null 2>&1 || true
	set +e
	in_root dkms add -m fwsched -v "$version" >"$root$b.dkms.log" 2>&1 &&
		in_root dkms build -m fwsched -v "$version" -k "$kabi" \
			--kernelsourcedir "$kdir" >>"$root$b.dkms.log" 2>&1
	st=$?
	set -e
	ko=$(find "$root/var/lib/dkms/fwsched/$version/$kabi" -name 'fwsched.ko*' 2>/dev/null | head -n 1 || true)
	if [ "$st" = 0 ] && [ -n "$ko" ]; then
		verdict 1 "$v dkms build ($kabi)"
	else
		tail -n 15 "$root$b.dkms.log" | sed 's/^/      /'
		verdict 0 "$v dkms build ($kabi)" "status $st"
	fi
done
if [ "$fetch_only" = 1 ]; then
	say "distro.sh: chroot and headers ready"
	exit 0
fi

# --- in tree: drivers/gpu/drm/fwsched/ in a copy of the 7.3 source ----------
# A hard-linked copy of the cached source (sed -i writes new files, so the
# pristine tree is not touched), this tree copied in, x86_64 tinyconfig +
# x86-debug.config, DRM_FWSCHED=m and =y.  To keep CI inside its time this
# builds what the directory makes, not the whole kernel: kbuild's prepare,
# then drivers/gpu/drm/fwsched/ with W=1 (=m: the linked fwsched.o and the
# test modules' objects, in modules.order; =y: fwsched's objects in the
# directory's built-in.a).  modpost needs vmlinux, so the .ko is the full
# build's to check.
# FWSCHED_INTREE_FULL=1 builds the whole kernel and its modules instead.
ksrc=$cache/src/linux-source-7.3
if [ ! -d "$ksrc" ]; then
	verdict 0 "in-tree" "no linux-source-7.3 in the cache (make check fetches it)"
	finish
fi
tree=$cache/intree/linux-7.3
if [ ! -f "$tree/.fwsched-linked" ] || [ "$(cat "$tree/.fwsched-linked")" != "$(cat "$ksrc/.fwsched-unpacked")" ]; then
	rm -rf "$tree"
	mkdir -p "$cache/intree"
	cp -al "$ksrc" "$tree"
	sed -i '$a source "drivers/gpu/drm/fwsched/Kconfig"' "$tree/drivers/gpu/drm/Kconfig"
	sed -i '$a obj-y += fwsched/' "$tree/drivers/gpu/drm/Makefile"
	cp "$ksrc/.fwsched-unpacked" "$tree/.fwsched-linked"
fi
rm -rf "$tree/drivers/gpu/drm/fwsched"
mkdir -p "$tree/drivers/gpu/drm/fwsched"
cp -r "$repo"/{Kbuild,Kconfig,VERSION,fwsched,include,tests} "$tree/drivers/gpu/drm/fwsched/"
for val in m y; do
	out=$cache/intree/build-7.3-$val
	mkdir -p "$out"
	set +e
	{
		make -C "$tree" O="$out" ARCH=x86_64 tinyconfig &&
		"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
			"$here/configs/x86-debug.config" <(printf 'CONFIG_DRM_FWSCHED=%s\nCONFIG_DRM_FWSCHED_KUNIT_TEST=m\n' "$val") &&
		make -C "$tree" O="$out" ARCH=x86_64 olddefconfig &&
		if [ "${FWSCHED_INTREE_FULL:-0}" = 1 ]; then
			make -C "$tree" O="$out" ARCH=x86_64 -j"$(nproc)" W=1
		else
			make -C "$tree" O="$out" ARCH=x86_64 -j"$(nproc)" prepare &&
			make -C "$tree" O="$out" ARCH=x86_64 -j"$(nproc)" W=1 \
				drivers/gpu/drm/fwsched/
		fi
	} >"$out/build.log" 2>&1
	st=$?
	set -e
	got=$(grep "^CONFIG_DRM_FWSCHED=" "$out/.config" || echo unset)
	diag=$(grep -E "drivers/gpu/drm/fwsched/.*(warning|error)|fwsched.*is added to multiple modules" "$out/build.log" || true)
	if [ "$val" = m ] && [ "${FWSCHED_INTREE_FULL:-0}" = 1 ]; then
		built=$(ls "$out"/drivers/gpu/drm/fwsched/fwsched.ko 2>/dev/null || true)
	elif [ "$val" = m ]; then
		# The module's linked object and every test module's, in
		# modules.order (modpost needs vmlinux: the full build's part).
		built=$(grep -c 'fwsched.*\.o$' "$out/drivers/gpu/drm/fwsched/modules.order" 2>/dev/null || true)
		[ -f "$out/drivers/gpu/drm/fwsched/fwsched.o" ] && [ "${built:-0}" -gt 1 ] &&
			built="fwsched.o and $((built - 1)) test modules linked" || built=""
	elif [ "${FWSCHED_INTREE_FULL:-0}" = 1 ]; then
		built=$(grep -w fwsched_queue_create "$out/System.map" 2>/dev/null || true)
	else
		built=$(ar t "$out/drivers/gpu/drm/fwsched/built-in.a" 2>/dev/null |
			grep -c 'fwsched/.*\.o$' || true)
		[ "${built:-0}" -gt 0 ] && built="$built objects in built-in.a" || built=""
	fi
	if [ "$st" = 0 ] && [ "$got" = "CONFIG_DRM_FWSCHED=$val" ] && [ -n "$built" ] && [ -z "$diag" ]; then
		verdict 1 "in-tree 7.3 DRM_FWSCHED=$val ($built)"
	else
		printf '%s\n' "$diag" | head -n 10 | sed 's/^/      /'
		tail -n 5 "$out/build.log" | sed 's/^/      /'
		verdict 0 "in-tree 7.3 DRM_FWSCHED=$val" "status $st, $got"
	fi
done
finish
