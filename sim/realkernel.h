/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * realkernel.h - the same scenario on a real kernel, and the difference.
 *
 * tools/realkernel/run boots a Debian kernel under qemu with a busybox
 * initramfs; this is the part of it that knows the scenario language:
 *
 *   rk_plan_build   scenario -> the guest's /init script, the qemu
 *                   machine arguments and the kernel command line, or
 *                   "file:line:col: not runnable on a real kernel: ..."
 *                   for a line that has no guest equivalent
 *                   (`mmsim guest-plan`)
 *   rk_data_parse   what the guest wrote on its data port (a second
 *                   serial line, so console messages never mix in) ->
 *                   records: one per file read, per snapshot, per store
 *   rk_figures      a kernel file's text -> named figures, named as the
 *                   model's counters are (buddyinfo.0.Normal.3, ...), so
 *                   the model's text and the guest's go through one parser
 *   rk_diff_run     runs the scenario in the model, reads the same files
 *                   at the same lines, and prints the two side by side
 *                   (`mmsim diff-real`)
 *
 * The data port protocol, one marker per line:
 *
 *   @@mmsim begin RELEASE             uname -r of the guest
 *   @@mmsim cmdline TEXT              /proc/cmdline
 *   @@mmsim cat LINE PATH             the file's text follows, then a
 *   @@mmsim end RC                    newline the guest adds and the end
 *   @@mmsim snapshot LINE NAME        opens a snapshot; its files follow
 *                                     as cat records of the same LINE
 *   @@mmsim store LINE PATH ... end RC   an echo > FILE, with any error
 *   @@mmsim print LINE ... end RC     an echo without redirection
 *   @@mmsim call LINE PROC ... end 0  a process line: the guest program's
 *                                     answer (tools/realkernel/guest.c)
 *   @@mmsim note TEXT                 what the guest script did by itself
 *   @@mmsim done                      the script reached its end
 *
 * CPU numbers: `drain` drains the per-cpu lists by taking CPUs offline
 * and back (6.1 and 6.12 have no file that drains them), and x86 cannot
 * take CPU 0 offline.  So the guest has one CPU more than the machine
 * describes: guest CPU 0, on node 0, boots the kernel and runs nothing of
 * the scenario, and the model's CPU k is guest CPU k + 1.  (Swapping CPUs
 * instead would renumber the nodes: Linux numbers NUMA nodes in the order
 * the firmware's SRAT lists its CPUs' proximity domains.)
 */
#ifndef MMSIM_REALKERNEL_H
#define MMSIM_REALKERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "sbuf.h"
#include "scn.h"

/*
 * Every guest's kernel command line starts with these.  The model's machine
 * is x86_64 with 4-level page tables and its kernel image at 16 MiB, so:
 *   no5lvl         TCG's `-cpu max` offers LA57, and a guest would
 *                  otherwise run 5-level paging: a P4D table more per
 *                  process (PageTables) and a different kernel map
 *   nokaslr        the image at CONFIG_PHYSICAL_START (16 MiB) as the
 *                  model puts it, not at a random place on either node:
 *                  KASLR's placement was most of the difference between
 *                  two boots of one scenario
 *   init_on_alloc=0  untouched hugepages cost the host nothing
 */
#define RK_CMDLINE_BASE "console=ttyS0 panic=-1 init_on_alloc=0 no5lvl nokaslr"

/* What a scenario becomes in a guest */
struct rk_plan {
	struct sbuf init;	/* /init of the initramfs (busybox sh) */
	struct sbuf qemu;	/* qemu arguments for the machine, one per line */
	struct sbuf cmdline;	/* kernel command line */
	struct sbuf notes;	/* lines the translation left out, one per line */
};

void rk_plan_init(struct rk_plan *p);
void rk_plan_free(struct rk_plan *p);
/* 0, or SCN_BAD_INPUT with @d set at the first line a guest cannot run */
int rk_plan_build(const struct scn_script *s, struct rk_plan *p, struct scn_diag *d);

/* The kernel file the model's counter @name is read from, as a path (false:
 * no kernel file shows it, e.g. scn.* or hvo.*) */
bool rk_counter_file(const char *name, char *path, size_t len);

/* The model's CPU k is the guest's CPU rk_guest_cpu(k) (see above) */
static inline int rk_guest_cpu(int k)
{
	return k + 1;
}
/* The model's CPU for guest CPU g; -1 for guest CPU 0, which it lacks */
static inline int rk_model_cpu(int g)
{
	return g - 1;
}

/* ---- the guest's data ---------------------------------------------------- */

enum rk_rec_kind { RK_CAT, RK_STORE, RK_PRINT, RK_CALL };

struct rk_rec {
	enum rk_rec_kind kind;
	int line;		/* scenario line */
	int snap;		/* index into rk_data.snaps, -1: a plain cat */
	int rc;			/* exit status the guest reported */
	char *path;		/* CAT, STORE: the file; CALL: the process */
	char *text;		/* what the guest printed (file text, error; CALL:
				 * "R VALUE ERRNO", "S SIGNO", "X", or "D" when the
				 * process was already gone) */
	char *model;		/* CAT: the model's text of the same file, or NULL */
	bool model_missing;	/* CAT: the model has no such file */
	/* CALL: the model's result (a negative errno) and killing signal */
	bool model_called;
	long model_ret;
	int model_sig;
	int call_kind;		/* CALL: enum scn_call_kind, -1 unknown */
};

struct rk_snap {
	int line;
	char *name;
};

/* An expect line evaluated on each side's figures (rk_diff_run) */
struct rk_expect {
	int line;
	char *src;		/* the line's expression */
	/* 1 holds, 0 fails, -1 not known (a figure the side lacks) */
	int kernel_ok, model_ok;
	long long kl, kr, ml, mr;	/* the two sides' values */
	char *missing;		/* the first figure a side lacked, or NULL */
};

struct rk_data {
	char *release;		/* uname -r */
	char *cmdline;
	bool done;		/* the guest reached the end of the script */
	int nrecs, nsnaps, nexpects;
	struct rk_rec *recs;
	struct rk_snap *snaps;
	struct rk_expect *expects;	/* filled by rk_diff_run */
	bool guest_cpus;	/* renumber zoneinfo's CPUs (rk_model_cpu) */
	/* the version the model ran because the guest ran it, where the
	 * scenario's machine line names another (0: the scenario's) */
	unsigned int kver;
};

/*
 * The machine version (MM_KVER) of a guest's `uname -r`: "6.1.0-57-amd64"
 * is 6.1, "6.12.118+deb13-amd64" 6.12; false for a release the model has
 * no version of.
 */
bool rk_release_kver(const char *release, unsigned int *kver);

/* false with "line N: message" in @why on a malformed stream (and @d
 * emptied); rk_data_free() @d after a success */
bool rk_data_parse(const char *text, struct rk_data *d, char *why, size_t whylen);
void rk_data_free(struct rk_data *d);

/* ---- figures ------------------------------------------------------------- */

struct rk_fig {
	char *name;
	long long val;
};

struct rk_figs {
	int n, cap;
	struct rk_fig *f;
};

void rk_figs_free(struct rk_figs *fs);
/*
 * The figures in @text, the contents of the kernel file @path, named as
 * the model's counters (module.h counter names).  Files without a
 * parser give one figure when they hold a single number (sysfs, sysctl)
 * and none otherwise.  @guest renumbers zoneinfo's per-cpu lines from
 * guest to model CPUs (the extra guest CPU 0 becomes cpu.guest0).
 */
void rk_figures(const char *path, const char *text, bool guest, struct rk_figs *out);
/* The figure @name, or NULL */
const struct rk_fig *rk_figs_find(const struct rk_figs *fs, const char *name);

/* ---- the difference ------------------------------------------------------ */

struct rk_diff_opts {
	long long tol_abs;	/* a difference up to this is equal */
	double tol_pct;		/* ... or up to this percentage of the kernel's value */
	bool all;		/* print equal figures too */
	bool json;
	/* figure patterns (rk_diff.c fig_match), NULL-terminated; NULL: the
	 * default set, {"all"}: every figure */
	const char *const *figures;
	/* the model's policy picks (`--policy`; e.g. hvo=new-head-6.12 beside
	 * a 6.12 guest), NULL: the scenario's */
	const struct policy_set *policies;
};

/*
 * Run @s in the model, reading at each of @d's lines the files the guest
 * read there (rk_rec.model), then print the comparison to @out; *differs
 * says whether any figure differed beyond the tolerance.  Returns the
 * run's status (SCN_OK when the model ran to the end).
 */
enum scn_status rk_diff_run(const struct scn_script *s, struct rk_data *d,
			    const struct rk_diff_opts *o, struct sbuf *out, struct sbuf *err,
			    bool *differs);

/* Print the comparison of a data set whose model side is filled in;
 * true when something differs beyond the tolerance */
bool rk_diff_print(const struct rk_data *d, const char *scenario, const struct rk_diff_opts *o,
		   struct sbuf *out);

/* The command lines (rk_cmd.c): argv as main() has it, argv[1] the command */
int cmd_guest_plan(int argc, char **argv);
int cmd_diff_real(int argc, char **argv);

#endif /* MMSIM_REALKERNEL_H */
