# SPDX-License-Identifier: GPL-2.0
#
# fwsched - out-of-tree build and test entry points.
#
#   make [KDIR=/path/to/kernel/build]   build fwsched.ko (TESTS=1: and the
#                                       test modules, which need KUnit)
#   make install [KDIR=...]             modules_install into updates/, depmod
#   make dkms-install | dkms-remove     register fwsched with DKMS (builds it
#                                       for every installed kernel >= 7.2)
#   make check [KVER=7.3|7.2]           build the test kernels, run every test
#   make check-distro                   build fwsched.ko and a DKMS build
#                                       against Debian's 7.3 and 7.2 amd64
#                                       headers, with their gcc-14 (root)
#   make check-selftest [KVER=...]      prove the harness and the static
#                                       checkers catch planted faults
#   make analyze [KVER=...]             W=1, sparse, Clang analyzer, checkpatch,
#                                       kernel-doc: all at zero findings
#   make stress [KVER=...]              the full-scale stress under KASAN and
#                                       kmemleak (make check runs it without)
#   make torture [DURATION=s] [FLAVOUR=stress|debug] [SEED=n] [QUEUES=n]
#                                       random operations against a reference
#                                       model for DURATION seconds (default 600)
#   make bench                          the side-by-side benchmark (see README)
#
# Kernel sources and builds are cached in $(FWSCHED_CACHE), by default
# ~/.cache/fwsched; "make check" installs the Debian packages it needs.

KDIR ?= /lib/modules/$(shell uname -r)/build
KVER ?= 7.3
VERSION := $(shell cat $(CURDIR)/VERSION)
# The module alone unless TESTS=1: distribution kernels have no KUnit.
MODULES := $(if $(filter 1,$(TESTS)),,obj-m=fwsched.o)

.PHONY: all modules install dkms-install dkms-remove clean check check-distro check-selftest \
	analyze stress torture bench kernel help kdir-check

all: modules

# A kernel tree, and one new enough: fwsched's fences detach from their
# issuer when they signal, which dma-fence supports from Linux 7.2.
kdir-check:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "fwsched: no kernel build tree at KDIR=$(KDIR)."; \
		echo "  Install your kernel's headers (Debian: apt-get install linux-headers-\$$(uname -r)),"; \
		echo "  or point KDIR at a configured kernel build: make KDIR=/path/to/linux/build,"; \
		echo "  or run 'make check', which builds its own UML kernel."; \
		exit 1; \
	fi
	@rel=$$(cat "$(KDIR)/include/config/kernel.release" 2>/dev/null); \
	maj=$${rel%%.*}; min=$${rel#*.}; min=$${min%%[!0-9]*}; \
	if [ -z "$$rel" ] || [ "$$maj" -lt 7 ] 2>/dev/null || \
	   { [ "$$maj" -eq 7 ] && [ "$$min" -lt 2 ]; }; then \
		echo "fwsched: needs Linux 7.2 or later (fences that detach from their issuer when they signal); KDIR=$(KDIR) is $${rel:-not a configured kernel tree}."; \
		exit 1; \
	fi

modules: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(MODULES) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(MODULES) INSTALL_MOD_DIR=updates modules_install
	depmod -a $$(cat "$(KDIR)/include/config/kernel.release")

# DKMS: the module's source under /usr/src/fwsched-VERSION, dkms.conf made
# from dkms.conf.in with the version from VERSION.
DKMS_SRC := /usr/src/fwsched-$(VERSION)
dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -r Kbuild Makefile VERSION fwsched include $(DKMS_SRC)/
	sed 's/@VERSION@/$(VERSION)/' dkms.conf.in >$(DKMS_SRC)/dkms.conf
	dkms add -m fwsched -v $(VERSION)
	dkms build -m fwsched -v $(VERSION)
	dkms install -m fwsched -v $(VERSION)

dkms-remove:
	-dkms remove -m fwsched -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

# Without a kernel tree too: what kbuild leaves in the source tree.
clean:
	@if [ -f "$(KDIR)/Makefile" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	@find . \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.a' -o -name 'modules.order' \
		-o -name 'Module.symvers' -o -name '*.o.d' \) -not -path './.git/*' -delete

check:
	scripts/check.sh $(KVER)

check-distro:
	scripts/distro.sh

check-selftest:
	scripts/check.sh --selftest $(KVER); a=$$?; \
	FWSCHED_KUNIT=$$(scripts/kernel.sh --print-src $(KVER))/tools/testing/kunit \
		scripts/test_ktap.py; t=$$?; \
	scripts/test_bench.py || t=1; \
	scripts/analyze.sh --selftest $(KVER); b=$$?; \
	[ $$t -eq 0 ] && [ $$a -eq 0 ] && [ $$b -eq 0 ]

analyze:
	scripts/analyze.sh $(KVER)

torture:
	scripts/check.sh --torture $(KVER)

stress:
	scripts/check.sh --stress $(KVER)

kernel:
	scripts/kernel.sh $(KVER) debug

bench:
	scripts/bench.sh $(KVER)

help:
	@sed -n '3,24p' Makefile
