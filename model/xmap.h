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
 * print sort first.  Memory comes from host.h.  struct pfnmap below is
 * the dense variant for keys that come in runs.
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

/*
 * A dense map for small keys such as pfns (the content tag of each data
 * frame): values in leaves of 512, allocated on the first non-zero store
 * to their range, under an index that grows to the largest key stored.
 * A lookup is two dependent loads and neighbouring keys share cache
 * lines, where the hash map scatters them.  0 means absent.  The price is
 * 4 KiB of host memory per 512 consecutive keys with anything stored, so
 * it suits keys that come in runs (a fault's pages come from the per-cpu
 * lists in batches); a leaf stays until the map is destroyed.
 */
#define PFNMAP_LEAF_SHIFT	9
#define PFNMAP_LEAF_SIZE	(1UL << PFNMAP_LEAF_SHIFT)

struct pfnmap {
	uint64_t **leaf;	/* [nr_leaves], NULL where nothing was stored */
	size_t nr_leaves;
};

static inline void pfnmap_init(struct pfnmap *p)
{
	p->leaf = NULL;
	p->nr_leaves = 0;
}
void pfnmap_destroy(struct pfnmap *p);

/* The value slot for key if its leaf exists, else NULL */
static inline uint64_t *pfnmap_slot(const struct pfnmap *p, uint64_t key)
{
	uint64_t l = key >> PFNMAP_LEAF_SHIFT;

	if (l >= p->nr_leaves || !p->leaf[l])
		return NULL;
	return &p->leaf[l][key & (PFNMAP_LEAF_SIZE - 1)];
}

static inline uint64_t pfnmap_get(const struct pfnmap *p, uint64_t key)
{
	uint64_t *v = pfnmap_slot(p, key);

	return v ? *v : 0;
}

/* Creates the leaf (and grows the index) for key */
uint64_t *pfnmap_slot_alloc(struct pfnmap *p, uint64_t key);

/* Store val (0 removes) */
static inline void pfnmap_set(struct pfnmap *p, uint64_t key, uint64_t val)
{
	uint64_t *v = pfnmap_slot(p, key);

	if (!v) {
		if (!val)
			return;
		v = pfnmap_slot_alloc(p, key);
	}
	*v = val;
}

#endif /* MMSIM_XMAP_H */
