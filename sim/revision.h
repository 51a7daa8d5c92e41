/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * revision.h - what build of mmsim this is: the version CMake's project()
 * declares and the source revision tools/revision.cmake found (a git
 * commit, "-dirty" when the tree had changes, or "unknown").
 */
#ifndef MMSIM_REVISION_H
#define MMSIM_REVISION_H

const char *mmsim_version(void);	/* "0.1.0" */
const char *mmsim_revision(void);	/* "f56d637a1b2c", "f56d637a1b2c-dirty", "unknown" */

#endif /* MMSIM_REVISION_H */
