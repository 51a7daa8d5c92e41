// SPDX-License-Identifier: GPL-2.0-only
/*
 * races.c - the registry of named race scenarios (races.h) and the
 * helpers their definitions share (races_int.h).
 *
 * The definitions live by subject in races_*.c: HVO and the seed-000
 * review (races_hvo.c), user faults and mremap (races_fault.c),
 * khugepaged's retraction and the uprobe collapse (races_khugepaged.c),
 * hugetlb's faults and mremap (races_hugetlb.c), hotplug against page
 * walks and HVO (races_hotplug.c), and the lock races (races_locks.c).
 */
#include <stdio.h>
#include <string.h>

#include "races_int.h"
#include "host.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "task.h"
#include "vmstat.h"

static const struct race_def *const races[] = {
	&race_hvo_get_put,
	&race_hvo_frozen_gup,
	&race_hvo_memory_failure,
	&race_hvo_boot_get_put,
	&race_hvo_remove_memory,
	&race_check_stale_tlb_write,
	&race_check_freed_frame_write,
	&race_fault_write_write,
	&race_fault_write_read,
	&race_fault_write_write_cold,
	&race_fault_write_read_cold,
	&race_fault_munmap,
	&race_fault_munmap_no_mmap_lock,
	&race_mremap_store,
	&race_mremap_store_no_mmap_lock,
	&race_retract_cow_fault,
	&race_retract_read_fault,
	&race_retract_cow_fault_unlock_early,
	&race_retract_read_fault_unlock_early,
	&race_retract_lockless_walker,
	&race_retract_lockless_walker_no_grace_period,
	&race_uprobe_khugepaged,
	&race_uprobe_madv_collapse,
	&race_uprobe_madv_collapse_no_subpage_check,
	&race_hugetlb_fault_shared_ww,
	&race_hugetlb_fault_shared_wr,
	&race_hugetlb_fault_private_ww,
	&race_hugetlb_mremap_fault,
	&race_hugetlb_mremap_fault_no_vma_lock,
	&race_hugetlb_mremap_shareable_fault,
	&race_hugetlb_mremap_shareable_fault_no_locks,
	&race_ptdump_remove_memory,
	&race_ptdump_remove_memory_no_online_mems,
	&race_page_lock_increment,
	&race_page_lock_abba,
	&race_hotplug_lock_reader,
	&race_hotplug_lock_unlocked_reader,
};

size_t race_count(void)
{
	return ARRAY_SIZE(races);
}

const struct race_def *race_at(size_t i)
{
	return i < ARRAY_SIZE(races) ? races[i] : NULL;
}

const struct race_def *race_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(races); i++)
		if (!strcmp(races[i]->name, name))
			return races[i];
	return NULL;
}

const struct race_def *race_find_test(const char *test, const struct race_expect **e)
{
	for (size_t i = 0; i < ARRAY_SIZE(races); i++)
		for (unsigned int k = 0; k < races[i]->nr_expect; k++)
			if (races[i]->expect[k].test && !strcmp(races[i]->expect[k].test, test)) {
				*e = &races[i]->expect[k];
				return races[i];
			}
	*e = NULL;
	return NULL;
}

const struct race_expect *race_expect_for(const struct race_def *r, const char *policy)
{
	for (unsigned int k = 0; k < r->nr_expect; k++) {
		const char *p = r->expect[k].policy;

		if ((!p && !policy) || (p && policy && !strcmp(p, policy)))
			return &r->expect[k];
	}
	return NULL;
}

int race_prepare(struct race_inst *ri, const struct race_def *r, const struct policy_set *picks,
		 const struct race_expect *e, char *err, size_t errlen)
{
	const struct policy_family *fam = NULL;
	struct race_base *b;
	struct policy_set resolved;

	memset(ri, 0, sizeof(*ri));
	if (r->family) {
		fam = policy_family_find(r->family, strlen(r->family));
		if (!fam) {
			snprintf(err, errlen, "race %s: no policy family '%s'", r->name, r->family);
			return -1;
		}
	}
	ri->cfg = host_malloc(r->cfg_size, "preparing a race");
	memcpy(ri->cfg, r->cfg, r->cfg_size);
	b = ri->cfg;
	memset(b, 0, sizeof(*b));
	if (fam && e && e->policy && !policy_set_pick(&b->policies, r->family, e->policy)) {
		snprintf(err, errlen, "race %s: %s has no entry '%s'", r->name, r->family,
			 e->policy);
		race_release(ri);
		return -1;
	}
	policy_set_merge(&b->policies, picks);
	if (!policy_set_resolve(&resolved, &b->policies, err, errlen)) {
		race_release(ri);
		return -1;
	}
	b->policy = fam ? policy_set_get(&resolved, fam) : NULL;
	b->windows = e ? e->windows : r->windows;
	if (e && e->test)
		snprintf(ri->name, sizeof(ri->name), "%s", e->test);
	else if (b->policy)
		snprintf(ri->name, sizeof(ri->name), "%s (%s=%s)", r->name, r->family,
			 b->policy->name);
	else
		snprintf(ri->name, sizeof(ri->name), "%s", r->name);
	ri->t = (struct xp_test){
		.name = ri->name, .ncpus = r->ncpus, .setup = r->setup, .teardown = r->teardown,
		.invariant = r->invariant, .final = r->final, .sometimes = b->windows,
		.arg = ri->cfg,
		.expect_failure = e && e->fails, .expect_msg = e ? e->msg : NULL,
	};
	for (int c = 0; c < r->ncpus && c < 2; c++)
		ri->t.cpu[c] = r->cpu[c];
	return 0;
}

void race_release(struct race_inst *ri)
{
	host_free(ri->cfg);
	ri->cfg = NULL;
}

/* -------------------------------------------------------------------------
 * Helpers of the definitions
 */
void race_opts(struct machine_opts *o, int nodes, unsigned long mb_per_node, int cpus)
{
	machine_opts_default(o);
	o->nr_nodes = nodes;
	for (int n = 0; n < nodes; n++)
		o->node[n].mem_bytes = mb_per_node << 20;
	o->nr_holes = 0;
	o->bios_top_reserved = false;
	o->kernel_image_bytes = 0;
	o->nr_cpus = cpus;
	o->thp = false;
	o->no_kernel_alloc = true;	/* a bare allocator: no slab, stacks, hash tables */
}

struct machine *race_machine(struct xp_ctx *x, const struct race_base *b,
			     struct machine_opts *o)
{
	char err[256];
	struct machine *m;

	policy_set_merge(&o->policies, &b->policies);
	m = machine_create(o, err, sizeof(err));
	if (!m)
		xp_fail(x, "machine_create: %s", err);
	return m;
}

struct machine *race_small_machine(struct xp_ctx *x, const struct race_base *b, int cpus)
{
	struct machine_opts o;
	struct machine *m;

	race_opts(&o, 1, 64, cpus);
	m = race_machine(x, b, &o);
	if (m)
		m->thp_off_at_boot = false;
	return m;
}

void race_window(struct xp_ctx *x, const struct race_base *b, const char *name, bool cond)
{
	for (const char *const *w = b->windows; w && *w; w++)
		if (*w == name || !strcmp(*w, name)) {
			xp_sometimes_if(x, name, cond);
			return;
		}
}

long race_mmap_anon(struct machine *m, struct task *t, uint64_t addr, uint64_t len)
{
	return ksys_mmap_pgoff(m, t, addr, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

bool race_warm_up_cpu(struct machine *m, int cpu, uint64_t base, uint64_t stride)
{
	uint64_t len = 4 * PMD_SIZE;
	struct task *t;
	bool ok;
	int err;

	m->cur_cpu = cpu;
	t = task_create(m, "warm-up", &err);
	if (!t)
		return false;
	ok = race_mmap_anon(m, t, base, len) == (long)base;
	for (uint64_t a = base; ok && a < base + len; a += stride)
		ok = user_access(m, t->mm, a, true) == UA_OK;
	do_exit(m, t, 0);
	return ok;
}

bool race_stock_pcp(struct machine *m, int cpu)
{
	unsigned long pfn[16];
	unsigned int n;

	m->cur_cpu = cpu;
	for (n = 0; n < ARRAY_SIZE(pfn); n++) {
		pfn[n] = __alloc_pages(m, GFP_KERNEL, 0, 0);
		if (pfn[n] == PFN_NONE)
			break;
	}
	for (unsigned int i = 0; i < n; i++)
		__free_pages(m, pfn[i], 0);
	return n == ARRAY_SIZE(pfn);
}

bool race_pcp_untouched(struct xp_ctx *x, struct machine *m, unsigned long buddy0)
{
	if (global_zone_page_state(m, NR_FREE_PAGES) == buddy0)
		return true;
	xp_fail(x, "the race moved pages between the buddy and pcp lists, which have no "
		"zone lock under the explorer: stock the pcp lists better in setup");
	return false;
}

uint64_t race_pmd_entry(struct machine *m, struct mm_struct *mm, uint64_t va)
{
	unsigned long table;
	unsigned int idx;

	if (!pmd_slot(m, mm, va, false, &table, &idx, NULL))
		return 0;
	return pt_read(m, table, idx);
}

unsigned long race_pmd_table(struct machine *m, struct mm_struct *mm, uint64_t va)
{
	unsigned long table;
	unsigned int idx;

	return pmd_slot(m, mm, va, false, &table, &idx, NULL) ? table : PFN_NONE;
}

unsigned long race_pte_table(struct machine *m, struct mm_struct *mm, uint64_t va)
{
	pteval_t e = race_pmd_entry(m, mm, va);

	return pte_present(e) && !pmd_leaf(e) ? pte_pfn(e) : PFN_NONE;
}

bool race_flag_set(void *arg)
{
	return *(long *)arg != 0;
}
