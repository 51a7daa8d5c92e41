// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.c - `mmsim report`: the figures of a compare or a sweep, and the
 * allocator state behind them, as a reviewer pastes them into a reply
 * (80-column text) or looks at them (one self-contained HTML page).
 *
 * The inputs fill a struct report (report.h): a compare JSON
 * (mmsim-compare/2: one value per run), a sweep JSON or result directory
 * (the values of every seed per cell), or the scenario itself, run here
 * once per policy and seed through compare's core (cmp_table_build), which
 * also keeps, for the first seed, every zone's pagetypeinfo, pageblock map
 * and /proc/vmstat at each snapshot the scenario takes and at its end.
 * The writers read only the struct: the same rows in text and HTML.
 *
 * Statistics are those of `mmsim sweep` (sim/stats.c): min, median, mean
 * and sample stddev per run, and Welch's t-test (or Mann-Whitney U) of
 * each run against the baseline.  The HTML draws its charts as inline SVG
 * written here from the numbers, each shape carrying its figure in data-*
 * attributes, so the page needs nothing at view time and a test can read
 * the data back from the DOM.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare.h"
#include "host.h"
#include "mm.h"
#include "mmzone.h"
#include "page_alloc.h"
#include "module.h"
#include "policy.h"
#include "progress.h"
#include "report.h"
#include "revision.h"
#include "scn.h"
#include "stats.h"
#include "sweep.h"
#include "vmstat.h"

_Static_assert(RPT_ORDERS == MAX_ORDER, "one column per order");

const char *const rpt_type_names[RPT_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate",
};
static const int rpt_mt[RPT_TYPES] = {
	MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC,
	MIGRATE_ISOLATE,
};

#define WIDTH	80

/* -------------------------------------------------------------------------
 * The model
 */
void report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
}

static void point_free(struct rpt_point *p)
{
	for (unsigned int z = 0; z < p->nzones; z++)
		host_free(p->zone[z].seg);
	host_free(p->zone);
	for (unsigned int i = 0; i < p->nvm; i++)
		host_free(p->vm_name[i]);
	host_free(p->vm_name);
	host_free(p->vm_val);
}

void report_free(struct report *r)
{
	for (unsigned int b = 0; b < r->nblk; b++) {
		struct rpt_block *blk = &r->blk[b];

		for (unsigned int k = 0; k < blk->nrows; k++)
			for (unsigned int i = 0; i < RPT_MAX_RUNS; i++)
				host_free(blk->rows[k].v[i]);
		host_free(blk->rows);
		for (unsigned int i = 0; i < RPT_MAX_RUNS; i++) {
			for (unsigned int p = 0; p < blk->det[i].npts; p++)
				point_free(&blk->det[i].pt[p]);
			host_free(blk->det[i].pt);
		}
	}
	host_free(r->blk);
	memset(r, 0, sizeof(*r));
}

static struct rpt_block *block_add(struct report *r, const char *set)
{
	struct rpt_block *b;

	r->blk = host_reallocarray(r->blk, r->nblk + 1, sizeof(*r->blk), "building a report");
	b = &r->blk[r->nblk++];
	memset(b, 0, sizeof(*b));
	snprintf(b->set, sizeof(b->set), "%s", set);
	return b;
}

struct rpt_row *rpt_row_get(struct rpt_block *b, const char *key, const char *label, bool index)
{
	struct rpt_row *row;

	/* rows come in the same order every time: look from the end, then everywhere */
	for (unsigned int k = 0; k < b->nrows; k++)
		if (!strcmp(b->rows[k].key, key))
			return &b->rows[k];
	if (b->nrows == b->caprows) {
		b->caprows = b->caprows ? 2 * b->caprows : 256;
		b->rows = host_reallocarray(b->rows, b->caprows, sizeof(*b->rows),
					    "building a report");
	}
	row = &b->rows[b->nrows++];
	memset(row, 0, sizeof(*row));
	snprintf(row->key, sizeof(row->key), "%s", key);
	snprintf(row->label, sizeof(row->label), "%s", label);
	row->index = index;
	return row;
}

void rpt_row_push(struct rpt_row *row, unsigned int run, double v)
{
	assert(run < RPT_MAX_RUNS);
	row->v[run] = host_reallocarray(row->v[run], row->n[run] + 1, sizeof(double),
					"building a report");
	row->v[run][row->n[run]++] = v;
}

/* -------------------------------------------------------------------------
 * Formatting helpers
 */
void rpt_fmt_delta(char *buf, size_t len, double base, double v)
{
	if (base == 0)
		snprintf(buf, len, "(%8s)", v == 0 ? "0.00%" : "n/a");
	else
		snprintf(buf, len, "(%7.2f%%)", (v - base) * 100.0 / fabs(base));
}

void rpt_wrap(struct sbuf *sb, const char *text, unsigned int width, unsigned int indent)
{
	unsigned int col = 0;
	const char *p = text;

	while (*p) {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (!n)
			break;
		if (col && col + 1 + n > width) {
			sb_printf(sb, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col) {
			sb_puts(sb, " ");
			col++;
		}
		sb_printf(sb, "%.*s", (int)n, p);
		col += (unsigned int)n;
		p += n;
	}
	sb_puts(sb, "\n");
}

static void html_esc(struct sbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': sb_puts(sb, "&lt;"); break;
		case '>': sb_puts(sb, "&gt;"); break;
		case '&': sb_puts(sb, "&amp;"); break;
		case '"': sb_puts(sb, "&quot;"); break;
		default: sb_printf(sb, "%c", *s);
		}
	}
}

/* A value as text: an index as debugfs prints it, a count with @dec decimals */
static void fmt_num(char *buf, size_t len, const struct rpt_row *row, double v, int dec)
{
	if (row->index)
		snprintf(buf, len, "%.3f", v / 1000.0);
	else
		snprintf(buf, len, "%.*f", dec, v);
}

/* -------------------------------------------------------------------------
 * Tables: rows of cells, written as 80-column text or as an HTML table
 */
#define TCELL	72

struct trow {
	char label[100];
	bool heading;			/* a line of its own, no cells */
	char key[96];			/* data-key in HTML, or "" */
	char cell[RPT_MAX_RUNS][TCELL];
};

struct ttab {
	unsigned int ncols;
	char head[RPT_MAX_RUNS][TCELL];
	struct trow *row;
	unsigned int nrows, cap;
};

static struct trow *ttab_add(struct ttab *t, const char *label, const char *key, bool heading)
{
	struct trow *r;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->row = host_reallocarray(t->row, t->cap, sizeof(*t->row), "building a report");
	}
	r = &t->row[t->nrows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->label, sizeof(r->label), "%s", label);
	snprintf(r->key, sizeof(r->key), "%s", key ? key : "");
	r->heading = heading;
	return r;
}

/*
 * As text: a label column, then the columns in groups that fit @WIDTH, the
 * first (the baseline) in every group, as mmtests' compare-kernels does
 * with many kernels; a label longer than its column goes on its own line.
 */
static void ttab_text(const struct ttab *t, struct sbuf *sb)
{
	unsigned int lw = 6, cw[RPT_MAX_RUNS] = { 0 };

	for (unsigned int k = 0; k < t->nrows; k++)
		if (!t->row[k].heading && strlen(t->row[k].label) > lw)
			lw = (unsigned int)strlen(t->row[k].label);
	for (unsigned int c = 0; c < t->ncols; c++) {
		cw[c] = (unsigned int)strlen(t->head[c]);
		for (unsigned int k = 0; k < t->nrows; k++)
			if ((unsigned int)strlen(t->row[k].cell[c]) > cw[c])
				cw[c] = (unsigned int)strlen(t->row[k].cell[c]);
	}
	/* as wide as the labels, leaving room for the baseline and two more columns */
	{
		unsigned int room = 2 + cw[0], cap;

		for (unsigned int c = 1; c < t->ncols && c < 3; c++)
			room += 2 + cw[c];
		cap = room + 12 < WIDTH ? WIDTH - room : 12;

		if (lw > cap)
			lw = cap;
	}
	for (unsigned int first = 1; first < t->ncols || first == 1;) {
		unsigned int cols[RPT_MAX_RUNS], nc = 0, w = lw + 2 + cw[0];

		cols[nc++] = 0;
		while (first < t->ncols && (nc == 1 || w + 2 + cw[first] <= WIDTH)) {
			w += 2 + cw[first];
			cols[nc++] = first++;
		}
		if (first == 1)		/* one column only */
			first = 2;
		sb_printf(sb, "%*s", (int)lw, "");
		for (unsigned int i = 0; i < nc; i++)
			sb_printf(sb, "  %*s", (int)cw[cols[i]], t->head[cols[i]]);
		sb_puts(sb, "\n");
		for (unsigned int k = 0; k < t->nrows; k++) {
			const struct trow *r = &t->row[k];

			if (r->heading) {
				sb_printf(sb, "%.*s\n", WIDTH, r->label);
				continue;
			}
			if (strlen(r->label) > lw)
				sb_printf(sb, "%.*s\n%*s", WIDTH, r->label, (int)lw, "");
			else
				sb_printf(sb, "%-*s", (int)lw, r->label);
			for (unsigned int i = 0; i < nc; i++)
				sb_printf(sb, "  %*s", (int)cw[cols[i]], r->cell[cols[i]]);
			sb_puts(sb, "\n");
		}
		if (first < t->ncols)
			sb_puts(sb, "\n");
		else
			break;
	}
}

static void ttab_html(const struct ttab *t, const char *cls, struct sbuf *sb)
{
	sb_printf(sb, "<table class=\"%s\">\n<tr><th></th>", cls);
	for (unsigned int c = 0; c < t->ncols; c++) {
		sb_puts(sb, "<th>");
		html_esc(sb, t->head[c]);
		sb_puts(sb, "</th>");
	}
	sb_puts(sb, "</tr>\n");
	for (unsigned int k = 0; k < t->nrows; k++) {
		const struct trow *r = &t->row[k];

		if (r->heading) {
			sb_printf(sb, "<tr class=\"head\"><th colspan=\"%u\">", t->ncols + 1);
			html_esc(sb, r->label);
			sb_puts(sb, "</th></tr>\n");
			continue;
		}
		sb_puts(sb, "<tr");
		if (r->key[0]) {
			sb_puts(sb, " data-key=\"");
			html_esc(sb, r->key);
			sb_puts(sb, "\"");
		}
		sb_puts(sb, "><td>");
		html_esc(sb, r->label);
		sb_puts(sb, "</td>");
		for (unsigned int c = 0; c < t->ncols; c++) {
			sb_puts(sb, "<td>");
			html_esc(sb, r->cell[c]);
			sb_puts(sb, "</td>");
		}
		sb_puts(sb, "</tr>\n");
	}
	sb_puts(sb, "</table>\n");
}

static void ttab_free(struct ttab *t)
{
	host_free(t->row);
	memset(t, 0, sizeof(*t));
}

/* -------------------------------------------------------------------------
 * The figures table
 */
static unsigned int max_n(const struct rpt_block *b)
{
	unsigned int n = 0;

	for (unsigned int k = 0; k < b->nrows; k++)
		for (unsigned int i = 0; i < b->nruns; i++)
			if (b->rows[k].n[i] > n)
				n = b->rows[k].n[i];
	return n;
}

/* Every value of every run the same (and every run has them all) */
static bool row_same(const struct rpt_block *b, const struct rpt_row *row)
{
	bool first = true;
	double v0 = 0;
	unsigned int n0 = 0, never0 = 0;

	for (unsigned int i = 0; i < b->nruns; i++) {
		if (!b->run[i].ok)
			continue;
		if (first) {
			n0 = row->n[i];
			never0 = row->never[i];
			if (n0)
				v0 = row->v[i][0];
			first = false;
		}
		if (row->n[i] != n0 || row->never[i] != never0)
			return false;
		for (unsigned int s = 0; s < row->n[i]; s++)
			if (row->v[i][s] != v0)
				return false;
	}
	return true;
}

static bool row_selected(const struct rpt_row *row, const struct rpt_opts *o)
{
	if (!o->nprefix)
		return true;
	for (unsigned int i = 0; i < o->nprefix; i++) {
		size_t n = strlen(o->prefix[i]);

		if (!strncmp(row->key, o->prefix[i], n) || !strncmp(row->label, o->prefix[i], n))
			return true;
	}
	return false;
}

static void run_head(char *buf, size_t len, const struct rpt_block *b, unsigned int i)
{
	if (strlen(b->run[i].label) <= 20)
		snprintf(buf, len, "%s", b->run[i].label);
	else
		snprintf(buf, len, "run %u", i);
}

static const char *verdict(const struct stats_test *t, char *buf, size_t len)
{
	switch (t->verdict) {
	case STATS_IDENTICAL: return "identical";
	case STATS_FIXED: return "fixed";
	case STATS_TOO_FEW: return "n<2";
	default:
		snprintf(buf, len, "%.4f", t->p);
		return buf;
	}
}

/* Every run's values are all the same (each run its own value) */
static bool no_spread(const struct rpt_block *b, const struct rpt_row *row)
{
	for (unsigned int i = 0; i < b->nruns; i++) {
		if (row->never[i] && row->n[i])
			return false;
		for (unsigned int k = 1; k < row->n[i]; k++)
			if (row->v[i][k] != row->v[i][0])
				return false;
	}
	return true;
}

/* Build the figures table of @b; returns the rows left out as the same everywhere */
static unsigned int figures_table(const struct report *r, const struct rpt_block *b,
				  const struct rpt_opts *o, struct ttab *t)
{
	bool stats = max_n(b) > 1;
	unsigned int same = 0;

	t->ncols = b->nruns;
	for (unsigned int i = 0; i < b->nruns; i++)
		run_head(t->head[i], TCELL, b, i);
	for (unsigned int k = 0; k < b->nrows; k++) {
		const struct rpt_row *row = &b->rows[k];
		struct stats_summary s[RPT_MAX_RUNS];
		static const char *const what[] = { "Min", "Median", "Amean", "Stddev" };
		struct trow *tr;

		if (!row_selected(row, o))
			continue;
		if (!o->all && !o->nprefix && b->nruns > 1 && row_same(b, row)) {
			same++;
			continue;
		}
		for (unsigned int i = 0; i < b->nruns; i++)
			stats_summarise(row->v[i], row->n[i], &s[i]);
		/* no spread in any run: one line, the value every seed gave */
		if (!stats || no_spread(b, row)) {
			tr = ttab_add(t, row->label, row->key, false);
			for (unsigned int i = 0; i < b->nruns; i++) {
				char v[32], d[32];

				if (!row->n[i]) {
					snprintf(tr->cell[i], TCELL, "%s", row->never[i] ? "never" : "-");
					continue;
				}
				fmt_num(v, sizeof(v), row, row->v[i][0], 0);
				if (!i || !row->n[0]) {
					snprintf(tr->cell[i], TCELL, "%s", v);
					continue;
				}
				rpt_fmt_delta(d, sizeof(d), row->v[0][0], row->v[i][0]);
				snprintf(tr->cell[i], TCELL, "%s %s", v, d);
			}
			continue;
		}
		ttab_add(t, row->label, row->key, true);
		for (unsigned int w = 0; w < 5; w++) {
			tr = ttab_add(t, w < 4 ? what[w] : r->test == RPT_WELCH ? "Welch p" : "MannW p",
				      row->key, false);
			snprintf(tr->label, sizeof(tr->label), "  %s",
				 w < 4 ? what[w] : r->test == RPT_WELCH ? "Welch p" : "MannW p");
			for (unsigned int i = 0; i < b->nruns; i++) {
				double x[4] = { s[i].min, s[i].median, s[i].mean, s[i].stddev };
				double x0[4] = { s[0].min, s[0].median, s[0].mean, s[0].stddev };
				char v[32], d[32], pb[24];

				if (!s[i].n) {
					snprintf(tr->cell[i], TCELL, "%s", w == 4 ? "" : "-");
					continue;
				}
				if (w == 4) {
					struct stats_test st;

					if (!i || !s[0].n)
						continue;
					if (r->test == RPT_WELCH)
						stats_welch(row->v[0], row->n[0], row->v[i], row->n[i], &st);
					else
						stats_mann_whitney(row->v[0], row->n[0], row->v[i],
								   row->n[i], &st);
					snprintf(tr->cell[i], TCELL, "%s", verdict(&st, pb, sizeof(pb)));
					continue;
				}
				fmt_num(v, sizeof(v), row, x[w], 2);
				if (!i || !s[0].n) {
					snprintf(tr->cell[i], TCELL, "%s", v);
					continue;
				}
				rpt_fmt_delta(d, sizeof(d), x0[w], x[w]);
				snprintf(tr->cell[i], TCELL, "%s %s", v, d);
			}
		}
	}
	return same;
}

/* -------------------------------------------------------------------------
 * The points of a run: which is "before" and which "after"
 */
static int point_find(const struct rpt_detail *d, const char *name)
{
	int at = -1;

	for (unsigned int p = 0; p < d->npts; p++)
		if (!strcmp(d->pt[p].name, name))
			at = (int)p;		/* its last take */
	return at;
}

/* The "after" point: --at's last take, or the end; -1 when the run has neither */
static int point_after(const struct report *r, const struct rpt_detail *d)
{
	if (r->at[0])
		return point_find(d, r->at);
	for (unsigned int p = 0; p < d->npts; p++)
		if (!d->pt[p].line)
			return (int)p;
	return -1;
}

/* The "before" point: --before's first take, or the first snapshot; -1: none */
static int point_before(const struct report *r, const struct rpt_detail *d, int after)
{
	for (unsigned int p = 0; p < d->npts; p++) {
		if ((int)p == after)
			break;
		if (r->before[0] ? !strcmp(d->pt[p].name, r->before) : d->pt[p].line > 0)
			return (int)p;
	}
	return -1;
}

static void point_label(char *buf, size_t len, const struct rpt_point *p)
{
	if (p->line)
		snprintf(buf, len, "snapshot '%s', line %d", p->name, p->line);
	else
		snprintf(buf, len, "the end");
}

static const struct rpt_zone *rzone_of(const struct rpt_point *p, int nid, const char *name)
{
	for (unsigned int z = 0; z < p->nzones; z++)
		if (p->zone[z].nid == nid && !strcmp(p->zone[z].name, name))
			return &p->zone[z];
	return NULL;
}

static bool mt_row_equal(const struct rpt_zone *a, const struct rpt_zone *b, int t)
{
	if (!a || !b)
		return a == b;
	return !memcmp(a->free_mt[t], b->free_mt[t], sizeof(a->free_mt[t]));
}

static bool blocks_equal(const struct rpt_zone *a, const struct rpt_zone *b)
{
	if (!a || !b)
		return a == b;
	return !memcmp(a->blocks, b->blocks, sizeof(a->blocks)) &&
	       !memcmp(a->mixed, b->mixed, sizeof(a->mixed));
}

/*
 * Does pagetypeinfo row @t of zone (@nid, @name) change: between the
 * before and after points of a run, or between the runs' after points?
 */
static bool mt_row_changed(const struct report *r, const struct rpt_block *b, int nid,
			   const char *name, int t)
{
	const struct rpt_zone *a0 = NULL;

	for (unsigned int i = 0; i < b->nruns; i++) {
		const struct rpt_detail *d = &b->det[i];
		int af = point_after(r, d), bf = point_before(r, d, af);
		const struct rpt_zone *za, *zb;

		if (af < 0)
			continue;
		za = rzone_of(&d->pt[af], nid, name);
		if (bf >= 0) {
			zb = rzone_of(&d->pt[bf], nid, name);
			if (!mt_row_equal(za, zb, t))
				return true;
		}
		if (!a0)
			a0 = za;
		else if (!mt_row_equal(a0, za, t))
			return true;
	}
	return false;
}

/* The zones of the first run's after point (every run has the same machine) */
static const struct rpt_point *zones_point(const struct report *r, const struct rpt_block *b)
{
	for (unsigned int i = 0; i < b->nruns; i++) {
		int af = point_after(r, &b->det[i]);

		if (af >= 0)
			return &b->det[i].pt[af];
	}
	return NULL;
}

/* pagetypeinfo's row, counts as the kernel prints them, on a line of their own */
static void mt_counts_line(struct sbuf *sb, const long *n)
{
	struct sbuf line;

	sb_init(&line);
	for (int o = 0; o < RPT_ORDERS; o++) {
		bool overflow = n[o] >= 100000;	/* PAGECOUNT_CAP */

		sb_printf(&line, "%s%6ld ", overflow ? ">" : "", overflow ? 100000L : n[o]);
	}
	while (line.len && line.buf[line.len - 1] == ' ')
		line.buf[--line.len] = '\0';
	sb_printf(sb, "%s\n", line.buf ? line.buf : "");
	sb_free(&line);
}

/* The rows of one zone's state: the changed migratetypes' counts, the block counts */
static void zone_rows(struct sbuf *sb, const struct rpt_zone *z, const bool *rows, bool blocks)
{
	for (int t = 0; t < RPT_TYPES; t++) {
		if (!rows[t])
			continue;
		sb_printf(sb, "Node %4d, zone %8s, type %12s\n", z->nid, z->name, rpt_type_names[t]);
		mt_counts_line(sb, z->free_mt[t]);
	}
	if (blocks) {
		sb_printf(sb, "Node %4d, zone %8s, blocks\n", z->nid, z->name);
		for (int t = 0; t < RPT_TYPES; t++) {
			char c[40];

			snprintf(c, sizeof(c), "%ld (%ld)", z->blocks[t], z->mixed[t]);
			sb_printf(sb, "%14s", c);
		}
		sb_puts(sb, "\n");
	}
}

static bool zone_state_equal(const struct rpt_zone *a, const struct rpt_zone *b)
{
	return a && b && !memcmp(a->free_mt, b->free_mt, sizeof(a->free_mt)) &&
	       blocks_equal(a, b);
}

/*
 * One zone's pagetypeinfo rows before and after, when they changed: the
 * before state once when every run had the same, each run's after state,
 * or the run whose state it repeats
 */
static void text_pagetypeinfo_zone(const struct report *r, const struct rpt_block *b,
				   const struct rpt_zone *z, struct sbuf *sb)
{
	bool rows[RPT_TYPES], blocks = false, any = false, same_before = true;
	const struct rpt_zone *b0 = NULL, *after[RPT_MAX_RUNS] = { NULL };
	char where[96];

	for (int t = 0; t < RPT_TYPES; t++)
		any |= rows[t] = mt_row_changed(r, b, z->nid, z->name, t);
	for (unsigned int i = 0; i < b->nruns; i++) {
		const struct rpt_detail *d = &b->det[i];
		int af = point_after(r, d), bf = point_before(r, d, af);

		if (af < 0)
			continue;
		after[i] = rzone_of(&d->pt[af], z->nid, z->name);
		if (bf >= 0) {
			const struct rpt_zone *zb = rzone_of(&d->pt[bf], z->nid, z->name);

			blocks |= !blocks_equal(after[i], zb);
			if (!b0)
				b0 = zb;
			else
				same_before &= zone_state_equal(b0, zb);
		}
		for (unsigned int j = 0; j < i; j++)
			if (after[j])
				blocks |= !blocks_equal(after[j], after[i]);
	}
	if (!any && !blocks)
		return;
	sb_printf(sb, "Node %d, zone %s\n", z->nid, z->name);
	if (any) {
		sb_puts(sb, "Free pages count per migrate type at order\n");
		for (int o = 0; o < RPT_ORDERS; o++)
			sb_printf(sb, "%6d%s", o, o + 1 < RPT_ORDERS ? " " : "\n");
	}
	if (blocks) {
		sb_puts(sb, "Number of blocks type (mixed ones in brackets)\n");
		for (int t = 0; t < RPT_TYPES; t++)
			sb_printf(sb, "%14s", rpt_type_names[t]);
		sb_puts(sb, "\n");
	}
	for (unsigned int i = 0, printed_before = 0; i < b->nruns; i++) {
		const struct rpt_detail *d = &b->det[i];
		int af = point_after(r, d), bf = point_before(r, d, af);
		unsigned int j;

		if (af < 0) {
			sb_printf(sb, "* %s: no state (the run %s)\n", b->run[i].label,
				  b->run[i].status);
			continue;
		}
		if (bf >= 0 && !(same_before && printed_before)) {
			const struct rpt_zone *zb = rzone_of(&d->pt[bf], z->nid, z->name);

			printed_before = 1;
			point_label(where, sizeof(where), &d->pt[bf]);
			sb_printf(sb, "* Before (%s), %s:\n", where,
				  same_before ? "every policy" : b->run[i].label);
			if (zb)
				zone_rows(sb, zb, rows, blocks);
		}
		point_label(where, sizeof(where), &d->pt[af]);
		for (j = 0; j < i; j++)
			if (zone_state_equal(after[j], after[i]))
				break;
		if (j < i) {
			sb_printf(sb, "* After (%s), %s: as %s\n", where, b->run[i].label,
				  b->run[j].label);
			continue;
		}
		sb_printf(sb, "* After (%s), %s:\n", where, b->run[i].label);
		if (after[i])
			zone_rows(sb, after[i], rows, blocks);
	}
	sb_puts(sb, "\n");
}

/* The vmstat counters that moved: after - before per run (after alone without before) */
static void vmstat_table(const struct report *r, const struct rpt_block *b, struct ttab *t,
			 bool *have_before)
{
	const struct rpt_point *ref = zones_point(r, b);

	*have_before = false;
	if (!ref)
		return;
	t->ncols = b->nruns;
	for (unsigned int i = 0; i < b->nruns; i++)
		run_head(t->head[i], TCELL, b, i);
	for (unsigned int k = 0; k < ref->nvm; k++) {
		const char *name = ref->vm_name[k];
		double v[RPT_MAX_RUNS];
		bool have[RPT_MAX_RUNS] = { false }, moved = false;
		struct trow *tr;

		for (unsigned int i = 0; i < b->nruns; i++) {
			const struct rpt_detail *d = &b->det[i];
			int af = point_after(r, d), bf = point_before(r, d, af);
			long va = 0, vb = 0;
			bool fa = false, fb = bf < 0;

			if (af < 0)
				continue;
			for (unsigned int j = 0; j < d->pt[af].nvm; j++)
				if (!strcmp(d->pt[af].vm_name[j], name)) {
					va = d->pt[af].vm_val[j];
					fa = true;
				}
			if (bf >= 0) {
				*have_before = true;
				for (unsigned int j = 0; j < d->pt[bf].nvm; j++)
					if (!strcmp(d->pt[bf].vm_name[j], name)) {
						vb = d->pt[bf].vm_val[j];
						fb = true;
					}
			}
			if (!fa || !fb)
				continue;
			have[i] = true;
			v[i] = (double)(va - vb);
			if (bf >= 0 && v[i] != 0)
				moved = true;
			if (i && have[0] && v[i] != v[0])
				moved = true;
		}
		if (!moved)
			continue;
		tr = ttab_add(t, name, name, false);
		for (unsigned int i = 0; i < b->nruns; i++) {
			char d[32], vs[32];

			snprintf(vs, sizeof(vs), "%.0f", have[i] ? v[i] : 0.0);
			if (!have[i]) {
				snprintf(tr->cell[i], TCELL, "-");
				continue;
			}
			if (!i || !have[0]) {
				snprintf(tr->cell[i], TCELL, "%.0f", v[i]);
				continue;
			}
			rpt_fmt_delta(d, sizeof(d), v[0], v[i]);
			snprintf(tr->cell[i], TCELL, "%s %s", vs, d);
		}
	}
}

/* -------------------------------------------------------------------------
 * Text
 */
static void text_header(const struct report *r, struct sbuf *sb)
{
	struct sbuf l;

	sb_init(&l);
	sb_printf(&l, "mmsim report: %s", r->scenario);
	rpt_wrap(sb, l.buf, WIDTH, 2);
	sb_reset(&l);
	if (r->policies[0]) {
		/* "hvo=a,b,c" as "hvo=a, b, c": lines break after a comma */
		sb_puts(&l, "policies: ");
		for (const char *p = r->policies; *p; p++)
			sb_printf(&l, *p == ',' ? ", " : "%c", *p);
		rpt_wrap(sb, l.buf, WIDTH, 10);
		sb_reset(&l);
	}
	sb_printf(&l, "from %s; ", r->source);
	if (r->nseeds > 1)
		sb_printf(&l, "seeds %s (%u per policy): statistics over the seeds, the "
			  "differences of each against the first policy's in %% of it, p: %s, "
			  "two-sided (identical: every run of both gave the same value; fixed: "
			  "no spread within either, so the difference is the same on every seed); "
			  "a figure no seed changed in any run takes one line, its value",
			  r->seeds, r->nseeds, r->test == RPT_WELCH ? "Welch's t-test" :
			  "the Mann-Whitney U test");
	else
		sb_printf(&l, "%s%s%sthe difference of each run against the first in %% of it",
			  r->seeds[0] ? "seed " : "", r->seeds, r->seeds[0] ? ", " : "");
	rpt_wrap(sb, l.buf, WIDTH, 0);
	sb_reset(&l);
	sb_printf(&l, "figures at %s%s%s", r->at[0] ? "snapshot '" : "the end of each run",
		  r->at, r->at[0] ? "' (its last take)" : "");
	rpt_wrap(sb, l.buf, WIDTH, 0);
	if (r->version[0])
		sb_printf(sb, "mmsim %s, revision %s\n", r->version,
			  r->revision[0] ? r->revision : "unknown");
	sb_free(&l);
}

void report_text(const struct report *r, const struct rpt_opts *o, struct sbuf *sb)
{
	text_header(r, sb);
	for (unsigned int bi = 0; bi < r->nblk; bi++) {
		const struct rpt_block *b = &r->blk[bi];
		const struct rpt_point *zp;
		struct ttab t = { 0 };
		unsigned int same;
		bool hb;

		if (b->set[0])
			sb_printf(sb, "\n== %s ==\n", b->set);
		sb_puts(sb, "\n");
		for (unsigned int i = 0; i < b->nruns; i++)
			if (i)
				sb_printf(sb, "run %-2u %-20s%s%s\n", i, b->run[i].label,
					  b->run[i].status[0] ? " " : "", b->run[i].status);
			else
				sb_printf(sb, "run %-2u %-20s %-10s baseline\n", i, b->run[i].label,
					  b->run[i].status);

		zp = b->have_detail ? zones_point(r, b) : NULL;
		if (zp) {
			struct sbuf zs;

			sb_init(&zs);
			for (unsigned int z = 0; z < zp->nzones; z++)
				text_pagetypeinfo_zone(r, b, &zp->zone[z], &zs);
			sb_printf(sb, "\n--- /proc/pagetypeinfo of the zones that changed, seed %"
				  PRIu64 " ---\n(rows split to fit 80 columns; rows that did not "
				  "change left out)\n\n", b->det[0].seed);
			sb_puts(sb, zs.len ? zs.buf : "no zone changed\n\n");
			sb_free(&zs);
		} else {
			sb_puts(sb, "\n");
			rpt_wrap(sb, "(no pagetypeinfo rows, pageblock maps or vmstat: the input "
				 "has no per-zone state; `mmsim report FILE.scn --policy ...` runs "
				 "the scenario and has them)", WIDTH, 1);
		}

		sb_printf(sb, "\n--- figures, against %s ---\n\n", b->run[0].label);
		same = figures_table(r, b, o, &t);
		if (t.nrows)
			ttab_text(&t, sb);
		else
			sb_puts(sb, "no figure differs between the runs\n");
		if (same)
			sb_printf(sb, "%u figures the same in every run not shown (--all shows "
				  "them)\n", same);
		ttab_free(&t);

		if (zp) {
			vmstat_table(r, b, &t, &hb);
			sb_printf(sb, "\n--- /proc/vmstat counters that moved (%s, seed %" PRIu64
				  ") ---\n\n", hb ? "after - before" : "at the end", b->det[0].seed);
			if (t.nrows)
				ttab_text(&t, sb);
			else
				sb_puts(sb, "none\n");
			ttab_free(&t);
		}
	}
}

/* -------------------------------------------------------------------------
 * HTML: one page, inline SVG drawn from the numbers, no script
 */
static const char *const type_fill[RPT_TYPES + 1] = {
	"#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#7f7f7f", "#ffffff",
};
static const char *const type_fill_mixed[RPT_TYPES + 1] = {
	"#5c0d0d", "#0b3d0b", "#7a3b00", "#3b2250", "#262626", "#ffffff",
};
static const char *const point_fill[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
};

static void zone_id(char *buf, size_t len, const struct rpt_zone *z)
{
	char zk[16];

	cmp_key_word(zk, sizeof(zk), z->name);
	snprintf(buf, len, "node%d.%s", z->nid, zk);
}

static double logh(long v, double max, double h)
{
	return v <= 0 || max <= 0 ? 0 : h * log10(1.0 + (double)v) / log10(1.0 + max);
}

/* Free blocks per order at every point of run @i, for one zone: a bar per point and order */
static void svg_free_blocks(struct sbuf *sb, const struct rpt_block *b, unsigned int i,
			    const struct rpt_zone *z0, long max)
{
	const struct rpt_detail *d = &b->det[i];
	const double h = 160, bw = 5;
	unsigned int np = d->npts ? d->npts : 1;
	double gw = np * bw + 8, w = 40 + RPT_ORDERS * gw;
	char zid[48];

	zone_id(zid, sizeof(zid), z0);
	sb_printf(sb, "<figure><figcaption>");
	html_esc(sb, b->run[i].label);
	sb_printf(sb, "</figcaption>\n<svg class=\"freeblocks\" data-run=\"%u\" data-zone=\"%s\" "
		  "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		  "xmlns=\"http://www.w3.org/2000/svg\">\n", i, zid, w, h + 30, w, h + 30);
	sb_printf(sb, "<line x1=\"38\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#000\"/>\n",
		  h + 2, w, h + 2);
	for (int o = 0; o < RPT_ORDERS; o++)
		sb_printf(sb, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"10\">%d</text>\n",
			  40 + o * gw + gw / 2 - 4, h + 14, o);
	sb_printf(sb, "<text x=\"0\" y=\"10\" font-size=\"10\">%ld</text>\n", max);
	for (unsigned int p = 0; p < d->npts; p++) {
		const struct rpt_zone *z = rzone_of(&d->pt[p], z0->nid, z0->name);

		for (int o = 0; z && o < RPT_ORDERS; o++) {
			double bh = logh(z->free[o], (double)max, h);

			sb_printf(sb, "<rect class=\"fb\" data-run=\"%u\" data-zone=\"%s\" "
				  "data-point=\"", i, zid);
			html_esc(sb, d->pt[p].name);
			sb_printf(sb, "\" data-order=\"%d\" data-count=\"%ld\" x=\"%.1f\" y=\"%.1f\" "
				  "width=\"%.0f\" height=\"%.1f\" fill=\"%s\"><title>", o, z->free[o],
				  40 + o * gw + p * bw, h + 2 - bh, bw - 1, bh,
				  point_fill[p % (sizeof(point_fill) / sizeof(point_fill[0]))]);
			html_esc(sb, d->pt[p].name);
			sb_printf(sb, ": order %d, %ld free blocks</title></rect>\n", o, z->free[o]);
		}
	}
	sb_puts(sb, "</svg></figure>\n");
}

/* The after point's free blocks of run @i minus the baseline's, per order */
static void svg_ab(struct sbuf *sb, const struct report *r, const struct rpt_block *b,
		   unsigned int i, const struct rpt_zone *z0)
{
	const double h = 80, bw = 18;
	int a0 = point_after(r, &b->det[0]), ai = point_after(r, &b->det[i]);
	const struct rpt_zone *za, *zi;
	long diff[RPT_ORDERS], max = 0;
	char zid[48];

	if (a0 < 0 || ai < 0)
		return;
	za = rzone_of(&b->det[0].pt[a0], z0->nid, z0->name);
	zi = rzone_of(&b->det[i].pt[ai], z0->nid, z0->name);
	if (!za || !zi)
		return;
	for (int o = 0; o < RPT_ORDERS; o++) {
		diff[o] = zi->free[o] - za->free[o];
		if (labs(diff[o]) > max)
			max = labs(diff[o]);
	}
	zone_id(zid, sizeof(zid), z0);
	sb_puts(sb, "<figure><figcaption>");
	html_esc(sb, b->run[i].label);
	sb_puts(sb, " - ");
	html_esc(sb, b->run[0].label);
	sb_printf(sb, "</figcaption>\n<svg class=\"ab\" data-run=\"%u\" data-zone=\"%s\" "
		  "width=\"%.0f\" height=\"%.0f\" xmlns=\"http://www.w3.org/2000/svg\">\n", i, zid,
		  40 + RPT_ORDERS * (bw + 4), 2 * h + 20);
	sb_printf(sb, "<line x1=\"38\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#000\"/>\n",
		  h, 40 + RPT_ORDERS * (bw + 4), h);
	sb_printf(sb, "<text x=\"0\" y=\"10\" font-size=\"10\">+%ld</text>\n", max);
	for (int o = 0; o < RPT_ORDERS; o++) {
		double bh = logh(labs(diff[o]), (double)max, h - 4);

		sb_printf(sb, "<rect class=\"abbar\" data-order=\"%d\" data-diff=\"%ld\" x=\"%.0f\" "
			  "y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"%s\"><title>order %d: "
			  "%+ld</title></rect>\n", o, diff[o], 40 + o * (bw + 4),
			  diff[o] >= 0 ? h - bh : h, bw, bh, diff[o] >= 0 ? "#2ca02c" : "#d62728", o,
			  diff[o]);
		sb_printf(sb, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\">%d</text>\n",
			  40 + o * (bw + 4) + 5, 2 * h + 14, o);
	}
	sb_puts(sb, "</svg></figure>\n");
}

/* ": N pageblocks differ from <baseline>" (type or mixed), in the map's caption */
static void map_differences(struct sbuf *sb, const struct report *r, const struct rpt_block *b,
			    unsigned int i, const struct rpt_zone *z)
{
	int a0 = point_after(r, &b->det[0]);
	const struct rpt_zone *z0;
	unsigned long n = 0;

	if (a0 < 0 || !(z0 = rzone_of(&b->det[0].pt[a0], z->nid, z->name)) || !z0->seg ||
	    z0->nblocks != z->nblocks)
		return;
	/* walk both run lists together: each step ends at the nearer segment end */
	for (unsigned int sa = 0, sb0 = 0; sa < z->nseg && sb0 < z0->nseg;) {
		const struct rpt_seg *x = &z->seg[sa], *y = &z0->seg[sb0];
		unsigned long from = x->start > y->start ? x->start : y->start;
		unsigned long xe = (unsigned long)x->start + x->len, ye = (unsigned long)y->start + y->len;
		unsigned long to = xe < ye ? xe : ye;

		if (x->code != y->code && to > from)
			n += to - from;
		if (xe <= ye)
			sa++;
		if (ye <= xe)
			sb0++;
	}
	sb_printf(sb, ": <span class=\"differ\" data-differ=\"%lu\">%lu pageblock%s differ%s from ",
		  n, n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	html_esc(sb, b->run[0].label);
	sb_puts(sb, "</span>");
}

/*
 * The pageblock map of one zone at run @i's after point: the blocks in
 * rows, a rect per run of equal blocks within a row (a 64 GiB zone of
 * mostly Movable blocks is a few hundred rects, at worst one per block)
 */
static void svg_map(struct sbuf *sb, const struct report *r, const struct rpt_block *b,
		    unsigned int i, const struct rpt_zone *z0)
{
	int af = point_after(r, &b->det[i]);
	const struct rpt_zone *z;
	unsigned long cols, rows;
	double cell;
	char zid[48];

	if (af < 0 || !(z = rzone_of(&b->det[i].pt[af], z0->nid, z0->name)) || !z->seg)
		return;
	/* about twice as wide as tall, at most 256 blocks a row: 64 GiB is 256 x 128 */
	if (!z->nblocks)
		return;
	cols = (unsigned long)ceil(sqrt(2.0 * (double)z->nblocks));
	if (cols > 256)
		cols = 256;
	if (cols > z->nblocks)
		cols = z->nblocks;
	rows = (z->nblocks + cols - 1) / cols;
	cell = 512.0 / (double)cols;
	if (cell > 24)
		cell = 24;
	zone_id(zid, sizeof(zid), z);
	sb_puts(sb, "<figure><figcaption>");
	html_esc(sb, b->run[i].label);
	if (i)
		map_differences(sb, r, b, i, z);
	sb_printf(sb, "</figcaption>\n<svg class=\"pbmap\" data-run=\"%u\" data-zone=\"%s\" "
		  "data-blocks=\"%lu\" data-cols=\"%lu\" width=\"%.0f\" height=\"%.0f\" "
		  "xmlns=\"http://www.w3.org/2000/svg\">\n", i, zid, z->nblocks, cols,
		  cols * cell, rows * cell);
	for (unsigned int s = 0; s < z->nseg; s++) {
		const struct rpt_seg *g = &z->seg[s];
		unsigned int t = g->code & ~RPT_MIXED;
		bool mixed = g->code & RPT_MIXED;

		/* split at row ends; every piece is one rect */
		for (unsigned long at = g->start, end = (unsigned long)g->start + g->len; at < end;) {
			unsigned long row = at / cols, col = at % cols;
			unsigned long n = cols - col < end - at ? cols - col : end - at;

			sb_printf(sb, "<rect class=\"pb\" data-type=\"%s\" data-mixed=\"%d\" "
				  "data-start=\"%lu\" data-n=\"%lu\" x=\"%.2f\" y=\"%.2f\" "
				  "width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>\n",
				  t < RPT_TYPES ? rpt_type_names[t] : "none", mixed, at, n, col * cell,
				  row * cell, n * cell, cell,
				  mixed ? type_fill_mixed[t] : type_fill[t]);
			at += n;
		}
	}
	sb_puts(sb, "</svg></figure>\n");
}

static const char html_style[] =
	"body{font-family:sans-serif;margin:1em 2em;color:#111}"
	"h1{font-size:1.3em}h2{font-size:1.15em;margin-top:1.6em}h3{font-size:1em}"
	"table{border-collapse:collapse;font-size:12px;margin:.5em 0}"
	"td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;white-space:pre}"
	"td:first-child{text-align:left}tr.head th{text-align:left;background:#eee}"
	"figure{display:inline-block;margin:.3em 1em .3em 0;vertical-align:top}"
	"figcaption{font-size:12px}pre{font-size:12px}"
	".key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;"
	"vertical-align:middle;border:1px solid #999}";

void report_html(const struct report *r, const struct rpt_opts *o, struct sbuf *sb)
{
	struct sbuf head;

	sb_puts(sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
	sb_puts(sb, "mmsim report: ");
	html_esc(sb, r->scenario);
	sb_printf(sb, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>mmsim report: ", html_style);
	html_esc(sb, r->scenario);
	sb_puts(sb, "</h1>\n<pre class=\"header\">");
	sb_init(&head);
	text_header(r, &head);
	html_esc(sb, head.buf ? head.buf : "");
	sb_free(&head);
	sb_puts(sb, "</pre>\n");
	for (unsigned int bi = 0; bi < r->nblk; bi++) {
		const struct rpt_block *b = &r->blk[bi];
		const struct rpt_point *zp = b->have_detail ? zones_point(r, b) : NULL;
		struct ttab t = { 0 };
		unsigned int same;
		bool hb;

		sb_printf(sb, "<section class=\"block\" data-set=\"");
		html_esc(sb, b->set);
		sb_puts(sb, "\">\n");
		if (b->set[0]) {
			sb_puts(sb, "<h2>");
			html_esc(sb, b->set);
			sb_puts(sb, "</h2>\n");
		}
		sb_puts(sb, "<table class=\"runs\"><tr><th>run</th><th>policy</th><th>status</th></tr>\n");
		for (unsigned int i = 0; i < b->nruns; i++) {
			sb_printf(sb, "<tr data-run=\"%u\"><td>%u</td><td>", i, i);
			html_esc(sb, b->run[i].label);
			sb_puts(sb, "</td><td>");
			html_esc(sb, b->run[i].status);
			sb_printf(sb, "%s</td></tr>\n", i ? "" : " (baseline)");
		}
		sb_puts(sb, "</table>\n");

		for (unsigned int z = 0; zp && z < zp->nzones; z++) {
			const struct rpt_zone *z0 = &zp->zone[z];
			long max = 1;
			bool changed = false;

			for (int t2 = 0; t2 < RPT_TYPES; t2++)
				changed |= mt_row_changed(r, b, z0->nid, z0->name, t2);
			sb_printf(sb, "<h2>Node %d, zone %s%s</h2>\n", z0->nid, z0->name,
				  changed ? "" : " (unchanged)");
			if (changed) {
				unsigned int np = 0;

				for (unsigned int i = 0; i < b->nruns; i++)
					for (unsigned int p = 0; p < b->det[i].npts; p++) {
						const struct rpt_zone *zz =
							rzone_of(&b->det[i].pt[p], z0->nid, z0->name);

						for (int k = 0; zz && k < RPT_ORDERS; k++)
							if (zz->free[k] > max)
								max = zz->free[k];
					}
				sb_puts(sb, "<h3>Free blocks per order at each point of the run "
					"(log scale)</h3>\n<p class=\"key\">");
				for (unsigned int p = 0; b->det[0].npts && p < b->det[0].npts; p++) {
					sb_printf(sb, "<span style=\"background:%s\"></span>",
						  point_fill[p % (sizeof(point_fill) /
								  sizeof(point_fill[0]))]);
					html_esc(sb, b->det[0].pt[p].name);
					np++;
				}
				sb_puts(sb, "</p>\n");
				for (unsigned int i = 0; i < b->nruns; i++)
					svg_free_blocks(sb, b, i, z0, max);
				if (b->nruns > 1) {
					sb_puts(sb, "<h3>Free blocks at the figures' point against the "
						"baseline (log scale of the difference)</h3>\n");
					for (unsigned int i = 1; i < b->nruns; i++)
						svg_ab(sb, r, b, i, z0);
				}
			}
			sb_puts(sb, "<h3>Pageblocks by migratetype at the figures' point</h3>\n"
				"<p class=\"key\">");
			for (int k = 0; k < RPT_TYPES; k++)
				sb_printf(sb, "<span style=\"background:%s\"></span>%s",
					  type_fill[k], rpt_type_names[k]);
			sb_puts(sb, "<span style=\"background:#0b3d0b\"></span>mixed (the type's "
				"dark shade)<span style=\"background:#fff\"></span>not in the zone</p>\n");
			for (unsigned int i = 0; i < b->nruns; i++)
				svg_map(sb, r, b, i, z0);
		}
		sb_puts(sb, "<h2>Figures</h2>\n");
		same = figures_table(r, b, o, &t);
		ttab_html(&t, "figures", sb);
		if (same)
			sb_printf(sb, "<p>%u figures the same in every run not shown.</p>\n", same);
		ttab_free(&t);
		if (zp) {
			vmstat_table(r, b, &t, &hb);
			sb_printf(sb, "<h2>/proc/vmstat counters that moved (%s)</h2>\n",
				  hb ? "after - before" : "at the end");
			ttab_html(&t, "vmstat", sb);
			ttab_free(&t);
		}
		sb_puts(sb, "</section>\n");
	}
	sb_puts(sb, "</body>\n</html>\n");
}

/* -------------------------------------------------------------------------
 * Reading a compare or sweep JSON: a small parser to a tree
 */
enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;
	int line, col;
	double num;
	char *str;			/* J_STR */
	struct jv *item;		/* J_ARR, J_OBJ: n items */
	char **key;			/* J_OBJ */
	unsigned int n;
};

struct jp {
	const char *s, *p, *file;
	int line;
	const char *line_start;
	char *err;
	size_t errlen;
	bool failed;
};

static bool __attribute__((format(printf, 2, 3))) jp_fail(struct jp *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (j->failed)
		return false;
	j->failed = true;
	n = snprintf(j->err, j->errlen, "%s:%d:%d: ", j->file, j->line,
		     (int)(j->p - j->line_start) + 1);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < j->errlen)
		vsnprintf(j->err + n, j->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static void jp_ws(struct jp *j)
{
	for (; *j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'; j->p++)
		if (*j->p == '\n') {
			j->line++;
			j->line_start = j->p + 1;
		}
}

static void jv_free(struct jv *v)
{
	host_free(v->str);
	for (unsigned int i = 0; i < v->n; i++) {
		jv_free(&v->item[i]);
		if (v->key)
			host_free(v->key[i]);
	}
	host_free(v->item);
	host_free(v->key);
	memset(v, 0, sizeof(*v));
}

static bool jp_string(struct jp *j, char **out)
{
	struct sbuf sb;

	j->p++;
	sb_init(&sb);
	sb_puts(&sb, "");
	while (*j->p != '"') {
		char c = *j->p;

		if (!c || c == '\n') {
			sb_free(&sb);
			return jp_fail(j, "unterminated string");
		}
		if (c == '\\') {
			j->p++;
			switch (*j->p) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case '"': case '\\': case '/': c = *j->p; break;
			case 'u': {
				unsigned int u = 0;

				for (int k = 1; k <= 4; k++) {
					char h = j->p[k];

					if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
					      (h >= 'A' && h <= 'F'))) {
						sb_free(&sb);
						return jp_fail(j, "bad \\u escape");
					}
					u = u * 16 + (unsigned int)(h <= '9' ? h - '0' :
								    (h | 0x20) - 'a' + 10);
				}
				j->p += 4;
				c = u < 0x80 ? (char)u : '?';
				break;
			}
			default:
				sb_free(&sb);
				return jp_fail(j, "bad escape '\\%c'", *j->p ? *j->p : '0');
			}
		}
		sb_printf(&sb, "%c", c);
		j->p++;
	}
	j->p++;
	*out = sb_steal(&sb);
	return true;
}

static bool jp_value(struct jp *j, struct jv *v, int depth)
{
	jp_ws(j);
	memset(v, 0, sizeof(*v));
	v->line = j->line;
	v->col = (int)(j->p - j->line_start) + 1;
	if (depth > 64)
		return jp_fail(j, "nested too deeply");
	switch (*j->p) {
	case '{':
	case '[': {
		bool obj = *j->p == '{';
		char close = obj ? '}' : ']';

		v->t = obj ? J_OBJ : J_ARR;
		j->p++;
		jp_ws(j);
		if (*j->p == close) {
			j->p++;
			return true;
		}
		for (;;) {
			char *key = NULL;

			jp_ws(j);
			if (obj) {
				if (*j->p != '"')
					return jp_fail(j, "expected a key string");
				if (!jp_string(j, &key))
					return false;
				jp_ws(j);
				if (*j->p != ':') {
					host_free(key);
					return jp_fail(j, "expected ':'");
				}
				j->p++;
			}
			v->item = host_reallocarray(v->item, v->n + 1, sizeof(*v->item),
						    "reading JSON");
			if (obj)
				v->key = host_reallocarray(v->key, v->n + 1, sizeof(*v->key),
							   "reading JSON");
			if (obj)
				v->key[v->n] = key;
			memset(&v->item[v->n], 0, sizeof(v->item[v->n]));
			v->n++;
			if (!jp_value(j, &v->item[v->n - 1], depth + 1))
				return false;
			jp_ws(j);
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p == close) {
				j->p++;
				return true;
			}
			return jp_fail(j, "expected ',' or '%c'", close);
		}
	}
	case '"':
		v->t = J_STR;
		return jp_string(j, &v->str);
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };

		for (int k = 0; k < 3; k++)
			if (!strncmp(j->p, words[k], strlen(words[k]))) {
				v->t = k == 2 ? J_NULL : J_BOOL;
				v->num = k == 0;
				j->p += strlen(words[k]);
				return true;
			}
		return jp_fail(j, "unexpected '%c'", *j->p);
	}
	default: {
		char *end;

		if (*j->p != '-' && (*j->p < '0' || *j->p > '9'))
			return *j->p ? jp_fail(j, "unexpected '%c'", *j->p) :
				       jp_fail(j, "unexpected end of input");
		v->t = J_NUM;
		v->num = strtod(j->p, &end);
		j->p = end;
		return true;
	}
	}
}

static bool json_parse(const char *file, const char *text, struct jv *root, char *err,
		       size_t errlen)
{
	struct jp j = { .s = text, .p = text, .file = file, .line = 1, .line_start = text,
			.err = err, .errlen = errlen };

	if (!jp_value(&j, root, 0)) {
		jv_free(root);
		return false;
	}
	jp_ws(&j);
	if (*j.p) {
		jp_fail(&j, "unexpected text after the JSON value");
		jv_free(root);
		return false;
	}
	return true;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (unsigned int i = 0; i < o->n; i++)
		if (!strcmp(o->key[i], key))
			return &o->item[i];
	return NULL;
}

/* @key of @o, of type @t; NULL with an error at @o's position */
static const struct jv *jneed(const char *file, const struct jv *o, const char *key,
			      enum jtype t, char *err, size_t errlen)
{
	static const char *const tn[] = { "null", "a boolean", "a number", "a string",
					   "an array", "an object" };
	const struct jv *v = jget(o, key);

	if (v && v->t == t)
		return v;
	if (v)
		snprintf(err, errlen, "%s:%d:%d: \"%s\" should be %s", file, v->line, v->col, key,
			 tn[t]);
	else
		snprintf(err, errlen, "%s:%d:%d: missing \"%s\"", file, o->line, o->col, key);
	return NULL;
}

static void jstr_copy(char *dst, size_t len, const struct jv *v)
{
	snprintf(dst, len, "%s", v && v->t == J_STR ? v->str : "");
}

/* mmsim-compare/2: one block, a value per run */
static bool from_compare(struct report *r, const char *file, const struct jv *root, char *err,
			 size_t errlen)
{
	const struct jv *runs = jneed(file, root, "runs", J_ARR, err, errlen), *info, *at, *fam;
	struct rpt_block *b;

	if (!runs)
		return false;
	if (runs->n > RPT_MAX_RUNS || !runs->n) {
		snprintf(err, errlen, "%s:%d:%d: %u runs: a report takes 1 to %d", file, runs->line,
			 runs->col, runs->n, RPT_MAX_RUNS);
		return false;
	}
	info = jneed(file, root, "figure_info", J_OBJ, err, errlen);
	if (!info)
		return false;
	snprintf(r->source, sizeof(r->source), "a compare result (%s)", file);
	jstr_copy(r->scenario, sizeof(r->scenario), jget(root, "scenario"));
	at = jget(root, "at");
	if (at && jget(at, "snapshot"))
		jstr_copy(r->at, sizeof(r->at), jget(at, "snapshot"));
	fam = jget(root, "family");
	b = block_add(r, "");
	b->nruns = runs->n;
	for (unsigned int i = 0; i < runs->n; i++) {
		const struct jv *run = &runs->item[i], *figs, *st, *seed;

		if (run->t != J_OBJ) {
			snprintf(err, errlen, "%s:%d:%d: a run should be an object", file, run->line,
				 run->col);
			return false;
		}
		if (!(figs = jneed(file, run, "figures", J_OBJ, err, errlen)) ||
		    !(st = jneed(file, run, "status", J_STR, err, errlen)))
			return false;
		jstr_copy(b->run[i].label, sizeof(b->run[i].label), jget(run, "label"));
		jstr_copy(b->run[i].status, sizeof(b->run[i].status), st);
		b->run[i].ok = figs->n > 0;
		if (!i) {
			jstr_copy(r->version, sizeof(r->version), jget(run, "mmsim_version"));
			jstr_copy(r->revision, sizeof(r->revision), jget(run, "git_revision"));
			seed = jget(run, "seed");
			if (seed && seed->t == J_NUM)
				snprintf(r->seeds, sizeof(r->seeds), "%.0f", seed->num);
			r->nseeds = 1;
		}
		if (fam && fam->t == J_STR)
			snprintf(r->policies + strlen(r->policies),
				 sizeof(r->policies) - strlen(r->policies), "%s%s%s",
				 i ? "," : fam->str, i ? "" : "=", b->run[i].label);
		for (unsigned int k = 0; k < figs->n; k++) {
			const struct jv *fi = jget(info, figs->key[k]), *lab = jget(fi, "label"),
					*unit = jget(fi, "unit");
			struct rpt_row *row;

			row = rpt_row_get(b, figs->key[k], lab && lab->t == J_STR ? lab->str :
					  figs->key[k], unit && unit->t == J_STR &&
					  !strcmp(unit->str, "index_x1000"));
			if (figs->item[k].t == J_NUM)
				rpt_row_push(row, i, figs->item[k].num);
			else if (figs->item[k].t == J_NULL)
				row->never[i]++;
			else {
				snprintf(err, errlen, "%s:%d:%d: figure \"%s\" should be a number or "
					 "null", file, figs->item[k].line, figs->item[k].col,
					 figs->key[k]);
				return false;
			}
		}
	}
	if (!fam) {
		const struct jv *fams = jget(root, "families");

		for (unsigned int a = 0; fams && fams->t == J_ARR && a < fams->n; a++)
			if (fams->item[a].t == J_STR)
				snprintf(r->policies + strlen(r->policies),
					 sizeof(r->policies) - strlen(r->policies), "%s%s",
					 a ? " " : "", fams->item[a].str);
	}
	return true;
}

/* A sweep's JSON: a block per combination of variable values, the values over the seeds */
static bool from_sweep(struct report *r, const char *file, const struct jv *root, char *err,
		       size_t errlen)
{
	const struct jv *cells = jneed(file, root, "cells", J_ARR, err, errlen), *v;

	if (!cells)
		return false;
	snprintf(r->source, sizeof(r->source), "a sweep (%s)", file);
	jstr_copy(r->scenario, sizeof(r->scenario), jget(root, "scenario"));
	jstr_copy(r->version, sizeof(r->version), jget(root, "mmsim"));
	if ((v = jget(root, "families")) && v->t == J_OBJ)
		for (unsigned int a = 0; a < v->n; a++) {
			size_t l = strlen(r->policies);

			snprintf(r->policies + l, sizeof(r->policies) - l, "%s%s=", a ? " " : "",
				 v->key[a]);
			for (unsigned int k = 0; v->item[a].t == J_ARR && k < v->item[a].n; k++) {
				l = strlen(r->policies);
				snprintf(r->policies + l, sizeof(r->policies) - l, "%s%s",
					 k ? "," : "", v->item[a].item[k].t == J_STR ?
					 v->item[a].item[k].str : "?");
			}
		}
	if ((v = jget(root, "seeds")) && v->t == J_ARR) {
		r->nseeds = v->n;
		for (unsigned int s = 0; s < v->n && strlen(r->seeds) + 24 < sizeof(r->seeds); s++)
			snprintf(r->seeds + strlen(r->seeds), sizeof(r->seeds) - strlen(r->seeds),
				 "%s%.0f", s ? "," : "", v->item[s].num);
	}
	if ((v = jget(root, "test")) && v->t == J_STR && !strcmp(v->str, "mann-whitney"))
		r->test = RPT_MANN_WHITNEY;
	for (unsigned int c = 0; c < cells->n; c++) {
		const struct jv *cell = &cells->item[c], *set, *figs, *runs, *pol;
		struct rpt_block *b = NULL;
		char setl[128] = "";
		unsigned int i;

		if (!(set = jneed(file, cell, "set", J_OBJ, err, errlen)) ||
		    !(figs = jneed(file, cell, "figures", J_OBJ, err, errlen)) ||
		    !(pol = jneed(file, cell, "policy", J_STR, err, errlen)))
			return false;
		for (unsigned int k = 0; k < set->n; k++)
			snprintf(setl + strlen(setl), sizeof(setl) - strlen(setl), "%s%s=%s",
				 k ? " " : "", set->key[k],
				 set->item[k].t == J_STR ? set->item[k].str : "?");
		for (unsigned int k = 0; k < r->nblk; k++)
			if (!strcmp(r->blk[k].set, setl))
				b = &r->blk[k];
		if (!b)
			b = block_add(r, setl);
		if (b->nruns == RPT_MAX_RUNS) {
			snprintf(err, errlen, "%s:%d:%d: more than %d policies in a cell block", file,
				 cell->line, cell->col, RPT_MAX_RUNS);
			return false;
		}
		i = b->nruns++;
		snprintf(b->run[i].label, sizeof(b->run[i].label), "%s", pol->str);
		runs = jget(cell, "runs");
		snprintf(b->run[i].status, sizeof(b->run[i].status), "%.0f ok",
			 jget(runs, "ok") ? jget(runs, "ok")->num : 0);
		if (jget(runs, "failed") && jget(runs, "failed")->num)
			snprintf(b->run[i].status + strlen(b->run[i].status),
				 sizeof(b->run[i].status) - strlen(b->run[i].status), ", %.0f failed",
				 jget(runs, "failed")->num);
		b->run[i].ok = true;
		for (unsigned int k = 0; k < figs->n; k++) {
			const struct jv *f = &figs->item[k], *vals = jget(f, "values"),
					*never = jget(f, "never");
			struct rpt_row *row;
			bool index = strstr(figs->key[k], "_index.") != NULL;

			if (!vals || vals->t != J_ARR) {
				snprintf(err, errlen, "%s:%d:%d: figure \"%s\" has no \"values\" array",
					 file, f->line, f->col, figs->key[k]);
				return false;
			}
			row = rpt_row_get(b, figs->key[k], figs->key[k], index);
			for (unsigned int s = 0; s < vals->n; s++)
				if (vals->item[s].t == J_NUM)
					rpt_row_push(row, i, vals->item[s].num);
			if (never && never->t == J_NUM)
				row->never[i] = (unsigned int)never->num;
		}
	}
	if (!r->nblk) {
		snprintf(err, errlen, "%s:%d:%d: the sweep has no cells", file, cells->line,
			 cells->col);
		return false;
	}
	return true;
}

bool report_from_json(struct report *r, const char *file, const char *json, char *err,
		      size_t errlen)
{
	struct jv root;
	const struct jv *schema;
	bool ok;

	if (!json_parse(file, json, &root, err, errlen))
		return false;
	if (root.t != J_OBJ) {
		snprintf(err, errlen, "%s:%d:%d: expected an object (a compare or sweep JSON)", file,
			 root.line, root.col);
		jv_free(&root);
		return false;
	}
	schema = jget(&root, "schema");
	if (schema && schema->t == J_STR && !strcmp(schema->str, "mmsim-compare/2"))
		ok = from_compare(r, file, &root, err, errlen);
	else if (schema)
		ok = (snprintf(err, errlen, "%s:%d:%d: schema '%s': a report reads mmsim-compare/2 "
			       "or a sweep's JSON", file, schema->line, schema->col,
			       schema->t == J_STR ? schema->str : "?"), false);
	else if (jget(&root, "cells"))
		ok = from_sweep(r, file, &root, err, errlen);
	else
		ok = (snprintf(err, errlen, "%s:1:1: neither a compare JSON (\"schema\": "
			       "\"mmsim-compare/2\") nor a sweep's (\"cells\")", file), false);
	jv_free(&root);
	return ok;
}

/* -------------------------------------------------------------------------
 * Running the scenario: compare's figures per seed, and the state of
 * every zone at each point of the first seed's runs
 */
struct mark_ctx {
	uint8_t *code;
	unsigned long base, nblocks;
};

static void mark_mixed(void *arg, unsigned long pfn)
{
	struct mark_ctx *mc = arg;
	unsigned long i = (pfn >> pageblock_order) - mc->base;

	if (i < mc->nblocks)
		mc->code[i] |= RPT_MIXED;
}

static void capture_zone(struct rpt_zone *rz, struct machine *m, struct zone *z, int nid,
			 int zid)
{
	unsigned long end = zone_end_pfn(z), count[MIGRATE_TYPES] = { 0 };
	long mixed[MIGRATE_TYPES] = { 0 };
	struct mark_ctx mc;

	rz->nid = nid;
	snprintf(rz->name, sizeof(rz->name), "%s", zone_names[zid]);
	rz->has_mt = true;
	for (int o = 0; o < RPT_ORDERS; o++) {
		rz->free[o] = (long)z->free_area[o].nr_free;
		for (int t = 0; t < RPT_TYPES; t++)
			rz->free_mt[t][o] = (long)z->free_area[o].nr_free_mt[rpt_mt[t]];
	}
	zone_pageblock_counts(m, z, count);
	for (int t = 0; t < RPT_TYPES; t++)
		rz->blocks[t] = (long)count[rpt_mt[t]];

	/* the map: pagetypeinfo's block loop, each block's type, then the mixed ones */
	mc.base = z->zone_start_pfn >> pageblock_order;
	mc.nblocks = ((end - 1) >> pageblock_order) - mc.base + 1;
	mc.code = host_calloc(mc.nblocks, 1, "reading a pageblock map");
	memset(mc.code, RPT_HOLE, mc.nblocks);
	for (unsigned long pfn = z->zone_start_pfn; pfn < end; pfn += pageblock_nr_pages) {
		struct zone *pz;
		int mt;

		if (!pfn_is_online(m, pfn))
			continue;
		pz = pfn_zone(m, pfn);
		if (pz ? pz != z : !zone_spans_pfn(z, pfn))
			continue;
		mt = get_pfnblock_migratetype(z, pfn);
		for (int t = 0; t < RPT_TYPES; t++)
			if (rpt_mt[t] == mt)
				mc.code[(pfn >> pageblock_order) - mc.base] = (uint8_t)t;
	}
	cmp_zone_mixed(m, z, mixed, mark_mixed, &mc);
	for (int t = 0; t < RPT_TYPES; t++)
		rz->mixed[t] = mixed[rpt_mt[t]];
	rz->nblocks = mc.nblocks;
	for (unsigned long i = 0; i < mc.nblocks; i++) {
		if (rz->nseg && rz->seg[rz->nseg - 1].code == mc.code[i]) {
			rz->seg[rz->nseg - 1].len++;
			continue;
		}
		rz->seg = host_reallocarray(rz->seg, rz->nseg + 1, sizeof(*rz->seg),
					    "reading a pageblock map");
		rz->seg[rz->nseg++] = (struct rpt_seg){ .start = (uint32_t)i, .len = 1,
							.code = mc.code[i] };
	}
	host_free(mc.code);
}

static void capture_point(struct rpt_detail *d, struct machine *m, const char *name, int line)
{
	int nodes = m->nr_nodes < MAX_NUMNODES ? m->nr_nodes : MAX_NUMNODES;
	struct rpt_point *p;
	struct sbuf sb;

	d->pt = host_reallocarray(d->pt, d->npts + 1, sizeof(*d->pt), "reading a run's state");
	p = &d->pt[d->npts++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->line = line;
	d->seed = m->opts.seed;
	for (int nid = 0; nid < nodes; nid++)
		for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zone *z = &m->node[nid].node_zones[zid];

			if (!populated_zone(z))
				continue;
			p->zone = host_reallocarray(p->zone, p->nzones + 1, sizeof(*p->zone),
						    "reading a run's state");
			memset(&p->zone[p->nzones], 0, sizeof(p->zone[0]));
			capture_zone(&p->zone[p->nzones++], m, z, nid, zid);
		}
	sb_init(&sb);
	if (mm_show_file(m, "/proc/vmstat", &sb) && sb.buf) {
		for (const char *l = sb.buf; *l;) {
			size_t n = strcspn(l, "\n");
			const char *sp = memchr(l, ' ', n);

			if (sp) {
				p->vm_name = host_reallocarray(p->vm_name, p->nvm + 1,
							       sizeof(*p->vm_name), "reading vmstat");
				p->vm_val = host_reallocarray(p->vm_val, p->nvm + 1,
							      sizeof(*p->vm_val), "reading vmstat");
				p->vm_name[p->nvm] = host_strndup(l, (size_t)(sp - l), "reading vmstat");
				p->vm_val[p->nvm++] = strtol(sp + 1, NULL, 10);
			}
			l += n + (l[n] == '\n');
		}
	}
	sb_free(&sb);
}

struct rctx {
	const struct scn_script *s;
	struct scn_run_opts o;
	const char *at;
	struct rpt_block *b;
	bool detail;
	unsigned int cur;
	struct progress *progress;	/* a line per run */
	void (*read)(void *arg, struct machine *m);
	void *arg;
};

static void hook_snapshot(void *arg, struct machine *m, const char *name, int line)
{
	struct rctx *c = arg;

	if (c->detail)
		capture_point(&c->b->det[c->cur], m, name, line);
	if (c->at && !strcmp(c->at, name))
		c->read(c->arg, m);
}

static void hook_end(void *arg, struct machine *m)
{
	struct rctx *c = arg;

	if (c->detail)
		capture_point(&c->b->det[c->cur], m, "end", 0);
	if (!c->at)
		c->read(c->arg, m);
}

static enum scn_status rpt_run(void *priv, const struct policy_set *set,
			       void (*read)(void *arg, struct machine *m), void *arg)
{
	struct rctx *c = priv;
	struct scn_run_opts o = c->o;
	double start = progress_now(c->progress);
	struct scn_result res;
	enum scn_status st;

	o.policies = set;
	o.at_snapshot = hook_snapshot;
	o.at_snapshot_arg = c;
	o.at_end = hook_end;
	o.at_end_arg = c;
	c->read = read;
	c->arg = arg;
	scn_result_init(&res);
	st = scn_run(c->s, &o, &res);
	if (st != SCN_OK) {
		fputs("mmsim: report: ", stderr);
		for (unsigned int i = 0; i < set->n; i++)
			fprintf(stderr, "%s%s=%s", i ? " " : "", set->sel[i].family->name,
				set->sel[i].policy->name);
		if (o.seed_set)
			fprintf(stderr, " seed %" PRIu64, o.seed);
		fputs(": ", stderr);
		fputs(res.err.len ? res.err.buf : "run failed\n", stderr);
	}
	scn_result_free(&res);
	if (progress_on(c->progress)) {
		char label[256];
		int len = 0;

		for (unsigned int i = 0; i < set->n && len < (int)sizeof(label); i++)
			len += snprintf(label + len, sizeof(label) - (size_t)len, "%s%s=%s",
					i ? " " : "", set->sel[i].family->name,
					set->sel[i].policy->name);
		if (o.seed_set && len < (int)sizeof(label))
			snprintf(label + len, sizeof(label) - (size_t)len, " seed %" PRIu64, o.seed);
		progress_step_since(c->progress, start, "%s: %s", label, scn_status_name(st));
	}
	c->cur++;
	return st;
}

/* -------------------------------------------------------------------------
 * The command
 */
static const char report_usage_text[] =
	"usage: mmsim report FILE.scn --policy FAMILY=A,B,... [--policy ...]... [--seeds LIST]\n"
	"                    [--set NAME=VALUE]... [--check|--no-check]\n"
	"       mmsim report COMPARE.json | SWEEP.json | SWEEP-DIR\n"
	"       options of both: [--format text|html] [-o FILE] [--at SNAPSHOT]\n"
	"                    [--before SNAPSHOT] [--figures PREFIX,...] [--all]\n"
	"                    [--test welch|mann-whitney] [--quiet] [--progress]\n";

static int report_usage(const char *fmt, const char *arg)
{
	fputs("mmsim: report: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(report_usage_text, stderr);
	return SCN_BAD_INPUT;
}

static char *read_all(FILE *f)
{
	struct sbuf sb;
	char buf[65536];
	size_t n;

	sb_init(&sb);
	sb_puts(&sb, "");
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_printf(&sb, "%.*s", (int)n, buf);
	return sb_steal(&sb);
}

/* `mmsim sweep collect DIR --format json` run by this binary; its stdout, or NULL */
static char *collect_json(const char *dir, int *status)
{
	int fd[2];
	pid_t pid;
	FILE *f;
	char *out;
	int ws;

	if (pipe(fd))
		return NULL;
	pid = fork();
	if (pid < 0)
		return NULL;
	if (!pid) {
		char *argv[] = { "mmsim", "sweep", "collect", (char *)dir, "--format", "json", NULL };

		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	out = read_all(f);
	fclose(f);
	waitpid(pid, &ws, 0);
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 2;
	return out;
}

static int snapshot_line(const struct scn_script *s, const char *name)
{
	int line = 0;

	for (int i = 0; i < s->nstmts; i++)
		if (s->stmts[i].verb == SCN_SNAPSHOT &&
		    !strcmp(s->snap_names[s->stmts[i].slot], name))
			line = s->stmts[i].line;
	return line;
}

static int parse_policy(struct cmp_grid *g, const char *spec, struct report *r)
{
	const char *eq = strchr(spec, '=');
	const struct policy_family *fam;
	int idx;

	if (!eq)
		return report_usage("--policy '%s': expected FAMILY=A,B,...", spec);
	fam = policy_family_find(spec, (size_t)(eq - spec));
	if (!fam) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(eq - spec), spec);
		return report_usage("--policy: unknown policy family '%s' (mmsim policies lists "
				    "them)", name);
	}
	idx = cmp_grid_add_family(g, fam);
	if (idx < 0)
		return report_usage("--policy '%s': one --policy per family, at most 8", spec);
	for (const char *p = eq + 1; *p;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		const struct policy *pol = policy_find(fam, p, n);

		if (!pol) {
			fprintf(stderr, "mmsim: report: unknown %s policy '%.*s' (mmsim policies "
				"lists them)\n", fam->name, (int)n, p);
			return SCN_BAD_INPUT;
		}
		if (cmp_axis_add(&g->axis[idx], pol))
			return report_usage("at most 16 policies, got more in '%s'", spec);
		p += n + (c ? 1 : 0);
	}
	if (!g->axis[idx].nr)
		return report_usage("--policy '%s' names no policy", spec);
	snprintf(r->policies + strlen(r->policies), sizeof(r->policies) - strlen(r->policies),
		 "%s%s", r->policies[0] ? " " : "", spec);
	return SCN_OK;
}

/* Run the scenario: every policy combination once per seed */
static int run_scenario(struct report *r, const char *file, const struct cmp_grid *g,
			const struct scn_vars *vars, const uint64_t *seeds, unsigned int nseeds,
			enum scn_check_mode check, bool check_set, enum progress_mode pmode)
{
	struct progress progress;
	struct scn_diag d;
	struct scn_script *s;
	struct rctx c = { 0 };
	struct rpt_block *b;
	int worst = SCN_OK;
	unsigned int ok[RPT_MAX_RUNS] = { 0 }, failed[RPT_MAX_RUNS] = { 0 };

	memset(&d, 0, sizeof(d));
	s = scn_parse_file_set(file, vars, &d);
	if (!s) {
		struct sbuf sb;

		sb_init(&sb);
		scn_diag_format(&d, &sb);
		fputs(sb.buf ? sb.buf : "mmsim: report: cannot parse the scenario\n", stderr);
		sb_free(&sb);
		return SCN_BAD_INPUT;
	}
	for (int k = 0; k < 2; k++) {
		const char *name = k ? r->before : r->at;

		if (name[0] && !snapshot_line(s, name)) {
			fprintf(stderr, "mmsim: report: %s '%s': %s takes no snapshot of that name\n",
				k ? "--before" : "--at", name, file);
			scn_script_free(s);
			return SCN_BAD_INPUT;
		}
	}
	snprintf(r->source, sizeof(r->source), "its runs");
	snprintf(r->scenario, sizeof(r->scenario), "%s", file);
	snprintf(r->version, sizeof(r->version), "%s", MMSIM_VERSION);
	snprintf(r->revision, sizeof(r->revision), "%s", mmsim_revision());
	b = block_add(r, "");
	c.s = s;
	c.o.quiet = true;
	progress_init(&progress, pmode, stderr, cmp_grid_nr_runs(g) * (nseeds ? nseeds : 1), NULL);
	c.progress = &progress;
	if (check_set)
		c.o.check = check;
	c.at = r->at[0] ? r->at : NULL;
	c.b = b;
	for (unsigned int si = 0; si < (nseeds ? nseeds : 1); si++) {
		struct cmp_table t;

		c.detail = si == 0;
		c.cur = 0;
		if (nseeds) {
			c.o.seed = seeds[si];
			c.o.seed_set = true;
		}
		cmp_table_build(&t, g, rpt_run, &c);
		b->nruns = t.nr_runs;
		b->have_detail = true;
		if ((int)t.worst > worst)
			worst = (int)t.worst;
		for (unsigned int i = 0; i < t.nr_runs; i++) {
			snprintf(b->run[i].label, sizeof(b->run[i].label), "%s", t.run[i].label);
			if (t.run[i].read)
				ok[i]++;
			else
				failed[i]++;
			if (!si && t.run[i].seed_known)
				b->det[i].seed = t.run[i].seed;
		}
		for (unsigned int k = 0; k < t.nr_rows; k++) {
			const struct cmp_row *cr = &t.rows[k];
			struct rpt_row *row = rpt_row_get(b, cr->key, cr->label, cr->kind == CMP_INDEX);

			for (unsigned int i = 0; i < t.nr_runs; i++) {
				if (!t.run[i].read || !cr->have[i])
					continue;
				if (cr->v[i] == POLICY_FIG_NEVER)
					row->never[i]++;
				else
					rpt_row_push(row, i, (double)cr->v[i]);
			}
		}
		cmp_table_free(&t);
	}
	for (unsigned int i = 0; i < b->nruns; i++) {
		b->run[i].ok = ok[i] > 0;
		if (nseeds > 1)
			snprintf(b->run[i].status, sizeof(b->run[i].status), "%u ok%s", ok[i],
				 failed[i] ? ", some failed" : "");
		else
			snprintf(b->run[i].status, sizeof(b->run[i].status), "%s",
				 ok[i] ? "ok" : "failed");
		if (failed[i] && nseeds > 1)
			snprintf(b->run[i].status, sizeof(b->run[i].status), "%u ok, %u failed",
				 ok[i], failed[i]);
	}
	if (!nseeds) {
		r->nseeds = 1;
		if (b->det[0].npts)
			snprintf(r->seeds, sizeof(r->seeds), "%" PRIu64, b->det[0].seed);
	}
	scn_script_free(s);
	return worst;
}

#define RPT_MAX_PREFIXES	64

int cmd_report(int argc, char **argv)
{
	const char *file = NULL, *format = "text", *out_path = NULL, *seeds_arg = NULL;
	const char *prefix[RPT_MAX_PREFIXES], *spec[CMP_MAX_AXES];
	char *prefix_buf[RPT_MAX_PREFIXES];
	unsigned int nprefix = 0, nbufs = 0, nspecs = 0, nseeds = 0;
	uint64_t *seeds = NULL;
	struct scn_vars vars = { 0 };
	struct cmp_grid grid = { 0 };
	enum scn_check_mode check = SCN_CHECK_STEPS;
	bool check_set = false, all = false, test_set = false, quiet = false, progress = false;
	enum rpt_test test = RPT_WELCH;
	struct report r;
	struct rpt_opts o;
	struct sbuf out;
	struct stat stt;
	int rc = SCN_OK, worst = SCN_OK;

	report_init(&r);
	for (int i = 2; i < argc && rc == SCN_OK; i++) {
		static const char *const valued[] = { "--policy", "--format", "--seeds", "--set",
						      "--at", "--before", "--figures", "--test",
						      "-o" };
		const char *a = argv[i], *v = NULL, *opt = NULL;

		for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]) && !opt; k++) {
			size_t n = strlen(valued[k]);

			if (!strcmp(a, valued[k])) {
				if (i + 1 >= argc) {
					rc = report_usage("%s needs a value", a);
					break;
				}
				opt = valued[k];
				v = argv[++i];
			} else if (!strncmp(a, valued[k], n) && a[n] == '=') {
				opt = valued[k];
				v = a + n + 1;
			}
		}
		if (rc != SCN_OK)
			break;
		if (!opt) {
			if (!strcmp(a, "--all"))
				all = true;
			else if (!strcmp(a, "--check"))
				check = SCN_CHECK_STEPS, check_set = true;
			else if (!strcmp(a, "--no-check"))
				check = SCN_CHECK_OFF, check_set = true;
			else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
				quiet = true;
			else if (!strcmp(a, "--progress"))
				progress = true;
			else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
				fputs(report_usage_text, stdout);
				puts("\ndocs/report.md says what the report holds.");
				report_free(&r);
				return 0;
			} else if (a[0] == '-' && a[1])
				rc = report_usage("unknown option '%s'", a);
			else if (file)
				rc = report_usage("unexpected argument '%s' (one input per report)", a);
			else
				file = a;
			continue;
		}
		if (!strcmp(opt, "--policy")) {
			if (nspecs == CMP_MAX_AXES)
				rc = report_usage("%s", "at most 8 --policy options, one per family");
			else
				spec[nspecs++] = v;
		} else if (!strcmp(opt, "--format")) {
			format = v;
		} else if (!strcmp(opt, "-o")) {
			out_path = v;
		} else if (!strcmp(opt, "--seeds")) {
			seeds_arg = v;
		} else if (!strcmp(opt, "--set")) {
			char err[512];

			if (!scn_vars_parse(&vars, v, err, sizeof(err)))
				rc = report_usage("--set: %s", err);
		} else if (!strcmp(opt, "--at")) {
			snprintf(r.at, sizeof(r.at), "%s", v);
		} else if (!strcmp(opt, "--before")) {
			snprintf(r.before, sizeof(r.before), "%s", v);
		} else if (!strcmp(opt, "--test")) {
			test_set = true;
			if (!strcmp(v, "welch"))
				test = RPT_WELCH;
			else if (!strcmp(v, "mann-whitney"))
				test = RPT_MANN_WHITNEY;
			else
				rc = report_usage("--test takes welch or mann-whitney, not '%s'", v);
		} else if (!strcmp(opt, "--figures")) {
			char *copy, *save = NULL;

			if (nbufs == RPT_MAX_PREFIXES) {
				rc = report_usage("%s", "at most 64 --figures options");
				continue;
			}
			copy = host_strdup(v, "reading --figures");
			prefix_buf[nbufs++] = copy;
			for (char *p = strtok_r(copy, ",", &save); p && rc == SCN_OK;
			     p = strtok_r(NULL, ",", &save)) {
				if (nprefix == RPT_MAX_PREFIXES)
					rc = report_usage("%s", "at most 64 --figures prefixes");
				else
					prefix[nprefix++] = p;
			}
		}
	}
	if (rc == SCN_OK && !file)
		rc = report_usage("%s", "missing input: a scenario FILE, a compare or sweep "
				  "JSON, or a sweep's result DIR");
	if (rc == SCN_OK && strcmp(format, "text") && strcmp(format, "html"))
		rc = report_usage("--format takes text or html, not '%s'", format);
	if (rc != SCN_OK)
		goto out;

	if (!stat(file, &stt) && S_ISDIR(stt.st_mode)) {
		/* a sweep's result directory: sweep collect's JSON */
		char err[1024], *json;
		int st = 0;

		if (nspecs || seeds_arg || vars.n) {
			rc = report_usage("%s", "--policy, --seeds and --set run a scenario; a "
					  "directory holds a sweep's results already");
			goto out;
		}
		json = collect_json(file, &st);
		if (!json || !*json) {
			fprintf(stderr, "mmsim: report: %s: no sweep results (mmsim sweep collect "
				"said so above)\n", file);
			host_free(json);
			rc = st ? st : SCN_BAD_INPUT;
			goto out;
		}
		if (!report_from_json(&r, file, json, err, sizeof(err))) {
			fprintf(stderr, "mmsim: report: %s\n", err);
			host_free(json);
			rc = SCN_BAD_INPUT;
			goto out;
		}
		snprintf(r.source, sizeof(r.source), "a sweep's results (%s)", file);
		host_free(json);
		worst = st;
	} else {
		FILE *f = fopen(file, "r");
		char *text;
		const char *p;

		if (!f) {
			fprintf(stderr, "mmsim: report: %s: %s\n", file, strerror(errno));
			rc = SCN_BAD_INPUT;
			goto out;
		}
		text = read_all(f);
		fclose(f);
		for (p = text; *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'; p++)
			;
		if (*p == '{') {
			char err[1024];

			if (nspecs || seeds_arg || vars.n) {
				host_free(text);
				rc = report_usage("%s", "--policy, --seeds and --set run a scenario; a "
						  "JSON result has its runs already");
				goto out;
			}
			if (!report_from_json(&r, file, text, err, sizeof(err))) {
				fprintf(stderr, "mmsim: report: %s\n", err);
				host_free(text);
				rc = SCN_BAD_INPUT;
				goto out;
			}
			host_free(text);
		} else {
			host_free(text);
			if (!nspecs) {
				rc = report_usage("%s", "a scenario needs --policy FAMILY=A,B,...");
				goto out;
			}
			for (unsigned int i = 0; i < nspecs && rc == SCN_OK; i++)
				rc = parse_policy(&grid, spec[i], &r);
			if (rc == SCN_OK && cmp_grid_nr_runs(&grid) > CMP_MAX_RUNS)
				rc = report_usage("%s", "at most 16 policy combinations");
			if (rc == SCN_OK && seeds_arg) {
				char err[256];

				if (!sweep_parse_seeds(seeds_arg, &seeds, &nseeds, 100000, err,
						       sizeof(err)))
					rc = report_usage("--seeds: %s", err);
				snprintf(r.seeds, sizeof(r.seeds), "%s", seeds_arg);
				r.nseeds = nseeds;
			}
			if (rc != SCN_OK)
				goto out;
			worst = run_scenario(&r, file, &grid, &vars, seeds, nseeds, check, check_set,
					     progress_mode_of(quiet, progress));
			if (!r.nblk) {
				rc = worst;
				goto out;
			}
		}
	}

	if (test_set)		/* over the one a sweep's JSON names */
		r.test = test;
	o = (struct rpt_opts){ .all = all, .prefix = prefix, .nprefix = nprefix };
	for (unsigned int k = 0; k < nprefix; k++) {
		bool hit = false;

		for (unsigned int bi = 0; bi < r.nblk && !hit; bi++)
			for (unsigned int j = 0; j < r.blk[bi].nrows && !hit; j++) {
				struct rpt_opts one = { .prefix = &prefix[k], .nprefix = 1 };

				hit = row_selected(&r.blk[bi].rows[j], &one);
			}
		if (!hit) {
			fprintf(stderr, "mmsim: report: --figures '%s': no figure's key or label "
				"starts with it\n", prefix[k]);
			rc = SCN_BAD_INPUT;
			goto out;
		}
	}
	sb_init(&out);
	if (!strcmp(format, "html"))
		report_html(&r, &o, &out);
	else
		report_text(&r, &o, &out);
	if (out_path) {
		FILE *f = fopen(out_path, "w");
		bool written = f && fwrite(out.buf, 1, out.len, f) == out.len;

		/* closed whether or not the write went through */
		if (f && fclose(f))
			written = false;
		if (!written) {
			fprintf(stderr, "mmsim: report: %s: %s\n", out_path, strerror(errno));
			worst = SCN_BAD_INPUT;
		}
	} else {
		fwrite(out.buf, 1, out.len, stdout);
	}
	sb_free(&out);
	rc = worst;
out:
	for (unsigned int i = 0; i < nbufs; i++)
		host_free(prefix_buf[i]);
	host_free(seeds);
	report_free(&r);
	return rc;
}
