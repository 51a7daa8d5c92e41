// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mremap_race.c - mremap moving a range while another CPU writes to
 * it, under the interleaving explorer (model/mremap.c sys_mremap,
 * model/memory.c user_access).
 *
 * One process, one private anonymous VMA of two pages at SRC (2 MiB
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
 * would).  After every schedule the invariant checker must pass (every
 * PTE in a VMA, rmap finds every page at its new address, the counters
 * balance), DST must hold the written pages, and once the process exits
 * every page must come back.
 *
 * 2. The same with the fault path taking no mmap lock (the test-only
 * m->inject.fault_skip_mmap_lock): the explorer must find a schedule in
 * which the fault maps its page in T_SRC after move_ptes emptied it, the
 * store lands there, and the unmap of the old range then zaps and frees
 * the page: the store succeeded and its data is gone (a lost write).  Its
 * replay string must reproduce it.
 *
 * The allocator has no zone lock under the explorer, so each CPU's pcp
 * lists are stocked before the race (as in test_fault_race.c): mremap's
 * new PTE table comes from CPU0's, the store's page from CPU1's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "explore.h"
#include "explore_cmocka.h"
#include "check.h"
#include "cpu.h"
#include "huge_memory.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "mremap.h"
#include "pgtable.h"
#include "task.h"

#define SRC		0x40200000UL		/* 1 GiB + 2 MiB */
#define DST		(SRC + 2 * PMD_SIZE)
#define LEN		(2 * PAGE_SIZE)

struct mr {
	bool no_mmap_lock;	/* the wrong variant: faults skip the mmap lock */
	struct machine *m;
	struct task *t;
	unsigned long free_base;	/* NR_FREE_PAGES, pcp lists drained, no process */
	unsigned long buddy0;		/* NR_FREE_PAGES when the race starts */
	uint64_t tag1;			/* the content of SRC+4K */
	long res[2];
};

static long mmap_fixed(struct machine *m, struct task *t, uint64_t addr, uint64_t len)
{
	return ksys_mmap_pgoff(m, t, addr, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

/* A process that writes two pages in each of four 2 MiB regions, then exits */
static bool warm_up_cpu(struct machine *m, int cpu)
{
	uint64_t base = 1UL << 32, len = 4 * PMD_SIZE;
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
	char err[256];
	int e;

	t_opts(&o, 1, 64, 2);
	o.thp_enabled = THP_NEVER;
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
	if (!s->t || mmap_fixed(s->m, s->t, SRC, LEN) != (long)SRC ||
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

	if (global_zone_page_state(m, NR_FREE_PAGES) != s->buddy0) {
		xp_fail(x, "the race moved pages between the buddy and pcp lists, which have no "
			"zone lock under the explorer: stock the pcp lists better in setup");
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err))) {
		xp_fail(x, "after the race: %s", err);
		return;
	}
	xp_sometimes_if(x, "the store came first: its page moved", s->res[1] == UA_OK);
	xp_sometimes_if(x, "the move came first: the store got SIGSEGV",
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
	xp_sometimes_if(x, "the fault mapped a page, the move came before the store",
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

static const char *const s_outcomes[] = {
	"the store came first: its page moved", "the move came first: the store got SIGSEGV",
	"the fault mapped a page, the move came before the store", NULL,
};

static struct mr locked_st;
static const struct xp_test t_locked = {
	.name = "mremap_race_store", .ncpus = 2, .setup = mr_setup, .teardown = mr_teardown,
	.final = mr_final, .arg = &locked_st, .cpu = { mr_cpu, mr_cpu },
	.sometimes = s_outcomes,
};

static struct mr no_lock_st = { .no_mmap_lock = true };
static const struct xp_test t_no_lock = {
	.name = "mremap_race_store_no_mmap_lock", .ncpus = 2, .setup = mr_setup,
	.teardown = mr_teardown, .final = mr_final, .arg = &no_lock_st,
	.cpu = { mr_cpu, mr_cpu },
	.expect_failure = true,
	.expect_msg = "a lost write",
};

/* A passing exploration must be exhaustive and see more than one schedule */
int main(void)
{
	const struct CMUnitTest tests[] = {
		XP_UNIT_TEST_EXHAUSTIVE(t_locked),
		XP_UNIT_TEST(t_no_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
