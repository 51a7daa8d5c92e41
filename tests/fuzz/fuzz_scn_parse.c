// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_scn_parse.c - libFuzzer target: the scenario parser.
 *
 * The input is scenario text.  scn_parse_string either returns a script,
 * which is freed, or NULL with a diagnostic, which is formatted.  A crash,
 * a sanitizer report or a leak is a finding, and so is a refusal without a
 * message or without a line: the user would get "file:0:0: " and nothing
 * to go on.  Nothing runs; fuzz_scn_run does that.
 */
#include <stdio.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct scn_script *s;
	struct scn_diag d;

	if (!fuzz_replay_ok(text)) {
		free(text);
		return 0;
	}
	s = scn_parse_string(FUZZ_SCN_FILE, text, &d);
	if (s) {
		scn_script_free(s);
	} else {
		struct sbuf sb;

		if (!d.msg[0] || d.line < 1) {
			fprintf(stderr, "fuzz_scn_parse: refused without a message or a line: "
				"%s:%d:%d: '%s'\n", d.file, d.line, d.col, d.msg);
			abort();
		}
		sb_init(&sb);
		scn_diag_format(&d, &sb);
		sb_free(&sb);
	}
	free(text);
	return 0;
}
