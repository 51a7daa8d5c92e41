// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmemmap_subpmd.c - sub-PMD vmemmap policies (see vmemmap_subpmd.h).
 *
 *   unused-0xfd  Linux 5.12 to 6.1 (8d400913c231 "x86/vmemmap: handle
 *                unpopulated sub-pmd ranges", faf1c0008a33 "x86/vmemmap:
 *                optimize for consecutive sections in partial populated
 *                PMDs"), as Debian's 6.1.192 has it: the unused parts of
 *                a new PMD are filled with PAGE_UNUSED (0xFD), the tail
 *                after the last populated range lazily (unused_pmd_start,
 *                so consecutive sections do not fill what the next one
 *                uses), the first struct page of a newly used range is
 *                zeroed so a PMD cannot read as unused before its memmap
 *                is initialised, and a partly removed PMD is freed when
 *                all of its 2 MiB read 0xFD.
 *   leak         Linux 5.11 and before: nothing marks the parts no
 *                memmap uses; removal fills the removed range with 0xFD
 *                and frees the PMD only when all 2 MiB read 0xFD, which
 *                the never-used parts prevent: a PMD a memmap filled in
 *                part is never freed.
 *
 * The 2025 ordering fix (the PAGE_UNUSED memset could run before
 * sync_global_pgds had copied a new top-level vmemmap entry into every
 * page table) is no entry: the model's CPUs translate kernel addresses
 * through init_mm itself, with no per-process copies of its top level,
 * so the window it closes does not exist here (docs/model-notes.md).
 */
#include <string.h>

#include "machine.h"
#include "page.h"
#include "policies/vmemmap_subpmd.h"
#include "sparse.h"

#define IS_PMD_ALIGNED(x)	(((x) & (PMD_SIZE - 1)) == 0)
#define PMD_ALIGN_DOWN(x)	((x) & ~(PMD_SIZE - 1))
#define PMD_ALIGN_UP(x)		(((x) + PMD_SIZE - 1) & ~(PMD_SIZE - 1))

void vmemmap_flush_unused_pmd(struct machine *m)
{
	uint64_t s = m->vmemmap.unused_pmd_start;

	if (!s)
		return;
	vmemmap_memset(m, s, PMD_ALIGN_UP(s) - s, PAGE_UNUSED);
	m->vmemmap.unused_pmd_start = 0;
}

/* __vmemmap_use_sub_pmd: one zeroed struct page keeps the PMD in use */
static void use_sub_pmd_mark(struct machine *m, uint64_t start)
{
	vmemmap_memset(m, start, m->sps, 0);
}

static void unused_use_sub_pmd(struct machine *m, uint64_t start, uint64_t end)
{
	if (m->vmemmap.unused_pmd_start == start) {
		m->vmemmap.unused_pmd_start = IS_PMD_ALIGNED(end) ? 0 : end;
		return;
	}
	vmemmap_flush_unused_pmd(m);
	use_sub_pmd_mark(m, start);
}

static void unused_use_new_sub_pmd(struct machine *m, uint64_t start, uint64_t end)
{
	uint64_t page = PMD_ALIGN_DOWN(start);

	vmemmap_flush_unused_pmd(m);
	use_sub_pmd_mark(m, start);
	if (!IS_PMD_ALIGNED(start))
		vmemmap_memset(m, page, start - page, PAGE_UNUSED);
	if (!IS_PMD_ALIGNED(end))
		m->vmemmap.unused_pmd_start = end;
}

static bool unused_pmd_is_unused(struct machine *m, uint64_t addr, uint64_t end)
{
	uint64_t start = PMD_ALIGN_DOWN(addr);

	vmemmap_flush_unused_pmd(m);
	vmemmap_memset(m, addr, end - addr, PAGE_UNUSED);
	return vmemmap_count_byte(m, start, PMD_SIZE, PAGE_UNUSED) == PMD_SIZE;
}

static void leak_use_sub_pmd(struct machine *m, uint64_t start, uint64_t end)
{
}

/* 5.11 remove_pmd_table: fill the removed range, free only an all-0xFD PMD */
static bool leak_pmd_is_unused(struct machine *m, uint64_t addr, uint64_t end)
{
	vmemmap_memset(m, addr, end - addr, PAGE_UNUSED);
	return vmemmap_count_byte(m, PMD_ALIGN_DOWN(addr), PMD_SIZE, PAGE_UNUSED) == PMD_SIZE;
}

static const struct policy vmemmap_subpmd_policies[] = {
	{
		.name = "unused-0xfd",
		.summary = "mark unused parts of a vmemmap PMD 0xFD, free it when all of it is",
		.models = "Linux 5.12-6.1 (8d400913c231, faf1c0008a33; Debian 6.1.192)",
		.ops = &(const struct vmemmap_subpmd_ops){
			.use_new_sub_pmd = unused_use_new_sub_pmd,
			.use_sub_pmd = unused_use_sub_pmd,
			.pmd_is_unused = unused_pmd_is_unused,
		},
	},
	{
		.name = "leak",
		.summary = "no marking: a vmemmap PMD a memmap fills in part is never freed",
		.models = "Linux 5.11 and before (the code 8d400913c231 replaced)",
		.ops = &(const struct vmemmap_subpmd_ops){
			.use_new_sub_pmd = leak_use_sub_pmd,
			.use_sub_pmd = leak_use_sub_pmd,
			.pmd_is_unused = leak_pmd_is_unused,
		},
	},
};

/* -------------------------------------------------------------------------
 * What `mmsim compare` prints for the family (policy.h)
 */
static long fig_census(struct machine *m, size_t off)
{
	struct vmemmap_census c;

	vmemmap_census(m, &c);
	if (off == offsetof(struct vmemmap_census, bytes_marked))
		return (long)c.bytes_marked;
	return (long)*(const unsigned long *)((const char *)&c + off);
}

static long fig_pmds(struct machine *m, int nid)
{
	return fig_census(m, offsetof(struct vmemmap_census, pmds));
}

static long fig_pmds_marked(struct machine *m, int nid)
{
	return fig_census(m, offsetof(struct vmemmap_census, pmds_marked));
}

static long fig_bytes_marked(struct machine *m, int nid)
{
	return fig_census(m, offsetof(struct vmemmap_census, bytes_marked));
}

static long fig_pmds_leaked(struct machine *m, int nid)
{
	return fig_census(m, offsetof(struct vmemmap_census, pmds_leaked));
}

static long fig_pages(struct machine *m, int nid)
{
	return fig_census(m, offsetof(struct vmemmap_census, pages));
}

static long fig_pmds_freed(struct machine *m, int nid)
{
	return (long)m->vmemmap.pmds_freed;
}

static const struct policy_figure vmemmap_subpmd_figures[] = {
	{ "vmemmap PMDs mapped", fig_pmds, false },
	{ "vmemmap PMDs with bytes marked 0xFD", fig_pmds_marked, false },
	{ "vmemmap bytes marked 0xFD", fig_bytes_marked, false },
	{ "vmemmap PMDs leaked", fig_pmds_leaked, false },
	{ "vmemmap PMDs freed", fig_pmds_freed, false },
	{ "vmemmap pages mapped", fig_pages, false },
	{ NULL, NULL, false },
};

const struct policy_family policy_family_vmemmap_subpmd = {
	.name = "vmemmap-subpmd",
	.summary = "vmemmap PMDs a memmap fills in part: marked 0xFD and freed, or leaked",
	.policies = vmemmap_subpmd_policies,
	.nr_policies = ARRAY_SIZE(vmemmap_subpmd_policies),
	.default_idx = 0,
	.figures = vmemmap_subpmd_figures,
};
