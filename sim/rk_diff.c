// SPDX-License-Identifier: GPL-2.0-only
/*
 * rk_diff.c - what a real guest printed against what the model prints for
 * the same scenario (realkernel.h): the guest's data stream, the figures
 * in each kernel file, and the side-by-side table of `mmsim diff-real`.
 *
 * Both sides go through the same parsers: the model's text of a file is
 * parsed exactly as the guest's is, so a figure that differs differs in
 * the files a user would read, not in some internal counter.  The names
 * are the model's counter names (the ones `expect` lines use).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mman.h"
#include "module.h"
#include "realkernel.h"

/* ---- the data stream ------------------------------------------------------ */

static char *xstrndup(const char *s, size_t n)
{
	char *r = strndup(s, n);

	if (!r)
		abort();
	return r;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		abort();
	return p;
}

void rk_data_free(struct rk_data *d)
{
	for (int i = 0; i < d->nrecs; i++) {
		free(d->recs[i].path);
		free(d->recs[i].text);
		free(d->recs[i].model);
	}
	for (int i = 0; i < d->nsnaps; i++)
		free(d->snaps[i].name);
	for (int i = 0; i < d->nexpects; i++) {
		free(d->expects[i].src);
		free(d->expects[i].missing);
	}
	free(d->expects);
	free(d->recs);
	free(d->snaps);
	free(d->release);
	free(d->cmdline);
	memset(d, 0, sizeof(*d));
}

/* A malformed stream: what was parsed so far goes */
static bool bad(struct rk_data *d, char *why, size_t len, int line, const char *msg)
{
	snprintf(why, len, "line %d: %s", line, msg);
	rk_data_free(d);
	return false;
}

/* "LINE REST": the number and where REST starts */
static bool line_and_rest(const char *s, int *line, const char **rest)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || v <= 0 || v > 10000000 || (*end != ' ' && *end))
		return false;
	*line = (int)v;
	*rest = *end ? end + 1 : end;
	return true;
}

bool rk_data_parse(const char *text, struct rk_data *d, char *why, size_t whylen)
{
	const char *s = text;
	int lno = 0;

	memset(d, 0, sizeof(*d));
	while (s && *s) {
		const char *e = strchr(s, '\n'), *m, *rest;
		size_t len = e ? (size_t)(e - s) : strlen(s);
		enum rk_rec_kind kind;
		struct rk_rec *r;
		int line;

		lno++;
		if (len < 8 || strncmp(s, "@@mmsim ", 8)) {
			/* a line outside any record: the guest's own noise */
			s = e ? e + 1 : NULL;
			continue;
		}
		m = s + 8;
		if (!strncmp(m, "begin ", 6)) {
			free(d->release);
			d->release = xstrndup(m + 6, len - 14);
		} else if (!strncmp(m, "cmdline ", 8)) {
			free(d->cmdline);
			d->cmdline = xstrndup(m + 8, len - 16);
		} else if (!strncmp(m, "done", 4)) {
			d->done = true;
		} else if (!strncmp(m, "note ", 5) || !strncmp(m, "end ", 4)) {
			if (!strncmp(m, "end ", 4))
				return bad(d, why, whylen, lno, "'end' outside a record");
		} else if (!strncmp(m, "snapshot ", 9)) {
			char *tmp = xstrndup(m + 9, len - 17);

			if (!line_and_rest(tmp, &line, &rest) || !*rest) {
				free(tmp);
				return bad(d, why, whylen, lno, "snapshot needs LINE NAME");
			}
			d->snaps = xrealloc(d->snaps, (size_t)(d->nsnaps + 1) * sizeof(*d->snaps));
			d->snaps[d->nsnaps].line = line;
			d->snaps[d->nsnaps].name = strdup(rest);
			d->nsnaps++;
			free(tmp);
		} else if (!strncmp(m, "cat ", 4) || !strncmp(m, "store ", 6) ||
			   !strncmp(m, "print ", 6) || !strncmp(m, "call ", 5)) {
			const char *body, *end;
			char *hdr;
			size_t skip = m[1] == 'a' ? (m[2] == 't' ? 4 : 5) : 6;

			kind = m[1] == 'a' ? (m[2] == 't' ? RK_CAT : RK_CALL) :
			       m[0] == 's' ? RK_STORE : RK_PRINT;
			hdr = xstrndup(m + skip, len - 8 - skip);
			if (!line_and_rest(hdr, &line, &rest)) {
				free(hdr);
				return bad(d, why, whylen, lno, "a record needs its scenario line");
			}
			/* the body runs to "\n@@mmsim end RC" (the guest added that newline) */
			body = e ? e + 1 : s + len;
			end = strstr(body - 1, "\n@@mmsim end ");
			if (!end) {
				free(hdr);
				return bad(d, why, whylen, lno, "record without its end (guest stopped?)");
			}
			d->recs = xrealloc(d->recs, (size_t)(d->nrecs + 1) * sizeof(*d->recs));
			r = &d->recs[d->nrecs++];
			memset(r, 0, sizeof(*r));
			r->kind = kind;
			r->line = line;
			r->path = strdup(rest);
			r->text = end > body ? xstrndup(body, (size_t)(end - body)) : strdup("");
			r->rc = atoi(end + 13);
			r->snap = -1;
			r->call_kind = -1;
			if (d->nsnaps && d->snaps[d->nsnaps - 1].line == line)
				r->snap = d->nsnaps - 1;
			free(hdr);
			/* go on after the end marker, counting the body's lines */
			for (const char *c = body; c <= end; c++)
				lno += *c == '\n';
			e = strchr(end + 1, '\n');
		} else {
			return bad(d, why, whylen, lno, "unknown marker");
		}
		s = e ? e + 1 : NULL;
	}
	return true;
}

/* ---- figures --------------------------------------------------------------- */

void rk_figs_free(struct rk_figs *fs)
{
	for (int i = 0; i < fs->n; i++)
		free(fs->f[i].name);
	free(fs->f);
	memset(fs, 0, sizeof(*fs));
}

static void fig_add(struct rk_figs *fs, const char *name, long long v)
{
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? 2 * fs->cap : 64;
		fs->f = xrealloc(fs->f, (size_t)fs->cap * sizeof(*fs->f));
	}
	fs->f[fs->n].name = strdup(name);
	fs->f[fs->n].val = v;
	fs->n++;
}

const struct rk_fig *rk_figs_find(const struct rk_figs *fs, const char *name)
{
	for (int i = 0; i < fs->n; i++)
		if (!strcmp(fs->f[i].name, name))
			return &fs->f[i];
	return NULL;
}

/* Split text into lines; calls fn for each with a NUL-terminated copy */
#define for_each_line(text, buf, bufsz)                                          \
	for (const char *_s = (text), *_e; _s && *_s; _s = _e ? _e + 1 : NULL)   \
		if ((_e = strchr(_s, '\n')), snprintf(buf, bufsz, "%.*s",        \
			(int)(_e ? _e - _s : (long)strlen(_s)), _s) < 0) {} else

/* "Node N, zone NAME" at the start of @s: sets nid/zone, returns what follows */
static const char *node_zone(const char *s, int *nid, char *zone, size_t zlen)
{
	int n = 0, off = 0;

	if (sscanf(s, "Node %d, zone %n", nid, &off) < 1 || !off)
		return NULL;
	s += off;
	while (*s == ' ')
		s++;
	while (*s && *s != ' ' && *s != ',' && n + 1 < (int)zlen)
		zone[n++] = *s++;
	zone[n] = 0;
	return n ? s : NULL;
}

/* Numbers after @s, each as figure "PREFIX.i" (scale: x1000 for N.NNN) */
static void numbers(struct rk_figs *out, const char *prefix, const char *s, bool thousandths)
{
	char name[512];
	int i = 0;

	for (;;) {
		char *end;
		double v;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		v = strtod(s, &end);
		if (end == s)
			break;
		snprintf(name, sizeof(name), "%s.%d", prefix, i++);
		fig_add(out, name, thousandths ? llround(v * 1000) : (long long)v);
		s = end;
	}
}

static void parse_orders(const char *text, const char *what, bool thousandths,
			 struct rk_figs *out)
{
	char line[4096], zone[32], prefix[128];
	int nid;

	for_each_line(text, line, sizeof(line)) {
		const char *rest = node_zone(line, &nid, zone, sizeof(zone));

		if (!rest)
			continue;
		snprintf(prefix, sizeof(prefix), "%s.%d.%s", what, nid, zone);
		numbers(out, prefix, rest, thousandths);
	}
}

static void parse_pagetypeinfo(const char *text, struct rk_figs *out)
{
	char line[4096], zone[32], name[512], cols[8][32];
	int nid, ncols = 0;

	for_each_line(text, line, sizeof(line)) {
		const char *rest;

		if (!strncmp(line, "Number of blocks type", 21)) {
			const char *s = line + 21;
			int n;

			ncols = 0;
			while (ncols < 8 && sscanf(s, "%31s%n", cols[ncols], &n) == 1) {
				ncols++;
				s += n;
			}
			continue;
		}
		rest = node_zone(line, &nid, zone, sizeof(zone));
		if (!rest)
			continue;
		if (!strncmp(rest, ", type", 6)) {
			char type[32];
			int n = 0;

			if (sscanf(rest + 6, " %31s%n", type, &n) != 1)
				continue;
			snprintf(name, sizeof(name), "pagetypeinfo.%d.%s.%s", nid, zone, type);
			numbers(out, name, rest + 6 + n, false);
		} else if (ncols) {
			const char *s = rest;

			for (int i = 0; i < ncols; i++) {
				char *end;
				long long v = strtoll(s, &end, 10);

				if (end == s)
					break;
				snprintf(name, sizeof(name), "blocks.%d.%s.%s", nid, zone, cols[i]);
				fig_add(out, name, v);
				s = end;
			}
		}
	}
}

static const char *const rk_zone_names[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };

static void parse_zoneinfo(const char *text, bool guest, struct rk_figs *out)
{
	char line[4096], zone[32] = "", name[512], key[128], cpu[32] = "";
	int nid = -1, c;

	for_each_line(text, line, sizeof(line)) {
		const char *s = line;
		long long v;
		int n;

		if (node_zone(s, &nid, zone, sizeof(zone))) {
			cpu[0] = 0;
			continue;
		}
		if (nid < 0)
			continue;
		while (*s == ' ')
			s++;
		if (sscanf(s, "cpu: %d", &c) == 1) {
			if (guest && rk_model_cpu(c) < 0)
				snprintf(cpu, sizeof(cpu), "guest%d", c);
			else
				snprintf(cpu, sizeof(cpu), "%d", guest ? rk_model_cpu(c) : c);
			continue;
		}
		if (!strncmp(s, "protection: (", 13)) {
			s += 13;
			for (unsigned int i = 0; i < sizeof(rk_zone_names) / sizeof(rk_zone_names[0]); i++) {
				char *end;

				v = strtoll(s, &end, 10);
				if (end == s)
					break;
				snprintf(name, sizeof(name), "zoneinfo.%d.%s.protection.%s", nid, zone,
					 rk_zone_names[i]);
				fig_add(out, name, v);
				s = end + (*end == ',');
			}
			continue;
		}
		if (!strncmp(s, "pages free", 10)) {
			snprintf(name, sizeof(name), "zoneinfo.%d.%s.free", nid, zone);
			fig_add(out, name, strtoll(s + 10, NULL, 10));
			continue;
		}
		if (!strncmp(s, "vm stats threshold:", 19) && cpu[0]) {
			snprintf(name, sizeof(name), "zoneinfo.%d.%s.cpu.%s.vm_stats_threshold",
				 nid, zone, cpu);
			fig_add(out, name, strtoll(s + 19, NULL, 10));
			continue;
		}
		if (sscanf(s, "%127[^: ]%n", key, &n) != 1)
			continue;
		s += n;
		if (*s == ':')
			s++;
		if (sscanf(s, " %lld", &v) != 1)
			continue;
		if (cpu[0] && (!strcmp(key, "count") || !strcmp(key, "high") ||
			       !strcmp(key, "batch")))
			snprintf(name, sizeof(name), "zoneinfo.%d.%s.cpu.%s.%s", nid, zone, cpu, key);
		else
			snprintf(name, sizeof(name), "zoneinfo.%d.%s.%s", nid, zone, key);
		fig_add(out, name, v);
	}
}

/* "Key:   123 kB" (meminfo) or "key 123" (vmstat) */
static void parse_keyed(const char *text, const char *prefix, struct rk_figs *out)
{
	char line[4096], key[128], name[512];
	long long v;

	for_each_line(text, line, sizeof(line)) {
		if (sscanf(line, "%127[^: ]%*[: ] %lld", key, &v) != 2)
			continue;
		snprintf(name, sizeof(name), "%s.%s", prefix, key);
		fig_add(out, name, v);
	}
}

/* The text is one number and nothing else */
static bool single_number(const char *text, long long *v)
{
	char *end;

	while (isspace((unsigned char)*text))
		text++;
	if (!*text)
		return false;
	*v = strtoll(text, &end, 10);
	if (end == text)
		return false;
	while (isspace((unsigned char)*end))
		end++;
	return !*end;
}

/*
 * /proc/NAME/smaps, smaps_rollup, status: "Key: N kB" lines, summed over
 * the mappings, as proc.NAME.Key (the model's task_mmu counters).  A real
 * process also has its program's text, stack and vdso; the model's has
 * none, so the sums differ by those few hundred kB.
 */
static bool parse_proc(const char *path, const char *text, struct rk_figs *out)
{
	char proc[64], file[32], line[4096], key[128], name[512];
	long long v;

	if (sscanf(path, "/proc/%63[^/]/%31s", proc, file) != 2 ||
	    (strcmp(file, "smaps") && strcmp(file, "smaps_rollup") && strcmp(file, "status")))
		return false;
	for_each_line(text, line, sizeof(line)) {
		char unit[8] = "";
		struct rk_fig *f = NULL;

		if (sscanf(line, "%127[^: \t]:%lld %7s", key, &v, unit) < 2 || strcmp(unit, "kB"))
			continue;
		/* a page size per mapping, not an amount: nothing to sum */
		if (!strcmp(key, "KernelPageSize") || !strcmp(key, "MMUPageSize"))
			continue;
		snprintf(name, sizeof(name), "proc.%s.%s", proc, key);
		for (int i = 0; i < out->n; i++)
			if (!strcmp(out->f[i].name, name))
				f = &out->f[i];
		if (f)
			f->val += v;
		else
			fig_add(out, name, v);
	}
	return true;
}

void rk_figures(const char *path, const char *text, bool guest, struct rk_figs *out)
{
	char name[512], size[32], file[64];
	long long v;
	int nid;

	if (parse_proc(path, text, out))
		return;

	if (!strcmp(path, "/proc/buddyinfo"))
		return parse_orders(text, "buddyinfo", false, out);
	if (!strcmp(path, "/proc/pagetypeinfo"))
		return parse_pagetypeinfo(text, out);
	if (!strcmp(path, "/proc/zoneinfo"))
		return parse_zoneinfo(text, guest, out);
	if (!strcmp(path, "/proc/meminfo"))
		return parse_keyed(text, "meminfo", out);
	if (!strcmp(path, "/proc/vmstat"))
		return parse_keyed(text, "vmstat", out);
	if (!strcmp(path, "/sys/kernel/debug/extfrag/unusable_index"))
		return parse_orders(text, "unusable_index", true, out);
	if (!strcmp(path, "/sys/kernel/debug/extfrag/extfrag_index"))
		return parse_orders(text, "extfrag_index", true, out);
	if (!single_number(text, &v))
		return;
	if (sscanf(path, "/sys/kernel/mm/hugepages/hugepages-%31[0-9kB]/%63s", size, file) == 2)
		snprintf(name, sizeof(name), "hugepages.%s.%s", size, file);
	else if (sscanf(path, "/sys/devices/system/node/node%d/hugepages/hugepages-%31[0-9kB]/%63s",
			&nid, size, file) == 3)
		snprintf(name, sizeof(name), "hugepages.%d.%s.%s", nid, size, file);
	else
		snprintf(name, sizeof(name), "file:%s", path);
	fig_add(out, name, v);
}

/* ---- running the model beside the data --------------------------------------- */

struct diff_run {
	struct rk_data *d;
};

/* After each step: the model's text of every file the guest read at that line */
static void diff_step_hook(void *priv, struct machine *m, int line)
{
	struct diff_run *dr = priv;
	struct sbuf sb;

	for (int i = 0; i < dr->d->nrecs; i++) {
		struct rk_rec *r = &dr->d->recs[i];

		if (r->kind != RK_CAT || r->line != line)
			continue;
		free(r->model);
		sb_init(&sb);
		r->model_missing = !mm_show_file(m, r->path, &sb);
		r->model = r->model_missing ? NULL : strdup(sb.buf ? sb.buf : "");
		sb_free(&sb);
	}
}

/* After each system call: the model's result, for the guest's of that line */
static void diff_call_hook(void *priv, int line, long ret, int signo)
{
	struct diff_run *dr = priv;

	for (int i = 0; i < dr->d->nrecs; i++) {
		struct rk_rec *r = &dr->d->recs[i];

		if (r->kind == RK_CALL && r->line == line) {
			r->model_called = true;
			r->model_ret = ret;
			r->model_sig = signo;
		}
	}
}

/* ---- expect lines on both sides ----------------------------------------------- */

/* Every figure the files read at @line show, kernel side or model side */
static void line_figures(const struct rk_data *d, int line, bool model, struct rk_figs *out)
{
	for (int i = 0; i < d->nrecs; i++) {
		const struct rk_rec *r = &d->recs[i];

		if (r->kind != RK_CAT || r->line != line || r->rc)
			continue;
		if (model && r->model)
			rk_figures(r->path, r->model, false, out);
		else if (!model)
			rk_figures(r->path, r->text, d->guest_cpus, out);
	}
}

/* The expression's value; false with *missing (owned) on an unknown figure */
static bool eval_side(const struct scn_script *s, const struct rk_data *d,
		      const struct scn_expr *e, const struct rk_figs *now, bool model,
		      long long *out, char **missing)
{
	long long sum = 0, prod = 0;

	for (int i = 0; i < e->n; i++) {
		const struct scn_term *t = &e->t[i];
		const struct rk_fig *f = NULL;
		struct rk_figs snap = { 0 };
		long long v = 0;

		if (t->kind == SCN_TERM_NUM) {
			v = t->num;
		} else if (t->kind == SCN_TERM_COUNTER) {
			f = rk_figs_find(now, t->name);
		} else {
			/* SNAP:counter: the snapshot's own dump, at its line */
			for (int k = 0; k < d->nsnaps; k++)
				if (!strcmp(d->snaps[k].name, s->snap_names[t->snap]))
					line_figures(d, d->snaps[k].line, model, &snap);
			f = rk_figs_find(&snap, t->name);
		}
		if (t->kind != SCN_TERM_NUM) {
			if (!f) {
				rk_figs_free(&snap);
				*missing = strdup(t->name);
				return false;
			}
			v = f->val;
		}
		rk_figs_free(&snap);
		if (t->sign) {
			sum += prod;
			prod = t->sign * v;
		} else {
			prod *= v;
		}
	}
	*out = sum + prod;
	return true;
}

static bool cmp_holds(enum scn_cmp c, long long a, long long b)
{
	switch (c) {
	case SCN_EQ: return a == b;
	case SCN_NE: return a != b;
	case SCN_LT: return a < b;
	case SCN_LE: return a <= b;
	case SCN_GT: return a > b;
	case SCN_GE: return a >= b;
	}
	return false;
}

/* Each expect line of @s whose figures the guest read, on both sides; a
 * line guarded by policies (`expect FAMILY=A,B: ...`) only when the
 * model's run picked one of them, as the run itself does */
static void eval_expects(const struct scn_script *s, struct rk_data *d,
			 const struct policy_set *picks)
{
	struct policy_set run = s->policies;

	if (picks)
		policy_set_merge(&run, picks);
	for (int i = 0; i < s->nstmts; i++) {
		const struct scn_stmt *st = &s->stmts[i];
		struct rk_figs kf = { 0 }, mf = { 0 };
		struct rk_expect *x;
		bool read = false;

		if (st->verb != SCN_EXPECT)
			continue;
		if (st->guard) {
			const struct policy *pol = policy_set_get(&run, st->guard);

			if (!(st->guard_mask & (1ULL << (pol - st->guard->policies))))
				continue;
		}
		for (int j = 0; j < d->nrecs; j++)
			read |= d->recs[j].kind == RK_CAT && d->recs[j].line == st->line;
		if (!read)
			continue;	/* nothing a kernel file shows: the model's own */
		d->expects = xrealloc(d->expects, (size_t)(d->nexpects + 1) * sizeof(*d->expects));
		x = &d->expects[d->nexpects++];
		memset(x, 0, sizeof(*x));
		x->line = st->line;
		x->src = strdup(st->text ? st->text : "");
		line_figures(d, st->line, false, &kf);
		line_figures(d, st->line, true, &mf);
		x->kernel_ok = x->model_ok = -1;
		if (eval_side(s, d, &st->lhs, &kf, false, &x->kl, &x->missing) &&
		    eval_side(s, d, &st->rhs, &kf, false, &x->kr, &x->missing))
			x->kernel_ok = cmp_holds(st->cmp, x->kl, x->kr);
		if (!x->missing &&
		    eval_side(s, d, &st->lhs, &mf, true, &x->ml, &x->missing) &&
		    eval_side(s, d, &st->rhs, &mf, true, &x->mr, &x->missing))
			x->model_ok = cmp_holds(st->cmp, x->ml, x->mr);
		rk_figs_free(&kf);
		rk_figs_free(&mf);
	}
}

bool rk_release_kver(const char *release, unsigned int *kver)
{
	unsigned int major, minor;
	char v[32];
	int n = 0;

	if (!release || sscanf(release, "%u.%u%n", &major, &minor, &n) != 2 ||
	    isdigit((unsigned char)release[n]))
		return false;
	snprintf(v, sizeof(v), "%u.%u", major, minor);
	return mm_kver_parse(v, kver);
}

enum scn_status rk_diff_run(const struct scn_script *s, struct rk_data *d,
			    const struct rk_diff_opts *o, struct sbuf *out, struct sbuf *err,
			    bool *differs)
{
	struct diff_run dr = { .d = d };
	struct scn_run_opts ro = {
		.quiet = true,
		.step_hook = diff_step_hook,
		.step_hook_priv = &dr,
		.call_hook = diff_call_hook,
		.hook_priv_call = &dr,
		.policies = o->policies,
	};
	struct scn_result r;
	enum scn_status st;

	d->guest_cpus = true;
	/*
	 * The model runs the kernel the guest ran: a scenario without a
	 * version= (6.1) booted on a 6.12 guest is compared as version=6.12,
	 * with its rules and its default policies (hvo=new-head-6.12).
	 */
	if (rk_release_kver(d->release, &d->kver) && d->kver != s->opts.kver)
		ro.kver = d->kver;
	else
		d->kver = 0;
	for (int i = 0; i < d->nrecs; i++)
		for (int j = 0; j < s->nstmts; j++)
			if (d->recs[i].kind == RK_CALL && s->stmts[j].line == d->recs[i].line &&
			    s->stmts[j].verb == SCN_CALL)
				d->recs[i].call_kind = (int)s->stmts[j].call->kind;
	scn_result_init(&r);
	st = scn_run(s, &ro, &r);
	if (r.err.len)
		sb_puts(err, r.err.buf);
	scn_result_free(&r);
	eval_expects(s, d, o->policies);
	*differs = rk_diff_print(d, s->file, o, out);
	return st;
}

/* ---- printing ----------------------------------------------------------------- */

/*
 * The figures printed unless --figures says otherwise: the views a
 * fragmentation or hugetlb comparison reads.  Everything else (slab,
 * LRU and event counters the model does not keep) is noise here.
 */
static const char *const default_figures[] = {
	"buddyinfo.", "pagetypeinfo.", "blocks.", "hugepages.",
	"meminfo.MemTotal", "meminfo.MemFree", "meminfo.HugePages_", "meminfo.Hugetlb",
	"zoneinfo.*.*.free", "zoneinfo.*.*.min", "zoneinfo.*.*.low", "zoneinfo.*.*.high",
	"zoneinfo.*.*.spanned", "zoneinfo.*.*.present", "zoneinfo.*.*.managed",
	"zoneinfo.*.*.cpu.*.count",
	"vmstat.nr_free_pages", "vmstat.compact_", "vmstat.pgmigrate_",
	"vmstat.thp_", "vmstat.nr_anon_", "meminfo.AnonHugePages", "meminfo.AnonPages",
	"meminfo.PageTables", "meminfo.Shmem", "proc.",
	NULL,
};

/* @pat matches @name: literal text, `*` one dot-separated part, a
 * pattern ending in `.` or `_` a prefix, otherwise the whole name */
static bool fig_match(const char *pat, const char *name)
{
	for (; *pat; pat++) {
		if (*pat == '*') {
			while (*name && *name != '.')
				name++;
			continue;
		}
		if (*pat != *name)
			return false;
		name++;
	}
	return !*name || pat[-1] == '.' || pat[-1] == '_';
}

static bool wanted(const struct rk_diff_opts *o, const char *name)
{
	const char *const *pats = o->figures ? o->figures : default_figures;

	if (o->figures && !strcmp(pats[0], "all"))
		return true;
	for (; *pats; pats++)
		if (fig_match(*pats, name))
			return true;
	return false;
}

static bool within(const struct rk_diff_opts *o, long long k, long long m)
{
	long long dlt = llabs(m - k);

	if (dlt <= o->tol_abs)
		return true;
	return o->tol_pct > 0 && (double)dlt <= o->tol_pct / 100.0 * (double)llabs(k);
}

struct tally {
	long figures, differ, only_kernel, only_model, text_differ, missing;
};

/* The first line where two texts differ, for files without figures */
static int first_diff_line(const char *a, const char *b)
{
	int line = 1;

	for (; *a && *a == *b; a++, b++)
		line += *a == '\n';
	return line;
}

static void figs_append(struct rk_figs *to, struct rk_figs *from)
{
	for (int i = 0; i < from->n; i++)
		fig_add(to, from->f[i].name, from->f[i].val);
	rk_figs_free(from);
}

/* One scenario line's files: their figures on both sides, or why not */
static void group_figures(const struct rk_data *d, int first, int end,
			  const struct rk_diff_opts *o, struct rk_figs *kf, struct rk_figs *mf,
			  struct sbuf *notes, struct tally *t)
{
	for (int j = first; j < end; j++) {
		const struct rk_rec *r = &d->recs[j];
		struct rk_figs a = { 0 }, b = { 0 };

		if (r->kind != RK_CAT)
			continue;
		if (r->rc) {
			sb_printf(notes, "  %s: the guest could not read it: %s\n", r->path, r->text);
			continue;
		}
		if (r->model_missing || !r->model) {
			t->missing++;
			sb_printf(notes, "  %s: not a file of the model\n", r->path);
			continue;
		}
		rk_figures(r->path, r->text, d->guest_cpus, &a);
		rk_figures(r->path, r->model, false, &b);
		if (!a.n && !b.n && strcmp(r->text, r->model)) {
			t->text_differ++;
			sb_printf(notes, "  %s: the texts differ from line %d\n", r->path,
				  first_diff_line(r->text, r->model));
		}
		figs_append(kf, &a);
		figs_append(mf, &b);
	}
	(void)o;
}

static void print_val(struct sbuf *out, const long long *v, int width)
{
	if (v)
		sb_printf(out, " %*lld", width, *v);
	else
		sb_printf(out, " %*s", width, "-");
}

static void print_delta(struct sbuf *out, const long long *v, const long long *prev, int width)
{
	if (v && prev)
		sb_printf(out, " %+*lld", width, *v - *prev);
	else
		sb_printf(out, " %*s", width, "");
}

static void json_val(struct sbuf *out, const char *key, const long long *v)
{
	if (v)
		sb_printf(out, ", \"%s\": %lld", key, *v);
	else
		sb_printf(out, ", \"%s\": null", key);
}

/*
 * One row per figure either side has: shown when the values differ beyond
 * the tolerance, or (with a previous snapshot) the changes since it do,
 * or always with --all.  Returns whether something differed.
 */
static bool print_group(const struct rk_figs *kf, const struct rk_figs *mf,
			const struct rk_figs *pk, const struct rk_figs *pm,
			const struct rk_diff_opts *o, struct sbuf *out, struct tally *t)
{
	bool any = false, differs = false;

	for (int side = 0; side < 2; side++) {
		const struct rk_figs *mine = side ? mf : kf, *other = side ? kf : mf;

		for (int i = 0; i < mine->n; i++) {
			const char *name = mine->f[i].name;
			const struct rk_fig *k = side ? rk_figs_find(kf, name) : &kf->f[i];
			const struct rk_fig *m = side ? &mf->f[i] : rk_figs_find(mf, name);
			const struct rk_fig *k0 = pk ? rk_figs_find(pk, name) : NULL;
			const struct rk_fig *m0 = pm ? rk_figs_find(pm, name) : NULL;
			bool eq;

			if (side && rk_figs_find(other, name))
				continue;	/* printed with the kernel's */
			if (!wanted(o, name))
				continue;
			t->figures++;
			if (!k || !m) {
				side ? t->only_model++ : t->only_kernel++;
				eq = false;
			} else {
				eq = within(o, k->val, m->val);
				if (eq && k0 && m0)
					eq = within(o, k->val - k0->val, m->val - m0->val);
				if (!eq)
					t->differ++;
			}
			differs |= !eq;
			if (eq && !o->all)
				continue;
			if (o->json) {
				sb_printf(out, "%s\n        {\"name\": ", any ? "," : "");
				sb_json_str(out, name);
				json_val(out, "kernel", k ? &k->val : NULL);
				json_val(out, "model", m ? &m->val : NULL);
				if (pk) {
					long long dk = k && k0 ? k->val - k0->val : 0;
					long long dm = m && m0 ? m->val - m0->val : 0;

					json_val(out, "kernel_change", k && k0 ? &dk : NULL);
					json_val(out, "model_change", m && m0 ? &dm : NULL);
				}
				sb_puts(out, "}");
			} else {
				sb_printf(out, "  %-34s", name);
				print_val(out, k ? &k->val : NULL, 10);
				print_val(out, m ? &m->val : NULL, 10);
				if (pk) {
					print_delta(out, k ? &k->val : NULL, k0 ? &k0->val : NULL, 10);
					print_delta(out, m ? &m->val : NULL, m0 ? &m0->val : NULL, 10);
				}
				sb_puts(out, "\n");
			}
			any = true;
		}
	}
	return differs;
}

/* "-1 ENOMEM", "killed by signal 11", "0", "ok" (values that differ between
 * address spaces: mmap's and mremap's address, fork's pid) */
static void outcome(char *buf, size_t len, int kind, long ret, int sig, bool exited)
{
	if (sig < 0)
		snprintf(buf, len, "the process was gone");
	else if (sig)
		snprintf(buf, len, "killed by signal %d", sig);
	else if (exited)
		snprintf(buf, len, "exited");
	else if (ret < 0)
		snprintf(buf, len, "-1 %s", errno_name((int)-ret));
	else if (kind == SC_MMAP || kind == SC_FORK || kind == SC_MREMAP)
		snprintf(buf, len, "ok");
	else
		snprintf(buf, len, "%ld", ret);
}

/* The calls whose outcome differs; returns how many */
static long diff_calls(const struct rk_data *d, const struct rk_diff_opts *o, struct sbuf *out,
		       long *ncalls)
{
	long n = 0;
	bool any = false;

	for (int i = 0; i < d->nrecs; i++) {
		const struct rk_rec *r = &d->recs[i];
		char k[64], m[64];
		long v = 0, e = 0;
		int sig = 0;

		if (r->kind != RK_CALL)
			continue;
		(*ncalls)++;
		if (r->text[0] == 'R')
			sscanf(r->text, "R %ld %ld", &v, &e);
		else if (r->text[0] == 'S')
			sscanf(r->text, "S %d", &sig);
		else if (r->text[0] == 'D')
			sig = -1;
		outcome(k, sizeof(k), r->call_kind, e ? -e : v, sig, r->text[0] == 'X');
		if (!r->model_called)
			snprintf(m, sizeof(m), "not run");
		else
			outcome(m, sizeof(m), r->call_kind, r->model_ret, r->model_sig,
				r->call_kind == SC_EXIT);
		if (!strcmp(k, m) && !o->all)
			continue;
		n += !!strcmp(k, m);
		if (o->json) {
			sb_printf(out, "%s\n    {\"line\": %d, \"process\": ", any ? "," : "", r->line);
			sb_json_str(out, r->path);
			sb_puts(out, ", \"kernel\": ");
			sb_json_str(out, k);
			sb_puts(out, ", \"model\": ");
			sb_json_str(out, m);
			sb_puts(out, "}");
		} else {
			if (!any)
				sb_printf(out, "\n== system calls ==\n  %-6s %-10s %-28s %s\n", "line",
					  "process", "kernel", "model");
			sb_printf(out, "  %-6d %-10s %-28s %s\n", r->line, r->path, k, m);
		}
		any = true;
	}
	return n;
}

static const char *verdict(int ok)
{
	return ok < 0 ? "?" : ok ? "holds" : "FAILS";
}

/* The expect lines whose verdict differs (all with --all); returns how many
 * fail on the kernel */
static long print_expects(const struct rk_data *d, const struct rk_diff_opts *o,
			  struct sbuf *out)
{
	long failed = 0;
	bool any = false;

	for (int i = 0; i < d->nexpects; i++) {
		const struct rk_expect *x = &d->expects[i];

		failed += x->kernel_ok == 0;
		if (x->kernel_ok == 1 && x->model_ok == 1 && !o->all)
			continue;
		if (o->json) {
			sb_printf(out, "%s\n    {\"line\": %d, \"expect\": ", any ? "," : "", x->line);
			sb_json_str(out, x->src);
			sb_printf(out, ", \"kernel\": \"%s\", \"model\": \"%s\"",
				  verdict(x->kernel_ok), verdict(x->model_ok));
			if (x->kernel_ok >= 0)
				sb_printf(out, ", \"kernel_values\": [%lld, %lld]", x->kl, x->kr);
			if (x->model_ok >= 0)
				sb_printf(out, ", \"model_values\": [%lld, %lld]", x->ml, x->mr);
			sb_puts(out, "}");
		} else {
			if (!any)
				sb_puts(out, "\n== expect lines on the kernel's figures ==\n");
			sb_printf(out, "  line %d: %s\n    kernel %s", x->line, x->src,
				  verdict(x->kernel_ok));
			if (x->kernel_ok >= 0)
				sb_printf(out, " (%lld vs %lld)", x->kl, x->kr);
			sb_printf(out, ", model %s", verdict(x->model_ok));
			if (x->model_ok >= 0)
				sb_printf(out, " (%lld vs %lld)", x->ml, x->mr);
			if (x->missing)
				sb_printf(out, "; no figure %s", x->missing);
			sb_puts(out, "\n");
		}
		any = true;
	}
	return failed;
}

bool rk_diff_print(const struct rk_data *d, const char *scenario, const struct rk_diff_opts *o,
		   struct sbuf *out)
{
	long ncalls = 0, calls_differ, expects_failed;
	struct rk_figs pk = { 0 }, pm = { 0 };
	struct tally t = { 0 };
	const char *prev_name = NULL;
	bool first_group = true, differs = false;
	int i = 0;

	if (o->json) {
		sb_puts(out, "{\n  \"scenario\": ");
		sb_json_str(out, scenario);
		sb_puts(out, ",\n  \"kernel\": ");
		sb_json_str(out, d->release ? d->release : "");
		sb_puts(out, ",\n  \"cmdline\": ");
		sb_json_str(out, d->cmdline ? d->cmdline : "");
		if (d->kver) {
			sb_puts(out, ",\n  \"model_version\": ");
			sb_json_str(out, mm_kver_name(d->kver));
		}
		sb_printf(out, ",\n  \"complete\": %s,\n  \"tolerance\": {\"abs\": %lld, \"pct\": %g},\n"
			  "  \"groups\": [", d->done ? "true" : "false", o->tol_abs, o->tol_pct);
	} else {
		sb_printf(out, "scenario: %s\nkernel:   Linux %s\ncmdline:  %s\n", scenario,
			  d->release ? d->release : "?", d->cmdline ? d->cmdline : "?");
		if (d->kver)
			sb_printf(out, "version:  %s, the guest's (the scenario's machine line says "
				  "otherwise)\n", mm_kver_name(d->kver));
		if (o->policies) {
			sb_puts(out, "model:   ");
			for (unsigned int k = 0; k < o->policies->n; k++)
				sb_printf(out, " %s=%s", o->policies->sel[k].family->name,
					  o->policies->sel[k].policy->name);
			sb_puts(out, "\n");
		}
		if (o->tol_abs || o->tol_pct > 0)
			sb_printf(out, "tolerance: %lld, or %g%% of the kernel's figure\n", o->tol_abs,
				  o->tol_pct);
		if (!d->done)
			sb_puts(out, "warning: the guest did not reach the end of the scenario\n");
		sb_puts(out, "Rows: figures that differ beyond the tolerance, in value or (after a\n"
			     "snapshot) in their change since the previous snapshot.\n");
	}
	/* one group per scenario line: a snapshot, or the files one cat read */
	while (i < d->nrecs) {
		int line = d->recs[i].line, j;
		const char *snap = d->recs[i].snap >= 0 ? d->snaps[d->recs[i].snap].name : NULL;
		struct rk_figs kf = { 0 }, mf = { 0 };
		struct sbuf notes, rows;
		bool have_prev = snap && prev_name;

		bool expect_line = false;

		for (int k = 0; k < d->nexpects; k++)
			expect_line |= d->expects[k].line == line;
		if (d->recs[i].kind != RK_CAT || expect_line) {
			/* an expect line's files: its verdict says what they show */
			i++;
			continue;
		}
		for (j = i; j < d->nrecs && d->recs[j].line == line; j++)
			;
		sb_init(&notes);
		sb_init(&rows);
		group_figures(d, i, j, o, &kf, &mf, &notes, &t);
		differs |= print_group(&kf, &mf, have_prev ? &pk : NULL, have_prev ? &pm : NULL, o,
				       &rows, &t);
		if (o->json) {
			sb_printf(out, "%s\n    {\"line\": %d, \"snapshot\": ", first_group ? "" : ",",
				  line);
			if (snap)
				sb_json_str(out, snap);
			else
				sb_puts(out, "null");
			sb_puts(out, ", \"since\": ");
			if (have_prev)
				sb_json_str(out, prev_name);
			else
				sb_puts(out, "null");
			sb_printf(out, ", \"figures\": [%s]}", rows.buf ? rows.buf : "");
		} else {
			sb_printf(out, "\n== line %d: %s%s", line, snap ? "snapshot " : "cat",
				  snap ? snap : "");
			if (have_prev)
				sb_printf(out, " (changes since %s)", prev_name);
			sb_printf(out, " ==\n  %-34s %10s %10s", "figure", "kernel", "model");
			if (have_prev)
				sb_printf(out, " %10s %10s", "kernel+-", "model+-");
			sb_printf(out, "\n%s%s", rows.buf ? rows.buf : "", notes.buf ? notes.buf : "");
		}
		if (snap) {
			rk_figs_free(&pk);
			rk_figs_free(&pm);
			pk = kf;
			pm = mf;
			prev_name = snap;
		} else {
			rk_figs_free(&kf);
			rk_figs_free(&mf);
		}
		sb_free(&notes);
		sb_free(&rows);
		first_group = false;
		i = j;
	}
	rk_figs_free(&pk);
	rk_figs_free(&pm);
	if (o->json)
		sb_puts(out, "\n  ],\n  \"calls\": [");
	calls_differ = diff_calls(d, o, out, &ncalls);
	if (o->json)
		sb_puts(out, "\n  ],\n  \"expects\": [");
	expects_failed = print_expects(d, o, out);
	differs |= t.text_differ || t.missing || calls_differ || expects_failed;
	if (o->json) {
		sb_printf(out, "\n  ],\n  \"summary\": {\"figures\": %ld, \"differ\": %ld, "
			  "\"only_kernel\": %ld, \"only_model\": %ld, \"text_differ\": %ld, "
			  "\"not_in_model\": %ld, \"calls\": %ld, \"calls_differ\": %ld, "
			  "\"expects\": %d, \"expects_failed_on_kernel\": %ld}\n}\n",
			  t.figures, t.differ, t.only_kernel, t.only_model, t.text_differ, t.missing,
			  ncalls, calls_differ, d->nexpects, expects_failed);
		return differs;
	}
	sb_printf(out, "\n%ld figures compared: %ld differ, %ld only in the kernel, %ld only in the\n"
		  "model; %ld files differ as text, %ld are not files of the model",
		  t.figures, t.differ, t.only_kernel, t.only_model, t.text_differ, t.missing);
	if (ncalls)
		sb_printf(out, "; %ld of %ld system calls had another outcome", calls_differ, ncalls);
	if (d->nexpects)
		sb_printf(out, "; %ld of %d expect lines fail on the kernel", expects_failed,
			  d->nexpects);
	sb_puts(out, "\n");
	return differs;
}
