// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - the mmsim command line.
 *
 *   mmsim run FILE [--seed N] [--check|--no-check] [--policy FAMILY=NAME]...
 *             [--set NAME=VALUE]... [--quiet] [--progress]
 *   mmsim compare FILE --policy FAMILY=A,B,... [--policy FAMILY2=X,Y,...]...
 *                 [--at SNAPSHOT] [--figures PREFIX,...]... [--all] [--format text|json]
 *                 [--set NAME=VALUE]... [--version V,...] [--quiet] [--progress]
 *   mmsim sweep FILE --policy FAMILY=A,B,... --seeds LIST [--set NAME=V1,V2,...]... (sweep.h)
 *   mmsim sweep collect DIR
 *   mmsim report FILE.scn --policy FAMILY=A,B,... | COMPARE.json | SWEEP.json | DIR (report.h)
 *   mmsim policies
 *   mmsim verbs
 *   mmsim files
 *   mmsim guest-plan FILE DIR
 *   mmsim diff-real DIR [--tolerance N|P%] [--all] [--format text|json]
 *   mmsim explore --list | RACE [--policy FAMILY=NAME]... [--budget N] [--replay STRING]
 *                 [--condensed|--full]
 *   mmsim --help | --version
 *
 * run and compare also take --host-mem-limit SIZE (host.h).  run, compare
 * and sweep print progress lines on stderr (progress.h) when it is a
 * terminal or with --progress; --quiet silences them.  The
 * environment variable MMSIM_FAIL_ALLOC=N fails the Nth host allocation,
 * for tests that check every failure point ends cleanly.
 *
 * Exit codes: 0 ok; 1 an expect failed, an invariant broke or the
 * simulated kernel failed; 2 bad input (scenario, trace, arguments);
 * 3 out of host memory (or over --host-mem-limit).
 * Results go to stdout, diagnostics to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "module.h"
#include "policy.h"
#include "scn.h"
#include "compare.h"
#include "host.h"
#include "realkernel.h"
#include "races.h"
#include "report.h"
#include "suggest.h"
#include "sweep.h"

static const char usage_text[] =
	"usage: mmsim run FILE [--seed N] [--check|--no-check] [--policy FAMILY=NAME]... [--quiet]\n"
	"                 [--progress]\n"
	"       mmsim compare FILE --policy FAMILY=A,B,... [--policy FAMILY2=X,Y,...]...\n"
	"                     [--at SNAPSHOT] [--figures PREFIX,...]... [--all]\n"
	"                     [--format text|json] [--seed N] [--check|--no-check]\n"
	"                     [--version V,...] [--quiet] [--progress]\n"
	"       (run and compare also take --host-mem-limit SIZE and --set NAME=VALUE...)\n"
	"       mmsim sweep FILE --policy FAMILY=A,B,... --seeds LIST [--set NAME=V1,V2,...]...\n"
	"                   [-j N] ... (mmsim sweep --help)\n"
	"       mmsim sweep collect DIR\n"
	"       mmsim report FILE.scn --policy FAMILY=A,B,... [--seeds LIST] ...\n"
	"       mmsim report COMPARE.json|SWEEP.json|DIR [--format text|html] [-o FILE]\n"
	"                    ... (mmsim report --help)\n"
	"       mmsim policies\n"
	"       mmsim verbs\n"
	"       mmsim files\n"
	"       mmsim guest-plan FILE DIR\n"
	"       mmsim diff-real DIR [--tolerance N|P%] [--all] [--format text|json]\n"
	"       mmsim explore --list | RACE [--policy FAMILY=NAME]... [--budget N]\n"
	"                     [--replay STRING] [--condensed|--full]\n"
	"       mmsim --help | --version\n";

static const char help_text[] =
	"mmsim: a userspace simulator of Linux memory management (Linux 6.1 behaviour;\n"
	"6.12's where a scenario's machine says version=6.12)\n"
	"\n"
	"Commands:\n"
	"  run FILE        run a scenario file (see docs/scenario-language.md)\n"
	"  compare FILE    run a scenario once per policy and compare the results\n"
	"                  (a --policy per family varied: once per combination);\n"
	"                  --at reads them at a snapshot, --figures picks rows,\n"
	"                  --all prints rows the same in every run (docs/compare.md)\n"
	"  sweep FILE      run the grid policies x seeds x variable values, in\n"
	"                  parallel, and print statistics per cell (docs/sweep.md)\n"
	"  sweep collect DIR  the same from the results of GNU parallel or Slurm\n"
	"  report INPUT    an email-ready 80-column text or a self-contained HTML page\n"
	"                  from a scenario run under the policies (--seeds: with\n"
	"                  statistics), a compare JSON, or a sweep's JSON or DIR:\n"
	"                  pagetypeinfo rows, figures with deltas, vmstat, charts\n"
	"                  (docs/report.md; mmsim report --help)\n"
	"  policies        list the policy families and their entries\n"
	"  verbs           list the scenario language's verbs, one per line\n"
	"  files           list the kernel files the model provides: path pattern,\n"
	"                  mode (r, w, rw) and the module serving it\n"
	"  guest-plan FILE DIR  the scenario as a real guest runs it: DIR/init, the\n"
	"                  qemu machine and kernel command line (tools/realkernel/run)\n"
	"  diff-real DIR   the scenario in the model against what a real guest\n"
	"                  printed (DIR from tools/realkernel/run); exit 1 on a\n"
	"                  difference beyond --tolerance N or P%\n"
	"  explore RACE    search a named race of the explorer's library for a failing\n"
	"                  interleaving under the policies picked; --list lists them\n"
	"\n"
	"Options of run:\n"
	"  --seed N              override the scenario's seed\n"
	"  --check               check the model's invariants after every step (by\n"
	"                        default: after each step that moved as many pages\n"
	"                        as a check reads, and at the end)\n"
	"  --no-check            never check the invariants (for benchmarks)\n"
	"  --policy FAMILY=NAME  pick a policy (repeatable; wins over the scenario's)\n"
	"  --set NAME=VALUE      give the scenario's variable NAME (`var NAME=...`)\n"
	"                        this value (repeatable, once per name)\n"
	"  --quiet               print nothing but diagnostics (and no progress lines\n"
	"                        unless --progress)\n"
	"  --progress            a line on stderr after the boot, each snapshot, each\n"
	"                        line that can move much memory and the end, with\n"
	"                        its time; by default only when stderr is a terminal\n"
	"  --host-mem-limit SIZE the most host memory the run may use (default: half\n"
	"                        of the host's RAM; 0: no limit)\n"
	"\n"
	"Options of compare (docs/compare.md; also --seed, --check, --no-check,\n"
	"--set and --host-mem-limit as for run, and --progress and --quiet for its\n"
	"line per run on stderr):\n"
	"  --policy FAMILY=A,B,...  the entries to compare (one option per family\n"
	"                        varied; every combination runs)\n"
	"  --version V,...       the machine's kernel version as one more axis\n"
	"                        (6.1, 6.12)\n"
	"  --at SNAPSHOT         the figures where the scenario takes that snapshot\n"
	"                        (default: the end of each run)\n"
	"  --figures PREFIX,...  only the figures whose key or label starts so\n"
	"  --all                 also the figures that are the same in every run\n"
	"  --format text|json    80-column text (default) or JSON with stable keys\n"
	"\n"
	"Options of report (docs/report.md; also --policy, --set, --check, --no-check\n"
	"as for compare, and --at, --figures, --all as for compare):\n"
	"  --seeds LIST          run each policy once per seed (1..10, 1,5,9) and print\n"
	"                        min, median, mean, stddev and the test's p per figure\n"
	"  --before SNAPSHOT     the pagetypeinfo and vmstat \"before\" state (default:\n"
	"                        the first snapshot the scenario takes)\n"
	"  --test welch|mann-whitney  the significance test printed (default welch)\n"
	"  --format text|html    80-column text (default) or one self-contained page\n"
	"  -o FILE               write the report to FILE instead of stdout\n"
	"  --progress, --quiet   a line on stderr per run of a scenario (shown on a\n"
	"                        terminal by default), forced or silenced\n"
	"\n"
	"Options of explore (docs/explorer.md):\n"
	"  --list                the races, with the family each varies\n"
	"  --policy FAMILY=NAME  the entry of the race's family (or any family) to run\n"
	"  --budget N            explore at most N schedules (default: all of them)\n"
	"  --replay STRING       run the schedule a failure printed instead of searching\n"
	"  --condensed           the failing run's trace: the steps that conflict across\n"
	"                        CPUs, addresses described (the default)\n"
	"  --full                every step of the failing run's trace\n"
	"\n"
	"Exit status: 0 ok, 1 expect failed / invariant broken / simulated kernel\n"
	"failure / explore found a failing schedule, 2 bad input or usage, 3 out of\n"
	"host memory.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("mmsim: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(usage_text, stderr);
	return SCN_BAD_INPUT;
}

/* Every command main() knows, for "did you mean" */
static const char *const commands[] = {
	"run", "compare", "sweep", "report", "policies", "verbs", "files", "guest-plan", "diff-real",
	"explore",
};

static int unknown_command(const char *cmd)
{
	struct suggest sg;
	char msg[256];

	suggest_init(&sg, cmd);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		suggest_offer(&sg, commands[i]);
	if (suggest_result(&sg))
		snprintf(msg, sizeof(msg), "unknown command '%%s': did you mean '%s'?",
			 suggest_result(&sg));
	else
		snprintf(msg, sizeof(msg), "unknown command '%%s'");
	return usage_error(msg, cmd);
}

/* "--name VALUE" or "--name=VALUE"; returns the value or NULL */
static const char *opt_value(int argc, char **argv, int *i, const char *name, bool *bad)
{
	return cli_value(argc, argv, i, name, bad);
}

static int cmd_run(int argc, char **argv)
{
	struct scn_run_opts o = { .out = stdout, .err = stderr };
	struct cli_flags flags = { 0 };
	struct progress progress;
	struct policy_set pols = { 0 };
	struct scn_vars vars = { 0 };
	struct scn_result r;
	const char *file = NULL, *v;
	bool bad;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (cli_flag(a, &flags)) {
			continue;
		} else if ((v = opt_value(argc, argv, &i, "--seed", &bad)) || bad) {
			const char *why;
			uint64_t seed;

			if (bad)
				return usage_error("%s needs a value", "--seed");
			if (!scn_parse_u64(v, &seed, &why))
				return usage_error("--seed: bad number '%s'", v);
			o.seed = seed;
			o.seed_set = true;
		} else if ((v = opt_value(argc, argv, &i, "--policy", &bad)) || bad) {
			const struct policy_family *f;
			const struct policy *p;
			char err[512];
			size_t pos;

			if (bad)
				return usage_error("%s needs a value", "--policy");
			if (!policy_parse_one(v, &f, &p, err, sizeof(err), &pos))
				return usage_error("--policy: %s", err);
			policy_set_put(&pols, f, p);
		} else if ((v = opt_value(argc, argv, &i, "--set", &bad)) || bad) {
			char err[512];

			if (bad)
				return usage_error("%s needs a value", "--set");
			if (!scn_vars_parse(&vars, v, err, sizeof(err)))
				return usage_error("--set: %s", err);
		} else if (a[0] == '-' && a[1]) {
			return usage_error("unknown option '%s'", a);
		} else if (file) {
			return usage_error("unexpected argument '%s' (one scenario per run)", a);
		} else {
			file = a;
		}
	}
	if (!file)
		return usage_error("%s: missing scenario FILE", "run");
	o.check = flags.check;
	o.quiet = flags.quiet;
	progress_init(&progress, cli_progress_mode(&flags), stderr, 0, NULL);
	o.progress = &progress;
	o.policies = &pols;
	o.vars = &vars;
	scn_result_init(&r);
	scn_run_file(file, &o, &r);
	scn_result_free(&r);
	return (int)r.status;
}

static int cmd_policies(void)
{
	size_t n = policy_nr_families();

	if (!n) {
		puts("no policy families registered yet");
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct policy_family *f = policy_family_at(i);

		printf("%s: %s\n", f->name, f->summary ? f->summary : "");
		for (unsigned int j = 0; j < f->nr_policies; j++) {
			const struct policy *p = &f->policies[j];

			printf("  %-20s %s", p->name, p->summary ? p->summary : "");
			if (p->implies)
				printf(" (implies %s unless picked)", p->implies);
			printf("%s\n", j == f->default_idx ? " (default)" : "");
		}
	}
	return 0;
}

/* The parser's own verb table, so this list cannot drift from the language */
static int cmd_verbs(void)
{
	const char *v;

	for (size_t i = 0; (v = scn_verb_name(i)); i++)
		puts(v);
	return 0;
}

/*
 * One line per kernel file, in table order: the pattern with <nid>, <kB>,
 * <pid>, <name> for the parts that vary, the mode, the module.
 */
static int cmd_files(void)
{
	struct sbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < mm_nr_modules(); i++) {
		const struct mm_module *mod = mm_module_at(i);

		for (unsigned int j = 0; j < mod->nr_files; j++) {
			mm_file_pattern_text(mod->files[j].pattern, &sb);
			sb_printf(&sb, " %s %s\n", mm_file_mode(&mod->files[j]), mod->name);
		}
	}
	if (sb.buf)
		fputs(sb.buf, stdout);
	sb_free(&sb);
	return 0;
}

/*
 * Host options any command takes: --host-mem-limit SIZE (removed from
 * argv here) and the MMSIM_FAIL_ALLOC environment variable.  Returns
 * false after a usage error.
 */
static bool host_options(int *argc, char **argv)
{
	const char *fail = getenv("MMSIM_FAIL_ALLOC"), *why;
	uint64_t v;
	int out = 2;
	bool bad;

	host_mem.limit = host_mem_default_limit();
	if (fail && *fail) {
		if (!scn_parse_u64(fail, &v, &why)) {
			usage_error("MMSIM_FAIL_ALLOC: bad number '%s'", fail);
			return false;
		}
		host_mem.fail_at = (unsigned long)v;
	}
	for (int i = 2; i < *argc; i++) {
		const char *a = opt_value(*argc, argv, &i, "--host-mem-limit", &bad);

		if (bad) {
			usage_error("%s needs a value", "--host-mem-limit");
			return false;
		}
		if (!a) {
			argv[out++] = argv[i];
			continue;
		}
		if (!scn_parse_size(a, &v, &why) || v > SIZE_MAX) {
			usage_error("--host-mem-limit: bad size '%s'", a);
			return false;
		}
		host_mem.limit = (size_t)v;
	}
	*argc = out;
	argv[out] = NULL;
	return true;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd)
		return usage_error("%s", "missing command");
	if (!host_options(&argc, argv))
		return SCN_BAD_INPUT;
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		fputc('\n', stdout);
		fputs(help_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		puts("mmsim " MMSIM_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(cmd, "policies"))
		return argc > 2 ? usage_error("policies: unexpected argument '%s'", argv[2])
				: cmd_policies();
	if (!strcmp(cmd, "verbs"))
		return argc > 2 ? usage_error("verbs: unexpected argument '%s'", argv[2])
				: cmd_verbs();
	if (!strcmp(cmd, "files"))
		return argc > 2 ? usage_error("files: unexpected argument '%s'", argv[2])
				: cmd_files();
	if (!strcmp(cmd, "compare"))
		return cmd_compare(argc, argv);
	if (!strcmp(cmd, "sweep"))
		return cmd_sweep(argc, argv);
	if (!strcmp(cmd, "report"))
		return cmd_report(argc, argv);
	if (!strcmp(cmd, "guest-plan"))
		return cmd_guest_plan(argc, argv);
	if (!strcmp(cmd, "diff-real"))
		return cmd_diff_real(argc, argv);
	if (!strcmp(cmd, "explore"))
		return explore_main(argc, argv, stdout, stderr);
	return unknown_command(cmd);
}
