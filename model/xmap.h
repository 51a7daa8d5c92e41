/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xmap.h - a map from 64-bit keys to 64-bit values, for the model's own
 * sparse indices: the page cache of a file (index -> pfn, the kernel's
 * xarray), the content tag of each data frame (pfn -> tag), the PTE lock
 * of each page-table page.
 *
 * Open addressing with linear probing and backward-shift deletion, so a
 * lookup is one hash and a short scan and there are no tombstones to
 * rebuild.  Iteration order is the table's, not the keys': callers that
 * print sort first.  Memory comes from host.h.
 */
#ifndef MMSIM_XMAP_H
#define MMSIM_XMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xmap {
	uint64_t *keys;		/* key + 1; 0 marks an empty slot */
	uint64_t *vals;
	size_t cap;		/* a power of two, or 0 */
	size_t nr;
};

static inline void xmap_init(struct xmap *x)
{
	x->keys = x->vals = NULL;
	x->cap = x->nr = 0;
}
void xmap_destroy(struct xmap *x);

/* The value for key, or false */
bool xmap_get(const struct xmap *x, uint64_t key, uint64_t *val);
/* Insert or replace (key must not be UINT64_MAX) */
void xmap_set(struct xmap *x, uint64_t key, uint64_t val);
/* Remove; returns whether key was there */
bool xmap_del(struct xmap *x, uint64_t key);

/* Iterate: for (size_t i = 0; xmap_next(x, &i, &k, &v);) */
bool xmap_next(const struct xmap *x, size_t *i, uint64_t *key, uint64_t *val);

#endif /* MMSIM_XMAP_H */
