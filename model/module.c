// SPDX-License-Identifier: GPL-2.0-only
/*
 * module.c - the list of model modules (see module.h).
 *
 * One F(name) per module; F(hugetlb) refers to
 * `const struct mm_module mm_module_hugetlb`, defined in the module's own
 * file.  The order is the order of `print counters`, of `mmsim policies`
 * and of file lookups.
 */
#include "module.h"

#define MM_MODULES(F)	\
	F(vmstat)	\
	F(hugetlb)	\
	F(hugetlb_vmemmap)

#define MM_MODULE_DECLARE(n)	extern const struct mm_module mm_module_##n;
#define MM_MODULE_REF(n)	&mm_module_##n,
MM_MODULES(MM_MODULE_DECLARE)

static const struct mm_module *const mm_modules[] = {
	MM_MODULES(MM_MODULE_REF)
};

size_t mm_nr_modules(void)
{
	return sizeof(mm_modules) / sizeof(mm_modules[0]);
}

const struct mm_module *mm_module_at(size_t i)
{
	return i < mm_nr_modules() ? mm_modules[i] : NULL;
}
