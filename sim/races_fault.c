// SPDX-License-Identifier: GPL-2.0-only
/*
 * races_fault.c - user page faults racing each other, munmap and mremap,
 * as named races (model/memory.c user_access, handle_mm_fault; mmap.c
 * vm_munmap; mremap.c sys_mremap).  They vary no policy family; the
 * wrong variants are races of their own (a test-only switch).
 *
 * Fault races: one process, one private anonymous VMA of three pages
 * around a 2 MiB boundary A, so that page A has a PTE table of its own, T_A:
 *
 *   va       | A-4K       | A           | A+4K       |
 *   table    | T_prev     | T_A         | T_A        |
 *   setup    | zero page  | (the race)  | written    |   warm
 *            | zero page  | (the race)  | -          |   cold: no T_A, no anon_vma
 *
 * (The read of A-4K creates the PUD and PMD tables, so a cold race is
 * about T_A, the anon_vma and the page, not three levels of tables.)
 *
 * 1. Two CPUs fault page A at once (write/write, write/read), with T_A and
 *    the anon_vma already there (warm) or not (cold, where the allocation
 *    of T_A and anon_vma_prepare race too).  Every schedule must end with
 *    one private page mapped at A (mapcount 1, refcount 1), the mm's rss
 *    equal to the pages its PTEs map, and, once the process has exited and
 *    the pcp lists are drained, every page back: a loser's page that was
 *    not freed shows as a leak.
 * 2. munmap(A, 8K) on CPU0 racing a write to A on CPU1: after every
 *    schedule no PTE maps a free page or sits outside every VMA, no freed
 *    page-table page still holds a PTE, and the counters balance.
 * 3. The same with the fault path taking no mmap lock
 *    (m->inject.fault_skip_mmap_lock): a schedule in which the fault
 *    writes its PTE into T_A after munmap freed it must be found.
 *
 * The allocator has no zone lock under the explorer (page_alloc.c), so two
 * CPUs must not refill their pcp lists from the buddy lists at once: setup
 * runs a throwaway process on each CPU first, which leaves both CPUs' pcp
 * lists stocked with the page and table pages the race allocates, and the
 * final check makes sure no page moved between the buddy and pcp lists
 * during the race.
 *
 * The wrong variant must not free a host object a CPU still points to
 * (that would be the simulator's use after free, not the model's): munmap
 * takes only the tail of the VMA, so the VMA the lockless fault found
 * survives, and page-table locks live as long as their mm (memory.c).
 *
 * mremap race: one private anonymous VMA of two pages at SRC (2 MiB
 * aligned, its own PTE table T_SRC), the second page written before the
 * race; DST is 4 MiB higher, in the same PMD table, with no PTE table:
 *
 *   va       | SRC            | SRC+4K   |   ...   | DST       | DST+4K   |
 *   setup    | (the race)     | written  |         | -         | -        |
 *   CPU0     mremap(SRC, 8K, 8K, MREMAP_MAYMOVE|MREMAP_FIXED, DST)
 *   CPU1     a store to SRC
 *
 * mremap holds the mmap lock for write and the fault holds it for read,
 * so every schedule is one of three: the store first (its page moves to
 * DST with the other one), the move first (the store finds no VMA:
 * SIGSEGV), or the store's fault first and the move before the store is
 * retried (a zeroed page moves; the retried store gets SIGSEGV, as a CPU
 * would).  After every schedule the invariant checker must pass, DST must
 * hold the written pages, and once the process exits every page must come
 * back.  Without the fault's mmap lock the fault maps its page in T_SRC
 * after move_ptes emptied it, the store lands, and the unmap of the old
 * range zaps and frees the page: a lost write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "races_int.h"
#include "check.h"
#include "cpu.h"
#include "memory.h"
#include "mman.h"
#include "huge_memory.h"
#include "mmap.h"
#include "mremap.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "rmap.h"
#include "task.h"
#include "vmstat.h"

#define WARM_BASE	(1UL << 30)
#define WARM_STRIDE	(PMD_SIZE / 2)

#define VA_A		0x40200000UL	/* 1 GiB + 2 MiB: 2 MiB aligned, not 1 GiB */
#define VMA_START	(VA_A - PAGE_SIZE)
#define VMA_LEN		(3 * PAGE_SIZE)

enum body { B_WRITE, B_READ, B_MUNMAP };

struct fr {
	struct race_base b;
	/* what the race sets up */
	bool cold;		/* nothing faulted in the VMA before the race */
	bool no_mmap_lock;	/* the wrong variant: faults skip the mmap lock */
	enum body body[2];
	/* per schedule */
	struct machine *m;
	struct task *t;
	unsigned long free_base;	/* NR_FREE_PAGES, pcp lists drained, no process */
	unsigned long frees0;		/* PGFREE when the race starts */
	unsigned long buddy0;		/* NR_FREE_PAGES when the race starts */
	uint32_t anon_vma_ids0;		/* anon_vmas allocated so far */
	unsigned long t_a;		/* T_A at setup (warm), else PFN_NONE */
	long res[2];			/* what each CPU's call returned */
};

static void *fr_setup(struct xp_ctx *x, void *arg)
{
	struct fr *s = arg;
	struct machine_opts o;
	int e;

	race_opts(&o, 1, 64, 2);
	o.thp_enabled = THP_NEVER;	/* every fault here is a 4 KiB one */
	s->m = race_machine(x, &s->b, &o);
	s->t = NULL;
	s->res[0] = s->res[1] = -1;
	if (!s->m)
		return s;
	drain_all_pages(s->m, NULL);
	s->free_base = global_zone_page_state(s->m, NR_FREE_PAGES);
	if (!race_warm_up_cpu(s->m, 1, WARM_BASE, WARM_STRIDE) ||
	    !race_warm_up_cpu(s->m, 0, WARM_BASE, WARM_STRIDE)) {
		xp_fail(x, "warm-up process failed");
		return s;
	}
	s->t = task_create(s->m, "racer", &e);
	if (!s->t || race_mmap_anon(s->m, s->t, VMA_START, VMA_LEN) != (long)VMA_START) {
		xp_fail(x, "process setup failed");
		return s;
	}
	s->t_a = PFN_NONE;
	/* the PUD and PMD tables: a read maps the zero page, no anon_vma yet */
	if (user_access(s->m, s->t->mm, VA_A - PAGE_SIZE, false) != UA_OK) {
		xp_fail(x, "pre-faulting failed");
		return s;
	}
	if (!s->cold) {
		if (user_access(s->m, s->t->mm, VA_A + PAGE_SIZE, true) != UA_OK) {
			xp_fail(x, "pre-faulting failed");
			return s;
		}
		s->t_a = race_pte_table(s->m, s->t->mm, VA_A);
		xp_name_range(x, (void *)(uintptr_t)((uint64_t)s->t_a << PAGE_SHIFT), PAGE_SIZE,
			      "T_A");
	}
	s->m->inject.fault_skip_mmap_lock = s->no_mmap_lock;
	s->frees0 = s->m->vm_events[PGFREE];
	s->buddy0 = global_zone_page_state(s->m, NR_FREE_PAGES);
	s->anon_vma_ids0 = proc_ctx(s->m)->next_anon_vma_id;
	xp_name_range(x, &s->t->mm->mmap_lock, sizeof(s->t->mm->mmap_lock), "mmap_lock");
	xp_name_range(x, &s->t->mm->vmas, sizeof(s->t->mm->vmas), "mm->vmas");
	xp_attach_machine(x, s->m);
	return s;
}

static void fr_teardown(struct xp_ctx *x, void *state)
{
	struct fr *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

static void fr_cpu(struct xp_ctx *x, void *state)
{
	struct fr *s = state;
	int c = xp_cpu(x);

	switch (s->body[c]) {
	case B_WRITE:
		s->res[c] = user_access(s->m, s->t->mm, VA_A, true);
		break;
	case B_READ:
		s->res[c] = user_access(s->m, s->t->mm, VA_A, false);
		break;
	case B_MUNMAP:
		s->res[c] = vm_munmap(s->m, s->t, VA_A, 2 * PAGE_SIZE);
		break;
	}
}

/* -------------------------------------------------------------------------
 * The check of an mm's page tables against its VMAs, pages and counters.
 */
struct mm_tally {
	long rss[NR_MM_COUNTERS];
	long tables;		/* table pages below the pgd */
};

static bool page_free(struct machine *m, unsigned long pfn)
{
	return page_ref_count(m, pfn) == 0;
}

/* Every present PTE of one PTE table: in a VMA, mapping an allocated page */
static bool check_pte_table(struct machine *m, struct mm_struct *mm, unsigned long table,
			    uint64_t base, struct mm_tally *tally, char *err, size_t len)
{
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++) {
		pteval_t e = pt_read(m, table, i);
		uint64_t va = base + ((uint64_t)i << PAGE_SHIFT);
		struct vm_area_struct *vma;
		unsigned long pfn;

		if (!upte_present(e))
			continue;
		vma = find_vma(mm, va);
		if (!vma || va < vma->vm_start) {
			snprintf(err, len, "the PTE for %#llx (pfn %#lx) lies in no VMA",
				 (unsigned long long)va, pte_pfn(e));
			return false;
		}
		pfn = vm_normal_pfn(e);
		if (pfn == PFN_NONE)
			continue;
		if (page_free(m, pfn) || page_mapcount(m, pfn) < 1) {
			snprintf(err, len, "the PTE for %#llx maps pfn %#lx: refcount %d, "
				 "mapcount %d", (unsigned long long)va, pfn,
				 page_ref_count(m, pfn), page_mapcount(m, pfn));
			return false;
		}
		tally->rss[PageAnon(m, pfn) ? MM_ANONPAGES :
			   PageSwapBacked(m, pfn) ? MM_SHMEMPAGES : MM_FILEPAGES]++;
	}
	return true;
}

/* A table a higher level points at: allocated, and PageTable below the PUD level */
static bool check_table_page(struct machine *m, unsigned long table, enum pt_level level,
			     char *err, size_t len)
{
	static const char *const names[] = { [PT_PTE] = "PTE", [PT_PMD] = "PMD",
					     [PT_PUD] = "PUD" };

	if (!page_free(m, table) && (level == PT_PUD || PageTable(m, table)))
		return true;
	snprintf(err, len, "a %s table at pfn %#lx that is %s", names[level], table,
		 page_free(m, table) ? "a free page" : "not PageTable");
	return false;
}

/*
 * Walk every present entry of mm's user page tables (no huge entries
 * exist: user THPs are not modelled), checking each table page and PTE,
 * then rss and nr_pgtables against what the walk found.
 */
static bool check_user_tables(struct machine *m, struct mm_struct *mm, struct mm_tally *tally,
			      char *err, size_t len)
{
	memset(tally, 0, sizeof(*tally));
	for (unsigned int g = 0; g < PTRS_PER_TABLE / 2; g++) {
		pteval_t ge = pt_read(m, mm->pgd, g);
		unsigned long pud = pte_pfn(ge);

		if (!pte_present(ge))
			continue;
		if (!check_table_page(m, pud, PT_PUD, err, len))
			return false;
		tally->tables++;
		for (unsigned int u = 0; u < PTRS_PER_TABLE; u++) {
			pteval_t ue = pt_read(m, pud, u);
			unsigned long pmd = pte_pfn(ue);

			if (!pte_present(ue))
				continue;
			if (!check_table_page(m, pmd, PT_PMD, err, len))
				return false;
			tally->tables++;
			for (unsigned int d = 0; d < PTRS_PER_TABLE; d++) {
				pteval_t de = pt_read(m, pmd, d);
				uint64_t base = (uint64_t)g << PGDIR_SHIFT |
						(uint64_t)u << PUD_SHIFT | (uint64_t)d << PMD_SHIFT;

				if (!pte_present(de))
					continue;
				if (!check_table_page(m, pte_pfn(de), PT_PTE, err, len) ||
				    !check_pte_table(m, mm, pte_pfn(de), base, tally, err, len))
					return false;
				tally->tables++;
			}
		}
	}
	for (int c = 0; c < NR_MM_COUNTERS; c++) {
		if (tally->rss[c] != mm->rss_stat[c]) {
			snprintf(err, len, "rss counter %d is %ld, the PTEs map %ld pages", c,
				 mm->rss_stat[c], tally->rss[c]);
			return false;
		}
	}
	if (tally->tables != mm->nr_pgtables) {
		snprintf(err, len, "nr_pgtables %ld, the walk found %ld table pages",
			 mm->nr_pgtables, tally->tables);
		return false;
	}
	return true;
}

/* A table page the race may have freed must not have been written after it */
static bool check_freed_table(struct machine *m, unsigned long table, char *err, size_t len)
{
	if (table == PFN_NONE || !page_free(m, table))
		return true;
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++) {
		pteval_t e = pt_read(m, table, i);

		if (e) {
			snprintf(err, len, "PTE table %#lx was freed holding entry %u = %#llx "
				 "(pfn %#lx): a PTE was written into a freed page-table page",
				 table, i, (unsigned long long)e, pte_pfn(e));
			return false;
		}
	}
	return true;
}

/* The page mapped at A after a fault race: one private, written page */
static bool check_page_at_a(struct fr *s, char *err, size_t len)
{
	struct machine *m = s->m;
	struct mm_struct *mm = s->t->mm;
	struct vm_area_struct *vma = find_vma(mm, VA_A);
	enum pt_level level;
	pteval_t e = pt_walk(m, mm, VA_A, &level, NULL, NULL);
	unsigned long pfn = pte_pfn(e);

	if (!pte_present(e) || level != PT_PTE || !pte_write(e) || vm_normal_pfn(e) == PFN_NONE) {
		snprintf(err, len, "A is mapped by %#llx at level %d, not a writable private "
			 "page", (unsigned long long)e, (int)level);
		return false;
	}
	if (page_mapcount(m, pfn) != 1 || page_ref_count(m, pfn) != 1 || !PageAnon(m, pfn) ||
	    !page_content(m, pfn)) {
		snprintf(err, len, "pfn %#lx at A: mapcount %d, refcount %d, %s, content %llu",
			 pfn, page_mapcount(m, pfn), page_ref_count(m, pfn),
			 PageAnon(m, pfn) ? "anon" : "not anon",
			 (unsigned long long)page_content(m, pfn));
		return false;
	}
	if (!vma || vma->nr_avc != 1 || vma->avc[0] != vma->anon_vma ||
	    (page_mapping(m, pfn) & ~PAGE_MAPPING_FLAGS) != anon_vma_addr(vma->anon_vma)) {
		snprintf(err, len, "the VMA is chained to %u anon_vmas (its own %s), the page "
			 "names %#llx", vma ? vma->nr_avc : 0,
			 vma && vma->nr_avc && vma->avc[0] == vma->anon_vma ? "first" : "not first",
			 (unsigned long long)page_mapping(m, pfn));
		return false;
	}
	return true;
}

/*
 * After every complete schedule: the tables and counters, the race's own
 * check, then the process exits and every page must come back.
 */
static void fr_final(struct xp_ctx *x, void *state)
{
	struct fr *s = state;
	struct machine *m = s->m;
	struct mm_tally tally;
	unsigned long frees = m->vm_events[PGFREE] - s->frees0;
	uint32_t anon_vmas = proc_ctx(m)->next_anon_vma_id - s->anon_vma_ids0;
	enum pt_level level;
	unsigned long nfree;
	char err[512];

	if (!race_pcp_untouched(x, m, s->buddy0))
		return;
	if (!check_freed_table(m, s->t_a, err, sizeof(err)) ||
	    !check_user_tables(m, s->t->mm, &tally, err, sizeof(err))) {
		xp_fail(x, "mm check: %s", err);
		return;
	}
	if (s->body[0] == B_MUNMAP) {
		race_window(x, &s->b, "the fault mapped A before munmap", s->res[1] == UA_OK);
		race_window(x, &s->b, "munmap came first: the access got SIGSEGV",
				s->res[1] == UA_SIGSEGV_MAPERR);
		if (s->res[0] != 0 || (s->res[1] != UA_OK && s->res[1] != UA_SIGSEGV_MAPERR)) {
			xp_fail(x, "munmap returned %ld, the access %ld", s->res[0], s->res[1]);
			return;
		}
		if (find_vma_intersection(s->t->mm, VA_A, VA_A + 2 * PAGE_SIZE) ||
		    pt_walk(m, s->t->mm, VA_A, &level, NULL, NULL)) {
			xp_fail(x, "A is still mapped after munmap");
			return;
		}
	} else {
		race_window(x, &s->b, "a fault lost the race and freed its page", frees > 0);
		if (s->cold && s->body[1] == B_WRITE)
			race_window(x, &s->b, "both faults allocated an anon_vma", anon_vmas == 2);
		if (s->res[0] != UA_OK || s->res[1] != UA_OK) {
			xp_fail(x, "the accesses ended in %ld and %ld", s->res[0], s->res[1]);
			return;
		}
		if (!check_page_at_a(s, err, sizeof(err))) {
			xp_fail(x, "%s", err);
			return;
		}
		if (tally.rss[MM_ANONPAGES] != (s->cold ? 1 : 2)) {
			xp_fail(x, "rss %ld", tally.rss[MM_ANONPAGES]);
			return;
		}
	}
	if (!mm_check_invariants(m, err, sizeof(err))) {
		xp_fail(x, "before exit: %s", err);
		return;
	}
	do_exit(m, s->t, 0);
	drain_all_pages(m, NULL);
	nfree = global_zone_page_state(m, NR_FREE_PAGES);
	if (nfree != s->free_base) {
		xp_fail(x, "%ld pages leaked: %lu free after exit, %lu before the process",
			(long)(s->free_base - nfree), nfree, s->free_base);
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err)))
		xp_fail(x, "after exit: %s", err);
}

/* -------------------------------------------------------------------------
 * The fault races
 */
#define W_LOST		"a fault lost the race and freed its page"
#define W_ANON_VMA	"both faults allocated an anon_vma"
#define W_MAPPED	"the fault mapped A before munmap"
#define W_SIGSEGV	"munmap came first: the access got SIGSEGV"

static const char *const s_fault[] = { W_LOST, NULL };
static const char *const s_fault_av[] = { W_LOST, W_ANON_VMA, NULL };
static const char *const s_munmap[] = { W_MAPPED, W_SIGSEGV, NULL };

#define FR_RACE(var, rname, text0, text1, cfg_, windows_, ...)			\
	static const struct fr var##_cfg = cfg_;					\
	static const struct race_expect var##_expect[] = { __VA_ARGS__ };			\
	const struct race_def var = {							\
		.name = rname,								\
		.summary = "user faults at A racing each other or munmap",		\
		.cpu_text = { text0, text1 },						\
		.cfg = &var##_cfg, .cfg_size = sizeof(struct fr), .ncpus = 2,		\
		.setup = fr_setup, .teardown = fr_teardown, .final = fr_final,		\
		.cpu = { fr_cpu, fr_cpu }, .windows = windows_,			\
		.expect = var##_expect, .nr_expect = ARRAY_SIZE(var##_expect),		\
	}

FR_RACE(race_fault_write_write, "fault-write-write", "write A", "write A",
	((struct fr){ .body = { B_WRITE, B_WRITE } }), s_fault,
	{ .windows = s_fault, .test = "fault_race_write_write" });
FR_RACE(race_fault_write_read, "fault-write-read", "write A", "read A",
	((struct fr){ .body = { B_WRITE, B_READ } }), s_fault,
	{ .windows = s_fault, .test = "fault_race_write_read" });
FR_RACE(race_fault_write_write_cold, "fault-write-write-cold",
	"write A (no PTE table, no anon_vma yet)", "write A",
	((struct fr){ .cold = true, .body = { B_WRITE, B_WRITE } }), s_fault_av,
	{ .windows = s_fault_av, .test = "fault_race_write_write_cold" });
FR_RACE(race_fault_write_read_cold, "fault-write-read-cold",
	"write A (no PTE table, no anon_vma yet)", "read A",
	((struct fr){ .cold = true, .body = { B_WRITE, B_READ } }), s_fault,
	{ .windows = s_fault, .test = "fault_race_write_read_cold" });
FR_RACE(race_fault_munmap, "fault-munmap", "munmap(A, 8K)", "write A",
	((struct fr){ .body = { B_MUNMAP, B_WRITE } }), s_munmap,
	{ .windows = s_munmap, .test = "fault_race_munmap" });
FR_RACE(race_fault_munmap_no_mmap_lock, "fault-munmap-no-mmap-lock", "munmap(A, 8K)",
	"write A, the fault without the mmap lock (m->inject.fault_skip_mmap_lock)",
	((struct fr){ .no_mmap_lock = true, .body = { B_MUNMAP, B_WRITE } }), s_munmap,
	{ .fails = true, .msg = "a PTE was written into a freed page-table page",
	  .test = "fault_race_munmap_no_mmap_lock" });

/* -------------------------------------------------------------------------
 * The mremap race
 */
#define SRC		0x40200000UL		/* 1 GiB + 2 MiB */
#define DST		(SRC + 2 * PMD_SIZE)
#define LEN		(2 * PAGE_SIZE)

struct mr {
	struct race_base b;
	bool no_mmap_lock;	/* the wrong variant: faults skip the mmap lock */
	struct machine *m;
	struct task *t;
	unsigned long free_base;	/* NR_FREE_PAGES, pcp lists drained, no process */
	unsigned long buddy0;		/* NR_FREE_PAGES when the race starts */
	uint64_t tag1;			/* the content of SRC+4K */
	long res[2];
};

/* The page a PTE maps at va, or PFN_NONE */
static unsigned long page_at(struct machine *m, struct mm_struct *mm, uint64_t va)
{
	enum pt_level level;
	pteval_t e = pt_walk(m, mm, va, &level, NULL, NULL);

	return level == PT_PTE && upte_present(e) ? vm_normal_pfn(e) : PFN_NONE;
}

static void *mr_setup(struct xp_ctx *x, void *arg)
{
	struct mr *s = arg;
	struct machine_opts o;
	int e;

	race_opts(&o, 1, 64, 2);
	o.thp_enabled = THP_NEVER;
	s->m = race_machine(x, &s->b, &o);
	s->t = NULL;
	s->res[0] = s->res[1] = -1;
	if (!s->m)
		return s;
	drain_all_pages(s->m, NULL);
	s->free_base = global_zone_page_state(s->m, NR_FREE_PAGES);
	if (!race_warm_up_cpu(s->m, 1, 1UL << 32, PMD_SIZE / 2) ||
	    !race_warm_up_cpu(s->m, 0, 1UL << 32, PMD_SIZE / 2)) {
		xp_fail(x, "warm-up process failed");
		return s;
	}
	s->t = task_create(s->m, "racer", &e);
	if (!s->t || race_mmap_anon(s->m, s->t, SRC, LEN) != (long)SRC ||
	    user_access(s->m, s->t->mm, SRC + PAGE_SIZE, true) != UA_OK) {
		xp_fail(x, "process setup failed");
		return s;
	}
	s->tag1 = page_content(s->m, page_at(s->m, s->t->mm, SRC + PAGE_SIZE));
	s->m->inject.fault_skip_mmap_lock = s->no_mmap_lock;
	s->buddy0 = global_zone_page_state(s->m, NR_FREE_PAGES);
	xp_name_range(x, &s->t->mm->mmap_lock, sizeof(s->t->mm->mmap_lock), "mmap_lock");
	xp_name_range(x, &s->t->mm->vmas, sizeof(s->t->mm->vmas), "mm->vmas");
	xp_attach_machine(x, s->m);
	return s;
}

static void mr_teardown(struct xp_ctx *x, void *state)
{
	struct mr *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

static void mr_cpu(struct xp_ctx *x, void *state)
{
	struct mr *s = state;
	int c = xp_cpu(x);

	if (c == 0)
		s->res[0] = sys_mremap(s->m, s->t, SRC, LEN, LEN, MREMAP_MAYMOVE | MREMAP_FIXED,
				       DST);
	else
		s->res[1] = user_access(s->m, s->t->mm, SRC, true);
}

static void mr_final(struct xp_ctx *x, void *state)
{
	struct mr *s = state;
	struct machine *m = s->m;
	struct mm_struct *mm = s->t->mm;
	unsigned long p0 = page_at(m, mm, DST), p1 = page_at(m, mm, DST + PAGE_SIZE);
	unsigned long nfree;
	char err[512];

	if (!race_pcp_untouched(x, m, s->buddy0))
		return;
	if (!mm_check_invariants(m, err, sizeof(err))) {
		xp_fail(x, "after the race: %s", err);
		return;
	}
	race_window(x, &s->b, "the store came first: its page moved", s->res[1] == UA_OK);
	race_window(x, &s->b, "the move came first: the store got SIGSEGV",
			s->res[1] == UA_SIGSEGV_MAPERR);
	if (s->res[0] != (long)DST || (s->res[1] != UA_OK && s->res[1] != UA_SIGSEGV_MAPERR)) {
		xp_fail(x, "mremap returned %#lx, the store %ld", s->res[0], s->res[1]);
		return;
	}
	if (find_vma_intersection(mm, SRC, SRC + LEN)) {
		xp_fail(x, "the old range is still mapped");
		return;
	}
	if (p1 == PFN_NONE || page_content(m, p1) != s->tag1) {
		xp_fail(x, "DST+4K does not hold the page written before the race");
		return;
	}
	if (s->res[1] == UA_OK && (p0 == PFN_NONE || !page_content(m, p0))) {
		xp_fail(x, "the store succeeded but DST does not hold what it wrote: a lost write");
		return;
	}
	/*
	 * SIGSEGV: either the fault found no VMA, or it mapped a zeroed page
	 * and the move came before the retried store (the page moved, unwritten)
	 */
	race_window(x, &s->b, "the fault mapped a page, the move came before the store",
			s->res[1] != UA_OK && p0 != PFN_NONE);
	if (s->res[1] != UA_OK && p0 != PFN_NONE && page_content(m, p0)) {
		xp_fail(x, "the store got SIGSEGV but DST holds a written page");
		return;
	}
	do_exit(m, s->t, 0);
	drain_all_pages(m, NULL);
	nfree = global_zone_page_state(m, NR_FREE_PAGES);
	if (nfree != s->free_base) {
		xp_fail(x, "%ld pages leaked: %lu free after exit, %lu before the process",
			(long)(s->free_base - nfree), nfree, s->free_base);
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err)))
		xp_fail(x, "after exit: %s", err);
}

#define W_STORE_FIRST	"the store came first: its page moved"
#define W_MOVE_FIRST	"the move came first: the store got SIGSEGV"
#define W_FAULT_MOVE	"the fault mapped a page, the move came before the store"

static const char *const s_outcomes[] = { W_STORE_FIRST, W_MOVE_FIRST, W_FAULT_MOVE, NULL };

#define MR_RACE(var, rname, text1, cfg_, ...)					\
	static const struct mr var##_cfg = cfg_;					\
	static const struct race_expect var##_expect[] = { __VA_ARGS__ };			\
	const struct race_def var = {							\
		.name = rname,								\
		.summary = "mremap moving two anonymous pages while another CPU stores",	\
		.cpu_text = { "mremap(SRC, 8K, 8K, MREMAP_MAYMOVE|MREMAP_FIXED, SRC+4M)", \
			      text1 },							\
		.cfg = &var##_cfg, .cfg_size = sizeof(struct mr), .ncpus = 2,		\
		.setup = mr_setup, .teardown = mr_teardown, .final = mr_final,		\
		.cpu = { mr_cpu, mr_cpu }, .windows = s_outcomes,			\
		.expect = var##_expect, .nr_expect = ARRAY_SIZE(var##_expect),		\
	}

MR_RACE(race_mremap_store, "mremap-store", "write SRC", ((struct mr){ 0 }),
	{ .windows = s_outcomes, .test = "mremap_race_store" });
MR_RACE(race_mremap_store_no_mmap_lock, "mremap-store-no-mmap-lock",
	"write SRC, the fault without the mmap lock (m->inject.fault_skip_mmap_lock)",
	((struct mr){ .no_mmap_lock = true }),
	{ .fails = true, .msg = "a lost write", .test = "mremap_race_store_no_mmap_lock" });
