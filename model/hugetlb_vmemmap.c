// SPDX-License-Identifier: GPL-2.0-only
/*
 * hugetlb_vmemmap.c - HugeTLB Vmemmap Optimization.  Placeholder until the
 * page-table based mechanism lands: nothing is optimised yet.
 */
#include "hugetlb_vmemmap.h"

unsigned long hugetlb_vmemmap_size(struct machine *m, const struct hstate *h)
{
	return pages_per_huge_page(h) * m->sps;
}

unsigned long hugetlb_vmemmap_optimizable_size(struct machine *m, const struct hstate *h)
{
	(void)m;
	(void)h;
	return 0;
}

void hugetlb_vmemmap_optimize(struct machine *m, const struct hstate *h, unsigned long head)
{
	(void)m;
	(void)h;
	(void)head;
}

int hugetlb_vmemmap_restore(struct machine *m, const struct hstate *h, unsigned long head)
{
	(void)m;
	(void)h;
	(void)head;
	return 0;
}

bool hugetlb_vmemmap_enabled(struct machine *m)
{
	return m->opts.hugetlb_free_vmemmap;
}

void hugetlb_vmemmap_set_enabled(struct machine *m, bool on)
{
	m->opts.hugetlb_free_vmemmap = on;
}
