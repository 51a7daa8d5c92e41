// SPDX-License-Identifier: GPL-2.0-only
/*
 * rk_cmd.c - the command lines of the real-kernel comparison
 * (realkernel.h; tools/realkernel/run drives both):
 *
 *   mmsim guest-plan FILE DIR   DIR/init, DIR/qemu-args, DIR/cmdline,
 *                               DIR/notes and DIR/scenario.scn (a copy)
 *   mmsim diff-real DIR [--tolerance N|P%] [--all] [--figures PATTERN...]
 *                       [--policy FAMILY=NAME]... [--format text|json]
 *                               DIR/scenario.scn in the model against what
 *                               the guest wrote to DIR/data.txt
 *
 * Exit status as diff(1) has it for diff-real: 0 nothing differs beyond
 * the tolerance, 1 something does (or the model's run failed), 2 bad
 * input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy.h"
#include "realkernel.h"

static int rk_usage(const char *fmt, const char *arg)
{
	fputs("mmsim: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nusage: mmsim guest-plan FILE DIR\n"
	      "       mmsim diff-real DIR [--tolerance N|P%] [--all] [--figures PATTERN...]\n"
	      "                           [--policy FAMILY=NAME]... [--format text|json]\n",
	      stderr);
	return SCN_BAD_INPUT;
}

static bool write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char path[4096];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "mmsim: %s: %s\n", path, strerror(errno));
		return false;
	}
	ok = fwrite(text, 1, len, f) == len;
	ok = !fclose(f) && ok;
	if (!ok)
		fprintf(stderr, "mmsim: %s: write error\n", path);
	return ok;
}

static void print_diag(const struct scn_diag *d)
{
	struct sbuf sb;

	sb_init(&sb);
	scn_diag_format(d, &sb);
	fputs(sb.buf ? sb.buf : "", stderr);
	sb_free(&sb);
}

int cmd_guest_plan(int argc, char **argv)
{
	struct scn_diag d = { 0 };
	struct scn_script *s;
	struct rk_plan p;
	const char *dir;
	bool ok;
	int rc;

	if (argc != 4)
		return rk_usage("%s needs a scenario FILE and an output DIR", "guest-plan");
	dir = argv[3];
	s = scn_parse_file(argv[2], &d);
	if (!s) {
		print_diag(&d);
		return SCN_BAD_INPUT;
	}
	rk_plan_init(&p);
	rc = rk_plan_build(s, &p, &d);
	if (rc) {
		print_diag(&d);
		goto out;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "mmsim: %s: %s\n", dir, strerror(errno));
		rc = SCN_BAD_INPUT;
		goto out;
	}
	ok = write_file(dir, "init", p.init.buf, p.init.len) &&
	     write_file(dir, "qemu-args", p.qemu.buf, p.qemu.len) &&
	     write_file(dir, "cmdline", p.cmdline.buf, p.cmdline.len) &&
	     write_file(dir, "notes", p.notes.buf ? p.notes.buf : "", p.notes.len) &&
	     write_file(dir, "scenario.scn", s->text, strlen(s->text));
	rc = ok ? 0 : SCN_BAD_INPUT;
	if (ok && p.notes.len)
		fputs(p.notes.buf, stdout);
out:
	rk_plan_free(&p);
	scn_script_free(s);
	return rc;
}

static bool parse_tolerance(const char *v, struct rk_diff_opts *o)
{
	char *end;
	double x = strtod(v, &end);

	if (end == v || x < 0)
		return false;
	if (*end == '%' && !end[1]) {
		o->tol_pct = x;
		return true;
	}
	if (*end || x != (double)(long long)x)
		return false;
	o->tol_abs = (long long)x;
	return true;
}

int cmd_diff_real(int argc, char **argv)
{
	struct rk_diff_opts o = { 0 };
	const char *figs[65] = { 0 };	/* NULL-terminated */
	struct policy_set pols = { 0 };
	int nfigs = 0;
	struct scn_diag d = { 0 };
	struct sbuf text, out, err;
	struct rk_data data;
	struct scn_script *s = NULL;
	const char *dir = NULL;
	char path[4096], why[256];
	enum scn_status st;
	bool differs = false;
	int errnum, rc = SCN_BAD_INPUT;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--all")) {
			o.all = true;
		} else if (!strcmp(a, "--policy")) {
			const struct policy_family *f;
			const struct policy *pol;
			char perr[512];
			size_t pos;

			if (i + 1 >= argc)
				return rk_usage("%s needs FAMILY=NAME", a);
			if (!policy_parse_one(argv[++i], &f, &pol, perr, sizeof(perr), &pos))
				return rk_usage("--policy: %s", perr);
			policy_set_put(&pols, f, pol);
			o.policies = &pols;
		} else if (!strcmp(a, "--figures")) {
			/* the patterns run to the next option */
			while (i + 1 < argc && argv[i + 1][0] != '-') {
				if (nfigs == 64)
					return rk_usage("%s: at most 64 patterns", a);
				figs[nfigs++] = argv[++i];
			}
			if (!nfigs)
				return rk_usage("%s needs a pattern (or all)", a);
			o.figures = figs;
		} else if (!strcmp(a, "--tolerance") || !strcmp(a, "--format")) {
			if (i + 1 >= argc)
				return rk_usage("%s needs a value", a);
			if (a[2] == 't' && !parse_tolerance(argv[++i], &o))
				return rk_usage("--tolerance: '%s' is not N or P%%", argv[i]);
			if (a[2] == 'f') {
				const char *f = argv[++i];

				if (strcmp(f, "text") && strcmp(f, "json"))
					return rk_usage("--format: '%s' is not text or json", f);
				o.json = !strcmp(f, "json");
			}
		} else if (a[0] == '-') {
			return rk_usage("unknown option '%s'", a);
		} else if (dir) {
			return rk_usage("unexpected argument '%s'", a);
		} else {
			dir = a;
		}
	}
	if (!dir)
		return rk_usage("%s needs the DIR tools/realkernel/run wrote", "diff-real");
	snprintf(path, sizeof(path), "%s/scenario.scn", dir);
	s = scn_parse_file(path, &d);
	if (!s) {
		print_diag(&d);
		return SCN_BAD_INPUT;
	}
	snprintf(path, sizeof(path), "%s/data.txt", dir);
	sb_init(&text);
	if (scn_read_text(path, &text, &errnum) != SCN_READ_OK) {
		fprintf(stderr, "mmsim: %s: cannot read the guest's data\n", path);
		goto out;
	}
	if (!rk_data_parse(text.buf ? text.buf : "", &data, why, sizeof(why))) {
		fprintf(stderr, "%s:%s\n", path, why + 5);	/* "line N: ..." -> "N: ..." */
		goto out;
	}
	sb_init(&out);
	sb_init(&err);
	st = rk_diff_run(s, &data, &o, &out, &err, &differs);
	fputs(out.buf ? out.buf : "", stdout);
	fputs(err.buf ? err.buf : "", stderr);
	sb_free(&out);
	sb_free(&err);
	rc = st == SCN_BAD_INPUT ? SCN_BAD_INPUT : st != SCN_OK || differs || !data.done;
	rk_data_free(&data);
out:
	sb_free(&text);
	scn_script_free(s);
	return rc;
}
