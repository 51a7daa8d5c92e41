// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli.c - option scanning shared by mmsim's commands (cli.h).
 */
#include <string.h>

#include "cli.h"

const char *cli_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	*missing = false;
	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n])	/* "-xVALUE" for a one-letter option; "--namefoo" is another word */
		return n == 2 && name[1] != '-' ? a + n : NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

const char *cli_valued(int argc, char **argv, int *i, const char *const *names,
		       const char **val, bool *missing)
{
	for (const char *const *o = names; *o; o++) {
		*val = cli_value(argc, argv, i, *o, missing);
		if (*val || *missing)
			return *o;
	}
	return NULL;
}

bool cli_flag(const char *a, struct cli_flags *f)
{
	if (!strcmp(a, "--check"))
		f->check = SCN_CHECK_STEPS;
	else if (!strcmp(a, "--no-check"))
		f->check = SCN_CHECK_OFF;
	else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
		f->quiet = true;
	else if (!strcmp(a, "--progress"))
		f->progress = true;
	else
		return false;
	return true;
}
