// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mremap.c - mremap (mremap.c, with copy_vma and vma_merge_range in
 * mmap.c and move_huge_pmd in huge_memory.c): shrink, grow in place,
 * move, MREMAP_FIXED, MREMAP_DONTUNMAP, every errno of 6.1's checks, and
 * hugetlb VMAs as the hugetlb-mremap policies move them (private ones with
 * their reserve map, shared ones with PMD sharing).
 *
 * Each test draws the VMAs (and page tables where they matter) before
 * and after, and says in one sentence what it expects.  The expected
 * values are 6.1.192's rules (mm/mremap.c, mm/mmap.c), not what the
 * model happens to do.  Every test ends with the invariant checker
 * (t_check), which also checks that rmap finds every moved page (its
 * index and anon_vma match the new VMA).
 *
 * Machines: one node of 128 MiB, one CPU, a tmpfs at /mnt.  Mappings
 * are placed with MAP_FIXED at X (256 MiB) unless a test says otherwise;
 * a move the kernel places itself goes top-down below mmap_base,
 * 0x7ffff7fff000.  THP is "never" except in the THP test.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "filemap.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "mremap.h"
#include "policy.h"
#include "rmap.h"
#include "task.h"

#define MMAP_BASE	0x7ffff7fff000UL
#define PG		PAGE_SIZE
#define RW		(PROT_READ | PROT_WRITE)
#define X		0x10000000UL		/* 256 MiB: 2 MiB aligned */
#define Y		0x20000000UL		/* 512 MiB */
#define G1		0x40000000UL		/* 1 GiB */
#define MAYMOVE		MREMAP_MAYMOVE
#define FIXED		(MREMAP_MAYMOVE | MREMAP_FIXED)
#define DONTUNMAP	(MREMAP_MAYMOVE | MREMAP_DONTUNMAP)

/* ---- helpers -------------------------------------------------------------- */

static struct machine *mr_machine_opts(void **state, int thp, const char *hugetlb_mremap)
{
	char err[128];
	struct machine_opts o;
	struct machine *m;

	t_opts(&o, 1, 128, 1);
	o.thp_enabled = thp;
	if (hugetlb_mremap)
		assert_true(policy_set_pick(&o.policies, "hugetlb-mremap", hugetlb_mremap));
	m = t_boot(&o);
	*state = m;
	assert_int_equal(shmem_mount(m, "/mnt", "", err, sizeof(err)), 0);
	return m;
}

static struct machine *mr_machine(void **state)
{
	return mr_machine_opts(state, THP_NEVER, NULL);
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

/* An anonymous private mapping of len at addr (MAP_FIXED), or top-down when addr is 0 */
static uint64_t anon(struct machine *m, struct task *t, uint64_t addr, uint64_t len, long prot)
{
	long a = ksys_mmap_pgoff(m, t, addr, len, prot,
				 MAP_PRIVATE | MAP_ANONYMOUS | (addr ? MAP_FIXED : 0), -1, 0);

	assert_true(a > 0);
	if (addr)
		assert_int_equal(a, addr);
	return (uint64_t)a;
}

static long mremap_(struct machine *m, struct task *t, uint64_t addr, uint64_t old_len,
		    uint64_t new_len, unsigned long flags, uint64_t new_addr)
{
	return sys_mremap(m, t, addr, old_len, new_len, flags, new_addr);
}

/* One store (or load) per page of [addr, addr + len) */
static void touch(struct machine *m, struct task *t, uint64_t addr, uint64_t len, bool write)
{
	for (uint64_t a = addr; a < addr + len; a += PG)
		assert_int_equal(user_access(m, t->mm, a, write), UA_OK);
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

/* The PMD entry for addr (0 when there is no PMD table) and where it is */
static pteval_t pmd_at(struct machine *m, struct task *t, uint64_t addr, unsigned long *table,
		       unsigned int *idx)
{
	unsigned long tb;
	unsigned int i;

	if (!pmd_slot(m, t->mm, addr, false, &tb, &i, NULL))
		return 0;
	if (table)
		*table = tb;
	if (idx)
		*idx = i;
	return pt_read(m, tb, i);
}

/* The PUD entry for addr, or 0 */
static pteval_t pud_at(struct machine *m, struct task *t, uint64_t addr)
{
	unsigned long tb;
	unsigned int i;

	if (!pud_slot(m, t->mm, addr, false, &tb, &i, NULL))
		return 0;
	return pt_read(m, tb, i);
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

static struct vm_area_struct *vma_at(struct task *t, uint64_t addr)
{
	struct vm_area_struct *v = find_vma(t->mm, addr);

	assert_non_null(v);
	assert_true(v->vm_start <= addr);
	return v;
}

static bool mapped(struct task *t, uint64_t addr)
{
	struct vm_area_struct *v = find_vma(t->mm, addr);

	return v && v->vm_start <= addr;
}

/* The mm's VMAs as "[start,end) ..." */
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

/* The pages and content tags of n pages from addr */
static void snap(struct machine *m, struct task *t, uint64_t addr, unsigned int n,
		 unsigned long *pfn, uint64_t *tag)
{
	for (unsigned int i = 0; i < n; i++) {
		pfn[i] = page_at(m, t, addr + i * PG);
		assert_int_not_equal(pfn[i], PFN_NONE);
		tag[i] = page_content(m, pfn[i]);
	}
}

/* The same n pages, with the same tags and one mapping each, now at addr */
static void same_pages_at(struct machine *m, struct task *t, uint64_t addr, unsigned int n,
			  const unsigned long *pfn, const uint64_t *tag, int mapcount)
{
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(page_at(m, t, addr + i * PG), pfn[i]);
		assert_int_equal(page_content(m, pfn[i]), tag[i]);
		assert_int_equal(page_mapcount(m, pfn[i]), mapcount);
	}
}

/* ---- shrink and grow ---------------------------------------------------- */

/*
 *   before  [X ............... X+16P)   16 written pages
 *   after   [X .. X+4P)                 4 pages; 12 unmapped and freed
 * Shrinking unmaps the tail where it is and returns the same address.
 */
static void test_shrink(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	unsigned long pfn[4];
	uint64_t tag[4];

	anon(m, t, X, 16 * PG, RW);
	touch(m, t, X, 16 * PG, true);
	snap(m, t, X, 4, pfn, tag);
	/* lengths are rounded up to pages: 16P - 1 is 16 pages */
	assert_int_equal(mremap_(m, t, X, 16 * PG - 1, 4 * PG, 0, 0), X);
	assert_string_equal(layout(t), "[0x10000000,0x10004000)");
	same_pages_at(m, t, X, 4, pfn, tag, 1);
	assert_int_equal(pte_at(m, t, X + 4 * PG), 0);
	assert_int_equal(rss(t, MM_ANONPAGES), 4);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 4);
	assert_int_equal(t->mm->total_vm, 4);
	/* same length: nothing to unmap, still the address */
	assert_int_equal(mremap_(m, t, X, 4 * PG, 4 * PG, 0, 0), X);
	t_check(m);
}

/*
 *   before  [X .. X+4P) ....... [X+16P .. X+20P)   4 written pages; a read-only neighbour
 *   after   [X ....... X+8P) .. [X+16P .. X+20P)   the same VMA, the same pages
 * Growing into free room after the VMA extends it in place.
 */
static void test_grow_in_place(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	struct vm_area_struct *v;
	unsigned long pfn[4];
	uint64_t tag[4];

	anon(m, t, X, 4 * PG, RW);
	anon(m, t, X + 16 * PG, 4 * PG, PROT_READ);
	touch(m, t, X, 4 * PG, true);
	snap(m, t, X, 4, pfn, tag);
	v = vma_at(t, X);
	assert_int_equal(mremap_(m, t, X, 4 * PG, 8 * PG, 0, 0), X);
	assert_string_equal(layout(t), "[0x10000000,0x10008000) [0x10010000,0x10014000)");
	assert_ptr_equal(vma_at(t, X), v);
	assert_true(v->vm_flags & VM_ACCOUNT);
	same_pages_at(m, t, X, 4, pfn, tag, 1);
	assert_int_equal(t->mm->total_vm, 12);
	/* the new part faults like the rest */
	touch(m, t, X + 4 * PG, 4 * PG, true);
	assert_int_equal(rss(t, MM_ANONPAGES), 8);
	/* right up to the neighbour: still in place, but a different VMA: no merge */
	assert_int_equal(mremap_(m, t, X, 8 * PG, 16 * PG, 0, 0), X);
	assert_string_equal(layout(t), "[0x10000000,0x10010000) [0x10010000,0x10014000)");
	t_check(m);
}

/*
 *   before  [X .. X+4P) .. [X+8P .. X+12P)    both never faulted: no anon_vma, pgoff = address
 *   after   [X ...................... X+12P)  one VMA
 *   and, both faulted (two anon_vmas):
 *   before  [Y .. Y+4P) .. [Y+8P .. Y+12P)
 *   after   [Y ........ Y+8P)[Y+8P .. Y+12P)   two VMAs
 * Growing up to a compatible neighbour merges with it (vma_merge, case 1),
 * unless their anon_vmas differ.
 */
static void test_grow_in_place_merges_next(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");

	anon(m, t, X, 4 * PG, RW);
	anon(m, t, X + 8 * PG, 4 * PG, RW);
	assert_int_equal(mremap_(m, t, X, 4 * PG, 8 * PG, 0, 0), X);
	assert_string_equal(layout(t), "[0x10000000,0x1000c000)");
	assert_int_equal(vma_at(t, X)->vm_pgoff, X >> PAGE_SHIFT);
	assert_int_equal(t->mm->total_vm, 12);

	anon(m, t, Y, 4 * PG, RW);
	anon(m, t, Y + 8 * PG, 4 * PG, RW);
	touch(m, t, Y, PG, true);
	touch(m, t, Y + 8 * PG, PG, true);
	assert_int_equal(mremap_(m, t, Y, 4 * PG, 8 * PG, 0, 0), Y);
	assert_string_equal(layout(t), "[0x10000000,0x1000c000) "
			    "[0x20000000,0x20008000) [0x20008000,0x2000c000)");
	t_check(m);
}

/*
 *   before  [X .. X+4P)[X+4P .. X+8P)            4 written pages; a read-only neighbour
 *   flags 0: ENOMEM, nothing changes
 *   MREMAP_MAYMOVE:
 *   after   [X+4P .. X+8P) ... [N .. N+8P)        N = mmap_base - 8P: the 4 pages at N
 * A growth that cannot happen in place moves when the caller allows it:
 * the pages, their tags, mapcounts and rss go along; the old range is gone.
 */
static void test_grow_blocked_moves(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	const uint64_t n = MMAP_BASE - 8 * PG;
	struct vm_area_struct *v;
	unsigned long pfn[4];
	uint64_t tag[4];

	anon(m, t, X, 4 * PG, RW);
	anon(m, t, X + 4 * PG, 4 * PG, PROT_READ);
	touch(m, t, X, 4 * PG, true);
	snap(m, t, X, 4, pfn, tag);
	assert_int_equal(mremap_(m, t, X, 4 * PG, 8 * PG, 0, 0), -ENOMEM);
	assert_string_equal(layout(t), "[0x10000000,0x10004000) [0x10004000,0x10008000)");

	assert_int_equal(mremap_(m, t, X, 4 * PG, 8 * PG, MAYMOVE, 0), n);
	assert_string_equal(layout(t), "[0x10004000,0x10008000) [0x7ffff7ff7000,0x7ffff7fff000)");
	v = vma_at(t, n);
	assert_int_equal(v->vm_pgoff, X >> PAGE_SHIFT);	/* the old pgoff: rmap still finds them */
	assert_true(v->vm_flags & VM_ACCOUNT);
	same_pages_at(m, t, n, 4, pfn, tag, 1);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(page_index(m, pfn[i]), (X >> PAGE_SHIFT) + i);
	assert_int_equal(page_at(m, t, n + 4 * PG), PFN_NONE);
	assert_int_equal(rss(t, MM_ANONPAGES), 4);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 4);
	assert_int_equal(t->mm->total_vm, 12);
	/*
	 * Page tables: PUD, PMD and PTE table under X stay (the neighbour
	 * shares them); N, in another 512 GiB, got its own three.
	 */
	assert_false(mapped(t, X));
	assert_int_equal(pte_at(m, t, X), 0);
	assert_int_equal(t->mm->nr_pgtables, 6);
	t_check(m);
}

/* ---- moves -------------------------------------------------------------- */

/*
 *   before  [X ............................ X+16P)   16 written pages, tags t0..t15
 *   mremap(X+6P, 4P, 4P, MAYMOVE|FIXED, Y)
 *   after   [X .. X+6P) [X+10P .. X+16P) ... [Y .. Y+4P)   pages 6..9 at Y
 * A move out of the middle splits the old VMA; the moved PTEs keep their
 * pages (tags, index, exclusive), the new VMA takes the old pgoff + 6, and
 * both pieces and the copy keep VM_ACCOUNT.
 */
static void test_move_ptes_anon(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	struct vm_area_struct *v;
	unsigned long pfn[4];
	uint64_t tag[4];
	long pt0;

	anon(m, t, X, 16 * PG, RW);
	touch(m, t, X, 16 * PG, true);
	snap(m, t, X + 6 * PG, 4, pfn, tag);
	pt0 = node_stat(m, NR_PAGETABLE);
	assert_int_equal(mremap_(m, t, X + 6 * PG, 4 * PG, 4 * PG, FIXED, Y), Y);
	assert_string_equal(layout(t), "[0x10000000,0x10006000) [0x1000a000,0x10010000) "
			    "[0x20000000,0x20004000)");
	same_pages_at(m, t, Y, 4, pfn, tag, 1);
	v = vma_at(t, Y);
	assert_int_equal(v->vm_pgoff, (X >> PAGE_SHIFT) + 6);
	assert_ptr_equal(v->anon_vma, vma_at(t, X)->anon_vma);
	assert_ptr_equal(vma_at(t, X + 10 * PG)->anon_vma, v->anon_vma);
	for (unsigned int i = 0; i < 4; i++) {
		assert_true(PageAnonExclusive(m, pfn[i]));
		assert_int_equal(pte_at(m, t, X + (6 + i) * PG), 0);
	}
	assert_true(vma_at(t, X)->vm_flags & VM_ACCOUNT);
	assert_true(vma_at(t, X + 10 * PG)->vm_flags & VM_ACCOUNT);
	assert_true(v->vm_flags & VM_ACCOUNT);
	assert_int_equal(rss(t, MM_ANONPAGES), 16);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 16);
	assert_int_equal(t->mm->total_vm, 16);
	/* one PTE table more, under Y (Y's PMD table is the same as X's: same 1 GiB) */
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0 + 1);
	t_check(m);
	/* a write reuses the exclusive page where it is now */
	touch(m, t, Y, PG, true);
	assert_int_equal(page_at(m, t, Y), pfn[0]);
	assert_int_not_equal(page_content(m, pfn[0]), tag[0]);
	t_check(m);
}

/*
 *   before  [X ...... X+2M)     512 written pages: PTE table T under PMD entry X
 *   mremap(X, 2M, 2M, MAYMOVE|FIXED, X+4M)     both 2 MiB aligned
 *   after   [X+4M ... X+6M)     T itself now under PMD entry X+4M
 * A PMD-aligned move hands the whole PTE table over (move_normal_pmd):
 * no PTE is copied, no table allocated or freed.
 */
static void test_move_whole_pte_table(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	const uint64_t to = X + 2 * PMD_SIZE;
	unsigned long pfn[8];
	uint64_t tag[8];
	pteval_t pmd;
	long pt0, nr0;

	anon(m, t, X, PMD_SIZE, RW);
	touch(m, t, X, PMD_SIZE, true);
	snap(m, t, X + PMD_SIZE - 8 * PG, 8, pfn, tag);
	pmd = pmd_at(m, t, X, NULL, NULL);
	assert_true(pte_present(pmd) && !pmd_leaf(pmd));
	pt0 = node_stat(m, NR_PAGETABLE);
	nr0 = t->mm->nr_pgtables;
	assert_int_equal(nr0, 3);		/* PUD, PMD, PTE */
	assert_int_equal(mremap_(m, t, X, PMD_SIZE, PMD_SIZE, FIXED, to), to);
	assert_int_equal(pmd_at(m, t, to, NULL, NULL), pmd);
	assert_int_equal(pmd_at(m, t, X, NULL, NULL), 0);
	same_pages_at(m, t, to + PMD_SIZE - 8 * PG, 8, pfn, tag, 1);
	assert_int_equal(t->mm->nr_pgtables, nr0);
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0);
	assert_int_equal(rss(t, MM_ANONPAGES), 512);
	t_check(m);
}

/*
 *   before  [G1 ............ G1+1G)   pages written at G1 and G1+512M: PMD table M
 *   mremap(G1, 1G, 1G, MAYMOVE|FIXED, 2G)        both 1 GiB aligned
 *   after   [2G ............ 3G)      M itself now under PUD entry 2G
 * A PUD-aligned move hands the whole PMD table over (move_normal_pud,
 * x86 has HAVE_MOVE_PUD).
 */
static void test_move_whole_pmd_table(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	const uint64_t to = 2 * G1, half = G1 / 2;
	unsigned long p0, p1;
	pteval_t pud;

	anon(m, t, G1, G1, RW);
	touch(m, t, G1, PG, true);
	touch(m, t, G1 + half, PG, true);
	p0 = page_at(m, t, G1);
	p1 = page_at(m, t, G1 + half);
	pud = pud_at(m, t, G1);
	assert_true(pte_present(pud));
	assert_int_equal(t->mm->nr_pgtables, 4);	/* PUD, PMD, two PTE tables */
	assert_int_equal(mremap_(m, t, G1, G1, G1, FIXED, to), to);
	assert_int_equal(pud_at(m, t, to), pud);
	assert_int_equal(pud_at(m, t, G1), 0);
	assert_int_equal(page_at(m, t, to), p0);
	assert_int_equal(page_at(m, t, to + half), p1);
	assert_int_equal(t->mm->nr_pgtables, 4);
	assert_string_equal(layout(t), "[0x80000000,0xc0000000)");
	t_check(m);
}

/*
 *   before  [X ...... X+2M)   one anon THP by PMD, deposited table D
 *   mremap(X, 2M, 2M, MAYMOVE|FIXED, X+4M)
 *   after   [X+4M ... X+6M)   the same THP by PMD, D deposited under the new slot
 *   mremap(X+4M, 2M, 2M, MAYMOVE|FIXED, R)   R not 2 MiB aligned
 *   after   [R ...... R+2M)   the PMD split first: 512 PTEs onto the THP's pages
 * A THP moves as a PMD when both ends line up (move_huge_pmd), otherwise
 * it is split and its PTEs move; a huge zero PMD moves the same way.
 */
static void test_move_thp_pmd(void **state)
{
	struct machine *m = mr_machine_opts(state, THP_ALWAYS, NULL);
	struct task *t = proc(m, "t");
	const uint64_t to = X + 2 * PMD_SIZE, r = X + 4 * PMD_SIZE + PG;
	unsigned long head, tbl, d;
	unsigned int idx;
	uint64_t dep;
	pteval_t pmd;
	long pt0;

	anon(m, t, X, PMD_SIZE, RW);
	touch(m, t, X, PG, true);
	pmd = pmd_at(m, t, X, &tbl, &idx);
	assert_true(pmd_leaf(pmd));
	head = pte_pfn(pmd);
	assert_true(xmap_get(&t->mm->deposited, ((uint64_t)tbl << 9) | idx, &dep));
	d = (unsigned long)dep;
	pt0 = node_stat(m, NR_PAGETABLE);
	assert_int_equal(t->mm->nr_pgtables, 3);	/* PUD, PMD, D */

	assert_int_equal(mremap_(m, t, X, PMD_SIZE, PMD_SIZE, FIXED, to), to);
	assert_int_equal(pmd_at(m, t, X, NULL, NULL), 0);
	pmd = pmd_at(m, t, to, &tbl, &idx);
	assert_true(pmd_leaf(pmd));
	assert_int_equal(pte_pfn(pmd), head);
	assert_true(xmap_get(&t->mm->deposited, ((uint64_t)tbl << 9) | idx, &dep));
	assert_int_equal(dep, d);
	assert_int_equal(t->mm->deposited.nr, 1);
	assert_int_equal(t->mm->nr_pgtables, 3);
	assert_int_equal(node_stat(m, NR_PAGETABLE), pt0);
	assert_int_equal(node_stat(m, NR_ANON_THPS), 512);
	assert_int_equal(compound_mapcount(m, head), 1);
	assert_int_equal(rss(t, MM_ANONPAGES), 512);
	assert_int_equal(m->vm_events[THP_SPLIT_PMD], 0);
	t_check(m);

	assert_int_equal(mremap_(m, t, to, PMD_SIZE, PMD_SIZE, FIXED, r), r);
	assert_int_equal(m->vm_events[THP_SPLIT_PMD], 1);
	for (unsigned int i = 0; i < 512; i += 73)
		assert_int_equal(page_at(m, t, r + i * PG), head + i);
	assert_int_equal(page_at(m, t, r + 511 * PG), head + 511);
	assert_int_equal(node_stat(m, NR_ANON_THPS), 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 512);
	assert_int_equal(rss(t, MM_ANONPAGES), 512);
	assert_int_equal(t->mm->deposited.nr, 0);
	t_check(m);

	/* a read-only fault mapped the huge zero page: it moves as a PMD too */
	anon(m, t, Y, PMD_SIZE, RW);
	touch(m, t, Y, PG, false);
	assert_true(is_huge_zero_pmd(m, pmd_at(m, t, Y, NULL, NULL)));
	assert_int_equal(mremap_(m, t, Y, PMD_SIZE, PMD_SIZE, FIXED, Y + PMD_SIZE), Y + PMD_SIZE);
	assert_true(is_huge_zero_pmd(m, pmd_at(m, t, Y + PMD_SIZE, NULL, NULL)));
	assert_int_equal(t->mm->deposited.nr, 1);
	t_check(m);
	do_exit(m, t, 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 0);
	t_check(m);
}

/*
 *   before  [F .. F+4P)   MAP_SHARED of /mnt/f, 4 pages written (in its page cache)
 *           [P .. P+2P)   MAP_PRIVATE of /mnt/g: page 0 read (the file's page),
 *                         page 1 written (an anon copy)
 *   mremap both, MAYMOVE|FIXED, to Y and Y+1M
 *   after   the same pages at the new addresses, pgoff unchanged
 * File and shmem mappings move their PTEs too; the page cache and the
 * file's i_mmap follow (the new VMA replaces the old one there).
 */
static void test_move_file_and_shmem(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	long fd = do_sys_open(m, t, "/mnt/f", O_RDWR | O_CREAT), gd;
	struct inode *f, *g;
	unsigned long pfn[4], gp0, gp1;
	uint64_t tag[4];
	long fm;

	assert_true(fd >= 0);
	assert_int_equal(do_ftruncate(m, t, (int)fd, 4 * PG), 0);
	assert_int_equal(ksys_mmap_pgoff(m, t, X, 4 * PG, RW, MAP_SHARED | MAP_FIXED, (int)fd, 0),
			 X);
	touch(m, t, X, 4 * PG, true);
	snap(m, t, X, 4, pfn, tag);
	f = inode_lookup(m, "/mnt/f");
	fm = node_stat(m, NR_FILE_MAPPED);
	assert_int_equal(mremap_(m, t, X, 4 * PG, 4 * PG, FIXED, Y), Y);
	same_pages_at(m, t, Y, 4, pfn, tag, 1);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(page_cache_lookup(m, f, i), pfn[i]);
	assert_int_equal(f->nr_mmap, 1);
	assert_ptr_equal(f->i_mmap[0], vma_at(t, Y));
	assert_int_equal(vma_at(t, Y)->vm_pgoff, 0);
	assert_int_equal(node_stat(m, NR_FILE_MAPPED), fm);
	assert_int_equal(rss(t, MM_SHMEMPAGES), 4);
	t_check(m);

	gd = do_sys_open(m, t, "/mnt/g", O_RDWR | O_CREAT);
	assert_true(gd >= 0);
	assert_int_equal(do_ftruncate(m, t, (int)gd, 2 * PG), 0);
	assert_int_equal(ksys_mmap_pgoff(m, t, X, 2 * PG, RW, MAP_PRIVATE | MAP_FIXED, (int)gd, 0),
			 X);
	touch(m, t, X, PG, false);
	touch(m, t, X + PG, PG, true);
	g = inode_lookup(m, "/mnt/g");
	gp0 = page_at(m, t, X);
	gp1 = page_at(m, t, X + PG);
	assert_int_equal(gp0, page_cache_lookup(m, g, 0));
	assert_true(PageAnon(m, gp1));
	assert_int_equal(mremap_(m, t, X, 2 * PG, 2 * PG, FIXED, Y + (1UL << 20)), Y + (1UL << 20));
	assert_int_equal(page_at(m, t, Y + (1UL << 20)), gp0);
	assert_int_equal(page_at(m, t, Y + (1UL << 20) + PG), gp1);
	assert_int_equal(rss(t, MM_ANONPAGES), 1);
	t_check(m);
}

/*
 *   before  [A .. A+4P) tags a0..a3   [B .. B+4P) tags b0..b3    both written
 *   mremap(A, 4P, 4P, MAYMOVE|FIXED, B)
 *   after   [B .. B+4P) tags a0..a3; B's old pages unmapped and freed
 * MREMAP_FIXED unmaps whatever is at the target first.
 */
static void test_fixed_over_existing_mapping(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	const uint64_t a = X, b = X + 8 * PG;
	unsigned long pfn[4], bp[4];
	uint64_t tag[4], btag[4];

	anon(m, t, a, 4 * PG, RW);
	anon(m, t, b, 4 * PG, RW);
	touch(m, t, a, 4 * PG, true);
	touch(m, t, b, 4 * PG, true);
	snap(m, t, a, 4, pfn, tag);
	snap(m, t, b, 4, bp, btag);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 8);
	assert_int_equal(mremap_(m, t, a, 4 * PG, 4 * PG, FIXED, b), b);
	assert_string_equal(layout(t), "[0x10008000,0x1000c000)");
	same_pages_at(m, t, b, 4, pfn, tag, 1);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(page_mapcount(m, bp[i]), 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 4);
	assert_int_equal(rss(t, MM_ANONPAGES), 4);
	assert_int_equal(t->mm->total_vm, 4);
	t_check(m);
}

/*
 *   before  [X .. X+4P)            4 written pages
 *   mremap(X, 4P, 4P, MAYMOVE|DONTUNMAP) = N        N = mmap_base - 4P
 *   after   [X .. X+4P) ... [N .. N+4P)   X stays, empty and unfaulted; the pages at N
 * MREMAP_DONTUNMAP moves the pages but leaves the old VMA, which faults
 * afresh (its anon_vma unlinked, pgoff back to its address); a partial
 * one leaves the VMA whole with its anon_vma; a shared one refaults the
 * same page-cache pages.
 */
static void test_dontunmap(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	const uint64_t n = MMAP_BASE - 4 * PG;
	struct vm_area_struct *old;
	unsigned long pfn[4];
	uint64_t tag[4];
	long s;

	anon(m, t, X, 4 * PG, RW);
	touch(m, t, X, 4 * PG, true);
	snap(m, t, X, 4, pfn, tag);
	assert_int_equal(mremap_(m, t, X, 4 * PG, 4 * PG, DONTUNMAP, 0), n);
	assert_string_equal(layout(t), "[0x10000000,0x10004000) [0x7ffff7ffb000,0x7ffff7fff000)");
	old = vma_at(t, X);
	assert_null(old->anon_vma);
	assert_int_equal(old->nr_avc, 0);
	assert_int_equal(old->vm_pgoff, X >> PAGE_SHIFT);
	assert_true(old->vm_flags & VM_ACCOUNT);
	same_pages_at(m, t, n, 4, pfn, tag, 1);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(pte_at(m, t, X + i * PG), 0);
	assert_int_equal(t->mm->total_vm, 8);
	t_check(m);
	/* the old range faults as new memory: zeroes */
	touch(m, t, X, PG, true);
	assert_int_not_equal(page_at(m, t, X), pfn[0]);
	assert_non_null(old->anon_vma);
	assert_ptr_not_equal(old->anon_vma, vma_at(t, n)->anon_vma);
	t_check(m);

	/* part of a VMA: it is not split and keeps its anon_vma */
	anon(m, t, Y, 8 * PG, RW);
	touch(m, t, Y, 8 * PG, true);
	old = vma_at(t, Y);
	assert_true(mremap_(m, t, Y + 2 * PG, 2 * PG, 2 * PG, DONTUNMAP, 0) > 0);
	assert_ptr_equal(vma_at(t, Y + 2 * PG), old);
	assert_int_equal(old->vm_end, Y + 8 * PG);
	assert_non_null(old->anon_vma);
	assert_int_equal(pte_at(m, t, Y + 2 * PG), 0);
	t_check(m);

	/* shared memory: the old range refaults the same pages */
	s = ksys_mmap_pgoff(m, t, 0, 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(s > 0);
	touch(m, t, (uint64_t)s, 2 * PG, true);
	snap(m, t, (uint64_t)s, 2, pfn, tag);
	assert_true(mremap_(m, t, (uint64_t)s, 2 * PG, 2 * PG, DONTUNMAP, 0) > 0);
	assert_int_equal(pte_at(m, t, (uint64_t)s), 0);
	touch(m, t, (uint64_t)s, PG, false);
	assert_int_equal(page_at(m, t, (uint64_t)s), pfn[0]);
	assert_int_equal(page_mapcount(m, pfn[0]), 2);
	t_check(m);
}

/*
 *   before  [X .. X+P) never faulted (pgoff = X >> 12)
 *   mremap(X, P, 2P, MAYMOVE|FIXED, X-2P)
 *   after   [X-2P .. X)  the copy merged with its own source, which was then unmapped
 *   and with DONTUNMAP (keep_source):
 *   mremap(X-2P, 2P, 2P, MAYMOVE|DONTUNMAP|FIXED, X)  two VMAs side by side
 * An unfaulted anonymous VMA's copy takes the pgoff of its new address and
 * may merge with the source itself (copy_vma), except under
 * MREMAP_DONTUNMAP (6.1.192's keep_source).
 */
static void test_unfaulted_copy_merges_with_source(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");

	anon(m, t, X, PG, RW);
	assert_int_equal(mremap_(m, t, X, PG, 2 * PG, FIXED, X - 2 * PG), X - 2 * PG);
	assert_string_equal(layout(t), "[0xfffe000,0x10000000)");
	assert_int_equal(vma_at(t, X - 2 * PG)->vm_pgoff, (X - 2 * PG) >> PAGE_SHIFT);
	assert_int_equal(t->mm->total_vm, 2);
	assert_int_equal(mremap_(m, t, X - 2 * PG, 2 * PG, 2 * PG,
				 DONTUNMAP | MREMAP_FIXED, X), X);
	assert_string_equal(layout(t), "[0xfffe000,0x10000000) [0x10000000,0x10002000)");
	t_check(m);
}

/*
 *   before  [X .. X+4P)  pages 0-1 read (zero-page PTEs), 2-3 written
 *   mremap(X, 4P, 4P, MAYMOVE|FIXED, Y)
 *   after   [Y .. Y+4P)  two zero-page PTEs and the two pages
 * Zero-page PTEs move like any other (they may exist before the VMA has an
 * anon_vma).
 */
static void test_move_zero_page_ptes(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	unsigned long p2 = PFN_NONE;

	anon(m, t, X, 4 * PG, RW);
	touch(m, t, X, 2 * PG, false);
	assert_null(vma_at(t, X)->anon_vma);
	assert_int_equal(mremap_(m, t, X, 2 * PG, 2 * PG, FIXED, Y), Y);
	for (unsigned int i = 0; i < 2; i++)
		assert_int_equal(pte_pfn(pte_at(m, t, Y + i * PG)), proc_ctx(m)->zero_pfn);
	/* unfaulted: the copy's pgoff is its address */
	assert_int_equal(vma_at(t, Y)->vm_pgoff, Y >> PAGE_SHIFT);
	touch(m, t, X + 2 * PG, 2 * PG, true);
	p2 = page_at(m, t, X + 2 * PG);
	assert_int_equal(mremap_(m, t, X + 2 * PG, 2 * PG, 2 * PG, FIXED, Y + 4 * PG), Y + 4 * PG);
	assert_int_equal(page_at(m, t, Y + 4 * PG), p2);
	t_check(m);
}

/*
 *   before  [S .. S+4P)   MAP_SHARED|MAP_ANONYMOUS, page 0 written
 *   mremap(S, 0, 4P, MAYMOVE) = D
 *   after   [D .. D+4P) [S .. S+4P)   two mappings of the same shmem object
 * old_len 0 duplicates a shared mapping (and refuses a private one: EINVAL).
 */
static void test_duplicate_shared_mapping(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	long s = ksys_mmap_pgoff(m, t, 0, 4 * PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0), d;
	unsigned long p;

	assert_true(s > 0);
	touch(m, t, (uint64_t)s, PG, true);
	p = page_at(m, t, (uint64_t)s);
	d = mremap_(m, t, (uint64_t)s, 0, 4 * PG, MAYMOVE, 0);
	assert_true(d > 0 && d != s);
	assert_int_equal(t->mm->nr_vmas, 2);
	assert_ptr_equal(vma_at(t, (uint64_t)d)->vm_file, vma_at(t, (uint64_t)s)->vm_file);
	touch(m, t, (uint64_t)d, PG, false);
	assert_int_equal(page_at(m, t, (uint64_t)d), p);
	assert_int_equal(page_mapcount(m, p), 2);
	/* the old mapping is untouched; total_vm counts both */
	assert_int_equal(page_at(m, t, (uint64_t)s), p);
	assert_int_equal(t->mm->total_vm, 8);
	anon(m, t, X, 4 * PG, RW);
	assert_int_equal(mremap_(m, t, X, 0, 4 * PG, MAYMOVE, 0), -EINVAL);
	t_check(m);
}

/*
 *   parent  [X .. X+4P) written, then fork: every page mapped twice, not exclusive
 *   parent: mremap(X, 4P, 4P, MAYMOVE|FIXED, Y)
 *   after   parent [Y .. Y+4P), child [X .. X+4P): the same four pages
 * After fork the moved pages stay shared (mapcount 2, COW on either side);
 * a write by the parent copies, the child keeps the old contents, and a
 * write by the child then reuses the page it alone maps.
 */
static void test_move_after_fork(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *p = proc(m, "parent"), *c;
	unsigned long pfn[4];
	uint64_t tag[4];
	int err;

	anon(m, p, X, 4 * PG, RW);
	touch(m, p, X, 4 * PG, true);
	snap(m, p, X, 4, pfn, tag);
	c = do_fork(m, p, "child", &err);
	assert_non_null(c);
	assert_int_equal(mremap_(m, p, X, 4 * PG, 4 * PG, FIXED, Y), Y);
	same_pages_at(m, p, Y, 4, pfn, tag, 2);
	same_pages_at(m, c, X, 4, pfn, tag, 2);
	for (unsigned int i = 0; i < 4; i++) {
		assert_false(PageAnonExclusive(m, pfn[i]));
		assert_false(pte_write(pte_at(m, p, Y + i * PG)));
	}
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 4);
	t_check(m);
	/* COW on the parent's side */
	touch(m, p, Y, PG, true);
	assert_int_not_equal(page_at(m, p, Y), pfn[0]);
	assert_int_equal(page_at(m, c, X), pfn[0]);
	assert_int_equal(page_content(m, pfn[0]), tag[0]);
	assert_int_equal(page_mapcount(m, pfn[0]), 1);
	/* the child now alone maps it: its write reuses the page */
	touch(m, c, X, PG, true);
	assert_int_equal(page_at(m, c, X), pfn[0]);
	t_check(m);
	/* and the child moves its copy of the rest */
	assert_int_equal(mremap_(m, c, X + PG, 3 * PG, 3 * PG, FIXED, Y + 8 * PG), Y + 8 * PG);
	same_pages_at(m, c, Y + 8 * PG, 3, pfn + 1, tag + 1, 2);
	t_check(m);
	do_exit(m, c, 0);
	do_exit(m, p, 0);
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 0);
	t_check(m);
}

/*
 *   before  [V .. V+4P) written  (V = C-8P, C 2 MiB aligned: a PTE table for [C-2M, C))
 *           [X ...... X+8P) written
 *   all free memory taken, then mremap(X, 8P, 8P, MAYMOVE|FIXED, C-4P):
 *   4 PTEs fit in the existing table, the next 4 need a new one: none left
 *   after   [V .. V+4P) [X .. X+8P) as before; ENOMEM
 * When move_page_tables cannot finish, what moved goes back and the new
 * range is unmapped instead of the old one (move_vma's error path).
 */
static void test_move_fails_and_moves_back(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	const uint64_t c = Y + PMD_SIZE, v = c - 8 * PG;
	unsigned long pfn[8], *hoard;
	uint64_t tag[8];
	size_t n = 0, cap = 1 << 16;

	anon(m, t, v, 4 * PG, RW);
	touch(m, t, v, 4 * PG, true);
	anon(m, t, X, 8 * PG, RW);
	touch(m, t, X, 8 * PG, true);
	snap(m, t, X, 8, pfn, tag);
	hoard = test_malloc(cap * sizeof(*hoard));
	for (unsigned long p; n < cap && (p = __alloc_pages(m, GFP_KERNEL, 0, 0)) != PFN_NONE;)
		hoard[n++] = p;
	assert_true(n < cap);
	assert_int_equal(mremap_(m, t, X, 8 * PG, 8 * PG, FIXED, c - 4 * PG), -ENOMEM);
	assert_string_equal(layout(t), "[0x10000000,0x10008000) [0x201f8000,0x201fc000)");
	same_pages_at(m, t, X, 8, pfn, tag, 1);
	assert_int_equal(pte_at(m, t, c - 4 * PG), 0);
	assert_int_equal(t->mm->total_vm, 12);
	while (n)
		__free_pages(m, hoard[--n], 0);
	test_free(hoard);
	t_check(m);
}

/* ---- errors ------------------------------------------------------------- */

/*
 *   [X .. X+4P) RW, written     [X+8P .. X+12P) read-only
 * Every check of sys_mremap, mremap_to and vma_to_resize, in 6.1's order:
 * each call fails with its errno and leaves the layout and pages alone.
 */
static void test_errnos(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	static const struct {
		uint64_t addr, old_len, new_len;
		unsigned long flags;
		uint64_t new_addr;
		int err;
		const char *why;
	} cases[] = {
		{ X, 4 * PG, 4 * PG, 8, 0, EINVAL, "a flag mremap does not know" },
		{ X, 4 * PG, 4 * PG, MREMAP_FIXED, Y, EINVAL, "FIXED without MAYMOVE" },
		{ X, 4 * PG, 4 * PG, MREMAP_DONTUNMAP, 0, EINVAL, "DONTUNMAP without MAYMOVE" },
		{ X, 4 * PG, 8 * PG, DONTUNMAP, 0, EINVAL, "DONTUNMAP resizing" },
		{ X, 4 * PG, 4 * PG + 1, DONTUNMAP, 0, EINVAL, "DONTUNMAP: lengths compared unrounded" },
		{ X + 1, 4 * PG, 4 * PG, 0, 0, EINVAL, "addr not page aligned" },
		{ X, 4 * PG, 0, 0, 0, EINVAL, "new_len 0" },
		{ X, 4 * PG, ~0UL, MAYMOVE, 0, EINVAL, "new_len rounds up to 0" },
		{ X + 4 * PG, PG, 2 * PG, MAYMOVE, 0, EFAULT, "addr in no VMA" },
		{ X + 4 * PG, PG, PG, FIXED, Y, EFAULT, "addr in no VMA, FIXED" },
		{ X, 6 * PG, 8 * PG, MAYMOVE, 0, EFAULT, "the old range runs past the VMA" },
		{ X, 4 * PG, 4 * PG, FIXED, Y + 1, EINVAL, "new_addr not page aligned" },
		{ X, 4 * PG, 4 * PG, FIXED, TASK_SIZE - 2 * PG, EINVAL, "new range past TASK_SIZE" },
		{ X, 4 * PG, 4 * PG, FIXED, X + 2 * PG, EINVAL, "old and new ranges overlap" },
		{ X, 4 * PG, 4 * PG, FIXED, X - 3 * PG, EINVAL, "overlap from below" },
		{ X, 4 * PG, 12 * PG, 0, 0, ENOMEM, "cannot grow in place, may not move" },
		{ X, 0, 4 * PG, MAYMOVE, 0, EINVAL, "duplicating a private mapping" },
		/* vma_to_resize's pgoff wrap check cannot fire on 64-bit: no room is ENOMEM */
		{ X, 4 * PG, 0xfffffffffffff000UL, 0, 0, ENOMEM, "growth past the address space" },
		{ X, 4 * PG, 0xfffffffffffff000UL, MAYMOVE, 0, ENOMEM, "no room for it anywhere" },
		{ X, 4 * PG, 4 * PG, FIXED, PG, EPERM, "new_addr below mmap_min_addr" },
	};
	const char *before;
	char saved[1024];
	unsigned long pfn[4];
	uint64_t tag[4];

	anon(m, t, X, 4 * PG, RW);
	anon(m, t, X + 8 * PG, 4 * PG, PROT_READ);
	touch(m, t, X, 4 * PG, true);
	snap(m, t, X, 4, pfn, tag);
	before = layout(t);
	snprintf(saved, sizeof(saved), "%s", before);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		long r = mremap_(m, t, cases[i].addr, cases[i].old_len, cases[i].new_len,
				 cases[i].flags, cases[i].new_addr);

		if (r != -cases[i].err)
			fail_msg("%s: got %ld, want -%d", cases[i].why, r, cases[i].err);
		assert_string_equal(layout(t), saved);
		same_pages_at(m, t, X, 4, pfn, tag, 1);
	}
	assert_int_equal(t->mm->total_vm, 8);
	t_check(m);
}

/*
 *   [X .. X+4P) RW              [Y .. Y+4P) RW, written: the FIXED target
 *   mremap(X, 6P, 6P, MAYMOVE|FIXED, Y) = EFAULT
 *   after   [X .. X+4P)          the target is gone all the same
 *   mremap(X, 4P, 2P, MAYMOVE|FIXED, 4096) = EPERM
 *   after   [X .. X+2P)          the old tail is gone all the same
 * mremap_to unmaps the target and a shrink's tail before it looks at the
 * old VMA or the new address, so a call that then fails has already
 * unmapped them (6.1's order).
 */
static void test_fixed_unmaps_target_before_checking(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");

	anon(m, t, X, 4 * PG, RW);
	anon(m, t, Y, 4 * PG, RW);
	touch(m, t, Y, 4 * PG, true);
	assert_int_equal(mremap_(m, t, X, 6 * PG, 6 * PG, FIXED, Y), -EFAULT);
	assert_string_equal(layout(t), "[0x10000000,0x10004000)");
	assert_int_equal(node_stat(m, NR_ANON_MAPPED), 0);
	/* a shrinking FIXED call cuts the old tail off before it fails later (EPERM) */
	anon(m, t, Y, 4 * PG, RW);
	assert_int_equal(mremap_(m, t, X, 4 * PG, 2 * PG, FIXED, PG), -EPERM);
	assert_string_equal(layout(t), "[0x10000000,0x10002000) [0x20000000,0x20004000)");
	t_check(m);
}

/*
 * VM_DONTEXPAND (set by hand: no driver in the model sets it): growing is
 * EFAULT, MREMAP_DONTUNMAP is EINVAL, shrinking and moving at the same
 * size still work.  And the map count: mremap_to wants room for 4 more
 * VMAs after its own two possible splits, move_vma for 3.
 */
static void test_dontexpand_and_map_count(void **state)
{
	struct machine *m = mr_machine(state);
	struct task *t = proc(m, "t");
	int real;

	anon(m, t, X, 4 * PG, RW);
	vma_at(t, X)->vm_flags |= VM_DONTEXPAND;
	assert_int_equal(mremap_(m, t, X, 2 * PG, 4 * PG, MAYMOVE, 0), -EFAULT);
	assert_int_equal(mremap_(m, t, X, 4 * PG, 4 * PG, DONTUNMAP, 0), -EINVAL);
	assert_int_equal(mremap_(m, t, X, 4 * PG, 4 * PG, FIXED, Y), Y);
	assert_int_equal(mremap_(m, t, Y, 4 * PG, 2 * PG, 0, 0), Y);
	vma_at(t, Y)->vm_flags &= ~VM_DONTEXPAND;

	real = t->mm->map_count;
	t->mm->map_count = SYSCTL_MAX_MAP_COUNT - 5;
	assert_int_equal(mremap_(m, t, Y, 2 * PG, 2 * PG, FIXED, X), -ENOMEM);
	t->mm->map_count = SYSCTL_MAX_MAP_COUNT - 3;
	assert_int_equal(mremap_(m, t, Y, 2 * PG, 4 * PG, MAYMOVE, 0), Y);	/* in place */
	anon(m, t, Y + 4 * PG, PG, PROT_READ);
	t->mm->map_count = SYSCTL_MAX_MAP_COUNT - 3;
	assert_int_equal(mremap_(m, t, Y, 4 * PG, 8 * PG, MAYMOVE, 0), -ENOMEM);
	t->mm->map_count = real + 1;
	assert_int_equal(t->mm->map_count, (int)t->mm->nr_vmas);
	t_check(m);
}

/* ---- the hugetlb branch ---------------------------------------------------- */

/* A machine for the hugetlb tests: a pool of 8 2 MiB pages */
static struct machine *htlb_machine(void **state, const char *policy)
{
	struct machine *m = mr_machine_opts(state, THP_NEVER, policy);

	hugetlb_set_max_huge_pages(m, hugetlb_default_hstate(m), 8, NUMA_NO_NODE);
	return m;
}

/* A MAP_HUGETLB mapping of 2 MiB pages at addr (MAP_FIXED) */
static void huge(struct machine *m, struct task *t, uint64_t addr, uint64_t len, long flags)
{
	assert_int_equal(ksys_mmap_pgoff(m, t, addr, len, RW,
					 flags | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED, -1, 0),
			 (long)addr);
}

/* free and resv of the 2 MiB pool */
#define assert_pool(m, free, resv)							\
	do {										\
		struct hstate *h_ = hugetlb_default_hstate(m);				\
											\
		if (h_->free_huge_pages != (free) || h_->resv_huge_pages != (resv))	\
			fail_msg("HugePages_Free/Rsvd %lu/%lu, want %lu/%lu",		\
				 h_->free_huge_pages, h_->resv_huge_pages,		\
				 (unsigned long)(free), (unsigned long)(resv));		\
	} while (0)

/* The page the huge PMD for addr maps, or PFN_NONE */
static unsigned long huge_page_at(struct machine *m, struct task *t, uint64_t addr)
{
	pteval_t e = pmd_at(m, t, addr, NULL, NULL);

	return pte_present(e) && (e & _PAGE_PSE) ? pte_pfn(e) : PFN_NONE;
}

/*
 *   [X ...... X+4M)   MAP_PRIVATE|MAP_HUGETLB, 2 pages reserved
 * move (6.1): lengths round up to 2 MiB; an unaligned address or
 * new_addr (even as a mere hint) and growth are EINVAL; the same size is
 * a no-op; a shrink unmaps whole huge pages and gives their
 * reservations back (hugetlb_vm_op_close of the tail).
 */
static void test_hugetlb_branch_move(void **state)
{
	struct machine *m = htlb_machine(state, "move");
	struct task *t = proc(m, "t");

	huge(m, t, X, 2 * PMD_SIZE, MAP_PRIVATE);
	assert_pool(m, 8, 2);
	assert_int_equal(mremap_(m, t, X + PG, PG, PG, 0, 0), -EINVAL);
	assert_int_equal(mremap_(m, t, X, PMD_SIZE, PMD_SIZE, FIXED, Y + PG), -EINVAL);
	assert_int_equal(mremap_(m, t, X, PMD_SIZE, PMD_SIZE, MAYMOVE, PG), -EINVAL);
	assert_int_equal(mremap_(m, t, X, PMD_SIZE, 2 * PMD_SIZE, MAYMOVE, 0), -EINVAL);
	/* MREMAP_DONTUNMAP: hugetlb VMAs are VM_DONTEXPAND */
	assert_int_equal(mremap_(m, t, X, 2 * PMD_SIZE, 2 * PMD_SIZE, DONTUNMAP, 0), -EINVAL);
	/* 4 KiB rounds up to one huge page: the same size, no growth */
	assert_int_equal(mremap_(m, t, X, PG, PMD_SIZE, 0, 0), X);
	assert_pool(m, 8, 2);
	/* a shrink of 4M - 4K to 4K: 4M to 2M */
	assert_int_equal(mremap_(m, t, X, 2 * PMD_SIZE - PG, PG, 0, 0), X);
	assert_string_equal(layout(t), "[0x10000000,0x10200000)");
	assert_pool(m, 8, 1);
	t_check(m);
}

/*
 *   [X ...... X+4M)   MAP_PRIVATE|MAP_HUGETLB, 2 pages reserved
 * reject (before 5.17): growing and moving are EINVAL (vma_to_resize);
 * a shrink is a plain munmap, which must still split at a huge page
 * boundary (hugetlb_vm_op_split: EINVAL for 4 KiB).
 */
static void test_hugetlb_branch_reject(void **state)
{
	struct machine *m = htlb_machine(state, "reject");
	struct task *t = proc(m, "t");

	huge(m, t, X, 2 * PMD_SIZE, MAP_PRIVATE);
	assert_int_equal(mremap_(m, t, X, PMD_SIZE, PMD_SIZE, FIXED, Y), -EINVAL);
	assert_int_equal(mremap_(m, t, X, PMD_SIZE, PMD_SIZE, DONTUNMAP, 0), -EINVAL);
	assert_int_equal(mremap_(m, t, X, 2 * PMD_SIZE, 4 * PMD_SIZE, MAYMOVE, 0), -EINVAL);
	assert_int_equal(mremap_(m, t, X, 2 * PMD_SIZE, 2 * PMD_SIZE - PG, 0, 0), -EINVAL);
	assert_string_equal(layout(t), "[0x10000000,0x10400000)");
	assert_int_equal(mremap_(m, t, X, 2 * PMD_SIZE, PMD_SIZE, 0, 0), X);
	assert_string_equal(layout(t), "[0x10000000,0x10200000)");
	assert_pool(m, 8, 1);
	/* EFAULT still comes first for an address in no VMA */
	assert_int_equal(mremap_(m, t, Y, PG, PG, FIXED, X + 8 * PMD_SIZE), -EFAULT);
	t_check(m);
}

/*
 *   before  [X .. X+4M) private hugetlb: P0 written at X (its reservation
 *           consumed), X+2M untouched (1 reservation left)
 *   mremap(X, 4M, 4M, MAYMOVE|FIXED, Y)
 *   after   [Y .. Y+4M): P0 at Y, same content, nothing at Y+2M; the new
 *           VMA owns the reserve map (copy_vma took a reference, the old
 *           VMA's was dropped by clear_vma_resv_huge_pages before its unmap)
 * move and move-v1 (which also clears) keep every count: HugePages_Free 7,
 * Rsvd 1 before and after; the write at Y+2M consumes the last
 * reservation, and the munmap gives all back: Free 8, Rsvd 0.
 */
static void hugetlb_move_private(void **state, const char *policy)
{
	struct machine *m = htlb_machine(state, policy);
	struct task *t = proc(m, "t");
	unsigned long p0;
	uint64_t tag;

	huge(m, t, X, 2 * PMD_SIZE, MAP_PRIVATE);
	touch(m, t, X, PG, true);
	p0 = huge_page_at(m, t, X);
	tag = page_content(m, p0);
	assert_pool(m, 7, 1);
	assert_int_equal(mremap_(m, t, X, 2 * PMD_SIZE, 2 * PMD_SIZE, FIXED, Y), Y);
	assert_string_equal(layout(t), "[0x20000000,0x20400000)");
	assert_int_equal(huge_page_at(m, t, Y), p0);
	assert_int_equal(page_content(m, p0), tag);
	assert_int_equal(huge_page_at(m, t, Y + PMD_SIZE), PFN_NONE);
	assert_true(is_vma_resv_set(vma_at(t, Y), HPAGE_RESV_OWNER));
	assert_int_equal(vma_resv_map(vma_at(t, Y))->refs, 1);
	assert_int_equal(t->mm->hugetlb_usage, 512);
	assert_pool(m, 7, 1);
	t_check(m);
	touch(m, t, Y + PMD_SIZE, PG, true);
	assert_pool(m, 6, 0);
	assert_int_equal(vm_munmap(m, t, Y, 2 * PMD_SIZE), 0);
	assert_pool(m, 8, 0);
	t_check(m);
}

static void test_hugetlb_move_private(void **state)
{
	hugetlb_move_private(state, "move");
}

static void test_hugetlb_move_private_v1(void **state)
{
	hugetlb_move_private(state, "move-v1");
}

/*
 * move-noclear (v1 without clear_vma_resv_huge_pages), the seed's
 * experiment: [X .. X+2M) private hugetlb, reserved (Rsvd 1), not touched.
 *   mremap(X, 2M, 2M, FIXED, Y): copy_vma's hugetlb_vm_op_open takes a
 *   second reference to the reserve map; the unmap of the old VMA
 *   (hugetlb_vm_op_close, still an owner) gives the reservation back:
 *   Rsvd 0 while the new VMA still counts on it.
 *   munmap(Y, 2M): the new VMA's close gives it back again: resv_huge_pages
 *   would go below zero, the report names hugetlb_acct_memory's path.
 * With a write at Y before the munmap, the fault believes the reservation
 * is there and takes it: the same report, from dequeue_huge_page_vma.
 */
static void test_hugetlb_move_noclear_underflows(void **state)
{
	struct machine *m = htlb_machine(state, "move-noclear");
	struct task *t = proc(m, "t");

	huge(m, t, X, PMD_SIZE, MAP_PRIVATE);
	assert_pool(m, 8, 1);
	assert_int_equal(mremap_(m, t, X, PMD_SIZE, PMD_SIZE, FIXED, Y), Y);
	assert_pool(m, 8, 0);
	assert_int_equal(vma_resv_map(vma_at(t, Y))->refs, 1);
	assert_false(m->fail.failed);
	assert_int_equal(vm_munmap(m, t, Y, PMD_SIZE), 0);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "resv_huge_pages of hugepages-2048kB would go below "
				"zero (0 - 1) in return_unused_surplus_pages"));
	assert_int_equal(hugetlb_stats(m)->underflows, 1);
}

static void test_hugetlb_move_noclear_touched(void **state)
{
	struct machine *m = htlb_machine(state, "move-noclear");
	struct task *t = proc(m, "t");

	huge(m, t, X, PMD_SIZE, MAP_PRIVATE);
	assert_int_equal(mremap_(m, t, X, PMD_SIZE, PMD_SIZE, FIXED, Y), Y);
	assert_int_equal(user_access(m, t->mm, Y, true), UA_OK);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "in dequeue_huge_page_vma"));
}

/*
 * A shared hugetlb mapping whose PMD table a child shares after fork:
 *   parent [G1 .. 2G) MAP_SHARED|MAP_ANONYMOUS|MAP_HUGETLB|MAP_NORESERVE,
 *   P0, P1 written; fork, and the child's first read (fork copies nothing
 *   of a shared hugetlb VMA) takes the parent's table: both PUD entries
 *   point at T
 *   mremap(G1, 1G, 1G, FIXED, 3G + 2M) in the parent
 * move (6.1): the first entry finds T shared: huge_pmd_unshare takes the
 * parent out of T and the rest of the PUD is skipped; nothing moves (the
 * new range refaults P0, P1 from the file); the child keeps T with both.
 * move-v1: BUG_ON(vma_shareable) on the first entry: a simulated kernel BUG.
 */
static void hugetlb_move_shared(void **state, const char *policy)
{
	struct machine *m = htlb_machine(state, policy);
	struct task *p = proc(m, "p"), *c;
	uint64_t dst = 3 * G1 + PMD_SIZE;
	unsigned long t, p0, p1;
	int err;

	huge(m, p, G1, G1, MAP_SHARED | MAP_NORESERVE);
	touch(m, p, G1, PG, true);
	touch(m, p, G1 + PMD_SIZE, PG, true);
	p0 = huge_page_at(m, p, G1);
	p1 = huge_page_at(m, p, G1 + PMD_SIZE);
	c = do_fork(m, p, "c", &err);
	assert_non_null(c);
	touch(m, c, G1, PG, false);	/* fork copied nothing: the child's fault shares T */
	pmd_at(m, c, G1, &t, NULL);
	assert_int_equal(pt_share_count(m, t), 1);
	if (!strcmp(policy, "move-v1")) {
		mremap_(m, p, G1, G1, G1, FIXED, dst);
		assert_true(m->fail.failed);
		assert_non_null(strstr(m->fail.msg, "BUG_ON(vma_shareable(vma, 0x40000000))"));
		assert_non_null(strstr(m->fail.msg, "is shared"));
		return;
	}
	assert_int_equal(mremap_(m, p, G1, G1, G1, FIXED, dst), dst);
	assert_int_equal(pt_share_count(m, t), 0);
	assert_int_equal(pud_at(m, p, G1), 0);
	assert_int_equal(huge_page_at(m, p, dst), PFN_NONE);
	assert_int_equal(huge_page_at(m, c, G1), p0);
	assert_int_equal(huge_page_at(m, c, G1 + PMD_SIZE), p1);
	assert_int_equal(hugetlb_stats(m)->pmd_unshares, 1);
	t_check(m);
	touch(m, p, dst + PMD_SIZE, PG, false);
	assert_int_equal(huge_page_at(m, p, dst + PMD_SIZE), p1);
	t_check(m);
}

static void test_hugetlb_move_shared(void **state)
{
	hugetlb_move_shared(state, "move");
}

static void test_hugetlb_move_shared_v1(void **state)
{
	hugetlb_move_shared(state, "move-v1");
}

/*
 * move (6.1) into a range that may share: a shared 1 GiB mapping at G1,
 * P0 written, nobody else maps the file; mremap(G1, 1G, 1G, FIXED, 2G).
 * move_hugetlb_page_tables holds i_mmap_rwsem for write and allocates the
 * destination entry with huge_pte_alloc(new_vma): the new VMA covers its
 * whole PUD and has a VMA lock (hugetlb_vm_op_open gave it one), the PUD
 * entry is empty, so huge_pmd_share takes i_mmap_rwsem for read: the task
 * waits for itself, reported as blocked forever.
 */
static void test_hugetlb_move_into_shareable_pud(void **state)
{
	struct machine *m = htlb_machine(state, "move");
	struct task *p = proc(m, "p");

	huge(m, p, G1, G1, MAP_SHARED | MAP_NORESERVE);
	touch(m, p, G1, PG, true);
	mremap_(m, p, G1, G1, G1, FIXED, 2 * G1);
	assert_true(m->fail.failed);
	assert_non_null(strstr(m->fail.msg, "task blocked forever: huge_pmd_share at 0x80000000"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_shrink, destroy_machine),
		cmocka_unit_test_teardown(test_grow_in_place, destroy_machine),
		cmocka_unit_test_teardown(test_grow_in_place_merges_next, destroy_machine),
		cmocka_unit_test_teardown(test_grow_blocked_moves, destroy_machine),
		cmocka_unit_test_teardown(test_move_ptes_anon, destroy_machine),
		cmocka_unit_test_teardown(test_move_whole_pte_table, destroy_machine),
		cmocka_unit_test_teardown(test_move_whole_pmd_table, destroy_machine),
		cmocka_unit_test_teardown(test_move_thp_pmd, destroy_machine),
		cmocka_unit_test_teardown(test_move_file_and_shmem, destroy_machine),
		cmocka_unit_test_teardown(test_fixed_over_existing_mapping, destroy_machine),
		cmocka_unit_test_teardown(test_dontunmap, destroy_machine),
		cmocka_unit_test_teardown(test_unfaulted_copy_merges_with_source, destroy_machine),
		cmocka_unit_test_teardown(test_move_zero_page_ptes, destroy_machine),
		cmocka_unit_test_teardown(test_duplicate_shared_mapping, destroy_machine),
		cmocka_unit_test_teardown(test_move_after_fork, destroy_machine),
		cmocka_unit_test_teardown(test_move_fails_and_moves_back, destroy_machine),
		cmocka_unit_test_teardown(test_errnos, destroy_machine),
		cmocka_unit_test_teardown(test_fixed_unmaps_target_before_checking, destroy_machine),
		cmocka_unit_test_teardown(test_dontexpand_and_map_count, destroy_machine),
		cmocka_unit_test_teardown(test_hugetlb_branch_move, destroy_machine),
		cmocka_unit_test_teardown(test_hugetlb_branch_reject, destroy_machine),
		cmocka_unit_test_teardown(test_hugetlb_move_private, destroy_machine),
		cmocka_unit_test_teardown(test_hugetlb_move_private_v1, destroy_machine),
		cmocka_unit_test_teardown(test_hugetlb_move_noclear_underflows, destroy_machine),
		cmocka_unit_test_teardown(test_hugetlb_move_noclear_touched, destroy_machine),
		cmocka_unit_test_teardown(test_hugetlb_move_shared, destroy_machine),
		cmocka_unit_test_teardown(test_hugetlb_move_shared_v1, destroy_machine),
		cmocka_unit_test_teardown(test_hugetlb_move_into_shareable_pud, destroy_machine),
	};

	return cmocka_run_group_tests_name("mremap", tests, NULL, NULL);
}
