// SPDX-License-Identifier: GPL-2.0-only
/*
 * races_khugepaged.c - khugepaged against faults, lockless walkers and
 * uprobes (seed 001), as named races of the "thp-uprobe" family, whose
 * entries pick the khugepaged a kernel has (6.1's, 6.6's; khugepaged.c):
 * retract_page_tables against a fault or a walker, and
 * collapse_pte_mapped_thp against uprobe_register
 * (model/khugepaged.c, uprobes.c, gup.c, rcu.c).
 *
 * Retraction races (retract-*):
 *
 * A 2 MiB tmpfs file with 4 small pages, mapped at 2 MiB-aligned
 * addresses by two processes, both registered with khugepaged:
 *
 *   p (the collapse's target)   A: MAP_SHARED,  PTEs | p0 | p1 | p2 | p3 | - ... |
 *   q (the racer)               B: MAP_PRIVATE, PTEs | p0 | p1 | p2 | p3 | - ... |
 *
 * Setup runs collapse_file up to its retraction: the new THP T is in the
 * page cache, locked, the small pages are unmapped (both PTE tables are
 * empty now) and freed.  CPU0 then runs the rest, retract_page_tables and
 * the unlock of T (collapse_file_finish); CPU1 touches B + 4 KiB.
 *
 * 1. Seed 001's argument (Kirill, Oleg): retract_page_tables checks
 *    q's anon_vma without q's mmap lock, and frees q's table without
 *    looking into it.  A fault that could put a PTE into the table after
 *    the unmap and before the retraction would have it freed with the
 *    table.  It cannot: the fault needs T, and T stays locked until the
 *    retraction is done, while the fault waits for it holding q's mmap
 *    lock, so the retraction's mmap_write_trylock fails.  Explored with a
 *    COW (write) fault and a read fault; every schedule must leave q's
 *    page tables, rss, mapcounts and refcounts consistent, and the window
 *    must open: in some schedule the trylock fails (q is deferred to its
 *    pte-mapped THP array), in some q's table goes before the fault, in
 *    some q is skipped for the anon_vma the COW set up.
 * 2. The mutant (m->inject.khugepaged_unlock_early): T unlocked before the
 *    retraction.  A read fault then maps T's subpage into q's table and
 *    returns, the trylock succeeds, and the table is freed with the PTE
 *    in it; the explorer must find it and its replay string reproduce it.
 *    With a COW fault the mutant is still safe: 6.1.192 re-checks the
 *    anon_vma under the mmap lock, and the COW set one up (the search
 *    must see that re-check fire).
 * 3. 6.6 (thp-uprobe=collapse-6.6): the retraction takes no mmap lock at all and the
 *    table goes after an RCU grace period.  A lockless walker (GUP-fast
 *    style: rcu_read_lock, read the PMD, read the PTEs) on CPU1 against
 *    the retraction and rcu_barrier_tables on CPU0: the table must still
 *    be a page table for as long as the walker reads it, and the window
 *    (the PMD cleared while the walker is inside) must open.  With the
 *    table freed at once (m->inject.khugepaged_free_table_early) the
 *    walker reads a freed page: found, with a replay string.
 *
 * As in test_fault_race.c, each CPU's per-cpu page lists are stocked in
 * setup so that no CPU refills from the buddy lists during the race (the
 * allocator has no zone lock under the explorer), and the final check
 * makes sure of it.
 *
 * Uprobe races (uprobe-*):
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

#include "races_int.h"
#include "check.h"
#include "cpu.h"
#include "filemap.h"
#include "gup.h"
#include "huge_memory.h"
#include "khugepaged.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "rcu.h"
#include "rmap.h"
#include "task.h"
#include "uprobes.h"
#include "vmstat.h"

#define WARM_BASE	(3UL << 30)
#define WARM_STRIDE	(PMD_SIZE / 4)

#define VA_A		0x40000000UL		/* 1 GiB: 2 MiB aligned */
#define VA_B		0x80000000UL
#define PG		PAGE_SIZE
#define NR_SMALL	4

enum body { B_WRITE, B_READ, B_WALK };

struct kr {
	struct race_base b;
	/* what the race sets up */
	enum body body;
	bool unlock_early;		/* the page-lock mutant */
	bool free_early;		/* the RCU mutant */
	/* per schedule */
	struct machine *m;
	struct task *p, *q;
	struct inode *inode;
	struct collapse_control cc;
	unsigned long hpage, table_b;
	unsigned long buddy0;
	long res0, res1;
	bool walker_saw_table, walker_saw_cleared;
};

static long mmap_file(struct machine *m, struct task *t, uint64_t a, int flags, long fd)
{
	return ksys_mmap_pgoff(m, t, a, PMD_SIZE, PROT_READ | PROT_WRITE, flags | MAP_FIXED,
			       (int)fd, 0);
}

static void *kr_setup(struct xp_ctx *x, void *arg)
{
	struct kr *s = arg;
	struct machine_opts o;
	char err[256];
	long fd, fp, fq;
	int e;

	race_opts(&o, 1, 64, 2);
	o.thp_enabled = THP_NEVER;		/* q's faults map 4 KiB pages */
	s->m = race_machine(x, &s->b, &o);
	s->p = s->q = NULL;
	s->res0 = s->res1 = -1;
	s->walker_saw_table = s->walker_saw_cleared = false;
	if (!s->m)
		return s;
	if (!race_warm_up_cpu(s->m, 1, WARM_BASE, WARM_STRIDE) ||
	    !race_warm_up_cpu(s->m, 0, WARM_BASE, WARM_STRIDE)) {
		xp_fail(x, "warm-up failed");
		return s;
	}
	/* the file: four small pages with data */
	if (shmem_mount(s->m, "/mnt", "huge=advise", err, sizeof(err))) {
		xp_fail(x, "mount: %s", err);
		return s;
	}
	s->p = task_create(s->m, "p", &e);
	s->q = task_create(s->m, "q", &e);
	fd = do_sys_open(s->m, s->p, "/mnt/f", O_RDWR | O_CREAT);
	fq = do_sys_open(s->m, s->q, "/mnt/f", O_RDWR);
	fp = fd;
	if (fd < 0 || fq < 0 || do_ftruncate(s->m, s->p, (int)fd, PMD_SIZE) ||
	    mmap_file(s->m, s->p, VA_A, MAP_SHARED, fp) != (long)VA_A ||
	    mmap_file(s->m, s->q, VA_B, s->body == B_WALK ? MAP_SHARED : MAP_PRIVATE, fq) !=
	    (long)VA_B) {
		xp_fail(x, "process setup failed");
		return s;
	}
	for (unsigned int i = 0; i < NR_SMALL; i++)
		if (user_access(s->m, s->p->mm, VA_A + i * PG, true) != UA_OK) {
			xp_fail(x, "writing the file failed");
			return s;
		}
	if (user_access(s->m, s->q->mm, VA_B, false) != UA_OK) {	/* fault-around: all 4 */
		xp_fail(x, "q's read failed");
		return s;
	}
	s->inode = s->p->fd[fd]->inode;
	s->table_b = race_pte_table(s->m, s->q->mm, VA_B);
	__khugepaged_enter(s->m, s->p->mm);
	__khugepaged_enter(s->m, s->q->mm);
	/* collapse_file up to its retraction */
	memset(&s->cc, 0, sizeof(s->cc));
	s->cc.is_khugepaged = true;
	s->cc.keep_locked = true;
	if (collapse_file(s->m, s->p->mm, VA_A, s->inode, 0, &s->cc) != SCAN_SUCCEED) {
		xp_fail(x, "collapse_file failed");
		return s;
	}
	s->hpage = s->cc.locked_hpage;
	if (!PageLocked(s->m, s->hpage) || s->table_b == PFN_NONE ||
	    pt_read(s->m, s->table_b, 0)) {
		xp_fail(x, "setup: T not locked, or q's table not there and empty");
		return s;
	}
	s->m->inject.khugepaged_unlock_early = s->unlock_early;
	s->m->inject.khugepaged_free_table_early = s->free_early;
	s->buddy0 = global_zone_page_state(s->m, NR_FREE_PAGES);
	xp_name_range(x, &s->q->mm->mmap_lock, sizeof(s->q->mm->mmap_lock), "q.mmap_lock");
	xp_name_range(x, (void *)(uintptr_t)((uint64_t)s->table_b << PAGE_SHIFT), PAGE_SIZE,
		      "T_B");
	xp_attach_machine(x, s->m);
	return s;
}

static void kr_teardown(struct xp_ctx *x, void *state)
{
	struct kr *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

static void kr_cpu0(struct xp_ctx *x, void *state)
{
	struct kr *s = state;

	(void)x;
	s->res0 = collapse_file_finish(s->m, s->inode, 0, s->p->mm, VA_A, s->hpage, &s->cc);
	if (khugepaged_settings(s->m)->variant == KHUGEPAGED_6_6)
		rcu_barrier_tables(s->m);
}

/*
 * GUP-fast's walk of q's B: inside an RCU read-side section, read the PMD
 * and then the table's first entries; the table page must still be a page
 * table while it is read.
 */
static void walk_lockless(struct xp_ctx *x, struct kr *s)
{
	struct machine *m = s->m;
	unsigned long table;

	rcu_read_lock(m);
	table = race_pte_table(m, s->q->mm, VA_B);
	if (table != PFN_NONE) {
		s->walker_saw_table = true;
		for (unsigned int i = 0; i < 2; i++) {
			xp_assert(x, PageTable(m, table) && page_ref_count(m, table) > 0,
				  "the PTE table %#lx the walker read from the PMD was freed while "
				  "the walker was still in its read-side section", table);
			(void)pt_read(m, table, i);
		}
		if (race_pte_table(m, s->q->mm, VA_B) == PFN_NONE)
			s->walker_saw_cleared = true;
	}
	rcu_read_unlock(m);
}

static void kr_cpu1(struct xp_ctx *x, void *state)
{
	struct kr *s = state;

	switch (s->body) {
	case B_WRITE:
		s->res1 = user_access(s->m, s->q->mm, VA_B + PG, true);
		break;
	case B_READ:
		s->res1 = user_access(s->m, s->q->mm, VA_B + PG, false);
		break;
	case B_WALK:
		walk_lockless(x, s);
		s->res1 = 0;
		break;
	}
}

static void kr_final(struct xp_ctx *x, void *state)
{
	struct kr *s = state;
	struct machine *m = s->m;
	const struct khugepaged_stats *st = khugepaged_stats(m);
	enum pt_level level;
	char err[512];
	pteval_t e;

	if (!race_pcp_untouched(x, m, s->buddy0))
		return;
	if (!mm_check_invariants(m, err, sizeof(err))) {
		xp_fail(x, "invariants: %s", err);
		return;
	}
	if (PageLocked(m, s->hpage)) {
		xp_fail(x, "T is still locked");
		return;
	}
	if (s->body == B_WALK) {
		race_window(x, &s->b, "the walker read q's table", s->walker_saw_table);
		race_window(x, &s->b, "the retraction cleared the PMD inside the walker's section",
				s->walker_saw_cleared);
		if (race_pte_table(m, s->q->mm, VA_B) != PFN_NONE || rcu_deferred_tables(m))
			xp_fail(x, "q's table is still there or still waits for a grace period");
		return;
	}
	/* the fault's outcome */
	if (s->res1 != UA_OK) {
		xp_fail(x, "the access ended in %ld", s->res1);
		return;
	}
	e = pt_walk(m, s->q->mm, VA_B + PG, &level, NULL, NULL);
	if (!pte_present(e)) {
		xp_fail(x, "B + 4K is not mapped after the fault");
		return;
	}
	if (s->body == B_WRITE && (level != PT_PTE || !PageAnon(m, pte_pfn(e)))) {
		xp_fail(x, "the write did not leave a private copy (%#llx)",
			(unsigned long long)e);
		return;
	}
	/* T by PTE in the old table (deferred), or by PMD (retracted first) */
	if (s->body == B_READ &&
	    (level == PT_PTE ? pte_pfn(e) != s->hpage + 1 : pte_pfn(e) != s->hpage)) {
		xp_fail(x, "the read maps %#llx at level %d, not T+1", (unsigned long long)e,
			(int)level);
		return;
	}
	if (s->body == B_READ)
		race_window(x, &s->b, "the fault mapped T by PMD", level == PT_PMD);
	race_window(x, &s->b, "q's mmap lock was held by the fault: q deferred to its array",
			khugepaged_nr_pte_mapped_thp(m, s->q->mm, NULL) == 1);
	race_window(x, &s->b, "q's table was retracted before the fault",
			st->tables_retracted == 2);
	if (s->unlock_early && s->body == B_WRITE)
		race_window(x, &s->b, "the anon_vma re-check under the mmap lock caught the COW",
				st->retract_anon_recheck == 1);
}

/* -------------------------------------------------------------------------
 * The retraction races
 */
#define W_DEFERRED	"q's mmap lock was held by the fault: q deferred to its array"
#define W_RETRACTED	"q's table was retracted before the fault"
#define W_BY_PMD	"the fault mapped T by PMD"
#define W_RECHECK	"the anon_vma re-check under the mmap lock caught the COW"
#define W_WALKER_READ	"the walker read q's table"
#define W_WALKER_CLEAR	"the retraction cleared the PMD inside the walker's section"

static const char *const s_cow[] = { W_DEFERRED, W_RETRACTED, NULL };
static const char *const s_read[] = { W_DEFERRED, W_RETRACTED, W_BY_PMD, NULL };
static const char *const s_cow_early[] = { W_RETRACTED, W_RECHECK, NULL };
static const char *const s_walk[] = { W_WALKER_READ, W_WALKER_CLEAR, NULL };
static const char *const s_kr_all[] = {
	W_DEFERRED, W_RETRACTED, W_BY_PMD, W_RECHECK, W_WALKER_READ, W_WALKER_CLEAR, NULL,
};

#define KR_RACE(var, rname, text0, text1, cfg_, ...)				\
	static const struct kr var##_cfg = cfg_;					\
	static const struct race_expect var##_expect[] = { __VA_ARGS__ };			\
	const struct race_def var = {							\
		.name = rname, .family = "thp-uprobe",					\
		.summary = "khugepaged's retract_page_tables against q touching its range", \
		.cpu_text = { text0, text1 },						\
		.cfg = &var##_cfg, .cfg_size = sizeof(struct kr), .ncpus = 2,		\
		.setup = kr_setup, .teardown = kr_teardown, .final = kr_final,		\
		.cpu = { kr_cpu0, kr_cpu1 }, .windows = s_kr_all,			\
		.expect = var##_expect, .nr_expect = ARRAY_SIZE(var##_expect),		\
	}

#define RETRACT	"collapse_file_finish: retract_page_tables, unlock T"
#define RETRACT_66	RETRACT " (6.6: then rcu_barrier_tables)"
#define NOTE_66		"measured, not analysed: 6.6 retracts without the mmap lock"
#define NOTE_WALKER	"the walker stands for GUP-fast under RCU; before 6.6 tables go at " \
			"once and GUP-fast relies on disabled interrupts, which it does not model"
#define FREED		"was freed while the walker"

KR_RACE(race_retract_cow_fault, "retract-cow-fault", RETRACT, "write q's page 1 (COW)",
	((struct kr){ .body = B_WRITE }),
	{ .policy = "split-pmd-collapse", .windows = s_cow,
	  .test = "retract_vs_cow_fault" },
	{ .policy = "foll-split" }, { .policy = "split-pmd" },
	{ .policy = "collapse-6.6", .fails = true, .msg = "invariants: ", 
	  .note = NOTE_66 });
KR_RACE(race_retract_read_fault, "retract-read-fault", RETRACT, "read q's page 1",
	((struct kr){ .body = B_READ }),
	{ .policy = "split-pmd-collapse", .windows = s_read,
	  .test = "retract_vs_read_fault" },
	{ .policy = "foll-split" }, { .policy = "split-pmd" },
	{ .policy = "collapse-6.6", .fails = true, .msg = "invariants: ", 
	  .note = NOTE_66 });
KR_RACE(race_retract_cow_fault_unlock_early, "retract-cow-fault-unlock-early",
	RETRACT ", T unlocked first (m->inject.khugepaged_unlock_early)",
	"write q's page 1 (COW)", ((struct kr){ .body = B_WRITE, .unlock_early = true }),
	{ .policy = "split-pmd-collapse", .windows = s_cow_early,
	  .test = "retract_vs_cow_fault_unlock_early" },
	{ .policy = "foll-split" }, { .policy = "split-pmd" },
	{ .policy = "collapse-6.6", .fails = true, .msg = "invariants: ", 
	  .note = NOTE_66 });
KR_RACE(race_retract_read_fault_unlock_early, "retract-read-fault-unlock-early",
	RETRACT ", T unlocked first (m->inject.khugepaged_unlock_early)", "read q's page 1",
	((struct kr){ .body = B_READ, .unlock_early = true }),
	{ .policy = "split-pmd-collapse", .fails = true, .msg = "invariants: ",
	  .test = "retract_vs_read_fault_unlock_early" },
	{ .policy = "foll-split", .fails = true, .msg = "invariants: " },
	{ .policy = "split-pmd", .fails = true, .msg = "invariants: " },
	{ .policy = "collapse-6.6", .fails = true, .msg = "invariants: ", 
	  .note = NOTE_66 });
KR_RACE(race_retract_lockless_walker, "retract-lockless-walker", RETRACT_66,
	"rcu_read_lock, read q's PMD and PTEs (GUP-fast under RCU)",
	((struct kr){ .body = B_WALK }),
	{ .policy = "collapse-6.6", .windows = s_walk,
	  .test = "retract_66_vs_lockless_walker" },
	{ .policy = "split-pmd-collapse", .fails = true, .msg = FREED,
	  .note = NOTE_WALKER },
	{ .policy = "split-pmd", .fails = true, .msg = FREED,
	  .note = NOTE_WALKER },
	{ .policy = "foll-split", .fails = true, .msg = FREED,
	  .note = NOTE_WALKER });
KR_RACE(race_retract_lockless_walker_no_grace_period, "retract-lockless-walker-no-grace-period",
	RETRACT_66 ", the table freed at once (m->inject.khugepaged_free_table_early)",
	"rcu_read_lock, read q's PMD and PTEs (GUP-fast under RCU)",
	((struct kr){ .body = B_WALK, .free_early = true }),
	{ .policy = "collapse-6.6", .fails = true,
	  .msg = "was freed while the walker was still in its read-side section",
	  .test = "retract_66_vs_lockless_walker_no_grace_period" },
	{ .policy = "split-pmd-collapse", .fails = true, .msg = "was freed while the walker" },
	{ .policy = "split-pmd", .fails = true, .msg = "was freed while the walker" },
	{ .policy = "foll-split", .fails = true, .msg = "was freed while the walker" });

/* -------------------------------------------------------------------------
 * The uprobe races
 */
#define VA		0x40000000UL		/* 1 GiB: 2 MiB aligned */
#define PROBE_OFF	0x1000UL		/* file offset = offset in the range */

enum collapser { C_KHUGEPAGED, C_MADVISE };

struct ur {
	struct race_base b;
	/* what the race sets up */
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
	return pmd_leaf(race_pmd_entry(m, t->mm, VA));
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
	return pfn == hpage + 5 && !pmd_leaf(race_pmd_entry(m, mm, VA));
}

static void *ur_setup(struct xp_ctx *x, void *arg)
{
	struct ur *s = arg;
	struct machine_opts o;
	unsigned long pfn;
	char err[256];
	int e, thp;

	race_opts(&o, 1, 64, 2);
	s->m = race_machine(x, &s->b, &o);
	s->p = NULL;
	s->res0 = s->res1 = -1;
	s->c0 = s->c1 = 0;
	s->p_probe_seen = s->overlap_install = s->overlap_collapse = false;
	memset(&s->uc, 0, sizeof(s->uc));
	if (!s->m)
		return s;
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
	if (!race_warm_up_cpu(s->m, 1, WARM_BASE, WARM_STRIDE) ||
	    !race_warm_up_cpu(s->m, 0, WARM_BASE, WARM_STRIDE)) {
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
			(unsigned long long)race_pmd_entry(m, s->p->mm, VA));
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

	if (!race_pcp_untouched(x, m, s->buddy0))
		return;
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
			"%#llx)", VA + PROBE_OFF,
			(unsigned long long)race_pmd_entry(m, s->p->mm, VA));
		return;
	}
	race_window(x, &s->b, "the collapse retracted p's table before the probe went in",
			st->cpmt[SCAN_SUCCEED] == 1);
	race_window(x, &s->b, "the collapse found the probe's copy in p and gave up",
			st->cpmt[SCAN_FAIL] == 1);
	race_window(x, &s->b, "the register had begun while the collapse held p's mmap lock and T",
			s->overlap_collapse);
	race_window(x, &s->b, "the probe went in while CPU0 was under way, before its collapse",
			s->overlap_install);
	if (s->cpu0 == C_KHUGEPAGED)
		race_window(x, &s->b, "khugepaged found p's mmap lock taken: p's range "
			    "stays in its array",
			    khugepaged_nr_pte_mapped_thp(m, s->p->mm, NULL) == 1);
}

#define W_CPMT_RETRACTED	"the collapse retracted p's table before the probe went in"
#define W_CPMT_GAVE_UP		"the collapse found the probe's copy in p and gave up"
#define W_OVERLAP_COLLAPSE	\
	"the register had begun while the collapse held p's mmap lock and T"
#define W_OVERLAP_INSTALL	"the probe went in while CPU0 was under way, before its collapse"
#define W_TRYLOCK		\
	"khugepaged found p's mmap lock taken: p's range stays in its array"

static const char *const s_khugepaged[] = {
	W_CPMT_RETRACTED, W_CPMT_GAVE_UP, W_OVERLAP_COLLAPSE, W_OVERLAP_INSTALL, W_TRYLOCK, NULL,
};
static const char *const s_madvise[] = {
	W_CPMT_RETRACTED, W_CPMT_GAVE_UP, W_OVERLAP_COLLAPSE, W_OVERLAP_INSTALL, NULL,
};

#define UR_RACE(var, rname, text0, cfg_, windows_, ...)				\
	static const struct ur var##_cfg = cfg_;					\
	static const struct race_expect var##_expect[] = { __VA_ARGS__ };			\
	const struct race_def var = {							\
		.name = rname, .family = "thp-uprobe",					\
		.summary = "collapse_pte_mapped_thp against uprobe_register on one THP",	\
		.cpu_text = { text0, "uprobe_register at file offset 0x1000" },	\
		.cfg = &var##_cfg, .cfg_size = sizeof(struct ur), .ncpus = 2,		\
		.setup = ur_setup, .teardown = ur_teardown, .invariant = ur_invariant,	\
		.final = ur_final, .cpu = { ur_cpu0, ur_cpu1 }, .windows = windows_,	\
		.expect = var##_expect, .nr_expect = ARRAY_SIZE(var##_expect),		\
	}

UR_RACE(race_uprobe_khugepaged, "uprobe-khugepaged",
	"khugepaged: mmap_write_trylock, collapse_pte_mapped_thp(p, A, false)",
	((struct ur){ .cpu0 = C_KHUGEPAGED }), s_khugepaged,
	{ .policy = "split-pmd-collapse", .windows = s_khugepaged,
	  .test = "khugepaged_cpmt_vs_uprobe_register" });
UR_RACE(race_uprobe_madv_collapse, "uprobe-madv-collapse",
	"MADV_COLLAPSE: mmap_write_lock, collapse_pte_mapped_thp(p, A, true)",
	((struct ur){ .cpu0 = C_MADVISE }), s_madvise,
	{ .policy = "split-pmd-collapse", .windows = s_madvise,
	  .test = "madv_collapse_vs_uprobe_register" },
	{ .policy = "split-pmd" }, { .policy = "collapse-6.6" });
UR_RACE(race_uprobe_madv_collapse_no_subpage_check, "uprobe-madv-collapse-no-subpage-check",
	"MADV_COLLAPSE without the subpage check "
	"(m->inject.khugepaged_cpmt_skip_subpage_check)",
	((struct ur){ .cpu0 = C_MADVISE, .skip_subpage_check = true }), s_madvise,
	{ .policy = "split-pmd-collapse", .fails = true, .msg = "mapcount underflow",
	  .test = "madv_collapse_vs_uprobe_register_no_subpage_check" },
	{ .policy = "split-pmd" }, { .policy = "collapse-6.6" });
