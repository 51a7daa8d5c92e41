// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_scn_run.c - libFuzzer target: parse a scenario and run it on a
 * small machine, with the invariant checker after every step.
 *
 * The input is scenario text.  One that does not parse, describes a
 * machine or a workload over the FUZZ_MAX_* caps below is skipped and
 * kept out of the corpus.  The rest runs with scn_run, output
 * captured (out/err NULL), `check` on, so mm_check_invariants runs after
 * every step.  The outcome of the run decides:
 *
 *   SCN_OK, SCN_BAD_INPUT      nothing to see (bad input is exit 2: the
 *                              machine refused to boot, an unknown file...)
 *   SCN_FAILED, SCN_FAIL_EXPECT   an expect did not hold: the scenario's
 *                              verdict, not a finding
 *   SCN_FAILED, SCN_FAIL_KERNEL   the simulated kernel hit a BUG, a WARNING
 *                              or a fault: a finding
 *   SCN_FAILED, SCN_FAIL_INVARIANT  a counter drifted from the lists it
 *                              summarises: a finding
 *
 * A finding prints the run's stderr and aborts, so libFuzzer saves the
 * input as crash-<sha1>; so does any sanitizer report.
 *
 * Scripts that pick a policy entry modelling a patch whose failures are
 * the point (hugetlb-mremap=move-v1's BUG_ON, move-noclear's underflow:
 * known_failing() below), or that override an entry another pick implies
 * (pagewalk-lock=6.1 under hvo=new-head-6.12), are kept out too: their
 * simulated kernel failures are the outcome they exist to show, not
 * findings.  So is a failure 6.1 itself has under every policy
 * (known_kernel_hazard()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policy.h"

/*
 * The caps.  A bigger machine is not more interesting to the parser or to
 * the allocator's state machine, only slower, and the fuzzer's worth is in
 * executions per second.  Measured in this build (ASan, UBSan, coverage)
 * on the project's 2-core machines: a boot costs 5-15 ms whatever the
 * size, mostly first touches of the model's 2 MiB slabs, which ASan maps
 * afresh for every machine; each allocation a fill makes costs about
 * 7 us.  128 MiB is the smallest machine with a Normal zone (swiotlb
 * takes 64 MiB below 4 GiB; a `hole` moves the rest above).  The fills of
 * a script may try as many allocations as two fills of the whole machine
 * (64K, ~0.5 s): enough for `until=` fills, not for `tries=4000000000`.
 * The caps also keep the fuzzer off known defects it would otherwise hit
 * on every other input (the boot hang when the physical end wraps 2^64,
 * host OOM aborts on terabyte machines).  Build with -DFUZZ_MAX_MEM=...
 * to try bigger machines.
 */
#define FUZZ_MAX_NODES		2
#define FUZZ_MAX_CPUS		4
#ifndef FUZZ_MAX_MEM
#define FUZZ_MAX_MEM		(128UL << 20)	/* all nodes together */
#endif
#define FUZZ_MAX_PHYS		(8UL << 30)	/* highest hole end, reserve end */
#define FUZZ_MAX_ATTEMPTS	(2 * (FUZZ_MAX_MEM >> PAGE_SHIFT))	/* all fills together */

static bool small_machine(const struct machine_opts *o)
{
	unsigned long mem = 0;

	if (o->nr_nodes > FUZZ_MAX_NODES || o->nr_cpus > FUZZ_MAX_CPUS)
		return false;
	for (int n = 0; n < o->nr_nodes; n++) {
		if (o->node[n].mem_bytes > FUZZ_MAX_MEM)
			return false;
		mem += o->node[n].mem_bytes;
	}
	if (mem > FUZZ_MAX_MEM || o->kernel_image_bytes > FUZZ_MAX_MEM)
		return false;
	for (int i = 0; i < o->nr_holes; i++)
		if (o->hole[i].end > FUZZ_MAX_PHYS)
			return false;
	for (int i = 0; i < o->nr_reserves; i++)
		if (o->reserve[i].start > FUZZ_MAX_PHYS || o->reserve[i].size > FUZZ_MAX_PHYS)
			return false;
	return true;
}

/*
 * Memory the script hot-adds (`memory add`, a write to memory/probe) ends
 * below FUZZ_MAX_PHYS too: onlined far up, it would stretch a zone's span
 * (and the checker's bitmap over it) to terabytes.
 */
static bool small_hotadd(const struct scn_stmt *st)
{
	unsigned long long v;
	char *end;

	if (st->verb == SCN_MEMORY)
		return st->offset + st->count <= FUZZ_MAX_PHYS;
	if (st->verb != SCN_STORE || strcmp(st->path, "/sys/devices/system/memory/probe"))
		return true;
	v = strtoull(st->text, &end, 0);
	return v < FUZZ_MAX_PHYS;
}

/*
 * Allocation attempts of the script's fills: count= and tries= say it;
 * until= fills at most the node (or the machine), one block at a time.
 */
static bool small_workload(const struct scn_script *s)
{
	unsigned long pages = 0, attempts = 0;

	for (int n = 0; n < s->opts.nr_nodes; n++)
		pages += s->opts.node[n].mem_bytes >> PAGE_SHIFT;
	for (int i = 0; i < s->nstmts; i++) {
		const struct scn_stmt *st = &s->stmts[i];
		unsigned long a;

		if (!small_hotadd(st))
			return false;
		if (st->verb != SCN_FILL)
			continue;
		if (st->mode == SCN_FILL_COUNT || st->mode == SCN_FILL_TRIES)
			a = st->count;
		else if (st->node >= 0)
			a = (s->opts.node[st->node].mem_bytes >> PAGE_SHIFT >> st->order) + 1;
		else
			a = (pages >> st->order) + 1;
		if (a > FUZZ_MAX_ATTEMPTS - attempts)
			return false;
		attempts += a;
	}
	return true;
}

/*
 * Does the script pick an entry whose simulated kernel failures are its
 * behaviour, or override what another pick implies (a 6.12 HVO on 6.1's
 * page walker: pagewalk-lock=6.1 with hvo=new-head-6.12 warns by design)?
 */
static bool known_failing(const struct scn_script *s)
{
	static const char *const entries[] = { "move-v1", "move-noclear" };
	const struct policy_family *f = policy_family_find("hugetlb-mremap", 14);
	const struct policy *p = f ? policy_set_get(&s->policies, f) : NULL;

	for (size_t i = 0; p && i < sizeof(entries) / sizeof(entries[0]); i++)
		if (!strcmp(p->name, entries[i]))
			return true;
	for (unsigned int i = 0; i < s->policies.n; i++) {
		const struct policy *implied = policy_set_implied(&s->policies,
								  s->policies.sel[i].family);

		if (implied && implied != s->policies.sel[i].policy)
			return true;
	}
	return false;
}

static bool env_on(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

/* MMSIM_FUZZ_VERBOSE=1: print every run's outcome and output (to look at a reproducer) */
static bool verbose(void)
{
	static int v = -1;

	if (v < 0)
		v = env_on("MMSIM_FUZZ_VERBOSE");
	return v;
}

/*
 * MMSIM_FUZZ_TWICE=1: run every script a second time and compare: the
 * same script and seed must give byte-identical output.  Off by default,
 * since it halves the executions per second.
 */
static bool twice(void)
{
	static int v = -1;

	if (v < 0)
		v = env_on("MMSIM_FUZZ_TWICE");
	return v;
}

static const char *sb_str(const struct sbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

/*
 * A simulated kernel failure that is 6.1's own behaviour under any policy,
 * not a finding: a sub-section's base-page populate that meets a huge
 * vmemmap PMD (struct pages of 56 or 72 bytes; model/sparse.c,
 * docs/model-notes.md).
 */
static bool known_kernel_hazard(const struct scn_result *r)
{
	return r->fail == SCN_FAIL_KERNEL && strstr(sb_str(&r->err), "pte_offset_kernel()");
}

static void check_repeat(const struct scn_script *s, const struct scn_run_opts *o,
			 const struct scn_result *r1)
{
	struct scn_result r2;

	scn_result_init(&r2);
	scn_run(s, o, &r2);
	if (r2.status != r1->status || r2.fail != r1->fail ||
	    strcmp(sb_str(&r1->out), sb_str(&r2.out)) || strcmp(sb_str(&r1->err), sb_str(&r2.err))) {
		fprintf(stderr, "fuzz_scn_run: the same script ran twice differently\n"
			"--- first run: status %d\n%s%s--- second run: status %d\n%s%s",
			r1->status, sb_str(&r1->out), sb_str(&r1->err), r2.status,
			sb_str(&r2.out), sb_str(&r2.err));
		abort();
	}
	scn_result_free(&r2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_run_opts o = { .check = true };
	char *text = fuzz_cstr(data, size);
	struct scn_script *s = NULL;
	struct scn_result r;
	struct scn_diag d;

	if (fuzz_replay_ok(text))
		s = scn_parse_string(FUZZ_SCN_FILE, text, &d);
	free(text);
	/*
	 * -1: keep the input out of the corpus.  Parser coverage is
	 * fuzz_scn_parse's job; here the corpus holds scripts that run.
	 */
	if (!s)
		return -1;
	if (!small_machine(&s->opts) || !small_workload(s) || known_failing(s)) {
		scn_script_free(s);
		return -1;
	}
	scn_result_init(&r);
	scn_run(s, &o, &r);
	if (verbose())
		fprintf(stderr, "fuzz_scn_run: status %d fail %d\n--- stdout\n%s--- stderr\n%s",
			r.status, r.fail, sb_str(&r.out), sb_str(&r.err));
	if (r.status == SCN_FAILED && r.fail != SCN_FAIL_EXPECT && !known_kernel_hazard(&r)) {
		fprintf(stderr, "fuzz_scn_run: %s\n%s",
			r.fail == SCN_FAIL_INVARIANT ? "invariant broken" :
			r.fail == SCN_FAIL_KERNEL ? "simulated kernel failure" :
			"status 1 without a reason", sb_str(&r.err));
		abort();
	}
	if (twice())
		check_repeat(s, &o, &r);
	scn_result_free(&r);
	scn_script_free(s);
	return 0;
}
