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
# stress, bench (ARCH=um, on defconfig) or x86-debug, x86-bench
# (ARCH=x86_64, on tinyconfig; booted by QEMU, see lib.sh).
# The source comes only from Debian's linux-source-KVER package, downloaded
# with "apt-get download" through a private sources list kept in the cache;
# the system's apt configuration is never touched.  Everything lives under
# $FWSCHED_CACHE (default ~/.cache/fwsched):
#
#   apt/                 private sources.list, package lists, apt cache
#   dl/                  downloaded .deb files
#   src/linux-source-V/  unpacked, pristine source (never built in)
#   build/V-FLAVOUR-HASH/  O= build directory; HASH covers the fragment,
#                          the package version and the build recipe
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

# --- unpack ------------------------------------------------------------------
src=$cache/src/linux-source-$kver
if [ ! -f "$src/.fwsched-unpacked" ] || [ "$(cat "$src/.fwsched-unpacked")" != "$pkgver" ]; then
	log "unpacking linux-source-$kver $pkgver"
	rm -rf "$src"
	mkdir -p "$cache/src"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO "./usr/src/linux-source-$kver.tar.xz" |
		tar -xJ -C "$cache/src"
	echo "$pkgver" >"$src/.fwsched-unpacked"
fi

# --- configure and build -----------------------------------------------------
# The key covers what goes into the kernel: the fragment, the package version
# and the recipe (bump it when the build steps below change), not this whole
# script, so that editing its fetch logic or comments keeps the cache.
recipe=2
hash=$(cat "$frag" <(echo "$pkgver recipe=$recipe") | sha256sum | cut -c1-12)
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
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" >/dev/null
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
done <"$frag"
[ "$bad" = 0 ] || die "config fragment $flavour does not apply to $kver"

start=$(date +%s)
kmake >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log" >&2; die "kernel build failed"; }
log "built in $(( $(date +%s) - start ))s"
touch "$out/.fwsched-built"
echo "$out"
