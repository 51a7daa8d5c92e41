/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.h - `mmsim report`: what a compare or a sweep found, as an
 * email-ready 80-column text or a self-contained HTML page.
 *
 *   mmsim report FILE.scn --policy FAMILY=A,B,... [--seeds LIST] [--set NAME=VALUE]...
 *   mmsim report COMPARE.json | SWEEP.json | SWEEP-DIR
 *                [--format text|html] [--at SNAPSHOT] [--before SNAPSHOT]
 *                [--figures PREFIX,...] [--all] [--test welch|mann-whitney] [-o FILE]
 *
 * A report is a struct report: blocks (one per combination of the
 * scenario's variables, one without them), each with runs (one per policy
 * combination, the first the baseline) and rows (a figure by compare's key,
 * with its values over the seeds per run), and, when the report ran the
 * scenario itself, the detail of each run: per point of the run (each
 * snapshot the scenario takes, and its end) every populated zone's free
 * blocks per order and migratetype, pageblocks per type and mixed ones, the
 * map of its pageblocks, and /proc/vmstat.  The inputs fill it (a compare
 * JSON, a sweep JSON or result directory, or the runs themselves); the
 * writers read only it.  docs/report.md says what is printed and why.
 */
#ifndef MMSIM_REPORT_H
#define MMSIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

#define RPT_MAX_RUNS	16		/* as compare's CMP_MAX_RUNS */
#define RPT_TYPES	5		/* the migratetypes pagetypeinfo shows */
#define RPT_ORDERS	11		/* MAX_ORDER */
#define RPT_HOLE	RPT_TYPES	/* a map code: no pageblock of the zone there */
#define RPT_MIXED	0x80		/* a map code's flag: a mixed pageblock */

extern const char *const rpt_type_names[RPT_TYPES];

/* A run of equal codes in a zone's pageblock map: [start, start + len) */
struct rpt_seg {
	uint32_t start, len;
	uint8_t code;			/* type index or RPT_HOLE, | RPT_MIXED */
};

struct rpt_zone {
	int nid;
	char name[16];			/* "Normal" */
	bool has_mt;			/* free_mt known (a run, not a compare JSON) */
	long free[RPT_ORDERS];		/* buddyinfo */
	long free_mt[RPT_TYPES][RPT_ORDERS];	/* pagetypeinfo, uncapped */
	long blocks[RPT_TYPES];
	long mixed[RPT_TYPES];
	struct rpt_seg *seg;		/* the map, or NULL */
	unsigned int nseg;
	unsigned long nblocks;		/* the map's length in pageblocks */
};

/* The state at one point of a run: a snapshot (line > 0) or the end (line 0) */
struct rpt_point {
	char name[64];
	int line;
	struct rpt_zone *zone;
	unsigned int nzones;
	char **vm_name;			/* /proc/vmstat, in its order */
	long *vm_val;
	unsigned int nvm;
};

struct rpt_detail {
	struct rpt_point *pt;
	unsigned int npts;
	uint64_t seed;
};

struct rpt_run {
	char label[128];		/* the policies, '/'-joined */
	char status[48];		/* "ok", "failed", "10 ok" */
	bool ok;			/* it has figures */
};

/* One figure over the runs; v[i][0..n[i]) the values over the seeds */
struct rpt_row {
	char key[96];
	char label[96];
	bool index;			/* an index x1000 */
	double *v[RPT_MAX_RUNS];
	unsigned int n[RPT_MAX_RUNS];
	unsigned int never[RPT_MAX_RUNS];
};

struct rpt_block {
	char set[128];			/* "MEM=8G NODES=1", or "" */
	unsigned int nruns;
	struct rpt_run run[RPT_MAX_RUNS];
	struct rpt_row *rows;
	unsigned int nrows, caprows;
	bool have_detail;
	struct rpt_detail det[RPT_MAX_RUNS];
};

enum rpt_test { RPT_WELCH, RPT_MANN_WHITNEY };

struct report {
	char source[64];		/* "a compare result", "a sweep", "its runs" */
	char scenario[512];
	char policies[512];		/* "hvo=reuse-head,new-head" */
	char seeds[256];		/* "1..10", or "" for one run per policy */
	unsigned int nseeds;
	char at[64];			/* --at, or "" for the end */
	char before[64];		/* --before, or "" for the first snapshot */
	char version[32], revision[64];
	enum rpt_test test;
	struct rpt_block *blk;
	unsigned int nblk;
};

struct rpt_opts {
	bool all;			/* rows the same in every run too */
	const char *const *prefix;	/* --figures */
	unsigned int nprefix;
};

void report_init(struct report *r);
void report_free(struct report *r);
/* The row of @key in @b, added (label @label) when it is not there yet */
struct rpt_row *rpt_row_get(struct rpt_block *b, const char *key, const char *label, bool index);
void rpt_row_push(struct rpt_row *row, unsigned int run, double v);

/*
 * Fill @r from a compare (mmsim-compare/2) or sweep JSON text @json read
 * from @file; false with "file:line:col: message" in @err.
 */
bool report_from_json(struct report *r, const char *file, const char *json, char *err,
		      size_t errlen);

/* The writers; the text fits 80 columns */
void report_text(const struct report *r, const struct rpt_opts *o, struct sbuf *sb);
void report_html(const struct report *r, const struct rpt_opts *o, struct sbuf *sb);

/* "(  1.25%)" as compare prints a difference: "(    n/a)" against 0, "(  0.00%)" 0 vs 0 */
void rpt_fmt_delta(char *buf, size_t len, double base, double v);
/* @text as lines of at most @width columns, words kept whole, later lines indented @indent */
void rpt_wrap(struct sbuf *sb, const char *text, unsigned int width, unsigned int indent);

/* argv as mmsim got it (argv[1] == "report"); returns the exit status */
int cmd_report(int argc, char **argv);

#endif /* MMSIM_REPORT_H */
