// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sparse.c - memory added after boot (sparse.c): arch_add_memory /
 * arch_remove_memory, sub-section maps, and the vmemmap PMDs that x86's
 * vmemmap_populate / vmemmap_free leave under each vmemmap-subpmd policy
 * for struct pages of 56, 64 and 72 bytes.
 *
 * The machine: one node of 256 MiB (sections 0 and 1), memory added from
 * 1 GiB on (section 8, pfn 0x40000).  A section's memmap is 32768 struct
 * pages: 1.75 MiB (56), 2 MiB (64), 2.25 MiB (72) of vmemmap, so section
 * s starts s * 1.75M, s * 2M, s * 2.25M into the vmemmap.  The pictures
 * show vmemmap PMDs by their offset in MiB from VMEMMAP_START and the
 * sections whose struct pages lie in them; "fd" is PAGE_UNUSED (0xFD),
 * "00" bytes nobody marked.  Each table row is a sequence of adds (+) and
 * removes (-) and what init_mm's page tables hold afterwards, counted
 * from the state after boot (whose pending tail is flushed first).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "check.h"
#include "compaction.h"
#include "hugetlb.h"
#include "hugetlb_vmemmap.h"
#include "mmzone.h"
#include "module.h"
#include "pgtable.h"
#include "policies/vmemmap_subpmd.h"
#include "sbuf.h"
#include "sparse.h"

#define HOT_PFN		0x40000UL	/* 1 GiB: section 8 */
#define SEC(s)		(HOT_PFN + (unsigned long)(s) * PAGES_PER_SECTION)
#define SUB		PAGES_PER_SUBSECTION
#define MIB		(1UL << 20)

static const char *const policies[] = { "unused-0xfd", "leak" };
static const unsigned int sps_list[] = { 56, 64, 72 };

static struct machine *hot_machine(unsigned int sps, const char *policy)
{
	struct machine_opts o;

	t_opts(&o, 1, 256, 2);
	o.struct_page_size = sps;
	assert_true(policy_set_pick(&o.policies, "vmemmap-subpmd", policy));
	return t_boot(&o);
}

/* Pages free in the buddy allocator and on the per-cpu lists */
static unsigned long free_pages_all(struct machine *m)
{
	unsigned long n = 0;
	struct zone *z;

	for_each_zone_of(m, z)
		if (z->pcp)
			n += zone_page_state(z, NR_FREE_PAGES) + pcp_total(m, z);
	return n;
}

static int add(struct machine *m, unsigned long pfn, unsigned long nr)
{
	struct mhp_params p = { .pgprot = PAGE_KERNEL };

	return arch_add_memory(m, 0, pfn, nr, &p);
}

/* One step: + adds, - removes [pfn, pfn + nr) */
struct step {
	char op;
	unsigned long pfn, nr;
};

/* What the vmemmap holds after the steps, relative to after boot */
struct expect {
	long pmds, pte_tables, leaked;
	long bytes_marked;
};

struct row {
	const char *name;
	struct step steps[6];
	/* [sps 56, 64, 72][unused-0xfd, leak] */
	struct expect want[3][2];
};

#define E(p, t, l, b)	{ (p), (t), (l), (b) }
#define SAME(e)		{ e, e }

static const struct row rows[] = {
	/*
	 * (a) a section added and removed
	 *   56: | PMD 14-16: s8 [14, 15.75) | 00 [15.75, 16) |
	 *   64: | PMD 16-18: s8 |                   exact fit: freed under both
	 *   72: | PMD 18-20: s8 | PMD 20-22: s8 [20, 20.25) | 00 [20.25, 22) |
	 * The partial PMD: unused-0xfd marks its tail (pending in
	 * unused_pmd_start) and frees it when the removal marks the rest;
	 * under leak the tail stays 00, the removal leaves fd where s8 was,
	 * and the PMD stays.
	 */
	{
		"(a) +s8 -s8",
		{ { '+', SEC(0), PAGES_PER_SECTION }, { '-', SEC(0), PAGES_PER_SECTION } },
		{
			{ E(0, 0, 0, 0), E(1, 0, 1, 1835008) },	/* 56: fd 1.75 MiB */
			SAME(E(0, 0, 0, 0)),				/* 64 */
			{ E(0, 0, 0, 0), E(1, 0, 1, 262144) },	/* 72: fd 0.25 MiB */
		},
	},
	/*
	 * (b) sections 8 and 9 added one by one, then 8 removed: they share a PMD
	 *   56: | 14-16: s8 [14, 15.75) s9 [15.75, 16) | 16-18: s9 [16, 17.5) tail |
	 *   64: | 16-18: s8 | 18-20: s9 |
	 *   72: | 18-20: s8 | 20-22: s8 [20, 20.25) s9 [20.25, 22) | 22-24: s9 [22, 22.5) tail |
	 * After -s8 the shared PMD stays for s9 with fd where s8 was; s9's
	 * tail PMD was marked by the flush under unused-0xfd only.
	 */
	{
		"(b) +s8 +s9 -s8",
		{ { '+', SEC(0), PAGES_PER_SECTION }, { '+', SEC(1), PAGES_PER_SECTION },
		  { '-', SEC(0), PAGES_PER_SECTION } },
		{
			{ E(2, 0, 0, 2359296), E(2, 0, 0, 1835008) },
			SAME(E(1, 0, 0, 0)),
			{ E(2, 0, 0, 1835008), E(2, 0, 0, 262144) },
		},
	},
	/*
	 * (c) then s9 removed too (pictures as in (b)): unused-0xfd frees
	 * every PMD; leak frees the shared one (the two removals marked all
	 * of it) but not s9's tail PMD, whose tail nobody marked
	 *   56 leak: | 16-18: fd [16, 17.5) 00 [17.5, 18) |  leaked
	 *   72 leak: | 22-24: fd [22, 22.5) 00 [22.5, 24) |  leaked
	 */
	{
		"(c) +s8 +s9 -s8 -s9",
		{ { '+', SEC(0), PAGES_PER_SECTION }, { '+', SEC(1), PAGES_PER_SECTION },
		  { '-', SEC(0), PAGES_PER_SECTION }, { '-', SEC(1), PAGES_PER_SECTION } },
		{
			{ E(0, 0, 0, 0), E(1, 0, 1, 1572864) },
			SAME(E(0, 0, 0, 0)),
			{ E(0, 0, 0, 0), E(1, 0, 1, 524288) },
		},
	},
	/*
	 * (d) one sub-section: its memmap (7, 8 or 9 pages) is less than a
	 * section's, so vmemmap_populate maps it with base pages
	 *   56: | 14-16: PTE table: s8.sub0 [14M, 14M + 28K) |
	 *   64: | 16-18: PTE table: s8.sub0 [16M, 16M + 32K) |
	 *   72: | 18-20: PTE table: s8.sub0 [18M, 18M + 36K) |
	 */
	{
		"(d) +s8.sub0",
		{ { '+', SEC(0), SUB } },
		{ SAME(E(0, 1, 0, 0)), SAME(E(0, 1, 0, 0)), SAME(E(0, 1, 0, 0)) },
	},
	/* (d') and removed: the pages and the emptied PTE table go */
	{
		"(d') +s8.sub0 -s8.sub0",
		{ { '+', SEC(0), SUB }, { '-', SEC(0), SUB } },
		{ SAME(E(0, 0, 0, 0)), SAME(E(0, 0, 0, 0)), SAME(E(0, 0, 0, 0)) },
	},
	/*
	 * (e) a range from s8's last sub-section to the end of s9, added and
	 * removed.  s8.sub63 goes first (base pages), so s9's huge populate
	 * finds a PTE table in their shared PMD and fills it with base pages;
	 * on removal the table empties and goes; s9's partial tail PMD is
	 * freed or leaked by policy.
	 *   56: | 14-16: PTE table: s8.sub63, s9 [15.75, 16) | 16-18: s9 [16, 17.5) + tail |
	 *   64: | 16-18: PTE table: s8.sub63 | 18-20: s9 |
	 *   72: | 20-22: PTE table: s8.sub63, s9 [20.25, 22) | 22-24: s9 [22, 22.5) + tail |
	 */
	{
		"(e) +[s8.sub63, s10) -[s8.sub63, s10)",
		{ { '+', SEC(1) - SUB, PAGES_PER_SECTION + SUB },
		  { '-', SEC(1) - SUB, PAGES_PER_SECTION + SUB } },
		{
			{ E(0, 0, 0, 0), E(1, 0, 1, 1572864) },
			SAME(E(0, 0, 0, 0)),
			{ E(0, 0, 0, 0), E(1, 0, 1, 524288) },
		},
	},
};

static void run_row(const struct row *r, int si, int pi)
{
	struct machine *m = hot_machine(sps_list[si], policies[pi]);
	const struct expect *w = &r->want[si][pi];
	struct vmemmap_census base, now;

	vmemmap_flush_unused_pmd(m);
	vmemmap_census(m, &base);
	for (int i = 0; i < 6 && r->steps[i].op; i++) {
		const struct step *s = &r->steps[i];

		if (s->op == '+')
			assert_int_equal(add(m, s->pfn, s->nr), 0);
		else
			arch_remove_memory(m, s->pfn, s->nr, NULL);
		if (m->fail.failed)
			fail_msg("%s, sps %u, %s: %s", r->name, sps_list[si], policies[pi],
				 m->fail.msg);
		t_check(m);
	}
	vmemmap_census(m, &now);
	if ((long)(now.pmds - base.pmds) != w->pmds ||
	    (long)(now.pte_tables - base.pte_tables) != w->pte_tables ||
	    (long)(now.pmds_leaked - base.pmds_leaked) != w->leaked ||
	    (long)(now.bytes_marked - base.bytes_marked) != w->bytes_marked)
		fail_msg("%s, sps %u, %s: PMDs %+ld (want %+ld), PTE tables %+ld (want %+ld), "
			 "leaked %+ld (want %+ld), bytes marked %+ld (want %+ld)", r->name,
			 sps_list[si], policies[pi], (long)(now.pmds - base.pmds), w->pmds,
			 (long)(now.pte_tables - base.pte_tables), w->pte_tables,
			 (long)(now.pmds_leaked - base.pmds_leaked), w->leaked,
			 (long)(now.bytes_marked - base.bytes_marked), w->bytes_marked);
	machine_destroy(m);
}

/* The policy matrix: every row under every struct page size and policy */
static void test_subpmd_matrix(void **state)
{
	(void)state;
	for (size_t r = 0; r < ARRAY_SIZE(rows); r++)
		for (int si = 0; si < 3; si++)
			for (int pi = 0; pi < 2; pi++)
				run_row(&rows[r], si, pi);
}

/*
 * Repeated add and remove of a section at spaced addresses (every other
 * section, so no two share a PMD).  Under leak each cycle leaves the PMDs
 * its memmap fills in part: 72: s8 its tail PMD, s10, s12 and s14 their
 * head and tail PMDs, each holding 512 pages the buddy allocator never
 * gets back; under unused-0xfd (and with 64-byte struct pages under
 * both) the PMD count and the free pages return to where they were.
 */
static void test_cycles(void **state)
{
	(void)state;
	for (int si = 0; si < 3; si++)
		for (int pi = 0; pi < 2; pi++) {
			struct machine *m = hot_machine(sps_list[si], policies[pi]);
			struct vmemmap_census base, now;
			unsigned long before_free = free_pages_all(m);

			vmemmap_flush_unused_pmd(m);
			vmemmap_census(m, &base);
			for (int i = 0; i < 4; i++) {
				assert_int_equal(add(m, SEC(2 * i), PAGES_PER_SECTION), 0);
				arch_remove_memory(m, SEC(2 * i), PAGES_PER_SECTION, NULL);
				t_check(m);
			}
			vmemmap_census(m, &now);
			if (sps_list[si] == 64 || pi == 0) {
				assert_int_equal(now.pmds, base.pmds);
				assert_int_equal(free_pages_all(m),
						 before_free);
			} else {
				assert_true(now.pmds > base.pmds + 3);
				assert_int_equal(now.pmds_leaked - base.pmds_leaked,
						 now.pmds - base.pmds);
				assert_int_equal(free_pages_all(m),
						 before_free - (now.pmds - base.pmds) * 512);
			}
			machine_destroy(m);
		}
}

/* The kernel's errors, as return values */
static void test_add_errors(void **state)
{
	struct machine *m = hot_machine(64, "unused-0xfd");
	struct mhp_params p = { .pgprot = PAGE_KERNEL };
	unsigned long max = m->max_pfn;

	(void)state;
	assert_int_equal(add(m, 0, SUB), -EEXIST);			/* boot memory */
	assert_int_equal(m->max_pfn, max);
	/* x86's add_pages raises max_pfn even when __add_pages fails */
	assert_int_equal(add(m, SEC(0) + 1, SUB), -EINVAL);		/* misaligned */
	assert_int_equal(add(m, SEC(0), SUB + 7), -EINVAL);		/* not 2 MiB */
	assert_int_equal(add(m, SEC(0), 0), -EINVAL);			/* empty */
	assert_int_equal(add(m, MAX_PHYS_PFN - SUB, 2 * SUB), -ERANGE);	/* beyond 46 bits */
	assert_int_equal(arch_add_memory(m, 1, SEC(0), SUB, &p), -EINVAL);	/* no node 1 */
	p.pgprot = 0;
	assert_int_equal(arch_add_memory(m, 0, SEC(0), SUB, &p), -EINVAL);
	assert_int_equal(add(m, SEC(0), 4 * SUB), 0);
	assert_int_equal(add(m, SEC(0) + 2 * SUB, 4 * SUB), -EEXIST);	/* overlaps */
	assert_int_equal(m->sections[8].subsection_map, 0xfULL);
	assert_int_equal(m->max_pfn, SEC(0) + 6 * SUB);	/* the -EEXIST add raised it */
	assert_false(m->fail.failed);
	t_check(m);
	/* removing what is not there is the kernel's WARNING */
	arch_remove_memory(m, SEC(0) + 8 * SUB, SUB, NULL);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "already deactivated"));
	machine_destroy(m);
}

/* A section far above the machine: the tables grow, the zone stays NULL */
static void test_growth(void **state)
{
	struct machine *m = hot_machine(72, "unused-0xfd");
	unsigned long nsec = m->nr_sections, far = 1UL << (40 - PAGE_SHIFT);	/* 1 TiB */

	(void)state;
	assert_int_equal(nsec, 2);
	assert_int_equal(add(m, far, PAGES_PER_SECTION), 0);
	assert_true(m->nr_sections > far >> PFN_SECTION_SHIFT);
	assert_int_equal(m->max_pfn, far + PAGES_PER_SECTION);
	assert_null(pfn_zone(m, far));
	assert_true(pfn_valid(m, far + 5));
	assert_true(m->sections[far >> PFN_SECTION_SHIFT].present);
	assert_false(m->sections[far >> PFN_SECTION_SHIFT].online);
	/* its struct pages are mapped and writable */
	set_page_private(m, far + 100, 0x1234);
	assert_int_equal(page_private(m, far + 100), 0x1234);
	t_check(m);
	arch_remove_memory(m, far, PAGES_PER_SECTION, NULL);
	assert_false(pfn_valid(m, far + 5));
	assert_false(m->sections[far >> PFN_SECTION_SHIFT].present);
	assert_false(m->fail.failed);
	t_check(m);
	machine_destroy(m);
}

/*
 * No 2 MiB block left: vmemmap_populate_hugepages falls back to base
 * pages for that PMD (64: the section's one PMD becomes a PTE table of
 * 512 pages); removal frees them all.
 */
static void test_basepage_fallback(void **state)
{
	struct machine *m = hot_machine(64, "unused-0xfd");
	struct vmemmap_census c;
	unsigned long held[256], n = 0;
	long memmap;

	struct zone *z;

	(void)state;
	/* no watermarks, so the loop below can take every block of order >= 9 ... */
	for_each_zone_of(m, z) {
		memset(z->_watermark, 0, sizeof(z->_watermark));
		memset(z->lowmem_reserve, 0, sizeof(z->lowmem_reserve));
	}
	for (unsigned int o = MAX_ORDER - 1; o >= 9; o--)
		for (;;) {
			unsigned long p = alloc_pages_node(m, 0, GFP_KERNEL | __GFP_NORETRY, o);

			if (p == PFN_NONE)
				break;
			assert_true(n < ARRAY_SIZE(held));
			held[n++] = p << 4 | o;
		}
	/* ... and give back eight of them but one page each: 4088 pages, no 2 MiB */
	assert_true(n >= 8);
	for (int i = 0; i < 8; i++) {
		unsigned long p = held[--n] >> 4;
		unsigned int o = held[n] & 15;

		split_page(m, p, o);
		for (unsigned long k = 1; k < 1UL << o && k < 512; k++)
			__free_pages(m, p + k, 0);
	}
	memmap = m->node[0].nr_memmap_pages;
	assert_int_equal(add(m, SEC(0), PAGES_PER_SECTION), 0);
	vmemmap_census(m, &c);
	assert_int_equal(m->vmemmap.basepage_fallbacks, 1);
	assert_int_equal(m->vmemmap.ptes_populated, 512);
	assert_int_equal(c.pte_tables, 1);
	assert_int_equal(m->node[0].nr_memmap_pages, memmap + 512);
	t_check(m);
	arch_remove_memory(m, SEC(0), PAGES_PER_SECTION, NULL);
	assert_int_equal(m->vmemmap.ptes_freed, 512);
	assert_int_equal(m->node[0].nr_memmap_pages, memmap);
	vmemmap_census(m, &c);
	assert_int_equal(c.pte_tables, 0);
	assert_false(m->fail.failed);
	t_check(m);
	machine_destroy(m);
}

/* -ENOMEM: a page-table page that cannot be had; the section does not stay added */
static void test_enomem_rolls_back(void **state)
{
	struct machine *m = hot_machine(64, "unused-0xfd");

	unsigned long far = 1UL << (40 - PAGE_SHIFT);	/* its vmemmap needs new tables */

	(void)state;
	m->inject.pgtable_fail_from = m->inject.pgtable_allocs + 1;
	m->inject.pgtable_fail_count = 1000;
	assert_int_equal(add(m, far, PAGES_PER_SECTION), -ENOMEM);
	assert_int_equal(m->sections[far >> PFN_SECTION_SHIFT].subsection_map, 0);
	assert_false(m->sections[far >> PFN_SECTION_SHIFT].present);
	m->inject.pgtable_fail_count = 0;
	assert_false(m->fail.failed);
	t_check(m);
	machine_destroy(m);
}

/*
 * memmap_on_memory: the memmap of a section comes from the section's
 * own first pages, not from the buddy allocator
 */
static void test_altmap(void **state)
{
	struct machine *m = hot_machine(64, "unused-0xfd");
	struct vmem_altmap alt = { .base_pfn = SEC(0), .free = 512 };
	struct mhp_params p = { .pgprot = PAGE_KERNEL, .altmap = &alt };
	unsigned long free_before = free_pages_all(m), frame;
	bool w;

	(void)state;
	assert_int_equal(arch_add_memory(m, 0, SEC(0), PAGES_PER_SECTION, &p), 0);
	assert_int_equal(alt.alloc, 512);
	assert_true(vmemmap_peek(m, page_va(m, SEC(0) + 1000), &frame, &w, NULL));
	assert_true(frame >= SEC(0) && frame < SEC(0) + 512);
	/* only the PMD table came from the buddy */
	assert_true(free_pages_all(m) + 2 >= free_before);
	arch_remove_memory(m, SEC(0), PAGES_PER_SECTION, &alt);
	assert_int_equal(alt.alloc, 0);
	/* an altmap too small for the block: no fallback, -ENOMEM */
	alt = (struct vmem_altmap){ .base_pfn = SEC(2), .free = 100 };
	assert_int_equal(arch_add_memory(m, 0, SEC(2), PAGES_PER_SECTION, &p), -ENOMEM);
	assert_false(m->fail.failed);
	t_check(m);
	machine_destroy(m);
}

/*
 * A sub-section right after a full section with 72-byte struct pages:
 * its base-page populate meets the section's huge tail PMD, and
 * pte_offset_kernel() reads the struct pages at the start of that 2 MiB
 * block as a PTE table.  The entry it reads for s9.sub0 is a field of an
 * uninitialised (zero) struct page of s8: the kernel would write a PTE
 * there.  The model reports it.
 *   | 20-22: s8 [20, 20.25) s9.sub0 [20.25, 20.25+36K) ... |
 */
static void test_basepages_over_huge_pmd(void **state)
{
	struct machine *m = hot_machine(72, "unused-0xfd");

	(void)state;
	assert_int_equal(add(m, SEC(0), PAGES_PER_SECTION), 0);
	assert_int_not_equal(add(m, SEC(1), SUB), 0);
	assert_int_equal(m->vmemmap.pte_on_huge_pmd, 1);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "pte_offset_kernel"));
	machine_destroy(m);
	/* 64: the sub-section's PMD is its own */
	m = hot_machine(64, "unused-0xfd");
	assert_int_equal(add(m, SEC(0), PAGES_PER_SECTION), 0);
	assert_int_equal(add(m, SEC(1), SUB), 0);
	assert_int_equal(m->vmemmap.pte_on_huge_pmd, 0);
	assert_false(m->fail.failed);
	machine_destroy(m);
}

/*
 * A sub-section added into a boot section's missing sub-sections reuses
 * the memmap boot populated (section_activate's early case)
 */
static void test_early_section_reuse(void **state)
{
	struct machine_opts o;
	struct machine *m;
	unsigned long pages;

	(void)state;
	t_opts(&o, 1, 250, 2);		/* section 1 ends 6 MiB short */
	m = t_boot(&o);
	pages = (unsigned long)m->node[0].nr_memmap_pages;
	assert_false(pfn_valid(m, PAGES_PER_SECTION * 2 - SUB));
	assert_int_equal(add(m, PAGES_PER_SECTION * 2 - 2 * SUB, 2 * SUB), 0);
	assert_true(pfn_valid(m, PAGES_PER_SECTION * 2 - SUB));
	assert_int_equal((unsigned long)m->node[0].nr_memmap_pages, pages);
	assert_int_equal(m->vmemmap.pmds_populated, 2);	/* boot's two, no more */
	assert_false(m->fail.failed);
	machine_destroy(m);
}

/*
 * HVO refuses where the kernel refuses: struct pages of 56 and 72 bytes
 * (not a power of two), and a hugepage whose head's vmemmap page is
 * PageVmemmapSelfHosted (memmap_on_memory: the page is part of the memory
 * it describes and cannot be freed)
 */
static void test_hvo_refusals(void **state)
{
	static const struct hstate h2m = { .order = 9 };
	const unsigned int sizes[] = { 56, 72, 64 };

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct machine_opts o;
		struct machine *m;
		unsigned long head, frame;
		bool w;

		t_opts(&o, 1, 256, 2);
		o.struct_page_size = sizes[i];
		o.hugetlb_free_vmemmap = true;
		m = t_boot(&o);
		head = alloc_pages_node(m, 0, GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_THISNODE, 9);
		assert_int_not_equal(head, PFN_NONE);
		assert_true(page_ref_freeze(m, head, 1));
		if (sizes[i] != 64) {
			assert_int_equal(hugetlb_vmemmap_optimizable_size(m, &h2m), 0);
		} else {
			assert_true(vmemmap_peek(m, page_va(m, head), &frame, &w, NULL));
			SetPageVmemmapSelfHosted(m, frame);
		}
		hugetlb_vmemmap_optimize(m, &h2m, head);
		assert_int_equal(m->hvo_stats.optimized, 0);
		assert_int_equal(m->hvo_stats.vmemmap_pages_freed, 0);
		assert_false(m->fail.failed);
		machine_destroy(m);
	}
}

/*
 * What loops over pfns or trusts max_pfn copes with memory added above the
 * machine and not onlined: it is in no zone, so the zones' spans and
 * present pages and MemTotal stay; the only change the views show is the
 * memmap's own memory (three 2 MiB blocks for two 72-byte sections,
 * unmovable, so their pageblocks change type);
 * compaction does not touch it, the checker passes, and max_pfn moved
 * (x86's update_end_of_memory_vars)
 */
static void test_views_ignore_memory_not_online(void **state)
{
	static const char *const views[] = {
		"/proc/buddyinfo", "/proc/pagetypeinfo", "/proc/zoneinfo", "/proc/meminfo",
		"/proc/vmstat", "/sys/kernel/debug/extfrag/unusable_index",
	};
	static const char *const same[] = {
		"meminfo.MemTotal", "zoneinfo.0.DMA32.spanned", "zoneinfo.0.DMA32.present",
		"zoneinfo.0.DMA32.managed",
	};
	struct machine *m = hot_machine(72, "unused-0xfd");
	long before[ARRAY_SIZE(same)], v, free0, free1;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(same); i++)
		assert_true(counter_read(m, same[i], &before[i]));
	free0 = (long)free_pages_all(m);
	assert_int_equal(add(m, SEC(0), 2 * PAGES_PER_SECTION), 0);
	assert_int_equal(m->max_pfn, SEC(2));
	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		struct sbuf sb;

		sb_init(&sb);
		assert_true(mm_show_file(m, views[i], &sb));
		sb_free(&sb);
	}
	for (size_t i = 0; i < ARRAY_SIZE(same); i++) {
		assert_true(counter_read(m, same[i], &v));
		assert_int_equal(v, before[i]);
	}
	free1 = (long)free_pages_all(m);
	assert_int_equal(free0 - free1, 3 * 512);
	compact_node(m, 0);
	assert_int_equal((long)free_pages_all(m), free1);
	assert_false(m->fail.failed);
	t_check(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subpmd_matrix),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_basepage_fallback),
		cmocka_unit_test(test_enomem_rolls_back),
		cmocka_unit_test(test_altmap),
		cmocka_unit_test(test_basepages_over_huge_pmd),
		cmocka_unit_test(test_early_section_reuse),
		cmocka_unit_test(test_hvo_refusals),
		cmocka_unit_test(test_views_ignore_memory_not_online),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
