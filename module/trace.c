// SPDX-License-Identifier: GPL-2.0
/* The trace points of trace.h, instantiated once for the module. */
#define CREATE_TRACE_POINTS
#include "trace.h"
