#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh - fetch Debian's linux-source package and build a test kernel:
# User-Mode Linux, or x86_64 for QEMU (flavours named x86-*).
#
#   scripts/kernel.sh [--print] KVER FLAVOUR
#   scripts/kernel.sh --print-src KVER    where the unpacked source is
#
# KVER is 7.3 or 7.2; FLAVOUR is a fragment in scripts/configs/: debug,
# stress, bench (ARCH=um, on defconfig) or x86-debug, x86-bench,
# x86-bench-smp
# (ARCH=x86_64, on tinyconfig; booted by QEMU, see lib.sh).
# The source comes only from Debian's linux-source-KVER package, downloaded
# with "apt-get download" through a private sources list kept in the cache;
# the system's apt configuration is never touched.  Everything lives under
# $FWSCHED_CACHE (default ~/.cache/fwsched):
#
#   apt/                 private sources.list, package lists, apt cache
#   dl/                  downloaded .deb files
#   src/linux-source-V/  unpacked source, scripts/patches/ applied (never
#                          built in)
#   build/V-FLAVOUR-HASH/  O= build directory; HASH covers the fragment,
#                          the package version, the build recipe and, for
#                          UML, the patches
#
# On success the last line printed on stdout is the build directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${FWSCHED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fwsched}
jobs=${JOBS:-$(nproc)}

log() { printf 'kernel.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

print_only=0
if [ "${1:-}" = "--print" ]; then print_only=1; shift; fi
if [ "${1:-}" = "--print-src" ]; then echo "$cache/src/linux-source-${2:?KVER}"; exit 0; fi
kver=${1:?usage: kernel.sh [--print] KVER FLAVOUR}
flavour=${2:?usage: kernel.sh [--print] KVER FLAVOUR}
frag=$here/configs/$flavour.config
[ -f "$frag" ] || die "no config fragment $frag"
# A fragment that starts from another says "# base: NAME" (one level): the
# kernel gets NAME's options, then its own, which win.  fragment() prints
# them merged, each option once, where it is set last.
base_frag=$(sed -n 's/^# base: *\([a-z0-9-]*\) *$/\1/p' "$frag" | head -n 1)
[ -z "$base_frag" ] || [ -f "$here/configs/$base_frag.config" ] ||
	die "$flavour.config: no base fragment $base_frag.config"
fragment() {
	{ [ -z "$base_frag" ] || cat "$here/configs/$base_frag.config"; cat "$frag"; } |
		awk '/^CONFIG_[A-Za-z0-9_]*=/ { k = $0; sub(/=.*/, "", k); if (!(k in at)) order[n++] = k; at[k] = $0; next }
		     END { for (i = 0; i < n; i++) print at[order[i]] }'
}

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

# --- host packages -----------------------------------------------------------
"$here/deps.sh" kernel >&2

# --- private apt (apt.sh) ----------------------------------------------------
# shellcheck source=scripts/apt.sh
. "$here/apt.sh"
mkdir -p "$cache/dl"
fw_apt_init || die "no Debian mirror in the system's apt configuration (set FWSCHED_DEBIAN_MIRROR)"

deb=$(ls "$cache"/dl/linux-source-"$kver"_*.deb 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$deb" ]; then
	fw_apt_update || die "apt-get update failed"
	log "downloading linux-source-$kver"
	(cd "$cache/dl" && apt-get "${fw_apt_opts[@]}" -qq download "linux-source-$kver" >&2) ||
		die "linux-source-$kver is not available from Debian (try KVER=7.2)"
	deb=$(ls "$cache"/dl/linux-source-"$kver"_*.deb | sort -V | tail -n 1)
fi
pkgver=$(dpkg-deb -f "$deb" Version)

# --- unpack and patch ---------------------------------------------------------
# scripts/patches/*.patch are applied to the source when it is unpacked:
# test-bed changes only (see scripts/patches/README), never to what fwsched
# is built against in a way it could notice.  The stamp names the package
# version and the patch set; a new patch set unpacks the source again (so
# do not change the patches while a kernel of this version builds).
src=$cache/src/linux-source-$kver
patches=$(cat "$here"/patches/*.patch 2>/dev/null | sha256sum | cut -c1-12)
stamp="$pkgver patches=$patches"
if [ ! -f "$src/.fwsched-unpacked" ] || [ "$(cat "$src/.fwsched-unpacked")" != "$stamp" ]; then
	log "unpacking linux-source-$kver $pkgver"
	rm -rf "$src"
	mkdir -p "$cache/src"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO "./usr/src/linux-source-$kver.tar.xz" |
		tar -xJ -C "$cache/src"
	for p in "$here"/patches/*.patch; do
		[ -f "$p" ] || continue
		log "applying $(basename "$p")"
		patch -d "$src" -p1 -s -N <"$p" >&2 || die "$(basename "$p") does not apply to $kver"
	done
	echo "$stamp" >"$src/.fwsched-unpacked"
fi

# --- configure and build -----------------------------------------------------
# The key covers what goes into the kernel: the fragment, the package version
# and the recipe (bump it when the build steps below change), not this whole
# script, so that editing its fetch logic or comments keeps the cache.
# The patches touch arch/um only, so they key the UML flavours alone.
recipe=2
case "$flavour" in
x86-*) key="$pkgver recipe=$recipe" ;;
*) key="$pkgver recipe=$recipe patches=$patches" ;;
esac
hash=$(cat ${base_frag:+"$here/configs/$base_frag.config"} "$frag" <(echo "$key") |
	sha256sum | cut -c1-12)
out=$cache/build/$kver-$flavour-$hash
if [ "$print_only" = 1 ]; then echo "$out"; exit 0; fi
# The cache lock covered fetching and unpacking; the build takes a lock of
# its own, so that other kernels can be fetched and built meanwhile (make
# check prefetches the next kernel while the suites boot) and a second
# caller of this kernel waits for the first.
mkdir -p "$cache/build"
exec 8>"$out.lock"
flock -u 9
flock 8
if [ -f "$out/.fwsched-built" ]; then
	echo "$out"
	exit 0
fi

case "$flavour" in
x86-*) arch=x86_64 base=tinyconfig ;;
*) arch=um base=defconfig ;;
esac
log "building $arch $kver ($flavour) in $out with -j$jobs"
mkdir -p "$out"
kmake() { make -C "$src" O="$out" ARCH="$arch" -j"$jobs" "$@"; }
kmake "$base" >/dev/null
fragment >"$out/fwsched.config"
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$out/fwsched.config" >/dev/null
kmake olddefconfig >/dev/null

# Every option the fragment asks for must have survived olddefconfig.
bad=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	opt=${line%%=*}
	want=${line#*=}
	if [ "$want" = n ]; then
		if grep -q "^$opt=[ym]" "$out/.config"; then log "$opt is set, wanted off"; bad=1; fi
	elif ! grep -qx "$opt=$want" "$out/.config"; then
		log "$opt=$want did not stick (got: $(grep "^$opt=" "$out/.config" || echo unset))"
		bad=1
	fi
done <"$out/fwsched.config"
[ "$bad" = 0 ] || die "config fragment $flavour does not apply to $kver"

start=$(date +%s)
kmake >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log" >&2; die "kernel build failed"; }
log "built in $(( $(date +%s) - start ))s"
touch "$out/.fwsched-built"
echo "$out"
