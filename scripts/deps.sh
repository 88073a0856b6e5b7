#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install the Debian packages a step needs, only when missing.
#
#   scripts/deps.sh kernel|bench|analyze|load|qemu
set -euo pipefail

case "${1:-kernel}" in
kernel)  pkgs="make gcc flex bison bc libelf-dev libssl-dev python3 xz-utils busybox-static perl rsync" ;;
bench)   pkgs="linux-perf gnuplot-nox" ;;
analyze) pkgs="clang-19 clang-tidy-19 lld-19 llvm-19 codespell python3 python3-sphinx" ;;
load)    pkgs="stress-ng" ;;
qemu)    pkgs="qemu-system-x86 cpio" ;;
*) echo "deps.sh: unknown set $1" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing$missing" >&2
if [ "$(id -u)" != 0 ]; then
	sudo=sudo
else
	sudo=
fi
# Another step may be installing at the same time (the CI prepares some in
# the background): wait for dpkg's lock rather than fail.
lock=(-o DPkg::Lock::Timeout=900)
$sudo apt-get "${lock[@]}" -qq update >&2
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get "${lock[@]}" install -y -qq \
	--no-install-recommends $missing >&2
