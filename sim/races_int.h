/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * races_int.h - what the race definitions (sim/races_*.c) share: small
 * machines, per-CPU warm-ups that stock the pcp lists, the pcp check, a
 * few page-table lookups, windows filtered by the run.  Not for tests.
 */
#ifndef MMSIM_RACES_INT_H
#define MMSIM_RACES_INT_H

#include <stdint.h>

#include "races.h"
#include "machine.h"

struct task;
struct mm_struct;

/* One node of mb MiB per node, no holes, no kernel image, no THP (testlib's t_opts) */
void race_opts(struct machine_opts *o, int nodes, unsigned long mb_per_node, int cpus);
/* machine_create with the run's policy picks over o's; xp_fail and NULL on error */
struct machine *race_machine(struct xp_ctx *x, const struct race_base *b,
			     struct machine_opts *o);
/* The machine of race_opts(1, 64, cpus) with THP on whatever its size (testlib's t_machine) */
struct machine *race_small_machine(struct xp_ctx *x, const struct race_base *b, int cpus);

/* xp_sometimes_if when the run checks window @name; nothing otherwise */
void race_window(struct xp_ctx *x, const struct race_base *b, const char *name, bool cond);

/* A private anonymous MAP_FIXED mapping of [addr, addr + len) */
long race_mmap_anon(struct machine *m, struct task *t, uint64_t addr, uint64_t len);
/*
 * A process on @cpu writes pages every @stride bytes of 4 PMDs at @base,
 * and exits: @cpu's pcp lists get the pages and tables a race allocates.
 */
bool race_warm_up_cpu(struct machine *m, int cpu, uint64_t base, uint64_t stride);
/* Allocate 16 kernel pages on @cpu and free them: its unmovable pcp list fills */
bool race_stock_pcp(struct machine *m, int cpu);
/*
 * The allocator has no zone lock under the explorer: a race must not move
 * pages between the buddy and pcp lists.  False (and xp_fail) if it did.
 */
bool race_pcp_untouched(struct xp_ctx *x, struct machine *m, unsigned long buddy0);
/* The PMD entry of mm for va (no allocation), 0 when there is no PMD table */
uint64_t race_pmd_entry(struct machine *m, struct mm_struct *mm, uint64_t va);
/* The PMD table holding mm's entry for va, PFN_NONE when none */
unsigned long race_pmd_table(struct machine *m, struct mm_struct *mm, uint64_t va);
/* The PTE table mm's PMD entry for va points at, PFN_NONE when none (or a leaf) */
unsigned long race_pte_table(struct machine *m, struct mm_struct *mm, uint64_t va);
/* A flag another CPU waits for with xp_wait */
bool race_flag_set(void *arg);

/* The races, by group (races_*.c) */
extern const struct race_def race_hvo_get_put, race_hvo_frozen_gup, race_hvo_memory_failure,
	race_hvo_boot_get_put, race_check_stale_tlb_write, race_check_freed_frame_write;
extern const struct race_def race_fault_write_write, race_fault_write_read,
	race_fault_write_write_cold, race_fault_write_read_cold, race_fault_munmap,
	race_fault_munmap_no_mmap_lock;
extern const struct race_def race_mremap_store, race_mremap_store_no_mmap_lock;
extern const struct race_def race_retract_cow_fault, race_retract_read_fault,
	race_retract_cow_fault_unlock_early, race_retract_read_fault_unlock_early,
	race_retract_lockless_walker, race_retract_lockless_walker_no_grace_period;
extern const struct race_def race_uprobe_khugepaged, race_uprobe_madv_collapse,
	race_uprobe_madv_collapse_no_subpage_check;
extern const struct race_def race_hugetlb_mremap_fault, race_hugetlb_mremap_fault_no_vma_lock,
	race_hugetlb_mremap_shareable_fault, race_hugetlb_mremap_shareable_fault_no_locks;
extern const struct race_def race_hugetlb_fault_shared_ww, race_hugetlb_fault_shared_wr,
	race_hugetlb_fault_private_ww;
extern const struct race_def race_ptdump_remove_memory, race_ptdump_remove_memory_no_online_mems,
	race_hvo_remove_memory;
extern const struct race_def race_page_lock_increment, race_page_lock_abba,
	race_hotplug_lock_reader, race_hotplug_lock_unlocked_reader;

#endif /* MMSIM_RACES_INT_H */
