/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * uprobes.h - user-space breakpoints (kernel/events/uprobes.c, 6.1): a
 * uprobe is an (inode, offset) with consumers; registering the first
 * consumer writes a breakpoint into every mapping of that file offset in
 * every process, and into mappings made later (uprobe_mmap); removing the
 * last one writes the original instruction back.
 *
 * A breakpoint is written the way uprobe_write_opcode does it: read the
 * page with get_user_pages_remote(FOLL_FORCE, + the policy's split flag),
 * copy it into a new anonymous page with the opcode changed, and swap the
 * copy in (__replace_page).  The thp-uprobe policy family
 * (policies/thp_uprobe.h) decides the split flag, whether removing the
 * last breakpoint maps the page cache's page back, and what follows for
 * a THP.
 *
 * Contents are content tags (memory.h).  Writing a breakpoint at byte
 * off of a page whose content is T gives the content "T with breakpoints
 * at {off}"; such contents get tags of their own, one per (T, set of
 * offsets), so taking the last breakpoint out gives T back, and "is the
 * copy identical to the page cache's page" (pages_identical) is a tag
 * comparison, as the seed's patch 2 needs.
 */
#ifndef MMSIM_UPROBES_H
#define MMSIM_UPROBES_H

#include <stdbool.h>
#include <stdint.h>

#include "mm_types.h"

/* mm->flags (include/linux/sched/coredump.h) */
#define MMF_HAS_UPROBES		19	/* some breakpoint may be installed */
#define MMF_RECALC_UPROBES	20	/* MMF_HAS_UPROBES may be stale */

/* x86: one byte, int3 */
#define UPROBE_SWBP_INSN_SIZE	1
/* x86's MAX_UINSN_BYTES: how much of the original instruction copy_insn reads */
#define UPROBE_INSN_BYTES	16
/* -ENOTSUPP (include/linux/errno.h): a kernel-internal errno, "Unknown error 524" */
#define ENOTSUPP		524

/*
 * A consumer: what registered the uprobe (a trace event's probe).  The
 * model's consumers have no filter (ftrace's trace_uprobe_enable passes
 * none), so every process gets the breakpoint.
 */
struct uprobe_consumer {
	struct uprobe_consumer *next;
};

struct uprobe {
	struct inode *inode;
	uint64_t offset;
	struct uprobe_consumer *consumers;
	bool insn_copied;		/* UPROBE_COPY_INSN: copy_insn ran */
	bool active;			/* in the table (uprobe_is_active) */
	int ref;			/* the table's and every user's */
	struct rw_semaphore register_rwsem;
};

/* What the uprobes did, for the uprobes.* counters */
struct uprobe_stats {
	unsigned long opcode_writes;	/* uprobe_write_opcode calls that replaced a page */
	unsigned long installs;		/* ... writing a breakpoint */
	unsigned long removals;		/* ... taking one out */
	unsigned long orig_restored;	/* removals that mapped the page cache's page back */
	unsigned long eagain;		/* __replace_page -EAGAIN retries */
	unsigned long after_restore;	/* the policy's after_restore calls (collapse) */
	unsigned long unregister_compound; /* the 6.1 WARN: unregister found a compound page */
};

/*
 * uprobe_register(inode, offset, uc): 0, or the first error installing
 * into some mapping (then nothing stays installed for @uc): -EINVAL
 * (offset beyond EOF), -EIO (copy_insn: nothing at the offset),
 * -ENOTSUPP (the original instruction is a breakpoint itself), -ENOMEM.
 */
int uprobe_register(struct machine *m, struct inode *inode, uint64_t offset,
		    struct uprobe_consumer *uc);
/* uprobe_unregister: drop @uc; the last consumer takes the breakpoints out */
void uprobe_unregister(struct machine *m, struct inode *inode, uint64_t offset,
		       struct uprobe_consumer *uc);

/*
 * uprobe_write_opcode: write (@is_register) or take out the breakpoint at
 * @vaddr of @mm, whose mmap lock the caller holds for write.  0 or a
 * negative errno (-EINVAL for the zero page or, on removal, a compound
 * page with a breakpoint).
 */
int uprobe_write_opcode(struct machine *m, struct uprobe *uprobe, struct mm_struct *mm,
			uint64_t vaddr, bool is_register);

/* The uprobe at (inode, offset), or NULL (no reference taken: for looking) */
struct uprobe *find_uprobe(struct machine *m, struct inode *inode, uint64_t offset);

/* Hooks: mmap_region (a new file mapping), unmap, fork (dup_mmap) */
void uprobe_mmap(struct machine *m, struct vm_area_struct *vma);
void uprobe_munmap(struct machine *m, struct vm_area_struct *vma, uint64_t start, uint64_t end);
void uprobe_start_dup_mmap(struct machine *m);
void uprobe_end_dup_mmap(struct machine *m);
void uprobe_dup_mmap(struct mm_struct *oldmm, struct mm_struct *newmm);

/* Content tags of pages with breakpoints */
bool page_has_swbp(struct machine *m, unsigned long pfn, unsigned int off);
/* The tag of content @tag with the breakpoint at @off written (@set) or taken out */
uint64_t swbp_content(struct machine *m, uint64_t tag, unsigned int off, bool set);

const struct uprobe_stats *uprobe_stats(struct machine *m);

/*
 * How long after the last uprobe went the probed text was PMD-mappable
 * again, in khugepaged wake-ups: every 2 MiB range a breakpoint went into
 * (per mm, since the uprobe table was last empty) is mapped by a huge PMD,
 * or has no page table and a PMD-sized THP in the page cache at its
 * offset (the next access maps it by PMD).  Checked when the last uprobe
 * is unregistered (0 if already so) and after every khugepaged wake-up.
 * UPROBE_REMAP_NEVER while it is not so, or while uprobes remain; 0 when
 * no breakpoint was ever installed.
 */
#define UPROBE_REMAP_NEVER	(-1L)
long uprobe_remap_wakeups(struct machine *m);
/* After a khugepaged wake-up (khugepaged_do_scan) */
void uprobe_remap_check(struct machine *m);
/* __mmput: the mm is going */
void uprobe_clear_state(struct machine *m, struct mm_struct *mm);
/* Free everything (machine teardown) */
void uprobes_destroy(struct machine *m);

#endif /* MMSIM_UPROBES_H */
