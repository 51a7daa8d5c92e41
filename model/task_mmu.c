// SPDX-License-Identifier: GPL-2.0-only
/*
 * task_mmu.c - the kernel's views of a simulated process, byte for byte
 * as Linux 6.1 prints them with Debian's amd64 config
 * (fs/proc/task_mmu.c, fs/proc/array.c):
 *
 *   /proc/<pid>/maps          one line per VMA, in address order
 *   /proc/<pid>/smaps         the maps line and a page-table walk per VMA
 *   /proc/<pid>/smaps_rollup  the walk summed over every VMA
 *   /proc/<pid>/status        the task's state, ids and memory lines
 *   /proc/<pid>/statm         the memory counters in pages
 *
 * <pid> is the process's id or its name as the scenario spells it
 * (/proc/100/smaps, /proc/parent/smaps).  A process that exited, or
 * never existed, has no files.
 *
 * maps.  A file mapping shows the file's path, its device (major 0,
 * minor from filemap.h for tmpfs: the internal shm_mnt is 00:01, the
 * scenario's mounts 00:30 up; hugetlbfs.c for hugetlbfs) and i_ino; an
 * unlinked file is "PATH (deleted)", shared anonymous memory is its
 * shm_mnt file "/dev/zero (deleted)" and MAP_HUGETLB memory its file on
 * the internal hugetlbfs mount, "/anon_hugepage (deleted)".  No
 * [heap], [stack], [vdso] or [vvar] line: nothing execs, so no VMA has
 * them (and Debian's LEGACY_VSYSCALL_NONE leaves no [vsyscall]).
 *
 * smaps.  The counts come from walking the mm's page tables as
 * smaps_pte_range does: a present PTE counts its page unless it is the
 * zero page (vm_normal_page), young and dirty are the PTE's bits, Pss is
 * kept in PSS_SHIFT fixed point and divided by page_mapcount, a page
 * whose refcount is 1 is private without looking at its mapcount.  A
 * huge PMD (none exist until THPs are modelled) counts 2 MiB into
 * AnonHugePages, ShmemPmdMapped or FilePmdMapped by its folio's kind and
 * is accounted as one compound page, per-subpage mapcounts as 6.1 reads
 * them (DoubleMap included).  A hugetlb VMA is walked a huge entry at
 * a time (smaps_hugetlb_range): a page mapped more than once, or through
 * a shared PMD table, counts in Shared_Hugetlb, else in Private_Hugetlb,
 * and nothing else (Rss and the
 * rest stay 0); KernelPageSize and MMUPageSize are its page size.  Not
 * modelled, so always 0: Swap, SwapPss, LazyFree (no MADV_FREE).
 * ProtectionKey is not printed: the simulated CPU has no OSPKE.
 *
 * THPeligible is 6.1's hugepage_vma_check for smaps (huge_memory.c),
 * from the THP sysfs files.
 *
 * status.  Name is task->comm, Pid/Tgid the pid, PPid task->ppid.  The
 * memory lines come from the mm: VmPeak and VmHWM are the larger of the
 * current value and the high-water mark, VmRSS and the Rss* lines the rss
 * counters, VmData/VmStk/VmExe/VmLib from vm_stat_account's counters
 * (no exec, so no code range: every executable mapping is VmLib), VmPTE
 * pgtables_bytes.  The rss counters are exact: 6.1's per-thread cache
 * (flushed every 64 faults) that makes VmRSS lag is not modelled.  The
 * other lines are those of a root process that an interactive root
 * shell started, with fixed values:
 *   Umask 0022; State S (sleeping); Ngid 0; TracerPid 0; Uid and Gid 0
 *   (all four); FDSize 64; Groups 0; NStgid/NSpid the pid, NSpgid/NSsid
 *   the pid of the oldest simulated ancestor (a process the scenario
 *   started leads its own group and session, a forked child inherits
 *   them); CoreDumping 0; THP_enabled 1 unless MMF_DISABLE_THP; Threads
 *   1; SigQ 0/RLIMIT_SIGPENDING (fork_init's totalram_pages / 64, read
 *   now); no signal pending, blocked, ignored or caught; CapInh 0,
 *   CapPrm/CapEff/CapBnd the full 6.1 set (CAP_LAST_CAP 40), CapAmb 0;
 *   NoNewPrivs, Seccomp and Seccomp_filters 0; Speculation_Store_Bypass
 *   "thread vulnerable", SpeculationIndirectBranch "conditional
 *   enabled"; Cpus_allowed every CPU of the machine (nr_cpu_ids bits),
 *   Mems_allowed every node with memory (MAX_NUMNODES = 1024 bits, as
 *   Debian's NODES_SHIFT 10); 1 voluntary and 0 nonvoluntary context
 *   switches.
 */
#include <stdio.h>
#include <string.h>

#include "module.h"
#include "filemap.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "machine.h"
#include "memory.h"
#include "mmzone.h"
#include "page.h"
#include "pagewalk.h"
#include "rmap.h"
#include "sbuf.h"
#include "task.h"
#include "vout.h"

#define PSS_SHIFT		12
#define KERNEL_MAX_NUMNODES	1024		/* Debian's NODES_SHIFT = 10 */
#define CAP_FULL_SET		0x000001ffffffffffULL	/* CAP_LAST_CAP = 40 */

/* The live process a path names, or NULL; never creates the process table */
static struct task *proc_task(struct machine *m, const struct mm_file_args *a)
{
	struct task *t;

	if (!m->procs)
		return NULL;
	if (a->proc_name)
		t = find_task_by_name(m, a->proc_name, a->proc_name_len);
	else
		t = find_task_by_pid(m, a->pid);
	return t && !t->exited && t->mm ? t : NULL;
}

/* get_mm_counter: a counter that went negative reads 0 */
static unsigned long get_mm_counter(const struct mm_struct *mm, enum mm_counter c)
{
	return mm->rss_stat[c] > 0 ? (unsigned long)mm->rss_stat[c] : 0;
}

/* -------------------------------------------------------------------------
 * maps
 */

/* seq_setwidth(m, 25 + sizeof(void *) * 6 - 1): where a name starts, less one */
#define MAPS_PAD	(25 + 8 * 6 - 1)

/*
 * show_vma_header_prefix: start-end flags offset major:minor inode and
 * a space.  Hex numbers have at least 8 (offset) or 2 (device) digits.
 */
static size_t vma_header_prefix(char *buf, size_t len, unsigned long start, unsigned long end,
				unsigned long flags, unsigned long long pgoff, unsigned int major,
				unsigned int minor, unsigned long ino)
{
	int n = snprintf(buf, len, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", start, end,
			 flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
			 flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
			 pgoff, major, minor, ino);

	return n < 0 ? 0 : (size_t)n;
}

/* seq_pad(m, ' '): spaces up to the name column, then one more */
static void maps_pad(struct sbuf *sb, size_t prefix_len)
{
	sb_printf(sb, "%*s ", prefix_len < MAPS_PAD ? (int)(MAPS_PAD - prefix_len) : 0, "");
}

/* seq_file_path(m, file, "\n"): d_path, with '\n' written as \012 (mangle_path) */
static void file_path(struct sbuf *sb, const struct inode *inode)
{
	for (const char *p = inode->path; *p; p++) {
		if (*p == '\n')
			sb_puts(sb, "\\012");
		else
			sb_printf(sb, "%c", *p);
	}
	if (inode->unlinked)		/* d_path of an unhashed dentry */
		sb_puts(sb, " (deleted)");
}

/* MINOR(inode->i_sb->s_dev) of a file (the major is 0) */
static unsigned int file_dev_minor(const struct inode *file)
{
	return is_file_hugepages(file) ? file->hugetlbfs->dev_minor : shmem_dev_minor(file);
}

/* show_map_vma */
static void show_map_vma(struct sbuf *sb, const struct vm_area_struct *vma)
{
	const struct inode *file = vma->vm_file;
	char buf[128];
	size_t n;

	if (file)
		n = vma_header_prefix(buf, sizeof(buf), vma->vm_start, vma->vm_end, vma->vm_flags,
				      (unsigned long long)vma->vm_pgoff << PAGE_SHIFT, 0,
				      file_dev_minor(file), file->i_ino);
	else
		n = vma_header_prefix(buf, sizeof(buf), vma->vm_start, vma->vm_end, vma->vm_flags,
				      0, 0, 0, 0);
	sb_puts(sb, buf);
	if (file) {
		maps_pad(sb, n);
		file_path(sb, file);
	}
	/*
	 * An anonymous VMA would be [heap] or [stack] by the mm's brk and
	 * start_stack, which nothing sets (no exec); CONFIG_ANON_VMA_NAME
	 * is off, so it has no name at all (and no padding).
	 */
	sb_puts(sb, "\n");
}

static bool proc_pid_maps_show(struct machine *m, const struct mm_file_args *a,
			       struct sbuf *sb)
{
	struct task *t = proc_task(m, a);
	struct mm_struct *mm;

	if (!t)
		return false;
	mm = t->mm;
	down_read(m, &mm->mmap_lock);
	for (unsigned int i = 0; i < mm->nr_vmas; i++)
		show_map_vma(sb, mm->vmas[i]);
	up_read(m, &mm->mmap_lock);
	return true;
}

/* -------------------------------------------------------------------------
 * smaps: the page-table walk
 */
struct mem_size_stats {
	unsigned long resident;
	unsigned long shared_clean;
	unsigned long shared_dirty;
	unsigned long private_clean;
	unsigned long private_dirty;
	unsigned long referenced;
	unsigned long anonymous;
	unsigned long lazyfree;
	unsigned long anonymous_thp;
	unsigned long shmem_thp;
	unsigned long file_thp;
	unsigned long swap;
	unsigned long shared_hugetlb;
	unsigned long private_hugetlb;
	uint64_t pss;
	uint64_t pss_anon;
	uint64_t pss_file;
	uint64_t pss_shmem;
	uint64_t pss_dirty;
	uint64_t pss_locked;
	uint64_t swap_pss;
};

/* The flags smaps reads of a page: the folio's (PF_HEAD / PF_ANY) */
struct folio_kind {
	bool anon, swapbacked, dirty, referenced;
};

static struct folio_kind folio_kind(struct machine *m, unsigned long head)
{
	return (struct folio_kind){
		.anon = PageAnon(m, head),
		.swapbacked = PageSwapBacked(m, head),
		.dirty = PageDirty(m, head),
		.referenced = PageReferenced(m, head),
	};
}

/* smaps_page_accumulate */
static void smaps_page_accumulate(struct mem_size_stats *mss, const struct folio_kind *k,
				  unsigned long size, uint64_t pss, bool dirty, bool locked,
				  bool private)
{
	mss->pss += pss;
	if (k->anon)
		mss->pss_anon += pss;
	else if (k->swapbacked)
		mss->pss_shmem += pss;
	else
		mss->pss_file += pss;
	if (locked)
		mss->pss_locked += pss;
	if (dirty || k->dirty) {
		mss->pss_dirty += pss;
		if (private)
			mss->private_dirty += size;
		else
			mss->shared_dirty += size;
	} else {
		if (private)
			mss->private_clean += size;
		else
			mss->shared_clean += size;
	}
}

/* smaps_account: page is the head when compound (a PMD mapping) */
static void smaps_account(struct machine *m, struct mem_size_stats *mss, unsigned long pfn,
			  bool compound, bool young, bool dirty, bool locked, bool migration)
{
	unsigned long head = compound ? pfn : compound_head(m, pfn);
	unsigned long nr = compound ? 1UL << compound_order(m, pfn) : 1;
	unsigned long size = nr * PAGE_SIZE;
	struct folio_kind k = folio_kind(m, head);

	if (k.anon) {
		mss->anonymous += size;
		if (!k.swapbacked && !dirty && !k.dirty)	/* MADV_FREE'd and clean */
			mss->lazyfree += size;
	}
	mss->resident += size;
	/* page_is_young: no idle page tracking in Debian's config */
	if (young || k.referenced)
		mss->referenced += size;
	/* page_count: the folio's refcount.  One reference means one mapping */
	if (page_ref_count(m, head) == 1 || migration) {
		smaps_page_accumulate(mss, &k, size, (uint64_t)size << PSS_SHIFT, dirty, locked,
				      true);
		return;
	}
	for (unsigned long i = 0; i < nr; i++) {
		int mapcount = page_mapcount(m, pfn + i);
		uint64_t pss = (uint64_t)PAGE_SIZE << PSS_SHIFT;

		if (mapcount >= 2)
			pss /= (uint64_t)mapcount;
		smaps_page_accumulate(mss, &k, PAGE_SIZE, pss, dirty, locked, mapcount < 2);
	}
}

/* smaps_pte_entry.  No swap in the model: a PTE maps a page or nothing */
static void smaps_pte_entry(struct machine *m, struct mem_size_stats *mss, pteval_t pte,
			    bool locked)
{
	unsigned long pfn;

	if (!upte_present(pte))
		return;
	pfn = vm_normal_pfn(pte);	/* the zero page counts nothing */
	if (pfn == PFN_NONE)
		return;
	smaps_account(m, mss, pfn, false, pte & _PAGE_ACCESSED, pte & _PAGE_DIRTY, locked, false);
}

/* smaps_pmd_entry: a huge PMD */
static void smaps_pmd_entry(struct machine *m, struct mem_size_stats *mss, pteval_t pmd,
			    bool locked)
{
	unsigned long head = pte_pfn(pmd);
	struct folio_kind k;

	if (is_huge_zero_pmd(m, pmd))	/* follow_trans_huge_pmd(FOLL_DUMP) refuses it */
		return;
	k = folio_kind(m, head);
	if (k.anon)
		mss->anonymous_thp += HPAGE_PMD_SIZE;
	else if (k.swapbacked)
		mss->shmem_thp += HPAGE_PMD_SIZE;
	else
		mss->file_thp += HPAGE_PMD_SIZE;
	smaps_account(m, mss, head, true, pmd & _PAGE_ACCESSED, pmd & _PAGE_DIRTY, locked, false);
}

/* pmd_trans_huge on a present (or PROT_NONE) PMD */
static bool pmd_huge_entry(pteval_t pmd)
{
	return (pmd & _PAGE_PSE) && (pmd & (_PAGE_PRESENT | _PAGE_PROTNONE));
}

/*
 * smaps_pte_range, the walk's pmd_entry: a huge PMD counts as one
 * (under pmd_trans_huge_lock), else every PTE of its table (under the
 * table's lock)
 */
static int smaps_pte_range(struct machine *m, const struct pt_slot *pmd, uint64_t addr,
			   uint64_t end, struct mm_walk *walk)
{
	struct mem_size_stats *mss = walk->private;
	bool locked = walk->vma->vm_flags & VM_LOCKED;
	pteval_t e = pt_slot_read(m, pmd);
	unsigned long pte_table;
	spinlock_t *ptl;

	if (pmd_huge_entry(e)) {
		ptl = table_lock(m, walk->mm, pmd->table);
		spin_lock(m, ptl);
		e = pt_slot_read(m, pmd);
		if (pmd_huge_entry(e))
			smaps_pmd_entry(m, mss, e, locked);
		spin_unlock(m, ptl);
		if (pmd_huge_entry(e))
			return 0;
	}
	if (!pte_present(e))	/* pmd_trans_unstable */
		return 0;
	pte_table = pte_pfn(e);
	ptl = table_lock(m, walk->mm, pte_table);
	spin_lock(m, ptl);
	for (uint64_t a = addr; a < end; a += PAGE_SIZE)
		smaps_pte_entry(m, mss, pt_read(m, pte_table, (a >> PAGE_SHIFT) &
						(PTRS_PER_TABLE - 1)), locked);
	spin_unlock(m, ptl);
	return 0;
}

/*
 * smaps_hugetlb_range, the walk's hugetlb_entry: a page mapped more than
 * once, or mapped through a PMD table other mms share, is shared
 */
static int smaps_hugetlb_range(struct machine *m, const struct huge_pte *ptep, uint64_t hmask,
			       uint64_t addr, uint64_t end, struct mm_walk *walk)
{
	struct mem_size_stats *mss = walk->private;
	unsigned long hsz = huge_page_size(hstate_vma(walk->vma));
	spinlock_t *ptl = huge_pte_lockptr(m, walk->mm, ptep);
	pteval_t e;

	spin_lock(m, ptl);
	e = pt_read(m, ptep->table, ptep->idx);
	if (pte_present(e)) {
		unsigned long head = pte_pfn(e);
		int mapcount = (int)pg_read32(m, head + 1, PGOFF_COMPOUND_MAPCOUNT) + 1;

		if (mapcount >= 2 || hugetlb_pmd_shared(m, ptep))
			mss->shared_hugetlb += hsz;
		else
			mss->private_hugetlb += hsz;
	}
	spin_unlock(m, ptl);
	return 0;
}

/*
 * smaps_walk_ops.  Without a test_walk the walker skips a VM_PFNMAP VMA;
 * with no swap in the model smaps_shmem_walk_ops (a pte_hole counting
 * shmem's swapped pages) is never needed.  The read lock is enough
 * (PGWALK_RDLOCK).
 */
static const struct mm_walk_ops smaps_walk_ops = {
	.pmd_entry = smaps_pte_range,
	.hugetlb_entry = smaps_hugetlb_range,
	.walk_lock = PGWALK_RDLOCK,
};

/* smap_gather_stats: walk_page_vma (pagewalk.c); the caller holds the mmap lock */
static void smap_gather_stats(struct machine *m, struct vm_area_struct *vma,
			      struct mem_size_stats *mss)
{
	walk_page_vma(m, vma, &smaps_walk_ops, mss);
}

/* -------------------------------------------------------------------------
 * THPeligible
 */

static bool mm_thp_disabled(const struct mm_struct *mm)
{
	return mm->flags & (1UL << MMF_DISABLE_THP);
}

/* -------------------------------------------------------------------------
 * smaps, smaps_rollup
 */

/* show_smap_vma_flags: the mnemonics of 6.1 x86_64, by bit */
static const char *const vm_flag_mnemonics[64] = {
	[0] = "rd", [1] = "wr", [2] = "ex", [3] = "sh", [4] = "mr", [5] = "mw", [6] = "me",
	[7] = "ms", [8] = "gd", [9] = "um", [10] = "pf", [12] = "uw", [13] = "lo", [14] = "io",
	[15] = "sr", [16] = "rr", [17] = "dc", [18] = "de", [20] = "ac", [21] = "nr",
	[22] = "ht", [23] = "sf", [24] = "ar", [25] = "wf", [26] = "dd", [27] = "sd",
	[28] = "mm", [29] = "hg", [30] = "nh", [31] = "mg",
	/* the protection key bits come out in ProtectionKey */
	[32] = "", [33] = "", [34] = "", [35] = "", [37] = "ui",
	/* any other bit set prints "??" (VM_LOCKONFAULT, bit 19, has no entry) */
};

static void show_smap_vma_flags(struct sbuf *sb, unsigned long flags)
{
	sb_puts(sb, "VmFlags: ");
	for (unsigned int i = 0; i < 64; i++) {
		const char *mn = vm_flag_mnemonics[i] ? vm_flag_mnemonics[i] : "??";

		if (*mn && (flags & (1UL << i)))
			sb_printf(sb, "%s ", mn);
	}
	sb_puts(sb, "\n");
}

/* One line of __show_smap: the label as the kernel spells it, the width, bytes */
struct smap_line {
	const char *label;	/* "Rss:            " */
	int width;
	unsigned long bytes;
	bool rollup_only;
};

/*
 * __show_smap: the lines smaps and smaps_rollup share.  In rollup mode
 * (t given) each number is also recorded as proc.<name>.<field>.
 */
static void show_smap_lines(struct vout *vo, const struct mem_size_stats *mss,
			    const struct task *t)
{
	const struct smap_line lines[] = {
		{ "Rss:            ", 8, mss->resident, false },
		{ "Pss:            ", 8, mss->pss >> PSS_SHIFT, false },
		{ "Pss_Dirty:      ", 8, mss->pss_dirty >> PSS_SHIFT, false },
		{ "Pss_Anon:       ", 8, mss->pss_anon >> PSS_SHIFT, true },
		{ "Pss_File:       ", 8, mss->pss_file >> PSS_SHIFT, true },
		{ "Pss_Shmem:      ", 8, mss->pss_shmem >> PSS_SHIFT, true },
		{ "Shared_Clean:   ", 8, mss->shared_clean, false },
		{ "Shared_Dirty:   ", 8, mss->shared_dirty, false },
		{ "Private_Clean:  ", 8, mss->private_clean, false },
		{ "Private_Dirty:  ", 8, mss->private_dirty, false },
		{ "Referenced:     ", 8, mss->referenced, false },
		{ "Anonymous:      ", 8, mss->anonymous, false },
		{ "LazyFree:       ", 8, mss->lazyfree, false },
		{ "AnonHugePages:  ", 8, mss->anonymous_thp, false },
		{ "ShmemPmdMapped: ", 8, mss->shmem_thp, false },
		{ "FilePmdMapped:  ", 8, mss->file_thp, false },
		{ "Shared_Hugetlb: ", 8, mss->shared_hugetlb, false },
		{ "Private_Hugetlb: ", 7, mss->private_hugetlb, false },
		{ "Swap:           ", 8, mss->swap, false },
		{ "SwapPss:        ", 8, mss->swap_pss >> PSS_SHIFT, false },
		{ "Locked:         ", 8, mss->pss_locked >> PSS_SHIFT, false },
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const struct smap_line *l = &lines[i];
		unsigned long kb = l->bytes >> 10;

		if (l->rollup_only && !t)
			continue;
		vo_text(vo, "%s%*lu kB\n", l->label, l->width, kb);
		if (t && vo_keys(vo))
			vo_rec(vo, (long)kb, "proc.%s.%.*s", t->name,
			       (int)strcspn(l->label, ":"), l->label);
	}
}

static bool proc_pid_smaps_show(struct machine *m, const struct mm_file_args *a,
				struct sbuf *sb)
{
	struct task *t = proc_task(m, a);
	struct vout vo = { .sb = sb };
	struct mm_struct *mm;

	if (!t)
		return false;
	mm = t->mm;
	down_read(m, &mm->mmap_lock);
	for (unsigned int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area_struct *vma = mm->vmas[i];
		struct mem_size_stats mss = { 0 };

		smap_gather_stats(m, vma, &mss);
		show_map_vma(sb, vma);
		/* vma_kernel_pagesize and vma_mmu_pagesize: the same on x86 */
		sb_printf(sb, "Size:           %8lu kB\n", (vma->vm_end - vma->vm_start) >> 10);
		sb_printf(sb, "KernelPageSize: %8lu kB\n", vma_kernel_pagesize(vma) >> 10);
		sb_printf(sb, "MMUPageSize:    %8lu kB\n", vma_kernel_pagesize(vma) >> 10);
		show_smap_lines(&vo, &mss, NULL);
		sb_printf(sb, "THPeligible:    %d\n", hugepage_vma_check(m, vma, true, false));
		show_smap_vma_flags(sb, vma->vm_flags);
	}
	up_read(m, &mm->mmap_lock);
	return true;
}

/* show_smaps_rollup, into vo (text, counters or both) */
static void show_smaps_rollup(struct machine *m, struct task *t, struct vout *vo)
{
	struct mm_struct *mm = t->mm;
	struct mem_size_stats mss = { 0 };
	unsigned long start = 0, end = 0;

	down_read(m, &mm->mmap_lock);
	for (unsigned int i = 0; i < mm->nr_vmas; i++)
		smap_gather_stats(m, mm->vmas[i], &mss);
	if (mm->nr_vmas) {
		start = mm->vmas[0]->vm_start;
		end = mm->vmas[mm->nr_vmas - 1]->vm_end;
	}
	up_read(m, &mm->mmap_lock);
	if (vo->sb) {
		char buf[128];
		size_t n = vma_header_prefix(buf, sizeof(buf), start, end, 0, 0, 0, 0, 0);

		sb_puts(vo->sb, buf);
		maps_pad(vo->sb, n);
		sb_puts(vo->sb, "[rollup]\n");
	}
	show_smap_lines(vo, &mss, t);
}

static bool proc_pid_smaps_rollup_show(struct machine *m, const struct mm_file_args *a,
				       struct sbuf *sb)
{
	struct task *t = proc_task(m, a);
	struct vout vo = { .sb = sb };

	if (!t)
		return false;
	show_smaps_rollup(m, t, &vo);
	return true;
}

/* -------------------------------------------------------------------------
 * status, statm
 */

/* The pid of the oldest simulated ancestor: the group and session leader */
static long session_leader(struct machine *m, const struct task *t)
{
	const struct task *p;

	while ((p = find_task_by_pid(m, t->ppid)) && p != t)
		t = p;
	return t->pid;
}

/* %*pb of a bitmap of nbits bits (32-bit chunks, the top one shortened) */
static void bitmap_string(struct vout *vo, const uint32_t *chunks, int nbits)
{
	int nchunks = (nbits + 31) / 32, top = nbits % 32 ? nbits % 32 : 32;

	for (int i = nchunks - 1; i >= 0; i--) {
		int digits = i == nchunks - 1 ? (top + 3) / 4 : 8;

		vo_text(vo, "%s%0*x", i == nchunks - 1 ? "" : ",", digits, chunks[i]);
	}
}

/* %*pbl: "0-3,8" */
static void bitmap_list_string(struct vout *vo, const uint32_t *chunks, int nbits)
{
	bool first = true;

	for (int b = 0; b < nbits;) {
		int e;

		if (!(chunks[b / 32] & (1u << (b % 32)))) {
			b++;
			continue;
		}
		for (e = b; e + 1 < nbits && (chunks[(e + 1) / 32] & (1u << ((e + 1) % 32))); e++)
			;
		vo_text(vo, first ? "%d" : ",%d", b);
		if (e > b)
			vo_text(vo, "-%d", e);
		first = false;
		b = e + 1;
	}
}

/* task_mem: the memory lines, each also recorded as proc.<name>.<field> (kB) */
static void task_mem(const struct task *t, struct vout *vo)
{
	const struct mm_struct *mm = t->mm;
	unsigned long anon = get_mm_counter(mm, MM_ANONPAGES);
	unsigned long file = get_mm_counter(mm, MM_FILEPAGES);
	unsigned long shmem = get_mm_counter(mm, MM_SHMEMPAGES);
	unsigned long total_rss = anon + file + shmem;
	unsigned long hiwater_vm = mm->total_vm > mm->hiwater_vm ? mm->total_vm : mm->hiwater_vm;
	unsigned long hiwater_rss = total_rss > mm->hiwater_rss ? total_rss : mm->hiwater_rss;
	/* no exec: start_code == end_code == 0, so all executable mappings are lib */
	unsigned long text = 0, lib = (mm->exec_vm << PAGE_SHIFT) - text;
	const struct { const char *name; unsigned long kb; } lines[] = {
		{ "VmPeak", hiwater_vm << 2 },
		{ "VmSize", mm->total_vm << 2 },
		{ "VmLck", mm->locked_vm << 2 },
		{ "VmPin", mm->pinned_vm << 2 },
		{ "VmHWM", hiwater_rss << 2 },
		{ "VmRSS", total_rss << 2 },
		{ "RssAnon", anon << 2 },
		{ "RssFile", file << 2 },
		{ "RssShmem", shmem << 2 },
		{ "VmData", mm->data_vm << 2 },
		{ "VmStk", mm->stack_vm << 2 },
		{ "VmExe", text >> 10 },
		{ "VmLib", lib >> 10 },
		{ "VmPTE", (unsigned long)mm->pgtables_bytes >> 10 },
		{ "VmSwap", get_mm_counter(mm, MM_SWAPENTS) << 2 },
		{ "HugetlbPages", (unsigned long)mm->hugetlb_usage << 2 },	/* hugetlb_report_usage */
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		vo_text(vo, "%s:\t%8lu kB\n", lines[i].name, lines[i].kb);
		vo_rec(vo, (long)lines[i].kb, "proc.%s.%s", t->name, lines[i].name);
	}
}

/* proc_pid_status */
static void proc_pid_status(struct machine *m, const struct task *t, struct vout *vo)
{
	static const char *const sigsets[] = { "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt" };
	const struct { const char *name; unsigned long long caps; } caps[] = {
		{ "CapInh", 0 }, { "CapPrm", CAP_FULL_SET }, { "CapEff", CAP_FULL_SET },
		{ "CapBnd", CAP_FULL_SET }, { "CapAmb", 0 },
	};
	uint32_t cpus[(MAX_CPUS + 31) / 32] = { 0 }, mems[KERNEL_MAX_NUMNODES / 32] = { 0 };
	long sid;
	int nid;

	if (!vo->sb) {		/* only the counters: the memory lines */
		task_mem(t, vo);
		return;
	}
	sid = session_leader(m, t);
	vo_text(vo, "Name:\t");
	for (const char *c = t->comm; *c; c++)	/* ESCAPE_SPACE | ESCAPE_SPECIAL, "\n\\" */
		if (*c == '\n' || *c == '\\')
			vo_text(vo, "\\%c", *c == '\n' ? 'n' : '\\');
		else
			vo_text(vo, "%c", *c);
	vo_text(vo, "\nUmask:\t0022\nState:\tS (sleeping)\n");
	vo_text(vo, "Tgid:\t%ld\nNgid:\t0\nPid:\t%ld\nPPid:\t%ld\nTracerPid:\t0\n",
		t->pid, t->pid, t->ppid);
	vo_text(vo, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t0 \n",
		TASK_MAX_FDS);
	vo_text(vo, "NStgid:\t%ld\nNSpid:\t%ld\nNSpgid:\t%ld\nNSsid:\t%ld\n",
		t->pid, t->pid, sid, sid);
	task_mem(t, vo);
	vo_text(vo, "CoreDumping:\t0\nTHP_enabled:\t%d\n", !mm_thp_disabled(t->mm));
	/* fork_init: max_threads = totalram * PAGE_SIZE / (THREAD_SIZE * 8), the limit half that */
	vo_text(vo, "Threads:\t1\nSigQ:\t0/%lu\n", totalram_pages(m) / 64);
	for (size_t i = 0; i < sizeof(sigsets) / sizeof(sigsets[0]); i++)
		vo_text(vo, "%s:\t%016x\n", sigsets[i], 0);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		vo_text(vo, "%s:\t%016llx\n", caps[i].name, caps[i].caps);
	vo_text(vo, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
		"Speculation_Store_Bypass:\tthread vulnerable\n"
		"SpeculationIndirectBranch:\tconditional enabled\n");
	for (int cpu = 0; cpu < m->nr_cpus; cpu++)
		cpus[cpu / 32] |= 1u << (cpu % 32);
	for_each_node(m, nid)
		if (m->node[nid].node_present_pages)
			mems[nid / 32] |= 1u << (nid % 32);
	vo_text(vo, "Cpus_allowed:\t");
	bitmap_string(vo, cpus, m->nr_cpus);
	vo_text(vo, "\nCpus_allowed_list:\t");
	bitmap_list_string(vo, cpus, m->nr_cpus);
	vo_text(vo, "\nMems_allowed:\t");
	bitmap_string(vo, mems, KERNEL_MAX_NUMNODES);
	vo_text(vo, "\nMems_allowed_list:\t");
	bitmap_list_string(vo, mems, KERNEL_MAX_NUMNODES);
	vo_text(vo, "\nvoluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t0\n");
}

static bool proc_pid_status_show(struct machine *m, const struct mm_file_args *a,
				 struct sbuf *sb)
{
	struct task *t = proc_task(m, a);
	struct vout vo = { .sb = sb };

	if (!t)
		return false;
	proc_pid_status(m, t, &vo);
	return true;
}

/* proc_pid_statm: size resident shared text lib(0) data dt(0), in pages */
static bool proc_pid_statm_show(struct machine *m, const struct mm_file_args *a,
				struct sbuf *sb)
{
	struct task *t = proc_task(m, a);
	const struct mm_struct *mm;
	unsigned long shared;

	if (!t)
		return false;
	mm = t->mm;
	shared = get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_SHMEMPAGES);
	/* text: PAGE_ALIGN(end_code) - start_code, 0 without exec */
	sb_printf(sb, "%lu %lu %lu %lu 0 %lu 0\n", mm->total_vm,
		  shared + get_mm_counter(mm, MM_ANONPAGES), shared, 0UL,
		  mm->data_vm + mm->stack_vm);
	return true;
}

/* -------------------------------------------------------------------------
 * Counters and the module
 */

/*
 * proc.<name>.<field>, for each live process by the scenario's name:
 *   VmPeak VmSize VmLck VmPin VmHWM VmRSS RssAnon RssFile RssShmem VmData
 *   VmStk VmExe VmLib VmPTE VmSwap HugetlbPages   status, in kB
 *   Rss Pss Pss_Dirty Pss_Anon Pss_File Pss_Shmem Shared_Clean Shared_Dirty
 *   Private_Clean Private_Dirty Referenced Anonymous LazyFree AnonHugePages
 *   ShmemPmdMapped FilePmdMapped Shared_Hugetlb Private_Hugetlb Swap SwapPss
 *   Locked                                        smaps_rollup, in kB
 *   nr_vmas                                       the VMAs maps lists
 * Exited processes have none.  A lookup of one counter walks the page
 * tables of that process only, and only for a smaps_rollup field.
 */
static bool status_field(const char *field)
{
	static const char *const names[] = {
		"VmPeak", "VmSize", "VmLck", "VmPin", "VmHWM", "VmRSS", "RssAnon", "RssFile",
		"RssShmem", "VmData", "VmStk", "VmExe", "VmLib", "VmPTE", "VmSwap",
		"HugetlbPages", "nr_vmas",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(field, names[i]))
			return true;
	return false;
}

static void proc_counters(struct machine *m, struct vout *vo)
{
	struct proc_ctx *pc = m->procs;

	if (!pc)
		return;
	for (unsigned int i = 0; i < pc->nr_tasks; i++) {
		struct task *t = pc->tasks[i];
		bool rollup = true;

		if (t->exited || !t->mm)
			continue;
		if (vo->want && !vo->dump) {
			size_t n = strlen(t->name);

			/* "proc." NAME "." FIELD */
			if (strncmp(vo->want + 5, t->name, n) || vo->want[5 + n] != '.')
				continue;
			rollup = !status_field(vo->want + 6 + n);
		}
		proc_pid_status(m, t, vo);	/* vo has no text: the memory lines only */
		vo_rec(vo, (long)t->mm->nr_vmas, "proc.%s.nr_vmas", t->name);
		if (rollup)
			show_smaps_rollup(m, t, vo);
	}
}

static const struct mm_file task_mmu_files[] = {
	{ .pattern = "/proc/%P/maps", .show = proc_pid_maps_show },
	{ .pattern = "/proc/%P/smaps", .show = proc_pid_smaps_show },
	{ .pattern = "/proc/%P/smaps_rollup", .show = proc_pid_smaps_rollup_show },
	{ .pattern = "/proc/%P/status", .show = proc_pid_status_show },
	{ .pattern = "/proc/%P/statm", .show = proc_pid_statm_show },
};

static const struct counter_ns task_mmu_counter_ns[] = {
	{ "proc.", proc_counters },
};

const struct mm_module mm_module_task_mmu = {
	.name = "task_mmu",
	.files = task_mmu_files,
	.nr_files = sizeof(task_mmu_files) / sizeof(task_mmu_files[0]),
	.counters = task_mmu_counter_ns,
	.nr_counters = sizeof(task_mmu_counter_ns) / sizeof(task_mmu_counter_ns[0]),
};
