// SPDX-License-Identifier: GPL-2.0-only
/*
 * scn_lex.c - words and numbers of the scenario language.
 *
 * Lines are split the way a POSIX shell splits the small subset of shell
 * a scenario uses (`cat FILE`, `echo VALUE > FILE`), so those lines mean
 * the same thing when the file runs as a script in a real guest: blanks
 * separate words, quotes group them, '#' at the start of a word begins a
 * comment, '>' and '>>' redirect.  Everything else (gfp masks with '|',
 * sizes, key=value options) is an ordinary word.
 *
 * Numbers follow the kernel's conventions: decimal or 0x hex, and sizes
 * take memparse's K/M/G/T suffixes (powers of 1024, either case).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "scn.h"

void scn_diag_set(struct scn_diag *d, const char *file, int line, int col,
		  const char *fmt, ...)
{
	va_list ap;

	snprintf(d->file, sizeof(d->file), "%s", file ? file : "");
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}

void scn_diag_format(const struct scn_diag *d, struct sbuf *sb)
{
	if (d->col > 0)
		sb_printf(sb, "%s:%d:%d: %s\n", d->file, d->line, d->col, d->msg);
	else if (d->line > 0)
		sb_printf(sb, "%s:%d: %s\n", d->file, d->line, d->msg);
	else
		sb_printf(sb, "%s: %s\n", d->file, d->msg);
}

/* -------------------------------------------------------------------------
 * Tokenizer
 */
static void toks_push(struct scn_toks *t, enum scn_tok_kind kind, char *s, int col, bool quoted)
{
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		t->t = host_reallocarray(t->t, (size_t)cap, sizeof(*t->t), "reading the scenario");
		t->cap = cap;
	}
	t->t[t->n].kind = kind;
	t->t[t->n].s = s;
	t->t[t->n].col = col;
	t->t[t->n].quoted = quoted;
	t->n++;
}

void scn_toks_free(struct scn_toks *t)
{
	for (int i = 0; i < t->n; i++)
		host_free(t->t[i].s);
	host_free(t->t);
	t->t = NULL;
	t->n = t->cap = 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool all_digits(const struct sbuf *w)
{
	if (!w->len)
		return false;
	for (size_t i = 0; i < w->len; i++)
		if (!isdigit((unsigned char)w->buf[i]))
			return false;
	return true;
}

bool scn_tokenize(const char *line, struct scn_toks *out, int *col, char *msg, size_t msglen)
{
	const char *p = line;
	struct sbuf w;

	sb_init(&w);
	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p || *p == '\n' || *p == '#')
			break;
		int start = (int)(p - line) + 1;

		if (*p == '>') {
			bool app = p[1] == '>';

			toks_push(out, app ? SCN_TOK_APPEND : SCN_TOK_REDIR,
				  host_strdup(app ? ">>" : ">", "reading the scenario"), start, false);
			p += app ? 2 : 1;
			continue;
		}
		bool quoted = false;

		sb_reset(&w);
		sb_puts(&w, "");
		while (*p && *p != '\n' && !is_blank(*p) && *p != '>') {
			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');

				if (!q) {
					*col = (int)(p - line) + 1;
					snprintf(msg, msglen, "unterminated quote");
					sb_free(&w);
					return false;
				}
				sb_printf(&w, "%.*s", (int)(q - p - 1), p + 1);
				p = q + 1;
				quoted = true;
			} else if (*p == '"') {
				const char *q = p + 1;

				while (*q && *q != '"') {
					if (*q == '\\' && q[1] && strchr("\"\\$`", q[1]))
						q++;
					sb_printf(&w, "%c", *q);
					q++;
				}
				if (*q != '"') {
					*col = (int)(p - line) + 1;
					snprintf(msg, msglen, "unterminated quote");
					sb_free(&w);
					return false;
				}
				p = q + 1;
				quoted = true;
			} else if (*p == '\\' && p[1] && p[1] != '\n') {
				sb_printf(&w, "%c", p[1]);
				p += 2;
			} else {
				sb_printf(&w, "%c", *p);
				p++;
			}
		}
		if (*p == '>' && !quoted && all_digits(&w)) {
			/* A shell reads "1>" as a redirection of descriptor 1. */
			*col = start;
			snprintf(msg, msglen,
				 "'%s>' redirects file descriptor %s in a shell; "
				 "write '%s > FILE'", w.buf, w.buf, w.buf);
			sb_free(&w);
			return false;
		}
		toks_push(out, SCN_TOK_WORD, sb_steal(&w), start, quoted);
	}
	sb_free(&w);
	return true;
}

/* -------------------------------------------------------------------------
 * Numbers
 */
static bool parse_digits(const char *s, uint64_t *out, const char **end, const char **why)
{
	unsigned int base = 10;
	uint64_t v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!isxdigit((unsigned char)*p)) {
			*why = "malformed hex number";
			return false;
		}
	} else if (!isdigit((unsigned char)*p)) {
		*why = "expected a number";
		return false;
	}
	for (;; p++) {
		unsigned int d;

		if (isdigit((unsigned char)*p))
			d = (unsigned int)(*p - '0');
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = (unsigned int)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base) {
			*why = "number out of range";
			return false;
		}
		v = v * base + d;
	}
	*out = v;
	*end = p;
	return true;
}

bool scn_parse_u64(const char *s, uint64_t *out, const char **why)
{
	const char *end;

	if (!parse_digits(s, out, &end, why))
		return false;
	if (*end) {
		*why = "malformed number";
		return false;
	}
	return true;
}

bool scn_parse_size(const char *s, uint64_t *out, const char **why)
{
	const char *end;
	unsigned int shift = 0;
	uint64_t v;

	if (!parse_digits(s, &v, &end, why))
		return false;
	switch (*end) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	case '\0': break;
	default:
		*why = "malformed size (expected a number with an optional K, M, G or T suffix)";
		return false;
	}
	if (shift && end[1]) {
		*why = "malformed size (expected a number with an optional K, M, G or T suffix)";
		return false;
	}
	if (shift && v > (UINT64_MAX >> shift)) {
		*why = "size out of range";
		return false;
	}
	*out = v << shift;
	return true;
}

bool scn_is_ident(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

enum scn_read scn_read_text(const char *path, struct sbuf *sb, int *errnum)
{
	char chunk[65536];
	enum scn_read ret = SCN_READ_OK;
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f) {
		*errnum = errno;
		return SCN_READ_OPEN;
	}
	sb_puts(sb, "");
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (memchr(chunk, '\0', n)) {
			ret = SCN_READ_BINARY;
			break;
		}
		sb_printf(sb, "%.*s", (int)n, chunk);
	}
	if (ret == SCN_READ_OK && ferror(f)) {
		*errnum = errno;
		ret = SCN_READ_IO;
	}
	fclose(f);
	return ret;
}

/* -------------------------------------------------------------------------
 * Variables
 */
int scn_var_value_bad(const char *value)
{
	if (!*value)
		return 0;
	for (const char *c = value; *c; c++)
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f ||
		    strchr("'\"\\$#><;&()`", *c))
			return (int)(c - value);
	return -1;
}

bool scn_vars_put(struct scn_vars *v, const char *name, const char *value, char *err,
		  size_t errlen)
{
	int bad;

	if (!scn_is_ident(name) || strlen(name) >= SCN_VAR_NAME_MAX) {
		snprintf(err, errlen, "'%s' is not a variable name (letters, digits and '_', "
			 "not starting with a digit, at most %d)", name, SCN_VAR_NAME_MAX - 1);
		return false;
	}
	bad = scn_var_value_bad(value);
	if (bad >= 0) {
		if (!*value)
			snprintf(err, errlen, "%s: empty value", name);
		else
			snprintf(err, errlen, "%s=%s: a value is one word, without '%c'", name,
				 value, value[bad]);
		return false;
	}
	if (strlen(value) >= SCN_VAR_VALUE_MAX) {
		snprintf(err, errlen, "%s: value longer than %d characters", name,
			 SCN_VAR_VALUE_MAX - 1);
		return false;
	}
	if (scn_vars_get(v, name)) {
		snprintf(err, errlen, "%s given twice", name);
		return false;
	}
	if (v->n == SCN_SET_MAX) {
		snprintf(err, errlen, "at most %d variables", SCN_SET_MAX);
		return false;
	}
	snprintf(v->v[v->n].name, sizeof(v->v[v->n].name), "%s", name);
	snprintf(v->v[v->n].value, sizeof(v->v[v->n].value), "%s", value);
	v->n++;
	return true;
}

bool scn_vars_parse(struct scn_vars *v, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	char name[SCN_VAR_NAME_MAX];

	if (!eq || eq == spec) {
		snprintf(err, errlen, "'%s': expected NAME=VALUE", spec);
		return false;
	}
	if ((size_t)(eq - spec) >= sizeof(name)) {
		snprintf(err, errlen, "'%.*s' is not a variable name (at most %d characters)",
			 (int)(eq - spec), spec, SCN_VAR_NAME_MAX - 1);
		return false;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(eq - spec), spec);
	return scn_vars_put(v, name, eq + 1, err, errlen);
}

const char *scn_vars_get(const struct scn_vars *v, const char *name)
{
	for (unsigned int i = 0; v && i < v->n; i++)
		if (!strcmp(v->v[i].name, name))
			return v->v[i].value;
	return NULL;
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * A shell's view of the line: '...' quotes everything, "..." quotes but
 * expands, a backslash escapes the next character, '#' at the start of a
 * word (after a blank or a redirection) begins a comment, where nothing
 * expands.  '$' not followed by a name or '{' stays a '$'.
 */
bool scn_expand(const char *line, int lineno, scn_var_lookup look, void *priv, struct sbuf *out,
		struct scn_expansion **exp, int *nexp, int *cap, int *col, bool *unknown,
		char *msg, size_t msglen)
{
	bool single = false, dbl = false, word_start = true;
	const char *p = line;

	sb_reset(out);
	sb_puts(out, "");
	*unknown = false;
	while (*p) {
		const char *name, *end;
		const char *val;
		int idx = -1;

		if (!single && !dbl && is_blank(*p)) {
			word_start = true;
			sb_printf(out, "%c", *p++);
			continue;
		}
		if (!single && !dbl && *p == '#' && word_start) {
			sb_puts(out, p);
			break;
		}
		word_start = !single && !dbl && *p == '>';
		if (!single && *p == '\\' && p[1]) {
			sb_printf(out, "%c%c", p[0], p[1]);
			p += 2;
			continue;
		}
		if (*p == '\'' && !dbl)
			single = !single;
		else if (*p == '"' && !single)
			dbl = !dbl;
		if (single || *p != '$' || (!is_ident_start(p[1]) && p[1] != '{')) {
			sb_printf(out, "%c", *p++);
			continue;
		}
		/* $NAME or ${NAME} */
		if (p[1] == '{') {
			name = p + 2;
			for (end = name; is_ident_char(*end); end++)
				;
			if (end == name || !is_ident_start(*name) || *end != '}') {
				*col = (int)(p - line) + 1;
				snprintf(msg, msglen, "malformed '${': expected ${NAME}");
				return false;
			}
		} else {
			name = p + 1;
			for (end = name; is_ident_char(*end); end++)
				;
		}
		val = look(priv, name, (size_t)(end - name), &idx);
		if (!val) {
			*col = (int)(p - line) + 1;
			*unknown = true;
			snprintf(msg, msglen, "unknown variable '$%.*s'", (int)(end - name), name);
			return false;
		}
		if (*nexp == *cap) {
			*cap = *cap ? 2 * *cap : 8;
			*exp = host_reallocarray(*exp, (size_t)*cap, sizeof(**exp),
						 "reading the scenario");
		}
		(*exp)[*nexp] = (struct scn_expansion){
			.line = lineno,
			.col = (int)(p - line) + 1,
			.len = (int)(end - p) + (p[1] == '{'),
			.ecol = (int)out->len + 1,
			.elen = (int)strlen(val),
			.var = idx,
		};
		(*nexp)++;
		sb_puts(out, val);
		p = end + (p[1] == '{');
	}
	return true;
}

int scn_expansion_col(const struct scn_expansion *exp, int nexp, int line, int col)
{
	int shift = 0;

	if (col <= 0)
		return col;
	for (int i = 0; i < nexp; i++) {
		const struct scn_expansion *e = &exp[i];

		if (e->line != line)
			continue;
		if (col < e->ecol)
			break;
		if (col < e->ecol + e->elen)
			return e->col;
		shift += e->len - e->elen;
	}
	return col + shift;
}
