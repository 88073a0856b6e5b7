# SPDX-License-Identifier: GPL-2.0
#
# apt.sh - the private apt of the fwsched cache, shared by kernel.sh,
# analyze.sh and distro.sh.  Source it; it needs $here (scripts/) and $cache.
#
# Packages the project fetches itself (the kernel source, Debian's kernel
# headers, sparse) come through a sources list kept in $cache/apt, never
# through the system's apt configuration.  The Debian mirror is the
# machine's own (mirror.sh: a local mirror or proxy is honoured); only the
# suite names are the project's choice.

# fw_apt_init: write the sources list and set fw_apt_opts; fails without a
# Debian mirror in the system's configuration.
fw_apt_init() {
	local aptdir=$cache/apt mirror
	mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
	mirror=$("$here/mirror.sh") || return 1
	cat >"$aptdir/sources.list" <<APT
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie-backports main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror forky main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main
APT
	fw_apt_opts=(-o "Dir::Etc::sourcelist=$aptdir/sources.list"
		     -o "Dir::Etc::sourceparts=/dev/null"
		     -o "Dir::State::Lists=$aptdir/lists"
		     -o "Dir::Cache=$aptdir/cache"
		     -o "APT::Sandbox::User=root"
		     -o "Debug::NoLocking=1")
}

# fw_apt_update: refresh the package lists if they are a day old or missing.
fw_apt_update() {
	local stamp=$cache/apt/lists/.updated ret=0
	# Several scripts may run at once (make check prefetches kernels):
	# one update at a time, under a lock of its own.
	exec 6>"$cache/apt/.update.lock"
	flock 6
	if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
		echo "apt.sh: updating the private package lists (trixie-backports, forky, sid)" >&2
		if apt-get "${fw_apt_opts[@]}" -qq update >&2; then touch "$stamp"; else ret=1; fi
	fi
	flock -u 6
	return $ret
}
