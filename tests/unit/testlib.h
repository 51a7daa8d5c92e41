/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * testlib.h - small machines for unit tests.
 *
 * t_opts() gives a machine without holes, reservations, kernel image or
 * the kernel's own boot allocations (kernel_alloc=n), so
 * a test knows exactly which pfns are free after boot; tests add what they
 * need on top and call t_boot().
 */
#ifndef MMSIM_TESTLIB_H
#define MMSIM_TESTLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "machine.h"
#include "page.h"
#include "page_alloc.h"

/* One node of mb MiB (or nodes of mb each), no holes, no kernel image */
void t_opts(struct machine_opts *o, int nodes, unsigned long mb_per_node, int cpus);
struct machine *t_boot(const struct machine_opts *o);
struct machine *t_machine(int nodes, unsigned long mb_per_node, int cpus);
/* Fails the test with the checker's message if any invariant is broken */
void t_check(struct machine *m);
/* Sum of free blocks of one order over all types in a zone */
unsigned long t_nr_free(struct machine *m, int nid, int zid, unsigned int order);
unsigned long t_nr_free_mt(struct machine *m, int nid, int zid, unsigned int order, int mt);
/* First pfn of a zone */
unsigned long t_zone_start(struct machine *m, int nid, int zid);

#endif /* MMSIM_TESTLIB_H */
