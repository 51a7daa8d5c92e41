// SPDX-License-Identifier: GPL-2.0-only
/*
 * import.c - rebuild a real machine's buddy allocator state (free blocks
 * per order and migratetype, pageblocks per migratetype, watermarks,
 * per-cpu list figures) on a booted model machine, from what
 * /proc/pagetypeinfo and /proc/zoneinfo showed (sim/import.c reads them).
 *
 * The files give counts, never pfns.  The placement of a zone
 * (import_plan_zone) is a choice, made deterministically from a seed:
 *
 *  1. order-10 free blocks take aligned pairs of whole pageblocks (every
 *     page the allocator's), picked in a seeded random order, both blocks
 *     of the free block's migratetype;
 *  2. order-9 free blocks take whole pageblocks in a seeded random order,
 *     never the buddy of another order-9 free block (the two would have
 *     merged in the kernel);
 *  3. the other pageblocks get the types still owed, in a seeded random
 *     order: first enough blocks (whole ones first, then the fullest) for
 *     each type's free pages of orders 0-8, then the rest interleaved in
 *     proportion to what each type is still owed;
 *  4. free blocks of orders 8 down to 0 go first-fit, in pfn order, into
 *     the pageblocks of their type; each one's buddy keeps one page that is
 *     not free (an anchor, or a page the allocator does not have), so no
 *     two free buddies exist and the kernel's free lists would print the
 *     same counts.
 *
 * Everything of the zone's allocator that is not free is in use: the
 * per-cpu lists get their counts (order 0, on the Movable list, taken
 * from Movable pageblocks first, highest pfns first), and the rest is
 * handed to the caller as held blocks: order-0 movable data in Movable
 * pageblocks (compaction migrates them), and kernel blocks (the largest
 * aligned runs inside a pageblock, not movable) in the others.  Pages the
 * real kernel kept out of the allocator beyond what the model's boot
 * reserves (the managed figure) are taken back from the top of the zone
 * as reserved pages (adjust_managed_page_count), as a late reservation
 * would.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "import.h"
#include "machine.h"
#include "migrate.h"
#include "mmzone.h"
#include "page.h"
#include "page_alloc.h"

#define BLOCK_PAGES	pageblock_nr_pages

static uint64_t plan_rng(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void shuffle(unsigned long *a, size_t n, uint64_t *rng)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(plan_rng(rng) % i);
		unsigned long t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}

static unsigned long block_avail(const struct import_plan *p, unsigned long b)
{
	const uint8_t *s = p->state + (b << pageblock_order);
	unsigned long n = 0;

	for (unsigned long i = 0; i < BLOCK_PAGES; i++)
		n += s[i] != IMP_UNAVAIL;
	return n;
}

static void mark(struct import_plan *p, unsigned long first, unsigned long nr, uint8_t st)
{
	memset(p->state + first, st, nr);
}

static void add_free(struct import_plan *p, size_t *cap, unsigned long idx, unsigned int order,
		     int mt)
{
	if (p->nr_free_blocks == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		p->free = host_reallocarray(p->free, *cap, sizeof(*p->free), "planning an import");
	}
	p->free[p->nr_free_blocks++] = (struct import_free_block){
		.pfn = p->first_pfn + idx, .order = (uint8_t)order, .mt = (uint8_t)mt };
}

/* The migratetypes a dump can have, in the order they are placed */
static const int place_order[] = { MIGRATE_MOVABLE, MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE,
				   MIGRATE_HIGHATOMIC };

/*
 * Try an order-k free block at page index s (k < pageblock_order): its
 * pages must all be the allocator's and unplaced, its buddy must keep a
 * page that is not free.
 */
static bool try_small(struct import_plan *p, unsigned long s, unsigned int k)
{
	unsigned long n = 1UL << k, b = s ^ n;
	uint8_t *st = p->state;
	long anchor = -1;

	for (unsigned long i = s; i < s + n; i++)
		if (st[i] != IMP_USED)
			return false;
	for (unsigned long i = b + n; i-- > b;) {
		if (st[i] == IMP_UNAVAIL || st[i] == IMP_ANCHOR)
			goto ok;
		if (st[i] == IMP_USED && anchor < 0)
			anchor = (long)i;
	}
	if (anchor < 0)
		return false;		/* the buddy is all free */
	st[anchor] = IMP_ANCHOR;
ok:
	mark(p, s, n, IMP_FREE);
	return true;
}

static int cmp_free(const void *a, const void *b)
{
	const struct import_free_block *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

bool import_plan_zone(struct import_plan *p, char *err, size_t errlen)
{
	unsigned long nb = p->nr_blocks, *cand = host_calloc(nb + 1, sizeof(*cand), "planning an import");
	unsigned long given[MIGRATE_TYPES] = { 0 }, small_pages[MIGRATE_TYPES] = { 0 };
	unsigned long counted = 0, nc;
	uint64_t rng = p->seed ^ 0x696d706f7274ULL;	/* "import" */
	bool *o9 = host_calloc(nb + 1, sizeof(*o9), "planning an import");
	size_t cap = 0;
	bool ok = false;

	p->block_mt = host_malloc(nb + 1, "planning an import");
	p->free = NULL;
	p->nr_free_blocks = 0;
	for (unsigned long b = 0; b < nb; b++) {
		p->block_mt[b] = -1;
		counted += p->counted[b];
	}
	{
		unsigned long want = 0;

		for (int t = 0; t < MIGRATE_TYPES; t++)
			want += p->nr_type_blocks[t];
		if (want != counted) {
			snprintf(err, errlen, "the pageblock counts add up to %lu, the zone has %lu "
				 "pageblocks", want, counted);
			goto out;
		}
	}

	/* 1. order-10 free blocks: aligned pairs of whole pageblocks */
	nc = 0;
	for (unsigned long b = 0; b + 1 < nb; b++) {
		if (((p->first_pfn >> pageblock_order) + b) & 1)
			continue;
		if (p->counted[b] && p->counted[b + 1] && block_avail(p, b) == BLOCK_PAGES &&
		    block_avail(p, b + 1) == BLOCK_PAGES)
			cand[nc++] = b;
	}
	shuffle(cand, nc, &rng);
	{
		unsigned long next = 0;

		for (size_t i = 0; i < ARRAY_SIZE(place_order); i++) {
			int t = place_order[i];
			unsigned long need = p->nr_free[t][MAX_ORDER - 1];

			if (2 * need > p->nr_type_blocks[t]) {
				snprintf(err, errlen, "%lu free %s blocks of order %d need %lu %s "
					 "pageblocks, the zone has %lu", need, migratetype_names[t],
					 MAX_ORDER - 1, 2 * need, migratetype_names[t],
					 p->nr_type_blocks[t]);
				goto out;
			}
			for (unsigned long k = 0; k < need; k++, next++) {
				unsigned long b;

				if (next >= nc) {
					snprintf(err, errlen, "%lu free blocks of order %d need as many "
						 "aligned pairs of whole pageblocks, the zone has %lu",
						 next + need - k, MAX_ORDER - 1, nc);
					goto out;
				}
				b = cand[next];
				p->block_mt[b] = p->block_mt[b + 1] = (int8_t)t;
				given[t] += 2;
				mark(p, b << pageblock_order, 2 * BLOCK_PAGES, IMP_FREE);
				add_free(p, &cap, b << pageblock_order, MAX_ORDER - 1, t);
			}
		}
	}

	/* 2. order-9 free blocks: whole pageblocks whose buddy is not one */
	nc = 0;
	for (unsigned long b = 0; b < nb; b++)
		if (p->counted[b] && p->block_mt[b] < 0 && block_avail(p, b) == BLOCK_PAGES)
			cand[nc++] = b;
	shuffle(cand, nc, &rng);
	{
		unsigned long next = 0;

		for (size_t i = 0; i < ARRAY_SIZE(place_order); i++) {
			int t = place_order[i];
			unsigned long need = p->nr_free[t][pageblock_order];

			if (given[t] + need > p->nr_type_blocks[t]) {
				snprintf(err, errlen, "%lu free %s blocks of orders %d and %d need %lu "
					 "%s pageblocks, the zone has %lu", p->nr_free[t][MAX_ORDER - 1] + need,
					 migratetype_names[t], pageblock_order, MAX_ORDER - 1,
					 given[t] + need, migratetype_names[t], p->nr_type_blocks[t]);
				goto out;
			}
			for (unsigned long k = 0; k < need; k++) {
				unsigned long b, buddy;

				for (;;) {
					if (next >= nc) {
						snprintf(err, errlen, "no room for %lu more free %s "
							 "blocks of order %d: every whole pageblock left "
							 "is taken or the buddy of one", need - k,
							 migratetype_names[t], pageblock_order);
						goto out;
					}
					b = cand[next++];
					buddy = (((p->first_pfn >> pageblock_order) + b) ^ 1) -
						(p->first_pfn >> pageblock_order);
					if (buddy >= nb || !o9[buddy])
						break;
				}
				o9[b] = true;
				p->block_mt[b] = (int8_t)t;
				given[t]++;
				mark(p, b << pageblock_order, BLOCK_PAGES, IMP_FREE);
				add_free(p, &cap, b << pageblock_order, pageblock_order, t);
			}
		}
	}

	/* 3. the other pageblocks: capacity for small free blocks first, then interleaved */
	nc = 0;
	for (unsigned long b = 0; b < nb; b++)
		if (p->counted[b] && p->block_mt[b] < 0)
			cand[nc++] = b;
	shuffle(cand, nc, &rng);
	{
		/* whole blocks first (in shuffled order), then by pages available, fullest first */
		unsigned long *avail = host_calloc(nb + 1, sizeof(*avail), "planning an import");
		unsigned long w = 0, next = 0;

		for (unsigned long i = 0; i < nc; i++)
			avail[cand[i]] = block_avail(p, cand[i]);
		for (unsigned long i = 0; i < nc; i++) {
			/* insertion into the sorted prefix [0, w): stable, by avail descending */
			unsigned long b = cand[i], j = w++;

			while (j > 0 && avail[cand[j - 1]] < avail[b]) {
				cand[j] = cand[j - 1];
				j--;
			}
			cand[j] = b;
		}
		for (int t = 0; t < MIGRATE_TYPES; t++)
			for (int o = 0; o < pageblock_order; o++)
				small_pages[t] += p->nr_free[t][o] << o;
		for (size_t i = 0; i < ARRAY_SIZE(place_order); i++) {
			int t = place_order[i];
			unsigned long room = 0;

			while (room < small_pages[t] && given[t] < p->nr_type_blocks[t] && next < nc) {
				unsigned long b = cand[next++];

				p->block_mt[b] = (int8_t)t;
				given[t]++;
				room += avail[b] ? avail[b] - 1 : 0;
			}
		}
		host_free(avail);
		/* the rest: the type owed the largest share of its count, in shuffled block order */
		shuffle(cand + next, nc - next, &rng);
		for (; next < nc; next++) {
			int best = -1;
			double best_left = -1;

			for (int t = 0; t < MIGRATE_TYPES; t++) {
				double left;

				if (given[t] >= p->nr_type_blocks[t])
					continue;
				left = (double)(p->nr_type_blocks[t] - given[t]) /
				       (double)p->nr_type_blocks[t];
				if (left > best_left) {
					best_left = left;
					best = t;
				}
			}
			if (best < 0)
				break;	/* cannot happen: the counts add up */
			p->block_mt[cand[next]] = (int8_t)best;
			given[best]++;
		}
	}

	/* 4. orders 8..0, first fit in pfn order into the type's pageblocks */
	for (size_t i = 0; i < ARRAY_SIZE(place_order); i++) {
		int t = place_order[i];

		for (int k = pageblock_order - 1; k >= 0; k--) {
			unsigned long need = p->nr_free[t][k], b = 0, off = 0;

			while (need) {
				while (b < nb && p->block_mt[b] != t)
					b++, off = 0;
				if (b >= nb) {
					snprintf(err, errlen, "no room for %lu more free %s blocks of order "
						 "%d in the zone's %lu %s pageblocks", need,
						 migratetype_names[t], k, p->nr_type_blocks[t],
						 migratetype_names[t]);
					goto out;
				}
				if (off >= BLOCK_PAGES) {
					b++, off = 0;
					continue;
				}
				unsigned long s = (b << pageblock_order) + off;

				if (try_small(p, s, (unsigned int)k)) {
					add_free(p, &cap, s, (unsigned int)k, t);
					need--;
				}
				off += 1UL << k;
			}
		}
	}
	if (p->nr_type_blocks[MIGRATE_ISOLATE] || p->nr_type_blocks[MIGRATE_CMA]) {
		snprintf(err, errlen, "Isolate and CMA pageblocks cannot be imported");
		goto out;
	}
	qsort(p->free, p->nr_free_blocks, sizeof(*p->free), cmp_free);
	ok = true;
out:
	host_free(cand);
	host_free(o9);
	if (!ok)
		import_plan_free(p);
	return ok;
}

void import_plan_free(struct import_plan *p)
{
	host_free(p->free);
	host_free(p->block_mt);
	p->free = NULL;
	p->block_mt = NULL;
	p->nr_free_blocks = 0;
}

/* -------------------------------------------------------------------------
 * Applying a plan to the machine
 */
static bool fail(char *err, size_t errlen, const struct mm_import *imp, enum import_file f,
		 struct import_pos pos, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static bool fail(char *err, size_t errlen, const struct mm_import *imp, enum import_file f,
		 struct import_pos pos, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%d:%d: %s", imp->path[f], pos.line, pos.col, msg);
	return false;
}

/* pagetypeinfo's count: a block is counted when the pfn the walk reaches in it belongs here */
static bool block_counted(struct machine *m, struct zone *z, unsigned long pfn)
{
	struct zone *pz;

	if (!pfn_is_online(m, pfn))	/* as vmstat.c's pagetypeinfo walk */
		return false;
	pz = pfn_zone(m, pfn);
	return pz ? pz == z : zone_spans_pfn(z, pfn);
}

/* Take every free block of the zone off its list: its pages become IMP_USED */
static void take_free_lists(struct machine *m, struct zone *z, struct import_plan *p)
{
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		for (int t = 0; t < MIGRATE_TYPES; t++) {
			struct pfnlist_head *h = &z->free_area[o].free_list[t];

			while (!pfnlist_empty(h)) {
				unsigned long pfn = h->first;

				del_page_from_free_list(m, pfn, z, o, t);
				if (t != MIGRATE_ISOLATE)
					z->vm_stat[NR_FREE_PAGES] -= 1L << o;
				mark(p, pfn - p->first_pfn, 1UL << o, IMP_USED);
			}
		}
}

/* The largest aligned order at idx whose pages are all in state st, inside the pageblock */
static unsigned int run_order(const struct import_plan *p, unsigned long idx, uint8_t st1,
			      uint8_t st2)
{
	unsigned int o = 0;

	while (o < pageblock_order && !(idx & ((2UL << o) - 1))) {
		unsigned long n = 2UL << o;
		bool all = true;

		for (unsigned long i = idx; i < idx + n; i++)
			if (p->state[i] != st1 && p->state[i] != st2) {
				all = false;
				break;
			}
		if (!all)
			break;
		o++;
	}
	return o;
}

#define IMP_PCP	0x10	/* state bit: on a per-cpu list */

static bool apply_zone(struct machine *m, struct zone *z, const struct mm_import *imp,
		       const struct import_zone *iz, uint64_t seed, import_hold_fn hold, void *priv,
		       char *err, size_t errlen)
{
	struct import_plan p = { 0 };
	unsigned long end = zone_end_pfn(z), nr_pages;
	char msg[400];
	bool *counted;
	bool ok = false;

	p.first_pfn = z->zone_start_pfn & ~(BLOCK_PAGES - 1);
	p.nr_blocks = (end - p.first_pfn + BLOCK_PAGES - 1) >> pageblock_order;
	nr_pages = p.nr_blocks << pageblock_order;
	p.state = host_calloc(nr_pages, 1, "importing a zone");
	counted = host_calloc(p.nr_blocks, sizeof(*counted), "importing a zone");
	p.counted = counted;
	for (unsigned long pfn = z->zone_start_pfn; pfn < end; pfn += BLOCK_PAGES)
		if (block_counted(m, z, pfn))
			counted[(pfn - p.first_pfn) >> pageblock_order] = true;
	memcpy(p.nr_free, iz->nr_free, sizeof(p.nr_free));
	memcpy(p.nr_type_blocks, iz->nr_blocks, sizeof(p.nr_type_blocks));
	p.seed = seed ^ ((uint64_t)z->zone_pgdat->node_id << 8 | (uint64_t)z->idx);

	take_free_lists(m, z, &p);

	/*
	 * The model's boot kept more out of the allocator: the kernel image,
	 * which the model puts at 16 MiB and Debian's KASLR anywhere, gives
	 * the difference back (its pages hold nothing the model reads)
	 */
	if (z->managed_pages < iz->managed) {
		unsigned long text = 16UL * SZ_1M >> PAGE_SHIFT;
		unsigned long image = (m->opts.kernel_image_bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;

		for (unsigned long pfn = text; pfn < text + image && z->managed_pages < iz->managed;
		     pfn++) {
			if (!zone_spans_pfn(z, pfn) || pfn_zone(m, pfn) != z || !PageReserved(m, pfn))
				continue;
			ClearPageReserved(m, pfn);
			set_page_count(m, pfn, 0);
			adjust_managed_page_count(m, pfn, 1);
			p.state[pfn - p.first_pfn] = IMP_USED;
		}
	}
	/* the real kernel kept more out of the allocator: reserve the difference at the top */
	if (z->managed_pages < iz->managed) {
		fail(err, errlen, imp, IMPORT_ZONEINFO, iz->managed_pos,
		     "managed %lu: the model's boot leaves only %lu pages of node %d zone %s to "
		     "the allocator (memory the kernel gave the allocator after boot, such as "
		     "the memmap HVO frees, cannot be imported: take the dump before)",
		     iz->managed, z->managed_pages, z->zone_pgdat->node_id, z->name);
		goto out;
	}
	{
		unsigned long extra = z->managed_pages - iz->managed;

		for (unsigned long i = nr_pages; extra && i-- > 0;) {
			if (p.state[i] != IMP_USED)
				continue;
			p.state[i] = IMP_UNAVAIL;
			SetPageReserved(m, p.first_pfn + i);
			set_page_count(m, p.first_pfn + i, 1);
			adjust_managed_page_count(m, p.first_pfn + i, -1);
			extra--;
		}
		if (extra) {
			fail(err, errlen, imp, IMPORT_ZONEINFO, iz->managed_pos,
			     "managed %lu: more of node %d zone %s is in use than the model has",
			     iz->managed, z->zone_pgdat->node_id, z->name);
			goto out;
		}
	}

	if (!import_plan_zone(&p, msg, sizeof(msg))) {
		int t = MIGRATE_UNMOVABLE;

		fail(err, errlen, imp, IMPORT_PAGETYPEINFO, iz->free_pos[t],
		     "cannot place node %d zone %s: %s", z->zone_pgdat->node_id, z->name, msg);
		goto out;
	}

	/* pageblock types, then the free blocks (no two are buddies: nothing merges) */
	z->nr_reserved_highatomic = iz->nr_blocks[MIGRATE_HIGHATOMIC] * BLOCK_PAGES;
	for (unsigned long b = 0; b < p.nr_blocks; b++)
		if (p.block_mt[b] >= 0)
			set_pfnblock_migratetype(z, p.first_pfn + (b << pageblock_order),
						 p.block_mt[b]);
	for (size_t i = 0; i < p.nr_free_blocks; i++)
		__free_one_page(m, p.free[i].pfn, z, p.free[i].order, p.free[i].mt, FPI_TO_TAIL);

	/*
	 * per-cpu lists: order-0 pages, Movable pageblocks first, from the
	 * top; one downward cursor per pass, shared by the CPUs in turn
	 */
	{
		int left[MAX_CPUS] = { 0 };
		unsigned long cursor[2] = { nr_pages, nr_pages };

		for (int c = 0; c < m->nr_cpus && c < iz->nr_cpus; c++)
			left[c] = iz->pcp_count[c];
		for (int pass = 0; pass < 2; pass++)
			for (int c = 0; c < m->nr_cpus && c < iz->nr_cpus; c++)
				while (left[c] && cursor[pass] > 0) {
					unsigned long i = --cursor[pass];
					int mt = p.block_mt[i >> pageblock_order];

					if (p.state[i] != IMP_USED || (pass == 0 && mt != MIGRATE_MOVABLE))
						continue;
					p.state[i] |= IMP_PCP;
					pcp_import_page(m, z, c, p.first_pfn + i,
							mt >= 0 && mt < MIGRATE_PCPTYPES ? mt :
							MIGRATE_MOVABLE);
					left[c]--;
				}
		for (int c = 0; c < m->nr_cpus && c < iz->nr_cpus; c++)
			if (left[c]) {
				fail(err, errlen, imp, IMPORT_ZONEINFO, iz->zone_pos,
				     "node %d zone %s: no room for cpu %d's %d per-cpu pages",
				     z->zone_pgdat->node_id, z->name, c, iz->pcp_count[c]);
				goto out;
			}
	}

	/* everything else is held */
	for (unsigned long i = 0; i < nr_pages;) {
		unsigned long pfn = p.first_pfn + i;
		int mt = p.block_mt[i >> pageblock_order];
		unsigned int o;

		if (p.state[i] != IMP_USED && p.state[i] != IMP_ANCHOR) {
			i++;
			continue;
		}
		if (mt == MIGRATE_MOVABLE) {
			set_page_count(m, pfn, 1);
			mm_mark_movable_data(m, pfn, 0);
			hold(priv, pfn, 0, true);
			i++;
			continue;
		}
		o = run_order(&p, i, IMP_USED, IMP_ANCHOR);
		set_page_count(m, pfn, 1);
		hold(priv, pfn, o, false);
		i += 1UL << o;
	}

	/* the figures zoneinfo shows that the import sets */
	for (int w = 0; w < NR_WMARK && w <= WMARK_HIGH; w++)
		z->_watermark[w] = iz->wmark[w];
	z->watermark_boost = 0;
	for (int c = 0; c < m->nr_cpus && c < iz->nr_cpus; c++) {
		z->pcp[c].high = iz->pcp_high[c];
		z->pcp[c].batch = iz->pcp_batch[c];
	}
	if (iz->nr_cpus) {
		z->pageset_high = iz->pcp_high[0];
		z->pageset_batch = iz->pcp_batch[0];
	}
	ok = true;
out:
	import_plan_free(&p);
	host_free(p.state);
	host_free(counted);
	return ok;
}

/* What the machine prints now against what was imported */
static bool verify_zone(struct machine *m, struct zone *z, const struct mm_import *imp,
			const struct import_zone *iz, char *err, size_t errlen)
{
	unsigned long blocks[MIGRATE_TYPES] = { 0 };

	for (int t = 0; t < MIGRATE_TYPES; t++)
		for (int o = 0; o < MAX_ORDER; o++)
			if (z->free_area[o].nr_free_mt[t] != iz->nr_free[t][o])
				return fail(err, errlen, imp, IMPORT_PAGETYPEINFO, iz->free_pos[t],
					    "node %d zone %s: placed %lu free %s blocks of order %d, "
					    "not %lu", z->zone_pgdat->node_id, z->name,
					    z->free_area[o].nr_free_mt[t], migratetype_names[t], o,
					    iz->nr_free[t][o]);
	for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z); pfn += BLOCK_PAGES)
		if (block_counted(m, z, pfn))
			blocks[get_pfnblock_migratetype(z, pfn)]++;
	for (int t = 0; t < MIGRATE_TYPES; t++)
		if (blocks[t] != iz->nr_blocks[t])
			return fail(err, errlen, imp, IMPORT_PAGETYPEINFO, iz->blocks_pos,
				    "node %d zone %s: %lu %s pageblocks, not %lu",
				    z->zone_pgdat->node_id, z->name, blocks[t], migratetype_names[t],
				    iz->nr_blocks[t]);
	return true;
}

bool import_apply(struct machine *m, const struct mm_import *imp, uint64_t seed,
		  import_hold_fn hold, void *priv, char *err, size_t errlen)
{
	if (imp->nr_nodes != m->nr_nodes)
		return fail(err, errlen, imp, IMPORT_ZONEINFO, (struct import_pos){ 1, 1 },
			    "%d nodes, the machine booted with %d", imp->nr_nodes, m->nr_nodes);
	for (int n = 0; n < m->nr_nodes; n++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			const struct import_zone *iz = &imp->zone[n][zi];
			struct zone *z = zone_of(m, n, zi);

			if (!iz->populated && !populated_zone(z))
				continue;
			if (iz->populated != populated_zone(z) || iz->start_pfn != z->zone_start_pfn ||
			    iz->spanned != z->spanned_pages || iz->present != z->present_pages)
				return fail(err, errlen, imp, IMPORT_ZONEINFO, iz->zone_pos,
					    "node %d zone %s: start_pfn %lu spanned %lu present %lu: "
					    "the model laid it out as %lu, %lu, %lu", n, z->name,
					    iz->start_pfn, iz->spanned, iz->present,
					    z->zone_start_pfn, z->spanned_pages, z->present_pages);
		}
	drain_all_pages(m, NULL);
	for (int n = 0; n < m->nr_nodes; n++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = zone_of(m, n, zi);

			if (!populated_zone(z))
				continue;
			if (!apply_zone(m, z, imp, &imp->zone[n][zi], seed, hold, priv, err, errlen))
				return false;
		}
	/* boot computed lowmem_reserve before the image's init memory came back: as dumped */
	for (int n = 0; n < m->nr_nodes; n++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			if (imp->zone[n][zi].have_protection)
				memcpy(zone_of(m, n, zi)->lowmem_reserve, imp->zone[n][zi].protection,
				       sizeof(imp->zone[n][zi].protection));
	for (int n = 0; n < m->nr_nodes; n++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = zone_of(m, n, zi);

			if (populated_zone(z) &&
			    !verify_zone(m, z, imp, &imp->zone[n][zi], err, errlen))
				return false;
		}
	return true;
}
