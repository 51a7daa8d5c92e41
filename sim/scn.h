/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scn.h - the scenario language: lexer, parser, runner and trace replay.
 *
 * A scenario is parsed whole before anything runs (scn_parse_*), so a
 * typo on the last line costs no simulation time, then run (scn_run) any
 * number of times: compare runs one parsed script once per policy, each
 * run building its own machine and capturing its output.  The language is
 * described in docs/scenario-language.md.
 *
 * Pipeline:
 *   text --scn_tokenize--> words --scn_parse_*--> struct scn_script
 *        (machine_opts, policy picks, a list of run statements, loaded
 *        traces, id/group/snapshot names resolved to slots)
 *   script --scn_run--> output + exit status
 *
 * Names are resolved at parse time because a scenario has no control flow:
 * the text order is the execution order, so "free of an unknown id" and
 * "double free" are found before the machine boots.
 */
#ifndef MMSIM_SCN_H
#define MMSIM_SCN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gfp.h"
#include "machine.h"
#include "policy.h"
#include "sbuf.h"

/* Exit statuses of a run */
enum scn_status {
	SCN_OK = 0,		/* every step ran, every expect held */
	SCN_FAILED = 1,		/* expect failed, invariant broken, simulated kernel failure */
	SCN_BAD_INPUT = 2,	/* scenario, trace or usage error */
};

/* A diagnostic about input: "file:line:col: msg" (col 0: none printed) */
struct scn_diag {
	char file[512];
	int line, col;
	char msg[512];
};

void scn_diag_set(struct scn_diag *d, const char *file, int line, int col,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Append "file:line:col: msg\n" to @sb */
void scn_diag_format(const struct scn_diag *d, struct sbuf *sb);

/* -------------------------------------------------------------------------
 * Lexer (scn_lex.c): no machine needed, unit-tested on its own.
 */
enum scn_tok_kind {
	SCN_TOK_WORD,
	SCN_TOK_REDIR,		/* > */
	SCN_TOK_APPEND,		/* >> */
};

struct scn_tok {
	enum scn_tok_kind kind;
	char *s;		/* unquoted text (owned) */
	int col;		/* 1-based column of the first character */
	bool quoted;		/* some part was quoted */
};

struct scn_toks {
	int n, cap;
	struct scn_tok *t;
};

/*
 * Split one line into words the way a POSIX shell does for the subset
 * scenarios use: blanks separate words, '...' and "..." quote (with \" \\
 * escapes inside double quotes), a word starting with # begins a comment,
 * > and >> are redirections.  Returns false with @col/@msg set on error.
 */
bool scn_tokenize(const char *line, struct scn_toks *out, int *col, char *msg, size_t msglen);
void scn_toks_free(struct scn_toks *t);

/*
 * Numbers: decimal or 0x hex; sizes may carry a K/M/G/T suffix (powers
 * of 1024, either case, as the kernel's memparse).  Return false with a
 * reason in *why on a malformed or out-of-range number.
 */
/*
 * Read a whole text file into sb (which the caller frees).  Returns
 * SCN_READ_OK, or what went wrong, with errno in *errnum for OPEN and IO.
 */
enum scn_read { SCN_READ_OK, SCN_READ_OPEN, SCN_READ_BINARY, SCN_READ_IO };
enum scn_read scn_read_text(const char *path, struct sbuf *sb, int *errnum);

bool scn_parse_u64(const char *s, uint64_t *out, const char **why);
bool scn_parse_size(const char *s, uint64_t *out, const char **why);
/* An identifier: [A-Za-z_][A-Za-z0-9_]* */
bool scn_is_ident(const char *s);

/* -------------------------------------------------------------------------
 * Scenario variables (scn_lex.c): `var NAME=VALUE` declares one with its
 * default, `$NAME` or `${NAME}` anywhere a word may be (outside single
 * quotes and comments, as a shell expands) is replaced by its value before
 * the line is parsed, and `--set NAME=VALUE` on the command line replaces
 * the default.  A value is one word: see scn_var_value_bad.
 */
#define SCN_SET_MAX		32
#define SCN_VAR_NAME_MAX	64
#define SCN_VAR_VALUE_MAX	256

/* Values given on the command line (--set NAME=VALUE), copied */
struct scn_vars {
	unsigned int n;
	struct {
		char name[SCN_VAR_NAME_MAX];
		char value[SCN_VAR_VALUE_MAX];
	} v[SCN_SET_MAX];
};

/* Add "NAME=VALUE" to @v; false with a message in @err (bad name or value, twice, full) */
bool scn_vars_parse(struct scn_vars *v, const char *spec, char *err, size_t errlen);
/* Add NAME and VALUE; the same checks */
bool scn_vars_put(struct scn_vars *v, const char *name, const char *value, char *err,
		  size_t errlen);
/* The value @v gives @name, or NULL */
const char *scn_vars_get(const struct scn_vars *v, const char *name);
/*
 * A value must read back as the same single word wherever it lands: the
 * index of its first character that could not (blanks, quotes, '\', '$',
 * '#', '>', '<', ';', '&', '(', ')', '`', control characters), -1 when it
 * has none, or 0 for an empty value.
 */
int scn_var_value_bad(const char *value);

/* One $NAME replaced in a line, for mapping columns back to the file */
struct scn_expansion {
	int line;
	int col, len;		/* of "$NAME" or "${NAME}" in the file's line */
	int ecol, elen;		/* of its value in the expanded line */
	int var;		/* the variable's index (struct scn_script.svars) */
};

/* The value of variable @name (@len bytes) and its index, or NULL when unknown */
typedef const char *(*scn_var_lookup)(void *priv, const char *name, size_t len, int *idx);

/*
 * Expand the variables of @line (line number @lineno) into @out (reset
 * first), appending one record per expansion to *@exp (*@nexp of *@cap,
 * grown with host memory).  False on an unknown variable or a malformed
 * "${": *@col is its column in @line, @msg says why and *@unknown is set
 * for an unknown variable (then @msg is "unknown variable '$NAME'").
 */
bool scn_expand(const char *line, int lineno, scn_var_lookup look, void *priv, struct sbuf *out,
		struct scn_expansion **exp, int *nexp, int *cap, int *col, bool *unknown,
		char *msg, size_t msglen);
/* The column in the file of column @col of a line's expanded text */
int scn_expansion_col(const struct scn_expansion *exp, int nexp, int line, int col);

/* -------------------------------------------------------------------------
 * Trace files (trace.c): ftrace text of kmem:mm_page_alloc/mm_page_free.
 */
enum trace_ev_kind { TRACE_ALLOC, TRACE_FREE };

struct trace_event {
	unsigned long pfn;	/* as the traced kernel saw it */
	gfp_t gfp;
	uint32_t line;		/* in the trace file */
	int16_t cpu;		/* -1: unknown */
	uint8_t kind;		/* enum trace_ev_kind */
	uint8_t order;
	bool failed;		/* an allocation the traced kernel failed */
};

struct trace {
	char *path;
	size_t n, cap;
	struct trace_event *ev;
	unsigned long ignored;	/* lines of other events, skipped */
};

/* Parse a whole trace; NULL with @d set on a malformed line */
struct trace *trace_load(const char *path, struct scn_diag *d);
struct trace *trace_parse(const char *path, const char *text, struct scn_diag *d);
void trace_free(struct trace *t);

/* -------------------------------------------------------------------------
 * Parsed scenarios (scn_parse.c)
 */
enum scn_verb {
	SCN_BOOT,		/* boot (explicit or inserted before the first step) */
	SCN_CAT,		/* cat FILE... */
	SCN_STORE,		/* echo VALUE > FILE */
	SCN_PRINT_TEXT,		/* echo TEXT / print TEXT */
	SCN_CPU,		/* cpu N */
	SCN_ALLOC,		/* alloc ID order= gfp= [node=] [expect=] */
	SCN_FREE,		/* free ID | free G[i] | free G all|every=|random= */
	SCN_FILL,		/* fill G order= gfp= [node=] count=|tries=|until= */
	SCN_DRAIN,		/* drain [node=N] [zone=NAME] */
	SCN_COMPACT,		/* compact [node=N] */
	SCN_SNAPSHOT,		/* snapshot NAME [FILE...] */
	SCN_PRINT_SNAPSHOT,	/* print snapshot NAME */
	SCN_PRINT_DIFF,		/* print diff A [B] */
	SCN_PRINT_COUNTERS,	/* print counters [PREFIX...] */
	SCN_EXPECT,		/* expect EXPR OP EXPR */
	SCN_REPLAY,		/* replay FILE [group=G] */
	SCN_PROCESS,		/* process NAME */
	SCN_CALL,		/* NAME: [VAR =] CALL(ARGS) [= RESULT] */
	SCN_MOUNT,		/* mount -t tmpfs [-o OPTS] none DIR */
	SCN_TRUNCATE,		/* truncate -s SIZE PATH */
	SCN_RM,			/* rm PATH */
	SCN_STRACE,		/* strace on|off */
	SCN_KHUGEPAGED,		/* khugepaged [N] */
	SCN_SUBSECTION,		/* subsection add ADDR SIZE [node=N] | subsection remove ADDR SIZE */
	SCN_MEMORY,		/* memory add ADDR SIZE [node=N] | memory remove ADDR SIZE */
};

/* System calls (and the touch pseudo-call) of simulated processes */
enum scn_call_kind {
	SC_MMAP, SC_MUNMAP, SC_MPROTECT, SC_MADVISE, SC_FORK, SC_EXIT, SC_OPEN, SC_CLOSE,
	SC_FTRUNCATE, SC_TOUCH, SC_MREMAP, SC_FALLOCATE,
};

enum scn_arg_kind { SCN_ARG_NUM, SCN_ARG_VAR, SCN_ARG_STR, SCN_ARG_NULL };

struct scn_arg {
	enum scn_arg_kind kind;
	uint64_t num;		/* NUM; VAR: the offset added */
	int var;		/* VAR: the variable's slot */
	char *str;		/* STR */
	int col;
};

enum scn_call_expect { SCN_RET_ANY, SCN_RET_VALUE, SCN_RET_ERRNO, SCN_RET_SIGNAL };

#define SCN_CALL_MAX_ARGS	6
struct scn_call {
	enum scn_call_kind kind;
	int proc;		/* the process's slot */
	int ret_var;		/* the variable the result goes to, or -1 */
	int child;		/* fork: the new process's slot */
	int nargs;
	struct scn_arg a[SCN_CALL_MAX_ARGS];
	enum scn_call_expect expect;
	uint64_t expect_val;	/* VALUE: the value; ERRNO: the errno; SIGNAL: the signal */
	int expect_col;
};

enum scn_free_mode { SCN_FREE_ID, SCN_FREE_MEMBER, SCN_FREE_ALL, SCN_FREE_EVERY, SCN_FREE_RANDOM };
enum scn_fill_mode {
	SCN_FILL_COUNT,		/* count=C: C members, stop at the first failure */
	SCN_FILL_TRIES,		/* tries=C: C attempts, failures do not stop */
	SCN_FILL_UNTIL_LOW,	/* until=low: stop before free drops below low */
	SCN_FILL_UNTIL_MIN,	/* until=min: ... below min */
	SCN_FILL_UNTIL_FAIL,	/* until=fail: until an allocation fails */
};
enum scn_alloc_expect { SCN_EXPECT_ANY, SCN_EXPECT_OK, SCN_EXPECT_FAIL };
enum scn_cmp { SCN_EQ, SCN_NE, SCN_LT, SCN_LE, SCN_GT, SCN_GE };

enum scn_term_kind { SCN_TERM_NUM, SCN_TERM_COUNTER, SCN_TERM_SNAP };

struct scn_term {
	enum scn_term_kind kind;
	int sign;		/* +1, -1: starts a new product; 0: multiplies */
	long num;		/* SCN_TERM_NUM */
	char *name;		/* counter name (after "SNAP:" for SCN_TERM_SNAP) */
	int snap;		/* snapshot slot */
	int col;
};

struct scn_expr {
	int n;
	struct scn_term *t;
};

struct scn_stmt {
	enum scn_verb verb;
	int line, col;		/* of the verb */
	bool implicit;		/* SCN_BOOT the parser inserted */
	/* words: cat paths, snapshot files, counter prefixes */
	int nargs;
	char **args;
	int *argcol;
	char *text;		/* print text, store value, expect source, store path */
	char *path;		/* store: the file written */
	int path_col;
	int slot;		/* id, group or snapshot slot */
	int slot2;		/* print diff: second snapshot, -1 = the current state */
	int name_col;		/* column of the id/group/snapshot name */
	unsigned int order;
	gfp_t gfp;
	int node;		/* -1: none given */
	int node_col;
	int cpu;
	int mode;		/* enum scn_free_mode / scn_fill_mode; store: 1 for >> */
	int expect_alloc;	/* enum scn_alloc_expect */
	unsigned long count;	/* fill count/tries; free every=K */
	unsigned long offset;	/* free every=K offset=J; free G[i]: i */
	unsigned int pct;	/* free random=P% */
	enum scn_cmp cmp;
	struct scn_expr lhs, rhs;
	/* expect FAMILY=A,B: ...: checked only when the run picks one of the entries */
	const struct policy_family *guard;
	uint64_t guard_mask;	/* bit i: guard->policies[i] */
	struct trace *trace;	/* owned by the script */
	struct scn_call *call;	/* SCN_CALL, SCN_PROCESS (proc slot) */
};

struct scn_script {
	char *file;		/* as given, for messages */
	char *text;		/* the file's contents */
	struct machine_opts opts;
	bool have_machine;
	bool seed_set;		/* a `seed` line */
	struct policy_set policies;
	/* import DIR: the dump (model/import.h), its seed, its groups' slots */
	struct mm_import *import;
	bool import_seed_set;
	uint64_t import_seed;
	int import_user_group, import_kernel_group;
	int nstmts, cap;
	struct scn_stmt *stmts;
	int nids, ngroups, nsnaps;
	char **id_names, **group_names, **snap_names;
	int nprocs, nvars;
	char **proc_names, **var_names;
	struct scn_names *names;	/* parse-time name table (uthash) */
	struct scn_names *snap_index;	/* snapshot names -> slots (uthash) */
	/*
	 * Scenario variables (`var`), in declaration order, with the value
	 * each took (--set or the default), and every $NAME expanded, in
	 * line order.  @text is then the expanded file.
	 */
	int nsvars;
	struct scn_svar {
		char *name, *value;
		int line, col;		/* of the declaration's name */
		bool set;		/* the value came from --set */
	} *svars;
	int nexp, expcap;
	struct scn_expansion *exp;
};

struct scn_script *scn_parse_string(const char *file, const char *text, struct scn_diag *d);
struct scn_script *scn_parse_file(const char *path, struct scn_diag *d);
/*
 * The same with values for the scenario's variables (--set); @set may be
 * NULL.  A name @set gives that the scenario does not declare is an error.
 */
struct scn_script *scn_parse_string_set(const char *file, const char *text,
					const struct scn_vars *set, struct scn_diag *d);
struct scn_script *scn_parse_file_set(const char *path, const struct scn_vars *set,
				      struct scn_diag *d);
/* The column in the file of column @col of line @line as parsed (after expansion) */
int scn_col_orig(const struct scn_script *s, int line, int col);
/* The i-th verb the parser knows (`mmsim verbs`), NULL past the last */
const char *scn_verb_name(size_t i);
void scn_script_free(struct scn_script *s);

/* -------------------------------------------------------------------------
 * Running (scn_run.c)
 */
/*
 * When the invariant checker (mm_check_invariants) runs.  AUTO, the
 * default, checks after every step that moved at least as many pages as
 * the check reads words (so it never costs more than the step did), and
 * at the end of the run if anything moved since the last check.
 */
enum scn_check_mode {
	SCN_CHECK_AUTO = 0,
	SCN_CHECK_STEPS = 1,		/* after every step (--check) */
	SCN_CHECK_OFF = 2,		/* never (--no-check, for benchmarks) */
};

struct scn_run_opts {
	bool seed_set;			/* override the scenario's seed */
	uint64_t seed;
	unsigned int kver;		/* MM_KVER: override the machine's version= (0: keep) */
	enum scn_check_mode check;
	bool quiet;			/* no step output on stdout */
	const struct policy_set *policies;	/* override the scenario's picks */
	const struct scn_vars *vars;	/* scn_run_file: --set values, or NULL */
	/*
	 * Where output goes: a stream (written as the run goes), or, when
	 * NULL, the result's sbufs.
	 */
	FILE *out, *err;
	bool want_counters;		/* fill result.counters at the end */
	/*
	 * Tests only (NULL otherwise): called after each step that ran on a
	 * machine, before the step's invariant check, so a test can break
	 * the machine's state the way a model bug would and see the check
	 * report it.
	 */
	void (*step_hook)(void *priv, struct machine *m, int line);
	void *step_hook_priv;
	/*
	 * Called with the machine at the end of the run, just before it is
	 * destroyed, if the run got as far as making one (compare reads its
	 * figures here).  Optional.
	 */
	void (*at_end)(void *arg, struct machine *m);
	void *at_end_arg;
	/*
	 * Called with the machine after each `snapshot NAME` line ran, with
	 * the snapshot's name and the line (compare --at reads its figures
	 * here).  A name taken again calls it again.  Optional.
	 */
	void (*at_snapshot)(void *arg, struct machine *m, const char *name, int line);
	void *at_snapshot_arg;
	/*
	 * Called after each system call of a process line with its result
	 * (a negative errno on failure) and the signal that killed the
	 * process (0: none).  Optional; diff-real compares them with a real
	 * guest's.
	 */
	void (*call_hook)(void *priv, int line, long ret, int signo);
	void *hook_priv_call;
	/*
	 * `run`'s progress lines (progress.h), or NULL: scn_run sets the
	 * total and prints one after the boot, each snapshot and each line
	 * that can move a machine's worth of memory (echo > FILE, fill,
	 * compact, replay, memory, khugepaged, touch()), and one at the end.
	 */
	struct progress *progress;
};

/*
 * Why a run ended with SCN_FAILED: the scenario's own verdict (an expect)
 * or the model's (a simulated kernel failure, a broken invariant), which
 * is a bug of the model or of the kernel behaviour it models, never an
 * outcome a scenario asks for.  The fuzzers tell the two apart by this.
 */
enum scn_fail {
	SCN_FAIL_NONE,		/* status is not SCN_FAILED */
	SCN_FAIL_EXPECT,	/* an expect line or alloc expect= did not hold */
	SCN_FAIL_KERNEL,	/* the simulated kernel hit a BUG, WARNING or fault */
	SCN_FAIL_INVARIANT,	/* check: mm_check_invariants found a drift */
};

struct scn_result {
	enum scn_status status;
	enum scn_fail fail;		/* with SCN_FAILED: which kind */
	struct sbuf out;		/* captured stdout (out stream NULL) */
	struct sbuf err;		/* captured stderr (err stream NULL) */
	struct sbuf counters;		/* "name value" lines at the end */
	unsigned long checks;		/* invariant checks the run made */
	struct policy_set policies;	/* the picks the run used */
};

void scn_result_init(struct scn_result *r);
void scn_result_free(struct scn_result *r);

/* "ok", "failed", "bad-input": a status as compare and sweep print it */
const char *scn_status_name(enum scn_status s);

/* Run a parsed scenario on a new machine; returns r->status */
enum scn_status scn_run(const struct scn_script *s, const struct scn_run_opts *o,
			struct scn_result *r);

/* Parse and run a file: the whole of `mmsim run` */
enum scn_status scn_run_file(const char *path, const struct scn_run_opts *o,
			     struct scn_result *r);

#endif /* MMSIM_SCN_H */
