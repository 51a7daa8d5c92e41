// SPDX-License-Identifier: GPL-2.0-only
/*
 * scn_run.c - running a parsed scenario on a simulated machine.
 *
 * One struct scn_runner per run holds everything the run creates: the
 * machine, the blocks the scenario allocated (by id, by group member and
 * by pfn), snapshots and the runner's counters (scn.*).  Nothing is
 * global, so compare can run one script under several policies in one
 * process, one runner after the other or side by side.
 *
 * Ownership of allocated blocks.  Every live block the runner allocated
 * is a struct scn_obj in a uthash keyed by its pfn.  Blocks allocated with
 * a movable gfp mask are user data the model may migrate (compaction);
 * the model reports each move through mm_set_migrate_notify() and the
 * runner rehashes the object, so `free ID` frees wherever the data went.
 * Ids own one embedded object each; groups own chunked arrays of members
 * (4096 per chunk) so members never move in memory and a fill of millions
 * of pages costs no per-member malloc.
 *
 * Randomness.  `free G random=P%` draws from the runner's own generator,
 * seeded from the scenario seed but separate from the machine's, so a
 * policy that consumes the machine's randomness differently still sees
 * exactly the same workload.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Most keys here are pfns: hash 8-byte keys with one multiply (Fibonacci
 * hashing) instead of uthash's byte-wise Jenkins hash, which cost half of
 * a fill's time.  Other keys (snapshot counter names) keep Jenkins.
 */
#define HASH_FUNCTION(keyptr, keylen, hashv)					\
	do {									\
		if ((keylen) == sizeof(uint64_t)) {				\
			uint64_t _k;						\
			memcpy(&_k, (keyptr), sizeof(_k));			\
			(hashv) = (unsigned)((_k * 0x9e3779b97f4a7c15ULL) >> 32); \
		} else {							\
			HASH_JEN((keyptr), (keylen), (hashv));			\
		}								\
	} while (0)

#include "progress.h"
#include "scn.h"
#include "hash.h"
#include "vmstat.h"
#include "host.h"
#include "check.h"
#include "compaction.h"
#include "migrate.h"
#include "page_alloc.h"
#include "vmscan.h"
#include "module.h"
#include "suggest.h"
#include "filemap.h"
#include "hugetlb.h"
#include "khugepaged.h"
#include "memory_hotplug.h"
#include "memremap.h"
#include "rcu.h"
#include "memory.h"
#include "mman.h"
#include "mmap.h"
#include "mremap.h"
#include "task.h"
#include "import.h"

#define GROUP_CHUNK_SHIFT	12
#define GROUP_CHUNK		(1UL << GROUP_CHUNK_SHIFT)
#define NOT_A_MEMBER		UINT32_MAX

struct scn_tent;

struct scn_obj {
	unsigned long pfn;		/* PFN_NONE: not live */
	struct scn_tent *tent;		/* replay: the trace pfn mapped here */
	int freed_line;
	uint32_t owner;			/* id or group slot */
	uint32_t index;			/* member index, NOT_A_MEMBER for an id */
	uint8_t order;
	UT_hash_handle hh;		/* runner.by_pfn while live */
};

/* Replay: a pfn of the traced kernel and the block allocated for it */
struct scn_tent {
	unsigned long tpfn;
	struct scn_obj *obj;		/* NULL: the simulated allocation failed */
	UT_hash_handle hh;
};

struct scn_group {
	struct scn_obj **chunks;
	size_t nchunks;
	size_t n;			/* members ever created */
	size_t live;
	unsigned long failures;
	struct scn_tent *tmap;		/* replay: trace pfn -> member */
};

/*
 * Snapshots keep numbers, not names: every counter name the run has seen
 * is interned once (struct cname, an id in first-seen order), and a
 * snapshot is the ids of its counters in dump order, their values, and
 * an id -> position index.  That is 16 bytes a counter instead of a
 * string and a hash handle each.  A snapshot no later line reads is not
 * stored at all, and one is dropped after the last line that reads it
 * (uses_left, from snap_plan), so memory follows the snapshots still
 * needed, not the number of snapshot lines.
 */
struct cname {
	char *name;
	uint32_t id;
	UT_hash_handle hh;
};

struct scn_snap {
	bool taken;
	size_t n;
	uint32_t *ids;			/* [n], dump order */
	long *vals;			/* [n] */
	uint32_t *pos;			/* [npos]: index + 1 of an id, 0: absent */
	uint32_t npos;
	long uses_left;			/* references still to come */
	struct sbuf views;		/* the files listed on the snapshot line */
	int nviews;
};

struct scn_counters {
	long allocs, alloc_failures, frees, last_alloc, last_pfn;
	long migrated, write_errors;
	long replay_allocs, replay_frees, replay_unknown_frees, replay_alloc_failures;
	long replay_trace_failures, replay_lost_frees, replay_ignored;
	long syscall_errors, killed_sigsegv, killed_sigbus, killed_oom;
};

struct scn_runner {
	const struct scn_script *s;
	const struct scn_run_opts *o;
	struct scn_result *r;
	struct machine *m;
	const struct scn_stmt *st;	/* the step running */
	struct scn_obj *ids;		/* [s->nids] */
	struct scn_group *groups;	/* [s->ngroups] */
	struct scn_snap *snaps;		/* [s->nsnaps] */
	long *snap_uses;		/* [s->nstmts]: for a snapshot line, reads of it to come */
	struct cname *cnames;		/* interned counter names (uthash) */
	char **cname_by_id;
	uint32_t ncnames, cap_cnames;
	struct scn_obj *by_pfn;
	struct scn_counters c;
	long live_allocs, live_pages;
	long checked_moves;		/* run_moves() at the last invariant check */
	uint64_t rng;
	struct sbuf tmp;
	uint64_t *vars;			/* [s->nvars]: what each call returned */
	bool strace;			/* print calls as strace does */
};

/* -------------------------------------------------------------------------
 * Output
 */
static void out_write(struct scn_runner *run, const char *s, size_t len)
{
	if (run->o->quiet || !len)
		return;
	if (run->o->out)
		fwrite(s, 1, len, run->o->out);
	else
		sb_printf(&run->r->out, "%.*s", (int)len, s);
}

static void err_vprintf(struct scn_runner *run, const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (run->o->err) {
		if (run->o->out)
			fflush(run->o->out);
		fputs(buf, run->o->err);
	} else {
		sb_puts(&run->r->err, buf);
	}
}

static void err_printf(struct scn_runner *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void err_printf(struct scn_runner *run, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vprintf(run, fmt, ap);
	va_end(ap);
}

/* An input error found while running: file:line:col, exit 2 */
static enum scn_status rt_error(struct scn_runner *run, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum scn_status rt_error(struct scn_runner *run, int col, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_printf(run, "%s:%d:%d: %s\n", run->s->file, run->st->line,
		   scn_col_orig(run->s, run->st->line, col), msg);
	return SCN_BAD_INPUT;
}

/* -------------------------------------------------------------------------
 * Blocks the runner owns
 */
static uint64_t runner_rand(struct scn_runner *run)
{
	/* splitmix64 */
	uint64_t z = (run->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct scn_obj *group_member(struct scn_group *g, size_t i)
{
	return &g->chunks[i >> GROUP_CHUNK_SHIFT][i & (GROUP_CHUNK - 1)];
}

static struct scn_obj *group_new_member(struct scn_group *g)
{
	struct scn_obj *o;

	if (g->n == g->nchunks * GROUP_CHUNK) {
		g->chunks = host_reallocarray(g->chunks, g->nchunks + 1, sizeof(*g->chunks),
					      "growing a group");
		g->chunks[g->nchunks] = host_calloc(GROUP_CHUNK, sizeof(struct scn_obj),
						    "growing a group");
		g->nchunks++;
	}
	o = group_member(g, g->n);
	memset(o, 0, sizeof(*o));
	o->index = (uint32_t)g->n;
	o->pfn = PFN_NONE;
	g->n++;
	return o;
}

static unsigned long runner_alloc(struct scn_runner *run, gfp_t gfp, unsigned int order, int nid)
{
	struct machine *m = run->m;
	unsigned long pfn;

	if (nid >= 0)
		pfn = alloc_pages_node(m, nid, gfp, order);
	else
		pfn = __alloc_pages(m, gfp, order, m->cpu_node[m->cur_cpu]);
	if (pfn == PFN_NONE)
		return pfn;
	if (gfp_migratetype(gfp) == MIGRATE_MOVABLE)
		mm_mark_movable_data(m, pfn, order);
	run->c.allocs++;
	return pfn;
}

static void obj_own(struct scn_runner *run, struct scn_obj *o, unsigned long pfn,
		    unsigned int order, uint32_t owner)
{
	o->pfn = pfn;
	o->order = (uint8_t)order;
	o->owner = owner;
	o->freed_line = 0;
	HASH_ADD(hh, run->by_pfn, pfn, sizeof(o->pfn), o);
	run->live_allocs++;
	run->live_pages += 1L << order;
	if (o->index != NOT_A_MEMBER)
		run->groups[owner].live++;
}

static void obj_free(struct scn_runner *run, struct scn_obj *o)
{
	HASH_DEL(run->by_pfn, o);
	__free_pages(run->m, o->pfn, o->order);
	run->c.frees++;
	run->live_allocs--;
	run->live_pages -= 1L << o->order;
	o->pfn = PFN_NONE;
	o->freed_line = run->st->line;
	if (o->index != NOT_A_MEMBER)
		run->groups[o->owner].live--;
	if (o->tent) {
		struct scn_group *g = &run->groups[o->owner];

		HASH_DEL(g->tmap, o->tent);
		host_free(o->tent);
		o->tent = NULL;
	}
}

/* The model moved a block (compaction): follow it */
static void runner_migrated(void *priv, unsigned long old_pfn, unsigned long new_pfn,
			    unsigned int order)
{
	struct scn_runner *run = priv;
	struct scn_obj *o;

	HASH_FIND(hh, run->by_pfn, &old_pfn, sizeof(old_pfn), o);
	if (!o)
		return;
	HASH_DEL(run->by_pfn, o);
	o->pfn = new_pfn;
	HASH_ADD(hh, run->by_pfn, pfn, sizeof(o->pfn), o);
	run->c.migrated++;
}

/* -------------------------------------------------------------------------
 * Counters: the model's (counter_read) and the runner's (scn.*)
 */
#define SCN_COUNTER(n)	{ "scn." #n, offsetof(struct scn_counters, n) }
static const struct {
	const char *name;
	size_t off;
} scn_counter_table[] = {
	SCN_COUNTER(allocs), SCN_COUNTER(alloc_failures), SCN_COUNTER(frees),
	SCN_COUNTER(last_alloc), SCN_COUNTER(last_pfn), SCN_COUNTER(migrated),
	SCN_COUNTER(write_errors), SCN_COUNTER(replay_allocs), SCN_COUNTER(replay_frees),
	SCN_COUNTER(replay_unknown_frees), SCN_COUNTER(replay_alloc_failures),
	SCN_COUNTER(replay_trace_failures), SCN_COUNTER(replay_lost_frees),
	SCN_COUNTER(replay_ignored), SCN_COUNTER(syscall_errors), SCN_COUNTER(killed_sigsegv),
	SCN_COUNTER(killed_sigbus), SCN_COUNTER(killed_oom),
};

/* Counters are read only once the machine booted: expect, snapshot and
 * print counters all need it (need_boot in scn_parse.c) */
static bool runner_counter(struct scn_runner *run, const char *name, long *v)
{
	const struct scn_script *s = run->s;
	static const char *const per_group[] = { "scn.allocated.", "scn.members.",
						 "scn.failures." };

	for (size_t i = 0; i < ARRAY_SIZE(scn_counter_table); i++) {
		if (!strcmp(name, scn_counter_table[i].name)) {
			*v = *(long *)((char *)&run->c + scn_counter_table[i].off);
			return true;
		}
	}
	if (!strcmp(name, "scn.live_allocs")) {
		*v = run->live_allocs;
		return true;
	}
	if (!strcmp(name, "scn.live_pages")) {
		*v = run->live_pages;
		return true;
	}
	if (!strcmp(name, "scn.cpu")) {
		*v = run->m->cur_cpu;
		return true;
	}
	for (size_t k = 0; k < ARRAY_SIZE(per_group); k++) {
		size_t n = strlen(per_group[k]);

		if (strncmp(name, per_group[k], n))
			continue;
		for (int g = 0; g < s->ngroups; g++) {
			if (strcmp(name + n, s->group_names[g]))
				continue;
			*v = k == 0 ? (long)run->groups[g].live :
			     k == 1 ? (long)run->groups[g].n : (long)run->groups[g].failures;
			return true;
		}
		return false;
	}
	if (!strncmp(name, "scn.pfn.", 8)) {
		for (int i = 0; i < s->nids; i++) {
			if (strcmp(name + 8, s->id_names[i]))
				continue;
			*v = run->ids[i].pfn == PFN_NONE ? -1 : (long)run->ids[i].pfn;
			return true;
		}
	}
	return false;
}

static void runner_counter_dump(struct scn_runner *run, struct sbuf *sb)
{
	const struct scn_script *s = run->s;

	for (size_t i = 0; i < ARRAY_SIZE(scn_counter_table); i++)
		sb_printf(sb, "%s %ld\n", scn_counter_table[i].name,
			  *(long *)((char *)&run->c + scn_counter_table[i].off));
	sb_printf(sb, "scn.live_allocs %ld\nscn.live_pages %ld\nscn.cpu %d\n",
		  run->live_allocs, run->live_pages, run->m->cur_cpu);
	for (int g = 0; g < s->ngroups; g++) {
		struct scn_group *gr = &run->groups[g];

		sb_printf(sb, "scn.allocated.%s %zu\n", s->group_names[g], gr->live);
		sb_printf(sb, "scn.members.%s %zu\n", s->group_names[g], gr->n);
		sb_printf(sb, "scn.failures.%s %lu\n", s->group_names[g], gr->failures);
	}
	for (int i = 0; i < s->nids; i++)
		sb_printf(sb, "scn.pfn.%s %ld\n", s->id_names[i],
			  run->ids[i].pfn == PFN_NONE ? -1L : (long)run->ids[i].pfn);
}

static void all_counter_dump(struct scn_runner *run, struct sbuf *sb)
{
	counter_dump(run->m, sb);
	runner_counter_dump(run, sb);
}

/*
 * " (did you mean 'X'?)" for a counter or file name nothing matched, into
 * @out; empty when no name is close.  Counters are every name a dump
 * prints; files are the model's fixed paths that can be read (patterns
 * with <N> parts are left out: `mmsim files` lists them).
 */
static void counter_suggestion(struct scn_runner *run, const char *name, char *out, size_t len)
{
	struct suggest sg;
	struct sbuf names;
	const char *best;

	sb_init(&names);
	all_counter_dump(run, &names);
	suggest_init(&sg, name);
	/* one "name value" per line: cut each line at its blank */
	for (char *l = names.buf; l && *l;) {
		char *nl = strchr(l, '\n'), *sp = strchr(l, ' ');

		if (sp && (!nl || sp < nl))
			*sp = '\0';
		suggest_offer(&sg, l);
		l = nl ? nl + 1 : NULL;
	}
	best = suggest_result(&sg);
	snprintf(out, len, best ? " (did you mean '%s'?)" : "%s", best ? best : "");
	sb_free(&names);
}

static void file_suggestion(const char *path, char *out, size_t len)
{
	struct suggest sg;
	struct sbuf pats;
	const char *best;

	sb_init(&pats);
	for (size_t i = 0; i < mm_nr_modules(); i++) {
		const struct mm_module *mod = mm_module_at(i);

		for (unsigned int j = 0; j < mod->nr_files; j++) {
			/* readable files only: a write-only one is no answer to cat */
			if (!mod->files[j].view && !mod->files[j].show)
				continue;
			mm_file_pattern_text(mod->files[j].pattern, &pats);
			sb_puts(&pats, "\n");
		}
	}
	suggest_init(&sg, path);
	for (char *l = pats.buf; l && *l;) {
		char *nl = strchr(l, '\n');

		if (nl)
			*nl = '\0';
		if (!strchr(l, '<') && strcmp(l, path))
			suggest_offer(&sg, l);
		l = nl ? nl + 1 : NULL;
	}
	best = suggest_result(&sg);
	snprintf(out, len, best ? " (did you mean '%s'?)" : " (`mmsim files` lists them)",
		 best ? best : "");
	sb_free(&pats);
}

/* -------------------------------------------------------------------------
 * Snapshots
 */
static void snap_clear(struct scn_snap *sn)
{
	host_free(sn->ids);
	host_free(sn->vals);
	host_free(sn->pos);
	sb_free(&sn->views);
	*sn = (struct scn_snap){ 0 };
}

static uint32_t cname_intern(struct scn_runner *run, const char *name)
{
	struct cname *c;

	HASH_FIND_STR(run->cnames, name, c);
	if (c)
		return c->id;
	if (run->ncnames == run->cap_cnames) {
		run->cap_cnames = run->cap_cnames ? 2 * run->cap_cnames : 1024;
		run->cname_by_id = host_reallocarray(run->cname_by_id, run->cap_cnames,
						     sizeof(*run->cname_by_id), "taking a snapshot");
	}
	c = host_calloc(1, sizeof(*c), "taking a snapshot");
	c->name = host_strdup(name, "taking a snapshot");
	c->id = run->ncnames++;
	run->cname_by_id[c->id] = c->name;
	HASH_ADD_KEYPTR(hh, run->cnames, c->name, strlen(c->name), c);
	return c->id;
}

/* Fill @sn with every counter's current value */
static void snap_take_counters(struct scn_runner *run, struct scn_snap *sn)
{
	size_t n = 0, cap = 0;
	char *line, *save = NULL;

	sb_reset(&run->tmp);
	all_counter_dump(run, &run->tmp);
	for (line = run->tmp.buf ? strtok_r(run->tmp.buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(line, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			sn->ids = host_reallocarray(sn->ids, cap, sizeof(*sn->ids), "taking a snapshot");
			sn->vals = host_reallocarray(sn->vals, cap, sizeof(*sn->vals),
						     "taking a snapshot");
		}
		sn->ids[n] = cname_intern(run, line);
		sn->vals[n++] = strtol(sp + 1, NULL, 10);
	}
	sn->n = n;
	sn->npos = run->ncnames;
	sn->pos = host_calloc(sn->npos, sizeof(*sn->pos), "taking a snapshot");
	for (size_t i = n; i-- > 0;)		/* the first of a repeated name wins */
		sn->pos[sn->ids[i]] = (uint32_t)i + 1;
	sn->taken = true;
}

/* The value of counter @id in @sn; false if the snapshot has none */
static bool snap_get_id(const struct scn_snap *sn, uint32_t id, long *v)
{
	if (id >= sn->npos || !sn->pos[id])
		return false;
	*v = sn->vals[sn->pos[id] - 1];
	return true;
}

static bool snap_get(struct scn_runner *run, const struct scn_snap *sn, const char *name, long *v)
{
	struct cname *c;

	HASH_FIND_STR(run->cnames, name, c);
	return c && snap_get_id(sn, c->id, v);
}

/*
 * Call @fn for each read a statement makes of a snapshot slot, once per
 * mention: snap_plan counts them ahead, the runner counts them down.
 */
static void stmt_snap_reads(const struct scn_stmt *st, void (*fn)(void *priv, int slot),
			    void *priv)
{
	switch (st->verb) {
	case SCN_PRINT_SNAPSHOT:
		fn(priv, st->slot);
		break;
	case SCN_PRINT_DIFF:
		fn(priv, st->slot);
		if (st->slot2 >= 0)
			fn(priv, st->slot2);
		break;
	case SCN_EXPECT:
		for (int i = 0; i < st->lhs.n; i++)
			if (st->lhs.t[i].kind == SCN_TERM_SNAP)
				fn(priv, st->lhs.t[i].snap);
		for (int i = 0; i < st->rhs.n; i++)
			if (st->rhs.t[i].kind == SCN_TERM_SNAP)
				fn(priv, st->rhs.t[i].snap);
		break;
	default:
		break;
	}
}

static void count_read(void *priv, int slot)
{
	((long *)priv)[slot]++;
}

/* For every snapshot line: how many reads of what it takes are to come */
static void snap_plan(struct scn_runner *run)
{
	const struct scn_script *s = run->s;
	long *pending = host_calloc((size_t)s->nsnaps, sizeof(*pending), "planning snapshots");

	run->snap_uses = host_calloc((size_t)s->nstmts, sizeof(*run->snap_uses),
				     "planning snapshots");
	for (int i = s->nstmts; i-- > 0;) {
		const struct scn_stmt *st = &s->stmts[i];

		if (st->verb == SCN_SNAPSHOT) {
			run->snap_uses[i] = pending[st->slot];
			pending[st->slot] = 0;	/* reads before this line read an older take */
		} else {
			stmt_snap_reads(st, count_read, pending);
		}
	}
	host_free(pending);
}

static void drop_read(void *priv, int slot)
{
	struct scn_runner *run = priv;
	struct scn_snap *sn = &run->snaps[slot];

	if (--sn->uses_left == 0)
		snap_clear(sn);
}

/* Does @name start with one of the statement's prefixes (or are there none)? */
static bool stmt_wants(const struct scn_stmt *st, const char *name)
{
	if (!st->nargs)
		return true;
	for (int i = 0; i < st->nargs; i++)
		if (!strncmp(name, st->args[i], strlen(st->args[i])))
			return true;
	return false;
}

/*
 * The PREFIX arguments of a print step that select no counter at all.  A
 * misspelt prefix would otherwise print nothing, which reads as "nothing
 * changed": each prefix is marked when some counter name starts with it,
 * and the first one left unmarked is an error at its column.
 */
struct prefix_hits {
	bool *hit;		/* [st->nargs] */
};

static void prefix_hits_init(struct prefix_hits *ph, const struct scn_stmt *st)
{
	ph->hit = st->nargs ? host_calloc((size_t)st->nargs, sizeof(*ph->hit),
					  "checking print prefixes") : NULL;
}

static void prefix_hits_mark(struct prefix_hits *ph, const struct scn_stmt *st, const char *name)
{
	for (int i = 0; i < st->nargs; i++)
		if (!ph->hit[i] && !strncmp(name, st->args[i], strlen(st->args[i])))
			ph->hit[i] = true;
}

/* Frees ph; SCN_OK, or a run error at the first prefix nothing matched */
static enum scn_status prefix_hits_done(struct scn_runner *run, struct prefix_hits *ph,
					const struct scn_stmt *st, const char *what)
{
	enum scn_status ret = SCN_OK;

	for (int i = 0; i < st->nargs; i++) {
		if (ph->hit[i])
			continue;
		ret = rt_error(run, st->argcol[i], "%s: no counter name starts with '%s'", what,
			       st->args[i]);
		break;
	}
	host_free(ph->hit);
	ph->hit = NULL;
	return ret;
}

/* -------------------------------------------------------------------------
 * Steps
 */
typedef enum scn_status (*step_fn)(struct scn_runner *run, const struct scn_stmt *st);

/* The blocks the scenario holds, for the checker's "held and free" test */
static void runner_inuse_iter(void *priv, mm_inuse_cb cb, void *cbpriv)
{
	struct scn_runner *run = priv;
	struct scn_obj *o, *tmp;

	HASH_ITER(hh, run->by_pfn, o, tmp)
		cb(cbpriv, o->pfn, o->order);
}

/* import_apply's callback: a block in use on the dumped machine joins its group */
static void runner_import_hold(void *priv, unsigned long pfn, unsigned int order, bool user)
{
	struct scn_runner *run = priv;
	int slot = user ? run->s->import_user_group : run->s->import_kernel_group;
	struct scn_obj *o = group_new_member(&run->groups[slot]);

	obj_own(run, o, pfn, order, (uint32_t)slot);
}

static enum scn_status step_boot(struct scn_runner *run, const struct scn_stmt *st)
{
	struct machine_opts opts = run->s->opts;
	char err[512] = "";

	if (run->o->seed_set)
		opts.seed = run->o->seed;
	if (run->o->kver)
		opts.kver = run->o->kver;
	opts.policies = run->r->policies;	/* machine_create resolves the rest */
	run->m = machine_create(&opts, err, sizeof(err));
	if (!run->m)
		return rt_error(run, st->col, "cannot boot the machine: %s",
				err[0] ? err : "machine_create failed");
	run->rng = opts.seed ^ 0x6d6d73696d2d7363ULL;	/* "mmsim-sc" */
	mm_set_migrate_notify(run->m, runner_migrated, run);
	mm_set_inuse_iter(run->m, runner_inuse_iter, run);
	if (run->s->import) {
		uint64_t seed = run->s->import_seed_set ? run->s->import_seed : opts.seed;

		if (!import_apply(run->m, run->s->import, seed, runner_import_hold, run, err,
				  sizeof(err))) {
			err_printf(run, "%s\n", err);
			return SCN_BAD_INPUT;
		}
	}
	return SCN_OK;
}

static enum scn_status step_cat(struct scn_runner *run, const struct scn_stmt *st)
{
	for (int i = 0; i < st->nargs; i++) {
		sb_reset(&run->tmp);
		if (!mm_show_file(run->m, st->args[i], &run->tmp)) {
			char hint[320];

			file_suggestion(st->args[i], hint, sizeof(hint));
			return rt_error(run, st->argcol[i],
					"cat: %s: not a readable file of the model%s", st->args[i],
					hint);
		}
		out_write(run, run->tmp.buf ? run->tmp.buf : "", run->tmp.len);
	}
	return SCN_OK;
}

static enum scn_status step_store(struct scn_runner *run, const struct scn_stmt *st)
{
	char err[512] = "";
	bool no_file;
	int rc = mm_write_file(run->m, st->path, st->text, st->mode, &no_file, err, sizeof(err));

	if (no_file)
		return rt_error(run, st->path_col, "%s: not a file the model provides", st->path);
	if (rc < 0) {
		/* like a shell: report the write error and go on */
		err_printf(run, "mmsim: %s\n", err[0] ? err : strerror(-rc));
		run->c.write_errors++;
	}
	return SCN_OK;
}

static enum scn_status step_print_text(struct scn_runner *run, const struct scn_stmt *st)
{
	out_write(run, st->text, strlen(st->text));
	if (st->mode)
		out_write(run, "\n", 1);
	return SCN_OK;
}

/* The parser checked the CPU against the machine's (scn_parse.c:parse_cpu) */
static enum scn_status step_cpu(struct scn_runner *run, const struct scn_stmt *st)
{
	run->m->cur_cpu = st->cpu;
	return SCN_OK;
}

static enum scn_status expect_failed(struct scn_runner *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum scn_status expect_failed(struct scn_runner *run, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_printf(run, "%s:%d: expect failed: %s\n", run->s->file, run->st->line, msg);
	run->r->fail = SCN_FAIL_EXPECT;
	return SCN_FAILED;
}

static const char *stmt_source(struct scn_runner *run, const struct scn_stmt *st, char *buf,
			       size_t len)
{
	/* the statement's own line, without comment and trailing blanks */
	const char *p = run->s->text;
	size_t n;

	for (int l = 1; l < st->line && p; l++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return "";
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, "#\n");
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	snprintf(buf, len, "%.*s", (int)n, p);
	return buf;
}

static enum scn_status step_alloc(struct scn_runner *run, const struct scn_stmt *st)
{
	struct scn_obj *o = &run->ids[st->slot];
	unsigned long pfn = runner_alloc(run, st->gfp, st->order, st->node);
	char src[512];

	run->c.alloc_failures += pfn == PFN_NONE;
	run->c.last_alloc = pfn != PFN_NONE;
	run->c.last_pfn = pfn == PFN_NONE ? -1 : (long)pfn;
	if (pfn != PFN_NONE) {
		o->index = NOT_A_MEMBER;
		obj_own(run, o, pfn, st->order, (uint32_t)st->slot);
	}
	if (st->expect_alloc == SCN_EXPECT_OK && pfn == PFN_NONE)
		return expect_failed(run, "%s (the allocation failed)",
				     stmt_source(run, st, src, sizeof(src)));
	if (st->expect_alloc == SCN_EXPECT_FAIL && pfn != PFN_NONE)
		return expect_failed(run, "%s (got pfn %#lx)",
				     stmt_source(run, st, src, sizeof(src)), pfn);
	return SCN_OK;
}

/*
 * Would one more block take the free pages of the zones the mask may use
 * (on the statement's node, or on every node) below the sum of their
 * @wmark watermarks?
 */
static bool below_wmark(struct scn_runner *run, const struct scn_stmt *st, int wmark)
{
	struct machine *m = run->m;
	int high = gfp_zone(st->gfp);
	unsigned long free = 0, mark = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++) {
		if (st->node >= 0 && nid != st->node)
			continue;
		for (int zid = 0; zid <= high; zid++) {
			struct zone *z = zone_of(m, nid, zid);

			if (!managed_zone(z))
				continue;
			free += zone_page_state(z, NR_FREE_PAGES);
			mark += wmark_pages(z, wmark);
		}
	}
	return free < mark + (1UL << st->order);
}

static enum scn_status step_fill(struct scn_runner *run, const struct scn_stmt *st)
{
	struct scn_group *g = &run->groups[st->slot];
	unsigned long made = 0;

	for (unsigned long tries = 0; !run->m->fail.failed; tries++) {
		unsigned long pfn;
		struct scn_obj *o;

		if (st->mode == SCN_FILL_COUNT && made >= st->count)
			break;
		if (st->mode == SCN_FILL_TRIES && tries >= st->count)
			break;
		if (st->mode == SCN_FILL_UNTIL_LOW && below_wmark(run, st, WMARK_LOW))
			break;
		if (st->mode == SCN_FILL_UNTIL_MIN && below_wmark(run, st, WMARK_MIN))
			break;
		if (g->n >= NOT_A_MEMBER - 1)
			return rt_error(run, st->col, "group '%s' is full (%u members)",
					run->s->group_names[st->slot], NOT_A_MEMBER - 1);
		pfn = runner_alloc(run, st->gfp, st->order, st->node);
		if (pfn == PFN_NONE) {
			g->failures++;
			run->c.alloc_failures++;
			if (st->mode == SCN_FILL_TRIES)
				continue;
			break;
		}
		o = group_new_member(g);
		obj_own(run, o, pfn, st->order, (uint32_t)st->slot);
		made++;
	}
	return SCN_OK;
}

static enum scn_status step_free(struct scn_runner *run, const struct scn_stmt *st)
{
	struct scn_group *g;
	const char *gname;

	if (st->mode == SCN_FREE_ID) {
		struct scn_obj *o = &run->ids[st->slot];

		if (o->pfn != PFN_NONE)		/* a failed alloc leaves nothing to free */
			obj_free(run, o);
		return SCN_OK;
	}
	g = &run->groups[st->slot];
	gname = run->s->group_names[st->slot];
	switch (st->mode) {
	case SCN_FREE_MEMBER: {
		struct scn_obj *o;

		if (st->offset >= g->n)
			return rt_error(run, st->name_col, "group '%s' has no member %lu "
					"(it has %zu)", gname, st->offset, g->n);
		o = group_member(g, st->offset);
		if (o->pfn == PFN_NONE)
			return rt_error(run, st->name_col, "double free of '%s[%lu]' (freed at "
					"line %d)", gname, st->offset, o->freed_line);
		obj_free(run, o);
		break;
	}
	case SCN_FREE_ALL:
	case SCN_FREE_EVERY:
		for (size_t i = 0; i < g->n; i++) {
			struct scn_obj *o = group_member(g, i);

			if (o->pfn == PFN_NONE)
				continue;
			if (st->mode == SCN_FREE_EVERY && i % st->count != st->offset)
				continue;
			obj_free(run, o);
		}
		break;
	case SCN_FREE_RANDOM: {
		size_t n = 0, want;
		uint32_t *idx;

		if (!g->live)
			break;
		idx = host_calloc(g->live, sizeof(*idx), "sampling a group");
		for (size_t i = 0; i < g->n; i++)
			if (group_member(g, i)->pfn != PFN_NONE)
				idx[n++] = (uint32_t)i;
		want = (n * st->pct + 50) / 100;
		/* partial Fisher-Yates: the first @want slots are the sample */
		for (size_t i = 0; i < want; i++) {
			size_t j = i + (size_t)(runner_rand(run) % (n - i));
			uint32_t t = idx[i];

			idx[i] = idx[j];
			idx[j] = t;
			obj_free(run, group_member(g, idx[i]));
		}
		host_free(idx);
		break;
	}
	default:
		break;
	}
	return SCN_OK;
}

/*
 * drain_all_pages for every zone, or for the zones a node and/or a zone
 * name pick: each CPU's lists of that zone (drain_all_pages(zone), as
 * alloc_contig_range and memory offlining call it).
 */
static enum scn_status step_drain(struct scn_runner *run, const struct scn_stmt *st)
{
	struct machine *m = run->m;

	if (st->node < 0 && !st->mode) {
		drain_all_pages(m, NULL);
		return SCN_OK;
	}
	for (int nid = 0; nid < m->nr_nodes; nid++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &m->node[nid].node_zones[zi];

			if ((st->node < 0 || st->node == nid) && (!st->mode || st->mode == zi + 1) &&
			    populated_zone(z))
				drain_all_pages(m, z);
		}
	return SCN_OK;
}

static enum scn_status step_compact(struct scn_runner *run, const struct scn_stmt *st)
{
	for (int nid = 0; nid < run->m->nr_nodes; nid++)
		if (st->node < 0 || st->node == nid)
			compact_node(run->m, nid);
	return SCN_OK;
}

static enum scn_status step_snapshot(struct scn_runner *run, const struct scn_stmt *st)
{
	struct scn_snap *sn = &run->snaps[st->slot];

	snap_clear(sn);
	sn->uses_left = run->snap_uses[st - run->s->stmts];
	for (int i = 0; i < st->nargs; i++) {
		if (!mm_show_file(run->m, st->args[i], &sn->views)) {
			char hint[320];

			file_suggestion(st->args[i], hint, sizeof(hint));
			return rt_error(run, st->argcol[i], "snapshot: %s: not a readable file "
					"of the model%s", st->args[i], hint);
		}
		sn->nviews++;
	}
	if (!sn->uses_left)
		snap_clear(sn);		/* the files were read (and checked); nothing reads them */
	else
		snap_take_counters(run, sn);
	if (run->o->at_snapshot)
		run->o->at_snapshot(run->o->at_snapshot_arg, run->m, run->s->snap_names[st->slot],
				    st->line);
	return SCN_OK;
}

static enum scn_status step_print_snapshot(struct scn_runner *run, const struct scn_stmt *st)
{
	struct scn_snap *sn = &run->snaps[st->slot];
	struct prefix_hits ph;

	if (sn->nviews && !st->nargs) {
		out_write(run, sn->views.buf, sn->views.len);
		return SCN_OK;
	}
	sb_reset(&run->tmp);
	prefix_hits_init(&ph, st);
	for (size_t i = 0; i < sn->n; i++) {
		const char *name = run->cname_by_id[sn->ids[i]];

		prefix_hits_mark(&ph, st, name);
		if (stmt_wants(st, name))
			sb_printf(&run->tmp, "%s %ld\n", name, sn->vals[i]);
	}
	if (prefix_hits_done(run, &ph, st, "print snapshot") != SCN_OK)
		return SCN_BAD_INPUT;
	out_write(run, run->tmp.buf ? run->tmp.buf : "", run->tmp.len);
	return SCN_OK;
}

static enum scn_status step_print_diff(struct scn_runner *run, const struct scn_stmt *st)
{
	struct scn_snap *a = &run->snaps[st->slot], now = { 0 }, *b;
	struct prefix_hits ph;
	enum scn_status ret;
	struct sbuf out;

	if (st->slot2 >= 0) {
		b = &run->snaps[st->slot2];
	} else {
		snap_take_counters(run, &now);
		b = &now;
	}
	sb_init(&out);
	prefix_hits_init(&ph, st);
	for (size_t i = 0; i < a->n; i++) {
		const char *name = run->cname_by_id[a->ids[i]];
		long av = a->vals[i], bv;

		prefix_hits_mark(&ph, st, name);
		if (!stmt_wants(st, name))
			continue;
		if (!snap_get_id(b, a->ids[i], &bv))
			sb_printf(&out, "%s %ld -> (none)\n", name, av);
		else if (bv != av)
			sb_printf(&out, "%s %ld -> %ld (%+ld)\n", name, av, bv, bv - av);
	}
	for (size_t i = 0; i < b->n; i++) {
		const char *name = run->cname_by_id[b->ids[i]];
		long av;

		prefix_hits_mark(&ph, st, name);
		if (!snap_get_id(a, b->ids[i], &av) && stmt_wants(st, name))
			sb_printf(&out, "%s (none) -> %ld\n", name, b->vals[i]);
	}
	ret = prefix_hits_done(run, &ph, st, "print diff");
	if (ret == SCN_OK)
		out_write(run, out.buf ? out.buf : "", out.len);
	sb_free(&out);
	snap_clear(&now);
	return ret;
}

static enum scn_status step_print_counters(struct scn_runner *run, const struct scn_stmt *st)
{
	char *line, *save = NULL;
	struct prefix_hits ph;
	enum scn_status ret;
	struct sbuf out;

	sb_reset(&run->tmp);
	all_counter_dump(run, &run->tmp);
	if (!run->tmp.buf)
		return SCN_OK;
	sb_init(&out);
	prefix_hits_init(&ph, st);
	for (line = strtok_r(run->tmp.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		prefix_hits_mark(&ph, st, line);
		if (stmt_wants(st, line))
			sb_printf(&out, "%s\n", line);
	}
	ret = prefix_hits_done(run, &ph, st, "print counters");
	if (ret == SCN_OK)
		out_write(run, out.buf ? out.buf : "", out.len);
	sb_free(&out);
	return ret;
}

static enum scn_status overflow_at(struct scn_runner *run, int col)
{
	return rt_error(run, col, "expect: the value overflows 64-bit arithmetic here");
}

static enum scn_status eval_expr(struct scn_runner *run, const struct scn_expr *e, long *out)
{
	long sum = 0, prod = 0;
	int pcol = 0;		/* the term that starts the product in prod */

	for (int i = 0; i < e->n; i++) {
		const struct scn_term *t = &e->t[i];
		long v = 0;

		switch (t->kind) {
		case SCN_TERM_NUM:
			v = t->num;
			break;
		case SCN_TERM_COUNTER:
			if (!strncmp(t->name, "scn.", 4) ? !runner_counter(run, t->name, &v)
							 : !counter_read(run->m, t->name, &v)) {
				char hint[320];

				counter_suggestion(run, t->name, hint, sizeof(hint));
				return rt_error(run, t->col, "unknown counter '%s'%s", t->name, hint);
			}
			break;
		case SCN_TERM_SNAP: {
			if (!snap_get(run, &run->snaps[t->snap], t->name, &v))
				return rt_error(run, t->col, "unknown counter '%s' in snapshot '%s'",
						t->name, run->s->snap_names[t->snap]);
			break;
		}
		}
		/*
		 * 64-bit signed arithmetic; a result out of range is an error,
		 * not a wrap, at the term that took it there: a factor for a
		 * product, the product's first term when it is added.
		 */
		if (t->sign) {
			if (__builtin_add_overflow(sum, prod, &sum))
				return overflow_at(run, pcol);
			pcol = t->col;
			if (__builtin_mul_overflow((long)t->sign, v, &prod))
				return overflow_at(run, t->col);
		} else if (__builtin_mul_overflow(prod, v, &prod)) {
			return overflow_at(run, t->col);
		}
	}
	if (__builtin_add_overflow(sum, prod, out))
		return overflow_at(run, pcol);
	return SCN_OK;
}

static enum scn_status step_expect(struct scn_runner *run, const struct scn_stmt *st)
{
	static const char *const opname[] = { "==", "!=", "<", "<=", ">", ">=" };
	enum scn_status rc;
	long l, r;
	bool ok = false;

	rc = eval_expr(run, &st->lhs, &l);
	if (rc == SCN_OK)
		rc = eval_expr(run, &st->rhs, &r);
	if (rc != SCN_OK)
		return rc;
	if (st->guard) {
		/* evaluated all the same, so a misspelt counter is caught under every policy */
		const struct policy *pol = policy_set_get(&run->m->opts.policies, st->guard);

		if (!(st->guard_mask & (1ULL << (pol - st->guard->policies))))
			return SCN_OK;
	}
	switch (st->cmp) {
	case SCN_EQ: ok = l == r; break;
	case SCN_NE: ok = l != r; break;
	case SCN_LT: ok = l < r; break;
	case SCN_LE: ok = l <= r; break;
	case SCN_GT: ok = l > r; break;
	case SCN_GE: ok = l >= r; break;
	}
	if (ok)
		return SCN_OK;
	if (st->rhs.n == 1 && st->rhs.t[0].kind == SCN_TERM_NUM)
		return expect_failed(run, "%s (got %ld)", st->text, l);
	return expect_failed(run, "%s (got %ld, want %s %ld)", st->text, l, opname[st->cmp], r);
}

static enum scn_status step_replay(struct scn_runner *run, const struct scn_stmt *st)
{
	struct machine *m = run->m;
	struct scn_group *g = &run->groups[st->slot];
	const struct trace *t = st->trace;
	int saved_cpu = m->cur_cpu;

	run->c.replay_ignored += (long)t->ignored;
	for (size_t i = 0; i < t->n && !m->fail.failed; i++) {
		const struct trace_event *ev = &t->ev[i];
		unsigned long tpfn = ev->pfn, pfn;
		struct scn_tent *te;
		struct scn_obj *o;

		if (ev->cpu >= 0 && ev->cpu < m->nr_cpus)
			m->cur_cpu = ev->cpu;
		HASH_FIND(hh, g->tmap, &tpfn, sizeof(tpfn), te);
		if (ev->kind == TRACE_FREE) {
			if (!te) {
				run->c.replay_unknown_frees++;
				continue;
			}
			if (te->obj)
				obj_free(run, te->obj);	/* drops te */
			else {
				HASH_DEL(g->tmap, te);
				host_free(te);
			}
			run->c.replay_frees++;
			continue;
		}
		if (ev->failed) {
			run->c.replay_trace_failures++;
			continue;
		}
		if (te) {
			/* allocated again without a free: the trace lost the free */
			run->c.replay_lost_frees++;
			if (te->obj)
				obj_free(run, te->obj);
			else {
				HASH_DEL(g->tmap, te);
				host_free(te);
			}
		}
		te = host_calloc(1, sizeof(*te), "replaying a trace");
		te->tpfn = tpfn;
		HASH_ADD(hh, g->tmap, tpfn, sizeof(te->tpfn), te);
		pfn = runner_alloc(run, ev->gfp, ev->order, -1);
		if (pfn == PFN_NONE) {
			run->c.replay_alloc_failures++;
			g->failures++;
			continue;
		}
		run->c.replay_allocs++;
		o = group_new_member(g);
		obj_own(run, o, pfn, ev->order, (uint32_t)st->slot);
		o->tent = te;
		te->obj = o;
	}
	m->cur_cpu = saved_cpu;
	return SCN_OK;
}


/* -------------------------------------------------------------------------
 * Processes
 */
static struct task *proc_task(struct scn_runner *run, int slot, int col, enum scn_status *st)
{
	const char *name = run->s->proc_names[slot];
	struct task *t = find_task_by_name(run->m, name, strlen(name));

	*st = SCN_OK;
	if (!t || !t->mm) {
		*st = rt_error(run, col, "process '%s' does not exist (%s)", name,
			       t ? "it was killed by a signal" : "its fork failed");
		return NULL;
	}
	return t;
}

static enum scn_status step_process(struct scn_runner *run, const struct scn_stmt *st)
{
	int err = 0;

	if (!task_create(run->m, run->s->proc_names[st->slot], &err))
		return rt_error(run, st->col, "cannot create process '%s': %s",
				run->s->proc_names[st->slot], errno_text(-err));
	return SCN_OK;
}

static uint64_t arg_val(struct scn_runner *run, const struct scn_arg *a)
{
	switch (a->kind) {
	case SCN_ARG_VAR:
		return run->vars[a->var] + a->num;
	case SCN_ARG_NUM:
		return a->num;
	default:
		return 0;
	}
}

/* An argument as strace prints it: v is its value when the call was made */
static void arg_print(struct sbuf *sb, const struct scn_call *c, int i, uint64_t v)
{
	const struct scn_arg *a = &c->a[i];

	if (a->kind == SCN_ARG_STR) {
		sb_printf(sb, "\"%s\"", a->str);
		return;
	}
	switch (c->kind) {
	case SC_MMAP:
		if (i == 0) {
			if (v)
				sb_printf(sb, "%#llx", (unsigned long long)v);
			else
				sb_printf(sb, "NULL");
		} else if (i == 2) {
			mman_format_flags(sb, mman_prot_names, (long)v, false);
		} else if (i == 3) {
			mman_format_flags(sb, mman_map_names, (long)v, true);
		} else if (i == 4) {
			sb_printf(sb, "%d", (int)v);
		} else if (i == 5) {
			sb_printf(sb, "%#llx", (unsigned long long)v);	/* 0 prints as 0 */
		} else {
			sb_printf(sb, "%llu", (unsigned long long)v);
		}
		return;
	case SC_MREMAP:
		if (i == 0 || i == 4) {		/* printaddr */
			if (v)
				sb_printf(sb, "%#llx", (unsigned long long)v);
			else
				sb_printf(sb, "NULL");
		} else if (i == 3) {
			mman_format_flags(sb, mman_mremap_names, (long)v, false);
		} else {
			sb_printf(sb, "%llu", (unsigned long long)v);
		}
		return;
	case SC_MUNMAP: case SC_MPROTECT: case SC_MADVISE: case SC_TOUCH:
		if (i == 0)
			sb_printf(sb, "%#llx", (unsigned long long)v);
		else if (i == 1)
			sb_printf(sb, "%llu", (unsigned long long)v);
		else if (c->kind == SC_MPROTECT)
			mman_format_flags(sb, mman_prot_names, (long)v, false);
		else if (c->kind == SC_MADVISE)
			mman_format_flags(sb, mman_madv_names, (long)v, false);
		else
			sb_printf(sb, "%s", v ? "WRITE" : "READ");
		return;
	case SC_OPEN:
		if (i == 1)
			mman_format_flags(sb, mman_open_names, (long)v, false);
		else
			sb_printf(sb, "%#llo", (unsigned long long)v);
		return;
	case SC_FALLOCATE:
		if (i == 1)
			mman_format_flags(sb, mman_falloc_names, (long)v, false);
		else
			sb_printf(sb, "%lld", (long long)v);
		return;
	default:
		sb_printf(sb, "%lld", (long long)v);
	}
}

/* What a failed user access does to the process, by enum user_access */
static const struct fault_signal {
	int signo;
	const char *name, *code;	/* code: si_code, NULL for the OOM killer's kill */
} fault_signals[] = {
	[UA_SIGSEGV_MAPERR] = { 11, "SIGSEGV", "SEGV_MAPERR" },
	[UA_SIGSEGV_ACCERR] = { 11, "SIGSEGV", "SEGV_ACCERR" },
	[UA_SIGBUS] = { 7, "SIGBUS", "BUS_ADRERR" },
	[UA_OOM] = { 9, "SIGKILL", NULL },
};

static const char *const call_names[] = {
	[SC_MMAP] = "mmap", [SC_MUNMAP] = "munmap", [SC_MPROTECT] = "mprotect",
	[SC_MADVISE] = "madvise", [SC_FORK] = "fork", [SC_EXIT] = "exit_group",
	[SC_OPEN] = "open", [SC_CLOSE] = "close", [SC_FTRUNCATE] = "ftruncate",
	[SC_TOUCH] = "touch", [SC_MREMAP] = "mremap", [SC_FALLOCATE] = "fallocate",
};

static enum scn_status step_call(struct scn_runner *run, const struct scn_stmt *st)
{
	const struct scn_call *c = st->call;
	struct machine *m = run->m;
	enum scn_status status;
	struct task *t = proc_task(run, c->proc, st->col, &status);
	uint64_t a[SCN_CALL_MAX_ARGS] = { 0 };
	long ret = 0;
	const struct fault_signal *sig = NULL;
	uint64_t fault_addr = 0;
	struct sbuf *sb = &run->tmp;
	long pid;

	if (!t)
		return status;
	pid = t->pid;
	for (int i = 0; i < c->nargs; i++)
		a[i] = arg_val(run, &c->a[i]);
	switch (c->kind) {
	case SC_MMAP:
		ret = ksys_mmap_pgoff(m, t, a[0], a[1], (long)a[2], (long)a[3], (int)a[4], a[5]);
		break;
	case SC_MUNMAP:
		ret = vm_munmap(m, t, a[0], a[1]);
		break;
	case SC_MREMAP:
		ret = sys_mremap(m, t, a[0], a[1], a[2], (unsigned long)a[3], a[4]);
		break;
	case SC_MPROTECT:
		ret = do_mprotect_pkey(m, t, a[0], a[1], (long)a[2]);
		break;
	case SC_MADVISE:
		ret = do_madvise(m, t, a[0], a[1], (long)a[2]);
		break;
	case SC_FORK: {
		int err = 0;
		struct task *child = do_fork(m, t, run->s->proc_names[c->child], &err);

		ret = child ? child->pid : err;
		break;
	}
	case SC_EXIT:
		do_exit(m, t, (int)a[0]);
		break;
	case SC_OPEN:
		ret = do_sys_open(m, t, c->a[0].str ? c->a[0].str : "", (long)a[1]);
		break;
	case SC_CLOSE:
		ret = ksys_close(m, t, (int)a[0]);
		break;
	case SC_FTRUNCATE:
		ret = do_ftruncate(m, t, (int)a[0], a[1]);
		break;
	case SC_FALLOCATE:
		ret = ksys_fallocate(m, t, (int)a[0], (int)a[1], (int64_t)a[2], (int64_t)a[3]);
		if (ret == -ENOSYS)
			return rt_error(run, st->col, "fallocate on a tmpfs file is not modelled yet "
					"(hugetlbfs files only)");
		break;
	case SC_TOUCH:
		for (uint64_t off = 0; off < a[1] && !sig; off += PAGE_SIZE) {
			enum user_access ua = user_access(m, t->mm, a[0] + off, a[2]);

			if (ua == UA_OK)
				continue;
			fault_addr = a[0] + off;
			sig = &fault_signals[ua];
		}
		break;
	}
	if (c->ret_var >= 0 && c->kind != SC_TOUCH)
		run->vars[c->ret_var] = (uint64_t)ret;
	if (run->strace) {
		sb->len = 0;
		sb_puts(sb, "");
		if (c->kind == SC_TOUCH) {
			/* strace shows no delivery of the OOM killer's SIGKILL */
			if (sig && sig->code)
				sb_printf(sb, "[pid %ld] --- %s {si_signo=%s, si_code=%s, si_addr=%#llx} ---\n",
					  pid, sig->name, sig->name, sig->code,
					  (unsigned long long)fault_addr);
			if (sig)
				sb_printf(sb, "[pid %ld] +++ killed by %s +++\n", pid, sig->name);
		} else {
			int nprint = c->nargs;

			/* strace shows mremap's new address only with MAYMOVE|FIXED */
			if (c->kind == SC_MREMAP)
				nprint = (a[3] & (MREMAP_MAYMOVE | MREMAP_FIXED)) ==
					 (MREMAP_MAYMOVE | MREMAP_FIXED) ? 5 : 4;
			sb_printf(sb, "[pid %ld] %s(", pid, call_names[c->kind]);
			for (int i = 0; i < nprint; i++) {
				if (i)
					sb_puts(sb, ", ");
				arg_print(sb, c, i, a[i]);
			}
			if (c->kind == SC_EXIT)
				sb_printf(sb, ") = ?\n[pid %ld] +++ exited with %d +++\n", pid,
					  (int)a[0]);
			else if (ret < 0)
				sb_printf(sb, ") = -1 %s (%s)\n", errno_name((int)-ret),
					  errno_text((int)-ret));
			else if (c->kind == SC_MMAP || c->kind == SC_MREMAP)
				sb_printf(sb, ") = %#lx\n", ret);
			else
				sb_printf(sb, ") = %ld\n", ret);
		}
		out_write(run, sb->buf, sb->len);
	}
	if (ret < 0)
		run->c.syscall_errors++;
	if (sig) {
		do_exit(m, t, 128 + sig->signo);	/* the default action kills it */
		if (sig->signo == 11)
			run->c.killed_sigsegv++;
		else if (sig->signo == 7)
			run->c.killed_sigbus++;
		else
			run->c.killed_oom++;
	}
	if (run->o->call_hook)
		run->o->call_hook(run->o->hook_priv_call, st->line, ret, sig ? sig->signo : 0);
	/* the line's own expectation: "= VALUE", "= -1 ERRNO", "= SIGSEGV" */
	switch (c->expect) {
	case SCN_RET_ANY:
		break;
	case SCN_RET_VALUE:
		if (sig || ret < 0 || (uint64_t)ret != c->expect_val)
			goto mismatch;
		break;
	case SCN_RET_ERRNO:
		if (sig || ret != -(long)c->expect_val)
			goto mismatch;
		break;
	case SCN_RET_SIGNAL:
		if (!sig || (uint64_t)sig->signo != c->expect_val)
			goto mismatch;
		break;
	}
	return SCN_OK;
mismatch:
	{
		char src[256];

		if (sig)
			return expect_failed(run, "%s (got %s at %#llx)",
					     stmt_source(run, st, src, sizeof(src)), sig->name,
					     (unsigned long long)fault_addr);
		if (ret < 0)
			return expect_failed(run, "%s (got -1 %s)", stmt_source(run, st, src, sizeof(src)),
					     errno_name((int)-ret));
		return expect_failed(run, "%s (got %#lx)", stmt_source(run, st, src, sizeof(src)), ret);
	}
}

static enum scn_status step_mount(struct scn_runner *run, const struct scn_stmt *st)
{
	char err[256];
	int r;

	if (!st->mode) {
		if (shmem_mount(run->m, st->path, st->text, err, sizeof(err)))
			return rt_error(run, st->path_col, "mount: %s", err);
		return SCN_OK;
	}
	r = hugetlbfs_mount(run->m, st->path, st->text, err, sizeof(err));
	if (r == -EBUSY || (r == -EINVAL && strstr(err, "absolute")))
		return rt_error(run, st->path_col, "mount: %s", err);
	if (r) {
		/*
		 * What the pool cannot give (min_size) or a size the pool's
		 * size makes wrong (N%) is an outcome, as mount(8) reports it
		 */
		err_printf(run, "mount: %s: mount(2) system call failed: %s (%s).\n", st->path,
			   errno_text(-r), err);
		run->c.syscall_errors++;
	}
	return SCN_OK;
}

static enum scn_status step_truncate(struct scn_runner *run, const struct scn_stmt *st)
{
	long r = do_truncate_path(run->m, st->path, st->count);

	/* coreutils' two messages: the open, then the ftruncate */
	if (r == -ENOENT)
		err_printf(run, "truncate: cannot open '%s' for writing: %s\n", st->path,
			   errno_text((int)-r));
	else if (r < 0)
		err_printf(run, "truncate: failed to truncate '%s' at %llu bytes: %s\n", st->path,
			   (unsigned long long)st->count, errno_text((int)-r));
	return SCN_OK;
}

static enum scn_status step_rm(struct scn_runner *run, const struct scn_stmt *st)
{
	long r = do_unlink(run->m, st->path);

	if (r < 0)
		err_printf(run, "rm: cannot remove '%s': %s\n", st->path, errno_text((int)-r));
	return SCN_OK;
}

static enum scn_status step_khugepaged(struct scn_runner *run, const struct scn_stmt *st)
{
	khugepaged_run(run->m, st->count);
	return SCN_OK;
}

/* The parser checked alignment, size, node and overlaps between the script's own ranges */
static enum scn_status step_subsection(struct scn_runner *run, const struct scn_stmt *st)
{
	unsigned long pfn = st->offset >> PAGE_SHIFT, nr = st->count >> PAGE_SHIFT;
	int rc;

	if (st->mode) {
		rc = memunmap_pages(run->m, pfn, nr);
	} else {
		rc = memremap_pages(run->m, st->node, pfn, nr);
		if (rc == -ENXIO)
			return rt_error(run, st->name_col, "subsection add: [%#lx, %#lx) overlaps "
					"System RAM (memremap_pages refuses it)", st->offset,
					st->offset + st->count);
	}
	if (rc < 0) {
		/* like a driver's probe failing: report it and go on */
		err_printf(run, "mmsim: subsection %s %#lx %#lx: %s\n", st->mode ? "remove" : "add",
			   st->offset, st->count, strerror(-rc));
		run->c.write_errors++;
	}
	return SCN_OK;
}

/*
 * A driver's add_memory or remove_memory.  What the kernel answers is the
 * driver's to report: an error goes to stderr and the run goes on.  A
 * remove the kernel would BUG() or WARN on (not whole blocks, memory no
 * one added) is an input error.
 */
static enum scn_status step_memory(struct scn_runner *run, const struct scn_stmt *st)
{
	struct machine *m = run->m;
	int nid, rc;

	if (st->mode) {
		rc = remove_memory(m, st->offset, st->count);
		if (rc == -EINVAL)
			return rt_error(run, st->name_col, "memory remove: %s", m->hotplug->why);
	} else {
		nid = st->node >= 0 ? st->node : memory_add_physaddr_to_nid(m, st->offset);
		/* as ACPI's memory driver: its own memmap when the range can hold it */
		rc = add_memory(m, nid, st->offset, st->count,
				mhp_supports_memmap_on_memory(m, st->count) ? MHP_MEMMAP_ON_MEMORY :
				MHP_NONE);
	}
	if (rc < 0) {
		err_printf(run, "mmsim: memory %s %#lx %#lx: %s (%s)\n", st->mode ? "remove" : "add",
			   st->offset, st->count, strerror(-rc), m->hotplug->why);
		run->c.write_errors++;
	}
	return SCN_OK;
}

static enum scn_status step_strace(struct scn_runner *run, const struct scn_stmt *st)
{
	run->strace = st->mode;
	return SCN_OK;
}

static const step_fn steps[] = {
	[SCN_BOOT] = step_boot,
	[SCN_CAT] = step_cat,
	[SCN_STORE] = step_store,
	[SCN_PRINT_TEXT] = step_print_text,
	[SCN_CPU] = step_cpu,
	[SCN_ALLOC] = step_alloc,
	[SCN_FREE] = step_free,
	[SCN_FILL] = step_fill,
	[SCN_DRAIN] = step_drain,
	[SCN_COMPACT] = step_compact,
	[SCN_SNAPSHOT] = step_snapshot,
	[SCN_PRINT_SNAPSHOT] = step_print_snapshot,
	[SCN_PRINT_DIFF] = step_print_diff,
	[SCN_PRINT_COUNTERS] = step_print_counters,
	[SCN_EXPECT] = step_expect,
	[SCN_REPLAY] = step_replay,
	[SCN_PROCESS] = step_process,
	[SCN_CALL] = step_call,
	[SCN_MOUNT] = step_mount,
	[SCN_TRUNCATE] = step_truncate,
	[SCN_RM] = step_rm,
	[SCN_STRACE] = step_strace,
	[SCN_KHUGEPAGED] = step_khugepaged,
	[SCN_SUBSECTION] = step_subsection,
	[SCN_MEMORY] = step_memory,
};

/* -------------------------------------------------------------------------
 * The run
 */
const char *scn_status_name(enum scn_status s)
{
	switch (s) {
	case SCN_OK:
		return "ok";
	case SCN_FAILED:
		return "failed";
	default:
		return "bad-input";
	}
}

void scn_result_init(struct scn_result *r)
{
	memset(r, 0, sizeof(*r));
	sb_init(&r->out);
	sb_init(&r->err);
	sb_init(&r->counters);
}

void scn_result_free(struct scn_result *r)
{
	sb_free(&r->out);
	sb_free(&r->err);
	sb_free(&r->counters);
}

/* Pages allocated and freed so far: how much the allocator's state moved */
static long run_moves(struct machine *m)
{
	long n = m->vm_events[PGFREE];

	for (int z = 0; z < MAX_NR_ZONES; z++)
		n += m->vm_events[PGALLOC_DMA + z];
	return n;
}

/* What one check reads: a bitmap word per 64 pfns and every free block */
static long check_cost(struct machine *m)
{
	long n = (long)(m->max_pfn / 64);
	struct zone *z;

	for_each_zone_of(m, z)
		for (unsigned int o = 0; o < MAX_ORDER; o++)
			n += (long)z->free_area[o].nr_free;
	return n;
}

static enum scn_status run_check(struct scn_runner *run, const struct scn_stmt *st,
				 const char *when)
{
	char err[1024] = "";

	run->checked_moves = run_moves(run->m);
	run->r->checks++;
	if (mm_check_invariants(run->m, err, sizeof(err)))
		return SCN_OK;
	for (unsigned int i = 0; i < run->m->opts.policies.n; i++) {
		const struct policy *p = run->m->opts.policies.sel[i].policy;

		if (!p->breaks_books)
			continue;
		/* the modelled kernel's own bug, as the policy says */
		err_printf(run, "%s:%d: simulated kernel failure %s: %s=%s breaks the books: %s\n",
			   run->s->file, st->line, when, run->m->opts.policies.sel[i].family->name,
			   p->name, err);
		run->r->fail = SCN_FAIL_KERNEL;
		return SCN_FAILED;
	}
	err_printf(run, "%s:%d: invariant broken %s: %s\n", run->s->file, st->line, when, err);
	run->r->fail = SCN_FAIL_INVARIANT;
	return SCN_FAILED;
}

static enum scn_status after_step(struct scn_runner *run, const struct scn_stmt *st)
{
	char warn[256];
	long moved;

	if (!run->m)
		return SCN_OK;
	mm_background_work(run->m);
	rcu_barrier_tables(run->m);	/* an RCU grace period ends between steps */
	if (run->o->step_hook)
		run->o->step_hook(run->o->step_hook_priv, run->m, st->line);
	/* a newer kernel's rule the model runs as 6.1 does: said once per run */
	while (mm_kver_take_warning(run->m, warn, sizeof(warn)))
		err_printf(run, "%s\n", warn);
	if (run->m->fail.failed) {
		err_printf(run, "%s:%d: simulated kernel failure: %s\n", run->s->file, st->line,
			   run->m->fail.msg);
		run->r->fail = SCN_FAIL_KERNEL;
		return SCN_FAILED;
	}
	moved = run_moves(run->m) - run->checked_moves;
	switch (run->o->check) {
	case SCN_CHECK_OFF:
		return SCN_OK;
	case SCN_CHECK_STEPS:
		break;
	case SCN_CHECK_AUTO:
		if (st->verb != SCN_BOOT && moved < check_cost(run->m))
			return SCN_OK;
		break;
	}
	return run_check(run, st, "after this step");
}

/* AUTO: what moved since the last check is checked once more at the end */
static enum scn_status after_run(struct scn_runner *run, const struct scn_stmt *last)
{
	if (!run->m || run->o->check == SCN_CHECK_OFF || run_moves(run->m) == run->checked_moves)
		return SCN_OK;
	return run_check(run, last, "at the end of the run (last step)");
}

/*
 * The steps `run` shows progress after: the boot, each snapshot (the
 * author's own milestones), and the lines that can move a machine's worth
 * of memory, so that a large machine's run shows where it is without a
 * line for each of a scenario's thousands of small steps.
 */
static bool progress_stmt(const struct scn_stmt *st)
{
	switch (st->verb) {
	case SCN_BOOT:
	case SCN_SNAPSHOT:
	case SCN_STORE:
	case SCN_FILL:
	case SCN_COMPACT:
	case SCN_REPLAY:
	case SCN_MEMORY:
	case SCN_KHUGEPAGED:
		return true;
	case SCN_CALL:
		return st->call->kind == SC_TOUCH;
	default:
		return false;
	}
}

static void progress_setup(const struct scn_script *s, struct progress *p)
{
	unsigned long n = 1;	/* the end */

	for (int i = 0; i < s->nstmts; i++)
		n += progress_stmt(&s->stmts[i]);
	progress_set_total(p, n);
}

#define PROGRESS_SOURCE_MAX	60

/* "line 12: echo 64 > /proc/sys/vm/nr_hugepages", long lines cut with "..." */
static void progress_after(struct scn_runner *run, const struct scn_stmt *st)
{
	char src[512];

	if (!progress_stmt(st))
		return;
	if (st->implicit) {
		progress_step(run->o->progress, "boot");
		return;
	}
	stmt_source(run, st, src, sizeof(src));
	if (strlen(src) > PROGRESS_SOURCE_MAX)
		strcpy(src + PROGRESS_SOURCE_MAX - 3, "...");
	progress_step(run->o->progress, "line %d: %s", st->line, src);
}

static void runner_destroy(struct scn_runner *run)
{
	struct scn_tent *te, *tmp;
	struct cname *cn, *cntmp;

	HASH_CLEAR(hh, run->by_pfn);
	for (int g = 0; g < run->s->ngroups; g++) {
		struct scn_group *gr = &run->groups[g];

		HASH_ITER(hh, gr->tmap, te, tmp) {
			HASH_DEL(gr->tmap, te);
			host_free(te);
		}
		for (size_t c = 0; c < gr->nchunks; c++)
			host_free(gr->chunks[c]);
		host_free(gr->chunks);
	}
	for (int i = 0; i < run->s->nsnaps; i++)
		snap_clear(&run->snaps[i]);
	HASH_ITER(hh, run->cnames, cn, cntmp) {
		HASH_DEL(run->cnames, cn);
		host_free(cn->name);
		host_free(cn);
	}
	host_free(run->cname_by_id);
	host_free(run->snap_uses);
	host_free(run->groups);
	host_free(run->ids);
	host_free(run->snaps);
	host_free(run->vars);
	sb_free(&run->tmp);
	if (run->m)
		machine_destroy(run->m);
}

static void *zalloc(size_t n, size_t sz)
{
	return host_calloc(n, sz, "starting the run");
}

enum scn_status scn_run(const struct scn_script *s, const struct scn_run_opts *o,
			struct scn_result *r)
{
	struct scn_runner run = { .s = s, .o = o, .r = r };
	enum scn_status rc = SCN_OK;

	sb_init(&run.tmp);
	run.ids = zalloc((size_t)s->nids, sizeof(*run.ids));
	for (int i = 0; i < s->nids; i++) {
		run.ids[i].pfn = PFN_NONE;
		run.ids[i].index = NOT_A_MEMBER;
	}
	run.groups = zalloc((size_t)s->ngroups, sizeof(*run.groups));
	run.snaps = zalloc((size_t)s->nsnaps, sizeof(*run.snaps));
	run.vars = zalloc((size_t)s->nvars, sizeof(*run.vars));
	snap_plan(&run);
	run.c.last_pfn = -1;
	r->fail = SCN_FAIL_NONE;
	r->policies = s->policies;
	policy_set_merge(&r->policies, o->policies);
	if (progress_on(o->progress))
		progress_setup(s, o->progress);

	for (int i = 0; i < s->nstmts && rc == SCN_OK; i++) {
		const struct scn_stmt *st = &s->stmts[i];

		run.st = st;
		rc = steps[st->verb](&run, st);
		stmt_snap_reads(st, drop_read, &run);
		if (rc == SCN_OK)
			rc = after_step(&run, st);
		if (rc == SCN_OK && progress_on(o->progress))
			progress_after(&run, st);
	}
	if (rc == SCN_OK && s->nstmts)
		rc = after_run(&run, &s->stmts[s->nstmts - 1]);
	if (run.m && o->want_counters)
		all_counter_dump(&run, &r->counters);
	if (run.m && o->at_end)
		o->at_end(o->at_end_arg, run.m);
	if (o->out)
		fflush(o->out);
	runner_destroy(&run);
	r->status = rc;
	progress_end(o->progress, "end: %s", scn_status_name(rc));
	return rc;
}

enum scn_status scn_run_file(const char *path, const struct scn_run_opts *o,
			     struct scn_result *r)
{
	struct scn_diag d;
	struct scn_script *s = scn_parse_file_set(path, o->vars, &d);
	enum scn_status rc;

	if (!s) {
		struct sbuf sb;

		sb_init(&sb);
		scn_diag_format(&d, &sb);
		if (o->err)
			fputs(sb.buf, o->err);
		else
			sb_puts(&r->err, sb.buf);
		sb_free(&sb);
		r->status = SCN_BAD_INPUT;
		return SCN_BAD_INPUT;
	}
	rc = scn_run(s, o, r);
	scn_script_free(s);
	return rc;
}
