// SPDX-License-Identifier: GPL-2.0
/*
 * fwsched trace events: the one place they are instantiated.
 *
 * Copyright (C) 2026 The fwsched authors
 */

#define CREATE_TRACE_POINTS
#include "trace.h"

/* For tests and drivers that want to watch fwsched from a probe. */
EXPORT_TRACEPOINT_SYMBOL_GPL(fwsched_job_push);
EXPORT_TRACEPOINT_SYMBOL_GPL(fwsched_job_run);
EXPORT_TRACEPOINT_SYMBOL_GPL(fwsched_job_done);
EXPORT_TRACEPOINT_SYMBOL_GPL(fwsched_job_free);
EXPORT_TRACEPOINT_SYMBOL_GPL(fwsched_job_add_dep);
EXPORT_TRACEPOINT_SYMBOL_GPL(fwsched_job_dep_resolved);
EXPORT_TRACEPOINT_SYMBOL_GPL(fwsched_slot_acquire);
EXPORT_TRACEPOINT_SYMBOL_GPL(fwsched_slot_release);
