// SPDX-License-Identifier: GPL-2.0-only
/*
 * import.c - read a real machine's /proc/zoneinfo, /proc/pagetypeinfo and
 * /proc/buddyinfo (files of those names in one directory) into a struct
 * mm_import, check them against each other, and derive the machine they
 * describe.  Every problem is "FILE:LINE:COL: message"; nothing is guessed.
 *
 * The layout: each node's zones are RAM from start_pfn over spanned pages,
 * less spanned - present pages of holes, which the files do not place.
 * They go where a PC has them: in DMA just below 1 MiB (the legacy
 * 640K-1M hole), at the top of a zone that ends at a zone boundary with
 * more of the node above (the PCI hole below 4 GiB), at the bottom of one
 * that starts at a boundary with more of the node below, else in the
 * middle.  Gaps between zones and nodes are holes as well.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "import_dump.h"

#define MAX_WORDS	40

struct words {
	int n;
	char w[MAX_WORDS][64];
	int col[MAX_WORDS];
	int endcol;		/* the column after the last character */
};

/* Split on blanks; a trailing comma is dropped from a word */
static void split(const char *line, struct words *ws)
{
	const char *p = line;

	ws->n = 0;
	while (*p && ws->n < MAX_WORDS) {
		size_t len = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n')
			break;
		ws->col[ws->n] = (int)(p - line) + 1;
		while (p[len] && p[len] != ' ' && p[len] != '\t' && p[len] != '\n')
			len++;
		if (len && p[len - 1] == ',')
			len--;
		snprintf(ws->w[ws->n], sizeof(ws->w[0]), "%.*s", (int)len, p);
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		ws->n++;
	}
	ws->endcol = (int)strcspn(line, "\n") + 1;
}

struct reader {
	struct mm_import *imp;
	enum import_file f;
	struct scn_diag *d;
	int line;
	int nlines;
};

static bool perr(struct reader *r, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool perr(struct reader *r, int col, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	scn_diag_set(r->d, r->imp->path[r->f], r->line, col, "%s", msg);
	return false;
}

static bool num(struct reader *r, const struct words *ws, int i, unsigned long *out)
{
	char *end;

	if (i >= ws->n)
		return perr(r, ws->endcol, "truncated line: expected a number");
	errno = 0;
	*out = strtoul(ws->w[i], &end, 10);
	if (!ws->w[i][0] || *end || ws->w[i][0] == '-' || errno)
		return perr(r, ws->col[i], "expected a number, not '%s'", ws->w[i]);
	return true;
}

static int zone_id(const char *s)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (!strcmp(s, zone_names[z]))
			return z;
	return -1;
}

static int mt_id(const char *s)
{
	for (int t = 0; t < MIGRATE_TYPES; t++)
		if (!strcmp(s, migratetype_names[t]))
			return t;
	return -1;
}

/* "Node N, zone NAME": the zone, or NULL with an error; *skip for ZONE_DEVICE */
static struct import_zone *node_zone(struct reader *r, const struct words *ws, bool *skip,
				     int *nid_out, int *zid_out)
{
	unsigned long nid;
	int zid;

	*skip = false;
	if (!num(r, ws, 1, &nid))
		return NULL;
	if (nid >= MAX_NUMNODES) {
		perr(r, ws->col[1], "node %lu: the model has at most %d nodes", nid, MAX_NUMNODES);
		return NULL;
	}
	if (ws->n < 4 || strcmp(ws->w[2], "zone")) {
		perr(r, ws->n < 3 ? ws->endcol : ws->col[2], "expected 'zone NAME'");
		return NULL;
	}
	zid = zone_id(ws->w[3]);
	if (zid < 0) {
		if (!strcmp(ws->w[3], "Device")) {
			*skip = true;
			return NULL;
		}
		perr(r, ws->col[3], "unknown zone '%s' (DMA, DMA32, Normal, Movable)", ws->w[3]);
		return NULL;
	}
	*nid_out = (int)nid;
	*zid_out = zid;
	return &r->imp->zone[nid][zid];
}

static char *read_file(struct reader *r, const char *dir, const char *name, bool optional)
{
	struct sbuf sb = { 0 };
	int errnum = 0;

	snprintf(r->imp->path[r->f], sizeof(r->imp->path[0]), "%s/%s", dir, name);
	switch (scn_read_text(r->imp->path[r->f], &sb, &errnum)) {
	case SCN_READ_OK:
		return sb.buf ? sb.buf : host_calloc(1, 1, "reading an import");
	case SCN_READ_OPEN:
		if (optional && errnum == ENOENT) {
			r->imp->path[r->f][0] = '\0';
			return NULL;
		}
		scn_diag_set(r->d, r->imp->path[r->f], 0, 0, "cannot open: %s", strerror(errnum));
		break;
	case SCN_READ_BINARY:
		scn_diag_set(r->d, r->imp->path[r->f], 0, 0, "not a text file");
		break;
	default:
		scn_diag_set(r->d, r->imp->path[r->f], 0, 0, "read error: %s", strerror(errnum));
		break;
	}
	host_free(sb.buf);
	return NULL;
}

/* Iterate the lines of text: r->line counts them */
static const char *next_line(struct reader *r, const char **p)
{
	const char *l = *p;

	if (!*l)
		return NULL;
	*p = strchr(l, '\n');
	*p = *p ? *p + 1 : l + strlen(l);
	r->line++;
	return l;
}

/* -------------------------------------------------------------------------
 * /proc/zoneinfo
 */
enum { F_FREE = 1, F_MIN = 2, F_LOW = 4, F_HIGH = 8, F_SPANNED = 16, F_PRESENT = 32,
       F_MANAGED = 64, F_START = 128, F_ALL = 255 };

static bool zone_done(struct reader *r, struct import_zone *z, int nid, int zid, unsigned int seen)
{
	static const char *const names[] = { "pages free", "min", "low", "high", "spanned",
					     "present", "managed", "start_pfn" };

	if (!z)
		return true;
	z->populated = z->present != 0;
	for (int i = 0; i < 8; i++) {
		if (seen & (1u << i))
			continue;
		if ((1u << i) == F_START && !z->populated)
			continue;
		return perr(r, 1, "truncated: node %d zone %s has no %s line", nid, zone_names[zid],
			    names[i]);
	}
	if (z->populated && !z->nr_cpus)
		return perr(r, 1, "truncated: node %d zone %s has no pagesets", nid, zone_names[zid]);
	return true;
}

static bool parse_zoneinfo(struct reader *r, const char *text)
{
	struct import_zone *z = NULL;
	int nid = 0, zid = 0, cpu = -1;
	unsigned int seen = 0;
	const char *p = text, *l;
	struct words ws;

	while ((l = next_line(r, &p))) {
		unsigned long v;

		split(l, &ws);
		if (!ws.n)
			continue;
		if (!strcmp(ws.w[0], "Node")) {
			bool skip;
			int n2 = 0, z2 = 0;
			struct import_zone *nz;

			r->line--;
			if (!zone_done(r, z, nid, zid, seen))
				return false;
			r->line++;
			nz = node_zone(r, &ws, &skip, &n2, &z2);
			if (!nz && !skip)
				return false;
			z = nz;
			if (z && z->seen)
				return perr(r, ws.col[0], "node %d zone %s appears twice", n2,
					    zone_names[z2]);
			if (z) {
				z->seen = true;
				z->zone_pos = (struct import_pos){ r->line, ws.col[0] };
				nid = n2;
				zid = z2;
				if (nid + 1 > r->imp->nr_nodes)
					r->imp->nr_nodes = nid + 1;
			}
			seen = 0;
			cpu = -1;
			continue;
		}
		if (!z)
			continue;
#define FIELD(name, flag, dst)							\
		if (ws.n == 2 && !strcmp(ws.w[0], name)) {			\
			if (!num(r, &ws, 1, &v))				\
				return false;					\
			dst = v;						\
			seen |= flag;						\
			continue;						\
		}
		if (ws.n == 3 && !strcmp(ws.w[0], "pages") && !strcmp(ws.w[1], "free")) {
			if (!num(r, &ws, 2, &v))
				return false;
			z->free = v;
			seen |= F_FREE;
			continue;
		}
		FIELD("min", F_MIN, z->wmark[WMARK_MIN]);
		FIELD("low", F_LOW, z->wmark[WMARK_LOW]);
		FIELD("high", F_HIGH, z->wmark[WMARK_HIGH]);
		FIELD("spanned", F_SPANNED, z->spanned);
		FIELD("present", F_PRESENT, z->present);
		if (ws.n == 2 && !strcmp(ws.w[0], "managed"))
			z->managed_pos = (struct import_pos){ r->line, ws.col[1] };
		FIELD("managed", F_MANAGED, z->managed);
		FIELD("start_pfn:", F_START, z->start_pfn);
#undef FIELD
		if (!strcmp(ws.w[0], "protection:")) {
			if (ws.n != MAX_NR_ZONES + 2)
				return perr(r, ws.endcol, "expected %d protection figures",
					    MAX_NR_ZONES + 1);
			for (int i = 1; i < ws.n; i++) {
				char *w = ws.w[i];
				size_t len = strlen(w);

				if (i == 1 && w[0] == '(')
					memmove(w, w + 1, len--);
				if (i == ws.n - 1 && len && w[len - 1] == ')')
					w[--len] = '\0';
				ws.col[i] += i == 1;
				if (!num(r, &ws, i, &v))
					return false;
				if (i <= MAX_NR_ZONES)
					z->protection[i - 1] = (long)v;
			}
			z->have_protection = true;
			continue;
		}
		if (!strcmp(ws.w[0], "cpu:")) {
			if (!num(r, &ws, 1, &v))
				return false;
			if ((int)v != z->nr_cpus || v >= MAX_CPUS)
				return perr(r, ws.col[1], "cpu %lu: expected cpu %d (the model has at "
					    "most %d CPUs, listed in order)", v, z->nr_cpus, MAX_CPUS);
			cpu = z->nr_cpus++;
			continue;
		}
		if (cpu >= 0 && ws.n == 2 && (!strcmp(ws.w[0], "count:") || !strcmp(ws.w[0], "high:") ||
					      !strcmp(ws.w[0], "batch:"))) {
			if (!num(r, &ws, 1, &v))
				return false;
			if (v > 1UL << 30)
				return perr(r, ws.col[1], "impossible per-cpu figure %lu", v);
			if (ws.w[0][0] == 'c')
				z->pcp_count[cpu] = (int)v;
			else if (ws.w[0][0] == 'h')
				z->pcp_high[cpu] = (int)v;
			else
				z->pcp_batch[cpu] = (int)v;
			if (ws.w[0][0] == 'c' && v > z->managed)
				return perr(r, ws.col[1], "impossible: cpu %d has %lu pages on its "
					    "per-cpu lists, the zone manages %lu", cpu, v, z->managed);
			continue;
		}
		if (ws.n == 4 && !strcmp(ws.w[0], "vm") && !strcmp(ws.w[2], "threshold:")) {
			if (!num(r, &ws, 3, &v))
				return false;
			if ((int)v > z->threshold)
				z->threshold = (int)v;
		}
	}
	r->line++;
	if (!zone_done(r, z, nid, zid, seen))
		return false;
	if (!r->imp->nr_nodes)
		return perr(r, 1, "no zones: not a /proc/zoneinfo");
	for (int n = 0; n < r->imp->nr_nodes; n++) {
		bool any = false;

		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct import_zone *iz = &r->imp->zone[n][zi];

			if (!iz->populated)
				continue;
			any = true;
			r->line = iz->zone_pos.line;
			if (iz->present > iz->spanned || iz->managed > iz->present)
				return perr(r, 1, "impossible: node %d zone %s has spanned %lu, present "
					    "%lu, managed %lu", n, zone_names[zi], iz->spanned,
					    iz->present, iz->managed);
			if (zi == ZONE_MOVABLE)
				return perr(r, 1, "ZONE_MOVABLE (kernelcore=/movablecore=) is not "
					    "imported yet");
			if (r->imp->nr_cpus && iz->nr_cpus != r->imp->nr_cpus)
				return perr(r, 1, "node %d zone %s lists %d CPUs, an earlier zone %d",
					    n, zone_names[zi], iz->nr_cpus, r->imp->nr_cpus);
			r->imp->nr_cpus = iz->nr_cpus;
		}
		if (!any) {
			r->line = 1;
			return perr(r, 1, "node %d has no memory (nodes must be 0..N-1, each with "
				    "memory)", n);
		}
	}
	return true;
}

/* -------------------------------------------------------------------------
 * /proc/pagetypeinfo
 */
static bool words_are(const struct words *ws, const char *const *w, int n)
{
	if (ws->n < n)
		return false;
	for (int i = 0; i < n; i++)
		if (strcmp(ws->w[i], w[i]))
			return false;
	return true;
}

static bool parse_pagetypeinfo(struct reader *r, const char *text)
{
	static const char *const hdr_order[] = { "Page", "block", "order:" };
	static const char *const hdr_per[] = { "Pages", "per", "block:" };
	static const char *const hdr_free[] = { "Free", "pages", "count", "per", "migrate", "type",
						"at", "order" };
	static const char *const hdr_blocks[] = { "Number", "of", "blocks", "type" };
	static const char *const hdr_mixed[] = { "Number", "of", "mixed", "blocks" };
	int cols[MIGRATE_TYPES], ncols = 0;
	bool in_mixed = false, in_blocks = false, have_free_hdr = false;
	const char *p = text, *l;
	struct words ws;

	while ((l = next_line(r, &p))) {
		unsigned long v;

		split(l, &ws);
		if (!ws.n)
			continue;
		if (words_are(&ws, hdr_order, 3)) {
			if (!num(r, &ws, 3, &v))
				return false;
			if (v != pageblock_order)
				return perr(r, ws.col[3], "page block order %lu: the model's is %d", v,
					    pageblock_order);
			continue;
		}
		if (words_are(&ws, hdr_per, 3)) {
			if (!num(r, &ws, 3, &v))
				return false;
			if (v != pageblock_nr_pages)
				return perr(r, ws.col[3], "%lu pages per block: the model's are %lu",
					    v, pageblock_nr_pages);
			continue;
		}
		if (words_are(&ws, hdr_free, 8)) {
			if (ws.n - 8 != MAX_ORDER)
				return perr(r, ws.n > 8 ? ws.col[ws.n - 1] : ws.endcol,
					    "orders 0 to %d expected (MAX_ORDER %d)", MAX_ORDER - 1,
					    MAX_ORDER);
			for (int i = 8; i < ws.n; i++)
				if (!num(r, &ws, i, &v))
					return false;
				else if (v != (unsigned long)(i - 8))
					return perr(r, ws.col[i], "order %d expected", i - 8);
			have_free_hdr = true;
			in_blocks = in_mixed = false;
			continue;
		}
		if (words_are(&ws, hdr_mixed, 4)) {
			in_mixed = true;
			in_blocks = false;
			continue;
		}
		if (words_are(&ws, hdr_blocks, 4)) {
			ncols = 0;
			for (int i = 4; i < ws.n; i++) {
				int t = mt_id(ws.w[i]);

				if (t < 0)
					return perr(r, ws.col[i], "unknown migratetype '%s'", ws.w[i]);
				if (t == MIGRATE_CMA)
					return perr(r, ws.col[i], "a CMA column: the model's kernel has "
						    "no CONFIG_CMA, its pagetypeinfo could not print "
						    "this back");
				cols[ncols++] = t;
			}
			in_blocks = true;
			in_mixed = false;
			continue;
		}
		if (!strcmp(ws.w[0], "Node")) {
			struct import_zone *z;
			bool skip;
			int nid, zid;

			if (in_mixed)
				continue;
			z = node_zone(r, &ws, &skip, &nid, &zid);
			if (!z)
				return skip ? perr(r, ws.col[3], "zone Device has no free lists") : false;
			if (!z->populated)
				return perr(r, ws.col[3], "node %d zone %s is not a populated zone in %s",
					    nid, zone_names[zid], r->imp->path[IMPORT_ZONEINFO]);
			if (in_blocks) {
				if (z->have_blocks)
					return perr(r, ws.col[0], "a second block count row for node %d "
						    "zone %s", nid, zone_names[zid]);
				if (ws.n - 4 != ncols)
					return perr(r, ws.endcol, "truncated row: %d counts, expected %d",
						    ws.n - 4, ncols);
				for (int i = 0; i < ncols; i++) {
					if (!num(r, &ws, 4 + i, &v))
						return false;
					if (cols[i] == MIGRATE_ISOLATE && v)
						return perr(r, ws.col[4 + i], "%lu isolated pageblocks: an "
							    "isolation was under way; the import cannot "
							    "recreate it", v);
					z->nr_blocks[cols[i]] = v;
				}
				z->have_blocks = true;
				z->blocks_pos = (struct import_pos){ r->line, ws.col[0] };
				continue;
			}
			if (!have_free_hdr)
				return perr(r, ws.col[0], "a free count row before the 'Free pages "
					    "count per migrate type at order' header");
			if (ws.n < 6 || strcmp(ws.w[4], "type"))
				return perr(r, ws.n < 5 ? ws.endcol : ws.col[4], "expected 'type NAME'");
			int t = mt_id(ws.w[5]);

			if (t < 0)
				return perr(r, ws.col[5], "unknown migratetype '%s'", ws.w[5]);
			if (t == MIGRATE_CMA)
				return perr(r, ws.col[5], "a CMA row: the model's kernel has no "
					    "CONFIG_CMA, its pagetypeinfo could not print this back");
			if (z->free_pos[t].line)
				return perr(r, ws.col[0], "a second %s row for node %d zone %s",
					    migratetype_names[t], nid, zone_names[zid]);
			if (ws.n - 6 != MAX_ORDER)
				return perr(r, ws.endcol, "truncated row: %d counts, expected %d",
					    ws.n - 6, MAX_ORDER);
			for (int o = 0; o < MAX_ORDER; o++) {
				if (!num(r, &ws, 6 + o, &v))
					return false;
				if (v > z->managed >> o)
					return perr(r, ws.col[6 + o], "impossible: %lu free blocks of "
						    "order %d in a zone of %lu managed pages", v, o,
						    z->managed);
				if (t == MIGRATE_ISOLATE && v)
					return perr(r, ws.col[6 + o], "free pages on the Isolate list: "
						    "an isolation was under way; the import cannot "
						    "recreate it");
				z->nr_free[t][o] = v;
			}
			z->free_pos[t] = (struct import_pos){ r->line, ws.col[0] };
			continue;
		}
		return perr(r, ws.col[0], "unexpected line in a pagetypeinfo");
	}
	r->line++;
	for (int n = 0; n < r->imp->nr_nodes; n++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct import_zone *z = &r->imp->zone[n][zi];
			static const int need[] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE,
						    MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC,
						    MIGRATE_ISOLATE };
			unsigned long pages = 0;

			if (!z->populated)
				continue;
			for (size_t i = 0; i < ARRAY_SIZE(need); i++)
				if (!z->free_pos[need[i]].line)
					return perr(r, 1, "truncated: no %s row for node %d zone %s",
						    migratetype_names[need[i]], n, zone_names[zi]);
			if (!z->have_blocks)
				return perr(r, 1, "truncated: no block count row for node %d zone %s",
					    n, zone_names[zi]);
			z->have_free = true;
			for (int t = 0; t < MIGRATE_TYPES; t++)
				for (int o = 0; o < MAX_ORDER; o++)
					pages += z->nr_free[t][o] << o;
			/* zoneinfo's free is a per-cpu batched counter: it may lag by the thresholds */
			unsigned long slack = (unsigned long)z->threshold * (unsigned long)z->nr_cpus;

			if (pages > z->managed || (pages > z->free ? pages - z->free : z->free - pages) > slack) {
				r->f = IMPORT_PAGETYPEINFO;
				r->line = z->free_pos[MIGRATE_UNMOVABLE].line;
				return perr(r, 1, "node %d zone %s: these rows hold %lu free pages, %s "
					    "says %lu (managed %lu, counter slack %lu)", n, zone_names[zi],
					    pages, r->imp->path[IMPORT_ZONEINFO], z->free, z->managed,
					    slack);
			}
		}
	return true;
}

/* -------------------------------------------------------------------------
 * /proc/buddyinfo: a cross-check of pagetypeinfo
 */
static bool parse_buddyinfo(struct reader *r, const char *text)
{
	bool seen[MAX_NUMNODES][MAX_NR_ZONES] = { { false } };
	const char *p = text, *l;
	struct words ws;

	while ((l = next_line(r, &p))) {
		struct import_zone *z;
		bool skip;
		int nid, zid;

		split(l, &ws);
		if (!ws.n)
			continue;
		if (strcmp(ws.w[0], "Node"))
			return perr(r, ws.col[0], "expected 'Node N, zone NAME' and counts");
		z = node_zone(r, &ws, &skip, &nid, &zid);
		if (!z)
			return skip ? perr(r, ws.col[3], "zone Device has no free lists") : false;
		if (!z->populated)
			return perr(r, ws.col[3], "node %d zone %s is not a populated zone in %s", nid,
				    zone_names[zid], r->imp->path[IMPORT_ZONEINFO]);
		if (ws.n - 4 != MAX_ORDER)
			return perr(r, ws.endcol, "truncated row: %d counts, expected %d", ws.n - 4,
				    MAX_ORDER);
		for (int o = 0; o < MAX_ORDER; o++) {
			unsigned long v, sum = 0;

			if (!num(r, &ws, 4 + o, &v))
				return false;
			for (int t = 0; t < MIGRATE_TYPES; t++)
				sum += z->nr_free[t][o];
			if (v != sum)
				return perr(r, ws.col[4 + o], "%lu free blocks of order %d in node %d "
					    "zone %s, %s says %lu (read at different times? "
					    "buddyinfo is only a cross-check: leave it out)", v, o,
					    nid, zone_names[zid], r->imp->path[IMPORT_PAGETYPEINFO],
					    sum);
		}
		seen[nid][zid] = true;
	}
	r->line++;
	for (int n = 0; n < r->imp->nr_nodes; n++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			if (r->imp->zone[n][zi].populated && !seen[n][zi])
				return perr(r, 1, "truncated: no row for node %d zone %s", n,
					    zone_names[zi]);
	return true;
}

struct mm_import *import_load(const char *dir, struct scn_diag *d)
{
	static const char *const names[IMPORT_NR_FILES] = { "zoneinfo", "pagetypeinfo",
							    "buddyinfo" };
	static bool (*const parse[IMPORT_NR_FILES])(struct reader *, const char *) = {
		parse_zoneinfo, parse_pagetypeinfo, parse_buddyinfo };
	struct mm_import *imp = host_calloc(1, sizeof(*imp), "reading an import");
	struct reader r = { .imp = imp, .d = d };

	for (int f = 0; f < IMPORT_NR_FILES; f++) {
		char *text;
		bool ok;

		r.f = (enum import_file)f;
		r.line = 0;
		text = read_file(&r, dir, names[f], f == IMPORT_BUDDYINFO);
		if (!text) {
			if (f == IMPORT_BUDDYINFO && !imp->path[f][0])
				continue;
			host_free(imp);
			return NULL;
		}
		ok = parse[f](&r, text);
		host_free(text);
		if (!ok) {
			host_free(imp);
			return NULL;
		}
	}
	return imp;
}

/* -------------------------------------------------------------------------
 * The machine
 */
struct range {
	unsigned long start, end;
};

static bool zone_has_ram_after(const struct mm_import *imp, int n, int zi)
{
	for (int z = zi + 1; z < MAX_NR_ZONES; z++)
		if (imp->zone[n][z].populated)
			return true;
	return false;
}

static bool zone_has_ram_before(const struct mm_import *imp, int n, int zi)
{
	for (int z = 0; z < zi; z++)
		if (imp->zone[n][z].populated)
			return true;
	return false;
}

bool import_machine_opts(const struct mm_import *imp, struct machine_opts *o, struct scn_diag *d)
{
	static const unsigned long zone_lo[] = { 0, DMA_PFN_END, DMA32_PFN_END, 0 };
	static const unsigned long zone_hi[] = { DMA_PFN_END, DMA32_PFN_END, 0, 0 };
	struct range ram[MAX_NUMNODES * MAX_NR_ZONES * 2];
	int nram = 0;
	unsigned long last = 0;

	o->nr_nodes = imp->nr_nodes;
	o->nr_cpus = imp->nr_cpus;
	if (o->nr_cpus < 1 || o->nr_cpus > MAX_CPUS) {
		scn_diag_set(d, imp->path[IMPORT_ZONEINFO], 1, 1, "%d CPUs: the model takes 1 to %d",
			     o->nr_cpus, MAX_CPUS);
		return false;
	}
	o->nr_holes = 0;
	o->bios_top_reserved = false;
	o->no_kernel_alloc = true;
	for (int n = 0; n < imp->nr_nodes; n++) {
		unsigned long present = 0;

		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			const struct import_zone *z = &imp->zone[n][zi];
			unsigned long s = z->start_pfn, e = s + z->spanned, h = z->spanned - z->present;
			unsigned long hs;

			if (!z->populated)
				continue;
			present += z->present;
			if (s < last) {
				scn_diag_set(d, imp->path[IMPORT_ZONEINFO], z->zone_pos.line, 1,
					     "node %d zone %s starts at pfn %lu, below the memory "
					     "before it (the model lays nodes out in pfn order)", n,
					     zone_names[zi], s);
				return false;
			}
			if (!h)
				hs = e;
			else if (zi == ZONE_DMA && s + h < 0x100 && e > 0x100)
				hs = 0x100 - h;		/* the legacy hole below 1 MiB */
			else if (zone_hi[zi] && e == zone_hi[zi] && zone_has_ram_after(imp, n, zi))
				hs = e - h;		/* the PCI hole below 4 GiB */
			else if (zi && zone_lo[zi] == s && zone_has_ram_before(imp, n, zi))
				hs = s;
			else
				hs = s + (z->spanned - h) / 2;
			if (hs > s)
				ram[nram++] = (struct range){ s, hs };
			if (hs + h < e)
				ram[nram++] = (struct range){ hs + h, e };
			last = e;
		}
		o->node[n].mem_bytes = present << PAGE_SHIFT;
		o->node[n].movable_bytes = 0;
	}
	/* the gaps between RAM ranges are holes that memory moves past */
	last = 0;
	for (int i = 0; i < nram; i++) {
		if (ram[i].start > last) {
			if (o->nr_holes == MAX_HOLES) {
				scn_diag_set(d, imp->path[IMPORT_ZONEINFO], 1, 1, "more than %d holes "
					     "in the physical memory map: the model cannot lay it out",
					     MAX_HOLES);
				return false;
			}
			o->hole[o->nr_holes++] = (struct hole_desc){ last << PAGE_SHIFT,
								     ram[i].start << PAGE_SHIFT,
								     false };
		}
		last = ram[i].end;
	}
	return true;
}
