// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hugetlb_share.c - hugetlb PMD sharing (hugetlb_memory.c: want_pmd_share,
 * huge_pmd_share, huge_pmd_unshare, hugetlb_split, hugetlb_unshare_all_pmds)
 * through the model's API: two mms that map the same 1 GiB of a hugetlbfs
 * file at 1 GiB-aligned addresses end up with one PMD table, and every path
 * that changes such a range (munmap, exit, mprotect, a split, fork) takes
 * its mm out of the table first.
 *
 * Each test draws the page tables before and after.  The expected values
 * are 6.1.192's rules (mm/hugetlb.c; pt_share_count as backported from
 * 6.13), stated beside them; every test ends with the invariant checker,
 * which counts each shared table's holders against its pt_share_count.
 *
 * Machine: one node of 256 MiB, two CPUs, a pool of 16 2 MiB pages, a
 * hugetlbfs mount at /huge.  Mappings use MAP_NORESERVE (sharing does not
 * depend on reservations; the pool stays small) unless a test says
 * otherwise, and MAP_FIXED at A (1 GiB), B (2 GiB), C (3 GiB).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "check.h"
#include "filemap.h"
#include "hugetlb.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "module.h"
#include "sbuf.h"
#include "task.h"

#define M2	(2UL << 20)
#define G1	(1UL << 30)
#define A	(1UL << 30)
#define B	(2UL << 30)
#define C	(3UL << 30)
#define RW	(PROT_READ | PROT_WRITE)
#define SHARED_NR	(MAP_SHARED | MAP_FIXED | MAP_NORESERVE)

static struct machine *share_machine(void **state)
{
	struct machine *m = t_machine(1, 256, 2);
	char err[128];

	*state = m;
	hugetlb_set_max_huge_pages(m, hugetlb_default_hstate(m), 16, NUMA_NO_NODE);
	assert_int_equal(hugetlbfs_mount(m, "/huge", "", err, sizeof(err)), 0);
	return m;
}

static int destroy_machine(void **state)
{
	machine_destroy(*state);
	*state = NULL;
	return 0;
}

static struct task *proc(struct machine *m, const char *name)
{
	int err;
	struct task *t = task_create(m, name, &err);

	assert_non_null(t);
	return t;
}

/* open (creating) /huge/f in t, sized 1 GiB */
static int hfile(struct machine *m, struct task *t)
{
	long fd = do_sys_open(m, t, "/huge/f", O_RDWR | O_CREAT);

	assert_true(fd >= 0);
	assert_int_equal(do_ftruncate(m, t, (int)fd, G1), 0);
	return (int)fd;
}

static void map_at(struct machine *m, struct task *t, int fd, uint64_t addr, uint64_t len,
		   long prot, long flags, uint64_t off)
{
	assert_int_equal(ksys_mmap_pgoff(m, t, addr, len, prot, flags, fd, off), (long)addr);
}

static void touch(struct machine *m, struct task *t, uint64_t addr, bool write)
{
	assert_int_equal(user_access(m, t->mm, addr, write), UA_OK);
}

/* The PMD table t's page tables use for addr, or PFN_NONE */
static unsigned long pmd_table(struct machine *m, struct task *t, uint64_t addr)
{
	unsigned long table;
	unsigned int idx;

	return pmd_slot(m, t->mm, addr, false, &table, &idx, NULL) ? table : PFN_NONE;
}

/* The page the huge entry for addr maps, or PFN_NONE */
static unsigned long page_at(struct machine *m, struct task *t, uint64_t addr)
{
	enum pt_level level;
	pteval_t e = pt_walk(m, t->mm, addr, &level, NULL, NULL);

	return level == PT_PMD && pte_present(e) ? pte_pfn(e) : PFN_NONE;
}

static int mapcount(struct machine *m, unsigned long head)
{
	return (int)pg_read32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT) + 1;
}

static long pagetables(struct machine *m)
{
	return m->node[0].vm_stat[NR_PAGETABLE];
}

/* ---- sharing ---------------------------------------------------------------------- */

/*
 *   a: [A, A+1G) MAP_SHARED /huge/f @0    b: [B, B+1G) MAP_SHARED /huge/f @0
 *   a touches A (page P0): a's PUD[1] -> PMD table T: [0] P0
 *   b touches B+2M:        b's PUD[2] -> T (huge_pmd_share), T: [0] P0 [1] P1
 *
 *   a PUD[1] --+
 *              +--> T  pt_share_count 1
 *   b PUD[2] --+
 *
 * b's fault found a's table through the file's i_mmap and took it
 * (huge_pmd_share); its write of P1 is in T, so a sees P1 without a fault.
 * T is one page in NR_PAGETABLE but counts in both mms' pgtables_bytes
 * (mm_inc_nr_pmds).  Each page is mapped once: one entry.  HugetlbPages
 * follows faults: a 2048 kB (P0), b 2048 kB (P1), though both map both.
 */
static void test_two_mms_one_pmd_table(void **state)
{
	struct machine *m = share_machine(state);
	struct task *a = proc(m, "a"), *b = proc(m, "b");
	int fa = hfile(m, a), fb = hfile(m, b);
	long pt0, a_bytes, b_bytes;
	unsigned long t;

	map_at(m, a, fa, A, G1, RW, SHARED_NR, 0);
	map_at(m, b, fb, B, G1, RW, SHARED_NR, 0);
	touch(m, a, A, true);
	t = pmd_table(m, a, A);
	assert_int_not_equal(t, PFN_NONE);
	assert_int_equal(pt_share_count(m, t), 0);
	pt0 = pagetables(m);
	a_bytes = a->mm->pgtables_bytes;
	b_bytes = b->mm->pgtables_bytes;

	touch(m, b, B + M2, true);
	assert_int_equal(pmd_table(m, b, B), t);
	assert_int_equal(pt_share_count(m, t), 1);
	assert_int_equal(hugetlb_stats(m)->shared_pmds, 1);
	/* b needed a PUD table (pgtables_bytes only) and got T: no PMD table allocated */
	assert_int_equal(pagetables(m), pt0);
	assert_int_equal(a->mm->pgtables_bytes, a_bytes);
	assert_int_equal(b->mm->pgtables_bytes, b_bytes + 2 * (long)PAGE_SIZE);
	/* a sees b's page without faulting; each page is mapped by one entry */
	assert_int_equal(page_at(m, a, A + M2), page_at(m, b, B + M2));
	assert_int_equal(page_at(m, b, B), page_at(m, a, A));
	assert_int_equal(mapcount(m, page_at(m, a, A)), 1);
	assert_int_equal(mapcount(m, page_at(m, a, A + M2)), 1);
	assert_int_equal(a->mm->hugetlb_usage, 512);
	assert_int_equal(b->mm->hugetlb_usage, 512);
	assert_true(a->mm->hugetlb_pmd_shared_seen && b->mm->hugetlb_pmd_shared_seen);
	t_check(m);
}

/*
 * No sharing when any rule of want_pmd_share/page_table_shareable fails;
 * b's fault then allocates a table of its own:
 *   b: [B+2M, B+1G)        does not cover its whole PUD
 *   b: [B, B+1G) @2M       the same page at another offset in the PUD (pmd_index)
 *   b: [B, B+1G) PROT_READ other flags than a's
 *   b: [B, B+1G) private   VM_MAYSHARE missing (and no VMA lock)
 */
static void test_no_share_when_rules_fail(void **state)
{
	struct machine *m = share_machine(state);
	struct task *a = proc(m, "a"), *b = proc(m, "b");
	int fa = hfile(m, a), fb = hfile(m, b);
	static const struct {
		uint64_t addr, len, off;
		long prot, flags;
		const char *why;
	} cases[] = {
		{ B + M2, G1 - M2, M2, RW, SHARED_NR, "not a whole PUD" },
		{ B, G1 - M2, M2, RW, SHARED_NR, "another offset within the PUD" },
		{ B, G1, 0, PROT_READ, SHARED_NR, "other flags" },
		{ B, G1, 0, RW, MAP_PRIVATE | MAP_FIXED | MAP_NORESERVE, "private" },
	};
	unsigned long t;

	map_at(m, a, fa, A, G1, RW, SHARED_NR, 0);
	touch(m, a, A + 2 * M2, false);
	t = pmd_table(m, a, A);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		map_at(m, b, fb, cases[i].addr, cases[i].len, cases[i].prot, cases[i].flags,
		       cases[i].off);
		touch(m, b, cases[i].addr + M2, false);
		if (pmd_table(m, b, cases[i].addr + M2) == t || pt_share_count(m, t))
			fail_msg("%s: b shares a's table", cases[i].why);
		t_check(m);
		assert_int_equal(vm_munmap(m, b, cases[i].addr, cases[i].len), 0);
	}
	assert_int_equal(hugetlb_stats(m)->pmd_shares, 0);
	t_check(m);
}

/* ---- unsharing ------------------------------------------------------------------------ */

/* a and b share T with P0 (a's fault) and P1 (b's fault) */
static unsigned long share_two(struct machine *m, struct task *a, struct task *b)
{
	int fa = hfile(m, a), fb = hfile(m, b);

	map_at(m, a, fa, A, G1, RW, SHARED_NR, 0);
	map_at(m, b, fb, B, G1, RW, SHARED_NR, 0);
	touch(m, a, A, true);
	touch(m, b, B + M2, true);
	assert_int_equal(pt_share_count(m, pmd_table(m, a, A)), 1);
	return pmd_table(m, a, A);
}

/*
 *   before  a PUD[1] -> T <- b PUD[2]    T: [0] P0 [1] P1, pt_share_count 1
 *   munmap(A, 1G) in a
 *   after   a PUD[1] empty   b PUD[2] -> T  T: [0] P0 [1] P1, pt_share_count 0
 *   munmap(B, 1G) in b: T's entries zapped, T freed
 * The unmap takes a out of T (huge_pmd_unshare) and skips the rest of the
 * PUD: P0 and P1 stay mapped, by b; T is not freed (NR_PAGETABLE the
 * same), a's pgtables_bytes loses it (and its PUD table, which
 * free_pgtables frees).  b, now alone, zaps and frees T.
 */
static void test_munmap_unshares(void **state)
{
	struct machine *m = share_machine(state);
	struct task *a = proc(m, "a"), *b = proc(m, "b");
	unsigned long t = share_two(m, a, b), p0 = page_at(m, a, A), p1 = page_at(m, b, B + M2);
	long pt0 = pagetables(m), a_bytes = a->mm->pgtables_bytes;

	assert_int_equal(vm_munmap(m, a, A, G1), 0);
	assert_int_equal(pmd_table(m, a, A), PFN_NONE);
	assert_int_equal(pmd_table(m, b, B), t);
	assert_int_equal(pt_share_count(m, t), 0);
	assert_int_equal(page_at(m, b, B), p0);
	assert_int_equal(page_at(m, b, B + M2), p1);
	assert_int_equal(mapcount(m, p0), 1);
	assert_int_equal(pagetables(m), pt0);
	/* T left a at the unshare; free_pgtables then found an empty PUD table and freed it */
	assert_int_equal(a_bytes, 2 * (long)PAGE_SIZE);
	assert_int_equal(a->mm->pgtables_bytes, 0);
	assert_int_equal(hugetlb_stats(m)->pmd_unshares, 1);
	assert_int_equal(hugetlb_stats(m)->shared_pmds, 0);
	t_check(m);

	assert_int_equal(vm_munmap(m, b, B, G1), 0);
	assert_int_equal(pagetables(m), pt0 - 1);
	assert_int_equal(mapcount(m, p0), 0);
	assert_int_equal(mapcount(m, p1), 0);
	t_check(m);
}

/*
 * The same at exit, with the first owner going first:
 *   exit(a): a unshares T and goes; b keeps T, P0 and P1
 *   b reads P0 and P1 without faulting; then exit(b) frees T
 * HugetlbPages of b stays 2048 kB (its one fault) while it maps 4 MiB.
 */
static void test_exit_unshares(void **state)
{
	struct machine *m = share_machine(state);
	struct task *a = proc(m, "a"), *b = proc(m, "b");
	unsigned long t = share_two(m, a, b), p0 = page_at(m, a, A);
	long pt0 = pagetables(m);

	do_exit(m, a, 0);
	assert_int_equal(pmd_table(m, b, B), t);
	assert_int_equal(pt_share_count(m, t), 0);
	assert_int_equal(page_at(m, b, B), p0);
	touch(m, b, B, false);
	assert_int_equal(b->mm->hugetlb_usage, 512);
	assert_int_equal(pagetables(m), pt0);
	t_check(m);
	do_exit(m, b, 0);
	assert_int_equal(pagetables(m), pt0 - 1);
	t_check(m);
}

/*
 *   mprotect(A, 1G, PROT_READ) in a: a unshares T (counted as one change)
 *   a PUD[1] empty, b PUD[2] -> T
 *   a reads A: its own new table T2 (b's VMA has other flags now), mapping P0
 * The page is then mapped twice (T and T2): mapcount 2.
 */
static void test_mprotect_unshares(void **state)
{
	struct machine *m = share_machine(state);
	struct task *a = proc(m, "a"), *b = proc(m, "b");
	unsigned long t = share_two(m, a, b), p0 = page_at(m, a, A), t2;

	assert_int_equal(do_mprotect_pkey(m, a, A, G1, PROT_READ), 0);
	assert_int_equal(pmd_table(m, a, A), PFN_NONE);
	assert_int_equal(pt_share_count(m, t), 0);
	touch(m, a, A, false);
	t2 = pmd_table(m, a, A);
	assert_int_not_equal(t2, t);
	assert_int_equal(pt_share_count(m, t2), 0);
	assert_int_equal(page_at(m, a, A), p0);
	assert_int_equal(mapcount(m, p0), 2);
	t_check(m);
}

/*
 *   munmap(A+2M, 2M) in a: __split_vma at A+2M and A+4M
 *   hugetlb_split(A+2M): A+2M is inside the PUD [A, A+1G) the VMA covers:
 *   unshare it now (both halves would lose the right to share)
 *   after: a [A, A+2M) [A+4M, A+1G), no PMD table; b keeps T
 *   a touches A+4M: a table of its own (no VMA covers the PUD any more)
 */
static void test_split_unshares(void **state)
{
	struct machine *m = share_machine(state);
	struct task *a = proc(m, "a"), *b = proc(m, "b");
	unsigned long t = share_two(m, a, b);

	assert_int_equal(vm_munmap(m, a, A + M2, M2), 0);
	assert_int_equal(a->mm->nr_vmas, 2);
	assert_int_equal(pmd_table(m, a, A), PFN_NONE);
	assert_int_equal(pt_share_count(m, t), 0);
	assert_int_equal(pmd_table(m, b, B), t);
	touch(m, a, A + 2 * M2, false);
	assert_int_not_equal(pmd_table(m, a, A), t);
	assert_int_equal(hugetlb_stats(m)->pmd_shares, 1);
	t_check(m);
}

/*
 *   hugetlb_unshare_all_pmds(a's VMA) (6.1: userfaultfd registration calls it)
 *   a PUD[1] empty, b PUD[2] -> T; a refaults into T again (nothing forbids it)
 */
static void test_unshare_all_pmds(void **state)
{
	struct machine *m = share_machine(state);
	struct task *a = proc(m, "a"), *b = proc(m, "b");
	unsigned long t = share_two(m, a, b);

	hugetlb_unshare_all_pmds(m, find_vma(a->mm, A));
	assert_int_equal(pmd_table(m, a, A), PFN_NONE);
	assert_int_equal(pt_share_count(m, t), 0);
	t_check(m);
	touch(m, a, A + M2, false);
	assert_int_equal(pmd_table(m, a, A), t);
	assert_int_equal(pt_share_count(m, t), 1);
	t_check(m);
}

/*
 *   parent: [A, A+1G) MAP_SHARED|MAP_ANONYMOUS|MAP_HUGETLB, P0 written
 *   fork: 6.1 copies nothing of a VMA without an anon_vma (vma_needs_copy):
 *   the child's PUD entry is empty; its VMA has a VMA lock of its own
 *   (hugetlb_vm_op_open)
 *   the child reads A: its fault finds the parent's table (huge_pmd_share)
 *   parent PUD[1] -> T <- child PUD[1]; P0 mapped once, no fault counted
 */
static void test_fork_shares(void **state)
{
	struct machine *m = share_machine(state);
	struct task *p = proc(m, "p"), *c;
	unsigned long t, p0;
	int err;

	assert_int_equal(ksys_mmap_pgoff(m, p, A, G1, RW, MAP_SHARED | MAP_ANONYMOUS |
					 MAP_HUGETLB | MAP_FIXED | MAP_NORESERVE, -1, 0),
			 (long)A);
	touch(m, p, A, true);
	t = pmd_table(m, p, A);
	p0 = page_at(m, p, A);
	c = do_fork(m, p, "c", &err);
	assert_non_null(c);
	assert_int_equal(pmd_table(m, c, A), PFN_NONE);
	assert_int_equal(pt_share_count(m, t), 0);
	t_check(m);
	/* the child reads P0: the fault shares the parent's table, whose entry is there */
	touch(m, c, A, false);
	assert_int_equal(pmd_table(m, c, A), t);
	assert_int_equal(pt_share_count(m, t), 1);
	assert_int_equal(mapcount(m, p0), 1);
	assert_int_equal(c->mm->hugetlb_usage, 0);
	t_check(m);
	/* the child writes the shared page: no fault, the parent's entry is writable */
	touch(m, c, A, true);
	do_exit(m, p, 0);
	assert_int_equal(pt_share_count(m, t), 0);
	assert_int_equal(page_at(m, c, A), p0);
	t_check(m);
}

/*
 * A third mm joins: pt_share_count counts the mms besides one
 *   a, b, c all map /huge/f @0 at A, B, C: one table, pt_share_count 2
 *   b goes: 1; a goes: 0 and c alone holds T
 */
static void test_three_mms(void **state)
{
	struct machine *m = share_machine(state);
	struct task *a = proc(m, "a"), *b = proc(m, "b"), *c = proc(m, "c");
	unsigned long t = share_two(m, a, b);
	int fc = hfile(m, c);

	map_at(m, c, fc, C, G1, RW, SHARED_NR, 0);
	touch(m, c, C + 2 * M2, true);
	assert_int_equal(pmd_table(m, c, C), t);
	assert_int_equal(pt_share_count(m, t), 2);
	assert_int_equal(hugetlb_stats(m)->shared_pmds, 1);
	t_check(m);
	do_exit(m, b, 0);
	assert_int_equal(pt_share_count(m, t), 1);
	t_check(m);
	do_exit(m, a, 0);
	assert_int_equal(pt_share_count(m, t), 0);
	assert_int_equal(hugetlb_stats(m)->shared_pmds, 0);
	assert_int_equal(pmd_table(m, c, C), t);
	t_check(m);
}

/*
 * smaps: an entry in a shared table counts as Shared_Hugetlb even when its
 * page is mapped once (smaps_hugetlb_range: hugetlb_pmd_shared); after the
 * other mm left, the same entries are Private_Hugetlb.
 */
static void test_smaps_shared_hugetlb(void **state)
{
	struct machine *m = share_machine(state);
	struct task *a = proc(m, "a"), *b = proc(m, "b");
	struct sbuf sb;
	char path[64];

	share_two(m, a, b);
	sb_init(&sb);
	snprintf(path, sizeof(path), "/proc/%ld/smaps", b->pid);
	assert_true(mm_show_file(m, path, &sb));
	assert_non_null(strstr(sb.buf, "Shared_Hugetlb:     4096 kB"));
	assert_non_null(strstr(sb.buf, "Private_Hugetlb:       0 kB"));
	do_exit(m, a, 0);
	sb.len = 0;
	assert_true(mm_show_file(m, path, &sb));
	assert_non_null(strstr(sb.buf, "Shared_Hugetlb:        0 kB"));
	assert_non_null(strstr(sb.buf, "Private_Hugetlb:    4096 kB"));
	sb_free(&sb);
	t_check(m);
}

/* The checker notices a pt_share_count that does not match the mms holding the table */
static void test_checker_counts_holders(void **state)
{
	struct machine *m = share_machine(state);
	struct task *a = proc(m, "a"), *b = proc(m, "b");
	unsigned long t = share_two(m, a, b);
	char err[512];

	pg_write32(m, t, PGOFF_PT_SHARE_COUNT, 2);
	assert_false(mm_check_invariants(m, err, sizeof(err)));
	assert_non_null(strstr(err, "pt_share_count 2 but 2 mms hold it"));
	pg_write32(m, t, PGOFF_PT_SHARE_COUNT, 0);
	assert_false(mm_check_invariants(m, err, sizeof(err)));
	assert_non_null(strstr(err, "is reached twice"));
	pg_write32(m, t, PGOFF_PT_SHARE_COUNT, 1);
	t_check(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_two_mms_one_pmd_table, destroy_machine),
		cmocka_unit_test_teardown(test_no_share_when_rules_fail, destroy_machine),
		cmocka_unit_test_teardown(test_munmap_unshares, destroy_machine),
		cmocka_unit_test_teardown(test_exit_unshares, destroy_machine),
		cmocka_unit_test_teardown(test_mprotect_unshares, destroy_machine),
		cmocka_unit_test_teardown(test_split_unshares, destroy_machine),
		cmocka_unit_test_teardown(test_unshare_all_pmds, destroy_machine),
		cmocka_unit_test_teardown(test_fork_shares, destroy_machine),
		cmocka_unit_test_teardown(test_three_mms, destroy_machine),
		cmocka_unit_test_teardown(test_smaps_shared_hugetlb, destroy_machine),
		cmocka_unit_test_teardown(test_checker_counts_holders, destroy_machine),
	};

	return cmocka_run_group_tests_name("hugetlb_share", tests, NULL, NULL);
}
