// SPDX-License-Identifier: GPL-2.0-only
/*
 * xmap.c - open-addressed 64-bit map and the dense pfn map (see xmap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "xmap.h"

static inline size_t xmap_hash(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

void xmap_destroy(struct xmap *x)
{
	host_free(x->keys);
	host_free(x->vals);
	xmap_init(x);
}

bool xmap_get(const struct xmap *x, uint64_t key, uint64_t *val)
{
	if (!x->cap)
		return false;
	for (size_t i = xmap_hash(key, x->cap);; i = (i + 1) & (x->cap - 1)) {
		if (!x->keys[i])
			return false;
		if (x->keys[i] == key + 1) {
			if (val)
				*val = x->vals[i];
			return true;
		}
	}
}

static void xmap_put(struct xmap *x, uint64_t k1, uint64_t val)
{
	size_t i = xmap_hash(k1 - 1, x->cap);

	while (x->keys[i] && x->keys[i] != k1)
		i = (i + 1) & (x->cap - 1);
	if (!x->keys[i])
		x->nr++;
	x->keys[i] = k1;
	x->vals[i] = val;
}

static void xmap_grow(struct xmap *x)
{
	struct xmap old = *x;

	x->cap = old.cap ? old.cap * 2 : 16;
	x->keys = host_calloc(x->cap, sizeof(*x->keys), "growing a model index");
	x->vals = host_calloc(x->cap, sizeof(*x->vals), "growing a model index");
	x->nr = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i])
			xmap_put(x, old.keys[i], old.vals[i]);
	host_free(old.keys);
	host_free(old.vals);
}

void xmap_set(struct xmap *x, uint64_t key, uint64_t val)
{
	if ((x->nr + 1) * 4 > x->cap * 3)
		xmap_grow(x);
	xmap_put(x, key + 1, val);
}

bool xmap_del(struct xmap *x, uint64_t key)
{
	size_t i, j, mask = x->cap - 1;

	if (!x->cap)
		return false;
	for (i = xmap_hash(key, x->cap); x->keys[i] != key + 1; i = (i + 1) & mask)
		if (!x->keys[i])
			return false;
	/* backward-shift: pull later members of the run into the hole */
	for (j = (i + 1) & mask; x->keys[j]; j = (j + 1) & mask) {
		size_t home = xmap_hash(x->keys[j] - 1, x->cap);

		/* j may move to i when its home is not in (i, j] (cyclically) */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			x->keys[i] = x->keys[j];
			x->vals[i] = x->vals[j];
			i = j;
		}
	}
	x->keys[i] = 0;
	x->nr--;
	return true;
}

bool xmap_next(const struct xmap *x, size_t *i, uint64_t *key, uint64_t *val)
{
	for (; *i < x->cap; (*i)++) {
		if (x->keys[*i]) {
			*key = x->keys[*i] - 1;
			if (val)
				*val = x->vals[*i];
			(*i)++;
			return true;
		}
	}
	return false;
}

void pfnmap_destroy(struct pfnmap *p)
{
	for (size_t l = 0; l < p->nr_leaves; l++)
		if (p->leaf[l])
			host_free(p->leaf[l]);
	host_free(p->leaf);
	pfnmap_init(p);
}

uint64_t *pfnmap_slot_alloc(struct pfnmap *p, uint64_t key)
{
	uint64_t l = key >> PFNMAP_LEAF_SHIFT;

	if (l >= p->nr_leaves) {
		size_t n = p->nr_leaves ? p->nr_leaves : 64;

		while (n <= l)
			n *= 2;
		p->leaf = host_reallocarray(p->leaf, n, sizeof(*p->leaf), "growing a model index");
		memset(p->leaf + p->nr_leaves, 0, (n - p->nr_leaves) * sizeof(*p->leaf));
		p->nr_leaves = n;
	}
	if (!p->leaf[l])
		p->leaf[l] = host_calloc(PFNMAP_LEAF_SIZE, sizeof(uint64_t), "growing a model index");
	return &p->leaf[l][key & (PFNMAP_LEAF_SIZE - 1)];
}
