// SPDX-License-Identifier: GPL-2.0-only
/*
 * revision.c - the version and source revision of this build (revision.h).
 * Only this file includes the generated header, so a new commit
 * recompiles one file.
 */
#include "mmsim_revision.h"
#include "revision.h"

const char *mmsim_version(void)
{
	return MMSIM_VERSION;
}

const char *mmsim_revision(void)
{
	return MMSIM_REVISION;
}
