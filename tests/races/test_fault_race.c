// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fault_race.c - user page faults racing each other and munmap, under
 * the interleaving explorer (model/memory.c user_access, handle_mm_fault;
 * model/mmap.c vm_munmap).
 *
 * One process, one private anonymous VMA of three pages around a 2 MiB
 * boundary A, so that page A has a PTE table of its own, T_A:
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
 *    of T_A and anon_vma_prepare race too).  Every schedule must
 *    end with one private page mapped at A (mapcount 1, refcount 1), the
 *    mm's rss equal to the pages its PTEs map, and, once the process has
 *    exited and the pcp lists are drained, every page back: a loser's page
 *    that was not freed shows as a leak.
 * 2. munmap(A, 8K) on CPU0 racing a write to A on CPU1: after every
 *    schedule no PTE maps a free page or sits outside every VMA, no freed
 *    page-table page still holds a PTE, and the counters balance.
 * 3. The same with the fault path taking no mmap lock (a test-only switch,
 *    m->inject.fault_skip_mmap_lock): the explorer must find a schedule in
 *    which the fault writes its PTE into T_A after munmap freed it, print
 *    its replay string, and the string must reproduce it.
 *
 * Every exploration is DPOR, exhaustive, and must explore more than one
 * schedule (a fault path without scheduling points would pass trivially).
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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "explore.h"
#include "explore_cmocka.h"
#include "check.h"
#include "cpu.h"
#include "memory.h"
#include "mman.h"
#include "huge_memory.h"
#include "mmap.h"
#include "pgtable.h"
#include "rmap.h"
#include "task.h"

#define VA_A		0x40200000UL		/* 1 GiB + 2 MiB: 2 MiB aligned, not 1 GiB */
#define VMA_START	(VA_A - PAGE_SIZE)
#define VMA_LEN		(3 * PAGE_SIZE)

enum body { B_WRITE, B_READ, B_MUNMAP };

struct fr {
	/* what the test sets up */
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

static long mmap_fixed(struct machine *m, struct task *t, uint64_t addr, uint64_t len)
{
	return ksys_mmap_pgoff(m, t, addr, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

/*
 * A process that writes two pages in each of four 2 MiB regions and exits:
 * cpu's pcp lists get (pcp->batch is 1 on this small machine, so exactly)
 * its six table pages, eight data pages and the pgd.
 */
static bool warm_up_cpu(struct machine *m, int cpu)
{
	uint64_t base = 1UL << 30, len = 4 * PMD_SIZE;
	struct task *t;
	bool ok;
	int err;

	m->cur_cpu = cpu;
	t = task_create(m, "warm-up", &err);
	if (!t)
		return false;
	ok = mmap_fixed(m, t, base, len) == (long)base;
	for (uint64_t a = base; ok && a < base + len; a += PMD_SIZE / 2)
		ok = user_access(m, t->mm, a, true) == UA_OK;
	do_exit(m, t, 0);
	return ok;
}

static unsigned long pmd_entry_table(struct machine *m, struct mm_struct *mm, uint64_t va)
{
	unsigned long table;
	unsigned int idx;
	pteval_t e;

	if (!pmd_slot(m, mm, va, false, &table, &idx, NULL))
		return PFN_NONE;
	e = pt_read(m, table, idx);
	return pte_present(e) ? pte_pfn(e) : PFN_NONE;
}

static void *fr_setup(struct xp_ctx *x, void *arg)
{
	struct fr *s = arg;
	struct machine_opts o;
	char err[256];
	int e;

	t_opts(&o, 1, 64, 2);
	o.thp_enabled = THP_NEVER;	/* every fault here is a 4 KiB one */
	s->m = machine_create(&o, err, sizeof(err));
	s->t = NULL;
	s->res[0] = s->res[1] = -1;
	if (!s->m) {
		xp_fail(x, "machine_create: %s", err);
		return s;
	}
	drain_all_pages(s->m, NULL);
	s->free_base = global_zone_page_state(s->m, NR_FREE_PAGES);
	if (!warm_up_cpu(s->m, 1) || !warm_up_cpu(s->m, 0)) {
		xp_fail(x, "warm-up process failed");
		return s;
	}
	s->t = task_create(s->m, "racer", &e);
	if (!s->t || mmap_fixed(s->m, s->t, VMA_START, VMA_LEN) != (long)VMA_START) {
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
		s->t_a = pmd_entry_table(s->m, s->t->mm, VA_A);
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

	if (global_zone_page_state(m, NR_FREE_PAGES) != s->buddy0) {
		xp_fail(x, "the race moved pages between the buddy and pcp lists, which have no "
			"zone lock under the explorer: stock the pcp lists better in setup");
		return;
	}
	if (!check_freed_table(m, s->t_a, err, sizeof(err)) ||
	    !check_user_tables(m, s->t->mm, &tally, err, sizeof(err))) {
		xp_fail(x, "mm check: %s", err);
		return;
	}
	if (s->body[0] == B_MUNMAP) {
		xp_sometimes_if(x, "the fault mapped A before munmap", s->res[1] == UA_OK);
		xp_sometimes_if(x, "munmap came first: the access got SIGSEGV",
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
		xp_sometimes_if(x, "a fault lost the race and freed its page", frees > 0);
		if (s->cold && s->body[1] == B_WRITE)
			xp_sometimes_if(x, "both faults allocated an anon_vma", anon_vmas == 2);
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
 * The explorations
 */
static const char *const s_fault[] = { "a fault lost the race and freed its page", NULL };
static const char *const s_fault_av[] = {
	"a fault lost the race and freed its page", "both faults allocated an anon_vma", NULL,
};
static const char *const s_munmap[] = {
	"the fault mapped A before munmap", "munmap came first: the access got SIGSEGV", NULL,
};

#define FR_TEST(var, tname, cfg, sometimes_)					\
	static struct fr var##_st = cfg;					\
	static const struct xp_test var = {					\
		.name = tname, .ncpus = 2, .setup = fr_setup,			\
		.teardown = fr_teardown, .final = fr_final, .arg = &var##_st,	\
		.cpu = { fr_cpu, fr_cpu }, .sometimes = sometimes_,		\
	}

FR_TEST(t_write_write, "fault_race_write_write",
	((struct fr){ .body = { B_WRITE, B_WRITE } }), s_fault);
FR_TEST(t_write_read, "fault_race_write_read",
	((struct fr){ .body = { B_WRITE, B_READ } }), s_fault);
FR_TEST(t_write_write_cold, "fault_race_write_write_cold",
	((struct fr){ .cold = true, .body = { B_WRITE, B_WRITE } }), s_fault_av);
FR_TEST(t_write_read_cold, "fault_race_write_read_cold",
	((struct fr){ .cold = true, .body = { B_WRITE, B_READ } }), s_fault);
FR_TEST(t_munmap, "fault_race_munmap",
	((struct fr){ .body = { B_MUNMAP, B_WRITE } }), s_munmap);

/*
 * A passing exploration that must also have explored more than one
 * schedule: a fault path without scheduling points would pass trivially.
 */
#define RACE_TEST(t)	XP_UNIT_TEST_EXHAUSTIVE(t)

/* 3. The fault path without the mmap lock: munmap frees T_A under it */
static struct fr no_lock_st = { .no_mmap_lock = true, .body = { B_MUNMAP, B_WRITE } };
static struct xp_test t_no_lock = {
	.name = "fault_race_munmap_no_mmap_lock", .ncpus = 2, .setup = fr_setup,
	.teardown = fr_teardown, .final = fr_final, .arg = &no_lock_st,
	.cpu = { fr_cpu, fr_cpu },
	.expect_failure = true,
	.expect_msg = "a PTE was written into a freed page-table page",
};

int main(void)
{
	const struct CMUnitTest tests[] = {
		RACE_TEST(t_write_write),
		RACE_TEST(t_write_read),
		RACE_TEST(t_write_write_cold),
		RACE_TEST(t_write_read_cold),
		RACE_TEST(t_munmap),
		XP_UNIT_TEST(t_no_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
