// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore_sched.c - schedule strings, traces, reports, replay and the
 * shrinker of the interleaving explorer (see explore.h).
 *
 * A schedule string names one run exactly:
 *
 *	xp1:dpor:b1:0*2.1*2.e0>1.0:5c1e09a3
 *	 |   |    |  |              checksum of what was enabled at each step
 *	 |   |    |  choices: CPU n, n*count for count steps in a row, eK>n for
 *	 |   |    |  the K-th event posted in the run, delivered to CPU n
 *	 |   |    search parameters (bN bound, sN seed, dN PCT depth), "-": none
 *	 |   strategy that found it: dfs, dpor, rnd, pct
 *	 format version
 *
 * Only the choices drive a replay; the strategy and parameters say where
 * the run came from.  The checksum (FNV-1a over the number of CPUs and,
 * per step, the enabled CPUs and the numbers of the enabled events) tells a
 * replay whose choices all succeeded but whose runnable sets changed (the
 * model moved under the string) that it is no longer the recorded run.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "explore_int.h"
#include "host.h"
#include "sbuf.h"

static const char *const op_names[] = {
	[SCHED_READ] = "READ",		[SCHED_WRITE] = "WRITE",
	[SCHED_RMW] = "RMW",		[SCHED_LOCK] = "LOCK",
	[SCHED_UNLOCK] = "UNLOCK",	[SCHED_TLB_FILL] = "TLB_FILL",
	[SCHED_TLB_FLUSH] = "TLB_FLUSH", [SCHED_COPY] = "COPY",
	[SCHED_YIELD] = "YIELD",
};

const char *xp_op_name(enum sched_op op)
{
	if ((unsigned int)op < ARRAY_SIZE(op_names) && op_names[op])
		return op_names[op];
	return "?";
}

static const char *const kind_names[] = {
	[XP_OK] = "ok",			[XP_FAIL_ASSERT] = "assertion",
	[XP_FAIL_INVARIANT] = "invariant", [XP_FAIL_FINAL] = "final check",
	[XP_FAIL_MODEL] = "kernel failure", [XP_FAIL_CHECK] = "model check",
	[XP_FAIL_DEADLOCK] = "deadlock",
	[XP_FAIL_STEPS] = "step limit",	[XP_FAIL_SOMETIMES] = "sometimes",
	[XP_FAIL_DIVERGED] = "replay diverged", [XP_FAIL_NONDET] = "nondeterminism",
	[XP_FAIL_USAGE] = "usage",
};

const char *xp_fail_kind_name(enum xp_fail_kind k)
{
	if ((unsigned int)k < ARRAY_SIZE(kind_names))
		return kind_names[k];
	return "?";
}

void xp_thread_str(struct xp_ctx *x, int tid, char *buf, size_t len)
{
	if (tid < x->ncpus)
		snprintf(buf, len, "cpu%d", tid);
	else if (x->ev_of_tid[tid] >= 0)
		snprintf(buf, len, "e%d>%d", x->ev_of_tid[tid], x->ev[x->ev_of_tid[tid]].target);
	else
		snprintf(buf, len, "event#%d", tid);
}

const char *xp_addr_str(struct xp_ctx *x, uint64_t addr, char *buf, size_t len)
{
	for (int i = 0; i < x->nnames; i++)
		if (addr >= x->names[i].base && addr - x->names[i].base < x->names[i].len) {
			snprintf(buf, len, "%s+%llu", x->names[i].name,
				 (unsigned long long)(addr - x->names[i].base));
			return buf;
		}
	snprintf(buf, len, "%#llx", (unsigned long long)addr);
	return buf;
}

/* -------------------------------------------------------------------------
 * Formatting and parsing
 */
static void fnv(uint32_t *h, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		*h ^= (v >> (8 * i)) & 0xff;
		*h *= 16777619u;
	}
}

uint32_t xp_run_checksum(struct xp_ctx *x)
{
	uint32_t h = 2166136261u;
	xmask cpus = XBIT(x->ncpus) - 1;

	fnv(&h, (uint32_t)x->ncpus);
	for (size_t i = 0; i < x->n; i++) {
		xmask en = x->steps[i].enabled;
		int t;

		fnv(&h, (uint32_t)(en & cpus));
		xm_for_each(t, en & ~cpus)
			fnv(&h, 0x10000u | (uint32_t)x->ev_of_tid[t]);
		fnv(&h, 0xffffffffu);
	}
	return h;
}

char *xp_format_schedule(struct xp_ctx *x)
{
	struct sbuf b;

	sb_init(&b);
	sb_printf(&b, "xp1:%s:%s:", x->strat, x->params[0] ? x->params : "-");
	if (!x->n)
		sb_puts(&b, "-");
	for (size_t i = 0; i < x->n;) {
		const struct xp_step *s = &x->steps[i];

		if (i)
			sb_puts(&b, ".");
		if (s->ev >= 0) {
			sb_printf(&b, "e%d>%d", s->ev, s->fp.target);
			i++;
			continue;
		}
		size_t j = i + 1;

		while (j < x->n && x->steps[j].tid == s->tid)
			j++;
		if (j - i > 1)
			sb_printf(&b, "%d*%zu", s->tid, j - i);
		else
			sb_printf(&b, "%d", s->tid);
		i = j;
	}
	sb_printf(&b, ":%08x", xp_run_checksum(x));
	return sb_steal(&b);
}

static bool parse_uint(const char **p, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return false;
	*v = strtoul(*p, &end, 10);
	*p = end;
	return true;
}

int xp_parse_schedule(const char *str, struct xp_parsed *p, char *err, size_t errlen)
{
	const char *s = str, *f[4];
	size_t flen[4], cap = 16;
	unsigned long v, w;

	memset(p, 0, sizeof(*p));
	if (strncmp(s, "xp1:", 4)) {
		snprintf(err, errlen, "schedule string, column 1: expected 'xp1:' (not an "
			 "explorer schedule, or a newer format)");
		return -1;
	}
	s += 4;
	for (int i = 0; i < 4; i++) {
		const char *e = strchr(s, ':');

		if (i < 3 && !e) {
			snprintf(err, errlen, "schedule string, column %zu: expected 5 fields "
				 "separated by ':'", (size_t)(s - str) + 1);
			return -1;
		}
		if (i == 3 && e) {
			snprintf(err, errlen, "schedule string, column %zu: unexpected ':'",
				 (size_t)(e - str) + 1);
			return -1;
		}
		f[i] = s;
		flen[i] = e ? (size_t)(e - s) : strlen(s);
		s = e ? e + 1 : s + flen[i];
	}
	snprintf(p->strat, sizeof(p->strat), "%.*s", (int)flen[0], f[0]);
	snprintf(p->params, sizeof(p->params), "%.*s", (int)flen[1], f[1]);
	if (flen[3] != 8 || strspn(f[3], "0123456789abcdefABCDEF") < 8) {
		snprintf(err, errlen, "schedule string, column %zu: expected an 8-digit hex "
			 "checksum", (size_t)(f[3] - str) + 1);
		return -1;
	}
	p->sum = (uint32_t)strtoul(f[3], NULL, 16);
	p->choices = host_calloc(cap, sizeof(*p->choices), "parsing a schedule");
	if (flen[2] == 1 && f[2][0] == '-')
		return 0;
	for (const char *c = f[2], *end = f[2] + flen[2]; c < end;) {
		const char *tok = c;
		struct xp_choice ch = { .ev = -1 };
		unsigned long count = 1;

		if (*c == 'e') {
			c++;
			if (!parse_uint(&c, &v) || *c != '>' || (c++, !parse_uint(&c, &w)))
				goto bad;
			ch.ev = (int)v;
			ch.cpu = (int)w;
		} else {
			if (!parse_uint(&c, &v))
				goto bad;
			ch.cpu = (int)v;
			if (*c == '*') {
				c++;
				if (!parse_uint(&c, &count) || !count)
					goto bad;
			}
		}
		if (ch.cpu >= XP_MAX_CPUS || ch.ev >= XP_MAX_THREADS || count > 10000000UL)
			goto bad;
		if (c < end && *c != '.')
			goto bad;
		if (c < end && c + 1 == end)
			goto bad;	/* trailing '.' */
		if (c < end)
			c++;
		while (count--) {
			if (p->n == cap) {
				cap *= 2;
				p->choices = host_reallocarray(p->choices, cap, sizeof(*p->choices),
							       "parsing a schedule");
			}
			p->choices[p->n++] = ch;
		}
		continue;
bad:
		snprintf(err, errlen, "schedule string, column %zu: bad choice '%.*s' (expected "
			 "N, N*COUNT or eK>N, separated by '.')", (size_t)(tok - str) + 1,
			 (int)strcspn(tok, ".:"), tok);
		host_free(p->choices);
		p->choices = NULL;
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------------------------
 * Capturing a failure
 */
void xp_capture(struct xp_ctx *x, struct xp_result *r)
{
	xp_result_free(r);
	r->kind = x->fkind;
	snprintf(r->msg, sizeof(r->msg), "%s", x->fmsg);
	/* a diverged replay is no run to replay */
	r->schedule = x->fkind == XP_FAIL_DIVERGED ? NULL : xp_format_schedule(x);
	r->preemptions = x->preempt;
	r->trace = host_calloc(x->n ? x->n : 1, sizeof(*r->trace), "reporting a failure");
	r->ntrace = x->n;
	for (size_t i = 0; i < x->n; i++) {
		const struct xp_step *s = &x->steps[i];
		struct xp_trace_ent *e = &r->trace[i];

		e->step = (unsigned int)i;
		e->cpu = s->ev >= 0 ? s->fp.target : s->tid;
		e->event = s->ev;
		e->op = (enum sched_op)s->fp.op;
		e->addr = s->fp.addr;
		e->len = s->fp.len;
		e->where = s->fp.where;
		e->preempt = s->preempted;
		e->frame = -1;
		if (i < x->desc_cap) {
			e->desc = x->desc[i];
			e->frame_desc = x->fdesc[i];
			e->frame = x->dframe[i];
			x->desc[i] = x->fdesc[i] = NULL;
		}
		for (int k = 0; k < x->nnames; k++)
			if (s->fp.addr >= x->names[k].base &&
			    s->fp.addr - x->names[k].base < x->names[k].len) {
				e->name = x->names[k].name;
				e->off = s->fp.addr - x->names[k].base;
				break;
			}
	}
}

static void thread_name(const struct xp_trace_ent *e, char *th, size_t len)
{
	if (e->event >= 0)
		snprintf(th, len, "e%d>%d", e->event, e->cpu);
	else
		snprintf(th, len, "cpu%d", e->cpu);
}

static void addr_name(const struct xp_trace_ent *e, char *ad, size_t len)
{
	if (e->name)
		snprintf(ad, len, "%s+%llu/%u", e->name, (unsigned long long)e->off, e->len);
	else if (e->op == SCHED_YIELD && !e->addr)
		snprintf(ad, len, "-");
	else
		snprintf(ad, len, "%#llx/%u", (unsigned long long)e->addr, e->len);
}

static void print_step(FILE *f, const char *prefix, const struct xp_trace_ent *e,
		       unsigned long repeat)
{
	char th[24], ad[64], rep[32] = "";

	thread_name(e, th, sizeof(th));
	addr_name(e, ad, sizeof(ad));
	if (repeat > 1)
		snprintf(rep, sizeof(rep), " (x%lu)", repeat);
	fprintf(f, "%s%5u%c %-7s %-9s %-24s %s%s", prefix, e->step, e->preempt ? '*' : ' ', th,
		xp_op_name(e->op), ad, e->where ? e->where : "?", rep);
	if (e->desc)
		fprintf(f, "\n%s%17s %s", prefix, "", e->desc);
	fputc('\n', f);
}

static void print_header(FILE *f, const char *prefix)
{
	fprintf(f, "%s%5s  %-7s %-9s %-24s %s\n", prefix, "step", "thread", "op", "address",
		"where");
}

void xp_print_trace(FILE *f, const struct xp_result *r, const char *prefix)
{
	print_header(f, prefix);
	for (size_t i = 0; i < r->ntrace; i++)
		print_step(f, prefix, &r->trace[i], 1);
}

void xp_print_failure(FILE *f, const struct xp_result *r)
{
	fprintf(f, "xp: FAILED (%s): %s\n", xp_fail_kind_name(r->kind), r->msg);
	if (r->schedule)
		fprintf(f, "xp:   replay: MMSIM_REPLAY='%s'\n", r->schedule);
	if (!r->ntrace)
		return;
	fprintf(f, "xp:   %zu steps, %u preemptions (*):\n", r->ntrace, r->preemptions);
	xp_print_trace(f, r, "xp:   ");
}

/* -------------------------------------------------------------------------
 * Condensed traces
 */
static bool op_writes(enum sched_op op)
{
	return op == SCHED_WRITE || op == SCHED_RMW || op == SCHED_COPY || op == SCHED_LOCK ||
	       op == SCHED_UNLOCK;
}

static bool op_local(enum sched_op op)
{
	return op == SCHED_TLB_FLUSH || op == SCHED_YIELD;
}

/* Two steps of different CPUs on overlapping bytes, one of them writing */
static bool steps_conflict(const struct xp_trace_ent *a, const struct xp_trace_ent *b)
{
	if (a->cpu == b->cpu || a->event >= 0 || b->event >= 0 || op_local(a->op) ||
	    op_local(b->op))
		return false;
	if (!op_writes(a->op) && !op_writes(b->op))
		return false;
	return a->addr < b->addr + (b->len ? b->len : 1) &&
	       b->addr < a->addr + (a->len ? a->len : 1);
}

static bool same_line(const struct xp_trace_ent *a, const struct xp_trace_ent *b)
{
	return a->cpu == b->cpu && a->event == b->event && a->op == b->op && !b->preempt &&
	       a->where == b->where && a->name == b->name &&
	       (a->desc && b->desc ? !strcmp(a->desc, b->desc) : a->addr == b->addr);
}

void xp_print_condensed(FILE *f, const struct xp_result *r)
{
	bool *keep = host_calloc(r->ntrace + 1, sizeof(*keep), "condensing a trace");
	uint64_t *cpus = host_calloc(r->ntrace + 1, sizeof(*cpus), "condensing a trace");
	size_t kept = 0;

	for (size_t i = 0; i < r->ntrace; i++) {
		const struct xp_trace_ent *e = &r->trace[i];

		if (e->event >= 0 || e->op == SCHED_TLB_FLUSH || i + 1 == r->ntrace)
			keep[i] = true;
		for (size_t j = i + 1; j < r->ntrace; j++)
			if (steps_conflict(e, &r->trace[j])) {
				keep[i] = keep[j] = true;
				/* the frame is shared: note both CPUs */
				if (e->frame >= 0)
					cpus[i] |= 1ULL << (e->cpu & 63) |
						   1ULL << (r->trace[j].cpu & 63);
			}
	}
	for (size_t i = 0; i < r->ntrace; i++)
		kept += keep[i];
	fprintf(f, "trace: %zu of %zu steps, %u preemptions (*); the accesses that conflict "
		"with another CPU's, TLB flushes, the last step (--full for every step):\n",
		kept, r->ntrace, r->preemptions);
	print_header(f, "  ");
	for (size_t i = 0; i < r->ntrace; i++) {
		unsigned long n = 1;

		if (!keep[i])
			continue;
		while (i + n < r->ntrace && keep[i + n] &&
		       same_line(&r->trace[i], &r->trace[i + n]))
			n++;
		print_step(f, "  ", &r->trace[i], n);
		i += n - 1;
	}
	/* the frames more than one CPU touched, with what they are */
	for (size_t i = 0, first = 1; i < r->ntrace; i++) {
		bool dup = false;

		if (!cpus[i] || !r->trace[i].frame_desc)
			continue;
		for (size_t k = 0; k < i && !dup; k++)
			dup = cpus[k] && r->trace[k].frame == r->trace[i].frame;
		if (dup)
			continue;
		if (first)
			fprintf(f, "shared frames:\n");
		first = 0;
		fprintf(f, "  %#lx  %s\n", (unsigned long)r->trace[i].frame,
			r->trace[i].frame_desc);
	}
	host_free(keep);
	host_free(cpus);
}

void xp_print_stats(FILE *f, const char *name, const struct xp_opts *o,
		    const struct xp_result *r)
{
	const struct xp_stats *s = &r->stats;
	char how[64];

	if (o->replay)
		snprintf(how, sizeof(how), "replay");
	else if (o->strategy == XP_RANDOM)
		snprintf(how, sizeof(how), "random walk, seed %llu", (unsigned long long)o->seed);
	else if (o->strategy == XP_PCT)
		snprintf(how, sizeof(how), "PCT, seed %llu, depth %u", (unsigned long long)o->seed,
			 o->pct_depth ? o->pct_depth : 3);
	else
		snprintf(how, sizeof(how), "%s",
			 o->bounding == XP_BOUND ? "DFS, preemption bound" :
			 o->bounding == XP_ITERATIVE ? "DFS, iterative preemption bound" :
			 o->no_por ? "DFS" : "DPOR");
	fprintf(f, "xp: %s: %s", name ? name : "?", how);
	if (!o->replay && o->strategy == XP_DFS && o->bounding != XP_NO_BOUND)
		fprintf(f, " %u", s->bound);
	fprintf(f, ": %lu schedules", s->schedules);
	/* a reduced search always says how much it pruned, 0 included */
	if (s->sleep_blocked || (!o->replay && o->strategy == XP_DFS && !o->no_por &&
				 o->bounding == XP_NO_BOUND))
		fprintf(f, ", %lu pruned by sleep sets", s->sleep_blocked);
	if (s->bound_cut)
		fprintf(f, ", %lu branches cut by the bound", s->bound_cut);
	if (o->keep_going && s->failed)
		fprintf(f, ", %lu failing", s->failed);
	fprintf(f, ", %lu steps, depth %u, %.3f s", s->steps, s->max_depth, s->seconds);
	if (s->seconds > 0)
		fprintf(f, " (%.0f schedules/s)", (double)(s->schedules + s->sleep_blocked) /
			s->seconds);
	if (s->estimate > 0)
		fprintf(f, ", estimate %.3g unreduced", s->estimate);
	if (!o->replay && o->strategy == XP_DFS && r->kind == XP_OK)
		fprintf(f, ", %s", s->exhaustive ? "exhaustive" :
			s->complete ? "complete within the bound" :
			s->time_out ? "INCOMPLETE (time budget)" : "INCOMPLETE (schedule limit)");
	fprintf(f, "\n");
}

/* -------------------------------------------------------------------------
 * Replay
 */
static void replay_run(struct xp_ctx *x, const struct xp_choice *c, size_t n, bool lenient)
{
	x->mode = lenient ? RM_LENIENT : RM_REPLAY;
	x->choices = c;
	x->nchoices = n;
	xp_run_one(x);
	x->stats.schedules++;
}

/* After an exact replay: did the run follow the string to its end? */
static void replay_verdict(struct xp_ctx *x, uint32_t sum)
{
	char what[XP_MSG];

	if (x->fkind == XP_FAIL_DIVERGED)
		return;
	if (x->fkind != XP_OK)
		snprintf(what, sizeof(what), "%s: %.400s", xp_fail_kind_name(x->fkind), x->fmsg);
	else
		snprintf(what, sizeof(what), "%s", x->finished ? "all CPUs finished" : "stopped");
	if (x->pos < x->nchoices) {
		x->fkind = XP_OK;
		snprintf(x->fmsg, sizeof(x->fmsg), "the run ended after %zu steps (%.200s) with "
			 "%zu choices of the schedule left", x->n, what, x->nchoices - x->pos);
		x->fkind = XP_FAIL_DIVERGED;
		return;
	}
	uint32_t got = xp_run_checksum(x);

	if (got != sum) {
		snprintf(x->fmsg, sizeof(x->fmsg), "the choices were all possible but the "
			 "runnable CPUs along the run differ from the recorded run (checksum "
			 "%08x, recorded %08x); the run ended with %.200s", got, sum, what);
		x->fkind = XP_FAIL_DIVERGED;
	}
}

int xp_do_replay(struct xp_ctx *x, const char *schedule, struct xp_result *r)
{
	struct xp_parsed p;

	if (xp_parse_schedule(schedule, &p, r->msg, sizeof(r->msg))) {
		r->kind = XP_FAIL_USAGE;
		return -1;
	}
	snprintf(x->strat, sizeof(x->strat), "%s", p.strat);
	snprintf(x->params, sizeof(x->params), "%s", p.params);
	replay_run(x, p.choices, p.n, false);
	replay_verdict(x, p.sum);
	if (x->fkind != XP_OK)
		xp_capture(x, r);
	host_free(p.choices);
	return r->kind == XP_OK ? 0 : -1;
}

/* -------------------------------------------------------------------------
 * Shrinking: greedy, keeps a variant when it fails the same way with fewer
 * preemptions (or as many and fewer steps).  Variants, for each preemption
 * of the best run so far: cut the schedule there (the default policy, which
 * never preempts, finishes the run); drop that one choice; drop the block
 * of choices of the thread that preempted.  Choices that are not possible
 * in a variant are skipped (lenient replay).
 */
#define SHRINK_MAX_RUNS	4000

struct shrink_best {
	struct xp_choice *c;
	size_t n;
	unsigned int preempt;
	size_t steps;
};

static void take_run(struct xp_ctx *x, struct shrink_best *b)
{
	struct xp_choice *c = host_calloc(x->n ? x->n : 1, sizeof(*c), "shrinking a schedule");

	for (size_t i = 0; i < x->n; i++) {
		const struct xp_step *s = &x->steps[i];

		c[i].ev = s->ev;
		c[i].cpu = s->ev >= 0 ? s->fp.target : s->tid;
	}
	host_free(b->c);
	b->c = c;
	b->n = x->n;
	b->preempt = x->preempt;
	b->steps = x->n;
}

int xp_do_shrink(struct xp_ctx *x, const char *schedule, struct xp_result *r)
{
	struct shrink_best best = { 0 };
	struct xp_parsed p;
	enum xp_fail_kind kind;
	struct xp_choice *v;
	size_t *pre;
	unsigned int runs = 0;

	if (xp_parse_schedule(schedule, &p, r->msg, sizeof(r->msg))) {
		r->kind = XP_FAIL_USAGE;
		return -1;
	}
	snprintf(x->strat, sizeof(x->strat), "%s", p.strat);
	snprintf(x->params, sizeof(x->params), "%s", p.params);
	replay_run(x, p.choices, p.n, false);
	replay_verdict(x, p.sum);
	host_free(p.choices);
	kind = x->fkind;
	if (kind == XP_OK || kind == XP_FAIL_DIVERGED) {
		if (kind != XP_OK)
			xp_capture(x, r);
		else
			snprintf(r->msg, sizeof(r->msg), "shrink: the schedule does not fail");
		return -1;
	}
	take_run(x, &best);
	for (bool improved = true; improved && runs < SHRINK_MAX_RUNS;) {
		size_t np = 0;

		improved = false;
		v = host_calloc(best.n + 1, sizeof(*v), "shrinking a schedule");
		pre = host_calloc(best.n + 1, sizeof(*pre), "shrinking a schedule");
		/* where the best run preempts (its steps are still in x->steps
		 * only right after take_run, so recompute from a fresh run) */
		replay_run(x, best.c, best.n, true);
		for (size_t i = 0; i < x->n; i++)
			if (x->steps[i].preempted)
				pre[np++] = i;
		for (int variant = 0; variant < 3 && !improved; variant++) {
			for (size_t k = 0; k < np && !improved && runs < SHRINK_MAX_RUNS; k++) {
				size_t at = pre[k], nv = 0, skip_to = at + 1;

				if (variant == 2)
					while (skip_to < best.n &&
					       best.c[skip_to].cpu == best.c[at].cpu &&
					       best.c[skip_to].ev == best.c[at].ev)
						skip_to++;
				for (size_t i = 0; i < best.n; i++) {
					if (i == at && variant == 0)
						break;
					if (i >= at && i < skip_to && variant)
						continue;
					v[nv++] = best.c[i];
				}
				replay_run(x, v, nv, true);
				runs++;
				if (x->fkind == kind && (x->preempt < best.preempt ||
				    (x->preempt == best.preempt && x->n < best.steps))) {
					take_run(x, &best);
					improved = true;
				}
			}
		}
		host_free(v);
		host_free(pre);
	}
	/* record the result as an exact run */
	{
		char params[64];

		snprintf(params, sizeof(params), "%s", x->params);
		if (!strcmp(params, "-") || !params[0])
			snprintf(x->params, sizeof(x->params), "shrunk");
		else if (!strstr(params, "shrunk"))
			snprintf(x->params, sizeof(x->params), "%.50s,shrunk", params);
	}
	replay_run(x, best.c, best.n, false);
	xp_capture(x, r);
	host_free(best.c);
	return 0;
}
