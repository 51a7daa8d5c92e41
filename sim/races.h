/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * races.h - the library of named race scenarios the explorer runs.
 *
 * Each race is one registry entry (struct race_def): a name, the policy
 * family it varies (or none), its CPUs' bodies, setup and checks, the
 * windows (xp_sometimes points) a search must open, and the verdict
 * expected under each policy the race has been checked against.  The
 * same entries run
 *   - as CMocka race tests (tests/races/: one test per expected verdict,
 *     named by race_expect.test), and
 *   - from the command line: `mmsim explore RACE [--policy FAM=NAME]`
 *     (sim/explore_cmd.c), against any entry of the race's family.
 *
 * A race's configuration (struct race_def.cfg, cfg_size bytes) starts with
 * a struct race_base; race_prepare() copies it, fills the base with the
 * run's policies and windows, and builds the struct xp_test whose arg the
 * copy is.  The bodies keep their per-schedule state in the copy, as the
 * race tests always did in their static structs.
 */
#ifndef MMSIM_RACES_H
#define MMSIM_RACES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "explore.h"
#include "policy.h"

/* What a race expects under one entry of its family */
struct race_expect {
	const char *policy;		/* entry of the race's family; NULL: no family */
	bool fails;			/* the search finds a failing schedule */
	const char *msg;		/* ... whose message contains this */
	const char *const *windows;	/* a clean search must open these (NULL: none) */
	const char *test;		/* the CMocka test checking it (tests/races/) */
	const char *note;		/* a caveat `mmsim explore` prints with it */
	bool one_schedule;		/* clean in a single schedule: the CPUs never
					 * overlap (a test then need not see more) */
};

struct race_def {
	const char *name;		/* "hvo-get-put": [a-z0-9-]+ */
	const char *family;		/* the family it varies, NULL: none */
	const char *summary;		/* one line */
	const char *cpu_text[2];	/* what CPU0 and CPU1 do, one line each */
	const void *cfg;		/* initial configuration, starts with race_base */
	size_t cfg_size;
	int ncpus;
	xp_setup_fn setup;
	xp_body_fn teardown, invariant, final;
	xp_body_fn cpu[2];
	const char *const *windows;	/* every window the bodies check (NULL: none) */
	const struct race_expect *expect;
	unsigned int nr_expect;
};

/*
 * The first member of every race configuration: filled by race_prepare.
 * policies: the picks the race's machine is created with (race_machine).
 * windows: the windows this run checks; a window not in it is not checked.
 */
struct race_base {
	struct policy_set policies;
	const char *const *windows;
	const struct policy *policy;	/* the entry of the race's family, NULL: none */
};

size_t race_count(void);
const struct race_def *race_at(size_t i);
const struct race_def *race_find(const char *name);
/* The race and expectation a CMocka test name stands for, or NULL */
const struct race_def *race_find_test(const char *test, const struct race_expect **e);
/* The expectation for entry @policy of the race's family, or NULL */
const struct race_expect *race_expect_for(const struct race_def *r, const char *policy);

/* One runnable instance of a race */
struct race_inst {
	struct xp_test t;
	void *cfg;			/* the configuration copy, the test's arg */
	char name[96];
};

/*
 * Build an instance: @picks (may be NULL) are the machine's policy picks;
 * the race's family gets @e's entry if @e says one and @picks do not.
 * With @e, the test expects @e's verdict and checks @e's windows (the
 * CMocka tests); without, every window of the race is checked (the
 * command line, which reports them rather than failing on them).
 * Returns -1 with @err filled when a pick names no such family or entry.
 */
int race_prepare(struct race_inst *ri, const struct race_def *r, const struct policy_set *picks,
		 const struct race_expect *e, char *err, size_t errlen);
void race_release(struct race_inst *ri);

/* `mmsim explore ...` (explore_cmd.c): argv[1] is "explore"; returns the exit status */
int explore_main(int argc, char **argv, FILE *out, FILE *err);

#endif /* MMSIM_RACES_H */
