// SPDX-License-Identifier: GPL-2.0-only
/*
 * races_hugetlb.c - hugetlb faults racing each other, and mremap of a
 * shared hugetlb range racing another process's fault, as named races
 * (model/hugetlb_memory.c hugetlb_fault, move_hugetlb_page_tables,
 * huge_pmd_share, huge_pmd_unshare).  The mremap races vary the
 * "hugetlb-mremap" family.
 *
 * hugetlb-fault-*:
 * One process (two threads, as far as the address space goes), one 2 MiB
 * hugetlb mapping of two pages, its PUD and PMD tables already there (the
 * other page was faulted during setup, so the race allocates no table and
 * never touches the buddy allocator).  Both CPUs access page A:
 *
 *   shared, write/write and write/read: the file's page cache gets one
 *     page, both CPUs see it, one reservation is consumed;
 *   private, write/write: one anonymous page, writable, exclusively mapped,
 *     one reservation consumed.
 *
 * Every schedule must end with exactly one page mapped at A, the pool's
 * counters and the reservation count as the kernel keeps them (the
 * invariant checker recomputes resv_huge_pages), and every page back in
 * the pool when the process exits.  What serialises the two faults is the
 * hugetlb fault mutex of (file, index); the VMA lock, i_mmap_rwsem, the
 * page lock and the PMD table's lock are scheduling points too.  DPOR,
 * exhaustive, more than one schedule.
 *
 * hugetlb-mremap-*:
 * A hugetlbfs file F of 1 GiB (512 pages reserved at the first mmap).
 * Process a maps it shared and wrote page 1 (P1) before the race; process
 * b maps it shared at 4 GiB and has touched nothing of it:
 *
 *   1. a at 1 GiB (PUD-aligned: its PMD table T may be shared), moved to
 *      2 GiB + 2 MiB (a destination that cannot share):
 *        CPU0  a: mremap(1G, 1G, 1G, MREMAP_MAYMOVE|MREMAP_FIXED, 2G+2M)
 *        CPU1  b: read 4G + 2M (page 1)
 *      b's fault looks for a table to share through F's i_mmap under
 *      i_mmap_rwsem for read; mremap moves a's entries under the VMA lock
 *      and i_mmap_rwsem for write, unsharing T first if b took it, and
 *      then unmaps a's old range (which unshares T again if b took it
 *      meanwhile).  In every schedule: b reads P1, P1 is mapped by every
 *      entry that maps it and by nothing else (the invariant checker), and
 *      once both processes unmapped and F is truncated, every page and
 *      every reservation is back in the pool.  Three windows must open:
 *      b shares T before the move and keeps it (a leaves P1 to b), b
 *      shares T after the move emptied it (and refaults P1 into it), b
 *      comes after a's old range went (a table of its own).
 *   1b. (-no-vma-lock) The same with m->inject.hugetlb_move_skip_vma_lock (mremap without
 *      the hugetlb VMA lock): still no bad schedule.  The VMA lock guards
 *      a's VMA against truncation; against another mm's fault it is
 *      i_mmap_rwsem that keeps huge_pmd_share out while entries move.
 *   2. a at 1 GiB + 2 MiB (cannot share), moved to 3 GiB (may share), with
 *      m->inject.hugetlb_move_skip_locks (mremap without the VMA lock and
 *      i_mmap_rwsem): the explorer must find the schedule where b's fault
 *      and a's move meet in one table (b shares a's new table, or a's
 *      destination shares b's) and move_huge_pte writes over b's entry:
 *      P1 is left with a mapping no entry holds, a page lost.  Its replay
 *      string must reproduce it.
 *   3. 2 with the locks, as 6.1.192 has them: it never gets that far.
 *      Allocating the destination entry, huge_pte_alloc calls
 *      huge_pmd_share (the new VMA covers its PUD and has a VMA lock),
 *      which takes i_mmap_rwsem for read while move_hugetlb_page_tables
 *      holds it for write: every schedule deadlocks, b's fault waiting
 *      behind.  A real 6.1.192 guest hangs there the same way
 *      (docs/model-notes.md).
 *
 * The allocator has no zone lock under the explorer, so each CPU's pcp
 * list of unmovable pages is stocked before the race: the page tables
 * the race allocates come from there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "races_int.h"
#include "check.h"
#include "cpu.h"
#include "filemap.h"
#include "gfp.h"
#include "hugetlb.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "mremap.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "task.h"
#include "vmstat.h"

#define M2	(2UL << 20)
#define VA	0x40000000UL		/* 1 GiB: page A at VA, the other at VA + 2 MiB */

struct hr {
	struct race_base b;
	bool shared;
	bool write[2];
	struct machine *m;
	struct task *t;
	long res[2];
};

static void *hr_setup(struct xp_ctx *x, void *arg)
{
	struct hr *s = arg;
	long flags = (s->shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_HUGETLB |
		     MAP_FIXED;
	char err[256];
	int e;

	s->m = race_small_machine(x, &s->b, 2);
	s->res[0] = s->res[1] = -1;
	if (!s->m)
		return s;
	hugetlb_set_max_huge_pages(s->m, hugetlb_default_hstate(s->m), 3, NUMA_NO_NODE);
	s->t = task_create(s->m, "racer", &e);
	if (!s->t || ksys_mmap_pgoff(s->m, s->t, VA, 2 * M2, PROT_READ | PROT_WRITE, flags, -1,
				     0) != (long)VA) {
		xp_fail(x, "process setup failed");
		return s;
	}
	/* the other page: PUD and PMD tables exist before the race */
	if (user_access(s->m, s->t->mm, VA + M2, true) != UA_OK) {
		xp_fail(x, "pre-faulting failed");
		return s;
	}
	if (!mm_check_invariants(s->m, err, sizeof(err))) {
		xp_fail(x, "setup: %s", err);
		return s;
	}
	xp_name_range(x, &s->t->mm->mmap_lock, sizeof(s->t->mm->mmap_lock), "mmap_lock");
	xp_attach_machine(x, s->m);
	return s;
}

static void hr_teardown(struct xp_ctx *x, void *state)
{
	struct hr *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

static void hr_cpu(struct xp_ctx *x, void *state)
{
	struct hr *s = state;
	int c = xp_cpu(x);

	s->res[c] = user_access(s->m, s->t->mm, VA, s->write[c]);
}

static void hr_final(struct xp_ctx *x, void *state)
{
	struct hr *s = state;
	struct machine *m = s->m;
	struct hstate *h = hugetlb_default_hstate(m);
	enum pt_level level;
	pteval_t e;
	unsigned long page;
	char err[512];

	if (s->res[0] != UA_OK || s->res[1] != UA_OK) {
		xp_fail(x, "the accesses ended in %ld and %ld", s->res[0], s->res[1]);
		return;
	}
	e = pt_walk(m, s->t->mm, VA, &level, NULL, NULL);
	page = pte_pfn(e);
	if (!pte_present(e) || level != PT_PMD || !pte_write(e)) {
		xp_fail(x, "A is mapped by %#llx at level %d, not one writable huge entry",
			(unsigned long long)e, (int)level);
		return;
	}
	if ((int)pg_read32(m, page + 1, PGOFF_COMPOUND_MAPCOUNT) != 0) {
		xp_fail(x, "the page at A is mapped %d times",
			(int)pg_read32(m, page + 1, PGOFF_COMPOUND_MAPCOUNT) + 1);
		return;
	}
	/* two pages in use (A and the other), the third free; nothing reserved */
	if (h->free_huge_pages != 1 || h->resv_huge_pages != 0 || h->nr_huge_pages != 3) {
		xp_fail(x, "pool: nr %lu free %lu resv %lu", h->nr_huge_pages,
			h->free_huge_pages, h->resv_huge_pages);
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err))) {
		xp_fail(x, "before exit: %s", err);
		return;
	}
	do_exit(m, s->t, 0);
	if (h->free_huge_pages != 3 || h->resv_huge_pages != 0) {
		xp_fail(x, "after exit: free %lu resv %lu", h->free_huge_pages,
			h->resv_huge_pages);
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err)))
		xp_fail(x, "after exit: %s", err);
}

#define HR_RACE(var, rname, text0, text1, cfg_, test_)				\
	static const struct hr var##_cfg = cfg_;					\
	static const struct race_expect var##_expect[] = { { .test = test_ } };	\
	const struct race_def var = {							\
		.name = rname,								\
		.summary = "two CPUs fault the same hugetlb page at once",		\
		.cpu_text = { text0, text1 },						\
		.cfg = &var##_cfg, .cfg_size = sizeof(struct hr), .ncpus = 2,		\
		.setup = hr_setup, .teardown = hr_teardown, .final = hr_final,		\
		.cpu = { hr_cpu, hr_cpu },						\
		.expect = var##_expect, .nr_expect = 1,					\
	}

HR_RACE(race_hugetlb_fault_shared_ww, "hugetlb-fault-shared-write-write", "write A (shared)",
	"write A", ((struct hr){ .shared = true, .write = { true, true } }),
	"hugetlb_fault_race_shared_write_write");
HR_RACE(race_hugetlb_fault_shared_wr, "hugetlb-fault-shared-write-read", "write A (shared)",
	"read A", ((struct hr){ .shared = true, .write = { true, false } }),
	"hugetlb_fault_race_shared_write_read");
HR_RACE(race_hugetlb_fault_private_ww, "hugetlb-fault-private-write-write",
	"write A (private)", "write A", ((struct hr){ .shared = false, .write = { true, true } }),
	"hugetlb_fault_race_private_write_write");

/* ------------------------------------------------------------------------- */
#define G1	(1UL << 30)
#define B_VA	(4 * G1)
#define POOL	520

struct sr {
	struct race_base b;
	uint64_t a_va, dst;		/* a's mapping before and after */
	bool skip_vma_lock, skip_locks;	/* the wrong variants */
	struct machine *m;
	struct task *a, *pb;
	int fd;
	unsigned long old_table;	/* a's PMD table for page 1 before the race */
	unsigned long buddy0;		/* NR_FREE_PAGES when the race starts */
	uint64_t tag1;			/* what a wrote to page 1 */
	long res[2];
};

/* The page the huge PMD entry of mm for va maps, or PFN_NONE */
static unsigned long huge_page(struct machine *m, struct mm_struct *mm, uint64_t va)
{
	enum pt_level level;
	pteval_t e = pt_walk(m, mm, va, &level, NULL, NULL);

	return level == PT_PMD && pte_present(e) ? pte_pfn(e) : PFN_NONE;
}

static bool map_f(struct sr *s, struct task *t, uint64_t va, int *fd)
{
	*fd = (int)do_sys_open(s->m, t, "/huge/f", O_RDWR | O_CREAT);
	return *fd >= 0 && ksys_mmap_pgoff(s->m, t, va, G1, PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_FIXED, *fd, 0) == (long)va;
}

static void *sr_setup(struct xp_ctx *x, void *arg)
{
	struct sr *s = arg;
	struct machine_opts o;
	char err[256];
	int e, fd_b;

	race_opts(&o, 1, 1280, 2);
	s->m = race_machine(x, &s->b, &o);
	s->a = s->pb = NULL;
	s->res[0] = s->res[1] = -1;
	if (!s->m)
		return s;
	hugetlb_set_max_huge_pages(s->m, hugetlb_default_hstate(s->m), POOL, NUMA_NO_NODE);
	if (hugetlbfs_mount(s->m, "/huge", "", err, sizeof(err))) {
		xp_fail(x, "hugetlbfs: %s", err);
		return s;
	}
	s->a = task_create(s->m, "a", &e);
	s->pb = s->a ? task_create(s->m, "b", &e) : NULL;
	if (!s->pb || !map_f(s, s->a, s->a_va, &s->fd) ||
	    do_ftruncate(s->m, s->a, s->fd, G1) || !map_f(s, s->pb, B_VA, &fd_b) ||
	    user_access(s->m, s->a->mm, s->a_va + M2, true) != UA_OK) {
		xp_fail(x, "process setup failed");
		return s;
	}
	/* b's PUD table exists: b's fault allocates at most a PMD table */
	if (ksys_mmap_pgoff(s->m, s->pb, 8 * G1, M2, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != (long)(8 * G1) ||
	    user_access(s->m, s->pb->mm, 8 * G1, true) != UA_OK) {
		xp_fail(x, "b's setup failed");
		return s;
	}
	if (!race_stock_pcp(s->m, 1) || !race_stock_pcp(s->m, 0)) {
		xp_fail(x, "stocking the pcp lists failed");
		return s;
	}
	s->tag1 = page_content(s->m, huge_page(s->m, s->a->mm, s->a_va + M2));
	s->old_table = race_pmd_table(s->m, s->a->mm, s->a_va + M2);
	if (!mm_check_invariants(s->m, err, sizeof(err))) {
		xp_fail(x, "setup: %s", err);
		return s;
	}
	s->m->inject.hugetlb_move_skip_vma_lock = s->skip_vma_lock;
	s->m->inject.hugetlb_move_skip_locks = s->skip_locks;
	s->buddy0 = global_zone_page_state(s->m, NR_FREE_PAGES);
	xp_name_range(x, &s->a->mm->mmap_lock, sizeof(s->a->mm->mmap_lock), "a.mmap_lock");
	xp_name_range(x, &s->pb->mm->mmap_lock, sizeof(s->pb->mm->mmap_lock), "b.mmap_lock");
	/* host objects: named, so that messages do not depend on where malloc put them */
	xp_name_range(x, &s->a->fd[s->fd]->inode->i_mmap_rwsem,
		      sizeof(s->a->fd[s->fd]->inode->i_mmap_rwsem), "f.i_mmap_rwsem");
	xp_attach_machine(x, s->m);
	return s;
}

static void sr_teardown(struct xp_ctx *x, void *state)
{
	struct sr *s = state;

	(void)x;
	machine_destroy(s->m);
	s->m = NULL;
}

static void sr_cpu(struct xp_ctx *x, void *state)
{
	struct sr *s = state;

	if (xp_cpu(x) == 0)
		s->res[0] = sys_mremap(s->m, s->a, s->a_va, G1, G1,
				       MREMAP_MAYMOVE | MREMAP_FIXED, s->dst);
	else
		s->res[1] = user_access(s->m, s->pb->mm, B_VA + M2, false);
}

static void sr_final(struct xp_ctx *x, void *state)
{
	struct sr *s = state;
	struct machine *m = s->m;
	struct hstate *h = hugetlb_default_hstate(m);
	unsigned long p1 = huge_page(m, s->pb->mm, B_VA + M2), b_table;
	uint64_t a_now = s->dst;
	char err[512];

	if (!race_pcp_untouched(x, m, s->buddy0))
		return;
	if (!mm_check_invariants(m, err, sizeof(err))) {
		xp_fail(x, "after the race: %s", err);
		return;
	}
	/* hugetlb-mremap=reject refuses the move: a stays where it was */
	if (s->res[0] == -EINVAL && s->b.policy && !strcmp(s->b.policy->name, "reject"))
		a_now = s->a_va;
	if ((s->res[0] != (long)s->dst && a_now == s->dst) || s->res[1] != UA_OK) {
		xp_fail(x, "mremap returned %#lx, b's read %ld", s->res[0], s->res[1]);
		return;
	}
	if (p1 == PFN_NONE || page_content(m, p1) != s->tag1) {
		xp_fail(x, "b does not see what a wrote to page 1");
		return;
	}
	b_table = race_pmd_table(m, s->pb->mm, B_VA);
	race_window(x, &s->b, "b shared a's table before the move and kept P1",
			b_table == s->old_table &&
			huge_page(m, s->a->mm, a_now + M2) == PFN_NONE);
	race_window(x, &s->b, "b shared a's table after the move emptied it",
			b_table == s->old_table &&
			huge_page(m, s->a->mm, a_now + M2) == p1);
	race_window(x, &s->b, "b came after a's old range went", b_table != s->old_table);

	/* everything back: unmap both, truncate F */
	if (vm_munmap(m, s->a, a_now, G1) || vm_munmap(m, s->pb, B_VA, G1) ||
	    do_ftruncate(m, s->a, s->fd, 0)) {
		xp_fail(x, "the unmaps or the truncation failed");
		return;
	}
	if (h->free_huge_pages != h->nr_huge_pages || h->resv_huge_pages) {
		xp_fail(x, "after unmapping and truncating: HugePages_Free %lu of %lu, Rsvd %lu: "
			"a page or a reservation was lost", h->free_huge_pages, h->nr_huge_pages,
			h->resv_huge_pages);
		return;
	}
	if (!mm_check_invariants(m, err, sizeof(err)))
		xp_fail(x, "after the unmaps: %s", err);
}

#define W_SHARED_KEPT	"b shared a's table before the move and kept P1"
#define W_SHARED_EMPTY	"b shared a's table after the move emptied it"
#define W_AFTER		"b came after a's old range went"

static const char *const windows[] = { W_SHARED_KEPT, W_SHARED_EMPTY, W_AFTER, NULL };

#define SR_RACE(var, rname, text0, cfg_, windows_, ...)				\
	static const struct sr var##_cfg = cfg_;					\
	static const struct race_expect var##_expect[] = { __VA_ARGS__ };			\
	const struct race_def var = {							\
		.name = rname, .family = "hugetlb-mremap",				\
		.summary = "mremap of a shared hugetlb range against b's fault on it",	\
		.cpu_text = { text0, "b: read 4G + 2M (page 1 of the file)" },		\
		.cfg = &var##_cfg, .cfg_size = sizeof(struct sr), .ncpus = 2,		\
		.setup = sr_setup, .teardown = sr_teardown, .final = sr_final,		\
		.cpu = { sr_cpu, sr_cpu }, .windows = windows_,			\
		.expect = var##_expect, .nr_expect = ARRAY_SIZE(var##_expect),		\
	}

#define MOVE_1G		"a: mremap(1G, 1G, 1G, MREMAP_MAYMOVE|MREMAP_FIXED, 2G+2M)"
#define MOVE_1G_2M	"a: mremap(1G+2M, 1G, 1G, MREMAP_MAYMOVE|MREMAP_FIXED, 3G)"

SR_RACE(race_hugetlb_mremap_fault, "hugetlb-mremap-fault", MOVE_1G,
	((struct sr){ .a_va = G1, .dst = 2 * G1 + M2 }), windows,
	{ .policy = "move", .windows = windows, .test = "hugetlb_mremap_race" },
	{ .policy = "reject" },
	{ .policy = "move-v1", .fails = true, .msg = "BUG_ON(vma_shareable" },
	{ .policy = "move-noclear", .fails = true, .msg = "BUG_ON(vma_shareable" });
SR_RACE(race_hugetlb_mremap_fault_no_vma_lock, "hugetlb-mremap-fault-no-vma-lock",
	MOVE_1G ", without the VMA lock (m->inject.hugetlb_move_skip_vma_lock)",
	((struct sr){ .a_va = G1, .dst = 2 * G1 + M2, .skip_vma_lock = true }), windows,
	{ .policy = "move", .windows = windows, .test = "hugetlb_mremap_race_no_vma_lock" },
	{ .policy = "reject" },
	{ .policy = "move-v1", .fails = true, .msg = "BUG_ON(vma_shareable" },
	{ .policy = "move-noclear", .fails = true, .msg = "BUG_ON(vma_shareable" });
SR_RACE(race_hugetlb_mremap_shareable_fault, "hugetlb-mremap-shareable-fault", MOVE_1G_2M,
	((struct sr){ .a_va = G1 + M2, .dst = 3 * G1 }), windows,
	{ .policy = "move", .fails = true, .msg = "deadlock",
	  .test = "hugetlb_mremap_race_6_1_deadlock" },
	{ .policy = "reject" }, { .policy = "move-v1" }, { .policy = "move-noclear" });
SR_RACE(race_hugetlb_mremap_shareable_fault_no_locks, "hugetlb-mremap-shareable-fault-no-locks",
	MOVE_1G_2M ", without the VMA lock and i_mmap_rwsem "
	"(m->inject.hugetlb_move_skip_locks)",
	((struct sr){ .a_va = G1 + M2, .dst = 3 * G1, .skip_locks = true }), windows,
	{ .policy = "move", .fails = true, .msg = "compound_mapcount",
	  .test = "hugetlb_mremap_race_no_locks" },
	{ .policy = "reject" },
	{ .policy = "move-v1", .fails = true, .msg = "compound_mapcount" },
	{ .policy = "move-noclear", .fails = true, .msg = "compound_mapcount" });
