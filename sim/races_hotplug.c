// SPDX-License-Identifier: GPL-2.0-only
/*
 * races_hotplug.c - a walk of init_mm's page tables, and HVO, against the
 * hot-remove of a neighbouring memory block, as named races
 * (model/pagewalk.c, model/sparse.c's remove_pagetable,
 * model/memory_hotplug.c's remove_memory).  The ptdump races vary the
 * "pagewalk-lock" family (the mmap lock ptdump takes follows it: write,
 * but read in 6.8); the HVO race varies "hvo".
 *
 * remove_pagetable (x86, 6.1) frees a vmemmap page table as soon as its
 * last entry is cleared, and clears the parent's entry after the free;
 * it takes no mmap lock of init_mm, only mem_hotplug_lock (for write,
 * mem_hotplug_begin in try_remove_memory).  A walker holding init_mm's
 * mmap lock, read or write, is not kept out: only get_online_mems()
 * keeps it out, which is why 6.1's ptdump_walk_pgd (mm/ptdump.c) takes
 * it before the mmap lock.  The model's walker reports a read of a table
 * frame that is free (pagewalk.h), and the free announces the frame as
 * written, so the search orders the two.
 *
 * The layout: memory at 64 GiB, where a vmemmap PMD table of its own
 * begins (one PMD table maps the memmap of 512 sections, 64 GiB with
 * 64-byte struct pages):
 *
 *   vmemmap PUD table  | 0: T0 (memory below 64 GiB) | 1: T1 | ...
 *   T1                 | 0: section 512 | 1: section 513 | 2..511: none
 *
 * 1. ptdump-like (ptdump-remove-memory, and -no-online-mems without
 *    get_online_mems), on 256 MiB of boot memory and memory512 hot-added at
 *    64 GiB (offline): CPU0 walks the vmemmap of sections 511..513 with
 *    walk_page_range_novma under mmap_read_lock(&init_mm) (pagewalk-lock
 *    6.8, where a read lock is enough for init_mm); CPU1 removes
 *    memory512, the only block under T1, so T1 is freed.  Without
 *    get_online_mems the explorer finds the walker reading T1 after the
 *    free and prints its replay string; with it (as ptdump_walk_pgd takes
 *    it) every schedule is clean, and the walk meets the block in some
 *    schedules and a hole in others.  With the mmap lock for write (6.1's
 *    ptdump, pagewalk-lock 6.1) and no get_online_mems the use-after-free
 *    is the same.
 * 2. HVO (hvo-remove-memory; 6.1's, reuse-head, under mmap_read_lock(&init_mm), no
 *    get_online_mems), on a machine whose boot memory is 128 MiB at 0 and
 *    128 MiB at 64 GiB (a hole between): a hugepage in section 512 (boot
 *    memory, ZONE_NORMAL; another one there was optimised before, so the
 *    section's vmemmap PMD is split already), while CPU1 removes
 *    memory513, hot-added next to it.  T1 maps both sections' memmap; the
 *    removal clears entry 1 and
 *    checks T1 for emptiness, but entry 0 maps the hugepage's own vmemmap
 *    (a huge PMD, or the PTE table HVO splits it into), so T1 stays, and
 *    nothing HVO walks is freed: clean in every schedule.  That is the
 *    kernel's argument for HVO taking no hotplug lock: remove_pagetable
 *    frees only tables with no entry left, and every table on HVO's path
 *    holds an entry for the hugepage's own vmemmap, which cannot go while
 *    the hugepage is there (its block is online and cannot be removed).
 *
 * In both, CPU1 frees to its own per-cpu lists (a high pcp limit) and
 * CPU0 allocates from its own, stocked in setup, so no CPU touches the
 * buddy lists (the allocator has no zone lock under the explorer); the
 * final check makes sure of it.
 */
#include <stdio.h>
#include <string.h>

#include "races_int.h"
#include "check.h"
#include "cpu.h"
#include "hugetlb.h"
#include "hugetlb_vmemmap.h"
#include "memory_hotplug.h"
#include "page_alloc.h"
#include "pagewalk.h"
#include "pgtable.h"
#include "policy.h"
#include "vmstat.h"

#define GiB		(1ULL << 30)
#define BLOCK		(128ULL << 20)
#define BLOCK_512	(64 * GiB)		/* section 512: T1's first */
#define BLOCK_513	(64 * GiB + BLOCK)

static const struct hstate h2m = { .order = 9 };

/* alloc_buddy_huge_page's mask */
#define HUGEPAGE_GFP	(GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_THISNODE | \
			 __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

enum body { B_PTDUMP, B_HVO };

struct hw {
	struct race_base b;
	/* what the race sets up */
	enum body body;
	bool online_mems;	/* the walker takes get_online_mems(), as ptdump_walk_pgd */
	/* per schedule */
	bool write_lock;	/* init_mm's mmap lock for write (not 6.8's ptdump) */
	struct machine *m;
	unsigned long pud_table, t1;	/* the vmemmap PUD table, and T1 */
	unsigned long head;		/* B_HVO: the hugepage in memory512 */
	long buddy0;
	int rc;
	bool saw_block, saw_hole;	/* B_PTDUMP: what the walk found at section 512 */
	long hvo_phase;			/* B_HVO: 1 while HVO runs, 2 after */
	long seen_before, seen_after;	/* ... what CPU1 read of it around its removal */
};

static uint64_t memmap_va(struct machine *m, uint64_t phys)
{
	return page_va(m, (unsigned long)(phys >> PAGE_SHIFT));
}

static unsigned int idx_of(uint64_t va, enum pt_level l)
{
	return (unsigned int)(va >> (PAGE_SHIFT + 9 * (l - PT_PTE))) & (PTRS_PER_TABLE - 1);
}

/* The vmemmap's PUD table (init_mm's pgd entry for it) */
static unsigned long vmemmap_pud_table(struct machine *m)
{
	return pte_pfn(pt_read(m, m->init_mm->pgd, idx_of(VMEMMAP_START, PT_PGD)));
}

static void *hw_setup(struct xp_ctx *x, void *arg)
{
	struct hw *s = arg;
	struct machine_opts o;

	race_opts(&o, 1, s->body == B_HVO ? 192 : 256, 2);
	if (s->body == B_HVO) {
		o.hole[o.nr_holes++] = (struct hole_desc){ .start = 96UL << 20,
								 .end = 64 * GiB };
		o.hugetlb_free_vmemmap = true;
		o.memmap_on_memory = true;
	}
	o.percpu_pagelist_high_fraction = 8;	/* CPU1's 2 MiB free stays on its list */
	/*
	 * ptdump (family pagewalk-lock): the mmap lock that kernel's ptdump
	 * takes, the write lock but in 6.8, whose walker asserts only the read
	 * lock for init_mm.  HVO: 6.8's walker, HVO takes the read lock.
	 */
	if (s->body == B_HVO)
		policy_set_pick(&o.policies, "pagewalk-lock", "6.8");
	s->write_lock = s->body == B_PTDUMP && s->b.policy && strcmp(s->b.policy->name, "6.8");
	s->m = race_machine(x, &s->b, &o);
	if (!s->m)
		return s;
	s->rc = -1;
	s->saw_block = s->saw_hole = false;
	s->hvo_phase = s->seen_before = s->seen_after = 0;
	s->head = PFN_NONE;
	if (add_memory(s->m, 0, s->body == B_HVO ? BLOCK_513 : BLOCK_512, BLOCK,
		       s->body == B_HVO ? MHP_MEMMAP_ON_MEMORY : MHP_NONE)) {
		xp_fail(x, "add_memory: %s", s->m->hotplug->why);
		return s;
	}
	if (s->body == B_HVO) {
		/*
		 * Two hugepages from section 512, as the pool takes them from
		 * the buddy; the first optimised before the race, which splits
		 * the section's vmemmap PMD, so the race has HVO's walk and
		 * remap of the second, not the split again.
		 */
		unsigned long first = alloc_pages_node(s->m, 0, HUGEPAGE_GFP, 9);

		s->head = alloc_pages_node(s->m, 0, HUGEPAGE_GFP, 9);
		if (first == PFN_NONE || s->head == PFN_NONE ||
		    (first | s->head) >> (30 - PAGE_SHIFT) != 64) {
			xp_fail(x, "no hugepages in section 512 (%#lx, %#lx)", first, s->head);
			return s;
		}
		hugetlb_vmemmap_optimize(s->m, &h2m, first);
		if (!HPageVmemmapOptimized(s->m, first)) {
			xp_fail(x, "the first hugepage was not optimised");
			return s;
		}
	}
	s->pud_table = vmemmap_pud_table(s->m);
	s->t1 = pte_pfn(pt_read(s->m, s->pud_table, idx_of(memmap_va(s->m, BLOCK_512), PT_PUD)));
	xp_name_range(x, (void *)(uintptr_t)((uint64_t)s->t1 << PAGE_SHIFT), PAGE_SIZE, "T1");
	xp_name_range(x, (void *)(uintptr_t)((uint64_t)s->pud_table << PAGE_SHIFT), PAGE_SIZE,
		      "PUD");
	drain_all_pages(s->m, NULL);
	if (s->body == B_HVO)
		race_stock_pcp(s->m, 0);
	s->buddy0 = (long)global_zone_page_state(s->m, NR_FREE_PAGES);
	xp_attach_machine(x, s->m);
	return s;
}

static void hw_teardown(struct xp_ctx *x, void *state)
{
	struct hw *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

/* ---- CPU0 ------------------------------------------------------------------ */

/* ptdump's note_page, reduced to what the test looks at: section 512's vmemmap PMD */
static int pd_pmd_entry(struct machine *m, const struct pt_slot *pmd, uint64_t addr,
			uint64_t next, struct mm_walk *walk)
{
	struct hw *s = walk->private;

	(void)m;
	(void)pmd;
	(void)next;
	if (addr == memmap_va(m, BLOCK_512))
		s->saw_block = true;
	return 0;
}

static int pd_pte_hole(struct machine *m, uint64_t addr, uint64_t next, int depth,
		       struct mm_walk *walk)
{
	struct hw *s = walk->private;
	uint64_t va = memmap_va(m, BLOCK_512);

	(void)depth;
	if (addr <= va && va < next)
		s->saw_hole = true;
	return 0;
}

static const struct mm_walk_ops ptdump_ops = {
	.pmd_entry = pd_pmd_entry,
	.pte_hole = pd_pte_hole,
};

/* ptdump_walk_pgd over the vmemmap of sections 511..513 */
static void cpu0_ptdump(struct xp_ctx *x, void *state)
{
	struct hw *s = state;
	struct machine *m = s->m;
	uint64_t va = memmap_va(m, BLOCK_512);

	(void)x;
	if (s->online_mems)
		get_online_mems(m);
	if (s->write_lock)
		down_write(m, &m->init_mm->mmap_lock);
	else
		down_read(m, &m->init_mm->mmap_lock);
	walk_page_range_novma(m, m->init_mm, va - PMD_SIZE, va + 2 * PMD_SIZE, &ptdump_ops,
			      PFN_NONE, s);
	if (s->write_lock)
		up_write(m, &m->init_mm->mmap_lock);
	else
		up_read(m, &m->init_mm->mmap_lock);
	if (s->online_mems)
		put_online_mems(m);
}

/* hugetlb's prep of a new hugepage: HVO, between two marks CPU1 reads */
static void cpu0_hvo(struct xp_ctx *x, void *state)
{
	struct hw *s = state;

	xp_write(x, &s->hvo_phase, 1);
	hugetlb_vmemmap_optimize(s->m, &h2m, s->head);
	xp_write(x, &s->hvo_phase, 2);
}

static void hw_cpu0(struct xp_ctx *x, void *state)
{
	struct hw *s = state;

	if (s->body == B_PTDUMP)
		cpu0_ptdump(x, state);
	else
		cpu0_hvo(x, state);
}

/* ---- CPU1: the driver's remove_memory of the neighbour ----------------------- */

static void hw_cpu1(struct xp_ctx *x, void *state)
{
	struct hw *s = state;

	if (s->body == B_HVO)
		s->seen_before = xp_read(x, &s->hvo_phase);
	s->rc = remove_memory(s->m, s->body == B_HVO ? BLOCK_513 : BLOCK_512, BLOCK);
	if (s->body == B_HVO)
		s->seen_after = xp_read(x, &s->hvo_phase);
}

/* ---- every complete schedule --------------------------------------------------- */

static void hw_final(struct xp_ctx *x, void *state)
{
	struct hw *s = state;
	struct machine *m = s->m;
	unsigned int i512 = idx_of(memmap_va(m, BLOCK_512), PT_PUD);
	char err[512];

	if (s->rc) {
		xp_fail(x, "remove_memory: %d (%s)", s->rc, m->hotplug->why);
		return;
	}
	if (!race_pcp_untouched(x, m, (unsigned long)s->buddy0))
		return;
	if (!mm_check_invariants(m, err, sizeof(err))) {
		xp_fail(x, "invariants: %s", err);
		return;
	}
	if (s->body == B_PTDUMP) {
		/* T1 went with the block */
		xp_assert(x, !pt_read(m, s->pud_table, i512), "T1 is still linked");
		race_window(x, &s->b, "the walk met the block's vmemmap PMD", s->saw_block);
		race_window(x, &s->b, "the walk found a hole where the block was", s->saw_hole);
		return;
	}
	/* B_HVO: optimised, memory513 gone, T1 kept by the hugepage's own entry */
	xp_assert(x, HPageVmemmapOptimized(m, s->head), "the hugepage is not optimised");
	xp_assert(x, pte_pfn(pt_read(m, s->pud_table, i512)) == s->t1 &&
		  page_ref_count(m, s->t1) > 0, "T1 was freed or replaced");
	xp_assert(x, !pt_read(m, s->t1, idx_of(memmap_va(m, BLOCK_513), PT_PMD)),
		  "memory513's vmemmap PMD is still there");
	xp_assert(x, pt_read(m, s->t1, idx_of(memmap_va(m, BLOCK_512), PT_PMD)),
		  "the hugepage's vmemmap PMD is gone");
	race_window(x, &s->b, "the removal ran between the start and the end of HVO",
			s->seen_before == 1 && s->seen_after == 1);
	race_window(x, &s->b, "the removal ran before HVO", s->seen_after == 0);
	race_window(x, &s->b, "the removal ran after HVO", s->seen_before == 2);
}

/* ---- the races ------------------------------------------------------------------ */

#define W_MET		"the walk met the block's vmemmap PMD"
#define W_HOLE		"the walk found a hole where the block was"
#define W_BETWEEN	"the removal ran between the start and the end of HVO"
#define W_BEFORE	"the removal ran before HVO"
#define W_AFTER		"the removal ran after HVO"

static const char *const s_ptdump[] = { W_MET, W_HOLE, NULL };
static const char *const s_hvo[] = { W_BETWEEN, W_BEFORE, W_AFTER, NULL };

#define HW_RACE(var, rname, family_, text0, text1, cfg_, windows_, ...)		\
	static const struct hw var##_cfg = cfg_;					\
	static const struct race_expect var##_expect[] = { __VA_ARGS__ };			\
	const struct race_def var = {							\
		.name = rname, .family = family_,					\
		.summary = "init_mm's vmemmap tables against remove_memory of a block",	\
		.cpu_text = { text0, text1 },						\
		.cfg = &var##_cfg, .cfg_size = sizeof(struct hw), .ncpus = 2,		\
		.setup = hw_setup, .teardown = hw_teardown, .final = hw_final,		\
		.cpu = { hw_cpu0, hw_cpu1 }, .windows = windows_,			\
		.expect = var##_expect, .nr_expect = ARRAY_SIZE(var##_expect),		\
	}

#define PTDUMP	"ptdump_walk_pgd over the vmemmap of sections 511..513"
#define REMOVE_512	"remove_memory(memory512), the only block under T1: T1 freed"
#define UAF	"use after free: cpu0 in walk_page_range_novma reads entry"

/* 1, as ptdump_walk_pgd: get_online_mems(), then the mmap lock */
HW_RACE(race_ptdump_remove_memory, "ptdump-remove-memory", "pagewalk-lock",
	PTDUMP ": get_online_mems, the mmap lock", REMOVE_512,
	((struct hw){ .body = B_PTDUMP, .online_mems = true }), s_ptdump,
	{ .policy = "6.8", .windows = s_ptdump,
	  .test = "ptdump_walk_vs_remove_memory_online_mems" },
	{ .policy = "6.1" }, { .policy = "6.17" });
/* ... without get_online_mems: the use-after-free, whatever the mmap lock */
static const struct hw no_online_cfg = { .body = B_PTDUMP };
static const struct race_expect no_online_expect[] = {
	{ .policy = "6.8", .fails = true, .msg = UAF,
	  .test = "ptdump_walk_vs_remove_memory_read_lock_only" },
	{ .policy = "6.1", .fails = true, .msg = UAF,
	  .test = "ptdump_walk_vs_remove_memory_write_lock_only" },
	{ .policy = "6.17", .fails = true, .msg = UAF },
};
const struct race_def race_ptdump_remove_memory_no_online_mems = {
	.name = "ptdump-remove-memory-no-online-mems", .family = "pagewalk-lock",
	.summary = "init_mm's vmemmap tables against remove_memory of a block",
	.cpu_text = { PTDUMP ": the mmap lock only, no get_online_mems", REMOVE_512 },
	.cfg = &no_online_cfg, .cfg_size = sizeof(struct hw), .ncpus = 2,
	.setup = hw_setup, .teardown = hw_teardown, .final = hw_final,
	.cpu = { hw_cpu0, hw_cpu1 }, .windows = s_ptdump,
	.expect = no_online_expect, .nr_expect = ARRAY_SIZE(no_online_expect),
};
/* 2, HVO without the hotplug lock: the kernel's argument */
HW_RACE(race_hvo_remove_memory, "hvo-remove-memory", "hvo",
	"HVO of a hugepage in section 512 under mmap_read_lock(&init_mm)",
	"remove_memory(memory513), the neighbour (memmap_on_memory)",
	((struct hw){ .body = B_HVO }), s_hvo,
	{ .policy = "reuse-head", .windows = s_hvo,
	  .test = "hvo_walk_vs_remove_memory_of_the_neighbour" });
