#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mirror.sh - print the Debian archive URI that this machine's apt already
# uses, so that the private sources list goes through the same mirror or
# proxy.  FWSCHED_DEBIAN_MIRROR overrides it.  Exits 1 if none is configured.
set -euo pipefail

if [ -n "${FWSCHED_DEBIAN_MIRROR:-}" ]; then
	echo "${FWSCHED_DEBIAN_MIRROR%/}"
	exit 0
fi

# 1. What apt itself resolved (needs package lists, i.e. an 'apt-get update').
uri=$(apt-get indextargets --format '$(LABEL) $(REPO_URI)' 2>/dev/null |
	awk '$1 == "Debian" { print $2; exit }' || true)

# 2. Otherwise the sources files: one-line format, then deb822.
if [ -z "$uri" ]; then
	uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' |
		grep -v -- '-security' | grep -E '/debian/?$' | head -n 1 || true)
fi
if [ -z "$uri" ]; then
	uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n' |
		grep -v -- '-security' | grep -E '/debian/?$' | head -n 1 || true)
fi
[ -n "$uri" ] || exit 1
echo "${uri%/}"
