// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore_cmd.c - `mmsim explore`: a named race of the library (races.h)
 * from the command line, against any entry of its policy family.
 *
 *   mmsim explore --list
 *   mmsim explore RACE [--policy FAMILY=NAME]... [--budget N] [--replay STRING]
 *                      [--condensed|--full]
 *
 * The search is the race tests' own (DPOR, every schedule), or at most N
 * schedules with --budget; --replay runs one schedule string instead.  It
 * prints the race, the search's statistics, the verdict (clean, with the
 * number of schedules explored and the windows opened, or the failure
 * with its message), the replay string and the failing run's trace,
 * condensed by default: the schedule is replayed once more with every
 * step's address described in the model's terms (explore_describe.c).
 *
 * Exit status, as the other commands: 0 clean (also when --budget cut the
 * search short: the output says so), 1 a failure found (or reproduced by
 * --replay), 2 bad usage or input: an unknown race, family or entry, a
 * bad or diverging replay string, a race that cannot be set up under the
 * policies picked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore_int.h"
#include "host.h"
#include "races.h"
#include "scn.h"

static const char explore_usage[] =
	"usage: mmsim explore --list\n"
	"       mmsim explore RACE [--policy FAMILY=NAME]... [--budget N] [--replay STRING]\n"
	"                          [--condensed|--full]\n";

static int explore_error(FILE *err, const char *fmt, const char *arg)
{
	fputs("mmsim explore: ", err);
	fprintf(err, fmt, arg);
	fputc('\n', err);
	fputs(explore_usage, err);
	return SCN_BAD_INPUT;
}

static void print_list(FILE *out)
{
	for (size_t i = 0; i < race_count(); i++) {
		const struct race_def *r = race_at(i);

		fprintf(out, "%-40s %-15s %s\n", r->name, r->family ? r->family : "-", r->summary);
	}
}

static void print_expectations(FILE *out, const struct race_def *r)
{
	fprintf(out, "expected:");
	for (unsigned int k = 0; k < r->nr_expect; k++) {
		const struct race_expect *e = &r->expect[k];

		fprintf(out, "%s %s%s%s", k ? ";" : "", e->policy ? e->policy : "",
			e->policy ? " " : "", e->fails ? "fails" : "clean");
		if (e->fails && e->msg)
			fprintf(out, " ('%s')", e->msg);
		if (e->note)
			fprintf(out, " [%s]", e->note);
	}
	fprintf(out, "\n");
}

/* The failure and its trace, the replay string */
static void print_failure(FILE *out, const struct race_def *r, const struct xp_result *res,
			  const struct xp_result *described, int argc, char **argv, bool full)
{
	const struct xp_result *t = described ? described : res;

	fprintf(out, "verdict: FAILED (%s): %s\n", xp_fail_kind_name(res->kind), res->msg);
	if (res->schedule) {
		fprintf(out, "replay: %s\n", res->schedule);
		fprintf(out, "  mmsim explore %s", r->name);
		for (int i = 3; i < argc; i++)
			if (!strncmp(argv[i], "--policy", 8)) {
				if (!strcmp(argv[i], "--policy") && i + 1 < argc)
					fprintf(out, " --policy %s", argv[++i]);
				else
					fprintf(out, " %s", argv[i]);
			}
		fprintf(out, " --replay '%s'\n", res->schedule);
		fprintf(out, "  (in the tests: MMSIM_REPLAY='%s' MMSIM_REPLAY_TEST=NAME)\n",
			res->schedule);
	}
	if (!t->ntrace)
		return;
	if (full) {
		fprintf(out, "trace: %zu steps, %u preemptions (*):\n", t->ntrace, t->preemptions);
		xp_print_trace(out, t, "  ");
	} else {
		xp_print_condensed(out, t);
	}
}

static void print_windows(FILE *out, const struct xp_result *res)
{
	for (unsigned int i = 0; i < res->nwindows; i++)
		fprintf(out, "window %s: %s (%lu)\n",
			res->windows[i].hits ? "opened" : "never opened", res->windows[i].name,
			res->windows[i].hits);
}

int explore_main(int argc, char **argv, FILE *out, FILE *err)
{
	const char *name = NULL, *replay = NULL;
	struct policy_set picks = { 0 };
	unsigned long budget = 0;
	bool full = false, list = false;
	const struct race_def *r;
	const struct race_expect *e;
	struct race_inst ri;
	struct xp_opts o;
	struct xp_result res, described;
	bool have_described = false;
	char msg[256];
	int rc;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

		if (!strcmp(a, "--list")) {
			list = true;
		} else if (!strcmp(a, "--full")) {
			full = true;
		} else if (!strcmp(a, "--condensed")) {
			full = false;
		} else if (!strncmp(a, "--policy", 8) || !strncmp(a, "--budget", 8) ||
			   !strncmp(a, "--replay", 8)) {
			char opt[16];

			snprintf(opt, sizeof(opt), "%.8s", a);
			if (a[8] == '=')
				v = a + 9;
			else if (!a[8] && i + 1 < argc)
				v = argv[++i];
			else if (!a[8])
				return explore_error(err, "%s needs a value", opt);
			else
				return explore_error(err, "unknown option '%s'", a);
			if (!strcmp(opt, "--policy")) {
				const struct policy_family *f;
				const struct policy *p;
				size_t pos;

				if (!policy_parse_one(v, &f, &p, msg, sizeof(msg), &pos))
					return explore_error(err, "--policy: %s", msg);
				policy_set_put(&picks, f, p);
			} else if (!strcmp(opt, "--budget")) {
				char *end;

				budget = strtoul(v, &end, 10);
				if (!*v || *end || !budget || *v == '-')
					return explore_error(err, "--budget: expected a number of "
							     "schedules above 0, not '%s'", v);
			} else {
				replay = v;
			}
		} else if (a[0] == '-') {
			return explore_error(err, "unknown option '%s'", a);
		} else if (name) {
			return explore_error(err, "unexpected argument '%s' (one race per run)", a);
		} else {
			name = a;
		}
	}
	if (list) {
		if (name || replay || budget || picks.n)
			return explore_error(err, "%s takes nothing else", "--list");
		print_list(out);
		return 0;
	}
	if (!name)
		return explore_error(err, "%s", "missing RACE (mmsim explore --list lists them)");
	if (replay) {
		struct xp_parsed p;

		if (xp_parse_schedule(replay, &p, msg, sizeof(msg)))
			return explore_error(err, "--replay: %s", msg);
		host_free(p.choices);
	}
	r = race_find(name);
	if (!r) {
		fprintf(err, "mmsim explore: no race '%s'; the races are:\n", name);
		print_list(err);
		return SCN_BAD_INPUT;
	}
	if (race_prepare(&ri, r, &picks, NULL, msg, sizeof(msg))) {
		fprintf(err, "mmsim explore: %s\n", msg);
		return SCN_BAD_INPUT;
	}
	e = ((struct race_base *)ri.cfg)->policy ?
	    race_expect_for(r, ((struct race_base *)ri.cfg)->policy->name) :
	    race_expect_for(r, NULL);

	fprintf(out, "race: %s", r->name);
	if (r->family)
		fprintf(out, " (%s=%s)", r->family, ((struct race_base *)ri.cfg)->policy->name);
	fprintf(out, ": %s\n", r->summary);
	for (int c = 0; c < r->ncpus && c < 2; c++)
		fprintf(out, "  cpu%d: %s\n", c, r->cpu_text[c]);
	print_expectations(out, r);

	o = ri.t.opts;
	o.max_schedules = budget;
	o.replay = replay;
	o.describe = replay != NULL && !full;
	xp_explore(&ri.t, &o, &res);
	xp_print_stats(out, r->name, &o, &res);

	switch (res.kind) {
	case XP_OK:
	case XP_FAIL_SOMETIMES:
		if (replay)
			fprintf(out, "verdict: clean: the replayed schedule ran without a "
				"failure\n");
		else if (res.stats.complete)
			fprintf(out, "verdict: clean: no failure in %lu schedules, every schedule "
				"explored\n", res.stats.schedules);
		else
			fprintf(out, "verdict: clean as far as it went: no failure in %lu "
				"schedules; the search was cut short by --budget %lu, so this is "
				"no proof\n",
				res.stats.schedules, budget);
		if (!replay)
			print_windows(out, &res);
		rc = 0;
		break;
	case XP_FAIL_USAGE:
	case XP_FAIL_DIVERGED:
		fprintf(err, "mmsim explore: %s: %s%s\n", r->name,
			res.kind == XP_FAIL_DIVERGED ? "replay diverged: " : "", res.msg);
		rc = SCN_BAD_INPUT;
		break;
	default:
		/* the failing run again, its steps described as they run */
		if (!replay && !full && res.schedule) {
			struct xp_opts d = o;

			d.replay = res.schedule;
			d.describe = true;
			d.max_schedules = 0;
			xp_explore(&ri.t, &d, &described);
			have_described = described.kind == res.kind;
			if (!have_described)
				xp_result_free(&described);
		}
		print_failure(out, r, &res, have_described ? &described : NULL, argc, argv, full);
		rc = 1;
		break;
	}
	if (e && rc != SCN_BAD_INPUT && !replay) {
		bool as = (rc == 1) == e->fails &&
			  (!e->fails || !e->msg || strstr(res.msg, e->msg));

		fprintf(out, "%s\n", as ? "as expected" : "NOT as expected");
	}
	if (have_described)
		xp_result_free(&described);
	xp_result_free(&res);
	race_release(&ri);
	return rc;
}
