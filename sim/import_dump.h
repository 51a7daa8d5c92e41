/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * import_dump.h - reading a real machine's /proc/zoneinfo, /proc/pagetypeinfo
 * and /proc/buddyinfo from a directory (sim/import.c), and the machine
 * description they imply.  model/import.h holds the data and the placement.
 */
#ifndef MMSIM_IMPORT_DUMP_H
#define MMSIM_IMPORT_DUMP_H

#include "import.h"
#include "machine.h"
#include "scn.h"

/*
 * Read DIR/zoneinfo, DIR/pagetypeinfo and DIR/buddyinfo (the last one is
 * optional: it only cross-checks).  NULL with d set ("FILE:LINE:COL") on a
 * file that is missing, truncated, malformed or inconsistent with the
 * others.  Free the result with host_free.
 */
struct mm_import *import_load(const char *dir, struct scn_diag *d);

/* The machine the dump describes: nodes, memory, holes, CPUs; false with d set */
bool import_machine_opts(const struct mm_import *imp, struct machine_opts *o,
			 struct scn_diag *d);

#endif /* MMSIM_IMPORT_DUMP_H */
