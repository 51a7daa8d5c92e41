/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hash.h - uthash, with its memory taken from host.h.
 *
 * Include this instead of <uthash.h>: a hash table's buckets and
 * handles are host memory like any other, counted against the limit,
 * and running out of it ends the run with host.h's message rather than
 * uthash's default exit(-1).
 */
#ifndef MMSIM_HASH_H
#define MMSIM_HASH_H

#include "host.h"

#define uthash_malloc(sz)	host_malloc((sz), "growing a hash table")
#define uthash_free(p, sz)	host_free(p)
/* Only reached when uthash_malloc returns NULL, which it never does */
#define uthash_fatal(msg)	host_oom_exit("growing a hash table", 0, (msg))

#include <uthash.h>

#endif /* MMSIM_HASH_H */
