// SPDX-License-Identifier: GPL-2.0-only
/*
 * pagewalk_lock.c - the page walker's lock assertions (see
 * pagewalk_lock.h), one entry per kernel that changed them.
 *
 * 6.1	Linux 6.1 as Debian 12 ships it (6.1.192).  walk_page_range and
 *	walk_page_vma: mmap_assert_locked (the read lock is enough).
 *	walk_page_range_novma: mmap_assert_write_locked on the walked mm,
 *	init_mm included (8782fb61cc84 "mm: pagewalk: Fix race between
 *	unmap and page walker", Steven Price, 6.0), and, from a stable fix
 *	for ptdump, mmap_assert_write_locked on init_mm as well whatever mm
 *	is walked.  A walk of the kernel's tables under
 *	mmap_read_lock(&init_mm), as HVO takes it, fails the assertion.
 * 6.8	"mm: pagewalk: assert write mmap lock only for walking the user
 *	page tables" (Muchun Song, the first patch of seed 002):
 *	walk_page_range_novma asserts the read lock for init_mm, the write
 *	lock for any other mm, and nothing about init_mm for those.  From
 *	6.5 on walk_page_range and walk_page_vma assert what the ops'
 *	walk_lock says (PGWALK_RDLOCK: read; PGWALK_WRLOCK and
 *	PGWALK_WRLOCK_VERIFY: write).
 * 6.17	"mm/pagewalk: split walk_page_range_novma() into kernel/user
 *	parts" (Lorenzo Stoakes; in Debian's 6.12 through 6.12.101):
 *	walk_kernel_page_table_range walks init_mm under its read lock;
 *	walk_page_range_debug, left to ptdump, wants the write lock of the
 *	mm and of init_mm.  The model keeps one no-VMA entry point and
 *	asserts, and names, as the function 6.17 uses for that mm.  VMA
 *	walks as 6.8.
 */
#include "machine.h"
#include "mm_types.h"
#include "pagewalk.h"
#include "policies/pagewalk_lock.h"
#include "policy.h"

/* -------------------------------------------------------------------------
 * walk_page_range, walk_page_vma
 */

/* Before 6.5: the read lock, whatever the walk does */
static void assert_vma_walk_locked(struct machine *m, const char *walker, struct mm_struct *mm,
				   enum page_walk_lock lock)
{
	mmap_assert_locked(m, walker, mm);
}

/* 6.5+ process_mm_walk_lock: what the ops' walk_lock says */
static void process_mm_walk_lock(struct machine *m, const char *walker, struct mm_struct *mm,
				 enum page_walk_lock lock)
{
	if (lock == PGWALK_RDLOCK)
		mmap_assert_locked(m, walker, mm);
	else
		mmap_assert_write_locked(m, walker, mm);
}

/* -------------------------------------------------------------------------
 * walk_page_range_novma
 */

/* 6.1: the write lock of the walked mm, init_mm included, and of init_mm */
static void novma_write_locked(struct machine *m, struct mm_struct *mm)
{
	if (mmap_assert_write_locked(m, "walk_page_range_novma", mm) && mm != m->init_mm)
		mmap_assert_write_locked(m, "walk_page_range_novma", m->init_mm);
}

/* 6.8: the read lock for init_mm, the write lock for a user mm */
static void novma_user_write_locked(struct machine *m, struct mm_struct *mm)
{
	if (mm == m->init_mm)
		mmap_assert_locked(m, "walk_page_range_novma", mm);
	else
		mmap_assert_write_locked(m, "walk_page_range_novma", mm);
}

/* 6.17: walk_kernel_page_table_range for init_mm, walk_page_range_debug otherwise */
static void novma_kernel_or_debug(struct machine *m, struct mm_struct *mm)
{
	if (mm == m->init_mm) {
		mmap_assert_locked(m, "walk_kernel_page_table_range", mm);
		return;
	}
	if (mmap_assert_write_locked(m, "walk_page_range_debug", mm))
		mmap_assert_write_locked(m, "walk_page_range_debug", m->init_mm);
}

/* -------------------------------------------------------------------------
 * The entries; the first is the default.
 */
static const struct policy pagewalk_lock_policies[] = {
	{
		.name = "6.1",
		.summary = "Linux 6.1: a no-VMA walk needs the write lock, init_mm's too",
		.models = "Linux 6.1.192: 8782fb61cc84 and the stable ptdump fix",
		.ops = &(const struct pagewalk_lock_ops){
			.assert_vma_walk = assert_vma_walk_locked,
			.assert_novma = novma_write_locked,
		},
	},
	{
		.name = "6.8",
		.summary = "Linux 6.8: init_mm's read lock is enough, user mms need the write lock",
		.models = "Linux 6.8, seed 002 patch 1 (Muchun Song), with 6.5's walk_lock",
		.ops = &(const struct pagewalk_lock_ops){
			.assert_vma_walk = process_mm_walk_lock,
			.assert_novma = novma_user_write_locked,
		},
	},
	{
		.name = "6.17",
		.summary = "Linux 6.17: walk_kernel_page_table_range (read), ptdump's walk (write)",
		.models = "Linux 6.17, stable 6.12.101: walk_kernel_page_table_range",
		.ops = &(const struct pagewalk_lock_ops){
			.assert_vma_walk = process_mm_walk_lock,
			.assert_novma = novma_kernel_or_debug,
		},
	},
};

const struct policy_family policy_family_pagewalk_lock = {
	.name = "pagewalk-lock",
	.summary = "page walker: the mmap lock each walk asserts",
	.policies = pagewalk_lock_policies,
	.nr_policies = ARRAY_SIZE(pagewalk_lock_policies),
	.default_idx = 0,
};
