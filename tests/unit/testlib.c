// SPDX-License-Identifier: GPL-2.0-only
/*
 * testlib.c - small machines for unit tests (see testlib.h).
 */
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "check.h"

void t_opts(struct machine_opts *o, int nodes, unsigned long mb_per_node, int cpus)
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

struct machine *t_boot(const struct machine_opts *o)
{
	char err[256];
	struct machine *m = machine_create(o, err, sizeof(err));

	if (!m)
		fail_msg("machine_create: %s", err);
	/*
	 * Test machines are small, and 6.1's hugepage_init starts THP off
	 * below 512 MiB of RAM; tests written for THP get it on at any size,
	 * as an admin's write to `enabled` would, without its min_free_kbytes
	 * raise (t_opts keeps that off too).  test_huge_memory tests the
	 * cut-off itself with machine_create.
	 */
	m->thp_off_at_boot = false;
	return m;
}

struct machine *t_machine(int nodes, unsigned long mb_per_node, int cpus)
{
	struct machine_opts o;

	t_opts(&o, nodes, mb_per_node, cpus);
	return t_boot(&o);
}

void t_check(struct machine *m)
{
	char err[512];

	if (!mm_check_invariants(m, err, sizeof(err)))
		fail_msg("invariant broken: %s", err);
}

unsigned long t_nr_free(struct machine *m, int nid, int zid, unsigned int order)
{
	return zone_of(m, nid, zid)->free_area[order].nr_free;
}

unsigned long t_nr_free_mt(struct machine *m, int nid, int zid, unsigned int order, int mt)
{
	return zone_of(m, nid, zid)->free_area[order].nr_free_mt[mt];
}

unsigned long t_zone_start(struct machine *m, int nid, int zid)
{
	return zone_of(m, nid, zid)->zone_start_pfn;
}
