// SPDX-License-Identifier: GPL-2.0-only
/*
 * khugepaged.c - STUB for the uprobes branch: collapse_pte_mapped_thp
 * does nothing (a PTE-mapped THP stays PTE-mapped).  The khugepaged
 * helper's model/khugepaged.c replaces this file when the branches are
 * merged.
 */
#include "khugepaged.h"

int collapse_pte_mapped_thp(struct machine *m, struct mm_struct *mm, uint64_t addr,
			    bool install_pmd)
{
	(void)m, (void)mm, (void)addr, (void)install_pmd;
	return 0;
}
