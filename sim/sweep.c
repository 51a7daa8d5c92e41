// SPDX-License-Identifier: GPL-2.0-only
/*
 * sweep.c - `mmsim sweep`: a scenario over the grid of policies x seeds x
 * values of its variables, run as jobs (locally, -j at a time, or by GNU
 * parallel or Slurm from a job list this writes), and the statistics of
 * every figure per cell against the baseline policy (sweep.h).
 *
 * A job is one run: compare's run core on a grid of one combination, the
 * seed and the variables' values set.  Its result is a text file any
 * engine can carry back:
 *
 *	mmsim-sweep-result 1
 *	mmsim VERSION
 *	scenario FILE
 *	grid --policy<TAB>hvo=a,b<TAB>--seeds<TAB>1..10	(the grid's options)
 *	job N
 *	run hvo=a seed=3 MEM=8G
 *	status ok|failed|bad-input
 *	machine yes|no
 *	fig<TAB>VALUE<TAB>LABEL			(one per figure; VALUE or "never")
 *	end
 *
 * so collect needs nothing but the files: the grid comes from the "grid"
 * line, a file without its "end" line is ignored as unfinished, and the
 * jobs no file answers are reported as missing.  Cells are listed by
 * variable values (the first --set varying slowest), then policy
 * combination (the first --policy slowest), so the output is the same
 * whatever order the jobs finished in.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compare.h"
#include "hash.h"
#include "host.h"
#include "cli.h"
#include "policy.h"
#include "progress.h"
#include "scn.h"
#include "stats.h"
#include "sweep.h"

#define SWEEP_MAX_JOBS		1000000UL
#define SWEEP_MAX_SEEDS		100000U
#define SWEEP_MAX_VALUES	64U
#define SWEEP_MAGIC		"mmsim-sweep-result 1"

/* -------------------------------------------------------------------------
 * The grid
 */
struct sweep_var {
	char name[SCN_VAR_NAME_MAX];
	char *value[SWEEP_MAX_VALUES];
	unsigned int nr;
};

struct sweep_grid {
	char *file;
	struct sbuf spec;		/* the grid's options, tab-separated */
	struct cmp_grid pol;		/* the families varied and their picks */
	uint64_t *seeds;
	unsigned int nr_seeds;
	char *seeds_text;		/* as given, for headers */
	struct sweep_var var[SCN_SET_MAX];
	unsigned int nr_vars;
	unsigned int nr_pols, nr_sets;
	unsigned long nr_jobs;
};

static void grid_free(struct sweep_grid *g)
{
	host_free(g->file);
	sb_free(&g->spec);
	host_free(g->seeds);
	host_free(g->seeds_text);
	for (unsigned int i = 0; i < g->nr_vars; i++)
		for (unsigned int j = 0; j < g->var[i].nr; j++)
			host_free(g->var[i].value[j]);
	memset(g, 0, sizeof(*g));
}

bool sweep_parse_seeds(const char *s, uint64_t **seeds, unsigned int *nr, unsigned int max,
		       char *err, size_t errlen)
{
	const char *p = s;

	*seeds = NULL;
	*nr = 0;
	if (!*s) {
		snprintf(err, errlen, "--seeds: empty list");
		return false;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		char part[64], *dots;
		uint64_t lo, hi;
		const char *why;

		if (!n || n >= sizeof(part)) {
			snprintf(err, errlen, "--seeds '%s': expected N, A..B or a list of them", s);
			goto bad;
		}
		snprintf(part, sizeof(part), "%.*s", (int)n, p);
		dots = strstr(part, "..");
		if (dots)
			*dots = '\0';
		if (!scn_parse_u64(part, &lo, &why) ||
		    (dots && !scn_parse_u64(dots + 2, &hi, &why))) {
			snprintf(err, errlen, "--seeds '%s': %s", s, why);
			goto bad;
		}
		if (!dots)
			hi = lo;
		if (hi < lo) {
			snprintf(err, errlen, "--seeds '%s': %s..%s is empty", s, part, dots + 2);
			goto bad;
		}
		if (hi - lo >= max || *nr + (hi - lo) >= max) {
			snprintf(err, errlen, "--seeds '%s': more than %u seeds", s, max);
			goto bad;
		}
		for (uint64_t v = lo;; v++) {
			for (unsigned int i = 0; i < *nr; i++)
				if ((*seeds)[i] == v) {
					snprintf(err, errlen, "--seeds '%s': seed %" PRIu64 " twice", s,
						 v);
					goto bad;
				}
			*seeds = host_reallocarray(*seeds, *nr + 1, sizeof(**seeds), "a sweep");
			(*seeds)[(*nr)++] = v;
			if (v == hi)
				break;
		}
		p += n + (p[n] == ',');
		if (p[-1] == ',' && !*p) {
			snprintf(err, errlen, "--seeds '%s': a trailing ','", s);
			goto bad;
		}
	}
	return true;
bad:
	host_free(*seeds);
	*seeds = NULL;
	*nr = 0;
	return false;
}

static bool grid_policy(struct sweep_grid *g, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	const struct policy_family *fam;
	int idx;

	if (!eq) {
		snprintf(err, errlen, "--policy '%s': expected FAMILY=A,B,...", spec);
		return false;
	}
	fam = policy_family_find(spec, (size_t)(eq - spec));
	if (!fam) {
		snprintf(err, errlen, "--policy: unknown policy family '%.*s'", (int)(eq - spec),
			 spec);
		return false;
	}
	idx = cmp_grid_add_family(&g->pol, fam);
	if (idx == -EEXIST) {
		snprintf(err, errlen, "--policy given twice for %s: name every policy in one "
			 "--policy FAMILY=A,B,...", fam->name);
		return false;
	}
	if (idx < 0) {
		snprintf(err, errlen, "at most %d --policy options, one per family", CMP_MAX_AXES);
		return false;
	}
	for (const char *p = eq + 1; *p;) {
		size_t n = strcspn(p, ",");
		const struct policy *pol = policy_find(fam, p, n);
		struct cmp_axis *ax = &g->pol.axis[idx];

		if (!pol) {
			snprintf(err, errlen, "unknown %s policy '%.*s'", fam->name, (int)n, p);
			return false;
		}
		for (unsigned int i = 0; i < ax->nr; i++)
			if (ax->pick[i] == pol) {
				snprintf(err, errlen, "--policy: %s=%s named twice", fam->name,
					 pol->name);
				return false;
			}
		if (cmp_axis_add(ax, pol)) {
			snprintf(err, errlen, "at most %d policies per family", CMP_MAX_RUNS);
			return false;
		}
		p += n + (p[n] == ',');
	}
	if (!g->pol.axis[idx].nr) {
		snprintf(err, errlen, "--policy '%s' names no policy", spec);
		return false;
	}
	return true;
}

static bool grid_set(struct sweep_grid *g, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	struct sweep_var *v;

	if (!eq || eq == spec || (size_t)(eq - spec) >= SCN_VAR_NAME_MAX) {
		snprintf(err, errlen, "--set '%s': expected NAME=VALUE,VALUE,...", spec);
		return false;
	}
	if (g->nr_vars == SCN_SET_MAX) {
		snprintf(err, errlen, "at most %d --set options", SCN_SET_MAX);
		return false;
	}
	v = &g->var[g->nr_vars];
	snprintf(v->name, sizeof(v->name), "%.*s", (int)(eq - spec), spec);
	if (!scn_is_ident(v->name)) {
		snprintf(err, errlen, "--set: '%s' is not a variable name", v->name);
		return false;
	}
	for (unsigned int i = 0; i < g->nr_vars; i++)
		if (!strcmp(g->var[i].name, v->name)) {
			snprintf(err, errlen, "--set given twice for %s: name every value in one "
				 "--set NAME=A,B,...", v->name);
			return false;
		}
	for (const char *p = eq + 1;;) {
		size_t n = strcspn(p, ",");
		char val[SCN_VAR_VALUE_MAX];
		int bad;

		snprintf(val, sizeof(val), "%.*s", (int)n, p);
		bad = scn_var_value_bad(val);
		if (n >= sizeof(val) || bad >= 0) {
			snprintf(err, errlen, "--set %s: bad value '%.*s' (a value is one word, "
				 "not empty, without blanks, quotes, '$', '#', '>', ';' ...)",
				 v->name, (int)n, p);
			goto bad;
		}
		for (unsigned int i = 0; i < v->nr; i++)
			if (!strcmp(v->value[i], val)) {
				snprintf(err, errlen, "--set %s: value '%s' twice", v->name, val);
				goto bad;
			}
		if (v->nr == SWEEP_MAX_VALUES) {
			snprintf(err, errlen, "--set %s: at most %u values", v->name,
				 SWEEP_MAX_VALUES);
			goto bad;
		}
		v->value[v->nr++] = host_strdup(val, "a sweep");
		if (!p[n])
			break;
		p += n + 1;
	}
	g->nr_vars++;
	return true;
bad:
	for (unsigned int i = 0; i < v->nr; i++)
		host_free(v->value[i]);
	v->nr = 0;
	return false;
}

/* 1: a grid option, taken; 0: not one; -1: bad (err filled) */
static int grid_option(struct sweep_grid *g, const char *opt, const char *val, char *err,
		       size_t errlen)
{
	bool ok;

	if (!strcmp(opt, "--policy")) {
		ok = grid_policy(g, val, err, errlen);
	} else if (!strcmp(opt, "--seeds")) {
		if (g->seeds) {
			snprintf(err, errlen, "--seeds given twice");
			return -1;
		}
		ok = sweep_parse_seeds(val, &g->seeds, &g->nr_seeds, SWEEP_MAX_SEEDS, err, errlen);
		if (ok)
			g->seeds_text = host_strdup(val, "a sweep");
	} else if (!strcmp(opt, "--set")) {
		ok = grid_set(g, val, err, errlen);
	} else {
		return 0;
	}
	if (!ok)
		return -1;
	sb_printf(&g->spec, "%s%s\t%s", g->spec.len ? "\t" : "", opt, val);
	return 1;
}

static bool grid_finish(struct sweep_grid *g, char *err, size_t errlen)
{
	uint64_t jobs;

	if (!g->pol.nr_axes) {
		snprintf(err, errlen, "missing --policy FAMILY=A,B,...");
		return false;
	}
	if (!g->seeds) {
		snprintf(err, errlen, "missing --seeds LIST (e.g. --seeds 1..10)");
		return false;
	}
	if (cmp_grid_nr_runs(&g->pol) > CMP_MAX_RUNS * CMP_MAX_RUNS) {
		snprintf(err, errlen, "at most %d policy combinations", CMP_MAX_RUNS * CMP_MAX_RUNS);
		return false;
	}
	g->nr_pols = (unsigned int)cmp_grid_nr_runs(&g->pol);
	g->nr_sets = 1;
	jobs = (uint64_t)g->nr_pols * g->nr_seeds;
	for (unsigned int i = 0; i < g->nr_vars; i++) {
		g->nr_sets *= g->var[i].nr;
		jobs *= g->var[i].nr;
		if (jobs > SWEEP_MAX_JOBS)
			break;
	}
	if (jobs > SWEEP_MAX_JOBS) {
		snprintf(err, errlen, "the grid has more than %lu runs", SWEEP_MAX_JOBS);
		return false;
	}
	g->nr_jobs = (unsigned long)jobs;
	return true;
}

/* Rebuild a grid from a result's "grid" line */
static bool grid_from_spec(struct sweep_grid *g, const char *file, const char *spec, char *err,
			   size_t errlen)
{
	char *copy = host_strdup(spec, "a sweep"), *save = NULL;
	char *opt = strtok_r(copy, "\t", &save);
	bool ok = true;

	memset(g, 0, sizeof(*g));
	sb_init(&g->spec);
	g->file = host_strdup(file, "a sweep");
	while (ok && opt) {
		char *val = strtok_r(NULL, "\t", &save);

		if (!val || grid_option(g, opt, val, err, errlen) != 1) {
			if (val)
				snprintf(err + strlen(err), errlen - strlen(err), " (in a grid line)");
			else
				snprintf(err, errlen, "malformed grid line");
			ok = false;
		}
		opt = strtok_r(NULL, "\t", &save);
	}
	host_free(copy);
	return ok && grid_finish(g, err, errlen);
}

/* What job @job runs */
struct job_desc {
	unsigned int set, pol, seed_idx;
	uint64_t seed;
	const struct policy *pick[CMP_MAX_AXES];
	unsigned int value[SCN_SET_MAX];	/* per variable, the value's index */
	char pols[160];				/* "a/b" */
	char label[512];			/* "hvo=a seed=3 MEM=8G" */
};

static void pol_combination(const struct sweep_grid *g, unsigned int pol,
			    const struct policy **pick, char *label, size_t len)
{
	size_t used = 0;

	for (unsigned int a = g->pol.nr_axes; a-- > 0;) {
		pick[a] = g->pol.axis[a].pick[pol % g->pol.axis[a].nr];
		pol /= g->pol.axis[a].nr;
	}
	label[0] = '\0';
	for (unsigned int a = 0; a < g->pol.nr_axes && used < len; a++)
		used += (size_t)snprintf(label + used, len - used, "%s%s", a ? "/" : "",
					 pick[a]->name);
}

static void set_values(const struct sweep_grid *g, unsigned int set, unsigned int *value)
{
	for (unsigned int v = g->nr_vars; v-- > 0;) {
		value[v] = set % g->var[v].nr;
		set /= g->var[v].nr;
	}
}

/* "MEM=8G NODES=2" of a set of values; "" without variables */
static void set_label(const struct sweep_grid *g, unsigned int set, char *buf, size_t len)
{
	unsigned int value[SCN_SET_MAX];
	size_t used = 0;

	set_values(g, set, value);
	buf[0] = '\0';
	for (unsigned int v = 0; v < g->nr_vars && used < len; v++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", v ? " " : "",
					 g->var[v].name, g->var[v].value[value[v]]);
}

static void job_describe(const struct sweep_grid *g, unsigned long job, struct job_desc *d)
{
	size_t used = 0;
	char sl[256];

	memset(d, 0, sizeof(*d));
	d->seed_idx = (unsigned int)(job % g->nr_seeds);
	job /= g->nr_seeds;
	d->pol = (unsigned int)(job % g->nr_pols);
	d->set = (unsigned int)(job / g->nr_pols);
	d->seed = g->seeds[d->seed_idx];
	pol_combination(g, d->pol, d->pick, d->pols, sizeof(d->pols));
	set_values(g, d->set, d->value);
	for (unsigned int a = 0; a < g->pol.nr_axes; a++)
		used += (size_t)snprintf(d->label + used, sizeof(d->label) - used, "%s%s=%s",
					 a ? " " : "", g->pol.axis[a].family->name,
					 d->pick[a]->name);
	set_label(g, d->set, sl, sizeof(sl));
	snprintf(d->label + used, sizeof(d->label) - used, " seed=%" PRIu64 "%s%s", d->seed,
		 *sl ? " " : "", sl);
}

static void job_vars(const struct sweep_grid *g, const struct job_desc *d, struct scn_vars *vars)
{
	char err[256];

	memset(vars, 0, sizeof(*vars));
	for (unsigned int v = 0; v < g->nr_vars; v++) {
		bool ok = scn_vars_put(vars, g->var[v].name, g->var[v].value[d->value[v]], err,
				       sizeof(err));

		(void)ok;	/* names and values were checked by grid_set */
	}
}

/* -------------------------------------------------------------------------
 * One job: a run, and its result
 */
struct job_ctx {
	const struct scn_script *s;
	struct scn_run_opts o;
	const struct job_desc *d;
	unsigned long job;
};

static enum scn_status job_run_fn(void *priv, const struct policy_set *set,
				  void (*at_end)(void *arg, struct machine *m), void *arg)
{
	const struct job_ctx *c = priv;
	struct scn_run_opts o = c->o;
	struct scn_result r;
	enum scn_status st;

	o.policies = set;
	o.at_end = at_end;
	o.at_end_arg = arg;
	scn_result_init(&r);
	st = scn_run(c->s, &o, &r);
	if (st != SCN_OK)
		fprintf(stderr, "mmsim: sweep: job %lu (%s): %s", c->job, c->d->label,
			r.err.len ? r.err.buf : "run failed\n");
	scn_result_free(&r);
	return st;
}

static void result_head(struct sbuf *sb, const struct sweep_grid *g, unsigned long job,
			const struct job_desc *d, enum scn_status st, bool machine)
{
	sb_printf(sb, "%s\nmmsim %s\nscenario %s\ngrid %s\njob %lu\nrun %s\nstatus %s\n"
		  "machine %s\n", SWEEP_MAGIC, MMSIM_VERSION, g->file, g->spec.buf, job, d->label,
		  scn_status_name(st), machine ? "yes" : "no");
}

/* Write @sb to @dir/job-N.result through a temporary name, or to stdout */
static bool write_result(const struct sbuf *sb, const char *dir, unsigned long job)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 64];
	FILE *f;

	if (!dir) {
		fwrite(sb->buf, 1, sb->len, stdout);
		return fflush(stdout) == 0;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "mmsim: sweep: %s: %s\n", dir, strerror(errno));
		return false;
	}
	snprintf(path, sizeof(path), "%s/job-%06lu.result", dir, job);
	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "mmsim: sweep: %s: %s\n", tmp, strerror(errno));
		return false;
	}
	fwrite(sb->buf, 1, sb->len, f);
	if (fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "mmsim: sweep: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return false;
	}
	return true;
}

static int run_job(const struct sweep_grid *g, unsigned long job, const char *out_dir,
		   enum scn_check_mode check)
{
	struct job_desc d;
	struct scn_vars vars;
	struct cmp_grid one = { 0 };
	struct cmp_table t;
	struct job_ctx c = { .d = &d, .job = job };
	struct scn_script *s;
	struct scn_diag diag;
	struct sbuf sb;
	enum scn_status st;

	job_describe(g, job, &d);
	job_vars(g, &d, &vars);
	sb_init(&sb);
	s = scn_parse_file_set(g->file, &vars, &diag);
	if (!s) {
		scn_diag_format(&diag, &sb);
		fprintf(stderr, "mmsim: sweep: job %lu (%s): %s", job, d.label, sb.buf);
		sb_reset(&sb);
		result_head(&sb, g, job, &d, SCN_BAD_INPUT, false);
		sb_puts(&sb, "end\n");
		st = write_result(&sb, out_dir, job) ? SCN_BAD_INPUT : SCN_FAILED;
		sb_free(&sb);
		return st;
	}
	for (unsigned int a = 0; a < g->pol.nr_axes; a++) {
		int idx = cmp_grid_add_family(&one, g->pol.axis[a].family);

		cmp_axis_add(&one.axis[idx], d.pick[a]);
	}
	c.s = s;
	c.o.quiet = true;
	c.o.check = check;
	c.o.seed = d.seed;
	c.o.seed_set = true;
	cmp_table_build(&t, &one, job_run_fn, &c);
	scn_script_free(s);

	st = t.run[0].status;
	result_head(&sb, g, job, &d, st, t.run[0].read);
	for (unsigned int k = 0; k < t.nr_rows; k++) {
		long v = t.rows[k].v[0];

		if (!t.rows[k].have[0])
			continue;	/* a figure this run did not read */

		if (v == POLICY_FIG_NEVER)
			sb_printf(&sb, "fig\tnever\t%s\n", t.rows[k].key);
		else
			sb_printf(&sb, "fig\t%ld\t%s\n", v, t.rows[k].key);
	}
	sb_puts(&sb, "end\n");
	cmp_table_free(&t);
	if (!write_result(&sb, out_dir, job))
		st = SCN_FAILED;
	sb_free(&sb);
	return (int)st;
}

/* -------------------------------------------------------------------------
 * Collecting results
 */
struct fig_name {
	char *label;
	unsigned int id;		/* in reading order */
	unsigned int order;		/* in output order */
	UT_hash_handle hh;
};

struct job_result {
	bool present;
	enum scn_status status;
	bool machine;
	unsigned int nfig;
	unsigned int *fig;		/* figure ids */
	long *val;			/* POLICY_FIG_NEVER: never */
	char *from;			/* the file */
};

struct sweep_results {
	struct sweep_grid g;
	bool have_grid;
	char *version;
	struct job_result *job;
	struct fig_name *names;		/* by label */
	struct fig_name **by_id;
	unsigned int nfigs;
	unsigned int *order;		/* output position -> id */
	unsigned long present, duplicates, ignored;
	char err[512];
};

static void results_free(struct sweep_results *r)
{
	struct fig_name *n, *tmp;

	if (r->job)
		for (unsigned long j = 0; j < r->g.nr_jobs; j++) {
			host_free(r->job[j].fig);
			host_free(r->job[j].val);
			host_free(r->job[j].from);
		}
	host_free(r->job);
	HASH_ITER(hh, r->names, n, tmp) {
		HASH_DEL(r->names, n);
		host_free(n->label);
		host_free(n);
	}
	host_free(r->by_id);
	host_free(r->order);
	host_free(r->version);
	grid_free(&r->g);
}

static unsigned int fig_id(struct sweep_results *r, const char *label)
{
	struct fig_name *n;

	HASH_FIND_STR(r->names, label, n);
	if (n)
		return n->id;
	n = host_calloc(1, sizeof(*n), "collecting a sweep");
	n->label = host_strdup(label, "collecting a sweep");
	n->id = r->nfigs++;
	HASH_ADD_KEYPTR(hh, r->names, n->label, strlen(n->label), n);
	r->by_id = host_reallocarray(r->by_id, r->nfigs, sizeof(*r->by_id), "collecting a sweep");
	r->by_id[n->id] = n;
	return n->id;
}

/* The value after "KEY " on line @l, or NULL */
static const char *field(const char *l, const char *key)
{
	size_t n = strlen(key);

	return !strncmp(l, key, n) && l[n] == ' ' ? l + n + 1 : NULL;
}

/*
 * One result file's text: false when it is not one (no magic, no end),
 * or with r->err set when it belongs to another sweep.
 */
static bool read_result(struct sweep_results *r, const char *path, char *text)
{
	char *save = NULL, *l = strtok_r(text, "\n", &save);
	const char *scenario = NULL, *grid = NULL, *version = NULL, *v;
	unsigned long job = ULONG_MAX;
	enum scn_status st = SCN_BAD_INPUT;
	bool machine = false, end = false, status = false;
	unsigned int nfig = 0, *fig = NULL;
	long *val = NULL;
	struct job_result *jr;

	if (!l || strcmp(l, SWEEP_MAGIC))
		return false;
	while ((l = strtok_r(NULL, "\n", &save))) {
		if ((v = field(l, "mmsim"))) {
			version = v;
		} else if ((v = field(l, "scenario"))) {
			scenario = v;
		} else if ((v = field(l, "grid"))) {
			grid = v;
		} else if ((v = field(l, "job"))) {
			char *e;

			errno = 0;
			job = strtoul(v, &e, 10);
			if (*e || errno)
				job = ULONG_MAX;
		} else if ((v = field(l, "status"))) {
			status = true;
			st = !strcmp(v, "ok") ? SCN_OK : !strcmp(v, "failed") ? SCN_FAILED
									       : SCN_BAD_INPUT;
		} else if ((v = field(l, "machine"))) {
			machine = !strcmp(v, "yes");
		} else if (!strncmp(l, "fig\t", 4)) {
			char *tab = strchr(l + 4, '\t'), *e;
			long x;

			if (!tab)
				continue;
			*tab = '\0';
			if (!strcmp(l + 4, "never")) {
				x = POLICY_FIG_NEVER;
			} else {
				errno = 0;
				x = strtol(l + 4, &e, 10);
				if (*e || errno)
					continue;
			}
			fig = host_reallocarray(fig, nfig + 1, sizeof(*fig), "collecting a sweep");
			val = host_reallocarray(val, nfig + 1, sizeof(*val), "collecting a sweep");
			fig[nfig] = fig_id(r, tab + 1);
			val[nfig++] = x;
		} else if (!strcmp(l, "end")) {
			end = true;
		}
	}
	if (!end || !scenario || !grid || !status || job == ULONG_MAX) {
		host_free(fig);
		host_free(val);
		return false;
	}
	if (!r->have_grid) {
		char err[256] = "";

		if (!grid_from_spec(&r->g, scenario, grid, err, sizeof(err))) {
			snprintf(r->err, sizeof(r->err), "%.200s: %.200s", path, err);
			grid_free(&r->g);
			goto out;
		}
		r->have_grid = true;
		r->version = host_strdup(version ? version : "?", "collecting a sweep");
		r->job = host_calloc(r->g.nr_jobs, sizeof(*r->job), "collecting a sweep");
	} else if (strcmp(scenario, r->g.file) || strcmp(grid, r->g.spec.buf)) {
		snprintf(r->err, sizeof(r->err), "%.150s is a result of another sweep (%.150s, not %.150s)",
			 path, strcmp(scenario, r->g.file) ? scenario : "another grid", r->g.file);
		goto out;
	}
	if (job >= r->g.nr_jobs) {
		snprintf(r->err, sizeof(r->err), "%.300s: job %lu, but the grid has %lu", path, job,
			 r->g.nr_jobs);
		goto out;
	}
	jr = &r->job[job];
	if (jr->present) {
		/* the same job twice (a rerun): the first file in path order counts */
		r->duplicates++;
		goto out;
	}
	jr->present = true;
	jr->status = st;
	jr->machine = machine;
	jr->nfig = nfig;
	jr->fig = fig;
	jr->val = val;
	jr->from = host_strdup(path, "collecting a sweep");
	r->present++;
	return true;
out:
	host_free(fig);
	host_free(val);
	return true;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every result file under @dir, in path order, depth first */
static void scan_dir(struct sweep_results *r, const char *dir, int depth)
{
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		if (!depth)
			snprintf(r->err, sizeof(r->err), "%s: %s", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		names = host_reallocarray(names, n + 1, sizeof(*names), "collecting a sweep");
		names[n++] = host_strdup(e->d_name, "collecting a sweep");
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && !r->err[0]; i++) {
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode) && depth < 8) {
			scan_dir(r, path, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			char head[sizeof(SWEEP_MAGIC)] = "";
			struct sbuf sb;
			FILE *f = fopen(path, "r");
			int errnum;

			if (!f)
				continue;
			if (!fgets(head, sizeof(head), f) || strcmp(head, SWEEP_MAGIC)) {
				fclose(f);
				continue;
			}
			fclose(f);
			sb_init(&sb);
			if (scn_read_text(path, &sb, &errnum) == SCN_READ_OK) {
				if (!read_result(r, path, sb.buf))
					r->ignored++;
			}
			sb_free(&sb);
		}
	}
	for (size_t i = 0; i < n; i++)
		host_free(names[i]);
	host_free(names);
}

/* Figures in output order: as the lowest job having each lists them */
static void order_figures(struct sweep_results *r)
{
	bool *seen = host_calloc(r->nfigs ? r->nfigs : 1, sizeof(*seen), "collecting a sweep");
	unsigned int n = 0;

	r->order = host_calloc(r->nfigs ? r->nfigs : 1, sizeof(*r->order), "collecting a sweep");
	for (unsigned long j = 0; j < r->g.nr_jobs; j++)
		for (unsigned int k = 0; k < r->job[j].nfig; k++) {
			unsigned int id = r->job[j].fig[k];

			if (!seen[id]) {
				seen[id] = true;
				r->by_id[id]->order = n;
				r->order[n++] = id;
			}
		}
	host_free(seen);
}

static bool collect(struct sweep_results *r, const char *dir)
{
	memset(r, 0, sizeof(*r));
	sb_init(&r->g.spec);
	scan_dir(r, dir, 0);
	if (r->err[0])
		return false;
	if (!r->have_grid) {
		snprintf(r->err, sizeof(r->err), "%s: no sweep result in it", dir);
		return false;
	}
	order_figures(r);
	return true;
}

/* -------------------------------------------------------------------------
 * Statistics per cell
 */
enum sweep_test { TEST_WELCH, TEST_MW };

struct fig_stats {
	struct stats_summary sum;
	unsigned int never;		/* runs where it never happened */
	unsigned int runs;		/* runs with a machine */
	double *x;			/* the numbers, in seed order */
	bool constant_all;		/* (block) every run of every policy the same */
	struct stats_test welch, mw;
	double diff, pct;		/* mean - baseline mean; pct NaN: baseline 0 */
};

struct cell {
	unsigned int set, pol;
	unsigned int ok, failed, bad, missing;
	struct fig_stats *f;		/* [output position] */
};

/* The values of figure @id in cell (set, pol), seed order */
static void cell_values(const struct sweep_results *r, unsigned int set, unsigned int pol,
			unsigned int id, struct fig_stats *fs)
{
	const struct sweep_grid *g = &r->g;

	fs->x = host_calloc(g->nr_seeds, sizeof(*fs->x), "collecting a sweep");
	for (unsigned int s = 0; s < g->nr_seeds; s++) {
		unsigned long j = ((unsigned long)set * g->nr_pols + pol) * g->nr_seeds + s;
		const struct job_result *jr = &r->job[j];

		if (!jr->present || !jr->machine)
			continue;
		fs->runs++;
		for (unsigned int k = 0; k < jr->nfig; k++) {
			if (jr->fig[k] != id)
				continue;
			if (jr->val[k] == POLICY_FIG_NEVER)
				fs->never++;
			else
				fs->x[fs->sum.n++] = (double)jr->val[k];
			break;
		}
	}
	stats_summarise(fs->x, fs->sum.n, &fs->sum);
}

static struct cell *build_cells(const struct sweep_results *r)
{
	const struct sweep_grid *g = &r->g;
	unsigned int nc = g->nr_sets * g->nr_pols;
	struct cell *c = host_calloc(nc, sizeof(*c), "collecting a sweep");

	for (unsigned int i = 0; i < nc; i++) {
		c[i].set = i / g->nr_pols;
		c[i].pol = i % g->nr_pols;
		c[i].f = host_calloc(r->nfigs ? r->nfigs : 1, sizeof(*c[i].f), "collecting a sweep");
		for (unsigned int s = 0; s < g->nr_seeds; s++) {
			const struct job_result *jr = &r->job[(unsigned long)i * g->nr_seeds + s];

			if (!jr->present)
				c[i].missing++;
			else if (jr->status == SCN_OK)
				c[i].ok++;
			else if (jr->status == SCN_FAILED)
				c[i].failed++;
			else
				c[i].bad++;
		}
		for (unsigned int k = 0; k < r->nfigs; k++)
			cell_values(r, c[i].set, c[i].pol, r->order[k], &c[i].f[k]);
	}
	/* against the block's baseline (policy combination 0), and constancy */
	for (unsigned int i = 0; i < nc; i++) {
		const struct cell *base = &c[i - c[i].pol];

		for (unsigned int k = 0; k < r->nfigs; k++) {
			struct fig_stats *f = &c[i].f[k];
			const struct fig_stats *b = &base->f[k];

			f->diff = f->sum.mean - b->sum.mean;
			f->pct = b->sum.mean != 0 ? 100 * f->diff / fabs(b->sum.mean) : NAN;
			stats_welch(b->x, b->sum.n, f->x, f->sum.n, &f->welch);
			stats_mann_whitney(b->x, b->sum.n, f->x, f->sum.n, &f->mw);
		}
	}
	for (unsigned int set = 0; set < g->nr_sets; set++)
		for (unsigned int k = 0; k < r->nfigs; k++) {
			const struct fig_stats *f0 = &c[set * g->nr_pols].f[k];
			bool same = true;

			for (unsigned int p = 0; p < g->nr_pols && same; p++) {
				const struct fig_stats *f = &c[set * g->nr_pols + p].f[k];

				if (f->never != f0->never || f->sum.n != f0->sum.n)
					same = false;
				else if (f->sum.n && (f->sum.min != f->sum.max ||
						      f->sum.min != f0->sum.min))
					same = false;
			}
			for (unsigned int p = 0; p < g->nr_pols; p++)
				c[set * g->nr_pols + p].f[k].constant_all = same &&
					(f0->sum.n || f0->never);
		}
	return c;
}

static void cells_free(struct cell *c, unsigned int nc, unsigned int nfigs)
{
	for (unsigned int i = 0; i < nc; i++) {
		for (unsigned int k = 0; k < nfigs; k++)
			host_free(c[i].f[k].x);
		host_free(c[i].f);
	}
	host_free(c);
}

/* -------------------------------------------------------------------------
 * Text: 80 columns
 */
#define WIDTH	80

/* @v in at most @w characters if it can be: integers as such */
static void fmt_num(char *buf, size_t len, double v, int decimals, int w)
{
	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15)
		decimals = 0;
	for (int d = decimals; d >= 0; d--) {
		snprintf(buf, len, "%.*f", d, v);
		if ((int)strlen(buf) <= w)
			return;
	}
	snprintf(buf, len, "%.3g", v);
}

static void fmt_p(char *buf, size_t len, const struct stats_test *t)
{
	switch (t->verdict) {
	case STATS_IDENTICAL:
		snprintf(buf, len, "identical");
		break;
	case STATS_FIXED:
		snprintf(buf, len, "fixed");
		break;
	case STATS_TOO_FEW:
		snprintf(buf, len, "n<2");
		break;
	default:
		if (t->p < 0.001)
			snprintf(buf, len, "<0.001");
		else
			snprintf(buf, len, "%.3f", t->p);
	}
}

static void fmt_diff(char *buf, size_t len, const struct fig_stats *f)
{
	if (!f->sum.n)
		snprintf(buf, len, "-");
	else if (!isnan(f->pct))
		snprintf(buf, len, "%+.2f%%", f->pct);
	else
		snprintf(buf, len, "%+g", f->diff);	/* the baseline's mean is 0 */
}

/* Words of @text wrapped at WIDTH, every line after the first indented by @indent */
static void wrap(struct sbuf *sb, const char *text, int indent)
{
	int col = 0;

	/* leading blanks are kept */
	while (*text == ' ') {
		sb_puts(sb, " ");
		text++;
		col++;
	}
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, " ");

		if (col > indent && col + 1 + (int)n > WIDTH) {
			sb_printf(sb, "\n%*s", indent, "");
			col = indent;
		} else if (p != text) {
			sb_puts(sb, " ");
			col++;
		}
		sb_printf(sb, "%.*s", (int)n, p);
		col += (int)n;
		p += n;
		while (*p == ' ')
			p++;
	}
	sb_puts(sb, "\n");
}

enum { COL_N, COL_MIN, COL_MEDIAN, COL_MEAN, COL_STDDEV, COL_DIFF, COL_P, NR_COLS };

static const char *const col_head[NR_COLS] = { "n", "min", "median", "mean", "stddev",
					       "diff", "p" };

static void text_figure(struct sbuf *sb, const struct sweep_results *r, const struct cell *c,
			unsigned int k, enum sweep_test test)
{
	const struct sweep_grid *g = &r->g;
	char cellv[CMP_MAX_RUNS * CMP_MAX_RUNS][NR_COLS][32];
	const struct policy *pick[CMP_MAX_AXES];
	char label[160];
	int w[NR_COLS], lw = 6, rest = 0;
	unsigned int np = g->nr_pols;	/* at most CMP_MAX_RUNS^2 (grid_finish) */
	/* the same layout for every figure unless a value needs more */
	static const int min_w[NR_COLS] = { 3, 7, 7, 9, 7, 8, 9 };

	for (int i = 0; i < NR_COLS; i++)
		w[i] = min_w[i];
	for (unsigned int p = 0; p < np; p++) {
		const struct fig_stats *f = &c[p].f[k];

		snprintf(cellv[p][COL_N], 32, "%u", f->sum.n);
		if (f->sum.n) {
			fmt_num(cellv[p][COL_MIN], 32, f->sum.min, 1, 10);
			fmt_num(cellv[p][COL_MEDIAN], 32, f->sum.median, 1, 10);
			fmt_num(cellv[p][COL_MEAN], 32, f->sum.mean, 2, 11);
			fmt_num(cellv[p][COL_STDDEV], 32, f->sum.stddev, 2, 9);
		} else {
			for (int i = COL_MIN; i <= COL_STDDEV; i++)
				snprintf(cellv[p][i], 32, "%s", f->never ? "never" : "-");
		}
		if (p) {
			fmt_diff(cellv[p][COL_DIFF], 32, f);
			fmt_p(cellv[p][COL_P], 32, test == TEST_WELCH ? &f->welch : &f->mw);
		} else {
			cellv[p][COL_DIFF][0] = cellv[p][COL_P][0] = '\0';
		}
		for (int i = 0; i < NR_COLS; i++)
			if ((int)strlen(cellv[p][i]) > w[i])
				w[i] = (int)strlen(cellv[p][i]);
		pol_combination(g, p, pick, label, sizeof(label));
		if ((int)strlen(label) > lw)
			lw = (int)strlen(label);
	}
	for (int i = 0; i < NR_COLS; i++)
		rest += 1 + w[i];
	if (2 + lw + rest > WIDTH)
		lw = WIDTH - 2 - rest > 6 ? WIDTH - 2 - rest : 6;
	sb_printf(sb, "\n%s\n  %-*s", r->by_id[r->order[k]]->label, lw, "policy");
	for (int i = 0; i < NR_COLS; i++)
		sb_printf(sb, " %*s", w[i], col_head[i]);
	sb_puts(sb, "\n");
	for (unsigned int p = 0; p < np; p++) {
		const struct fig_stats *f = &c[p].f[k];
		size_t start;

		pol_combination(g, p, pick, label, sizeof(label));
		if ((int)strlen(label) > lw)
			sb_printf(sb, "  %s\n  %-*s", label, lw, "");
		else
			sb_printf(sb, "  %-*s", lw, label);
		start = sb->len;
		for (int i = 0; i < NR_COLS; i++)
			sb_printf(sb, " %*s", w[i], cellv[p][i]);
		/* no blanks at the end of the baseline's line */
		while (sb->len > start && sb->buf[sb->len - 1] == ' ')
			sb->buf[--sb->len] = '\0';
		sb_puts(sb, "\n");
		if (f->never && f->sum.n)
			sb_printf(sb, "  %-*s (and %u run%s where it never happened)\n", lw, "",
				  f->never, f->never == 1 ? "" : "s");
	}
}

static void runs_line(struct sbuf *sb, const struct sweep_results *r)
{
	unsigned long ok = 0, failed = 0, bad = 0, missing = 0;
	char line[256];

	for (unsigned long j = 0; j < r->g.nr_jobs; j++) {
		const struct job_result *jr = &r->job[j];

		if (!jr->present)
			missing++;
		else if (jr->status == SCN_OK)
			ok++;
		else if (jr->status == SCN_FAILED)
			failed++;
		else
			bad++;
	}
	snprintf(line, sizeof(line), "runs: %lu: %lu ok, %lu failed, %lu bad input, %lu missing",
		 r->g.nr_jobs, ok, failed, bad, missing);
	wrap(sb, line, 6);
}

/* The runs that did not end well, or are missing: at most 10 named */
static void problem_lines(struct sbuf *sb, const struct sweep_results *r)
{
	unsigned long shown = 0, total = 0;

	for (unsigned long j = 0; j < r->g.nr_jobs; j++) {
		const struct job_result *jr = &r->job[j];
		struct job_desc d;
		char line[640];

		if (jr->present && jr->status == SCN_OK)
			continue;
		total++;
		if (shown == 10)
			continue;
		shown++;
		job_describe(&r->g, j, &d);
		snprintf(line, sizeof(line), "  job %lu, %s: %s", j, d.label,
			 !jr->present ? "missing" : scn_status_name(jr->status));
		wrap(sb, line, 4);
	}
	if (total > shown)
		sb_printf(sb, "  ... and %lu more\n", total - shown);
}

static void sweep_text(struct sbuf *sb, const struct sweep_results *r, const struct cell *c,
		       enum sweep_test test)
{
	const struct sweep_grid *g = &r->g;
	struct sbuf line;
	char base[160];
	const struct policy *pick[CMP_MAX_AXES];

	sb_init(&line);
	sb_printf(&line, "mmsim sweep %s", g->file);
	wrap(sb, line.buf, 2);
	for (unsigned int a = 0; a < g->pol.nr_axes; a++) {
		sb_reset(&line);
		sb_printf(&line, "policies: %s=", g->pol.axis[a].family->name);
		for (unsigned int i = 0; i < g->pol.axis[a].nr; i++)
			sb_printf(&line, "%s%s", i ? "," : "", g->pol.axis[a].pick[i]->name);
		/* break the comma list at commas */
		for (char *p = line.buf; *p; p++)
			if (*p == ',')
				*p = '\x01';
		{
			struct sbuf w;

			sb_init(&w);
			for (char *p = line.buf; *p; p++)
				sb_printf(&w, "%s", *p == '\x01' ? ", " : (char[]){ *p, 0 });
			wrap(sb, w.buf, 10);
			sb_free(&w);
		}
	}
	sb_reset(&line);
	sb_printf(&line, "seeds: %s (%u per cell)", g->seeds_text, g->nr_seeds);
	wrap(sb, line.buf, 7);
	for (unsigned int v = 0; v < g->nr_vars; v++) {
		sb_reset(&line);
		sb_printf(&line, "%s:", g->var[v].name);
		for (unsigned int i = 0; i < g->var[v].nr; i++)
			sb_printf(&line, " %s", g->var[v].value[i]);
		wrap(sb, line.buf, 4);
	}
	runs_line(sb, r);
	problem_lines(sb, r);
	pol_combination(g, 0, pick, base, sizeof(base));
	sb_reset(&line);
	sb_printf(&line, "statistics over the seeds of each cell; diff: the difference of the "
		  "means against %s, in %% of its mean (absolute when that is 0); p: %s, "
		  "two-sided; identical: every run of both gave the same value; fixed: no "
		  "spread within either, so the difference is the same on every seed.", base,
		  test == TEST_WELCH ? "Welch's t-test" : "the Mann-Whitney U test");
	wrap(sb, line.buf, 0);
	sb_free(&line);

	for (unsigned int set = 0; set < g->nr_sets; set++) {
		const struct cell *cs = &c[set * g->nr_pols];
		char sl[256];
		bool any_same = false;

		set_label(g, set, sl, sizeof(sl));
		if (*sl)
			sb_printf(sb, "\n== %s ==\n", sl);
		for (unsigned int k = 0; k < r->nfigs; k++) {
			if (cs[0].f[k].constant_all && g->nr_pols > 1) {
				any_same = true;
				continue;
			}
			text_figure(sb, r, cs, k, test);
		}
		if (!any_same)
			continue;
		sb_puts(sb, "\nthe same in every run of every policy:\n");
		for (unsigned int pass = 0, lw = 0; pass < 2; pass++)
			for (unsigned int k = 0; k < r->nfigs; k++) {
				const struct fig_stats *f = &cs[0].f[k];
				const char *label = r->by_id[r->order[k]]->label;
				char v[32];

				if (!f->constant_all)
					continue;
				if (!pass) {
					if (strlen(label) > lw)
						lw = (unsigned int)strlen(label);
					continue;
				}
				if (f->sum.n)
					fmt_num(v, sizeof(v), f->sum.min, 0, 20);
				else
					snprintf(v, sizeof(v), "never");
				sb_printf(sb, "  %-*s %12s\n", lw + 12 + 3 > WIDTH ? 0 : (int)lw,
					  label, v);
			}
	}
}

/* -------------------------------------------------------------------------
 * JSON
 */
static void json_num(struct sbuf *sb, double v)
{
	if (isnan(v) || isinf(v))
		sb_puts(sb, "null");
	else if (v == floor(v) && fabs(v) < 1e15)
		sb_printf(sb, "%.0f", v);
	else
		sb_printf(sb, "%.10g", v);
}

static const char *verdict_name(enum stats_verdict v)
{
	switch (v) {
	case STATS_TESTED:
		return "tested";
	case STATS_IDENTICAL:
		return "identical";
	case STATS_FIXED:
		return "fixed";
	default:
		return "too-few";
	}
}

static void json_test(struct sbuf *sb, const char *name, const struct stats_test *t, bool welch)
{
	sb_printf(sb, "\"%s\": {\"verdict\": \"%s\", \"%s\": ", name, verdict_name(t->verdict),
		  welch ? "t" : "u");
	json_num(sb, t->verdict == STATS_TESTED || !welch ? t->stat : NAN);
	if (welch) {
		sb_puts(sb, ", \"df\": ");
		json_num(sb, t->verdict == STATS_TESTED ? t->df : NAN);
	} else {
		sb_printf(sb, ", \"exact\": %s", t->exact ? "true" : "false");
	}
	sb_puts(sb, ", \"p\": ");
	json_num(sb, t->p);
	sb_puts(sb, "}");
}

static void sweep_json(struct sbuf *sb, const struct sweep_results *r, const struct cell *c,
		       enum sweep_test test)
{
	const struct sweep_grid *g = &r->g;
	unsigned long ok = 0, failed = 0, bad = 0, missing = 0;

	sb_puts(sb, "{\n  \"scenario\": ");
	sb_json_str(sb, g->file);
	sb_puts(sb, ",\n  \"mmsim\": ");
	sb_json_str(sb, r->version);
	sb_puts(sb, ",\n  \"families\": {");
	for (unsigned int a = 0; a < g->pol.nr_axes; a++) {
		sb_puts(sb, a ? ", " : "");
		sb_json_str(sb, g->pol.axis[a].family->name);
		sb_puts(sb, ": [");
		for (unsigned int i = 0; i < g->pol.axis[a].nr; i++) {
			sb_puts(sb, i ? ", " : "");
			sb_json_str(sb, g->pol.axis[a].pick[i]->name);
		}
		sb_puts(sb, "]");
	}
	sb_puts(sb, "},\n  \"seeds\": [");
	for (unsigned int s = 0; s < g->nr_seeds; s++)
		sb_printf(sb, "%s%" PRIu64, s ? ", " : "", g->seeds[s]);
	sb_puts(sb, "],\n  \"variables\": {");
	for (unsigned int v = 0; v < g->nr_vars; v++) {
		sb_puts(sb, v ? ", " : "");
		sb_json_str(sb, g->var[v].name);
		sb_puts(sb, ": [");
		for (unsigned int i = 0; i < g->var[v].nr; i++) {
			sb_puts(sb, i ? ", " : "");
			sb_json_str(sb, g->var[v].value[i]);
		}
		sb_puts(sb, "]");
	}
	sb_printf(sb, "},\n  \"test\": \"%s\",\n", test == TEST_WELCH ? "welch" : "mann-whitney");
	for (unsigned long j = 0; j < g->nr_jobs; j++) {
		const struct job_result *jr = &r->job[j];

		if (!jr->present)
			missing++;
		else if (jr->status == SCN_OK)
			ok++;
		else if (jr->status == SCN_FAILED)
			failed++;
		else
			bad++;
	}
	sb_printf(sb, "  \"runs\": {\"total\": %lu, \"ok\": %lu, \"failed\": %lu, "
		  "\"bad-input\": %lu, \"missing\": %lu},\n  \"problems\": [", g->nr_jobs, ok,
		  failed, bad, missing);
	for (unsigned long j = 0, n = 0; j < g->nr_jobs; j++) {
		const struct job_result *jr = &r->job[j];
		struct job_desc d;

		if (jr->present && jr->status == SCN_OK)
			continue;
		job_describe(g, j, &d);
		sb_printf(sb, "%s\n    {\"job\": %lu, \"run\": ", n++ ? "," : "", j);
		sb_json_str(sb, d.label);
		sb_printf(sb, ", \"status\": \"%s\"}",
			  jr->present ? scn_status_name(jr->status) : "missing");
	}
	sb_puts(sb, "],\n  \"cells\": [\n");
	for (unsigned int i = 0; i < g->nr_sets * g->nr_pols; i++) {
		const struct cell *ce = &c[i];
		const struct policy *pick[CMP_MAX_AXES];
		unsigned int value[SCN_SET_MAX];
		char label[160];

		pol_combination(g, ce->pol, pick, label, sizeof(label));
		set_values(g, ce->set, value);
		sb_puts(sb, "    {\"set\": {");
		for (unsigned int v = 0; v < g->nr_vars; v++) {
			sb_puts(sb, v ? ", " : "");
			sb_json_str(sb, g->var[v].name);
			sb_puts(sb, ": ");
			sb_json_str(sb, g->var[v].value[value[v]]);
		}
		sb_puts(sb, "}, \"policy\": ");
		sb_json_str(sb, label);
		sb_puts(sb, ", \"policies\": {");
		for (unsigned int a = 0; a < g->pol.nr_axes; a++) {
			sb_puts(sb, a ? ", " : "");
			sb_json_str(sb, g->pol.axis[a].family->name);
			sb_puts(sb, ": ");
			sb_json_str(sb, pick[a]->name);
		}
		sb_printf(sb, "}, \"baseline\": %s,\n     \"runs\": {\"ok\": %u, \"failed\": %u, "
			  "\"bad-input\": %u, \"missing\": %u},\n     \"figures\": {",
			  ce->pol ? "false" : "true", ce->ok, ce->failed, ce->bad, ce->missing);
		for (unsigned int k = 0; k < r->nfigs; k++) {
			const struct fig_stats *f = &ce->f[k];

			sb_puts(sb, k ? ",\n       " : "\n       ");
			sb_json_str(sb, r->by_id[r->order[k]]->label);
			sb_printf(sb, ": {\"n\": %u, \"never\": %u", f->sum.n, f->never);
			sb_puts(sb, ", \"min\": ");
			json_num(sb, f->sum.n ? f->sum.min : NAN);
			sb_puts(sb, ", \"median\": ");
			json_num(sb, f->sum.n ? f->sum.median : NAN);
			sb_puts(sb, ", \"mean\": ");
			json_num(sb, f->sum.n ? f->sum.mean : NAN);
			sb_puts(sb, ", \"stddev\": ");
			json_num(sb, f->sum.n ? f->sum.stddev : NAN);
			sb_puts(sb, ", \"values\": [");
			for (unsigned int s = 0; s < f->sum.n; s++) {
				sb_puts(sb, s ? ", " : "");
				json_num(sb, f->x[s]);
			}
			sb_puts(sb, "]");
			if (ce->pol) {
				sb_puts(sb, ",\n         \"difference\": {\"mean\": ");
				json_num(sb, f->sum.n ? f->diff : NAN);
				sb_puts(sb, ", \"percent\": ");
				json_num(sb, f->sum.n ? f->pct : NAN);
				sb_puts(sb, ", ");
				json_test(sb, "welch", &f->welch, true);
				sb_puts(sb, ", ");
				json_test(sb, "mann_whitney", &f->mw, false);
				sb_puts(sb, "}");
			}
			sb_puts(sb, "}");
		}
		sb_printf(sb, "}}%s\n", i + 1 < g->nr_sets * g->nr_pols ? "," : "");
	}
	sb_puts(sb, "  ]\n}\n");
}

/* Print the collected results; the exit status: the worst run, 1 with missing runs */
static int report(const struct sweep_results *r, bool json, enum sweep_test test)
{
	struct cell *c = build_cells(r);
	struct sbuf out;
	int worst = 0;

	sb_init(&out);
	if (json)
		sweep_json(&out, r, c, test);
	else
		sweep_text(&out, r, c, test);
	fwrite(out.buf, 1, out.len, stdout);
	fflush(stdout);
	sb_free(&out);
	cells_free(c, r->g.nr_sets * r->g.nr_pols, r->nfigs);
	for (unsigned long j = 0; j < r->g.nr_jobs; j++) {
		int st = r->job[j].present ? (int)r->job[j].status : SCN_FAILED;

		if (st > worst)
			worst = st;
	}
	if (r->duplicates)
		fprintf(stderr, "mmsim: sweep: %lu job%s had more than one result; the first "
			"file in path order counted\n", r->duplicates, r->duplicates == 1 ? "" : "s");
	if (r->present < r->g.nr_jobs)
		fprintf(stderr, "mmsim: sweep: %lu of %lu runs have no result\n",
			r->g.nr_jobs - r->present, r->g.nr_jobs);
	return worst;
}

/* -------------------------------------------------------------------------
 * The local pool: jobs as processes of this binary
 */
struct pool_opts {
	unsigned int jobs;
	bool quiet;			/* no "N runs" line, no progress lines... */
	bool progress;			/* ... but these with --progress */
	enum scn_check_mode check;
	const char *self;
};

/* argv of a job: this binary, "sweep", the file, the grid, --job N, the rest */
static char **job_argv(const struct sweep_grid *g, const char *self, unsigned long job,
		       const char *out_dir, enum scn_check_mode check, char *jobbuf, size_t len)
{
	size_t n = 0, cap = 16;
	char **argv = host_calloc(cap, sizeof(*argv), "a sweep");
	char *spec = host_strdup(g->spec.buf, "a sweep"), *save = NULL;

	argv[n++] = (char *)self;
	argv[n++] = "sweep";
	argv[n++] = g->file;
	for (char *t = strtok_r(spec, "\t", &save); t; t = strtok_r(NULL, "\t", &save)) {
		if (n + 8 >= cap) {
			cap *= 2;
			argv = host_reallocarray(argv, cap, sizeof(*argv), "a sweep");
		}
		argv[n++] = host_strdup(t, "a sweep");
	}
	host_free(spec);
	snprintf(jobbuf, len, "%lu", job);
	argv[n++] = "--job";
	argv[n++] = jobbuf;
	if (out_dir) {
		argv[n++] = "--out";
		argv[n++] = (char *)out_dir;
	}
	if (check == SCN_CHECK_STEPS)
		argv[n++] = "--check";
	else if (check == SCN_CHECK_OFF)
		argv[n++] = "--no-check";
	argv[n] = NULL;
	return argv;
}

static void job_argv_free(char **argv)
{
	/* the grid's words, between the file and "--job" */
	for (size_t i = 3; argv[i] && strcmp(argv[i], "--job"); i++)
		host_free(argv[i]);
	host_free(argv);
}

struct child {
	pid_t pid;
	unsigned long job;
	double start;
};

static pid_t start_job(const struct sweep_grid *g, const struct pool_opts *po, unsigned long job,
		       const char *dir)
{
	char jobbuf[32], errpath[PATH_MAX + 32];
	char **argv = job_argv(g, po->self, job, dir, po->check, jobbuf, sizeof(jobbuf));
	pid_t pid;

	snprintf(errpath, sizeof(errpath), "%s/job-%06lu.err", dir, job);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, STDERR_FILENO);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execv(po->self, argv);
		fprintf(stderr, "mmsim: sweep: cannot run %s: %s\n", po->self, strerror(errno));
		_exit(127);
	}
	job_argv_free(argv);
	return pid;
}

/* What a job printed on stderr, passed on */
static void pass_stderr(const char *dir, unsigned long job)
{
	char path[PATH_MAX + 32];
	struct sbuf sb;
	int errnum;

	snprintf(path, sizeof(path), "%s/job-%06lu.err", dir, job);
	sb_init(&sb);
	if (scn_read_text(path, &sb, &errnum) == SCN_READ_OK && sb.len)
		fputs(sb.buf, stderr);
	sb_free(&sb);
}

static bool run_pool(const struct sweep_grid *g, const struct pool_opts *po, const char *dir)
{
	struct child *run = host_calloc(po->jobs, sizeof(*run), "a sweep");
	unsigned long next = 0, done = 0;
	unsigned int active = 0;
	struct progress prog;
	bool ok = true;

	/* a line per run, wherever stderr goes, unless --quiet */
	progress_init(&prog, po->quiet && !po->progress ? PROGRESS_OFF : PROGRESS_ON, stderr,
		      g->nr_jobs, NULL);

	while (done < g->nr_jobs) {
		int wst;
		pid_t pid;

		while (ok && active < po->jobs && next < g->nr_jobs) {
			unsigned int slot = 0;

			while (run[slot].pid)
				slot++;
			run[slot].pid = start_job(g, po, next, dir);
			if (run[slot].pid < 0) {
				fprintf(stderr, "mmsim: sweep: fork: %s\n", strerror(errno));
				run[slot].pid = 0;
				ok = false;
				break;
			}
			run[slot].job = next++;
			run[slot].start = progress_now(&prog);
			active++;
		}
		if (!active)
			break;
		pid = waitpid(-1, &wst, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (unsigned int i = 0; i < po->jobs; i++) {
			struct job_desc d;
			char how[64];

			if (run[i].pid != pid)
				continue;
			run[i].pid = 0;
			active--;
			done++;
			if (WIFEXITED(wst) && WEXITSTATUS(wst) <= SCN_BAD_INPUT)
				snprintf(how, sizeof(how), "%s",
					 scn_status_name((enum scn_status)WEXITSTATUS(wst)));
			else if (WIFEXITED(wst) && WEXITSTATUS(wst) == 3)
				snprintf(how, sizeof(how), "out of host memory");
			else if (WIFEXITED(wst))
				snprintf(how, sizeof(how), "exit %d", WEXITSTATUS(wst));
			else
				snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(wst));
			pass_stderr(dir, run[i].job);
			if (progress_on(&prog)) {
				job_describe(g, run[i].job, &d);
				progress_step_since(&prog, run[i].start, "%s: %s", d.label, how);
			}
		}
	}
	host_free(run);
	return ok;
}

/* Every file a local sweep left in its temporary directory, and the directory */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_MAX];

		if (!strncmp(e->d_name, "job-", 4)) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	closedir(d);
	rmdir(dir);
}

/* Each set of values parses: the errors a job would hit, before any runs */
static bool check_scenario(const struct sweep_grid *g)
{
	for (unsigned int set = 0; set < g->nr_sets; set++) {
		struct job_desc d = { 0 };
		struct scn_vars vars;
		struct scn_diag diag;
		struct scn_script *s;

		set_values(g, set, d.value);
		job_vars(g, &d, &vars);
		s = scn_parse_file_set(g->file, &vars, &diag);
		if (!s) {
			struct sbuf sb;
			char sl[256];

			sb_init(&sb);
			scn_diag_format(&diag, &sb);
			set_label(g, set, sl, sizeof(sl));
			if (*sl)
				fprintf(stderr, "mmsim: sweep: with %s:\n", sl);
			fputs(sb.buf, stderr);
			sb_free(&sb);
			return false;
		}
		scn_script_free(s);
	}
	return true;
}

/* -------------------------------------------------------------------------
 * Job lists for other engines
 */
/* @s quoted for a POSIX shell when it needs it */
static void sh_word(struct sbuf *sb, const char *s)
{
	bool plain = *s != '\0';

	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "_-+=/.,:@%", *p))
			plain = false;
	if (plain) {
		sb_puts(sb, s);
		return;
	}
	sb_puts(sb, "'");
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			sb_puts(sb, "'\\''");
		else
			sb_printf(sb, "%c", *p);
	}
	sb_puts(sb, "'");
}

/* The command of a job, with the job number given by @job (a word or "$VAR") */
static void job_command(struct sbuf *sb, const struct sweep_grid *g, const char *mmsim,
			const char *job, const char *out_dir, enum scn_check_mode check)
{
	char *spec = host_strdup(g->spec.buf, "a sweep"), *save = NULL;

	sh_word(sb, mmsim);
	sb_puts(sb, " sweep ");
	sh_word(sb, g->file);
	for (char *t = strtok_r(spec, "\t", &save); t; t = strtok_r(NULL, "\t", &save)) {
		sb_puts(sb, " ");
		sh_word(sb, t);
	}
	host_free(spec);
	sb_printf(sb, " --job %s", job);
	if (out_dir) {
		sb_puts(sb, " --out ");
		sh_word(sb, out_dir);
	}
	if (check == SCN_CHECK_STEPS)
		sb_puts(sb, " --check");
	else if (check == SCN_CHECK_OFF)
		sb_puts(sb, " --no-check");
}

static void emit_parallel(struct sbuf *sb, const struct sweep_grid *g, const char *mmsim,
			  enum scn_check_mode check)
{
	for (unsigned long j = 0; j < g->nr_jobs; j++) {
		char job[32];

		snprintf(job, sizeof(job), "%lu", j);
		job_command(sb, g, mmsim, job, NULL, check);
		sb_puts(sb, "\n");
	}
}

static void emit_slurm(struct sbuf *sb, const struct sweep_grid *g, const char *mmsim,
		       const char *dir, enum scn_check_mode check)
{
	sb_puts(sb, "#!/bin/bash\n");
	sb_printf(sb, "# mmsim sweep of %s as a Slurm job array: one task per run,\n"
		  "# %lu runs.  Submit with `sbatch THIS_FILE`; each task writes its result to\n"
		  "# %s (made when this was written; it must be on a file system\n"
		  "# every node shares), then\n"
		  "#   mmsim sweep collect %s\n"
		  "# prints the statistics.  Slurm's default MaxArraySize (1001) limits an\n"
		  "# array to indices 0..1000.\n", g->file, g->nr_jobs, dir, dir);
	sb_puts(sb, "#SBATCH --job-name=mmsim-sweep\n");
	sb_printf(sb, "#SBATCH --array=0-%lu\n", g->nr_jobs - 1);
	sb_puts(sb, "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
	sb_printf(sb, "#SBATCH --output=%s/slurm-%%A_%%a.out\n", dir);
	sb_puts(sb, "set -eu\n: \"${SLURM_ARRAY_TASK_ID:?run me with sbatch (a job array)}\"\n");
	sb_puts(sb, "exec ");
	job_command(sb, g, mmsim, "\"$SLURM_ARRAY_TASK_ID\"", dir, check);
	sb_puts(sb, "\n");
}

/* -------------------------------------------------------------------------
 * The command line
 */
static const char sweep_usage_text[] =
	"usage: mmsim sweep FILE --policy FAMILY=A,B,... [--policy ...]... --seeds LIST\n"
	"                   [--set NAME=V1,V2,...]... [-j N] [--quiet] [--progress]\n"
	"                   [--format text|json] [--test welch|mann-whitney] [--dir DIR]\n"
	"                   [--check|--no-check]\n"
	"       mmsim sweep FILE ... --emit parallel|slurm [--dir DIR] [--mmsim PATH]\n"
	"       mmsim sweep FILE ... --job N [--out DIR]\n"
	"       mmsim sweep collect DIR [--format text|json] [--test welch|mann-whitney]\n";

static const char sweep_help_text[] =
	"\n"
	"Runs every combination of the --policy picks, the --seeds and the --set values\n"
	"(the scenario declares each NAME with `var NAME=DEFAULT`) and prints, per cell\n"
	"and figure, n, min, median, mean, stddev, the difference against the first\n"
	"policy and its two-sided p-value (docs/sweep.md).\n"
	"\n"
	"  --policy FAMILY=A,B,...  the policies; the first is the baseline (repeatable,\n"
	"                        one per family: every combination)\n"
	"  --seeds LIST          1..20, 1,5,9 or 1..4,10: one run per seed per cell\n"
	"  --set NAME=V1,V2,...  values of a scenario variable (repeatable)\n"
	"  -j N                  runs at a time (default: the number of CPUs)\n"
	"  --quiet               no progress lines on stderr\n"
	"  --progress            the progress lines even with --quiet\n"
	"  --format text|json    80-column text (default) or JSON\n"
	"  --test welch|mann-whitney  the test the text shows (JSON has both)\n"
	"  --dir DIR             keep each run's result in DIR (collect reads it)\n"
	"  --check, --no-check   passed to every run\n"
	"  --emit parallel       print the runs as a GNU parallel job list\n"
	"  --emit slurm          print a Slurm job-array script (needs --dir)\n"
	"  --mmsim PATH          the binary the job list names (default: this one)\n"
	"  --job N [--out DIR]   run job N of the grid, its result to stdout or DIR\n"
	"  collect DIR           the statistics of the results under DIR\n"
	"\n"
	"Exit status: the worst run's (0, 1, 2), 1 when a run has no result, 2 on a\n"
	"usage error.\n";

static int sweep_usage(const char *fmt, const char *arg)
{
	fputs("mmsim: sweep: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(sweep_usage_text, stderr);
	return SCN_BAD_INPUT;
}

/* An absolute form of @path (which need not exist yet, for --dir) */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX], buf[2 * PATH_MAX + 2];
	char *r = realpath(path, NULL);

	if (r) {
		char *h = host_strdup(r, "a sweep");

		free(r);
		return h;
	}
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return host_strdup(path, "a sweep");
	snprintf(buf, sizeof(buf), "%s/%s", cwd, path);
	return host_strdup(buf, "a sweep");
}

static unsigned int nr_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned int)n : 1;
}

static int cmd_collect(int argc, char **argv)
{
	const char *dir = NULL, *format = "text", *test = "welch";
	struct sweep_results r;
	int rc;

	for (int i = 3; i < argc; i++) {
		static const char *const valued[] = { "--format", "--test", NULL };
		const char *a = argv[i], *v, *opt;
		bool missing;

		opt = cli_valued(argc, argv, &i, valued, &v, &missing);
		if (missing)
			return sweep_usage("%s needs a value", a);
		if (opt && !strcmp(opt, "--format")) {
			format = v;
		} else if (opt) {
			test = v;
		} else if (a[0] == '-' && a[1]) {
			return sweep_usage("collect: unknown option '%s'", a);
		} else if (dir) {
			return sweep_usage("collect: unexpected argument '%s'", a);
		} else {
			dir = a;
		}
	}
	if (!dir)
		return sweep_usage("%s", "collect: missing DIR");
	if (strcmp(format, "text") && strcmp(format, "json"))
		return sweep_usage("--format takes text or json, not '%s'", format);
	if (strcmp(test, "welch") && strcmp(test, "mann-whitney"))
		return sweep_usage("--test takes welch or mann-whitney, not '%s'", test);
	if (!collect(&r, dir)) {
		fprintf(stderr, "mmsim: sweep: collect: %s\n", r.err);
		results_free(&r);
		return SCN_BAD_INPUT;
	}
	rc = report(&r, !strcmp(format, "json"),
		    !strcmp(test, "welch") ? TEST_WELCH : TEST_MW);
	results_free(&r);
	return rc;
}

int cmd_sweep(int argc, char **argv)
{
	const char *format = "text", *test = "welch", *emit = NULL, *dir = NULL, *out = NULL;
	const char *mmsim = NULL, *job_s = NULL;
	struct pool_opts po = { .jobs = nr_cpus() };
	struct cli_flags flags = { 0 };
	struct sweep_grid g = { 0 };
	struct sweep_results r;
	char err[512], self[PATH_MAX];
	bool keep;
	int rc;

	if (argc > 2 && !strcmp(argv[2], "collect"))
		return cmd_collect(argc, argv);
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(sweep_usage_text, stdout);
			fputs(sweep_help_text, stdout);
			return 0;
		}
	sb_init(&g.spec);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		static const char *const valued[] = { "--policy", "--seeds", "--set", "--format",
						      "--test", "--emit", "--dir", "--out",
						      "--mmsim", "--job", "-j", NULL };
		const char *opt;
		char name[32];
		bool missing;
		int taken;

		opt = cli_valued(argc, argv, &i, valued, &v, &missing);
		if (missing) {
			grid_free(&g);
			return sweep_usage("%s needs a value", a);
		}
		if (!opt) {
			if (cli_flag(a, &flags)) {
				continue;
			} else if (a[0] == '-' && a[1]) {
				grid_free(&g);
				return sweep_usage("unknown option '%s'", a);
			} else if (g.file) {
				grid_free(&g);
				return sweep_usage("unexpected argument '%s' (one scenario)", a);
			} else {
				g.file = host_strdup(a, "a sweep");
			}
			continue;
		}
		taken = grid_option(&g, opt, v, err, sizeof(err));
		if (taken < 0) {
			grid_free(&g);
			return sweep_usage("%s", err);
		}
		if (taken)
			continue;
		snprintf(name, sizeof(name), "%s", opt);
		if (!strcmp(name, "--format")) {
			format = v;
		} else if (!strcmp(name, "--test")) {
			test = v;
		} else if (!strcmp(name, "--emit")) {
			emit = v;
		} else if (!strcmp(name, "--dir")) {
			dir = v;
		} else if (!strcmp(name, "--out")) {
			out = v;
		} else if (!strcmp(name, "--mmsim")) {
			mmsim = v;
		} else if (!strcmp(name, "--job")) {
			job_s = v;
		} else {	/* -j */
			uint64_t n;
			const char *why;

			if (!scn_parse_u64(v, &n, &why) || !n || n > 1024) {
				grid_free(&g);
				return sweep_usage("-j takes 1 to 1024, not '%s'", v);
			}
			po.jobs = (unsigned int)n;
		}
	}
	po.quiet = flags.quiet;
	po.progress = flags.progress;
	po.check = flags.check;
	rc = SCN_BAD_INPUT;
	if (!g.file) {
		rc = sweep_usage("%s", "missing scenario FILE");
		goto out_grid;
	}
	if (!grid_finish(&g, err, sizeof(err))) {
		rc = sweep_usage("%s", err);
		goto out_grid;
	}
	if (strcmp(format, "text") && strcmp(format, "json")) {
		rc = sweep_usage("--format takes text or json, not '%s'", format);
		goto out_grid;
	}
	if (strcmp(test, "welch") && strcmp(test, "mann-whitney")) {
		rc = sweep_usage("--test takes welch or mann-whitney, not '%s'", test);
		goto out_grid;
	}
	if (emit && strcmp(emit, "parallel") && strcmp(emit, "slurm")) {
		rc = sweep_usage("--emit takes parallel or slurm, not '%s'", emit);
		goto out_grid;
	}
	if (emit && job_s) {
		rc = sweep_usage("%s", "--emit and --job do not go together");
		goto out_grid;
	}
	if (out && !job_s) {
		rc = sweep_usage("%s", "--out goes with --job (a sweep's results go to --dir)");
		goto out_grid;
	}

	/* one job of the grid, as a job list runs it */
	if (job_s) {
		uint64_t job;
		const char *why;

		if (!scn_parse_u64(job_s, &job, &why) || job >= g.nr_jobs) {
			snprintf(err, sizeof(err), "--job: '%s' is not a job of this grid (0..%lu)",
				 job_s, g.nr_jobs - 1);
			rc = sweep_usage("%s", err);
			goto out_grid;
		}
		rc = run_job(&g, (unsigned long)job, out, po.check);
		goto out_grid;
	}

	if (!check_scenario(&g))
		goto out_grid;

	if (emit) {
		struct sbuf sb;
		char *abs_file = absolute(g.file), *abs_dir = NULL;

		if (!strcmp(emit, "slurm") && !dir) {
			host_free(abs_file);
			rc = sweep_usage("%s", "--emit slurm needs --dir DIR (where the tasks "
					 "write their results)");
			goto out_grid;
		}
		host_free(g.file);
		g.file = abs_file;
		if (!mmsim) {
			ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

			self[n > 0 ? n : 0] = '\0';
			mmsim = n > 0 ? self : "mmsim";
		}
		sb_init(&sb);
		if (!strcmp(emit, "parallel")) {
			emit_parallel(&sb, &g, mmsim, po.check);
		} else {
			abs_dir = absolute(dir);
			/* Slurm does not make the directory of --output */
			if (mkdir(abs_dir, 0755) && errno != EEXIST)
				fprintf(stderr, "mmsim: sweep: warning: %s: %s\n", abs_dir,
					strerror(errno));
			emit_slurm(&sb, &g, mmsim, abs_dir, po.check);
		}
		fwrite(sb.buf, 1, sb.len, stdout);
		sb_free(&sb);
		if (!po.quiet && !strcmp(emit, "parallel"))
			fprintf(stderr, "mmsim: sweep: %lu jobs; run them with\n"
				"  parallel --results DIR/{#} < JOBLIST\n"
				"(add --sshloginfile FILE to use other machines: each needs\n"
				"  %s\n  %s\nat those paths), then\n"
				"  mmsim sweep collect DIR\n", g.nr_jobs, mmsim, g.file);
		host_free(abs_dir);
		rc = 0;
		goto out_grid;
	}

	/* a local sweep: the jobs as processes of this binary */
	{
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0) {
			fprintf(stderr, "mmsim: sweep: cannot find my own binary: %s\n",
				strerror(errno));
			goto out_grid;
		}
		self[n] = '\0';
		po.self = self;
	}
	keep = dir != NULL;
	{
		char tmpl[PATH_MAX];
		char *d;

		if (keep) {
			if (mkdir(dir, 0755) && errno != EEXIST) {
				fprintf(stderr, "mmsim: sweep: %s: %s\n", dir, strerror(errno));
				goto out_grid;
			}
			snprintf(tmpl, sizeof(tmpl), "%s", dir);
		} else {
			const char *tmp = getenv("TMPDIR");

			snprintf(tmpl, sizeof(tmpl), "%s/mmsim-sweep-XXXXXX",
				 tmp && *tmp ? tmp : "/tmp");
			d = mkdtemp(tmpl);
			if (!d) {
				fprintf(stderr, "mmsim: sweep: %s: %s\n", tmpl, strerror(errno));
				goto out_grid;
			}
		}
		if (po.jobs > g.nr_jobs)
			po.jobs = (unsigned int)g.nr_jobs;
		if (!po.quiet)
			fprintf(stderr, "mmsim: sweep: %lu runs, %u at a time\n", g.nr_jobs,
				po.jobs);
		if (!run_pool(&g, &po, tmpl)) {
			if (!keep)
				remove_dir(tmpl);
			goto out_grid;
		}
		if (!collect(&r, tmpl)) {
			fprintf(stderr, "mmsim: sweep: %s\n", r.err);
			results_free(&r);
			if (!keep)
				remove_dir(tmpl);
			goto out_grid;
		}
		rc = report(&r, !strcmp(format, "json"),
			    !strcmp(test, "welch") ? TEST_WELCH : TEST_MW);
		results_free(&r);
		if (!keep)
			remove_dir(tmpl);
	}
out_grid:
	grid_free(&g);
	return rc;
}
