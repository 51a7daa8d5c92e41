// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mm.c - user address spaces through the model's API: faults, COW
 * and fork (memory.c, rmap.c, fork.c), the mmap family's argument checks,
 * VMA splitting and merging, layout, free_pgtables, and exit (mmap.c).
 *
 * The expected values are the 6.1 kernel's rules as
 * notes/s9/spec-syscalls.md sets them out (section numbers below refer to
 * it), not what the model happens to do.  Every test ends with the
 * invariant checker (t_check), which also compares the page tables with
 * the counters.
 *
 * Machines: one node of 64 MiB, one CPU, a tmpfs at /mnt.  The first mmap
 * of a fresh process ends at mmap_base, 0x7ffff7fff000 (section 1).  THP is
 * "never" (these are the 4 KiB rules; test_huge_memory.c has the THP
 * ones) except where a test says otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "check.h"
#include "filemap.h"
#include "huge_memory.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "rmap.h"
#include "task.h"

#define MMAP_BASE	0x7ffff7fff000UL
#define PG		PAGE_SIZE
#define RW		(PROT_READ | PROT_WRITE)
#define ANON_PRIV	(MAP_PRIVATE | MAP_ANONYMOUS)
#define ANON_SHARED	(MAP_SHARED | MAP_ANONYMOUS)

/* ---- helpers -------------------------------------------------------------- */

static struct machine *mm_machine_thp(void **state, int thp_enabled)
{
	char err[128];
	struct machine_opts o;
	struct machine *m;

	t_opts(&o, 1, 64, 1);
	o.thp_enabled = thp_enabled;
	m = t_boot(&o);
	*state = m;
	assert_int_equal(shmem_mount(m, "/mnt", "", err, sizeof(err)), 0);
	return m;
}

static struct machine *mm_machine(void **state)
{
	return mm_machine_thp(state, THP_NEVER);
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

static struct task *fork_of(struct machine *m, struct task *parent, const char *name)
{
	int err;
	struct task *t = do_fork(m, parent, name, &err);

	assert_non_null(t);
	return t;
}

/* A tmpfs file of size bytes, open read-write in t */
static int file(struct machine *m, struct task *t, const char *path, uint64_t size)
{
	long fd = do_sys_open(m, t, path, O_RDWR | O_CREAT);

	assert_true(fd >= 0);
	assert_int_equal(do_ftruncate(m, t, (int)fd, size), 0);
	return (int)fd;
}

static long mmap_anon(struct machine *m, struct task *t, uint64_t addr, uint64_t len, long prot,
		      long flags)
{
	return ksys_mmap_pgoff(m, t, addr, len, prot, flags | MAP_ANONYMOUS, -1, 0);
}

static void touch(struct machine *m, struct task *t, uint64_t addr, bool write)
{
	assert_int_equal(user_access(m, t->mm, addr, write), UA_OK);
}

/* The PTE for addr, or 0 when no PTE table covers it */
static pteval_t pte_at(struct machine *m, struct task *t, uint64_t addr)
{
	enum pt_level level;
	pteval_t e = pt_walk(m, t->mm, addr, &level, NULL, NULL);

	return level == PT_PTE ? e : 0;
}

/* The page a PTE maps (PFN_NONE for none or the zero page) */
static unsigned long page_at(struct machine *m, struct task *t, uint64_t addr)
{
	pteval_t e = pte_at(m, t, addr);

	return upte_present(e) ? vm_normal_pfn(e) : PFN_NONE;
}

static bool maps_zero_page(struct machine *m, struct task *t, uint64_t addr)
{
	pteval_t e = pte_at(m, t, addr);

	return upte_present(e) && (e & _PAGE_SPECIAL) && pte_pfn(e) == proc_ctx(m)->zero_pfn;
}

static long node_stat(struct machine *m, int item)
{
	long v = 0;

	for (int n = 0; n < m->nr_nodes; n++)
		v += m->node[n].vm_stat[item];
	return v;
}

static long rss(struct task *t, enum mm_counter c)
{
	return t->mm->rss_stat[c];
}

/* The VMA containing addr, which must exist */
static struct vm_area_struct *vma_at(struct task *t, uint64_t addr)
{
	struct vm_area_struct *v = find_vma(t->mm, addr);

	assert_non_null(v);
	assert_true(v->vm_start <= addr);
	return v;
}

/* The mm's VMAs as "[start,end) ..." for comparing layouts in one string */
static const char *layout(struct task *t)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < t->mm->nr_vmas; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s[%#lx,%#lx)", i ? " " : "",
				      t->mm->vmas[i]->vm_start, t->mm->vmas[i]->vm_end);
	return buf;
}

static unsigned long free_pages(struct machine *m)
{
	return global_zone_page_state(m, NR_FREE_PAGES);
}

/* ---- the fault / COW / fork matrix (sections 7, 8) -------------------------
 *
 * One page, mapped {private, shared} x {anonymous, a 4 KiB tmpfs file} and
 * touched by a {read, write} {before fork (by the parent), after fork by
 * the parent, after fork by the child}.  For each cell: what each
 * process's PTE maps (nothing, the zero page, or the one page X) and
 * whether it is writable, X's mapcount, refcount, PageAnon and
 * PageAnonExclusive, both processes' rss, NR_ANON_MAPPED/NR_FILE_MAPPED,
 * the file's page-cache page when there is one, and whether X holds the
 * written content tag (a page never written reads as zeroes, tag 0).
 *
 * Pictures: P and C are the processes, --rw--> a writable PTE, --ro--> a
 * read-only one, "." no PTE; X is the page, F the file's page-cache page.
 * Both tmpfs files and MAP_SHARED|MAP_ANONYMOUS memory are shmem: their
 * pages count in MM_SHMEMPAGES and NR_FILE_MAPPED, the page cache holds a
 * reference, and vma_needs_copy skips shared VMAs at fork (no anon_vma).
 */
enum when { BEFORE_FORK, PARENT_AFTER_FORK, CHILD_AFTER_FORK };
enum view { NOTHING, ZERO_PAGE, PAGE_X };

struct cell {
	const char *what;
	long flags;			/* MAP_PRIVATE or MAP_SHARED */
	bool file, write;
	enum when when;
	/* expected */
	enum view p, c;			/* what the parent's and the child's PTE maps */
	bool p_rw, c_rw;
	int mapcount, refcount;		/* of X */
	bool anon, exclusive;		/* of X */
	long p_anon, p_shmem, c_anon, c_shmem;
	long anon_mapped, file_mapped;
	int f_mapcount, f_refcount;	/* F, when a file backs the mapping; else -1 */
	bool written;			/* X holds the tag the write left */
};

static const struct cell cells[] = {
	/*
	 * P --ro--> zero page      C .
	 * A read maps the zero page and creates no anon_vma, so fork copies nothing.
	 */
	{ "private anon, read, before fork", MAP_PRIVATE, false, false, BEFORE_FORK,
	  ZERO_PAGE, NOTHING, false, false, 0, 0, false, false, 0, 0, 0, 0, 0, 0, -1, -1, false },
	/*
	 * P --ro--> X <--ro-- C    X anon, mapcount 2, refcount 2, not exclusive
	 * Fork copies an anon PTE: one more mapping and reference, exclusivity
	 * dropped, both PTEs write-protected; NR_ANON_MAPPED does not move.
	 */
	{ "private anon, write, before fork", MAP_PRIVATE, false, true, BEFORE_FORK,
	  PAGE_X, PAGE_X, false, false, 2, 2, true, false, 1, 0, 1, 0, 1, 0, -1, -1, true },
	/*
	 * P --ro--> zero page      C .
	 * After fork the parent's read fault is its own: the zero page again.
	 */
	{ "private anon, read, parent after fork", MAP_PRIVATE, false, false, PARENT_AFTER_FORK,
	  ZERO_PAGE, NOTHING, false, false, 0, 0, false, false, 0, 0, 0, 0, 0, 0, -1, -1, false },
	/*
	 * P .                      C --ro--> zero page
	 * The child's read of memory nobody touched maps the zero page in the child only.
	 */
	{ "private anon, read, child after fork", MAP_PRIVATE, false, false, CHILD_AFTER_FORK,
	  NOTHING, ZERO_PAGE, false, false, 0, 0, false, false, 0, 0, 0, 0, 0, 0, -1, -1, false },
	/*
	 * P --rw--> X              C .
	 * A write fault after fork allocates an exclusive page for the writer alone.
	 */
	{ "private anon, write, parent after fork", MAP_PRIVATE, false, true, PARENT_AFTER_FORK,
	  PAGE_X, NOTHING, true, false, 1, 1, true, true, 1, 0, 0, 0, 1, 0, -1, -1, true },
	/*
	 * P .                      C --rw--> X
	 * The same in the child: the parent's page tables stay empty.
	 */
	{ "private anon, write, child after fork", MAP_PRIVATE, false, true, CHILD_AFTER_FORK,
	  NOTHING, PAGE_X, false, true, 1, 1, true, true, 0, 0, 1, 0, 1, 0, -1, -1, true },
	/*
	 * P --ro--> X=F            C .     F: mapcount 1, refcount 2 (cache + PTE)
	 * A read maps the page-cache page read-only; no anon_vma, so fork copies nothing.
	 */
	{ "private file, read, before fork", MAP_PRIVATE, true, false, BEFORE_FORK,
	  PAGE_X, NOTHING, false, false, 1, 2, false, false, 0, 1, 0, 0, 0, 1, 1, 2, false },
	/*
	 * P --ro--> X <--ro-- C    X anon copy of F; F unmapped, refcount 1 (cache)
	 * do_cow_fault maps a private anon copy; the anon_vma makes fork copy it.
	 */
	{ "private file, write, before fork", MAP_PRIVATE, true, true, BEFORE_FORK,
	  PAGE_X, PAGE_X, false, false, 2, 2, true, false, 1, 0, 1, 0, 1, 0, 0, 1, true },
	/*
	 * P --ro--> X=F            C .
	 * The parent's read after fork maps the cache page, as before fork.
	 */
	{ "private file, read, parent after fork", MAP_PRIVATE, true, false, PARENT_AFTER_FORK,
	  PAGE_X, NOTHING, false, false, 1, 2, false, false, 0, 1, 0, 0, 0, 1, 1, 2, false },
	/*
	 * P .                      C --ro--> X=F
	 * The child's read maps the same cache page in the child only.
	 */
	{ "private file, read, child after fork", MAP_PRIVATE, true, false, CHILD_AFTER_FORK,
	  NOTHING, PAGE_X, false, false, 1, 2, false, false, 0, 0, 0, 1, 0, 1, 1, 2, false },
	/*
	 * P --rw--> X              C .     X anon, exclusive; F unmapped
	 * A private write fault copies F into a new anon page, leaving F unmapped.
	 */
	{ "private file, write, parent after fork", MAP_PRIVATE, true, true, PARENT_AFTER_FORK,
	  PAGE_X, NOTHING, true, false, 1, 1, true, true, 1, 0, 0, 0, 1, 0, 0, 1, true },
	/*
	 * P .                      C --rw--> X
	 * The same in the child.
	 */
	{ "private file, write, child after fork", MAP_PRIVATE, true, true, CHILD_AFTER_FORK,
	  NOTHING, PAGE_X, false, true, 1, 1, true, true, 0, 0, 1, 0, 1, 0, 0, 1, true },
	/*
	 * P --rw--> X=F            C .     shmem page: mapcount 1, refcount 2
	 * Shared anon memory is a shmem file: even a read maps it writable (no
	 * writenotify), and fork does not copy a shared VMA's page tables.
	 */
	{ "shared anon, read, before fork", MAP_SHARED, false, false, BEFORE_FORK,
	  PAGE_X, NOTHING, true, false, 1, 2, false, false, 0, 1, 0, 0, 0, 1, 1, 2, false },
	/*
	 * P --rw--> X=F            C .
	 * A write goes into the shmem page itself; still nothing copied at fork.
	 */
	{ "shared anon, write, before fork", MAP_SHARED, false, true, BEFORE_FORK,
	  PAGE_X, NOTHING, true, false, 1, 2, false, false, 0, 1, 0, 0, 0, 1, 1, 2, true },
	/*
	 * P --rw--> X=F            C .
	 * The parent's read after fork allocates the shmem page, mapped writable.
	 */
	{ "shared anon, read, parent after fork", MAP_SHARED, false, false, PARENT_AFTER_FORK,
	  PAGE_X, NOTHING, true, false, 1, 2, false, false, 0, 1, 0, 0, 0, 1, 1, 2, false },
	/*
	 * P .                      C --rw--> X=F
	 * The child's read does the same in the child.
	 */
	{ "shared anon, read, child after fork", MAP_SHARED, false, false, CHILD_AFTER_FORK,
	  NOTHING, PAGE_X, false, true, 1, 2, false, false, 0, 0, 0, 1, 0, 1, 1, 2, false },
	/*
	 * P --rw--> X=F            C .
	 * The parent's write after fork: one shmem page, the parent's mapping.
	 */
	{ "shared anon, write, parent after fork", MAP_SHARED, false, true, PARENT_AFTER_FORK,
	  PAGE_X, NOTHING, true, false, 1, 2, false, false, 0, 1, 0, 0, 0, 1, 1, 2, true },
	/*
	 * P .                      C --rw--> X=F
	 * The child's write after fork: one shmem page, the child's mapping.
	 */
	{ "shared anon, write, child after fork", MAP_SHARED, false, true, CHILD_AFTER_FORK,
	  NOTHING, PAGE_X, false, true, 1, 2, false, false, 0, 0, 0, 1, 0, 1, 1, 2, true },
	/*
	 * P --rw--> X=F            C .
	 * A shared tmpfs mapping behaves as shared anon memory: read maps writable.
	 */
	{ "shared file, read, before fork", MAP_SHARED, true, false, BEFORE_FORK,
	  PAGE_X, NOTHING, true, false, 1, 2, false, false, 0, 1, 0, 0, 0, 1, 1, 2, false },
	/*
	 * P --rw--> X=F            C .
	 * The write lands in the file's page; fork copies no shared PTEs.
	 */
	{ "shared file, write, before fork", MAP_SHARED, true, true, BEFORE_FORK,
	  PAGE_X, NOTHING, true, false, 1, 2, false, false, 0, 1, 0, 0, 0, 1, 1, 2, true },
	/*
	 * P --rw--> X=F            C .
	 * The parent's read after fork maps the file's page.
	 */
	{ "shared file, read, parent after fork", MAP_SHARED, true, false, PARENT_AFTER_FORK,
	  PAGE_X, NOTHING, true, false, 1, 2, false, false, 0, 1, 0, 0, 0, 1, 1, 2, false },
	/*
	 * P .                      C --rw--> X=F
	 * The child's read maps the file's page in the child.
	 */
	{ "shared file, read, child after fork", MAP_SHARED, true, false, CHILD_AFTER_FORK,
	  NOTHING, PAGE_X, false, true, 1, 2, false, false, 0, 0, 0, 1, 0, 1, 1, 2, false },
	/*
	 * P --rw--> X=F            C .
	 * The parent's write after fork lands in the file's page.
	 */
	{ "shared file, write, parent after fork", MAP_SHARED, true, true, PARENT_AFTER_FORK,
	  PAGE_X, NOTHING, true, false, 1, 2, false, false, 0, 1, 0, 0, 0, 1, 1, 2, true },
	/*
	 * P .                      C --rw--> X=F
	 * The child's write after fork lands in the file's page.
	 */
	{ "shared file, write, child after fork", MAP_SHARED, true, true, CHILD_AFTER_FORK,
	  NOTHING, PAGE_X, false, true, 1, 2, false, false, 0, 0, 0, 1, 0, 1, 1, 2, true },
};

/* What one process's PTE at addr maps, checked against the cell; returns X or PFN_NONE */
static unsigned long check_view(struct machine *m, const struct cell *c, struct task *t,
				uint64_t addr, enum view want, bool rw, const char *who)
{
	pteval_t e = pte_at(m, t, addr);

	switch (want) {
	case NOTHING:
		if (upte_present(e))
			fail_msg("%s: the %s maps %#llx, expected no PTE", c->what, who,
				 (unsigned long long)e);
		return PFN_NONE;
	case ZERO_PAGE:
		if (!maps_zero_page(m, t, addr))
			fail_msg("%s: the %s does not map the zero page", c->what, who);
		break;
	case PAGE_X:
		if (!upte_present(e) || vm_normal_pfn(e) == PFN_NONE)
			fail_msg("%s: the %s maps no page", c->what, who);
		break;
	}
	if (pte_write(e) != rw)
		fail_msg("%s: the %s's PTE is %s, expected %s", c->what, who,
			 pte_write(e) ? "writable" : "read-only", rw ? "writable" : "read-only");
	return vm_normal_pfn(e);
}

static void run_cell(const struct cell *c)
{
	struct machine *m = t_machine(1, 64, 1);
	char err[128];
	struct task *p, *ch;
	struct inode *inode;
	unsigned long x, xp, xc;
	uint64_t f = PFN_NONE;
	int fd = -1;
	long a;

	assert_int_equal(shmem_mount(m, "/mnt", "", err, sizeof(err)), 0);
	p = proc(m, "parent");
	if (c->file)
		fd = file(m, p, "/mnt/f", PG);
	a = ksys_mmap_pgoff(m, p, 0, PG, RW, c->flags | (c->file ? 0 : MAP_ANONYMOUS), fd, 0);
	assert_int_equal(a, MMAP_BASE - PG);
	if (c->when == BEFORE_FORK)
		touch(m, p, a, c->write);
	ch = fork_of(m, p, "child");
	if (c->when != BEFORE_FORK)
		touch(m, c->when == PARENT_AFTER_FORK ? p : ch, a, c->write);

	xp = check_view(m, c, p, a, c->p, c->p_rw, "parent");
	xc = check_view(m, c, ch, a, c->c, c->c_rw, "child");
	if (xp != PFN_NONE && xc != PFN_NONE && xp != xc)
		fail_msg("%s: parent and child map different pages", c->what);
	x = xp != PFN_NONE ? xp : xc;
	if (x != PFN_NONE) {
		if (page_mapcount(m, x) != c->mapcount || page_ref_count(m, x) != c->refcount)
			fail_msg("%s: X mapcount %d refcount %d, expected %d %d", c->what,
				 page_mapcount(m, x), page_ref_count(m, x), c->mapcount, c->refcount);
		if (PageAnon(m, x) != c->anon || PageAnonExclusive(m, x) != c->exclusive)
			fail_msg("%s: X PageAnon %d AnonExclusive %d, expected %d %d", c->what,
				 PageAnon(m, x), PageAnonExclusive(m, x), c->anon, c->exclusive);
		if ((page_content(m, x) != 0) != c->written)
			fail_msg("%s: X content tag %llu", c->what,
				 (unsigned long long)page_content(m, x));
	} else if (c->written) {
		fail_msg("%s: nothing maps a written page", c->what);
	}
	if (rss(p, MM_ANONPAGES) != c->p_anon || rss(p, MM_SHMEMPAGES) != c->p_shmem ||
	    rss(ch, MM_ANONPAGES) != c->c_anon || rss(ch, MM_SHMEMPAGES) != c->c_shmem ||
	    rss(p, MM_FILEPAGES) || rss(ch, MM_FILEPAGES))
		fail_msg("%s: rss parent anon %ld shmem %ld file %ld, child anon %ld shmem %ld "
			 "file %ld", c->what, rss(p, MM_ANONPAGES), rss(p, MM_SHMEMPAGES),
			 rss(p, MM_FILEPAGES), rss(ch, MM_ANONPAGES), rss(ch, MM_SHMEMPAGES),
			 rss(ch, MM_FILEPAGES));
	if (node_stat(m, NR_ANON_MAPPED) != c->anon_mapped ||
	    node_stat(m, NR_FILE_MAPPED) != c->file_mapped)
		fail_msg("%s: NR_ANON_MAPPED %ld NR_FILE_MAPPED %ld", c->what,
			 node_stat(m, NR_ANON_MAPPED), node_stat(m, NR_FILE_MAPPED));
	inode = vma_at(p, a)->vm_file;
	if (c->f_mapcount >= 0) {
		assert_non_null(inode);
		if (!xmap_get(&inode->i_pages, 0, &f))
			fail_msg("%s: the file has no page", c->what);
		if (page_mapcount(m, f) != c->f_mapcount || page_ref_count(m, f) != c->f_refcount)
			fail_msg("%s: F mapcount %d refcount %d", c->what, page_mapcount(m, f),
				 page_ref_count(m, f));
		/* a private write never reaches the file */
		if (c->flags == MAP_PRIVATE && page_content(m, f) != 0)
			fail_msg("%s: the private write reached the file", c->what);
		if (c->flags == MAP_SHARED && f != x)
			fail_msg("%s: the shared mapping does not map the file's page", c->what);
	} else {
		assert_null(inode);
	}
	t_check(m);
	do_exit(m, ch, 0);
	t_check(m);
	do_exit(m, p, 0);
	t_check(m);
	machine_destroy(m);
}

static void test_fault_cow_fork_matrix(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
		run_cell(&cells[i]);
}

static const struct CMUnitTest matrix_tests[] = {
	cmocka_unit_test(test_fault_cow_fork_matrix),
};

/* ---- COW after fork (section 8.4) ------------------------------------------ */

/*
 *   before:  P --ro--> X <--ro-- C          X tag T
 *   C's write fault:  C --rw--> Y (copy of X, tag T until the store lands)
 *   then P's write:   P --rw--> X (reused: refcount 1, page_move_anon_rmap)
 * The first writer copies; the last one keeps the page without copying.
 */
static void test_cow_child_writes_first(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *p = proc(m, "p"), *c;
	long a = mmap_anon(m, p, 0, PG, RW, MAP_PRIVATE);
	unsigned long x, y, reuse;
	uint64_t tag;

	touch(m, p, a, true);
	x = page_at(m, p, a);
	tag = page_content(m, x);
	assert_int_not_equal(tag, 0);
	c = fork_of(m, p, "c");
	assert_int_equal(page_content(m, page_at(m, c, a)), tag);

	/* the fault alone, without the store: the copy carries the parent's tag */
	assert_int_equal(handle_mm_fault(m, vma_at(c, a), a, FAULT_FLAG_WRITE), 0);
	y = page_at(m, c, a);
	assert_int_not_equal(y, x);
	assert_int_equal(page_content(m, y), tag);
	assert_true(pte_write(pte_at(m, c, a)));
	assert_true(PageAnon(m, y) && PageAnonExclusive(m, y));
	assert_int_equal(page_mapcount(m, y), 1);
	assert_int_equal(page_ref_count(m, y), 1);
	/* X lost the child's mapping and reference but is still not exclusive */
	assert_int_equal(page_mapcount(m, x), 1);
	assert_int_equal(page_ref_count(m, x), 1);
	assert_false(PageAnonExclusive(m, x));
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 2);
	assert_int_equal(rss(p, MM_ANONPAGES), 1);
	assert_int_equal(rss(c, MM_ANONPAGES), 1);
	/* now the store: a new tag in the child's copy only */
	touch(m, c, a, true);
	assert_int_not_equal(page_content(m, y), tag);
	assert_int_equal(page_content(m, x), tag);

	/* the parent's write reuses X: no new page, PGREUSE counted */
	reuse = m->vm_events[PGREUSE];
	touch(m, p, a, true);
	assert_int_equal(page_at(m, p, a), x);
	assert_int_equal(m->vm_events[PGREUSE], reuse + 1);
	assert_true(PageAnonExclusive(m, x));
	assert_int_equal(page_mapping(m, x), anon_vma_addr(vma_at(p, a)->anon_vma) |
					     PAGE_MAPPING_ANON);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 2);
	t_check(m);
}

/*
 *   before:  P --ro--> X <--ro-- C
 *   P's write: P --rw--> Y (copy), then C's write reuses X.
 * The same rule from the other side: nothing favours the parent.
 */
static void test_cow_parent_writes_first(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *p = proc(m, "p"), *c;
	long a = mmap_anon(m, p, 0, PG, RW, MAP_PRIVATE);
	unsigned long x;

	touch(m, p, a, true);
	x = page_at(m, p, a);
	c = fork_of(m, p, "c");
	touch(m, p, a, true);
	assert_int_not_equal(page_at(m, p, a), x);
	assert_int_equal(page_at(m, c, a), x);
	assert_int_equal(page_ref_count(m, x), 1);
	touch(m, c, a, true);
	assert_int_equal(page_at(m, c, a), x);
	assert_true(PageAnonExclusive(m, x));
	t_check(m);
}

/*
 *   P --ro--> zero page;  write:  P --rw--> Y (zeroed)
 * Breaking COW on the zero page allocates a page: MM_ANONPAGES and
 * NR_ANON_MAPPED +1, and the new page reads as zeroes until the store.
 */
static void test_cow_of_zero_page(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *p = proc(m, "p");
	long a = mmap_anon(m, p, 0, PG, RW, MAP_PRIVATE);

	touch(m, p, a, false);
	assert_true(maps_zero_page(m, p, a));
	assert_int_equal(rss(p, MM_ANONPAGES), 0);
	assert_null(vma_at(p, a)->anon_vma);	/* a read makes no anon_vma */
	assert_int_equal(handle_mm_fault(m, vma_at(p, a), a, FAULT_FLAG_WRITE), 0);
	assert_false(maps_zero_page(m, p, a));
	assert_int_equal(page_content(m, page_at(m, p, a)), 0);
	assert_int_equal(rss(p, MM_ANONPAGES), 1);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 1);
	assert_non_null(vma_at(p, a)->anon_vma);
	t_check(m);
}

/*
 *   P --ro--> F (tmpfs page, tag T);  write:  P --rw--> Y (anon copy, tag T), F unmapped
 * wp_page_copy of a file page moves one page from MM_SHMEMPAGES to
 * MM_ANONPAGES and from NR_FILE_MAPPED to NR_ANON_MAPPED.
 */
static void test_cow_of_file_page(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *p = proc(m, "p");
	int fd = file(m, p, "/mnt/f", PG);
	long s = ksys_mmap_pgoff(m, p, 0, PG, RW, MAP_SHARED, fd, 0);
	long a = ksys_mmap_pgoff(m, p, 0, PG, RW, MAP_PRIVATE, fd, 0);
	unsigned long f, y;
	uint64_t tag;

	touch(m, p, s, true);		/* give the file's page a tag */
	f = page_at(m, p, s);
	tag = page_content(m, f);
	touch(m, p, a, false);
	assert_int_equal(page_at(m, p, a), f);
	assert_false(pte_write(pte_at(m, p, a)));
	assert_int_equal(page_mapcount(m, f), 2);
	assert_int_equal(rss(p, MM_SHMEMPAGES), 2);
	assert_int_equal(node_stat(m, NR_FILE_MAPPED), 1);

	assert_int_equal(handle_mm_fault(m, vma_at(p, a), a, FAULT_FLAG_WRITE), 0);
	y = page_at(m, p, a);
	assert_int_not_equal(y, f);
	assert_true(PageAnon(m, y));
	assert_int_equal(page_content(m, y), tag);
	assert_int_equal(page_mapcount(m, f), 1);
	assert_int_equal(page_ref_count(m, f), 2);	/* cache + the shared PTE */
	assert_int_equal(rss(p, MM_SHMEMPAGES), 1);
	assert_int_equal(rss(p, MM_ANONPAGES), 1);
	assert_int_equal(node_stat(m, NR_FILE_MAPPED), 1);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 1);
	/* the private store does not reach the file */
	touch(m, p, a, true);
	assert_int_equal(page_content(m, f), tag);
	t_check(m);
}

/*
 *   P: [F read][Y written] in one private file VMA (it has an anon_vma)
 *   fork:  C maps F and Y too: F is a file page copied as such (MM_SHMEMPAGES)
 * Once a private file VMA has an anon_vma, fork copies every PTE, file pages included.
 */
static void test_fork_copies_file_pages_of_cowed_vma(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *p = proc(m, "p"), *c;
	int fd = file(m, p, "/mnt/f", 2 * PG);
	long a = ksys_mmap_pgoff(m, p, 0, 2 * PG, RW, MAP_PRIVATE, fd, 0);
	unsigned long f;

	touch(m, p, a, false);
	touch(m, p, a + PG, true);
	f = page_at(m, p, a);
	c = fork_of(m, p, "c");
	assert_int_equal(page_at(m, c, a), f);
	assert_int_equal(page_mapcount(m, f), 2);
	assert_int_equal(page_ref_count(m, f), 3);
	assert_int_equal(rss(c, MM_SHMEMPAGES), 1);
	assert_int_equal(rss(c, MM_ANONPAGES), 1);
	assert_int_equal(node_stat(m, NR_FILE_MAPPED), 1);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 1);
	t_check(m);
}

/*
 *   P --rw--> S <--rw-- C        S: the /dev/zero shmem page, mapcount 2, refcount 3
 * Fork of MAP_SHARED|MAP_ANONYMOUS memory copies no PTE (vma_needs_copy:
 * no anon_vma); the child faults the same page in from the shmem file, and
 * a store by either side is seen by the other.
 */
static void test_fork_shared_anon_same_pages(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *p = proc(m, "p"), *c;
	long a = mmap_anon(m, p, 0, 2 * PG, RW, MAP_SHARED);
	unsigned long s;
	long tables;

	touch(m, p, a, true);
	s = page_at(m, p, a);
	c = fork_of(m, p, "c");
	assert_null(vma_at(p, a)->anon_vma);
	assert_int_equal(vma_at(c, a)->vm_file, vma_at(p, a)->vm_file);
	/* nothing copied: no PTE, no rss, no page tables at all in the child */
	assert_int_equal(pte_at(m, c, a), 0);
	assert_int_equal(rss(c, MM_SHMEMPAGES), 0);
	assert_int_equal(c->mm->nr_pgtables, 0);
	assert_int_equal(c->mm->pgtables_bytes, 0);
	tables = node_stat(m, NR_PAGETABLE);

	touch(m, c, a, false);
	assert_int_equal(page_at(m, c, a), s);
	assert_true(pte_write(pte_at(m, c, a)));	/* shmem RW: no writenotify */
	assert_int_equal(page_mapcount(m, s), 2);
	assert_int_equal(page_ref_count(m, s), 3);
	assert_int_equal(rss(c, MM_SHMEMPAGES), 1);
	assert_int_equal(node_stat(m, NR_FILE_MAPPED), 1);
	assert_int_equal(node_stat(m, NR_PAGETABLE), tables + 2);	/* the child's PMD, PTE */
	assert_int_equal(page_content(m, s), page_content(m, page_at(m, p, a)));
	/* the child's store is the parent's too */
	touch(m, c, a, true);
	assert_int_equal(page_at(m, p, a), s);
	assert_int_equal(page_content(m, page_at(m, p, a)), page_content(m, page_at(m, c, a)));
	/* a page neither touched before fork: the child's fault allocates it for both */
	touch(m, c, a + PG, true);
	touch(m, p, a + PG, false);
	assert_int_equal(page_at(m, p, a + PG), page_at(m, c, a + PG));
	assert_int_equal(page_content(m, page_at(m, p, a + PG)),
			 page_content(m, page_at(m, c, a + PG)));
	t_check(m);
	/* the parent exits: the child keeps the pages */
	do_exit(m, p, 0);
	assert_int_equal(page_mapcount(m, s), 1);
	assert_int_equal(page_ref_count(m, s), 2);
	t_check(m);
}

/*
 *   P: [D dontfork][W wipeonfork][K]  all written ; fork
 *   C: [W: no PTEs, no anon_vma][K --ro--> P's page]
 * VM_DONTCOPY VMAs are not copied (and leave the child's total_vm);
 * VM_WIPEONFORK VMAs are copied without their pages: the child reads zeroes.
 */
static void test_fork_dontfork_wipeonfork(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *p = proc(m, "p"), *c;
	long k = mmap_anon(m, p, 0, PG, RW, MAP_PRIVATE);
	long w = mmap_anon(m, p, 0, PG, RW | PROT_EXEC, MAP_PRIVATE);
	long d = mmap_anon(m, p, 0, 2 * PG, PROT_READ, MAP_PRIVATE);

	assert_int_equal(do_madvise(m, p, d, 2 * PG, MADV_DONTFORK), 0);
	assert_int_equal(do_madvise(m, p, w, PG, MADV_WIPEONFORK), 0);
	touch(m, p, k, true);
	touch(m, p, w, true);
	touch(m, p, d, false);
	c = fork_of(m, p, "c");
	assert_int_equal(c->mm->nr_vmas, 2);
	assert_null(find_vma_intersection(c->mm, d, d + 2 * PG));
	assert_int_equal(c->mm->total_vm, p->mm->total_vm - 2);
	assert_null(vma_at(c, w)->anon_vma);
	assert_int_equal(pte_at(m, c, w), 0);
	assert_int_equal(page_at(m, c, k), page_at(m, p, k));
	assert_int_equal(rss(c, MM_ANONPAGES), 1);
	touch(m, c, w, false);
	assert_true(maps_zero_page(m, c, w));
	assert_int_not_equal(page_content(m, page_at(m, p, w)), 0);
	t_check(m);
}

static const struct CMUnitTest cow_tests[] = {
	cmocka_unit_test_teardown(test_cow_child_writes_first, destroy_machine),
	cmocka_unit_test_teardown(test_cow_parent_writes_first, destroy_machine),
	cmocka_unit_test_teardown(test_cow_of_zero_page, destroy_machine),
	cmocka_unit_test_teardown(test_cow_of_file_page, destroy_machine),
	cmocka_unit_test_teardown(test_fork_copies_file_pages_of_cowed_vma, destroy_machine),
	cmocka_unit_test_teardown(test_fork_shared_anon_same_pages, destroy_machine),
	cmocka_unit_test_teardown(test_fork_dontfork_wipeonfork, destroy_machine),
};

/* ---- mmap's argument checks, in the kernel's order (section 2) ------------- */

/*
 * Each row breaks one or two rules; with two, the one checked first wins.
 * fd 3 is /mnt/f opened O_RDWR, fd 4 O_RDONLY, fd 5 O_WRONLY; fd 9 is closed.
 * A row with want > 0 expects success (any address).
 */
struct mmap_case {
	const char *what;
	uint64_t addr, len;
	long prot, flags;
	int fd;
	uint64_t off;
	long want;
};

#define OK	1L
#define NOREPL	MAP_FIXED_NOREPLACE

static const struct mmap_case mmap_cases[] = {
	{ "unaligned offset before a bad fd", 0, PG, RW, MAP_PRIVATE, 9, 1, -EINVAL },
	{ "unaligned offset, anonymous", 0, PG, RW, ANON_PRIV, -1, 0x800, -EINVAL },
	{ "bad fd before length 0", 0, 0, RW, MAP_PRIVATE, 9, 0, -EBADF },
	{ "length 0", 0, 0, RW, ANON_PRIV, -1, 0, -EINVAL },
	{ "anonymous ignores the fd", 0, PG, RW, ANON_PRIV, 9, 0, OK },
	{ "length rounds up to 0", 0, -PG + 1, RW, ANON_PRIV, -1, 0, -ENOMEM },
	/* off >> 12 cannot make pgoff + pages wrap on 64-bit: only file_mmap_ok can refuse */
	{ "file offset near 2^64", 0, 2 * PG, RW, MAP_PRIVATE, 3, -PG, -EOVERFLOW },
	{ "anonymous private ignores the offset", 0, 2 * PG, RW, ANON_PRIV, -1, -PG, OK },
	{ "file offset past MAX_LFS_FILESIZE", 0, PG, RW, MAP_PRIVATE, 3, 1UL << 63, -EOVERFLOW },
	{ "file offset at the MAX_LFS_FILESIZE limit", 0, PG, PROT_READ, MAP_PRIVATE, 3,
	  (0x7fffffffffffffffUL - PG) & ~(PG - 1), OK },
	{ "length above TASK_SIZE", 0, TASK_SIZE + PG, RW, ANON_PRIV, -1, 0, -ENOMEM },
	{ "MAP_FIXED past TASK_SIZE before unaligned", TASK_SIZE - PG + 1, 2 * PG, RW,
	  ANON_PRIV | MAP_FIXED, -1, 0, -ENOMEM },
	{ "MAP_FIXED unaligned", 0x10000001, PG, RW, ANON_PRIV | MAP_FIXED, -1, 0, -EINVAL },
	{ "MAP_FIXED below mmap_min_addr", 0x1000, PG, RW, ANON_PRIV | MAP_FIXED, -1, 0, -EPERM },
	{ "MAP_FIXED at mmap_min_addr", 0x10000, PG, RW, ANON_PRIV | MAP_FIXED, -1, 0, OK },
	{ "MAP_FIXED_NOREPLACE over a mapping", MMAP_BASE - PG, PG, RW, ANON_PRIV | NOREPL, -1, 0,
	  -EEXIST },
	{ "MAP_SHARED_VALIDATE with NOREPLACE, overlap: EEXIST first", MMAP_BASE - PG, PG, RW,
	  MAP_SHARED_VALIDATE | NOREPL, 3, 0, -EEXIST },
	{ "MAP_SHARED_VALIDATE with NOREPLACE, no overlap", 0x20000000, PG, RW,
	  MAP_SHARED_VALIDATE | NOREPL, 3, 0, -EOPNOTSUPP },
	{ "MAP_SHARED drops unknown flags", 0, PG, RW, MAP_SHARED | MAP_SYNC, 3, 0, OK },
	{ "MAP_SHARED_VALIDATE refuses MAP_SYNC on tmpfs", 0, PG, RW, MAP_SHARED_VALIDATE | MAP_SYNC,
	  3, 0, -EOPNOTSUPP },
	{ "MAP_SHARED_VALIDATE takes MAP_HUGE_2MB (legacy)", 0, PG, RW,
	  MAP_SHARED_VALIDATE | MAP_HUGE_2MB, 3, 0, OK },
	{ "shared writable of an O_RDONLY file", 0, PG, RW, MAP_SHARED, 4, 0, -EACCES },
	{ "shared read-only of an O_RDONLY file", 0, PG, PROT_READ, MAP_SHARED, 4, 0, OK },
	{ "private of an O_WRONLY file", 0, PG, PROT_READ, MAP_PRIVATE, 5, 0, -EACCES },
	{ "shared of an O_WRONLY file", 0, PG, PROT_WRITE, MAP_SHARED, 5, 0, -EACCES },
	{ "file, map type 0", 0, PG, RW, 0, 3, 0, -EINVAL },
	{ "file, map type 4", 0, PG, RW, 4, 3, 0, -EINVAL },
	{ "file, MAP_GROWSDOWN", 0, PG, RW, MAP_PRIVATE | MAP_GROWSDOWN, 3, 0, -EINVAL },
	{ "anonymous MAP_SHARED_VALIDATE", 0, PG, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0,
	  -EINVAL },
	{ "anonymous shared MAP_GROWSDOWN", 0, PG, RW, ANON_SHARED | MAP_GROWSDOWN, -1, 0, -EINVAL },
	{ "anonymous private MAP_GROWSDOWN", 0, PG, RW, ANON_PRIV | MAP_GROWSDOWN, -1, 0, OK },
	{ "anonymous ignores unknown flags", 0, PG, RW, ANON_PRIV | 0x800000, -1, 0, OK },
	{ "any prot is accepted", 0, PG, 0x7fff0, ANON_PRIV, -1, 0, OK },
};

static void test_mmap_errors(void **state)
{
	struct machine *m = mm_machine(state);
	int bad = 0;

	for (size_t i = 0; i < sizeof(mmap_cases) / sizeof(mmap_cases[0]); i++) {
		const struct mmap_case *mc = &mmap_cases[i];
		struct task *t = proc(m, "t");
		long r;

		assert_int_equal(do_sys_open(m, t, "/mnt/f", O_RDWR | O_CREAT), 3);
		assert_int_equal(do_sys_open(m, t, "/mnt/f", O_RDONLY), 4);
		assert_int_equal(do_sys_open(m, t, "/mnt/f", O_WRONLY), 5);
		assert_int_equal(mmap_anon(m, t, 0, PG, RW, MAP_PRIVATE), MMAP_BASE - PG);
		r = ksys_mmap_pgoff(m, t, mc->addr, mc->len, mc->prot, mc->flags, mc->fd, mc->off);
		if (mc->want == OK ? r < 0 : r != mc->want) {
			print_error("%s: mmap returned %ld (%s), expected %s\n", mc->what, r,
				    r < 0 ? errno_name((int)-r) : "ok",
				    mc->want == OK ? "success" : errno_name((int)-mc->want));
			bad++;
		}
		t_check(m);
		do_exit(m, t, 0);
	}
	assert_int_equal(bad, 0);
	t_check(m);
}

/* The mm's map_count above the limit: mmap refuses, munmap of a middle too */
static void test_mmap_map_count_limit(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, 4 * PG, RW, MAP_PRIVATE);
	int real = t->mm->map_count;

	/* "map_count > sysctl_max_map_count": at the limit a new mapping still goes */
	t->mm->map_count = SYSCTL_MAX_MAP_COUNT;
	assert_true(mmap_anon(m, t, 0, PG, PROT_READ, MAP_PRIVATE) > 0);
	t->mm->map_count = SYSCTL_MAX_MAP_COUNT + 1;
	assert_int_equal(mmap_anon(m, t, 0, PG, PROT_READ, MAP_PRIVATE), -ENOMEM);
	/* munmap: a hole in the middle needs one more VMA: ENOMEM at the limit ... */
	t->mm->map_count = SYSCTL_MAX_MAP_COUNT;
	assert_int_equal(vm_munmap(m, t, a + PG, PG), -ENOMEM);
	/* ... but cutting off the head or the tail does not (__split_vma, no check) */
	assert_int_equal(vm_munmap(m, t, a, PG), 0);
	assert_int_equal(vm_munmap(m, t, a + 3 * PG, PG), 0);
	/* mprotect's split_vma checks: ENOMEM; madvise's turns it into EAGAIN */
	assert_int_equal(do_mprotect_pkey(m, t, a + PG, PG, PROT_READ), -ENOMEM);
	assert_int_equal(do_madvise(m, t, a + PG, PG, MADV_DONTFORK), -EAGAIN);
	t->mm->map_count = real + 1;	/* the PROT_READ mapping; the munmaps split nothing new */
	assert_int_equal(t->mm->map_count, (int)t->mm->nr_vmas);
	t_check(m);
}

/* vm_flags as do_mmap and __mmap_region compute them (section 2.3) */
static void test_mmap_vm_flags(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a;

	a = mmap_anon(m, t, 0, PG, RW, MAP_PRIVATE);
	assert_int_equal(vma_at(t, a)->vm_flags, 0x8100073);	/* ACCOUNT, SOFTDIRTY */
	a = mmap_anon(m, t, 0x10000000, PG, PROT_READ, MAP_PRIVATE);
	assert_int_equal(vma_at(t, a)->vm_flags, 0x8000071);
	a = mmap_anon(m, t, 0x20000000, PG, RW, MAP_SHARED);
	assert_int_equal(vma_at(t, a)->vm_flags, 0x80000fb);
	a = mmap_anon(m, t, 0x30000000, PG, RW, MAP_PRIVATE | MAP_NORESERVE);
	assert_int_equal(vma_at(t, a)->vm_flags, 0x8000073 | VM_NORESERVE);
	/* a read-only shared file mapping: VM_MAYSHARE, neither VM_SHARED nor VM_MAYWRITE */
	assert_int_equal(do_sys_open(m, t, "/mnt/f", O_RDONLY | O_CREAT), 3);
	a = ksys_mmap_pgoff(m, t, 0x40000000, PG, PROT_READ, MAP_SHARED, 3, 0);
	assert_int_equal(vma_at(t, a)->vm_flags,
			 VM_READ | VM_MAYREAD | VM_MAYEXEC | VM_MAYSHARE | VM_SOFTDIRTY);
	/* ... so mprotect may not make it writable */
	assert_int_equal(do_mprotect_pkey(m, t, a, PG, RW), -EACCES);
	t_check(m);
}

/* ---- munmap, mprotect, madvise argument checks (sections 3, 4.1, 5.1) ------ */

static void test_munmap_errors(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, 2 * PG, RW, MAP_PRIVATE);

	assert_int_equal(vm_munmap(m, t, a + 1, PG), -EINVAL);
	assert_int_equal(vm_munmap(m, t, a, 0), -EINVAL);
	assert_int_equal(vm_munmap(m, t, TASK_SIZE + PG, PG), -EINVAL);
	assert_int_equal(vm_munmap(m, t, TASK_SIZE - PG, 2 * PG), -EINVAL);
	assert_int_equal(vm_munmap(m, t, 0x10000000, PG), 0);		/* a hole: nothing to do */
	assert_int_equal(vm_munmap(m, t, a, 1), 0);			/* length rounds up */
	assert_int_equal(t->mm->nr_vmas, 1);
	assert_int_equal(vma_at(t, a + PG)->vm_start, a + PG);
	t_check(m);
}

static void test_mprotect_errors(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, 2 * PG, RW, MAP_PRIVATE);
	long low = mmap_anon(m, t, 0x10000000, PG, RW, MAP_PRIVATE);

	assert_int_equal(low, 0x10000000);
	assert_int_equal(do_mprotect_pkey(m, t, a, PG, PROT_GROWSDOWN | PROT_GROWSUP), -EINVAL);
	assert_int_equal(do_mprotect_pkey(m, t, a + 1, PG, PROT_READ), -EINVAL);
	/* length 0 returns before prot is looked at */
	assert_int_equal(do_mprotect_pkey(m, t, a, 0, 0x7f0), 0);
	assert_int_equal(do_mprotect_pkey(m, t, a + 1, 0, PROT_READ), -EINVAL);
	/* end wraps: ENOMEM, before the bad prot */
	assert_int_equal(do_mprotect_pkey(m, t, a, -PG, 0x7f0), -ENOMEM);
	assert_int_equal(do_mprotect_pkey(m, t, a, PG, 0x10), -EINVAL);
	assert_int_equal(do_mprotect_pkey(m, t, a, PG, PROT_READ | PROT_SEM), 0);
	assert_int_equal(do_mprotect_pkey(m, t, MMAP_BASE, PG, PROT_READ), -ENOMEM);	/* no VMA */
	assert_int_equal(do_mprotect_pkey(m, t, a - PG, 2 * PG, PROT_READ), -ENOMEM);	/* hole */
	/* PROT_GROWSDOWN on a VMA without VM_GROWSDOWN: EINVAL ... */
	assert_int_equal(do_mprotect_pkey(m, t, a, PG, PROT_READ | PROT_GROWSDOWN), -EINVAL);
	/* ... but ENOMEM when the first VMA after start begins at or after end */
	assert_int_equal(do_mprotect_pkey(m, t, low + PG, PG, PROT_READ | PROT_GROWSDOWN), -ENOMEM);
	/* a hole after the first VMA: ENOMEM, and the first part stays changed */
	assert_int_equal(do_mprotect_pkey(m, t, a, 3 * PG, PROT_READ), -ENOMEM);
	assert_int_equal(vma_at(t, a)->vm_flags & VM_ACCESS_FLAGS, VM_READ);
	assert_int_equal(vma_at(t, a)->vm_end, a + 2 * PG);
	t_check(m);
}

/*
 *   [G growsdown, RW] ; mprotect(G + 1 page, 1 page, PROT_READ|PROT_GROWSDOWN)
 * PROT_GROWSDOWN extends the range down to the VMA's start.
 */
static void test_mprotect_growsdown_from_vma_start(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long g = mmap_anon(m, t, 0, 4 * PG, RW, MAP_PRIVATE | MAP_GROWSDOWN);

	assert_int_equal(do_mprotect_pkey(m, t, g + PG, PG, PROT_READ | PROT_GROWSDOWN), 0);
	assert_int_equal(t->mm->nr_vmas, 2);
	assert_int_equal(vma_at(t, g)->vm_end, g + 2 * PG);
	assert_int_equal(vma_at(t, g)->vm_flags & VM_ACCESS_FLAGS, VM_READ);
	assert_int_equal(vma_at(t, g + 2 * PG)->vm_flags & VM_ACCESS_FLAGS, VM_READ | VM_WRITE);
	t_check(m);
}

static void test_madvise_errors(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, 2 * PG, RW, MAP_PRIVATE);
	long s = mmap_anon(m, t, 0x10000000, PG, RW, MAP_SHARED);

	/* an unknown behaviour: EINVAL before anything else, even with length 0 */
	assert_int_equal(do_madvise(m, t, a, 0, 5), -EINVAL);
	assert_int_equal(do_madvise(m, t, a, PG, 100), -EINVAL);
	/* alignment before the length-0 shortcut */
	assert_int_equal(do_madvise(m, t, a + 1, 0, MADV_NORMAL), -EINVAL);
	assert_int_equal(do_madvise(m, t, 0x1000, 0, MADV_DONTNEED), 0);	/* nothing mapped */
	assert_int_equal(do_madvise(m, t, a, -1UL, MADV_NORMAL), -EINVAL);	/* rounds to 0 */
	assert_int_equal(do_madvise(m, t, a, -2 * PG, MADV_NORMAL), -EINVAL);	/* end < start */
	assert_int_equal(do_madvise(m, t, 0x20000000, PG, MADV_NORMAL), -ENOMEM);	/* no VMA */
	assert_int_equal(do_madvise(m, t, s, PG, MADV_WIPEONFORK), -EINVAL);	/* shared */
	assert_int_equal(do_madvise(m, t, a, PG, MADV_WIPEONFORK), 0);
	t_check(m);
}

/*
 *   [A written][hole][B written] ; madvise(A .. B, DONTNEED)
 * A hole in the range: both pieces are zapped and ENOMEM comes at the end.
 */
static void test_madvise_hole_enomem_after_work(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, 3 * PG, RW, MAP_PRIVATE);

	touch(m, t, a, true);
	touch(m, t, a + 2 * PG, true);
	assert_int_equal(vm_munmap(m, t, a + PG, PG), 0);
	assert_int_equal(rss(t, MM_ANONPAGES), 2);
	assert_int_equal(do_madvise(m, t, a, 3 * PG, MADV_DONTNEED), -ENOMEM);
	assert_int_equal(rss(t, MM_ANONPAGES), 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 0);
	/* the page tables stay (zap frees no tables) and the VMAs are unchanged */
	assert_int_equal(t->mm->nr_pgtables, 3);
	assert_int_equal(t->mm->nr_vmas, 2);
	/* afterwards the memory reads as zeroes again */
	touch(m, t, a, false);
	assert_true(maps_zero_page(m, t, a));
	t_check(m);
}

/* MADV_DONTNEED refuses VM_LOCKED memory with EINVAL, which stops the walk */
static void test_madvise_dontneed_locked(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, PG, RW, MAP_PRIVATE | MAP_LOCKED);

	assert_true(vma_at(t, a)->vm_flags & VM_LOCKED);
	assert_int_equal(rss(t, MM_ANONPAGES), 1);	/* MAP_LOCKED populates */
	assert_int_equal(do_madvise(m, t, a, PG, MADV_DONTNEED), -EINVAL);
	assert_int_equal(rss(t, MM_ANONPAGES), 1);
	t_check(m);
}

static const struct CMUnitTest syscall_tests[] = {
	cmocka_unit_test_teardown(test_mmap_errors, destroy_machine),
	cmocka_unit_test_teardown(test_mmap_map_count_limit, destroy_machine),
	cmocka_unit_test_teardown(test_mmap_vm_flags, destroy_machine),
	cmocka_unit_test_teardown(test_munmap_errors, destroy_machine),
	cmocka_unit_test_teardown(test_mprotect_errors, destroy_machine),
	cmocka_unit_test_teardown(test_mprotect_growsdown_from_vma_start, destroy_machine),
	cmocka_unit_test_teardown(test_madvise_errors, destroy_machine),
	cmocka_unit_test_teardown(test_madvise_hole_enomem_after_work, destroy_machine),
	cmocka_unit_test_teardown(test_madvise_dontneed_locked, destroy_machine),
};

/* ---- VMA splitting and merging (sections 3, 4.2, 6) ------------------------ */

/*
 *   [AAAAAAAA] file, pgoff 0 ; munmap(page 2)  ->  [AA] . [AAAAA] pgoff 3
 * munmap splits; the upper piece's pgoff moves with its start, and its
 * pages stay where they were.
 */
static void test_munmap_splits(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	int fd = file(m, t, "/mnt/f", 8 * PG);
	long a = ksys_mmap_pgoff(m, t, 0, 8 * PG, RW, MAP_SHARED, fd, 0);
	unsigned long p5;

	touch(m, t, a + 5 * PG, true);
	p5 = page_at(m, t, a + 5 * PG);
	assert_int_equal(vm_munmap(m, t, a + 2 * PG, PG), 0);
	assert_int_equal(t->mm->nr_vmas, 2);
	assert_int_equal(t->mm->map_count, 2);
	assert_int_equal(vma_at(t, a)->vm_end, a + 2 * PG);
	assert_int_equal(vma_at(t, a + 3 * PG)->vm_start, a + 3 * PG);
	assert_int_equal(vma_at(t, a + 3 * PG)->vm_pgoff, 3);
	assert_int_equal(page_at(m, t, a + 5 * PG), p5);
	assert_int_equal(page_index(m, p5), 5);
	assert_int_equal(t->mm->total_vm, 7);
	/* both pieces are mappings of the file: two entries in its i_mmap */
	assert_int_equal(vma_at(t, a)->vm_file->nr_mmap, 2);
	t_check(m);
}

/*
 *   [AAAA] ; mprotect(page 1, R)  ->  [A][a][AA] ; mprotect(page 1, RW)  ->  [AAAA]
 * mprotect of a middle part splits in three; giving the flags back merges
 * the three again (same anon_vma, VM_ACCOUNT kept all along).
 */
static void test_mprotect_split_and_merge_back(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, 4 * PG, RW, MAP_PRIVATE);

	touch(m, t, a, true);
	touch(m, t, a + PG, true);
	assert_int_equal(do_mprotect_pkey(m, t, a + PG, PG, PROT_READ), 0);
	assert_int_equal(t->mm->nr_vmas, 3);
	assert_false(pte_write(pte_at(m, t, a + PG)));
	assert_true(pte_write(pte_at(m, t, a)));
	assert_int_equal(vma_at(t, a + PG)->anon_vma, vma_at(t, a)->anon_vma);
	assert_int_equal(t->mm->data_vm, 3);
	assert_int_equal(do_mprotect_pkey(m, t, a + PG, PG, RW), 0);
	assert_int_equal(t->mm->nr_vmas, 1);
	assert_int_equal(t->mm->data_vm, 4);
	/* the written page is dirty and exclusive: writable again at once (4.3) */
	assert_true(pte_write(pte_at(m, t, a + PG)));
	t_check(m);
}

/*
 *   [AAAA] R ; mprotect(tail page, RW)  ->  [AAA][a] with VM_ACCOUNT on the tail
 * A never-writable private mapping made writable gains VM_ACCOUNT, which
 * mprotect never removes: made read-only again it no longer merges.
 */
static void test_mprotect_account_blocks_merge(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, 4 * PG, PROT_READ, MAP_PRIVATE);

	assert_int_equal(do_mprotect_pkey(m, t, a + 3 * PG, PG, RW), 0);
	assert_true(vma_at(t, a + 3 * PG)->vm_flags & VM_ACCOUNT);
	assert_int_equal(do_mprotect_pkey(m, t, a + 3 * PG, PG, PROT_READ), 0);
	assert_int_equal(t->mm->nr_vmas, 2);
	assert_true(vma_at(t, a + 3 * PG)->vm_flags & VM_ACCOUNT);
	assert_false(vma_at(t, a)->vm_flags & VM_ACCOUNT);
	t_check(m);
}

/* A no-op mprotect or madvise neither splits nor merges */
static void test_noop_changes_nothing(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, 4 * PG, RW, MAP_PRIVATE);

	assert_int_equal(do_mprotect_pkey(m, t, a + PG, PG, RW), 0);
	assert_int_equal(do_madvise(m, t, a + PG, PG, MADV_NORMAL), 0);
	assert_int_equal(t->mm->nr_vmas, 1);
	/* madvise that changes flags splits like mprotect */
	assert_int_equal(do_madvise(m, t, a + PG, PG, MADV_DONTFORK), 0);
	assert_int_equal(t->mm->nr_vmas, 3);
	assert_int_equal(do_madvise(m, t, a + PG, PG, MADV_DOFORK), 0);
	assert_int_equal(t->mm->nr_vmas, 1);
	t_check(m);
}

/*
 *   mmap A, then B right below it:  [B][A]  ->  one VMA [BA]
 * A new private anonymous mapping merges with a neighbour of the same
 * flags (case 3: the next VMA grows down), whether or not A was faulted
 * (A's own anon_vma, a chain of one, accepts B's none).
 */
static void test_mmap_merges_with_neighbour(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, PG, RW, MAP_PRIVATE), b, c;

	touch(m, t, a, true);
	b = mmap_anon(m, t, 0, PG, RW, MAP_PRIVATE);
	assert_int_equal(b, a - PG);
	assert_int_equal(t->mm->nr_vmas, 1);
	assert_int_equal(vma_at(t, b)->vm_end, a + PG);
	assert_int_equal(vma_at(t, b)->vm_pgoff, (unsigned long)b >> PAGE_SHIFT);
	/* different protection: no merge */
	c = mmap_anon(m, t, 0, PG, PROT_READ, MAP_PRIVATE);
	assert_int_equal(c, b - PG);
	assert_int_equal(t->mm->nr_vmas, 2);
	/* shared anonymous memory never merges at mmap: each has its own file */
	mmap_anon(m, t, 0, PG, RW, MAP_SHARED);
	mmap_anon(m, t, 0, PG, RW, MAP_SHARED);
	assert_int_equal(t->mm->nr_vmas, 4);
	/* a hole filled between two compatible VMAs: one VMA (case 1) */
	assert_int_equal(vm_munmap(m, t, b, PG), 0);
	assert_int_equal(mmap_anon(m, t, b, PG, RW, MAP_PRIVATE | MAP_FIXED), b);
	assert_int_equal(t->mm->nr_vmas, 4);
	assert_int_equal(vma_at(t, b)->vm_start, b);
	t_check(m);
}

/*
 *   child after fork: [A] with an anon_vma chain of 2 ; mmap B below it
 * A VMA inherited by fork (its chain has the parent's anon_vma too) takes
 * no region without the same anon_vma: B stays separate in the child and
 * merges in the parent.
 */
static void test_forked_vma_does_not_merge(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *p = proc(m, "p"), *c;
	long a = mmap_anon(m, p, 0, PG, RW, MAP_PRIVATE);

	touch(m, p, a, true);
	c = fork_of(m, p, "c");
	assert_int_equal(vma_at(c, a)->nr_avc, 2);
	assert_int_equal(mmap_anon(m, c, 0, PG, RW, MAP_PRIVATE), a - PG);
	assert_int_equal(c->mm->nr_vmas, 2);
	assert_int_equal(mmap_anon(m, p, 0, PG, RW, MAP_PRIVATE), a - PG);
	assert_int_equal(p->mm->nr_vmas, 1);
	t_check(m);
}

/*
 *   [P: own anon_vma][R: none][N: another anon_vma] ; mprotect R to match both
 * vma_merge: prev and next each accept R, but not each other (two
 * different anon_vmas): the kernel merges R into prev (case 2/5 before 3).
 */
static void test_mprotect_merge_prefers_prev(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long n = mmap_anon(m, t, 0, PG, RW, MAP_PRIVATE);
	long r = mmap_anon(m, t, 0, PG, PROT_READ, MAP_PRIVATE);
	long p = mmap_anon(m, t, 0, PG, RW | PROT_EXEC, MAP_PRIVATE);

	assert_int_equal(r, n - PG);
	assert_int_equal(p, r - PG);
	assert_int_equal(do_mprotect_pkey(m, t, p, PG, RW), 0);	/* P: same flags as N now */
	touch(m, t, p, true);
	touch(m, t, n, true);
	assert_ptr_not_equal(vma_at(t, p)->anon_vma, vma_at(t, n)->anon_vma);
	assert_int_equal(t->mm->nr_vmas, 3);
	/* R was never writable: make it RW with VM_ACCOUNT like the others */
	assert_int_equal(do_mprotect_pkey(m, t, r, PG, RW), 0);
	assert_int_equal(t->mm->nr_vmas, 2);
	assert_string_equal(layout(t), "[0x7ffff7ffc000,0x7ffff7ffe000) [0x7ffff7ffe000,0x7ffff7fff000)");
	t_check(m);
}

/*
 *   [P: own anon_vma] hole [N: another anon_vma] ; mmap into the hole
 * At mmap the kernel tries next first (vma_expand, 6.2): the area joins N
 * and P then refuses N's anon_vma: [P][RN], the mirror of mprotect's choice.
 */
static void test_mmap_merge_prefers_next(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long n = mmap_anon(m, t, 0, PG, RW, MAP_PRIVATE);
	long p = mmap_anon(m, t, n - 2 * PG, PG, RW, MAP_PRIVATE | MAP_FIXED);

	touch(m, t, p, true);
	touch(m, t, n, true);
	assert_int_equal(t->mm->nr_vmas, 2);
	assert_int_equal(mmap_anon(m, t, n - PG, PG, RW, MAP_PRIVATE | MAP_FIXED), n - PG);
	assert_string_equal(layout(t), "[0x7ffff7ffc000,0x7ffff7ffd000) [0x7ffff7ffd000,0x7ffff7fff000)");
	t_check(m);
}

/*
 *   [A RW][B RWX][C RW]  split before any fault ; write A, then B
 *   B's first fault reuses A's anon_vma (find_mergeable_anon_vma: adjacent,
 *   flags differing only in access bits, A's chain a single link)
 *   mprotect(B, RW): A absorbs B; C, never faulted, takes no anon_vma region
 */
static void test_anon_vma_reused_from_neighbour(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, 3 * PG, RW, MAP_PRIVATE);
	char want[128];

	assert_int_equal(do_mprotect_pkey(m, t, a + PG, PG, RW | PROT_EXEC), 0);
	assert_int_equal(t->mm->nr_vmas, 3);
	touch(m, t, a, true);
	touch(m, t, a + PG, true);
	assert_ptr_equal(vma_at(t, a + PG)->anon_vma, vma_at(t, a)->anon_vma);
	assert_int_equal(vma_at(t, a + PG)->nr_avc, 1);
	assert_int_equal(do_mprotect_pkey(m, t, a + PG, PG, RW), 0);
	snprintf(want, sizeof(want), "[%#lx,%#lx) [%#lx,%#lx)", a, a + 2 * PG, a + 2 * PG,
		 a + 3 * PG);
	assert_string_equal(layout(t), want);
	t_check(m);
}

/*
 *   fd 3 and fd 4: two opens of /mnt/f ; [fd3 pgoff 0][fd4 pgoff 1]  ->  two VMAs
 *   remap the second page from fd 3  ->  [fd3 pgoff 0-1], one VMA
 * is_mergeable_vma compares the struct file, not the inode: mappings made
 * through two opens of one file never merge, through one open they do
 * (in a child too, whose descriptors share the parent's open files).
 */
static void test_merge_needs_the_same_open_file(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t"), *c;
	long a;

	assert_int_equal(file(m, t, "/mnt/f", 4 * PG), 3);
	assert_int_equal(do_sys_open(m, t, "/mnt/f", O_RDWR), 4);
	a = ksys_mmap_pgoff(m, t, 0, PG, RW, MAP_SHARED, 3, 0);
	assert_int_equal(ksys_mmap_pgoff(m, t, a + PG, PG, RW, MAP_SHARED | MAP_FIXED, 4, PG),
			 a + PG);
	assert_int_equal(t->mm->nr_vmas, 2);
	assert_int_equal(ksys_mmap_pgoff(m, t, a + PG, PG, RW, MAP_SHARED | MAP_FIXED, 3, PG),
			 a + PG);
	assert_int_equal(t->mm->nr_vmas, 1);
	/* the child's fd 3 is the same open file: its mapping merges with the inherited one */
	c = fork_of(m, t, "c");
	assert_int_equal(ksys_mmap_pgoff(m, c, a + 2 * PG, PG, RW, MAP_SHARED | MAP_FIXED, 3,
					 2 * PG), a + 2 * PG);
	assert_int_equal(c->mm->nr_vmas, 1);
	assert_int_equal(ksys_mmap_pgoff(m, c, a + 3 * PG, PG, RW, MAP_SHARED | MAP_FIXED, 4,
					 3 * PG), a + 3 * PG);
	assert_int_equal(c->mm->nr_vmas, 2);
	/* mprotect does not join them either */
	assert_int_equal(do_mprotect_pkey(m, c, a, 4 * PG, PROT_READ), 0);
	assert_int_equal(c->mm->nr_vmas, 2);
	t_check(m);
}

static const struct CMUnitTest vma_tests[] = {
	cmocka_unit_test_teardown(test_munmap_splits, destroy_machine),
	cmocka_unit_test_teardown(test_mprotect_split_and_merge_back, destroy_machine),
	cmocka_unit_test_teardown(test_mprotect_account_blocks_merge, destroy_machine),
	cmocka_unit_test_teardown(test_noop_changes_nothing, destroy_machine),
	cmocka_unit_test_teardown(test_mmap_merges_with_neighbour, destroy_machine),
	cmocka_unit_test_teardown(test_forked_vma_does_not_merge, destroy_machine),
	cmocka_unit_test_teardown(test_mprotect_merge_prefers_prev, destroy_machine),
	cmocka_unit_test_teardown(test_mmap_merge_prefers_next, destroy_machine),
	cmocka_unit_test_teardown(test_anon_vma_reused_from_neighbour, destroy_machine),
	cmocka_unit_test_teardown(test_merge_needs_the_same_open_file, destroy_machine),
};

/* ---- layout (sections 1, 2.4) ---------------------------------------------- */

/*
 *   mmap_base = 0x7ffff7fff000:  [C][B][A]|  each new mapping right below the last
 * Top-down: the highest hole below mmap_base that fits.  A usable hint is
 * taken as is; an unusable one is ignored, not searched from.
 */
static void test_layout_top_down_and_hints(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a, b, h;

	assert_int_equal(t->mm->mmap_base, MMAP_BASE);
	a = mmap_anon(m, t, 0, 3 * PG, RW, MAP_PRIVATE);
	assert_int_equal(a, MMAP_BASE - 3 * PG);
	b = mmap_anon(m, t, 0, PG, PROT_READ, MAP_PRIVATE);
	assert_int_equal(b, a - PG);
	/* a free hint: used (rounded down to a page) */
	h = mmap_anon(m, t, 0x12345678, PG, RW, MAP_PRIVATE);
	assert_int_equal(h, 0x12345000);
	/* a hint below mmap_min_addr becomes mmap_min_addr */
	assert_int_equal(mmap_anon(m, t, 0x1000, PG, PROT_READ, MAP_PRIVATE), 0x10000);
	/* a hint that overlaps: ignored, the top-down search places it */
	assert_int_equal(mmap_anon(m, t, a + PG, PG, PROT_EXEC, MAP_PRIVATE), b - PG);
	/* a hint above mmap_base is fine if free */
	assert_int_equal(mmap_anon(m, t, 0x7ffff8000000, PG, PROT_READ, MAP_PRIVATE), 0x7ffff8000000);
	/* unmap A: the next search fills its hole again, from the top */
	assert_int_equal(vm_munmap(m, t, a, 3 * PG), 0);
	assert_int_equal(mmap_anon(m, t, 0, 2 * PG, PROT_EXEC, MAP_PRIVATE), MMAP_BASE - 2 * PG);
	t_check(m);
}

/*
 *   [A written] ; mmap(A, MAP_FIXED) replaces it ; MAP_FIXED_NOREPLACE: EEXIST
 * MAP_FIXED unmaps what is in the way (its pages go); NOREPLACE refuses.
 */
static void test_layout_map_fixed(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long a = mmap_anon(m, t, 0, 2 * PG, RW, MAP_PRIVATE);
	unsigned long before;

	touch(m, t, a, true);
	touch(m, t, a + PG, true);
	assert_int_equal(rss(t, MM_ANONPAGES), 2);
	assert_int_equal(mmap_anon(m, t, a + PG, PG, RW, MAP_PRIVATE | MAP_FIXED_NOREPLACE), -EEXIST);
	drain_all_pages(m, NULL);
	before = free_pages(m);
	assert_int_equal(mmap_anon(m, t, a + PG, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED), a + PG);
	assert_int_equal(rss(t, MM_ANONPAGES), 1);
	assert_int_equal(t->mm->nr_vmas, 2);
	drain_all_pages(m, NULL);
	assert_int_equal(free_pages(m), before + 1);
	/* the new mapping reads as zeroes */
	touch(m, t, a + PG, false);
	assert_true(maps_zero_page(m, t, a + PG));
	/* NOREPLACE into a free range works like MAP_FIXED */
	assert_int_equal(mmap_anon(m, t, 0x40000000, PG, RW, MAP_PRIVATE | MAP_FIXED_NOREPLACE),
			 0x40000000);
	t_check(m);
}

/*
 *   [0x1000 ... 0x11000) hole, everything above full
 * The top-down search looks down to PAGE_SIZE, not mmap_min_addr (2.4):
 * it finds 0x1000, which security_mmap_addr then refuses with EPERM.
 */
static void test_layout_search_low_limit(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");

	assert_int_equal(mmap_anon(m, t, 0x11000, TASK_SIZE - 0x11000, PROT_NONE,
				   MAP_PRIVATE | MAP_FIXED | MAP_NORESERVE), 0x11000);
	assert_int_equal(mmap_anon(m, t, 0, 0x10000, RW, MAP_PRIVATE), -EPERM);
	assert_int_equal(mmap_anon(m, t, 0, 0x11000, RW, MAP_PRIVATE), -ENOMEM);
	t_check(m);
}

/*
 *   [G growsdown] with 1 MiB guard below ; mmap(len) is placed below G - 1 MiB
 * vm_start_gap keeps the stack guard gap free of new mappings, for the
 * search and for hints.
 */
static void test_layout_stack_guard_gap(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long g = mmap_anon(m, t, 0, 16 * PG, RW, MAP_PRIVATE | MAP_GROWSDOWN);

	assert_int_equal(g, MMAP_BASE - 16 * PG);
	assert_int_equal(mmap_anon(m, t, 0, PG, PROT_READ, MAP_PRIVATE), g - (1 << 20) - PG);
	/* a hint inside the gap is not usable: the search places it below */
	assert_int_equal(mmap_anon(m, t, g - 2 * PG, PG, PROT_EXEC, MAP_PRIVATE),
			 g - (1 << 20) - 2 * PG);
	t_check(m);
}

/* ---- free_pgtables floor and ceiling (section 3.1) ------------------------- */

/*
 *   A [0x7f0000000000,+4K)  B [0x7f0000200000,0x7f0000400000)  C [0x7f0000401000,+4K)
 *   one PUD, one PMD table, three PTE tables (A's, B's, C's 2 MiB)
 *   munmap B: its PTE table goes (inside [A.end, C.start) rounded); PMD stays
 *   munmap A: its PTE table goes; the PMD table stays (C still under it)
 *   munmap C: PTE, PMD and PUD tables go and the pgd entry is cleared
 * PUD tables count in pgtables_bytes only, PMD and PTE tables in NR_PAGETABLE too.
 */
static void test_free_pgtables_floor_ceiling(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	const uint64_t A = 0x7f0000000000UL, B = 0x7f0000200000UL, C = 0x7f0000401000UL;
	long pt0 = node_stat(m, NR_PAGETABLE);

	assert_int_equal(mmap_anon(m, t, A, PG, RW, MAP_PRIVATE | MAP_FIXED), A);
	assert_int_equal(mmap_anon(m, t, B, 0x200000, PROT_READ, MAP_PRIVATE | MAP_FIXED), B);
	assert_int_equal(mmap_anon(m, t, C, PG, RW, MAP_PRIVATE | MAP_FIXED), C);
	touch(m, t, A, true);
	touch(m, t, B, false);
	touch(m, t, B + 0x1ff000, false);
	touch(m, t, C, true);
	assert_int_equal(t->mm->nr_pgtables, 5);
	assert_int_equal(t->mm->pgtables_bytes, 5 * PG);
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0 + 4);
	t_check(m);

	assert_int_equal(vm_munmap(m, t, B, 0x200000), 0);
	assert_int_equal(t->mm->nr_pgtables, 4);
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0 + 3);
	assert_int_equal(pte_at(m, t, B), 0);
	t_check(m);

	assert_int_equal(vm_munmap(m, t, A, PG), 0);
	assert_int_equal(t->mm->nr_pgtables, 3);
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0 + 2);
	t_check(m);

	assert_int_equal(vm_munmap(m, t, C, PG), 0);
	assert_int_equal(t->mm->nr_pgtables, 0);
	assert_int_equal(t->mm->pgtables_bytes, 0);
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0);
	assert_int_equal(pt_read(m, t->mm->pgd, (unsigned int)(A >> PGDIR_SHIFT)), 0);
	t_check(m);
}

/*
 *   [X 4K][ 2 MiB ... ][Y 4K]  with X and Y in different 2 MiB, B between
 *   munmap the middle of one VMA spanning two PTE tables
 * A partial munmap frees a PTE table only when no remaining VMA can reach
 * its 2 MiB: the ones the kept pieces lie in stay.
 */
static void test_free_pgtables_partial_munmap(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	const uint64_t base = 0x7f0000000000UL;
	long pt0 = node_stat(m, NR_PAGETABLE);

	/* one VMA over [base, base + 6 MiB): three PTE tables once touched */
	assert_int_equal(mmap_anon(m, t, base, 0x600000, RW, MAP_PRIVATE | MAP_FIXED), base);
	for (uint64_t a = base; a < base + 0x600000; a += 0x200000)
		touch(m, t, a + 0x1000, true);
	assert_int_equal(t->mm->nr_pgtables, 5);
	/* unmap [base + 1M, base + 5M): only the middle 2 MiB is wholly inside */
	assert_int_equal(vm_munmap(m, t, base + 0x100000, 0x400000), 0);
	assert_int_equal(t->mm->nr_vmas, 2);
	assert_int_equal(t->mm->nr_pgtables, 4);
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0 + 3);
	assert_int_equal(rss(t, MM_ANONPAGES), 1);	/* the page at base + 1 page */
	/* MADV_DONTNEED frees pages but never tables */
	assert_int_equal(do_madvise(m, t, base, 0x100000, MADV_DONTNEED), 0);
	assert_int_equal(rss(t, MM_ANONPAGES), 0);
	assert_int_equal(t->mm->nr_pgtables, 4);
	t_check(m);
}

/*
 * The same with THP "always": each 2 MiB is one THP with a deposited
 * table, so the count of tables below the PUD is the same 5.  munmap
 * splits the two PMDs the range cuts (vma_adjust_trans_huge: their
 * deposited tables become PTE tables) and zaps the middle one with its
 * deposit; half of each outer THP stays mapped by 256 PTEs, and both go
 * on the deferred split queue.
 */
static void test_free_pgtables_partial_munmap_thp(void **state)
{
	struct machine *m = mm_machine_thp(state, THP_ALWAYS);
	struct task *t = proc(m, "t");
	const uint64_t base = 0x7f0000000000UL;
	long pt0 = node_stat(m, NR_PAGETABLE);

	assert_int_equal(mmap_anon(m, t, base, 0x600000, RW, MAP_PRIVATE | MAP_FIXED), base);
	for (uint64_t a = base; a < base + 0x600000; a += 0x200000)
		touch(m, t, a + 0x1000, true);
	assert_int_equal(node_stat(m, NR_ANON_THPS), 3 * 512);
	assert_int_equal(t->mm->nr_pgtables, 5);	/* PUD, PMD, three deposits */
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0 + 4);
	t_check(m);
	assert_int_equal(vm_munmap(m, t, base + 0x100000, 0x400000), 0);
	assert_int_equal(m->vm_events[THP_SPLIT_PMD], 2);
	assert_int_equal(m->vm_events[THP_DEFERRED_SPLIT_PAGE], 2);
	assert_int_equal(t->mm->nr_pgtables, 4);
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0 + 3);
	assert_int_equal(node_stat(m, NR_ANON_THPS), 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 512);
	assert_int_equal(rss(t, MM_ANONPAGES), 512);
	t_check(m);
	do_exit(m, t, 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 0);
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0);
	t_check(m);
}

/*
 *   [F read beyond EOF -> SIGBUS]
 * A file fault that ends in SIGBUS leaves no PTE table behind: do_fault
 * frees its preallocated table, finish_fault never ran (8.5).  The PUD and
 * PMD tables __handle_mm_fault allocated stay.
 */
static void test_sigbus_fault_leaves_no_pte_table(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	int fd = file(m, t, "/mnt/f", PG);
	long a = ksys_mmap_pgoff(m, t, 0, 2 * PG, RW, MAP_SHARED, fd, 0);

	assert_int_equal(user_access(m, t->mm, a + PG, false), UA_SIGBUS);
	assert_int_equal(t->mm->nr_pgtables, 2);
	assert_int_equal(user_access(m, t->mm, a + PG, true), UA_SIGBUS);
	assert_int_equal(t->mm->nr_pgtables, 2);
	touch(m, t, a, false);
	assert_int_equal(t->mm->nr_pgtables, 3);
	t_check(m);
}

/*
 *   P: [anon VMA with an anon_vma, no PTE table left] + another VMA in the same 1 GiB
 *   fork: the child gets a PUD and a PMD table for the VMA, no PTE table
 * copy_page_range allocates the child's table at each level where the
 * parent has a present entry above the VMA's range (7.1), even if nothing
 * below it maps anything.
 */
static void test_fork_copies_upper_tables(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *p = proc(m, "p"), *c;
	const uint64_t base = 0x7f0000000000UL;

	/* V spans [base, base + 4M): write its first page, then unmap that 2 MiB */
	assert_int_equal(mmap_anon(m, p, base, 0x400000, RW, MAP_PRIVATE | MAP_FIXED), base);
	touch(m, p, base, true);
	assert_int_equal(vm_munmap(m, p, base, 0x200000), 0);
	/* its PTE table went (nothing below base to keep it), the PMD and PUD stay */
	assert_int_equal(p->mm->nr_pgtables, 2);
	assert_non_null(vma_at(p, base + 0x200000)->anon_vma);
	c = fork_of(m, p, "c");
	assert_int_equal(c->mm->nr_pgtables, 2);
	assert_int_equal(c->mm->pgtables_bytes, 2 * PG);
	t_check(m);
}

/*
 *   [A private RW written] ; mprotect R, then RW on a MAP_SHARED tmpfs mapping
 * Shared shmem mappings have no writenotify: mprotect back to RW makes
 * every PTE writable, clean ones included, so no write fault follows (4.3).
 */
static void test_mprotect_shared_rw_ptes(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *t = proc(m, "t");
	long s = mmap_anon(m, t, 0, 2 * PG, RW, MAP_SHARED);
	unsigned long faults;

	touch(m, t, s, false);		/* clean, writable (PAGE_SHARED) */
	touch(m, t, s + PG, true);	/* dirty */
	assert_int_equal(do_mprotect_pkey(m, t, s, 2 * PG, PROT_READ), 0);
	assert_false(pte_write(pte_at(m, t, s)));
	assert_int_equal(do_mprotect_pkey(m, t, s, 2 * PG, RW), 0);
	assert_true(pte_write(pte_at(m, t, s + PG)));
	assert_true(pte_write(pte_at(m, t, s)));
	faults = m->vm_events[PGFAULT];
	touch(m, t, s, true);
	assert_int_equal(m->vm_events[PGFAULT], faults);
	t_check(m);
}

/* The huge PMD for addr, or 0 when the entry there is not one */
static pteval_t pmd_at(struct machine *m, struct task *t, uint64_t addr)
{
	enum pt_level level;
	pteval_t e = pt_walk(m, t->mm, addr, &level, NULL, NULL);

	return level == PT_PMD ? e : 0;
}

/*
 * The same rule for huge PMDs (change_huge_pmd: pmd_modify takes RW from
 * the new vm_page_prot).  A shmem THP mapped shared by PMD is writable
 * again after mprotect back to RW, so the write neither faults nor splits
 * the PMD; a private anonymous PMD is never made writable by mprotect
 * (6.1 has no can_change_pmd_writable), so the next write faults and
 * reuses the exclusive THP.
 */
static void test_mprotect_huge_pmd_write(void **state)
{
	struct machine *m = mm_machine_thp(state, THP_ALWAYS);
	struct task *t = proc(m, "t");
	const uint64_t sh = 0x7f0000000000UL, an = 0x7f0000400000UL;
	unsigned long faults;
	char err[128];
	int fd;

	assert_int_equal(shmem_mount(m, "/huge", "huge=always", err, sizeof(err)), 0);
	fd = file(m, t, "/huge/f", PMD_SIZE);
	assert_int_equal(ksys_mmap_pgoff(m, t, sh, PMD_SIZE, RW, MAP_SHARED | MAP_FIXED, fd, 0), sh);
	assert_int_equal(mmap_anon(m, t, an, PMD_SIZE, RW, MAP_PRIVATE | MAP_FIXED), an);
	touch(m, t, sh, false);
	touch(m, t, an, true);
	assert_true(pte_write(pmd_at(m, t, sh)));	/* PAGE_SHARED: no writenotify */
	assert_true(pte_write(pmd_at(m, t, an)));
	assert_int_equal(do_mprotect_pkey(m, t, sh, PMD_SIZE, PROT_READ), 0);
	assert_false(pte_write(pmd_at(m, t, sh)));
	assert_int_equal(do_mprotect_pkey(m, t, sh, PMD_SIZE, RW), 0);
	assert_true(pte_write(pmd_at(m, t, sh)));
	assert_int_equal(do_mprotect_pkey(m, t, an, PMD_SIZE, RW | PROT_EXEC), 0);
	assert_false(pte_write(pmd_at(m, t, an)));
	faults = m->vm_events[PGFAULT];
	touch(m, t, sh + 5 * PG, true);
	assert_int_equal(m->vm_events[PGFAULT], faults);
	assert_int_equal(m->vm_events[THP_SPLIT_PMD], 0);
	assert_int_equal(node_stat(m, NR_SHMEM_PMDMAPPED), 512);
	touch(m, t, an + 5 * PG, true);
	assert_int_equal(m->vm_events[PGFAULT], faults + 1);
	assert_true(pte_write(pmd_at(m, t, an)));	/* reused: still one THP */
	assert_int_equal(m->vm_events[THP_SPLIT_PMD], 0);
	assert_int_equal(node_stat(m, NR_ANON_THPS), 512);
	t_check(m);
}

/*
 * mprotect(PROT_NONE) over an anonymous THP keeps its huge PMD (6.1's
 * pmd_present counts PROTNONE): accesses fault and get SIGSEGV, mprotect
 * back to RW finds the same THP again, and a PROT_NONE range inside a
 * PMD splits it into PROT_NONE PTEs.  Everything goes at munmap.
 */
static void test_mprotect_none_huge_pmd(void **state)
{
	struct machine *m = mm_machine_thp(state, THP_ALWAYS);
	struct task *t = proc(m, "t");
	const uint64_t a = 0x7f0000000000UL;
	long pt0 = node_stat(m, NR_PAGETABLE);

	assert_int_equal(mmap_anon(m, t, a, 2 * PMD_SIZE, RW, MAP_PRIVATE | MAP_FIXED), a);
	touch(m, t, a, true);
	touch(m, t, a + PMD_SIZE, true);
	assert_int_equal(do_mprotect_pkey(m, t, a, PMD_SIZE, PROT_NONE), 0);
	assert_int_not_equal(pmd_at(m, t, a), 0);
	assert_int_equal(user_access(m, t->mm, a + PG, false), UA_SIGSEGV_ACCERR);
	assert_int_equal(node_stat(m, NR_ANON_THPS), 1024);
	t_check(m);
	assert_int_equal(do_mprotect_pkey(m, t, a, PMD_SIZE, RW), 0);
	touch(m, t, a + PG, true);
	assert_int_equal(m->vm_events[THP_FAULT_ALLOC], 2);
	assert_int_equal(rss(t, MM_ANONPAGES), 1024);
	t_check(m);
	assert_int_equal(do_mprotect_pkey(m, t, a + PMD_SIZE / 2, PMD_SIZE, PROT_NONE), 0);
	assert_int_equal(m->vm_events[THP_SPLIT_PMD], 2);
	{
		enum pt_level level;
		unsigned long table;
		unsigned int idx;
		pteval_t e;

		pt_walk(m, t->mm, a + PMD_SIZE / 2, &level, &table, &idx);
		assert_int_equal(level, PT_PTE);
		e = pt_read(m, table, idx);
		assert_true((e & _PAGE_PROTNONE) && !(e & _PAGE_PRESENT));
	}
	assert_int_equal(user_access(m, t->mm, a + PMD_SIZE, false), UA_SIGSEGV_ACCERR);
	assert_int_equal(user_access(m, t->mm, a, false), UA_OK);
	assert_int_equal(node_stat(m, NR_ANON_THPS), 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 1024);
	t_check(m);
	assert_int_equal(vm_munmap(m, t, a, 2 * PMD_SIZE), 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 0);
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0);	/* free_pgtables: no VMA left */
	t_check(m);
}

/* ---- exit (section 9) ------------------------------------------------------ */

/*
 * Processes with every kind of memory, forked, COWed, partly unmapped,
 * then exited (and the file unlinked): every page and page-table page
 * comes back, NR_* counters return to zero.
 */
static void test_exit_returns_every_page(void **state)
{
	struct machine *m = mm_machine(state);
	struct task *p, *c, *g;
	unsigned long boot;
	long a, s, f;
	int fd;

	drain_all_pages(m, NULL);
	boot = free_pages(m);
	p = proc(m, "p");
	fd = file(m, p, "/mnt/f", 16 * PG);
	a = mmap_anon(m, p, 0, 64 * PG, RW, MAP_PRIVATE);
	s = mmap_anon(m, p, 0x7f0000000000, 8 * PG, RW, MAP_SHARED);
	f = ksys_mmap_pgoff(m, p, 0x7e0000000000, 16 * PG, RW, MAP_PRIVATE, fd, 0);
	assert_true(a > 0 && s > 0 && f > 0);
	assert_true(ksys_mmap_pgoff(m, p, 0x7d0000000000, 16 * PG, RW, MAP_SHARED, fd, 0) > 0);
	for (int i = 0; i < 64; i++)
		touch(m, p, a + i * PG, i % 3 != 0);
	for (int i = 0; i < 8; i++)
		touch(m, p, s + i * PG, i & 1);
	for (int i = 0; i < 16; i++) {
		touch(m, p, f + i * PG, i & 1);
		touch(m, p, 0x7d0000000000 + i * PG, i % 4 == 0);
	}
	c = fork_of(m, p, "c");
	for (int i = 0; i < 64; i += 2)
		touch(m, c, a + i * PG, true);
	g = fork_of(m, c, "g");
	assert_int_equal(vm_munmap(m, c, a + 8 * PG, 8 * PG), 0);
	touch(m, g, f, true);
	assert_int_equal(do_madvise(m, g, a, 16 * PG, MADV_DONTNEED), 0);
	t_check(m);
	assert_true(free_pages(m) < boot);

	do_exit(m, c, 0);
	t_check(m);
	do_exit(m, p, 0);
	t_check(m);
	do_exit(m, g, 0);
	t_check(m);
	/* the file's pages stay in its page cache until it goes */
	assert_int_equal(node_stat(m, NR_SHMEM), 16);
	assert_int_equal(do_unlink(m, "/mnt/f"), 0);
	assert_int_equal(node_stat(m, NR_SHMEM), 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 0);
	assert_int_equal(node_stat(m, NR_FILE_MAPPED), 0);
	assert_int_equal(node_stat(m, NR_FILE_PAGES), 0);
	assert_int_equal(node_stat(m, NR_PAGETABLE), 0);
	assert_int_equal(node_stat(m, NR_INACTIVE_ANON) + node_stat(m, NR_ACTIVE_ANON), 0);
	drain_all_pages(m, NULL);
	assert_int_equal(free_pages(m), boot);
	t_check(m);
}

static const struct CMUnitTest layout_tests[] = {
	cmocka_unit_test_teardown(test_layout_top_down_and_hints, destroy_machine),
	cmocka_unit_test_teardown(test_layout_map_fixed, destroy_machine),
	cmocka_unit_test_teardown(test_layout_search_low_limit, destroy_machine),
	cmocka_unit_test_teardown(test_layout_stack_guard_gap, destroy_machine),
	cmocka_unit_test_teardown(test_free_pgtables_floor_ceiling, destroy_machine),
	cmocka_unit_test_teardown(test_free_pgtables_partial_munmap, destroy_machine),
	cmocka_unit_test_teardown(test_free_pgtables_partial_munmap_thp, destroy_machine),
	cmocka_unit_test_teardown(test_sigbus_fault_leaves_no_pte_table, destroy_machine),
	cmocka_unit_test_teardown(test_fork_copies_upper_tables, destroy_machine),
	cmocka_unit_test_teardown(test_mprotect_shared_rw_ptes, destroy_machine),
	cmocka_unit_test_teardown(test_mprotect_huge_pmd_write, destroy_machine),
	cmocka_unit_test_teardown(test_mprotect_none_huge_pmd, destroy_machine),
	cmocka_unit_test_teardown(test_exit_returns_every_page, destroy_machine),
};

int main(void)
{
	int fails = cmocka_run_group_tests_name("matrix", matrix_tests, NULL, NULL);

	fails += cmocka_run_group_tests_name("cow", cow_tests, NULL, NULL);
	fails += cmocka_run_group_tests_name("syscalls", syscall_tests, NULL, NULL);
	fails += cmocka_run_group_tests_name("vmas", vma_tests, NULL, NULL);
	fails += cmocka_run_group_tests_name("layout", layout_tests, NULL, NULL);
	return fails;
}
