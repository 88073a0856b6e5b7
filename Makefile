# SPDX-License-Identifier: GPL-2.0
#
# fwsched - out-of-tree build and test entry points.
#
#   make [KDIR=/path/to/kernel/build]   build fwsched.ko and the test modules
#   make check [KVER=7.3|7.2]           build a debug UML kernel, run every test
#   make check-selftest [KVER=...]      prove the harness and the static
#                                       checkers catch planted faults
#   make analyze [KVER=...]             W=1, sparse, Clang analyzer, checkpatch,
#                                       kernel-doc: all at zero findings
#   make stress [KVER=...]              the full-scale stress under KASAN and
#                                       kmemleak (make check runs it without)
#   make bench                          the side-by-side benchmark (see README)
#
# Kernel sources and builds are cached in $(FWSCHED_CACHE), by default
# ~/.cache/fwsched; "make check" installs the Debian packages it needs.

KDIR ?= /lib/modules/$(shell uname -r)/build
KVER ?= 7.3

.PHONY: all modules clean check check-selftest analyze stress bench kernel help

all: modules

modules:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "fwsched: no kernel build tree at KDIR=$(KDIR)."; \
		echo "  Install your kernel's headers (Debian: apt-get install linux-headers-\$$(uname -r)),"; \
		echo "  or point KDIR at a configured kernel build: make KDIR=/path/to/linux/build,"; \
		echo "  or run 'make check', which builds its own UML kernel."; \
		exit 1; \
	fi
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	@if [ -f "$(KDIR)/Makefile" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi

check:
	scripts/check.sh $(KVER)

check-selftest:
	scripts/check.sh --selftest $(KVER); a=$$?; \
	FWSCHED_KUNIT=$$(scripts/kernel.sh --print-src $(KVER))/tools/testing/kunit \
		scripts/test_ktap.py; t=$$?; \
	scripts/test_bench.py || t=1; \
	scripts/analyze.sh --selftest $(KVER); b=$$?; \
	[ $$t -eq 0 ] && [ $$a -eq 0 ] && [ $$b -eq 0 ]

analyze:
	scripts/analyze.sh $(KVER)

stress:
	scripts/check.sh --stress $(KVER)

kernel:
	scripts/kernel.sh $(KVER) debug

bench:
	scripts/bench.sh $(KVER)

help:
	@sed -n '3,15p' Makefile
