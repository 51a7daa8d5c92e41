/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khugepaged.h - STUB for the uprobes branch: the interface the
 * khugepaged helper provides (model/khugepaged.{c,h}); dropped when the
 * two branches are merged.
 */
#ifndef MMSIM_KHUGEPAGED_H
#define MMSIM_KHUGEPAGED_H

/* Tests that need the real collapse skip while this stub is in */
#define MMSIM_KHUGEPAGED_STUB	1

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct mm_struct;

/*
 * collapse_pte_mapped_thp(mm, addr, install_pmd): the caller holds the
 * mmap write lock (6.1).
 */
int collapse_pte_mapped_thp(struct machine *m, struct mm_struct *mm, uint64_t addr,
			    bool install_pmd);

#endif /* MMSIM_KHUGEPAGED_H */
