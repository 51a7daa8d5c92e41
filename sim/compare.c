// SPDX-License-Identifier: GPL-2.0-only
/*
 * compare.c - `mmsim compare`: run one scenario once per policy, or once
 * per combination of policies of several families, and print what each
 * run left behind, side by side, with the difference of each against the
 * first, in a form a reviewer can paste into a reply.
 *
 *   mmsim compare FILE --policy FAMILY=A,B,... [--policy FAMILY2=X,Y,...]...
 *                 [--at SNAPSHOT] [--figures PREFIX[,PREFIX...]]... [--all]
 *                 [--format text|json] [--seed N] [--set NAME=VALUE]... [--check|--no-check]
 *
 * The scenario is parsed once and run on a fresh machine per combination,
 * all output captured.  Every figure is a number read from the machine at
 * one point of the run: its end (scn_run_opts.at_end), or the last time
 * the scenario took the snapshot --at names (at_snapshot), for a pool
 * that peaks in the middle.  A run that does not end well keeps no
 * figures: the end of a failed run is not what the scenario measures.
 *
 * compare's own figures are per zone (free blocks, the debugfs unusable
 * and extfrag indices per order, pageblocks per migratetype and mixed
 * ones), per node and machine-wide (hugepages, free pages, the pages in
 * use outside hugetlb pages and what each run saves against run 0), each
 * labelled with what it sums; then the ones each varied family declares
 * (policy_family.figures).  A figure of POLICY_FIG_NEVER prints as
 * "never" (JSON: null), and its difference against a number as "-".
 *
 * The text fits 80 columns: figures are rows, runs are columns in groups
 * that fit, each after run 0 with its difference in percent, as mmtests'
 * compare-kernels prints them; rows the same in every run are left out
 * unless asked for.  The JSON has every figure by key (docs/compare.md).
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compaction.h"
#include "compare.h"
#include "host.h"
#include "hugetlb.h"
#include "memblock.h"
#include "mmzone.h"
#include "page.h"
#include "page_alloc.h"
#include "cli.h"
#include "policy.h"
#include "revision.h"
#include "scn.h"
#include "vmstat.h"

/* -------------------------------------------------------------------------
 * Reading the figures of a run
 */
void cmp_key_word(char *dst, size_t len, const char *label)
{
	size_t n = 0;
	bool sep = false;

	assert(len > 0);
	for (const char *p = label; *p && n + 1 < len; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (sep && n) {
				if (n + 2 >= len)
					break;
				dst[n++] = '_';
			}
			dst[n++] = c;
			sep = false;
		} else {
			sep = true;
		}
	}
	dst[n] = '\0';
}

static void __attribute__((format(printf, 4, 5)))
push(struct cmp_run *r, enum cmp_kind kind, long v, const char *keyfmt, ...)
{
	struct cmp_fig *f;
	va_list ap;

	if (r->nr_figs == r->cap_figs) {
		r->cap_figs = r->cap_figs ? 2 * r->cap_figs : 256;
		r->figs = host_reallocarray(r->figs, r->cap_figs, sizeof(*r->figs),
					    "reading the compare figures");
	}
	f = &r->figs[r->nr_figs++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->v = v;
	va_start(ap, keyfmt);
	vsnprintf(f->key, sizeof(f->key), keyfmt, ap);
	va_end(ap);
}

/* The label of the figure push() just added */
static void __attribute__((format(printf, 2, 3)))
label(struct cmp_run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->figs[r->nr_figs - 1].label, CMP_LABEL_LEN, fmt, ap);
	va_end(ap);
}

static const unsigned int hstate_orders[] = { HPAGE_PMD_ORDER, HPAGE_PUD_ORDER };
_Static_assert(ARRAY_SIZE(hstate_orders) == HUGE_MAX_HSTATE, "one order per hstate");

/* Hugepages of every size on node @nid (-1: the machine), and the base pages they hold */
static void hugepages(struct machine *m, int nid, long *nr, long *pages)
{
	*nr = *pages = 0;
	if (!m->hugetlb)	/* hugetlb never set up: no pool */
		return;
	for (size_t i = 0; i < ARRAY_SIZE(hstate_orders); i++) {
		const struct hstate *h = hugetlb_size_to_hstate(m, PAGE_SIZE << hstate_orders[i]);
		unsigned long n;

		if (!h)
			continue;
		n = nid < 0 ? h->nr_huge_pages : h->nr_huge_pages_node[nid];
		*nr += (long)n;
		*pages += (long)(n << h->order);
	}
}

static long zone_pcp_pages(const struct machine *m, const struct zone *z)
{
	long n = 0;

	for (int cpu = 0; z->pcp && cpu < m->nr_cpus; cpu++)
		n += z->pcp[cpu].count;
	return n;
}

/*
 * Is the in-use block at @pfn (order @order) one an allocation of a
 * movable type would hold?  The model keeps no page_owner, so this reads
 * the struct page: hugetlb pages of a size that can migrate (not
 * gigantic, as hugepage_movable_supported) and pages on the LRU or with
 * a mapping (anonymous, page cache, the runner's movable data) are
 * movable; page-table pages and every other kernel allocation are not.
 */
static bool inuse_movable(struct machine *m, unsigned long pfn, unsigned int order)
{
	if (PageHeadHuge(m, pfn))
		return order < MAX_ORDER;
	if (PageTable(m, pfn))
		return false;
	return PageLRU(m, pfn) || page_mapping(m, pfn) != 0;
}

/*
 * Boot marks every page memblock reserved PageReserved.  While nothing
 * wrote the vmemmap chunk holding a page's flags, it still is, and the
 * frame store can say so without materialising the chunk
 * (fstore_frame_bytes_present), which reading the flags would do: on a
 * 1 TiB machine that is the whole boot memmap, 256 MiB of host memory.
 * Returns the first pfn after @pfn whose flags are not known that way
 * (@pfn itself when its own are not).
 */
static unsigned long skip_boot_reserved(struct machine *m, unsigned long pfn, unsigned long end)
{
	uint64_t va = page_va(m, pfn), chunk_end;
	unsigned long frame;
	bool writable;

	if (m->sched || !memblock_is_reserved(m, pfn) ||
	    !vmemmap_peek(m, va, &frame, &writable, NULL) ||
	    fstore_frame_bytes_present(m, frame, (unsigned int)(va & (PAGE_SIZE - 1))))
		return pfn;
	chunk_end = (va | (FST_CHUNK_SIZE - 1)) + 1;
	/* the next pages' flags in the same untouched chunk read the same way */
	do
		pfn++;
	while (pfn < end && page_va(m, pfn) + sizeof(uint64_t) <= chunk_end &&
	       memblock_is_reserved(m, pfn));
	return pfn;
}

/*
 * The pageblocks of @z per migratetype that hold an in-use block of
 * another mobility: pagetypeinfo's "Number of mixed blocks", which needs
 * PAGE_OWNER (off in Debian, absent from the model), computed from the
 * struct pages the way its walk goes (pagetypeinfo_showmixedcount_print):
 * free blocks and reserved pages are skipped (boot's without reading
 * them, skip_boot_reserved), a block counts once, under
 * its type, at the first page that does not match.  Movable blocks match
 * movable pages; Unmovable and Reclaimable ones unmovable pages (the model
 * cannot tell the two apart); HighAtomic and Isolate blocks match nothing.
 * @mark, when given, is called with the pfn that made each block mixed
 * (mmsim report's pageblock map).
 */
void cmp_zone_mixed(struct machine *m, struct zone *z, long count[],
		    void (*mark)(void *arg, unsigned long pfn), void *arg)
{
	unsigned long end = zone_end_pfn(z);

	for (unsigned long pfn = z->zone_start_pfn; pfn < end;) {
		unsigned long block_end;
		int bmt;

		if (!pfn_is_online(m, pfn)) {
			pfn = (pfn + MAX_ORDER_NR_PAGES) & ~(MAX_ORDER_NR_PAGES - 1);
			continue;
		}
		block_end = (pfn | (pageblock_nr_pages - 1)) + 1;
		if (block_end > end)
			block_end = end;
		bmt = get_pfnblock_migratetype(z, pfn);
		for (; pfn < block_end; pfn++) {
			unsigned long next = skip_boot_reserved(m, pfn, block_end);
			unsigned int order = 0;
			bool movable, match;

			if (next != pfn) {
				pfn = next - 1;
				continue;
			}
			if (page_zone(m, pfn) != z)
				continue;
			if (PageBuddy(m, pfn)) {
				pfn += (1UL << buddy_order(m, pfn)) - 1;
				continue;
			}
			if (PageReserved(m, pfn) || PageTail(m, pfn))
				continue;
			if (PageHead(m, pfn))
				order = compound_order(m, pfn);
			/* free (per-cpu lists), except hugetlb pool pages: allocated, refcount 0 */
			if (!page_ref_count(m, pfn) && !PageHeadHuge(m, pfn))
				continue;
			movable = inuse_movable(m, pfn, order);
			if (bmt == MIGRATE_MOVABLE)
				match = movable;
			else if (bmt == MIGRATE_UNMOVABLE || bmt == MIGRATE_RECLAIMABLE)
				match = !movable;
			else
				match = false;
			if (!match) {
				count[bmt]++;
				if (mark)
					mark(arg, pfn);
				pfn = block_end;
				break;
			}
			pfn += (1UL << order) - 1;
		}
	}
}

/* The migratetypes pagetypeinfo shows (Debian: no CMA) */
static const int shown_types[] = {
	MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC,
	MIGRATE_ISOLATE,
};

static void read_zone(struct cmp_run *r, struct machine *m, int nid, int zid)
{
	struct zone *z = &m->node[nid].node_zones[zid];
	const char *zn = zone_names[zid];
	unsigned long nr_free[MAX_ORDER];
	unsigned long blocks[MIGRATE_TYPES] = { 0 };
	long mixed[MIGRATE_TYPES] = { 0 };
	char zk[16], tk[16];

	cmp_key_word(zk, sizeof(zk), zn);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		nr_free[o] = z->free_area[o].nr_free;
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		push(r, CMP_COUNT, (long)nr_free[o], "node%d.%s.free_blocks.order%u", nid, zk, o);
		label(r, "node %d %s: free blocks order %u", nid, zn, o);
	}
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		push(r, CMP_INDEX, unusable_free_index_blocks(nr_free, o),
		     "node%d.%s.unusable_index.order%u", nid, zk, o);
		label(r, "node %d %s: unusable index order %u", nid, zn, o);
	}
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		push(r, CMP_INDEX, fragmentation_index_blocks(nr_free, o),
		     "node%d.%s.extfrag_index.order%u", nid, zk, o);
		label(r, "node %d %s: extfrag index order %u", nid, zn, o);
	}
	zone_pageblock_counts(m, z, blocks);
	cmp_zone_mixed(m, z, mixed, NULL, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(shown_types); i++) {
		const char *tn = migratetype_names[shown_types[i]];

		cmp_key_word(tk, sizeof(tk), tn);
		push(r, CMP_COUNT, (long)blocks[shown_types[i]], "node%d.%s.pageblocks.%s", nid, zk, tk);
		label(r, "node %d %s: pageblocks %s", nid, zn, tn);
	}
	for (size_t i = 0; i < ARRAY_SIZE(shown_types); i++) {
		const char *tn = migratetype_names[shown_types[i]];

		cmp_key_word(tk, sizeof(tk), tn);
		push(r, CMP_COUNT, mixed[shown_types[i]], "node%d.%s.mixed_pageblocks.%s", nid, zk,
		     tk);
		label(r, "node %d %s: mixed pageblocks %s", nid, zn, tn);
	}
}

/* A family's figures, machine-wide (@nid -1) or of one node */
static void read_family(struct cmp_run *r, struct machine *m, const struct policy_family *fam,
			int nid)
{
	char fk[64], lk[CMP_KEY_LEN / 2];

	cmp_key_word(fk, sizeof(fk), fam->name);
	for (const struct policy_figure *f = fam->figures; f && f->label; f++) {
		if (f->per_node != (nid >= 0))
			continue;
		cmp_key_word(lk, sizeof(lk), f->label);
		if (nid < 0) {
			push(r, CMP_COUNT, f->value(m, -1), "%s.%s", fk, lk);
			label(r, "machine: %s", f->label);
		} else {
			push(r, CMP_COUNT, f->value(m, nid), "node%d.%s.%s", nid, fk, lk);
			label(r, "node %d: %s", nid, f->label);
		}
	}
}

struct cmp_reader {
	const struct cmp_table *t;
	struct cmp_run *r;
};

/* Every figure of the run, from its machine; a later call replaces an earlier one */
static void cmp_read(void *arg, struct machine *m)
{
	const struct cmp_reader *rd = arg;
	const struct cmp_grid *g = rd->t->grid;
	struct cmp_run *r = rd->r;
	int nodes = m->nr_nodes < MAX_NUMNODES ? m->nr_nodes : MAX_NUMNODES;
	long nr, pages, present = 0, nfree = 0, in_pools;

	r->nr_figs = 0;
	r->read = true;
	r->seed = m->opts.seed;
	r->seed_known = true;

	for (int nid = 0; nid < nodes; nid++)
		for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
			const struct zone *z = &m->node[nid].node_zones[zid];

			present += (long)z->present_pages;
			nfree += z->vm_stat[NR_FREE_PAGES] + zone_pcp_pages(m, z);
		}
	hugepages(m, -1, &nr, &in_pools);
	push(r, CMP_COUNT, nr, "machine.hugepages");
	label(r, "machine: hugepages, all sizes");
	push(r, CMP_COUNT, present - nfree - in_pools, "machine.used_pages_outside_hugetlb");
	label(r, "machine: pages in use outside hugetlb");
	push(r, CMP_COUNT, nfree, "machine.free_pages");
	label(r, "machine: free pages, per-cpu lists too");
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		long n = 0;

		for (int nid = 0; nid < nodes; nid++)
			for (int zid = 0; zid < MAX_NR_ZONES; zid++)
				n += (long)m->node[nid].node_zones[zid].free_area[o].nr_free;
		push(r, CMP_COUNT, n, "machine.free_blocks.order%u", o);
		label(r, "machine: free blocks order %u", o);
	}
	for (unsigned int a = 0; a < g->nr_axes; a++)
		read_family(r, m, g->axis[a].family, -1);

	for (int nid = 0; nid < nodes; nid++) {
		const struct pglist_data *pgdat = &m->node[nid];

		present = nfree = 0;
		for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
			const struct zone *z = &pgdat->node_zones[zid];

			present += (long)z->present_pages;
			nfree += z->vm_stat[NR_FREE_PAGES] + zone_pcp_pages(m, z);
		}
		hugepages(m, nid, &nr, &pages);
		push(r, CMP_COUNT, nr, "node%d.hugepages", nid);
		label(r, "node %d: hugepages, all sizes", nid);
		push(r, CMP_COUNT, present - nfree - pages, "node%d.used_pages_outside_hugetlb", nid);
		label(r, "node %d: pages in use outside hugetlb", nid);
		push(r, CMP_COUNT, nfree, "node%d.free_pages", nid);
		label(r, "node %d: free pages, per-cpu lists too", nid);
		push(r, CMP_COUNT, (long)pgdat->nr_memmap_pages, "node%d.memmap_pages", nid);
		label(r, "node %d: memmap pages", nid);
		push(r, CMP_COUNT, (long)pgdat->nr_memmap_boot_pages, "node%d.boot_memmap_pages", nid);
		label(r, "node %d: boot memmap pages", nid);
		for (unsigned int a = 0; a < g->nr_axes; a++)
			read_family(r, m, g->axis[a].family, nid);
	}
	for (int nid = 0; nid < nodes; nid++)
		for (int zid = 0; zid < MAX_NR_ZONES; zid++)
			if (populated_zone(&m->node[nid].node_zones[zid]))
				read_zone(r, m, nid, zid);
}

/* -------------------------------------------------------------------------
 * The grid
 */
int cmp_grid_add_family(struct cmp_grid *g, const struct policy_family *f)
{
	for (unsigned int i = 0; i < g->nr_axes; i++)
		if (g->axis[i].family == f)
			return -EEXIST;
	if (g->nr_axes == CMP_MAX_AXES)
		return -E2BIG;
	g->axis[g->nr_axes].family = f;
	g->axis[g->nr_axes].nr = 0;
	return (int)g->nr_axes++;
}

int cmp_axis_add(struct cmp_axis *a, const struct policy *p)
{
	if (a->nr == CMP_MAX_RUNS)
		return -E2BIG;
	a->pick[a->nr++] = p;
	return 0;
}

uint64_t cmp_grid_nr_runs(const struct cmp_grid *g)
{
	uint64_t n = g->nr_axes ? 1 : 0;

	/* at most 16 picks on each of at most 8 axes: 2^32 at most */
	for (unsigned int i = 0; i < g->nr_axes; i++)
		n *= g->axis[i].nr;
	return n;
}

/* -------------------------------------------------------------------------
 * The table
 */
/* Combination @i: one pick per axis, the last axis varying fastest */
static void cmp_combination(const struct cmp_table *t, unsigned int i, struct cmp_run *r)
{
	const struct cmp_grid *g = t->grid;
	unsigned int pick[CMP_MAX_AXES];
	size_t used = 0;

	for (unsigned int a = g->nr_axes; a-- > 0;) {
		pick[a] = i % g->axis[a].nr;
		i /= g->axis[a].nr;
	}
	for (unsigned int a = 0; a < g->nr_axes; a++) {
		const struct policy *p = g->axis[a].pick[pick[a]];

		policy_set_put(&r->set, g->axis[a].family, p);
		if (used < sizeof(r->label))
			used += (size_t)snprintf(r->label + used, sizeof(r->label) - used, "%s%s",
						 a ? "/" : "", p->name);
	}
}

struct row_vec {
	struct cmp_row *row;
	unsigned int n, cap;
};

static struct cmp_row *row_vec_add(struct row_vec *rv)
{
	if (rv->n == rv->cap) {
		rv->cap = rv->cap ? 2 * rv->cap : 256;
		rv->row = host_reallocarray(rv->row, rv->cap, sizeof(*rv->row),
					    "building the compare table");
	}
	memset(&rv->row[rv->n], 0, sizeof(rv->row[0]));
	return &rv->row[rv->n++];
}

/* The row of @key, looked for at @hint first (runs read their figures in one order) */
static struct cmp_row *row_find(struct row_vec *rv, const char *key, unsigned int hint)
{
	if (hint < rv->n && !strcmp(rv->row[hint].key, key))
		return &rv->row[hint];
	for (unsigned int k = 0; k < rv->n; k++)
		if (!strcmp(rv->row[k].key, key))
			return &rv->row[k];
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

#define USED_SUFFIX	".used_pages_outside_hugetlb"

/*
 * After a "pages in use outside hugetlb" row, the memory each run saves
 * against run 0: run 0's pages in use minus the run's (negative: it costs)
 */
static void add_net_saved_row(struct row_vec *rv, const struct cmp_row *used, unsigned int nr_runs)
{
	size_t scope = strlen(used->key) - strlen(USED_SUFFIX);
	const char *colon = strchr(used->label, ':');
	struct cmp_row *row;

	if (!used->have[0])		/* nothing to save against */
		return;
	row = row_vec_add(rv);

	snprintf(row->key, sizeof(row->key), "%.*s.net_saved_pages", (int)scope, used->key);
	snprintf(row->label, sizeof(row->label), "%.*s: pages saved against run 0",
		 (int)(colon ? colon - used->label : 0), used->label);
	row->kind = CMP_COUNT;
	for (unsigned int i = 0; i < nr_runs; i++) {
		row->have[i] = used->have[0] && used->have[i];
		if (row->have[i])
			row->v[i] = used->v[0] - used->v[i];
	}
}

static void build_rows(struct cmp_table *t)
{
	struct row_vec rv = { 0 }, out = { 0 };
	unsigned int readers = 0, first = 0;

	for (unsigned int i = 0; i < t->nr_runs; i++) {
		const struct cmp_run *r = &t->run[i];

		for (unsigned int k = 0; k < r->nr_figs; k++) {
			const struct cmp_fig *f = &r->figs[k];
			struct cmp_row *row = row_find(&rv, f->key, k);

			if (!row) {
				row = row_vec_add(&rv);
				memcpy(row->key, f->key, sizeof(row->key));
				memcpy(row->label, f->label, sizeof(row->label));
				row->kind = f->kind;
			}
			row->v[i] = f->v;
			row->have[i] = true;
		}
	}
	for (unsigned int k = 0; k < rv.n; k++) {
		*row_vec_add(&out) = rv.row[k];
		if (ends_with(rv.row[k].key, USED_SUFFIX))
			add_net_saved_row(&out, &rv.row[k], t->nr_runs);
	}
	host_free(rv.row);
	t->rows = out.row;
	t->nr_rows = out.n;

	/*
	 * identical: two runs or more, every one read figures (a run that
	 * failed where another did not is a difference), and no row tells
	 * them apart
	 */
	for (unsigned int i = 0; i < t->nr_runs; i++)
		if (t->run[i].read && !readers++)
			first = i;
	t->identical = readers >= 2 && readers == t->nr_runs;
	for (unsigned int k = 0; k < t->nr_rows && t->identical; k++)
		for (unsigned int i = 0; i < t->nr_runs; i++)
			if (t->run[i].read && (!t->rows[k].have[i] ||
					       t->rows[k].v[i] != t->rows[k].v[first]))
				t->identical = false;
}

void cmp_table_build(struct cmp_table *t, const struct cmp_grid *g, cmp_run_fn run, void *priv)
{
	uint64_t nr = cmp_grid_nr_runs(g);

	assert(nr >= 1 && nr <= CMP_MAX_RUNS);
	memset(t, 0, sizeof(*t));
	t->grid = g;
	t->nr_runs = (unsigned int)nr;
	t->worst = SCN_OK;
	for (unsigned int i = 0; i < t->nr_runs; i++) {
		struct cmp_run *r = &t->run[i];
		struct cmp_reader rd = { .t = t, .r = r };

		cmp_combination(t, i, r);
		r->status = run(priv, &r->set, cmp_read, &rd);
		if (r->status > t->worst)
			t->worst = r->status;
		if (r->status != SCN_OK) {	/* no figures from a run that went wrong */
			r->read = false;
			r->nr_figs = 0;
		}
	}
	build_rows(t);
}

static bool row_matches(const struct cmp_row *row, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(row->key, prefix, n) || !strncmp(row->label, prefix, n);
}

int cmp_table_select(struct cmp_table *t, const char *const *prefix, unsigned int n)
{
	unsigned int kept = 0;

	for (unsigned int p = 0; p < n; p++) {
		bool hit = false;

		for (unsigned int k = 0; k < t->nr_rows && !hit; k++)
			hit = row_matches(&t->rows[k], prefix[p]);
		if (!hit)
			return (int)p;
	}
	for (unsigned int k = 0; k < t->nr_rows; k++) {
		bool keep = false;

		for (unsigned int p = 0; p < n && !keep; p++)
			keep = row_matches(&t->rows[k], prefix[p]);
		if (keep)
			t->rows[kept++] = t->rows[k];
	}
	t->nr_rows = kept;
	return -1;
}

void cmp_table_free(struct cmp_table *t)
{
	for (unsigned int i = 0; i < t->nr_runs; i++)
		host_free(t->run[i].figs);
	host_free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* -------------------------------------------------------------------------
 * Text
 */
static unsigned int nr_read(const struct cmp_table *t)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < t->nr_runs; i++)
		n += t->run[i].read;
	return n;
}

/* Every run that has figures has this row, with the same value */
static bool row_same(const struct cmp_table *t, const struct cmp_row *row)
{
	int first = -1;

	for (unsigned int i = 0; i < t->nr_runs; i++) {
		if (!t->run[i].read)
			continue;
		if (!row->have[i])
			return false;
		if (first < 0)
			first = (int)i;
		else if (row->v[i] != row->v[first])
			return false;
	}
	return true;
}

static void fmt_value(char *buf, size_t len, const struct cmp_row *row, unsigned int i)
{
	long v = row->v[i];

	if (!row->have[i])
		snprintf(buf, len, "-");
	else if (v == POLICY_FIG_NEVER)
		snprintf(buf, len, "never");
	else if (row->kind == CMP_INDEX)	/* as debugfs: index / 1000 "." index % 1000 */
		snprintf(buf, len, "%s%ld.%03ld", v < 0 ? "-" : "", labs(v) / 1000, labs(v) % 1000);
	else
		snprintf(buf, len, "%ld", v);
}

/* Run @i's value, and for i > 0 its difference against run 0 in percent */
static void fmt_cell(char *buf, size_t len, const struct cmp_row *row, unsigned int i)
{
	char v[32];
	long a = row->v[0], b = row->v[i];

	fmt_value(v, sizeof(v), row, i);
	if (!i || !row->have[0] || !row->have[i])
		snprintf(buf, len, "%s", v);
	else if (a == POLICY_FIG_NEVER || b == POLICY_FIG_NEVER)
		snprintf(buf, len, "%s (%8s)", v, a == b ? "0.00%" : "-");
	else if (a == 0)
		snprintf(buf, len, "%s (%8s)", v, b == 0 ? "0.00%" : "n/a");
	else
		snprintf(buf, len, "%s (%7.2f%%)", v, (double)(b - a) * 100.0 / (double)labs(a));
}

static void run_header(char *buf, size_t len, const struct cmp_table *t, unsigned int i)
{
	if (strlen(t->run[i].label) <= 20)
		snprintf(buf, len, "%s", t->run[i].label);
	else
		snprintf(buf, len, "run %u", i);
}

/* The net memory of each run against run 0, in words */
static void text_net_memory(const struct cmp_table *t, struct sbuf *sb)
{
	bool any = false;

	if (!t->run[0].read || t->identical || t->nr_runs < 2)
		return;
	for (unsigned int k = 0; k < t->nr_rows && !any; k++)
		any = ends_with(t->rows[k].key, ".net_saved_pages");
	if (!any)
		return;
	sb_printf(sb, "\nMemory saved against run 0, %s: run 0's pages in use\n"
		  "outside hugetlb pages minus the run's (in use: present\n"
		  "- free - per-cpu lists - hugetlb pages).\n", t->run[0].label);
	for (unsigned int i = 1; i < t->nr_runs; i++) {
		bool differs = false;

		sb_printf(sb, "run %u %s", i, t->run[i].label);
		if (!t->run[i].read) {
			sb_printf(sb, ": no figures, the run %s\n",
				  t->run[i].status == SCN_FAILED ? "failed" : "had bad input");
			continue;
		}
		for (unsigned int k = 0; k < t->nr_rows; k++)
			if (ends_with(t->rows[k].key, ".net_saved_pages") && t->rows[k].have[i] &&
			    t->rows[k].v[i])
				differs = true;
		if (!differs) {
			sb_puts(sb, ": the same everywhere\n");
			continue;
		}
		sb_puts(sb, "\n");
		for (unsigned int k = 0; k < t->nr_rows; k++) {
			const struct cmp_row *row = &t->rows[k];
			const char *colon = strchr(row->label, ':');
			long v = row->v[i];

			if (!ends_with(row->key, ".net_saved_pages") || !row->have[i])
				continue;
			sb_printf(sb, "  %-9.*s", (int)(colon ? colon - row->label : 0), row->label);
			if (!v)
				sb_puts(sb, "the same\n");
			else
				sb_printf(sb, "%s %ld pages, %.2f MiB\n", v > 0 ? "saves" : "costs",
					  labs(v), (double)labs(v) * PAGE_SIZE / (1 << 20));
		}
	}
}

/*
 * A label too long for the label column: on lines of its own, broken at
 * blanks to fit @width, then the label column's blanks for the values
 */
static void put_long_label(struct sbuf *sb, const char *label, unsigned int width,
			   unsigned int lw)
{
	const char *p = label;

	while (strlen(p) > width) {
		const char *cut = p + width;

		while (cut > p && *cut != ' ')
			cut--;
		if (cut == p)			/* no blank: cut the word */
			cut = p + width;
		sb_printf(sb, "%.*s\n", (int)(cut - p), p);
		p = *cut == ' ' ? cut + 1 : cut;
	}
	sb_printf(sb, "%s\n%-*s", p, (int)lw, "");
}

void cmp_table_text(const struct cmp_table *t, const char *file, const struct cmp_text_opts *o,
		    struct sbuf *sb)
{
	const struct cmp_grid *g = t->grid;
	unsigned int width = o && o->width ? o->width : 80;
	bool all = (o && o->all) || nr_read(t) < 2;
	unsigned int cw[CMP_MAX_RUNS] = { 0 }, lw = 0, maxcw = 0, shown = 0, hidden = 0;
	unsigned int col;
	char cell[64], head[32];
	bool *show = host_calloc(t->nr_rows ? t->nr_rows : 1, sizeof(*show),
				 "printing the compare table");

	/* the picks, broken after a comma where the line would pass the width */
	sb_printf(sb, "mmsim compare %s,", file);
	col = (unsigned int)strlen(file) + 15;
	for (unsigned int a = 0; a < g->nr_axes; a++) {
		for (unsigned int j = 0; j < g->axis[a].nr; j++) {
			char word[192];

			snprintf(word, sizeof(word), "%s%s%s%s", j ? "" : g->axis[a].family->name,
				 j ? "" : "=", g->axis[a].pick[j]->name,
				 j + 1 < g->axis[a].nr ? "," : "");
			if (col + 1 + strlen(word) > width && col > 2) {
				sb_puts(sb, "\n ");
				col = 1;
			} else if (!j) {
				sb_puts(sb, " ");
				col++;
			}
			sb_puts(sb, word);
			col += (unsigned int)strlen(word);
		}
	}
	sb_puts(sb, "\n");
	if (t->at)
		sb_printf(sb, "figures at snapshot '%s' (line %d), its last take in each run\n",
			  t->at, t->at_line);
	else
		sb_puts(sb, "figures at the end of each run\n");
	if (o && o->snapshots && !t->at)
		sb_printf(sb, "(the scenario takes snapshots %s: --at NAME reads one)\n",
			  o->snapshots);
	sb_printf(sb, "mmsim %s, revision %s", mmsim_version(), mmsim_revision());
	if (t->run[0].seed_known)
		sb_printf(sb, ", seed %" PRIu64, t->run[0].seed);
	sb_puts(sb, "\n\n");
	for (unsigned int i = 0; i < t->nr_runs; i++) {
		const struct cmp_run *r = &t->run[i];

		if (!r->read)
			sb_printf(sb, "run %-2u %-20s %-9s no figures\n", i, r->label,
				  scn_status_name(r->status));
		else if (!i)
			sb_printf(sb, "run %-2u %-20s %-9s baseline\n", i, r->label,
				  scn_status_name(r->status));
		else
			sb_printf(sb, "run %-2u %-20s %s\n", i, r->label,
				  scn_status_name(r->status));
	}

	for (unsigned int k = 0; k < t->nr_rows; k++) {
		const struct cmp_row *row = &t->rows[k];

		show[k] = all || !row_same(t, row);
		if (!show[k]) {
			hidden++;
			continue;
		}
		shown++;
		if (strlen(row->label) > lw)
			lw = (unsigned int)strlen(row->label);
		for (unsigned int i = 0; i < t->nr_runs; i++) {
			fmt_cell(cell, sizeof(cell), row, i);
			if (strlen(cell) > cw[i])
				cw[i] = (unsigned int)strlen(cell);
		}
	}
	for (unsigned int i = 0; i < t->nr_runs; i++) {
		run_header(head, sizeof(head), t, i);
		if (strlen(head) > cw[i])
			cw[i] = (unsigned int)strlen(head);
		if (cw[i] > maxcw)
			maxcw = cw[i];
	}
	/* a label too long to leave room for a column goes on a line of its own */
	if (lw + 2 + maxcw > width)
		lw = width > maxcw + 12 ? width - 2 - maxcw : 10;

	for (unsigned int first = 0; shown && first < t->nr_runs;) {
		unsigned int end = first, used = lw;

		while (end < t->nr_runs && (end == first || used + 2 + cw[end] <= width))
			used += 2 + cw[end++];
		sb_printf(sb, "\n%-*s", (int)lw, "");
		for (unsigned int i = first; i < end; i++) {
			run_header(head, sizeof(head), t, i);
			sb_printf(sb, "  %*s", (int)cw[i], head);
		}
		sb_puts(sb, "\n");
		for (unsigned int k = 0; k < t->nr_rows; k++) {
			const struct cmp_row *row = &t->rows[k];

			if (!show[k])
				continue;
			if (strlen(row->label) > lw)
				put_long_label(sb, row->label, width, lw);
			else
				sb_printf(sb, "%-*s", (int)lw, row->label);
			for (unsigned int i = first; i < end; i++) {
				fmt_cell(cell, sizeof(cell), row, i);
				sb_printf(sb, "  %*s", (int)cw[i], cell);
			}
			sb_puts(sb, "\n");
		}
		first = end;
	}
	if (t->identical && hidden)
		sb_printf(sb, "\nEvery run produced identical figures (%u): the policies made no "
			  "difference\nto this scenario (--all shows them).\n", hidden);
	else if (hidden)
		sb_printf(sb, "\n%u figure%s the same in every run not shown (--all shows them)\n",
			  hidden, hidden == 1 ? "" : "s");
	text_net_memory(t, sb);
	host_free(show);
}

/* -------------------------------------------------------------------------
 * JSON
 */
/*
 * One family: "family" and each run's "policy", as before grids.  A grid:
 * "families" in axis order and each run's "policies" by family.  Figures
 * are keyed as cmp_fig.key; "figure_info" gives each key's label and kind.
 */
void cmp_table_json(const struct cmp_table *t, const char *file, struct sbuf *sb)
{
	const struct cmp_grid *g = t->grid;
	bool one = g->nr_axes == 1;

	sb_puts(sb, "{\n  \"schema\": \"mmsim-compare/2\",\n  \"scenario\": ");
	sb_json_str(sb, file);
	if (one) {
		sb_puts(sb, ",\n  \"family\": ");
		sb_json_str(sb, g->axis[0].family->name);
	} else {
		sb_puts(sb, ",\n  \"families\": [");
		for (unsigned int a = 0; a < g->nr_axes; a++) {
			sb_puts(sb, a ? ", " : "");
			sb_json_str(sb, g->axis[a].family->name);
		}
		sb_puts(sb, "]");
	}
	sb_puts(sb, ",\n  \"at\": ");
	if (t->at) {
		sb_puts(sb, "{\"point\": \"snapshot\", \"snapshot\": ");
		sb_json_str(sb, t->at);
		sb_printf(sb, ", \"line\": %d}", t->at_line);
	} else {
		sb_puts(sb, "{\"point\": \"end\"}");
	}
	sb_printf(sb, ",\n  \"identical\": %s", t->identical ? "true" : "false");
	sb_puts(sb, ",\n  \"runs\": [\n");
	for (unsigned int i = 0; i < t->nr_runs; i++) {
		const struct cmp_run *r = &t->run[i];
		bool firstk = true;

		if (one) {
			sb_puts(sb, "    {\"policy\": ");
			sb_json_str(sb, r->set.sel[0].policy->name);
		} else {
			sb_puts(sb, "    {\"policies\": {");
			for (unsigned int a = 0; a < r->set.n; a++) {
				sb_puts(sb, a ? ", " : "");
				sb_json_str(sb, r->set.sel[a].family->name);
				sb_puts(sb, ": ");
				sb_json_str(sb, r->set.sel[a].policy->name);
			}
			sb_puts(sb, "}");
		}
		sb_puts(sb, ", \"label\": ");
		sb_json_str(sb, r->label);
		sb_puts(sb, ", \"status\": ");
		sb_json_str(sb, scn_status_name(r->status));
		if (r->seed_known)
			sb_printf(sb, ",\n     \"seed\": %" PRIu64, r->seed);
		else
			sb_puts(sb, ",\n     \"seed\": null");
		sb_puts(sb, ", \"mmsim_version\": ");
		sb_json_str(sb, mmsim_version());
		sb_puts(sb, ", \"git_revision\": ");
		sb_json_str(sb, mmsim_revision());
		sb_puts(sb, ",\n     \"figures\": {");
		for (unsigned int k = 0; k < t->nr_rows; k++) {
			const struct cmp_row *row = &t->rows[k];

			if (!row->have[i])
				continue;
			sb_puts(sb, firstk ? "" : ", ");
			firstk = false;
			sb_json_str(sb, row->key);
			if (row->v[i] == POLICY_FIG_NEVER)
				sb_puts(sb, ": null");
			else
				sb_printf(sb, ": %ld", row->v[i]);
		}
		sb_puts(sb, "},\n     \"difference\": {");
		firstk = true;
		for (unsigned int k = 0; k < t->nr_rows; k++) {
			const struct cmp_row *row = &t->rows[k];
			long a = row->v[0], b = row->v[i];

			if (!row->have[0] || !row->have[i])
				continue;
			sb_puts(sb, firstk ? "" : ", ");
			firstk = false;
			sb_json_str(sb, row->key);
			if (a == POLICY_FIG_NEVER || b == POLICY_FIG_NEVER)
				sb_puts(sb, a == b ? ": 0" : ": null");
			else
				sb_printf(sb, ": %ld", b - a);
		}
		sb_printf(sb, "}}%s\n", i + 1 < t->nr_runs ? "," : "");
	}
	sb_puts(sb, "  ],\n  \"figure_info\": {");
	for (unsigned int k = 0; k < t->nr_rows; k++) {
		sb_puts(sb, k ? ",\n    " : "\n    ");
		sb_json_str(sb, t->rows[k].key);
		sb_puts(sb, ": {\"label\": ");
		sb_json_str(sb, t->rows[k].label);
		sb_printf(sb, ", \"unit\": \"%s\"}",
			  t->rows[k].kind == CMP_INDEX ? "index_x1000" : "count");
	}
	sb_puts(sb, t->nr_rows ? "\n  }\n}\n" : "}\n}\n");
}

/* -------------------------------------------------------------------------
 * The command line
 */
static const char cmp_usage_text[] =
	"usage: mmsim compare FILE --policy FAMILY=A,B,... [--policy FAMILY2=X,Y,...]... "
	"[--at SNAPSHOT] [--figures PREFIX[,PREFIX...]]... [--all] "
	"[--format text|json] [--seed N] [--check|--no-check] [--version V,...] "
	"[--quiet] [--progress]\n";

static int cmp_usage(const char *fmt, const char *arg)
{
	fputs("mmsim: compare: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(cmp_usage_text, stderr);
	return SCN_BAD_INPUT;
}

/*
 * --version 6.1,6.12: the machine's kernel version as one more axis.  It is
 * not a policy family of the registry (machine_create would not know it):
 * its picks name versions, and the run function takes its pick out of the
 * set and runs the scenario with that version (scn_run_opts.kver).
 */
static const struct policy kver_picks[] = {
	{ .name = "6.1", .summary = "Linux 6.1", .models = "machine version=6.1" },
	{ .name = "6.12", .summary = "Linux 6.12", .models = "machine version=6.12" },
};
static const struct policy_family kver_family = {
	.name = "version",
	.summary = "the machine's kernel version (machine ... version=)",
	.policies = kver_picks,
	.nr_policies = 2,
};

/* What the command line's run function needs: the parsed scenario, the options */
struct cmp_cli {
	const struct scn_script *s;
	struct scn_run_opts o;
	const char *at;			/* --at: the snapshot to read at, or NULL */
	struct progress *progress;	/* a line per run */
};

/* --at: read the figures when the scenario takes the snapshot named */
struct cmp_at {
	const char *name;
	void (*read)(void *arg, struct machine *m);
	void *arg;
};

static void cli_at_snapshot(void *arg, struct machine *m, const char *name, int line)
{
	const struct cmp_at *at = arg;

	if (!strcmp(name, at->name))
		at->read(at->arg, m);
}

/* Run the scenario with @set's picks; a run that does not end well says why on stderr */
static enum scn_status cli_run(void *priv, const struct policy_set *set,
			       void (*read)(void *arg, struct machine *m), void *arg)
{
	const struct cmp_cli *c = priv;
	struct scn_run_opts o = c->o;
	struct cmp_at at = { .name = c->at, .read = read, .arg = arg };
	struct policy_set picks = { 0 };
	double start = progress_now(c->progress);
	struct scn_result r;
	enum scn_status st;
	char label[256];
	int len = 0;

	/* the --version axis is the machine's version, not a policy */
	for (unsigned int i = 0; i < set->n; i++) {
		if (set->sel[i].family == &kver_family)
			mm_kver_parse(set->sel[i].policy->name, &o.kver);
		else
			picks.sel[picks.n++] = set->sel[i];
	}
	o.policies = &picks;
	if (c->at) {
		o.at_snapshot = cli_at_snapshot;
		o.at_snapshot_arg = &at;
	} else {
		o.at_end = read;
		o.at_end_arg = arg;
	}
	scn_result_init(&r);
	st = scn_run(c->s, &o, &r);
	if (st != SCN_OK) {
		fputs("mmsim: compare: ", stderr);
		for (unsigned int i = 0; i < set->n; i++)
			fprintf(stderr, "%s%s=%s", i ? " " : "", set->sel[i].family->name,
				set->sel[i].policy->name);
		fputs(": ", stderr);
		fputs(r.err.len ? r.err.buf : "run failed\n", stderr);
	} else {
		/* a run that went well still says which 6.12 rules ran as 6.1's */
		const char *l = r.err.len ? r.err.buf : "";

		while (*l) {
			size_t n = strcspn(l, "\n");

			if (!strncmp(l, "mmsim: version=", 15))
				fprintf(stderr, "%.*s\n", (int)n, l);
			l += n + (l[n] == '\n');
		}
	}
	scn_result_free(&r);
	for (unsigned int i = 0; i < set->n && len < (int)sizeof(label); i++)
		len += snprintf(label + len, sizeof(label) - (size_t)len, "%s%s=%s", i ? " " : "",
				set->sel[i].family->name, set->sel[i].policy->name);
	progress_step_since(c->progress, start, "%s: %s", label, scn_status_name(st));
	return st;
}

/* "FAMILY=A,B,..." as the next axis of @g */
static int parse_axis(struct cmp_grid *g, const char *spec)
{
	const char *eq = strchr(spec, '=');
	const struct policy_family *fam;
	struct cmp_axis *ax;
	int idx;

	if (!eq)
		return cmp_usage("--policy '%s': expected FAMILY=A,B,...", spec);
	if (eq - spec == 7 && !memcmp(spec, "version", 7))
		fam = &kver_family;	/* --version */
	else
		fam = policy_family_find(spec, (size_t)(eq - spec));
	if (!fam) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(eq - spec), spec);
		return cmp_usage("--policy: unknown policy family '%s'", name);
	}
	idx = cmp_grid_add_family(g, fam);
	if (idx == -EEXIST)	/* the option scan catches it first: same message */
		return cmp_usage("%s", "--policy given twice: name every policy in one "
				 "--policy FAMILY=A,B,...");
	assert(idx >= 0);	/* no more axes than --policy options, checked by the scan */
	ax = &g->axis[idx];
	for (const char *p = eq + 1; *p;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		const struct policy *pol = policy_find(fam, p, n);

		if (!pol && fam == &kver_family) {
			fprintf(stderr, "mmsim: compare: --version: unknown version '%.*s' "
				"(6.1 or 6.12)\n", (int)n, p);
			return SCN_BAD_INPUT;
		}
		if (!pol) {
			fprintf(stderr, "mmsim: compare: unknown %s policy '%.*s'\n", fam->name,
				(int)n, p);
			return SCN_BAD_INPUT;
		}
		if (cmp_axis_add(ax, pol))
			return cmp_usage("at most 16 policies, got more in '%s'", spec);
		p += n + (c ? 1 : 0);
	}
	if (!ax->nr)
		return cmp_usage("--policy '%s' names no policy", spec);
	return SCN_OK;
}

/* Length of the family name of "FAMILY=...", the whole spec without '=' */
static size_t spec_family_len(const char *spec)
{
	return strcspn(spec, "=");
}

/* The scenario's snapshot names, ", "-separated, into @sb ("" without any) */
static void snapshot_names(const struct scn_script *s, struct sbuf *sb)
{
	for (int i = 0; i < s->nsnaps; i++)
		sb_printf(sb, "%s%s", i ? ", " : "", s->snap_names[i]);
}

/* --at NAME: the line of the scenario's last `snapshot NAME`, or 0 */
static int snapshot_line(const struct scn_script *s, const char *name)
{
	int line = 0;

	for (int i = 0; i < s->nstmts; i++)
		if (s->stmts[i].verb == SCN_SNAPSHOT &&
		    !strcmp(s->snap_names[s->stmts[i].slot], name))
			line = s->stmts[i].line;
	return line;
}

#define CMP_MAX_PREFIXES	64

int cmd_compare(int argc, char **argv)
{
	const char *file = NULL, *format = "text";
	const char *spec[CMP_MAX_AXES];
	const char *prefix[CMP_MAX_PREFIXES];
	char *prefix_buf[CMP_MAX_PREFIXES];
	unsigned int nr_specs = 0, nr_prefixes = 0, nr_prefix_bufs = 0;
	struct cmp_text_opts to = { 0 };
	char vspec[128] = "";
	struct cmp_cli cli = { 0 };
	struct cmp_grid grid = { 0 };
	struct scn_vars vars = { 0 };
	struct cli_flags flags = { 0 };
	struct progress progress;
	struct cmp_table t;
	struct scn_script *s;
	struct scn_diag d;
	struct sbuf out, snaps;
	int worst, bad, rc = SCN_OK;

	for (int i = 2; i < argc; i++) {
		static const char *const valued[] = { "--policy", "--format", "--seed", "--at",
						      "--figures", "--set", "--version", NULL };
		const char *a = argv[i], *v = NULL, *opt;
		bool missing;

		/* the valued options take "--opt VALUE" or "--opt=VALUE" */
		opt = cli_valued(argc, argv, &i, valued, &v, &missing);
		if (missing) {
			rc = cmp_usage("%s needs a value", a);
			goto out_prefixes;
		}
		if (!opt) {
			if (cli_flag(a, &flags))
				continue;
			if (!strcmp(a, "--all")) {
				to.all = true;
				continue;
			}
			if (a[0] == '-' && a[1]) {
				rc = cmp_usage("unknown option '%s'", a);
				goto out_prefixes;
			}
			if (file) {
				rc = cmp_usage("unexpected argument '%s'", a);
				goto out_prefixes;
			}
			file = a;
			continue;
		}
		if (!strcmp(opt, "--set")) {
			char err[512];

			if (!scn_vars_parse(&vars, v, err, sizeof(err))) {
				rc = cmp_usage("--set: %s", err);
				goto out_prefixes;
			}
		} else if (!strcmp(opt, "--policy")) {
			size_t fl = spec_family_len(v);

			/* a family's picks go in one --policy: a second would be ambiguous */
			for (unsigned int j = 0; j < nr_specs; j++) {
				if (spec_family_len(spec[j]) == fl && !memcmp(spec[j], v, fl)) {
					rc = cmp_usage("%s", "--policy given twice: name every "
						       "policy in one --policy FAMILY=A,B,...");
					goto out_prefixes;
				}
			}
			if (nr_specs == CMP_MAX_AXES) {
				rc = cmp_usage("%s", "at most 8 --policy options, one per family");
				goto out_prefixes;
			}
			spec[nr_specs++] = v;
		} else if (!strcmp(opt, "--format")) {
			format = v;
		} else if (!strcmp(opt, "--at")) {
			if (cli.at) {
				rc = cmp_usage("%s", "--at given twice: the figures come from one "
					       "point of the run");
				goto out_prefixes;
			}
			cli.at = v;
		} else if (!strcmp(opt, "--figures")) {
			/* comma-separated; kept in place until the end (prefix_buf) */
			char *copy, *save = NULL;

			if (!*v) {
				rc = cmp_usage("%s", "--figures needs a PREFIX");
				goto out_prefixes;
			}
			if (nr_prefix_bufs == CMP_MAX_PREFIXES) {
				rc = cmp_usage("%s", "at most 64 --figures options");
				goto out_prefixes;
			}
			copy = host_strdup(v, "reading --figures");
			prefix_buf[nr_prefix_bufs++] = copy;
			for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
				if (nr_prefixes == CMP_MAX_PREFIXES) {
					rc = cmp_usage("%s", "at most 64 --figures prefixes");
					goto out_prefixes;
				}
				prefix[nr_prefixes++] = p;
			}
		} else if (!strcmp(opt, "--version")) {
			/* the last axis: each policy combination on each version */
			if (vspec[0]) {
				rc = cmp_usage("%s", "--version given twice: name every version in "
					       "one --version V,...");
				goto out_prefixes;
			}
			snprintf(vspec, sizeof(vspec), "version=%s", v);
		} else {	/* --seed */
			const char *why;
			uint64_t seed;

			if (!scn_parse_u64(v, &seed, &why)) {
				rc = cmp_usage("--seed: bad number '%s'", v);
				goto out_prefixes;
			}
			cli.o.seed = seed;
			cli.o.seed_set = true;
		}
	}
	cli.o.check = flags.check;
	if (!file)
		rc = cmp_usage("%s", "missing scenario FILE");
	else if (vspec[0] && nr_specs == CMP_MAX_AXES)
		rc = cmp_usage("%s", "at most 8 --policy options, one per family");
	if (rc == SCN_OK && vspec[0])
		spec[nr_specs++] = vspec;
	if (rc == SCN_OK && !nr_specs)
		rc = cmp_usage("%s", "missing --policy FAMILY=A,B,...");
	else if (rc == SCN_OK && strcmp(format, "text") && strcmp(format, "json"))
		rc = cmp_usage("--format takes text or json, not '%s'", format);
	for (unsigned int i = 0; i < nr_specs && rc == SCN_OK; i++)
		rc = parse_axis(&grid, spec[i]);
	if (rc == SCN_OK && cmp_grid_nr_runs(&grid) > CMP_MAX_RUNS) {
		char nr[24];

		snprintf(nr, sizeof(nr), "%" PRIu64, cmp_grid_nr_runs(&grid));
		rc = cmp_usage("at most 16 runs, the --policy options make %s", nr);
	}
	if (rc != SCN_OK)
		goto out_prefixes;

	memset(&d, 0, sizeof(d));
	s = scn_parse_file_set(file, &vars, &d);
	if (!s) {
		struct sbuf sb;

		sb_init(&sb);
		scn_diag_format(&d, &sb);
		fputs(sb.buf ? sb.buf : "mmsim: cannot parse the scenario\n", stderr);
		sb_free(&sb);
		rc = SCN_BAD_INPUT;
		goto out_prefixes;
	}
	sb_init(&snaps);
	snapshot_names(s, &snaps);
	if (cli.at && !snapshot_line(s, cli.at)) {
		fprintf(stderr, "mmsim: compare: --at '%s': %s takes no snapshot of that name "
			"(%s%s)\n", cli.at, file, snaps.len ? "its snapshots: " : "it takes none",
			snaps.len ? snaps.buf : "");
		sb_free(&snaps);
		scn_script_free(s);
		rc = SCN_BAD_INPUT;
		goto out_prefixes;
	}
	cli.s = s;
	cli.o.quiet = true;
	progress_init(&progress, cli_progress_mode(&flags), stderr, cmp_grid_nr_runs(&grid), NULL);
	cli.progress = &progress;
	cmp_table_build(&t, &grid, cli_run, &cli);
	t.at = cli.at;
	t.at_line = cli.at ? snapshot_line(s, cli.at) : 0;
	to.snapshots = snaps.len ? snaps.buf : NULL;

	if (t.identical) {
		fputs("mmsim: compare: warning: every run produced identical figures", stderr);
		fputs(t.at ? " at snapshot '" : " at the end of the run", stderr);
		if (t.at)
			fprintf(stderr, "%s'", t.at);
		fputs(": ", stderr);
		for (unsigned int a = 0; a < grid.nr_axes; a++) {
			fprintf(stderr, "%s%s=", a ? " " : "", grid.axis[a].family->name);
			for (unsigned int j = 0; j < grid.axis[a].nr; j++)
				fprintf(stderr, "%s%s", j ? "," : "", grid.axis[a].pick[j]->name);
		}
		fputs(" made no difference to this scenario\n", stderr);
	}
	bad = nr_prefixes ? cmp_table_select(&t, prefix, nr_prefixes) : -1;
	if (bad >= 0) {
		fprintf(stderr, "mmsim: compare: --figures '%s': no figure's key or label starts "
			"with it (keys look like machine.hugepages, node0.normal.free_blocks.order9; "
			"--format json lists them)\n", prefix[bad]);
		worst = SCN_BAD_INPUT;
	} else {
		to.all = to.all || nr_prefixes;	/* rows asked for are printed */
		sb_init(&out);
		if (!strcmp(format, "json"))
			cmp_table_json(&t, file, &out);
		else
			cmp_table_text(&t, file, &to, &out);
		fwrite(out.buf, 1, out.len, stdout);
		sb_free(&out);
		worst = (int)t.worst;
	}
	cmp_table_free(&t);
	scn_script_free(s);
	sb_free(&snaps);
	rc = worst;
out_prefixes:
	for (unsigned int i = 0; i < nr_prefix_bufs; i++)
		host_free(prefix_buf[i]);
	return rc;
}
