/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwsched internals shared between its source files; not for drivers.
 *
 * Copyright (C) 2026 The fwsched authors
 */
#ifndef _FWSCHED_INTERNAL_H_
#define _FWSCHED_INTERNAL_H_

#define FWSCHED_VERSION "0.1"

#endif /* _FWSCHED_INTERNAL_H_ */
