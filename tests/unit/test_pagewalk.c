// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_pagewalk.c - the page walker (model/pagewalk.c) and the lock each
 * of its entry points asserts under each pagewalk-lock policy.
 *
 * The walks run over tables a test builds with pt_map in an mm of its
 * own, from B = 4 TiB (pgd slot 8) up:
 *
 *   pgd 7   [B-512G, B)   empty
 *   pgd 8   PUD 0 [B, B+1G)
 *             PMD 0  [B, B+2M)      PTE table: B+4K and B+2M-4K mapped
 *             PMD 1  [B+2M, B+4M)   a 2 MiB leaf
 *             PMD 2  [B+4M, B+6M)   empty
 *             PMD 3  [B+6M, B+8M)   PTE table: B+6M mapped
 *           PUD 1 [B+1G, B+2G)      empty
 *           PUD 2 [B+2G, B+3G)      PMD 0: PTE table, B+2G mapped
 *
 * Each callback appends (level, addr, next) to a log; every test compares
 * the whole log.  Holes are logged with their depth.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "explore.h"
#include "explore_cmocka.h"
#include "cpu.h"
#include "mman.h"
#include "mmap.h"
#include "memory.h"
#include "pagewalk.h"
#include "pgtable.h"
#include "policy.h"
#include "task.h"

#define B	(8ULL << 39)
#define K4	0x1000ULL
#define M2	0x200000ULL
#define G1	0x40000000ULL

struct rec {
	char kind;		/* g u m t h (hole), p/P pre/post_vma, s skipped by test_walk */
	uint64_t addr, next;
	int depth;		/* holes */
};

struct log {
	struct rec r[64];
	int n;
	int again;		/* pmd_entry: ask ACTION_AGAIN this many times */
	bool cont;		/* pmd_entry: ACTION_CONTINUE on tables */
	bool split;		/* pmd_entry: split a leaf (HVO's hook) */
	int stop_at;		/* pte_entry: return 7 at this call (1-based), 0 never */
	int ptes;
	uint64_t skip_start;	/* test_walk: skip the VMA starting here */
	pteval_t last_pte;
};

static void add(struct log *l, char kind, uint64_t addr, uint64_t next, int depth)
{
	assert_true(l->n < (int)ARRAY_SIZE(l->r));
	l->r[l->n++] = (struct rec){ kind, addr, next, depth };
}

static int rec_pgd(struct machine *m, const struct pt_slot *s, uint64_t a, uint64_t n,
		   struct mm_walk *w)
{
	add(w->private, 'g', a, n, 0);
	return 0;
}

static int rec_pud(struct machine *m, const struct pt_slot *s, uint64_t a, uint64_t n,
		   struct mm_walk *w)
{
	add(w->private, 'u', a, n, 0);
	return 0;
}

static int rec_pmd(struct machine *m, const struct pt_slot *s, uint64_t a, uint64_t n,
		   struct mm_walk *w)
{
	struct log *l = w->private;
	pteval_t e = pt_slot_read(m, s);

	add(l, 'm', a, n, 0);
	if (l->again) {
		l->again--;
		w->action = ACTION_AGAIN;
	} else if (l->cont && !pmd_leaf(e)) {
		w->action = ACTION_CONTINUE;
	} else if (l->split && pmd_leaf(e)) {
		return pt_split_pmd(m, w->mm, a, 0);
	}
	return 0;
}

static int rec_pte(struct machine *m, const struct pt_slot *s, uint64_t a, uint64_t n,
		   struct mm_walk *w)
{
	struct log *l = w->private;

	add(l, 't', a, n, 0);
	l->last_pte = pt_slot_read(m, s);
	return ++l->ptes == l->stop_at ? 7 : 0;
}

static int rec_hole(struct machine *m, uint64_t a, uint64_t n, int depth, struct mm_walk *w)
{
	add(w->private, 'h', a, n, depth);
	return 0;
}

static int rec_test(struct machine *m, uint64_t a, uint64_t n, struct mm_walk *w)
{
	struct log *l = w->private;

	if (w->vma->vm_start != l->skip_start)
		return 0;
	add(l, 's', a, n, 0);
	return 1;
}

static int rec_pre(struct machine *m, uint64_t a, uint64_t n, struct mm_walk *w)
{
	add(w->private, 'p', a, n, 0);
	return 0;
}

static void rec_post(struct machine *m, struct mm_walk *w)
{
	add(w->private, 'P', 0, 0, 0);
}

static const struct mm_walk_ops ops_all = {
	.pgd_entry = rec_pgd, .pud_entry = rec_pud, .pmd_entry = rec_pmd,
	.pte_entry = rec_pte, .pte_hole = rec_hole,
};
static const struct mm_walk_ops ops_pmd_pte = {
	.pmd_entry = rec_pmd, .pte_entry = rec_pte, .pte_hole = rec_hole,
};

static void assert_log(const struct log *l, const struct rec *want, int n)
{
	for (int i = 0; i < l->n || i < n; i++) {
		if (i < l->n && i < n && l->r[i].kind == want[i].kind &&
		    l->r[i].addr == want[i].addr && l->r[i].next == want[i].next &&
		    l->r[i].depth == want[i].depth)
			continue;
		for (int j = 0; j < l->n; j++)
			print_message("  got  %c %#llx %#llx %d\n", l->r[j].kind,
				      (unsigned long long)l->r[j].addr,
				      (unsigned long long)l->r[j].next, l->r[j].depth);
		fail_msg("walk log differs at %d (%d entries, %d wanted)", i, l->n, n);
	}
}

#define ASSERT_LOG(l, ...) do {						\
	const struct rec want_[] = { __VA_ARGS__ };			\
	assert_log((l), want_, (int)ARRAY_SIZE(want_));			\
} while (0)

/* The tables of the picture above, in an mm of their own */
static struct mm_struct *build_mm(struct machine *m)
{
	struct mm_struct *mm = calloc(1, sizeof(*mm));

	assert_non_null(mm);
	init_rwsem(&mm->mmap_lock);
	assert_int_equal(mm_init_pgd(m, mm, 0), 0);
	assert_int_equal(pt_map(m, mm, B + K4, 0x1001, PAGE_KERNEL, PT_PTE, 0), 0);
	assert_int_equal(pt_map(m, mm, B + M2 - K4, 0x11ff, PAGE_KERNEL, PT_PTE, 0), 0);
	assert_int_equal(pt_map(m, mm, B + M2, 0x1200, PAGE_KERNEL, PT_PMD, 0), 0);
	assert_int_equal(pt_map(m, mm, B + 3 * M2, 0x1600, PAGE_KERNEL, PT_PTE, 0), 0);
	assert_int_equal(pt_map(m, mm, B + 2 * G1, 0x2000, PAGE_KERNEL, PT_PTE, 0), 0);
	return mm;
}

struct fixture {
	struct machine *m;
	struct mm_struct *mm;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->m = t_machine(1, 128, 2);
	f->mm = build_mm(f->m);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	machine_destroy(f->m);
	free(f->mm);
	free(f);
	return 0;
}

/* The caller of a no-VMA walk holds the write lock: every policy is content */
static int novma(struct fixture *f, uint64_t start, uint64_t end, const struct mm_walk_ops *ops,
		 struct log *l)
{
	int ret;

	down_write(f->m, &f->mm->mmap_lock);
	down_write(f->m, &f->m->init_mm->mmap_lock);
	ret = walk_page_range_novma(f->m, f->mm, start, end, ops, PFN_NONE, l);
	up_write(f->m, &f->m->init_mm->mmap_lock);
	up_write(f->m, &f->mm->mmap_lock);
	assert_false(f->m->fail.failed);
	return ret;
}

/*
 * [B+2M-8K, B+6M+8K): the end of PMD 0's table, PMD 1's leaf (no PTEs
 * without a VMA), PMD 2's hole (depth 3), the start of PMD 3's table.
 * Empty PTEs get pte_entry too; the range ends inside a table.
 */
static void test_order_across_tables(void **state)
{
	struct fixture *f = *state;
	struct log l = { 0 };

	assert_int_equal(novma(f, B + M2 - 2 * K4, B + 3 * M2 + 2 * K4, &ops_all, &l), 0);
	ASSERT_LOG(&l,
		{ 'g', B + M2 - 2 * K4, B + 3 * M2 + 2 * K4, 0 },
		{ 'u', B + M2 - 2 * K4, B + 3 * M2 + 2 * K4, 0 },
		{ 'm', B + M2 - 2 * K4, B + M2, 0 },
		{ 't', B + M2 - 2 * K4, B + M2 - K4, 0 },
		{ 't', B + M2 - K4, B + M2, 0 },
		{ 'm', B + M2, B + 2 * M2, 0 },
		{ 'h', B + 2 * M2, B + 3 * M2, 3 },
		{ 'm', B + 3 * M2, B + 3 * M2 + 2 * K4, 0 },
		{ 't', B + 3 * M2, B + 3 * M2 + K4, 0 },
		{ 't', B + 3 * M2 + K4, B + 3 * M2 + 2 * K4, 0 });
	assert_int_equal(pte_pfn(l.last_pte), 0);	/* B+6M+4K is not mapped */
}

/*
 * [B+1G-4K, B+2G+4K): the last PMD of PUD 0 is empty (depth
 * 3), PUD 1 is empty (depth 2, one hole for the whole 1 GiB), PUD 2's
 * first PTE is there.  And [B-512G, B+4K): the empty pgd slot 7 gets
 * pgd_entry, then a hole of depth 0.
 */
static void test_holes_by_depth(void **state)
{
	struct fixture *f = *state;
	struct log l = { 0 };

	assert_int_equal(novma(f, B + G1 - K4, B + 2 * G1 + K4, &ops_pmd_pte, &l), 0);
	ASSERT_LOG(&l,
		{ 'h', B + G1 - K4, B + G1, 3 },
		{ 'h', B + G1, B + 2 * G1, 2 },
		{ 'm', B + 2 * G1, B + 2 * G1 + K4, 0 },
		{ 't', B + 2 * G1, B + 2 * G1 + K4, 0 });
	assert_int_equal(pte_pfn(l.last_pte), 0x2000);

	memset(&l, 0, sizeof(l));
	assert_int_equal(novma(f, B - (512 * G1), B + K4, &ops_all, &l), 0);
	ASSERT_LOG(&l,
		{ 'g', B - 512 * G1, B, 0 },
		{ 'h', B - 512 * G1, B, 0 },
		{ 'g', B, B + K4, 0 },
		{ 'u', B, B + K4, 0 },
		{ 'm', B, B + K4, 0 },
		{ 't', B, B + K4, 0 });
}

/*
 * ACTION_CONTINUE from pmd_entry: no PTE of that table is visited;
 * ACTION_AGAIN: the same entry's callback again, then on as usual.
 */
static void test_actions(void **state)
{
	struct fixture *f = *state;
	struct log l = { .cont = true };

	assert_int_equal(novma(f, B, B + 4 * M2, &ops_pmd_pte, &l), 0);
	ASSERT_LOG(&l,
		{ 'm', B, B + M2, 0 },
		{ 'm', B + M2, B + 2 * M2, 0 },
		{ 'h', B + 2 * M2, B + 3 * M2, 3 },
		{ 'm', B + 3 * M2, B + 4 * M2, 0 });

	memset(&l, 0, sizeof(l));
	l.again = 2;
	assert_int_equal(novma(f, B + K4, B + 2 * K4, &ops_pmd_pte, &l), 0);
	ASSERT_LOG(&l,
		{ 'm', B + K4, B + 2 * K4, 0 },
		{ 'm', B + K4, B + 2 * K4, 0 },
		{ 'm', B + K4, B + 2 * K4, 0 },
		{ 't', B + K4, B + 2 * K4, 0 });
	assert_int_equal(pte_pfn(l.last_pte), 0x1001);
}

/*
 * The split hook HVO uses: a pmd_entry that turns PMD 1's leaf into a
 * PTE table makes the walk go on into that table, whose PTEs map the
 * leaf's frames one by one.  Without the split the leaf has no PTEs.
 */
static void test_pmd_leaf_split_by_callback(void **state)
{
	struct fixture *f = *state;
	struct log l = { 0 };
	long tables = f->mm->nr_pgtables;

	assert_int_equal(novma(f, B + M2 + K4, B + M2 + 3 * K4, &ops_pmd_pte, &l), 0);
	ASSERT_LOG(&l, { 'm', B + M2 + K4, B + M2 + 3 * K4, 0 });

	memset(&l, 0, sizeof(l));
	l.split = true;
	assert_int_equal(novma(f, B + M2 + K4, B + M2 + 3 * K4, &ops_pmd_pte, &l), 0);
	ASSERT_LOG(&l,
		{ 'm', B + M2 + K4, B + M2 + 3 * K4, 0 },
		{ 't', B + M2 + K4, B + M2 + 2 * K4, 0 },
		{ 't', B + M2 + 2 * K4, B + M2 + 3 * K4, 0 });
	assert_int_equal(pte_pfn(l.last_pte), 0x1202);
	assert_int_equal(f->mm->nr_pgtables, tables + 1);
}

/* A positive return stops the walk and is the walk's result; an empty range is EINVAL */
static void test_stop_and_einval(void **state)
{
	struct fixture *f = *state;
	struct log l = { .stop_at = 2 };

	assert_int_equal(novma(f, B, B + M2, &ops_pmd_pte, &l), 7);
	ASSERT_LOG(&l,
		{ 'm', B, B + M2, 0 },
		{ 't', B, B + K4, 0 },
		{ 't', B + K4, B + 2 * K4, 0 });
	assert_int_equal(novma(f, B + K4, B + K4, &ops_pmd_pte, &l), -EINVAL);
	assert_int_equal(novma(f, B + 2 * K4, B + K4, &ops_pmd_pte, &l), -EINVAL);
}

/*
 * A walk of init_mm from its own pgd or from a pgd given: the vmemmap of
 * pfn 0 is a 2 MiB leaf, seen once by pmd_entry and never descended into.
 */
static void test_init_mm_vmemmap(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	struct log l = { 0 };
	uint64_t va = page_va(m, 0);

	down_write(m, &m->init_mm->mmap_lock);
	assert_int_equal(walk_page_range_novma(m, m->init_mm, va, va + 2 * K4, &ops_pmd_pte,
					       m->init_mm->pgd, &l), 0);
	up_write(m, &m->init_mm->mmap_lock);
	ASSERT_LOG(&l, { 'm', va, va + 2 * K4, 0 });
	assert_false(m->fail.failed);
}

/* -------------------------------------------------------------------------
 * Walks of a process's VMAs (walk_page_range)
 *
 *   0x10000000  8K anon, both pages touched   (PMD 0x80: a PTE table)
 *   0x10003000  4K anon                       skipped by test_walk
 *   0x10400000  4K anon, untouched            (PMD 0x82: empty)
 * walked over [0x0ffff000, 0x10404000)
 */
static struct task *vma_task(struct machine *m)
{
	int err = 0;
	struct task *t = task_create(m, "walker", &err);
	const long rw = PROT_READ | PROT_WRITE;
	const long fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

	assert_non_null(t);
	assert_int_equal(ksys_mmap_pgoff(m, t, 0x10000000, 2 * K4, rw, fl, -1, 0), 0x10000000);
	assert_int_equal(ksys_mmap_pgoff(m, t, 0x10003000, K4, rw, fl, -1, 0), 0x10003000);
	assert_int_equal(ksys_mmap_pgoff(m, t, 0x10400000, K4, rw, fl, -1, 0), 0x10400000);
	assert_int_equal(user_access(m, t->mm, 0x10000000, true), UA_OK);
	assert_int_equal(user_access(m, t->mm, 0x10001000, true), UA_OK);
	return t;
}

static void test_vma_walk(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	struct task *t = vma_task(m);
	static const struct mm_walk_ops ops = {
		.pmd_entry = rec_pmd, .pte_entry = rec_pte, .pte_hole = rec_hole,
		.test_walk = rec_test, .pre_vma = rec_pre, .post_vma = rec_post,
	};
	struct log l = { .skip_start = 0x10003000 };

	down_read(m, &t->mm->mmap_lock);
	assert_int_equal(walk_page_range(m, t->mm, 0x0ffff000, 0x10404000, &ops, &l), 0);
	up_read(m, &t->mm->mmap_lock);
	assert_false(m->fail.failed);
	ASSERT_LOG(&l,
		{ 'h', 0x0ffff000, 0x10000000, -1 },
		{ 'p', 0x10000000, 0x10002000, 0 },
		{ 'm', 0x10000000, 0x10002000, 0 },
		{ 't', 0x10000000, 0x10001000, 0 },
		{ 't', 0x10001000, 0x10002000, 0 },
		{ 'P', 0, 0, 0 },
		{ 'h', 0x10002000, 0x10003000, -1 },
		{ 's', 0x10003000, 0x10004000, 0 },
		{ 'h', 0x10004000, 0x10400000, -1 },
		{ 'p', 0x10400000, 0x10401000, 0 },
		{ 'h', 0x10400000, 0x10401000, 3 },
		{ 'P', 0, 0, 0 },
		{ 'h', 0x10401000, 0x10404000, -1 });
	assert_true(pte_present(l.last_pte));

	/* walk_page_vma: the whole of one VMA, no gaps */
	memset(&l, 0, sizeof(l));
	down_read(m, &t->mm->mmap_lock);
	assert_int_equal(walk_page_vma(m, find_vma(t->mm, 0x10000000), &ops_pmd_pte, &l), 0);
	up_read(m, &t->mm->mmap_lock);
	ASSERT_LOG(&l,
		{ 'm', 0x10000000, 0x10002000, 0 },
		{ 't', 0x10000000, 0x10001000, 0 },
		{ 't', 0x10001000, 0x10002000, 0 });
	do_exit(m, t, 0);
}

/* -------------------------------------------------------------------------
 * The lock matrix: each policy, each walker, each lock the caller holds.
 *
 *   walker                       lock held        6.1    6.8    6.17
 *   novma on init_mm             none             WARN   WARN   WARN
 *                                read             WARN   ok     ok
 *                                write            ok     ok     ok
 *   novma on a process's mm      none             WARN   WARN   WARN
 *                                read             WARN   WARN   WARN
 *                                write            WARN*  ok     WARN*
 *                                write + init_mm  ok     ok     ok
 *   walk_page_range, RDLOCK ops  none             WARN   WARN   WARN
 *                                read             ok     ok     ok
 *                                write            ok     ok     ok
 *   walk_page_range, WRLOCK ops  none             WARN   WARN   WARN
 *                                read             ok     WARN   WARN
 *                                write            ok     ok     ok
 *
 * (*: init_mm's write lock is asserted too, and not held.)  Each WARN
 * names the walker as that kernel calls it, the mm and what is held.
 */
enum held { NONE, READ, WRITE, WRITE_BOTH };
enum walker { NOVMA_INIT, NOVMA_USER, RANGE_RD, RANGE_WR };

struct lock_case {
	enum walker walker;
	enum held held;
	const char *want[3];	/* per policy 6.1, 6.8, 6.17: NULL ok, else the message */
};

#define W_NOVMA_INIT_NONE "WARNING: walk_page_range_novma on CPU#0: mmap_assert_write_locked(init_mm) failed: the mmap lock is not held"
#define W_NOVMA_INIT_READ "WARNING: walk_page_range_novma on CPU#0: mmap_assert_write_locked(init_mm) failed: the mmap lock is held for read"
#define W_8_INIT_NONE "WARNING: walk_page_range_novma on CPU#0: mmap_assert_locked(init_mm) failed: the mmap lock is not held"
#define W_17_INIT_NONE "WARNING: walk_kernel_page_table_range on CPU#0: mmap_assert_locked(init_mm) failed: the mmap lock is not held"
#define USER "mm of process 100 walker"
#define W_USER(fn, what) "WARNING: " fn " on CPU#0: mmap_assert_write_locked(" USER ") failed: the mmap lock is " what
#define W_INIT_FROM(fn) "WARNING: " fn " on CPU#0: mmap_assert_write_locked(init_mm) failed: the mmap lock is not held"
#define W_RANGE(what) "WARNING: walk_page_range on CPU#0: mmap_assert_locked(" USER ") failed: the mmap lock is " what
#define W_RANGE_WR(what) "WARNING: walk_page_range on CPU#0: mmap_assert_write_locked(" USER ") failed: the mmap lock is " what

static const struct lock_case lock_cases[] = {
	{ NOVMA_INIT, NONE, { W_NOVMA_INIT_NONE, W_8_INIT_NONE, W_17_INIT_NONE } },
	{ NOVMA_INIT, READ, { W_NOVMA_INIT_READ, NULL, NULL } },
	{ NOVMA_INIT, WRITE, { NULL, NULL, NULL } },
	{ NOVMA_USER, NONE, { W_USER("walk_page_range_novma", "not held"),
			      W_USER("walk_page_range_novma", "not held"),
			      W_USER("walk_page_range_debug", "not held") } },
	{ NOVMA_USER, READ, { W_USER("walk_page_range_novma", "held for read"),
			      W_USER("walk_page_range_novma", "held for read"),
			      W_USER("walk_page_range_debug", "held for read") } },
	{ NOVMA_USER, WRITE, { W_INIT_FROM("walk_page_range_novma"), NULL,
			       W_INIT_FROM("walk_page_range_debug") } },
	{ NOVMA_USER, WRITE_BOTH, { NULL, NULL, NULL } },
	{ RANGE_RD, NONE, { W_RANGE("not held"), W_RANGE("not held"), W_RANGE("not held") } },
	{ RANGE_RD, READ, { NULL, NULL, NULL } },
	{ RANGE_RD, WRITE, { NULL, NULL, NULL } },
	{ RANGE_WR, NONE, { W_RANGE("not held"), W_RANGE_WR("not held"), W_RANGE_WR("not held") } },
	{ RANGE_WR, READ, { NULL, W_RANGE_WR("held for read"), W_RANGE_WR("held for read") } },
	{ RANGE_WR, WRITE, { NULL, NULL, NULL } },
};

static const char *const lock_policies[] = { "6.1", "6.8", "6.17" };

static void lock(struct machine *m, struct rw_semaphore *s, enum held h, bool take)
{
	if (h == READ)
		(take ? down_read : up_read)(m, s);
	else if (h >= WRITE)
		(take ? down_write : up_write)(m, s);
}

static void run_lock_case(struct machine *m, struct task *t, const struct lock_case *c,
			  const char *policy, const char *want)
{
	static const struct mm_walk_ops rd = { .pmd_entry = rec_pmd, .walk_lock = PGWALK_RDLOCK };
	static const struct mm_walk_ops wr = { .pmd_entry = rec_pmd, .walk_lock = PGWALK_WRLOCK };
	struct mm_struct *mm = c->walker == NOVMA_INIT ? m->init_mm : t->mm;
	uint64_t start = c->walker == NOVMA_INIT ? page_va(m, 0) : 0x10000000;
	struct log l = { 0 };
	int ret;

	m->fail.failed = false;
	m->fail.msg[0] = '\0';
	lock(m, &mm->mmap_lock, c->held, true);
	if (c->held == WRITE_BOTH)
		lock(m, &m->init_mm->mmap_lock, WRITE, true);
	if (c->walker == NOVMA_INIT || c->walker == NOVMA_USER)
		ret = walk_page_range_novma(m, mm, start, start + K4, &rd, PFN_NONE, &l);
	else
		ret = walk_page_range(m, mm, start, start + K4, c->walker == RANGE_RD ? &rd : &wr,
				      &l);
	if (c->held == WRITE_BOTH)
		lock(m, &m->init_mm->mmap_lock, WRITE, false);
	lock(m, &mm->mmap_lock, c->held, false);
	assert_int_equal(ret, 0);
	/* the assertion is a WARNING: the walk itself is done all the same */
	assert_int_equal(l.n, 1);
	if (!want && m->fail.failed)
		fail_msg("pagewalk-lock=%s walker %d held %d: unexpected '%s'", policy, c->walker,
			 c->held, m->fail.msg);
	if (want && strcmp(m->fail.msg, want))
		fail_msg("pagewalk-lock=%s walker %d held %d:\n  got  '%s'\n  want '%s'", policy,
			 c->walker, c->held, m->fail.failed ? m->fail.msg : "(nothing)", want);
}

static void test_lock_matrix(void **state)
{
	(void)state;
	for (size_t p = 0; p < ARRAY_SIZE(lock_policies); p++) {
		struct machine_opts o;
		struct machine *m;
		struct task *t;

		t_opts(&o, 1, 128, 2);
		assert_true(policy_set_pick(&o.policies, "pagewalk-lock", lock_policies[p]));
		m = t_boot(&o);
		t = vma_task(m);
		for (size_t i = 0; i < ARRAY_SIZE(lock_cases); i++)
			run_lock_case(m, t, &lock_cases[i], lock_policies[p], lock_cases[i].want[p]);
		m->fail.failed = false;
		do_exit(m, t, 0);
		machine_destroy(m);
	}
}

/* 6.1 is the default entry: a machine with no pick asserts as 6.1 does */
static void test_default_is_6_1(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	struct log l = { 0 };
	uint64_t va = page_va(m, 0);

	down_read(m, &m->init_mm->mmap_lock);
	walk_page_range_novma(m, m->init_mm, va, va + K4, &ops_pmd_pte, PFN_NONE, &l);
	up_read(m, &m->init_mm->mmap_lock);
	assert_true(m->fail.failed);
	assert_string_equal(m->fail.msg, W_NOVMA_INIT_READ);
	m->fail.failed = false;
}


/* -------------------------------------------------------------------------
 * Entries that imply another family's entry (struct policy.implies)
 */
static const char *resolved(const struct policy_set *picks, const char *family)
{
	const struct policy_family *f = policy_family_find(family, strlen(family));
	struct policy_set all;
	char err[128];

	assert_true(policy_set_resolve(&all, picks, err, sizeof(err)));
	return policy_set_get(&all, f)->name;
}

/*
 * Every implies names an entry of another registered family; an implied
 * entry fills a family nobody picked, an explicit pick wins whatever the
 * order the picks were made in.
 */
static void test_implies(void **state)
{
	const struct policy_family *f, *pw = policy_family_find("pagewalk-lock", 13);
	struct policy_set picks = { 0 };

	(void)state;
	for (size_t i = 0; (f = policy_family_at(i)); i++) {
		for (unsigned int j = 0; j < f->nr_policies; j++) {
			const struct policy *p = &f->policies[j], *tp;
			const struct policy_family *tf;

			if (!p->implies)
				continue;
			if (!policy_implies(p, &tf, &tp) || tf == f)
				fail_msg("%s=%s implies '%s': no entry of another family", f->name,
					 p->name, p->implies);
		}
	}
	assert_string_equal(resolved(&picks, "pagewalk-lock"), "6.1");
	assert_null(policy_set_implied(&picks, pw));
	assert_true(policy_set_pick(&picks, "hvo", "new-head-6.12"));
	assert_string_equal(resolved(&picks, "pagewalk-lock"), "6.17");
	assert_string_equal(policy_set_get(&picks, pw)->name, "6.17");
	assert_true(policy_set_pick(&picks, "pagewalk-lock", "6.1"));
	assert_string_equal(resolved(&picks, "pagewalk-lock"), "6.1");
	assert_string_equal(policy_set_implied(&picks, pw)->name, "6.17");
	assert_string_equal(resolved(&picks, "hvo"), "new-head-6.12");

	memset(&picks, 0, sizeof(picks));
	assert_true(policy_set_pick(&picks, "pagewalk-lock", "6.8"));
	assert_true(policy_set_pick(&picks, "hvo", "new-head-6.12"));
	assert_string_equal(resolved(&picks, "pagewalk-lock"), "6.8");
	assert_true(policy_set_pick(&picks, "hvo", "reuse-head"));
	assert_string_equal(resolved(&picks, "pagewalk-lock"), "6.8");
	memset(&picks, 0, sizeof(picks));
	assert_true(policy_set_pick(&picks, "hvo", "new-head-6.7"));
	assert_string_equal(resolved(&picks, "pagewalk-lock"), "6.1");
}

/* -------------------------------------------------------------------------
 * Under the explorer: each entry the walk reads is a scheduling point.
 *
 *   CPU0: mmap_read_lock(&init_mm); walk_page_range_novma over two vmemmap
 *         PTEs (pte_entry notes the frame each maps); unlock
 *   CPU1: remaps the second PTE to another frame (no lock: a writer the
 *         lock does not stop, as hot-remove's table changes are not)
 *
 * Both orders of CPU1's write and CPU0's read of that PTE must be seen,
 * the write must be able to land between the walk's two PTE reads, and
 * the read lock must be held across the whole walk (pagewalk-lock=6.8
 * accepts it: no WARNING in any schedule).
 */
struct pw_race {
	struct machine *m;
	uint64_t va;
	unsigned long old1, other;
	unsigned long seen[2];
	bool unlocked;		/* a PTE was seen without init_mm's lock held */
	int n;
};

static void *pw_setup(struct xp_ctx *x, void *arg)
{
	struct pw_race *r = arg;
	struct machine_opts o;
	bool rw;

	t_opts(&o, 1, 64, 2);
	policy_set_pick(&o.policies, "pagewalk-lock", "6.8");
	r->m = t_boot(&o);
	r->va = page_va(r->m, 4096) & ~(PMD_SIZE - 1);
	r->n = 0;
	r->unlocked = false;
	r->other = alloc_pages_node(r->m, 0, GFP_KERNEL, 0);
	if (pt_split_pmd(r->m, r->m->init_mm, r->va, 0) ||
	    !vmemmap_peek(r->m, r->va + K4, &r->old1, &rw, NULL))
		xp_fail(x, "setup failed");
	xp_attach_machine(x, r->m);
	return r;
}

static void pw_teardown(struct xp_ctx *x, void *s)
{
	struct pw_race *r = s;

	machine_destroy(r->m);
	r->m = NULL;
}

static int pw_pte(struct machine *m, const struct pt_slot *pte, uint64_t a, uint64_t n,
		  struct mm_walk *w)
{
	struct pw_race *r = w->private;

	r->seen[r->n++] = pte_pfn(pt_slot_read(m, pte));
	r->unlocked |= !rwsem_held(m, &m->init_mm->mmap_lock);
	return 0;
}

static void pw_cpu0(struct xp_ctx *x, void *s)
{
	static const struct mm_walk_ops ops = { .pte_entry = pw_pte };
	struct pw_race *r = s;
	struct machine *m = r->m;

	down_read(m, &m->init_mm->mmap_lock);
	walk_page_range_novma(m, m->init_mm, r->va, r->va + 2 * K4, &ops, PFN_NONE, r);
	up_read(m, &m->init_mm->mmap_lock);
	xp_assert(x, r->n == 2 && !r->unlocked);
	xp_sometimes_if(x, "the walk read the second PTE before the remap", r->seen[1] == r->old1);
	xp_sometimes_if(x, "the walk read the second PTE after the remap", r->seen[1] == r->other);
}

static void pw_cpu1(struct xp_ctx *x, void *s)
{
	struct pw_race *r = s;
	struct machine *m = r->m;
	enum pt_level level;
	unsigned long table;
	unsigned int idx;

	pt_walk(m, m->init_mm, r->va + K4, &level, &table, &idx);
	xp_sometimes_if(x, "the remap came between the walk's two PTE reads", r->n == 1);
	pt_write(m, table, idx, pfn_pte(r->other, PAGE_KERNEL));
}

static struct pw_race pw_race;
static const char *const pw_sometimes[] = {
	"the walk read the second PTE before the remap",
	"the walk read the second PTE after the remap",
	"the remap came between the walk's two PTE reads", NULL,
};
static const struct xp_test t_pw_race = {
	.name = "pagewalk_reads_are_scheduling_points", .ncpus = 2, .setup = pw_setup,
	.teardown = pw_teardown, .cpu = { pw_cpu0, pw_cpu1 }, .arg = &pw_race,
	.sometimes = pw_sometimes,
};

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_across_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holes_by_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pmd_leaf_split_by_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_and_einval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_mm_vmemmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vma_walk, setup, teardown),
		cmocka_unit_test(test_lock_matrix),
		cmocka_unit_test_setup_teardown(test_default_is_6_1, setup, teardown),
		cmocka_unit_test(test_implies),
		XP_UNIT_TEST_EXHAUSTIVE(t_pw_race),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
