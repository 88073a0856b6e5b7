# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration of fwsched's documentation.  The kernel-doc
# directives come from the kernel source's own extension:
#
#   srctree=/path/to/linux sphinx-build -W -b html Documentation OUT
#
# "make analyze" builds it this way with -W: a reST error or a kernel-doc
# warning is a finding.

import os
import sys

_ksrc = os.environ.get("srctree")
if not _ksrc:
    sys.exit("conf.py: set srctree to a kernel source tree (for kerneldoc.py)")
sys.path.insert(0, os.path.join(_ksrc, "Documentation", "sphinx"))

project = "fwsched"
copyright = "2026, The fwsched authors"
master_doc = "index"
extensions = ["kerneldoc"]
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
exclude_patterns = ["_build"]
html_theme = "alabaster"
