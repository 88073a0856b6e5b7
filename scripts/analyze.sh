#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# analyze.sh - "make analyze": every static checker over every source, each
# at zero findings.
#
#   scripts/analyze.sh [--selftest|--prepare] [KVER]
#
#   w1          the modules built with W=1 -Werror (gcc, the debug UML tree)
#   sparse      C=2 over the same build.  Debian bookworm's sparse 0.6.4 is
#               too old for 7.x headers (no __typeof_unqual__), so sparse and
#               the libc it needs come from Debian sid, fetched with
#               "apt-get download" through the private sources list and run
#               on that libc; nothing is installed on the host
#   analyzer    the Clang static analyzer (clang-tidy-19 clang-analyzer-*,
#               as the kernel's "make clang-analyzer") over the compile
#               commands of an LLVM=-19 build of the modules against a
#               clang-configured copy of the debug UML tree (modules_prepare)
#   checkpatch  checkpatch.pl --strict --codespell on every .c and .h
#   kernel-doc  scripts/kernel-doc -none -Wall on every .c and .h
#   docs        a Sphinx build of Documentation/ with -W and the kernel's own
#               kerneldoc extension: malformed reST, a broken reference or a
#               kernel-doc warning in a pulled DOC block is a finding
#
# The planted faults of tests/selftest/ are left out of w1/sparse/analyzer
# counts.  With --selftest, sparse and the analyzer run over the planted
# defects of tests/selftest/analyze/ instead, and each must report its own.
# With --prepare, only the tools and the clang tree are made ready, nothing
# is analysed.  The clang tree is prepared in place: one prepared under
# another name and moved here made the analyzer find nothing, which only
# the planted defects of --selftest showed.
# Last line: "N passed, N failed".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cache=${FWSCHED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fwsched}

selftest=0
prepare=0
[ "${1:-}" = --selftest ] && { selftest=1; shift; }
[ "${1:-}" = --prepare ] && { prepare=1; shift; }
kver=${1:-${KVER:-7.3}}

"$here/deps.sh" analyze
kbuild=$("$here/kernel.sh" "$kver" debug | tail -n 1)
ksrc=$cache/src/linux-source-$kver
passed=0
failed=0
verdict() {	# name, findings, [expected findings > 0]
	local name=$1 n=$2 want=${3:-0}
	if { [ "$want" = 0 ] && [ "$n" -eq 0 ]; } || { [ "$want" != 0 ] && [ "$n" -gt 0 ]; }; then
		echo "    ok   analyze:$name ($n findings)"
		passed=$((passed + 1))
	else
		echo "    FAIL analyze:$name ($n findings)"
		failed=$((failed + 1))
	fi
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- sparse from sid, on its own libc ----------------------------------------
# Both tools below are made once per cache, under one lock: a --prepare in
# the background and an analysis may start together.
tools=$cache/tools
mkdir -p "$tools"
exec 6>"$tools/.analyze.lock"
flock 6
sparse=$tools/sparse-root/sparse
if [ ! -x "$sparse" ]; then
	# shellcheck source=scripts/apt.sh
	. "$here/apt.sh"
	fw_apt_init
	fw_apt_update
	mkdir -p "$tools/dl"
	(cd "$tools/dl" && apt-get "${fw_apt_opts[@]}" -qq download sparse/sid libc6/sid >&2)
	rm -rf "$tools/sparse-root"
	for deb in "$tools"/dl/sparse_*.deb "$tools"/dl/libc6_*.deb; do
		dpkg-deb -x "$deb" "$tools/sparse-root"
	done
	cat >"$sparse" <<'EOF'
#!/bin/sh
# sparse from Debian sid, run on sid's libc (the host's is too old for it).
r=$(dirname "$(readlink -f "$0")")
exec "$r/usr/lib64/ld-linux-x86-64.so.2" --library-path "$r/usr/lib/x86_64-linux-gnu" \
	"$r/usr/bin/sparse" "$@"
EOF
	chmod +x "$sparse"
fi

# --- a clang-configured copy of the debug tree --------------------------------
cbuild=$kbuild-clang19
if [ ! -f "$cbuild/.prepared" ] || [ "$kbuild/.config" -nt "$cbuild/.prepared" ]; then
	echo "== preparing an LLVM=-19 UML tree in $cbuild"
	rm -rf "$cbuild"
	mkdir -p "$cbuild"
	cp "$kbuild/.config" "$cbuild/.config"
	make -s -C "$ksrc" ARCH=um LLVM=-19 O="$cbuild" olddefconfig >&2
	make -s -C "$ksrc" ARCH=um LLVM=-19 O="$cbuild" -j"$(nproc)" modules_prepare >&2
	touch "$cbuild/.prepared"
fi
flock -u 6
[ "$prepare" = 1 ] && exit 0

# Which tree to analyse: the project, or the planted defects.
if [ "$selftest" = 1 ]; then
	src=$repo/tests/selftest/analyze
	filter() { cat; }
else
	src=$repo
	filter() { grep -v "/tests/selftest/" || true; }
fi
count() { grep -E "$1" "$2" | filter | grep -c . || true; }

# --- w1 and sparse: one gcc build with C=2 ------------------------------------
if [ "$selftest" = 0 ]; then
	echo "== W=1 -Werror and sparse (C=2) over the modules, gcc, $(basename "$kbuild")"
else
	echo "== sparse (C=2) over the planted defects"
fi
set +e
make -s -C "$kbuild" ARCH=um M="$src" MO="$work/gcc" W=1 C=2 CHECK="$sparse" \
	-j"$(nproc)" modules >"$work/gcc.log" 2>&1
st=$?
set -e
grep -E "warning|error" "$work/gcc.log" | filter | sed 's/^/      /' || true
if [ "$selftest" = 0 ]; then
	n=$(count "(warning|error):" "$work/gcc.log")
	[ "$st" -eq 0 ] || n=$((n + 1))
	verdict w1+sparse "$n"
else
	verdict "sparse-planted(__rcu)" "$(count "dereference of noderef" "$work/gcc.log")" 1
	verdict "sparse-planted(__iomem)" "$(count "removes address space '__iomem'" "$work/gcc.log")" 1
fi

# --- the Clang static analyzer: the kernel's own "make clang-analyzer" -------
# An LLVM=-19 build of the modules (W=1: clang's warnings in our files count
# too), then the kernel's clang-analyzer target, which makes the module's
# compile_commands.json and runs run-clang-tools.py over it.  Findings are
# the analyzer's (tagged [clang-analyzer-...]) and errors; compiler warnings
# from the kernel's own headers are not ours.
echo "== Clang static analyzer (make clang-analyzer, clang-tidy-19), LLVM=-19 build"
make -s -C "$cbuild" ARCH=um LLVM=-19 M="$src" MO="$work/clang" W=1 KBUILD_MODPOST_WARN=1 \
	-j"$(nproc)" modules >"$work/clang.log" 2>&1 || true
mkdir -p "$work/bin"
ln -sf "$(command -v clang-tidy-19)" "$work/bin/clang-tidy"
PATH=$work/bin:$PATH make -s -C "$cbuild" ARCH=um LLVM=-19 M="$src" MO="$work/clang" \
	clang-analyzer >"$work/ana.log" 2>&1 || true
{
	grep -E "^$src/.*(warning|error):" "$work/clang.log" || true
	grep -E "warning:.*\[clang-analyzer-|error:" "$work/ana.log" || true
} | filter | sort -u >"$work/findings"
sed 's/^/      /' "$work/findings"
n=$(grep -c . "$work/findings" || true)
if [ "$selftest" = 0 ]; then
	verdict analyzer "$n"
else
	verdict "analyzer-planted(null)" \
		"$(grep -c "clang-analyzer-core.NullDereference" "$work/ana.log" || true)" 1
fi

# --- checkpatch and kernel-doc ------------------------------------------------
if [ "$selftest" = 0 ]; then
	echo "== checkpatch.pl --strict --codespell, kernel-doc -none -Wall"
	# Debian's codespell keeps its dictionary inside the Python package, not
	# where checkpatch looks by default: without it --codespell checks nothing.
	dict=$(dpkg -L codespell 2>/dev/null | grep '/dictionary\.txt$' | head -n 1)
	[ -f "$dict" ] || { echo "analyze.sh: no codespell dictionary" >&2; exit 1; }
	mapfile -t files < <(cd "$repo" && git ls-files '*.c' '*.h' 2>/dev/null ||
			     find fwsched include tests -name '*.[ch]')
	: >"$work/cp.log"
	for f in "${files[@]}"; do
		# TRACE_EVENT() is written as the kernel's own trace headers are:
		# open-ended "TP_STRUCT__entry(" lines, macro-style alignment.
		ignore=
		[ "$f" = fwsched/trace.h ] && ignore="--ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT"
		# shellcheck disable=SC2086
		"$ksrc/scripts/checkpatch.pl" --strict --codespell --codespellfile "$dict" \
			--no-tree -q $ignore \
			--file "$repo/$f" >>"$work/cp.log" 2>&1 || true
	done
	grep -E "^(ERROR|WARNING|CHECK)" -A2 "$work/cp.log" | sed 's/^/      /' || true
	verdict checkpatch "$(grep -cE "^(ERROR|WARNING|CHECK)|No codespell typos will be found" "$work/cp.log" || true)"
	(cd "$repo" && "$ksrc/scripts/kernel-doc" -none -Wall "${files[@]}") \
		>"$work/kd.log" 2>&1 || true
	sed 's/^/      /' "$work/kd.log"
	verdict kernel-doc "$(grep -c . "$work/kd.log" || true)"

	echo "== sphinx-build -W Documentation/ (kerneldoc extension of $kver)"
	srctree=$ksrc sphinx-build -W --keep-going -q -b html -d "$work/doctrees" \
		"$repo/Documentation" "$work/html" >"$work/doc.log" 2>&1 || true
	grep -E "ERROR|WARNING|rror" "$work/doc.log" | sed 's/^/      /' || true
	verdict docs "$(grep -cE "ERROR|WARNING|rror" "$work/doc.log" || true)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
