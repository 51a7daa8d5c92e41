// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_uprobe_collapse_race.c - collapse_pte_mapped_thp racing a uprobe
 * register on the same page, under the interleaving explorer
 * (model/khugepaged.c, uprobes.c, gup.c; issue 11's race test 2).
 *
 * A 2 MiB program text T (one THP of a huge=always tmpfs file, every
 * subpage its own content) is mapped read-only and executable at a
 * 2 MiB-aligned address A by process p, and p's PMD has been split as a
 * FOLL_SPLIT_PMD read leaves it (setup does one get_user_pages_remote
 * with FOLL_FORCE | FOLL_SPLIT_PMD):
 *
 *   p   PMD -> table: PTE[0..15] -> T+0 .. T+15 (fault-around), the rest none
 *
 * CPU0 collapses the range back, CPU1 registers a uprobe at file offset
 * 0x1000 (T+1):
 *
 *   khugepaged   a wake-up of one page before the race found T mapped by
 *                PTEs and put A in p's pte-mapped THP array; CPU0's
 *                wake-up begins with it: mmap_write_trylock(p),
 *                collapse_pte_mapped_thp(p, A, false), which retracts the
 *                table (the next fault maps T by PMD)
 *   madvise      MADV_COLLAPSE on [A, A+2M): the file scan finds T, then
 *                mmap_write_lock(p), collapse_pte_mapped_thp(p, A, true),
 *                which retracts the table and maps T by PMD
 *
 * uprobe_register: register_rwsem, dup_mmap_sem, the file's i_mmap lock
 * for read (build_map_info), p's mmap lock for write, GUP with FOLL_FORCE
 * | FOLL_SPLIT_PMD (an empty PMD faults T in by PMD, which is split and a
 * table put in), then __replace_page under T's page lock and the PTE lock.
 *
 * 6.1's locks, as the model takes them: collapse_pte_mapped_thp holds p's
 * mmap lock for write, T's page lock (find_lock_page), the i_mmap lock
 * for write, the PTE lock while it checks, and the anon_vma lock (the
 * register's anon_vma_prepare made one) while it frees the table.  So in
 * p the two are serialised by the mmap lock; they overlap only outside
 * it.  What must hold in every interleaving: the invariant checker is
 * clean; once the probe's copy is in p it stays (checked after every
 * step); at the end p runs the probe's copy at A + 0x1000, PTE-mapped
 * (never a PMD mapping of T that hides it), T is unlocked and no page
 * went between the buddy and pcp lists.  The window must open: the
 * collapse retracts p's table first (the register then faults T in by
 * PMD and splits it again), the collapse finds the probe's copy and
 * gives up (the seed's "hpage + i != page" check, the uprobe the reason
 * it fires), khugepaged's trylock finds p's mmap lock taken (A stays in
 * the array), and the two are under way at once both ways round.
 *
 * The mutant (m->inject.khugepaged_cpmt_skip_subpage_check): the collapse
 * without that check, which Oleg asked about in the seed's review (v12
 * 5/6: can a PTE there map anything but T's subpage?).  With the probe
 * installed first, MADV_COLLAPSE takes the copy's PTE for T+1's and drops
 * T+1's mapcount below zero: found, and its replay string reproduces it.
 *
 * A second process q, which the register would install into first, made
 * the search too big to finish (DPOR: more than 2000 schedules of about
 * 7000 steps, from the two CPUs' reference and mapcount updates of T's
 * pages, with no lock between them); it is left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "explore.h"
#include "explore_cmocka.h"
#include "check.h"
#include "cpu.h"
#include "filemap.h"
#include "gup.h"
#include "huge_memory.h"
#include "khugepaged.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "pgtable.h"
#include "rmap.h"
#include "task.h"
#include "uprobes.h"

#define VA		0x40000000UL		/* 1 GiB: 2 MiB aligned */
#define PG		PAGE_SIZE
#define PROBE_OFF	0x1000UL		/* file offset = offset in the range */

enum collapser { C_KHUGEPAGED, C_MADVISE };

struct ur {
	/* what the test sets up */
	enum collapser cpu0;
	bool skip_subpage_check;	/* the mutant */
	/* per schedule */
	struct machine *m;
	struct task *p;
	struct inode *inode;
	struct uprobe_consumer uc;
	unsigned long hpage;
	unsigned long buddy0;
	long res0, res1;
	int c0, c1;			/* 0 not started, 1 running, 2 returned */
	bool p_probe_seen;
	bool overlap_install, overlap_collapse;
};

/* A process on cpu writes a few pages in a few PMDs and exits: cpu's pcp lists fill */
static bool warm_up_cpu(struct machine *m, int cpu)
{
	uint64_t base = 3UL << 30, len = 4 * PMD_SIZE;
	struct task *t;
	bool ok;
	int err;

	m->cur_cpu = cpu;
	t = task_create(m, "warm-up", &err);
	if (!t)
		return false;
	ok = ksys_mmap_pgoff(m, t, base, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == (long)base;
	for (uint64_t a = base; ok && a < base + len; a += PMD_SIZE / 4)
		ok = user_access(m, t->mm, a, true) == UA_OK;
	do_exit(m, t, 0);
	return ok;
}

static pteval_t pmd_of(struct machine *m, struct mm_struct *mm)
{
	unsigned long table;
	unsigned int idx;

	if (!pmd_slot(m, mm, VA, false, &table, &idx, NULL))
		return 0;
	return pt_read(m, table, idx);
}

/* The probe's copy is what mm runs at VA + PROBE_OFF: an anon PTE with int3 at 0 */
static bool probe_in(struct machine *m, struct mm_struct *mm)
{
	enum pt_level level;
	pteval_t e = pt_walk(m, mm, VA + PROBE_OFF, &level, NULL, NULL);

	return pte_present(e) && level == PT_PTE && PageAnon(m, pte_pfn(e)) &&
	       page_has_swbp(m, pte_pfn(e), 0);
}

static bool map_text(struct machine *m, struct task *t)
{
	long fd = do_sys_open(m, t, "/mnt/prog", O_RDONLY);

	if (fd < 0 || ksys_mmap_pgoff(m, t, VA, PMD_SIZE, PROT_READ | PROT_EXEC,
				      MAP_PRIVATE | MAP_FIXED, (int)fd, 0) != (long)VA)
		return false;
	ksys_close(m, t, (int)fd);
	for (uint64_t a = VA; a < VA + PMD_SIZE; a += PG)
		if (user_access(m, t->mm, a, false) != UA_OK)
			return false;
	return pmd_leaf(pmd_of(m, t->mm));
}

/* mm's PMD split as a FOLL_SPLIT_PMD read leaves it: T+0 .. T+15 by PTEs */
static bool split_pmd(struct machine *m, struct mm_struct *mm, unsigned long hpage)
{
	struct vm_area_struct *vma;
	unsigned long pfn;
	long n;

	down_read(m, &mm->mmap_lock);
	n = get_user_pages_remote(m, mm, VA + 5 * PG, 1, FOLL_FORCE | FOLL_SPLIT_PMD, &pfn, &vma);
	up_read(m, &mm->mmap_lock);
	if (n != 1)
		return false;
	put_page(m, pfn);
	return pfn == hpage + 5 && !pmd_leaf(pmd_of(m, mm));
}

static void *ur_setup(struct xp_ctx *x, void *arg)
{
	struct ur *s = arg;
	struct machine_opts o;
	unsigned long pfn;
	char err[256];
	int e, thp;

	t_opts(&o, 1, 64, 2);
	s->m = machine_create(&o, err, sizeof(err));
	s->p = NULL;
	s->res0 = s->res1 = -1;
	s->c0 = s->c1 = 0;
	s->p_probe_seen = s->overlap_install = s->overlap_collapse = false;
	memset(&s->uc, 0, sizeof(s->uc));
	if (!s->m) {
		xp_fail(x, "machine_create: %s", err);
		return s;
	}
	s->m->thp_off_at_boot = false;	/* THP on at 64 MiB, as t_boot has it */
	/* the program: one THP in the page cache, every subpage its own bytes */
	if (shmem_mount(s->m, "/mnt", "huge=always", err, sizeof(err)) ||
	    do_truncate_path(s->m, "/mnt/prog", PMD_SIZE)) {
		xp_fail(x, "the file: %s", err);
		return s;
	}
	s->inode = inode_lookup(s->m, "/mnt/prog");
	for (unsigned long i = 0; s->inode && i < HPAGE_PMD_NR; i++) {
		if (shmem_read_mapping_page(s->m, s->inode, i, &pfn)) {
			xp_fail(x, "reading the file in failed");
			return s;
		}
		set_page_content(s->m, pfn, 0x1000 + i);
		if (!i)
			s->hpage = pfn;
		put_page(s->m, pfn);
	}
	if (!s->inode || !PageHead(s->m, s->hpage)) {
		xp_fail(x, "the file is not one THP");
		return s;
	}
	s->p = task_create(s->m, "p", &e);
	if (!s->p || !map_text(s->m, s->p)) {
		xp_fail(x, "mapping the text by PMD failed");
		return s;
	}
	if (!split_pmd(s->m, s->p->mm, s->hpage)) {
		xp_fail(x, "splitting p's PMD failed");
		return s;
	}
	__khugepaged_enter(s->m, s->p->mm);
	if (s->cpu0 == C_KHUGEPAGED) {
		/*
		 * One wake-up of one page: khugepaged scans p's range, finds T
		 * mapped by PTEs (SCAN_PTE_MAPPED_HUGEPAGE) and puts it in p's
		 * array, and stops with its cursor past the range; the next
		 * wake-up (CPU0's) begins with that array.
		 */
		khugepaged_settings(s->m)->pages_to_scan = 1;
		khugepaged_do_scan(s->m);
		if (khugepaged_nr_pte_mapped_thp(s->m, s->p->mm, NULL) != 1) {
			xp_fail(x, "khugepaged did not put p's range in its array");
			return s;
		}
	}
	/* last, and with small pages: reading the THP in drained the pcp lists */
	thp = thp_settings(s->m)->enabled;
	thp_settings(s->m)->enabled = THP_NEVER;
	if (!warm_up_cpu(s->m, 1) || !warm_up_cpu(s->m, 0)) {
		xp_fail(x, "warm-up failed");
		return s;
	}
	thp_settings(s->m)->enabled = thp;
	s->m->inject.khugepaged_cpmt_skip_subpage_check = s->skip_subpage_check;
	s->buddy0 = global_zone_page_state(s->m, NR_FREE_PAGES);
	xp_name_range(x, &s->p->mm->mmap_lock, sizeof(s->p->mm->mmap_lock), "p.mmap_lock");
	xp_name_range(x, &s->inode->i_mmap_rwsem, sizeof(s->inode->i_mmap_rwsem),
		      "prog.i_mmap_rwsem");
	xp_name_range(x, (void *)(uintptr_t)((uint64_t)s->hpage << PAGE_SHIFT),
		      PAGE_SIZE * HPAGE_PMD_NR, "T");
	xp_attach_machine(x, s->m);
	return s;
}

static void ur_teardown(struct xp_ctx *x, void *state)
{
	struct ur *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

static void ur_cpu0(struct xp_ctx *x, void *state)
{
	struct ur *s = state;

	(void)x;
	s->c0 = 1;
	if (s->cpu0 == C_KHUGEPAGED)
		khugepaged_do_scan(s->m);
	else
		s->res0 = do_madvise(s->m, s->p, VA, PMD_SIZE, MADV_COLLAPSE);
	s->c0 = 2;
}

static void ur_cpu1(struct xp_ctx *x, void *state)
{
	struct ur *s = state;

	(void)x;
	s->c1 = 1;
	s->res1 = uprobe_register(s->m, s->inode, PROBE_OFF, &s->uc);
	s->c1 = 2;
}

/*
 * After every step: p's probe, once in, stays; and note when the two
 * are under way at once: the register has made its uprobe (it is at or
 * past register_for_each_vma) while the collapse holds p's mmap lock and
 * T's page lock, or the probe went in while CPU0 had started and not yet
 * collapsed (khugepaged or MADV_COLLAPSE scanning, or waiting for p's
 * mmap lock)
 */
static void ur_invariant(struct xp_ctx *x, void *state)
{
	struct ur *s = state;
	struct machine *m = s->m;
	const struct khugepaged_stats *st = khugepaged_stats(m);
	bool in_p = probe_in(m, s->p->mm);
	unsigned long cpmt = 0;

	if (s->p_probe_seen && !in_p) {
		xp_fail(x, "the probe's copy went from p's page tables (p's PMD %#llx)",
			(unsigned long long)pmd_of(m, s->p->mm));
		return;
	}
	s->p_probe_seen |= in_p;
	for (int r = 0; r < NR_SCAN_RESULTS; r++)
		cpmt += st->cpmt[r];
	if (s->c0 == 1 && s->c1 == 1 && !in_p && find_uprobe(m, s->inode, PROBE_OFF) &&
	    rwsem_write_held(m, &s->p->mm->mmap_lock) && PageLocked(m, s->hpage) && !cpmt)
		s->overlap_collapse = true;
	if (s->c0 == 1 && s->c1 == 1 && in_p && !cpmt)
		s->overlap_install = true;
}

static void ur_final(struct xp_ctx *x, void *state)
{
	struct ur *s = state;
	struct machine *m = s->m;
	const struct khugepaged_stats *st = khugepaged_stats(m);
	char err[512];

	if (global_zone_page_state(m, NR_FREE_PAGES) != s->buddy0) {
		xp_fail(x, "the race moved pages between the buddy and pcp lists, which have no "
			"zone lock under the explorer: stock the pcp lists better in setup");
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err))) {
		xp_fail(x, "invariants: %s", err);
		return;
	}
	if (s->res1) {
		xp_fail(x, "uprobe_register returned %ld", s->res1);
		return;
	}
	if (PageLocked(m, s->hpage)) {
		xp_fail(x, "T is still locked");
		return;
	}
	if (!probe_in(m, s->p->mm)) {
		xp_fail(x, "after the register, p does not run the probe's copy at %#lx (its PMD "
			"%#llx)", VA + PROBE_OFF, (unsigned long long)pmd_of(m, s->p->mm));
		return;
	}
	xp_sometimes_if(x, "the collapse retracted p's table before the probe went in",
			st->cpmt[SCAN_SUCCEED] == 1);
	xp_sometimes_if(x, "the collapse found the probe's copy in p and gave up",
			st->cpmt[SCAN_FAIL] == 1);
	xp_sometimes_if(x, "the register had begun while the collapse held p's mmap lock and T",
			s->overlap_collapse);
	xp_sometimes_if(x, "the probe went in while CPU0 was under way, before its collapse",
			s->overlap_install);
	if (s->cpu0 == C_KHUGEPAGED)
		xp_sometimes_if(x, "khugepaged found p's mmap lock taken: p's range stays in its "
				"array", khugepaged_nr_pte_mapped_thp(m, s->p->mm, NULL) == 1);
}

/* -------------------------------------------------------------------------
 * The explorations
 */
static const char *const s_khugepaged[] = {
	"the collapse retracted p's table before the probe went in",
	"the collapse found the probe's copy in p and gave up",
	"the register had begun while the collapse held p's mmap lock and T",
	"the probe went in while CPU0 was under way, before its collapse",
	"khugepaged found p's mmap lock taken: p's range stays in its array", NULL,
};
static const char *const s_madvise[] = {
	"the collapse retracted p's table before the probe went in",
	"the collapse found the probe's copy in p and gave up",
	"the register had begun while the collapse held p's mmap lock and T",
	"the probe went in while CPU0 was under way, before its collapse", NULL,
};

#define UR_TEST(var, tname, cfg, sometimes_)					\
	static struct ur var##_st = cfg;					\
	static const struct xp_test var = {					\
		.name = tname, .ncpus = 2, .setup = ur_setup,			\
		.teardown = ur_teardown, .invariant = ur_invariant,		\
		.final = ur_final, .arg = &var##_st,				\
		.cpu = { ur_cpu0, ur_cpu1 }, .sometimes = sometimes_,		\
		}

UR_TEST(t_khugepaged, "khugepaged_cpmt_vs_uprobe_register",
	((struct ur){ .cpu0 = C_KHUGEPAGED }), s_khugepaged);
UR_TEST(t_madvise, "madv_collapse_vs_uprobe_register",
	((struct ur){ .cpu0 = C_MADVISE }), s_madvise);

/* The mutant: must be found, and its replay string reproduce it */
static struct ur madvise_skip_st = { .cpu0 = C_MADVISE, .skip_subpage_check = true };
static struct xp_test t_madvise_skip = {
	.name = "madv_collapse_vs_uprobe_register_no_subpage_check", .ncpus = 2,
	.setup = ur_setup, .teardown = ur_teardown, .invariant = ur_invariant,
	.final = ur_final, .arg = &madvise_skip_st, .cpu = { ur_cpu0, ur_cpu1 },
	.expect_failure = true,
	.expect_msg = "mapcount underflow",
};

int main(void)
{
	const struct CMUnitTest tests[] = {
		XP_UNIT_TEST_EXHAUSTIVE(t_khugepaged),
		XP_UNIT_TEST_EXHAUSTIVE(t_madvise),
		XP_UNIT_TEST(t_madvise_skip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
