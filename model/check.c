// SPDX-License-Identifier: GPL-2.0-only
/*
 * check.c - the model's invariant checker.
 *
 * Recomputes from the struct pages what the allocator keeps as counters,
 * the way mimalloc's validators do at state transitions: a drift between
 * a counter and the lists it summarises is reported with the zone, order
 * and type involved.  Cost is linear in free blocks plus pcp pages plus a
 * bitmap of the zone span, so it can run after every scenario step.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "host.h"
#include "machine.h"
#include "mmzone.h"
#include "page.h"
#include "page_alloc.h"

struct chk {
	struct machine *m;
	char *err;
	size_t errlen;
	bool ok;
	unsigned long base, nbits;
	uint64_t *bits;		/* pfns known free or on a pcp list */
};

static void chk_fail(struct chk *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void chk_fail(struct chk *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->ok)
		return;
	c->ok = false;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
}

/* Mark [pfn, pfn + nr) as free; report any overlap (word at a time) */
static void chk_mark(struct chk *c, unsigned long pfn, unsigned long nr, const char *what)
{
	unsigned long i = pfn - c->base, end = i + nr;

	if (pfn < c->base || end > c->nbits) {
		chk_fail(c, "%s %#lx lies outside the machine", what, pfn);
		return;
	}
	while (i < end) {
		unsigned int bit = i % 64;
		unsigned long n = 64 - bit < end - i ? 64 - bit : end - i;
		uint64_t mask = (n == 64 ? ~0ULL : ((1ULL << n) - 1)) << bit;
		uint64_t *w = &c->bits[i / 64];

		if (*w & mask) {
			chk_fail(c, "%s %#lx (+%lu pages) overlaps another free or pcp page at %#lx",
				 what, pfn, nr, c->base + i / 64 * 64 + (unsigned long)__builtin_ctzll(*w & mask));
			return;
		}
		*w |= mask;
		i += n;
	}
}

static void chk_zone(struct chk *c, struct zone *z)
{
	struct machine *m = c->m;
	const char *zn = z->name;
	int nid = z->zone_pgdat->node_id;
	long free_pages = 0, cma_pages = 0;
	unsigned long highatomic_blocks = 0;

	for (unsigned int o = 0; o < MAX_ORDER && c->ok; o++) {
		struct free_area *area = &z->free_area[o];
		unsigned long total = 0;

		for (int t = 0; t < MIGRATE_TYPES && c->ok; t++) {
			struct pfnlist_head *h = &area->free_list[t];
			unsigned long n = 0, prev = PFN_NONE, pfn;

			pfnlist_for_each(m, pfn, h) {
				if (page_lru_prev(m, pfn) != prev) {
					chk_fail(c, "node %d %s order %u %s: list links broken at %#lx",
						 nid, zn, o, migratetype_names[t], pfn);
					return;
				}
				if (!PageBuddy(m, pfn) || buddy_order(m, pfn) != o ||
				    (int)page_index(m, pfn) != t) {
					chk_fail(c, "node %d %s order %u %s: block %#lx is not a free block of "
						 "this list (PageBuddy %d, order %u, list type %lu)",
						 nid, zn, o, migratetype_names[t], pfn, PageBuddy(m, pfn),
						 buddy_order(m, pfn), page_index(m, pfn));
					return;
				}
				if (pfn & ((1UL << o) - 1) || !zone_spans_pfn(z, pfn) ||
				    !zone_spans_pfn(z, pfn + (1UL << o) - 1)) {
					chk_fail(c, "node %d %s order %u: block %#lx misaligned or outside the zone",
						 nid, zn, o, pfn);
					return;
				}
				if (page_ref_count(m, pfn) != 0) {
					chk_fail(c, "free block %#lx has refcount %d", pfn,
						 page_ref_count(m, pfn));
					return;
				}
				chk_mark(c, pfn, 1UL << o, "free block");
				prev = pfn;
				n++;
			}
			if (h->last != prev) {
				chk_fail(c, "node %d %s order %u %s: list tail is %#lx, walk ended at %#lx",
					 nid, zn, o, migratetype_names[t], h->last, prev);
				return;
			}
			if (n != area->nr_free_mt[t]) {
				chk_fail(c, "node %d %s order %u %s: %lu blocks on the list, counter says %lu",
					 nid, zn, o, migratetype_names[t], n, area->nr_free_mt[t]);
				return;
			}
			total += n;
			if (t != MIGRATE_ISOLATE)
				free_pages += (long)(n << o);
			if (t == MIGRATE_CMA)
				cma_pages += (long)(n << o);
		}
		if (c->ok && total != area->nr_free)
			chk_fail(c, "node %d %s order %u: nr_free %lu but %lu blocks on the lists",
				 nid, zn, o, area->nr_free, total);
	}
	if (!c->ok)
		return;
	if (free_pages != z->vm_stat[NR_FREE_PAGES])
		chk_fail(c, "node %d %s: NR_FREE_PAGES %ld but the free lists hold %ld pages",
			 nid, zn, z->vm_stat[NR_FREE_PAGES], free_pages);
	if (cma_pages != z->vm_stat[NR_FREE_CMA_PAGES])
		chk_fail(c, "node %d %s: NR_FREE_CMA_PAGES %ld but the CMA lists hold %ld",
			 nid, zn, z->vm_stat[NR_FREE_CMA_PAGES], cma_pages);

	for (int cpu = 0; cpu < m->nr_cpus && c->ok; cpu++) {
		struct per_cpu_pages *pcp = &z->pcp[cpu];
		long pages = 0;

		for (int l = 0; l < NR_PCP_LISTS && c->ok; l++) {
			unsigned int order = l < NR_LOWORDER_PCP_LISTS ? (unsigned int)l / MIGRATE_PCPTYPES :
					     pageblock_order;
			unsigned long n = 0, pfn;

			pfnlist_for_each(m, pfn, &pcp->lists[l]) {
				if (PageBuddy(m, pfn) || page_zone(m, pfn) != z) {
					chk_fail(c, "cpu %d node %d %s pcp list %d: page %#lx is PageBuddy "
						 "or from another zone", cpu, nid, zn, l, pfn);
					return;
				}
				chk_mark(c, pfn, 1UL << order, "pcp page");
				if (c->ok && (pfn & ((1UL << order) - 1)))
					chk_fail(c, "cpu %d node %d %s pcp list %d: order-%u page %#lx "
						 "is not aligned to its order", cpu, nid, zn, l, order, pfn);
				n++;
			}
			if (n != pcp->lists_count[l])
				chk_fail(c, "cpu %d node %d %s pcp list %d: %lu pages, counter %u",
					 cpu, nid, zn, l, n, pcp->lists_count[l]);
			pages += (long)(n << order);
		}
		if (c->ok && pages != pcp->count)
			chk_fail(c, "cpu %d node %d %s: pcp count %d but the lists hold %ld pages",
				 cpu, nid, zn, pcp->count, pages);
	}

	for (unsigned long b = z->zone_start_pfn & ~(pageblock_nr_pages - 1); b < zone_end_pfn(z);
	     b += pageblock_nr_pages)
		if (get_pfnblock_migratetype(z, b) == MIGRATE_HIGHATOMIC)
			highatomic_blocks++;
	if (c->ok && highatomic_blocks * pageblock_nr_pages != z->nr_reserved_highatomic)
		chk_fail(c, "node %d %s: nr_reserved_highatomic %lu but %lu HighAtomic pageblocks",
			 nid, zn, z->nr_reserved_highatomic, highatomic_blocks);
}

static void chk_inuse(void *cbpriv, unsigned long pfn, unsigned int order)
{
	struct chk *c = cbpriv;
	unsigned long i = pfn - c->base;

	for (unsigned long k = 0; k < 1UL << order && c->ok; k++, i++) {
		if (pfn + k < c->base || i >= c->nbits)
			continue;
		if (c->bits[i / 64] & (1ULL << (i % 64)))
			chk_fail(c, "page %#lx is in use (block %#lx order %u) and also free or on a pcp list",
				 pfn + k, pfn, order);
	}
}

void mm_set_inuse_iter(struct machine *m, mm_inuse_iter_fn fn, void *priv)
{
	m->inuse_iter = fn;
	m->inuse_priv = priv;
}

bool mm_check_invariants(struct machine *m, char *err, size_t errlen)
{
	struct chk c = { .m = m, .err = err, .errlen = errlen, .ok = true };
	struct zone *z;

	c.base = 0;
	c.nbits = m->max_pfn;
	c.bits = host_calloc((c.nbits + 63) / 64 + 1, sizeof(uint64_t), "checking invariants");
	for_each_zone_of(m, z)
		if (c.ok && z->pcp)
			chk_zone(&c, z);
	if (c.ok && m->inuse_iter)
		m->inuse_iter(m->inuse_priv, chk_inuse, &c);
	if (c.ok && m->fail.failed)
		chk_fail(&c, "simulated kernel failure: %s", m->fail.msg);
	host_free(c.bits);
	return c.ok;
}
