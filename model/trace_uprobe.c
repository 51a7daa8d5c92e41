// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_uprobe.c - uprobe trace events through tracefs
 * (kernel/trace/trace_uprobe.c, trace_probe.c and trace_dynevent.c, 6.1).
 *
 *   echo 'p:NAME /mnt/prog:0x1234' >> /sys/kernel/tracing/uprobe_events
 *   echo 1 > /sys/kernel/tracing/events/uprobes/NAME/enable
 *   echo 0 > /sys/kernel/tracing/events/uprobes/NAME/enable
 *   echo '-:NAME' >> /sys/kernel/tracing/uprobe_events
 *
 * Defining an event looks the file up (ENOENT when it does not exist)
 * and holds its inode; enabling it registers a uprobe consumer at the
 * offset (uprobe_register, which writes the breakpoints), disabling
 * unregisters it.  `>` opens uprobe_events with O_TRUNC, which first
 * deletes every uprobe event (EBUSY, and nothing written, when one is
 * enabled); `>>` appends.  Deleting an enabled event is EBUSY.
 *
 * The syntax is 6.1's: p|r[:[GRP/|GRP.]EVENT] PATH:OFFSET[%return], the
 * offset in C notation (kstrtoul base 0), '#' starts a comment, an empty
 * line does nothing; without a name the event is p_<file name up to the
 * first '.', '-' or '_'>_0x<offset>, group "uprobes".  Deleting:
 * -:[GRP/]EVENT [PATH:0xOFFSET], or -:GRP/ for a whole group.
 *
 * Not modelled, and refused when the scenario is read: fetch arguments
 * (FETCHARGS after the location) and reference counters (PATH:OFF(REF),
 * USDT semaphores).  A second probe under an existing name, which 6.1
 * appends to the event, is refused with EEXIST.  Nothing is traced (no
 * code runs in the model): uprobe_profile's hit counts stay 0.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace_uprobe.h"
#include "filemap.h"
#include "host.h"
#include "machine.h"
#include "module.h"
#include "sbuf.h"
#include "task.h"
#include "uprobes.h"

#define MAX_EVENT_NAME_LEN	64
#define UPROBE_EVENT_SYSTEM	"uprobes"
#define EVENTS_DIR		"/sys/kernel/tracing/events/"
#define MAX_PROBE_WORDS		8

/* One event with its one probe (a trace_uprobe and its trace_probe_event) */
struct trace_uprobe {
	char group[MAX_EVENT_NAME_LEN];
	char event[MAX_EVENT_NAME_LEN];
	bool is_return;
	char *filename;			/* as written */
	struct inode *inode;		/* tu->path: a reference */
	uint64_t offset;
	bool enabled;
	struct uprobe_consumer consumer;
};

struct trace_uprobe_ctx {
	struct trace_uprobe **ev;	/* dyn_event_list order: creation */
	unsigned int nr, cap;
};

static struct trace_uprobe_ctx *tu_ctx(struct machine *m)
{
	struct proc_ctx *pc = proc_ctx(m);

	if (!pc->trace_uprobes)
		pc->trace_uprobes = host_calloc(1, sizeof(*pc->trace_uprobes), "uprobe events");
	return pc->trace_uprobes;
}

static void free_trace_uprobe(struct machine *m, struct trace_uprobe *tu)
{
	iput(m, tu->inode);		/* path_put */
	host_free(tu->filename);
	host_free(tu);
}

void trace_uprobes_destroy(struct machine *m)
{
	struct trace_uprobe_ctx *c = m->procs ? m->procs->trace_uprobes : NULL;

	if (!c)
		return;
	/* the inodes go with the process layer: no iput here */
	for (unsigned int i = 0; i < c->nr; i++) {
		host_free(c->ev[i]->filename);
		host_free(c->ev[i]);
	}
	host_free(c->ev);
	host_free(c);
	m->procs->trace_uprobes = NULL;
}

/* ---- parsing a command (shared by the check and the write) ------------- */

/* A parsed command; its strings point into buf, a copy of the line split in place */
struct probe_cmd {
	bool del;
	bool is_return;
	const char *group;		/* NULL: the default (create) or any (delete) */
	char group_buf[MAX_EVENT_NAME_LEN];
	char event[MAX_EVENT_NAME_LEN];	/* create: empty until the default is made */
	const char *filename;
	uint64_t offset;
	int nargs;			/* words after the command word */
	const char *head;		/* delete: the PATH:0xOFFSET to match, or NULL */
	char *buf;
	int n;				/* the words */
	char *w[MAX_PROBE_WORDS];
	size_t pos[MAX_PROBE_WORDS];	/* where each starts in the line */
};

static void probe_cmd_free(struct probe_cmd *c)
{
	host_free(c->buf);
	c->buf = NULL;
}

static int cmd_error(int e, size_t pos, size_t *errpos, char *err, size_t errlen,
		     const char *fmt, const char *arg)
{
	*errpos = pos;
	snprintf(err, errlen, fmt, arg ? arg : "");
	return -e;
}

/* argv_split of the line up to a '#', into c->buf */
static int split_words(const char *line, struct probe_cmd *c, size_t *errpos, char *err,
		       size_t errlen)
{
	char *b = c->buf = host_strdup(line, "a uprobe_events command");
	size_t i = 0;

	c->n = 0;
	while (b[i] && b[i] != '#') {
		size_t s;

		while (b[i] && b[i] != '#' && isspace((unsigned char)b[i]))
			i++;
		if (!b[i] || b[i] == '#')
			break;
		s = i;
		while (b[i] && b[i] != '#' && !isspace((unsigned char)b[i]))
			i++;
		if (c->n == MAX_PROBE_WORDS)
			return cmd_error(EINVAL, s, errpos, err, errlen,
					 "fetch arguments are not modelled%s", NULL);
		c->w[c->n] = b + s;
		c->pos[c->n++] = s;
		if (b[i] == '#') {
			b[i] = 0;
			break;
		}
		if (b[i])
			b[i++] = 0;
	}
	return 0;
}

/* __is_good_name: [A-Za-z_][A-Za-z0-9_]*, '-' too in a group name */
static bool good_name(const char *name, bool group)
{
	if (!isalpha((unsigned char)*name) && *name != '_' && (!group || *name != '-'))
		return false;
	while (*++name)
		if (!isalnum((unsigned char)*name) && *name != '_' && (!group || *name != '-'))
			return false;
	return true;
}

/* traceprobe_parse_event_name: [GRP/|GRP.]EVENT; an empty EVENT after a group is allowed */
static int parse_event_name(struct probe_cmd *c, const char *name, size_t pos, size_t *errpos,
			    char *err, size_t errlen)
{
	const char *slash = strchr(name, '/');
	size_t len;

	if (!slash)
		slash = strchr(name, '.');
	if (slash) {
		if (slash == name)
			return cmd_error(EINVAL, pos, errpos, err, errlen, "no group name%s", NULL);
		if ((size_t)(slash - name) + 1 > MAX_EVENT_NAME_LEN)
			return cmd_error(EINVAL, pos, errpos, err, errlen,
					 "group name is too long%s", NULL);
		memcpy(c->group_buf, name, (size_t)(slash - name));
		c->group_buf[slash - name] = 0;
		if (!good_name(c->group_buf, true))
			return cmd_error(EINVAL, pos, errpos, err, errlen,
					 "group name '%s' has characters an event name cannot have",
					 c->group_buf);
		c->group = c->group_buf;
		pos += (size_t)(slash - name) + 1;
		name = slash + 1;
	}
	len = strlen(name);
	if (!len) {
		if (slash)
			return 0;	/* the default name */
		return cmd_error(EINVAL, pos, errpos, err, errlen, "no event name%s", NULL);
	}
	if (len >= MAX_EVENT_NAME_LEN)
		return cmd_error(EINVAL, pos, errpos, err, errlen, "event name is too long%s", NULL);
	if (!good_name(name, false))
		return cmd_error(EINVAL, pos, errpos, err, errlen,
				 "bad event name '%s': letters, digits and '_', not starting "
				 "with a digit", name);
	memcpy(c->event, name, len + 1);
	return 0;
}

/*
 * Parse one line written to uprobe_events.  0 with *c filled, 1 for an
 * empty line, or a negative errno with *errpos and err; probe_cmd_free
 * in every case.
 */
static int parse_probe_cmd(const char *line, struct probe_cmd *c, size_t *errpos, char *err,
			   size_t errlen)
{
	struct probe_cmd *w = c;
	char *colon, *arg, *tmp;
	size_t apos;
	unsigned long long off = 0;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = split_words(line, c, errpos, err, errlen);
	if (ret)
		return ret;
	if (!w->n)
		return 1;
	if (w->w[0][0] == '-') {
		/* dyn_event_release: -:[GRP/]EVENT [PATH:0xOFFSET] */
		const char *ev = w->w[0] + 2, *slash;

		c->del = true;
		if (w->w[0][1] != ':')
			return cmd_error(EINVAL, w->pos[0], errpos, err, errlen,
					 "expected -:[GROUP/]EVENT%s", NULL);
		slash = strchr(ev, '/');
		if (slash) {
			size_t gl = (size_t)(slash - ev);

			if (gl >= sizeof(c->group_buf))
				return cmd_error(EINVAL, w->pos[0] + 2, errpos, err, errlen,
						 "group name is too long%s", NULL);
			memcpy(c->group_buf, ev, gl);
			c->group_buf[gl] = 0;
			c->group = c->group_buf;
			ev = slash + 1;
		}
		if (!c->group && !*ev)
			return cmd_error(EINVAL, w->pos[0] + 2, errpos, err, errlen,
					 "no event name%s", NULL);
		if (strlen(ev) >= sizeof(c->event))
			return cmd_error(EINVAL, w->pos[0] + 2, errpos, err, errlen,
					 "event name is too long%s", NULL);
		strcpy(c->event, ev);
		c->nargs = w->n - 1;
		c->head = w->n > 1 ? w->w[1] : NULL;
		return 0;
	}
	switch (w->w[0][0]) {
	case 'r':
		c->is_return = true;
		break;
	case 'p':
		break;
	default:
		return cmd_error(EINVAL, w->pos[0], errpos, err, errlen,
				 "expected p, r or - to start the command, got '%s'", w->w[0]);
	}
	if (w->n < 2)
		return cmd_error(EINVAL, w->pos[0] + strlen(w->w[0]), errpos, err, errlen,
				 "missing PATH:OFFSET%s", NULL);
	if (!strchr(w->w[1], '/'))
		return cmd_error(EINVAL, w->pos[1], errpos, err, errlen,
				 "expected PATH:OFFSET with a path, got '%s'", w->w[1]);
	colon = strrchr(w->w[1], ':');
	if (!colon || !isdigit((unsigned char)colon[1]))
		return cmd_error(EINVAL, colon ? w->pos[1] + (size_t)(colon - w->w[1]) + 1 : w->pos[1],
				 errpos, err, errlen, "expected PATH:OFFSET, got '%s'", w->w[1]);
	*colon = 0;
	c->filename = w->w[1];
	arg = colon + 1;
	apos = w->pos[1] + (size_t)(arg - w->w[1]);
	if ((tmp = strchr(arg, '(')) != NULL)
		return cmd_error(EINVAL, apos + (size_t)(tmp - arg), errpos, err, errlen,
				 "reference counters (USDT semaphores) are not modelled%s", NULL);
	if ((tmp = strchr(arg, '%')) != NULL) {
		if (strcmp(tmp, "%return"))
			return cmd_error(EINVAL, apos + (size_t)(tmp - arg), errpos, err, errlen,
					 "unknown suffix '%s' (only %%return)", tmp);
		*tmp = 0;
		c->is_return = true;
	}
	ret = kstrtoull(arg, 0, &off);
	c->offset = off;
	if (ret)
		return cmd_error(-ret, apos, errpos, err, errlen,
				 ret == -ERANGE ? "offset '%s' is out of range" :
				 "bad offset '%s'", arg);
	if (w->w[0][1] == ':') {
		ret = parse_event_name(c, w->w[0] + 2, w->pos[0] + 2, errpos, err, errlen);
		if (ret)
			return ret;
	}
	if (w->n > 2)
		return cmd_error(EINVAL, w->pos[2], errpos, err, errlen,
				 "fetch arguments are not modelled ('%s')", w->w[2]);
	if (!c->event[0]) {
		/* p_<basename up to the first '.', '-' or '_'>_0x<offset>, 'p' even for 'r' */
		const char *base = strrchr(c->filename, '/') + 1;
		size_t tl = strcspn(base, ".-_");

		snprintf(c->event, sizeof(c->event), "p_%.*s_0x%llx", (int)tl, base,
			 (unsigned long long)c->offset);
	}
	return 0;
}

/* ---- the event table ---------------------------------------------------- */

static struct trace_uprobe *find_event(struct machine *m, const char *group, const char *event)
{
	struct trace_uprobe_ctx *c = tu_ctx(m);

	for (unsigned int i = 0; i < c->nr; i++)
		if (!strcmp(c->ev[i]->group, group) && !strcmp(c->ev[i]->event, event))
			return c->ev[i];
	return NULL;
}

static void remove_event(struct machine *m, unsigned int i)
{
	struct trace_uprobe_ctx *c = tu_ctx(m);
	struct trace_uprobe *tu = c->ev[i];

	memmove(&c->ev[i], &c->ev[i + 1], (c->nr - i - 1) * sizeof(*c->ev));
	c->nr--;
	free_trace_uprobe(m, tu);
}

/* Is path a directory of the model (a mount point, or /)? */
static bool is_directory(struct machine *m, const char *path)
{
	struct proc_ctx *pc = proc_ctx(m);

	if (!strcmp(path, "/"))
		return true;
	for (unsigned int i = 0; i < pc->nr_mounts; i++)
		if (!strcmp(pc->mounts[i]->dir, path))
			return true;
	return false;
}

static int create_event(struct machine *m, const struct mm_file_args *a,
			const struct probe_cmd *cmd,
			char *err, size_t errlen)
{
	struct trace_uprobe_ctx *c = tu_ctx(m);
	const char *group = cmd->group ? cmd->group : UPROBE_EVENT_SYSTEM;
	struct inode *inode = inode_lookup(m, cmd->filename);
	struct trace_uprobe *tu;

	if (!inode)			/* kern_path */
		return mm_file_error(a, is_directory(m, cmd->filename) ? EINVAL : ENOENT,
				     is_directory(m, cmd->filename) ? "not a regular file" :
				     "no such file", err, errlen);
	if (find_event(m, group, cmd->event))
		return mm_file_error(a, EEXIST, "an event of that name exists (more probes "
				     "under one name are not modelled)", err, errlen);
	tu = host_calloc(1, sizeof(*tu), "a uprobe event");
	snprintf(tu->group, sizeof(tu->group), "%s", group);
	snprintf(tu->event, sizeof(tu->event), "%s", cmd->event);
	tu->is_return = cmd->is_return;
	tu->filename = host_strdup(cmd->filename, "a uprobe event");
	tu->inode = inode;
	inode->refcount++;		/* kern_path: the event holds the file */
	tu->offset = cmd->offset;
	if (c->nr == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->ev = host_reallocarray(c->ev, c->cap, sizeof(*c->ev), "uprobe events");
	}
	c->ev[c->nr++] = tu;
	return 0;
}

/* trace_uprobe_match_command_head: PATH:0x%016lx, nothing after it */
static bool head_matches(const struct trace_uprobe *tu, const struct probe_cmd *cmd)
{
	size_t len = strlen(tu->filename);
	char off[32];

	if (!cmd->nargs)
		return true;
	if (cmd->nargs > 1)
		return false;		/* fetch arguments: the model's events have none */
	snprintf(off, sizeof(off), "0x%016llx", (unsigned long long)tu->offset);
	return !strncmp(tu->filename, cmd->head, len) && cmd->head[len] == ':' &&
	       !strcmp(cmd->head + len + 1, off);
}

static int delete_events(struct machine *m, const struct mm_file_args *a,
			 const struct probe_cmd *cmd, char *err, size_t errlen)
{
	struct trace_uprobe_ctx *c = tu_ctx(m);
	int ret = -ENOENT;

	for (unsigned int i = 0; i < c->nr;) {
		struct trace_uprobe *tu = c->ev[i];

		if ((cmd->event[0] && strcmp(tu->event, cmd->event)) ||
		    (cmd->group && strcmp(tu->group, cmd->group)) || !head_matches(tu, cmd)) {
			i++;
			continue;
		}
		if (tu->enabled)
			return mm_file_error(a, EBUSY, "the event is enabled", err, errlen);
		remove_event(m, i);
		ret = 0;
	}
	if (ret)
		return mm_file_error(a, ENOENT, "no such event", err, errlen);
	return 0;
}

/* ---- uprobe_events -------------------------------------------------------- */

static bool uprobe_events_show(struct machine *m, const struct mm_file_args *a, struct sbuf *sb)
{
	struct trace_uprobe_ctx *c = m->procs ? m->procs->trace_uprobes : NULL;

	for (unsigned int i = 0; c && i < c->nr; i++) {
		struct trace_uprobe *tu = c->ev[i];

		sb_printf(sb, "%c:%s/%s %s:0x%016llx\n", tu->is_return ? 'r' : 'p', tu->group,
			  tu->event, tu->filename, (unsigned long long)tu->offset);
	}
	sb_puts(sb, "");
	return true;
}

static int uprobe_events_check(const struct mm_file_args *a, const char *val, size_t *errpos,
			       char *err, size_t errlen)
{
	struct probe_cmd cmd;
	int ret = parse_probe_cmd(val, &cmd, errpos, err, errlen);

	probe_cmd_free(&cmd);
	return ret < 0 ? ret : 0;
}

static int uprobe_events_store(struct machine *m, const struct mm_file_args *a, const char *val,
			       char *err, size_t errlen)
{
	struct probe_cmd cmd;
	struct trace_uprobe_ctx *c = tu_ctx(m);
	char what[256];
	size_t pos;
	int ret;

	if (!a->append) {
		/* probes_open with O_TRUNC: every uprobe event goes, or none */
		for (unsigned int i = 0; i < c->nr; i++)
			if (c->ev[i]->enabled)
				return mm_file_error(a, EBUSY, "an event is enabled", err, errlen);
		while (c->nr)
			remove_event(m, c->nr - 1);
	}
	ret = parse_probe_cmd(val, &cmd, &pos, what, sizeof(what));
	if (ret < 0)
		ret = mm_file_error(a, -ret, what, err, errlen);
	else if (ret > 0)
		ret = 0;
	else if (cmd.del)
		ret = delete_events(m, a, &cmd, err, errlen);
	else
		ret = create_event(m, a, &cmd, err, errlen);
	probe_cmd_free(&cmd);
	return ret;
}

static bool uprobe_profile_show(struct machine *m, const struct mm_file_args *a, struct sbuf *sb)
{
	struct trace_uprobe_ctx *c = m->procs ? m->procs->trace_uprobes : NULL;

	for (unsigned int i = 0; c && i < c->nr; i++)
		sb_printf(sb, "  %s %-44s %15lu\n", c->ev[i]->filename, c->ev[i]->event, 0UL);
	sb_puts(sb, "");
	return true;
}

/* ---- events/GROUP/EVENT/enable ------------------------------------------- */

/* The event an enable path names, or NULL */
static struct trace_uprobe *event_of_path(struct machine *m, const char *path)
{
	const char *g = path + strlen(EVENTS_DIR), *e = strchr(g, '/'), *end;
	char group[MAX_EVENT_NAME_LEN], event[MAX_EVENT_NAME_LEN];

	if (!m->procs || !m->procs->trace_uprobes || !e)
		return NULL;
	end = strchr(e + 1, '/');
	if (!end || (size_t)(e - g) >= sizeof(group) || (size_t)(end - e - 1) >= sizeof(event))
		return NULL;
	memcpy(group, g, (size_t)(e - g));
	group[e - g] = 0;
	memcpy(event, e + 1, (size_t)(end - e - 1));
	event[end - e - 1] = 0;
	return find_event(m, group, event);
}

static bool enable_show(struct machine *m, const struct mm_file_args *a, struct sbuf *sb)
{
	struct trace_uprobe *tu = event_of_path(m, a->path);

	if (!tu)
		return false;
	sb_printf(sb, "%d\n", tu->enabled);
	return true;
}

/* event_enable_write: kstrtoul base 10, then 0 or 1 */
static int enable_value(const char *val, unsigned long *v)
{
	const char *p = val;

	*v = 0;
	if (*p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (*v > 1)
			return -EINVAL;
		*v = *v * 10 + (unsigned long)(*p - '0');
	}
	if (*p == '\n')
		p++;
	return *p || *v > 1 ? -EINVAL : 0;
}

static int enable_check(const struct mm_file_args *a, const char *val, size_t *errpos,
			char *err, size_t errlen)
{
	unsigned long v;

	*errpos = 0;
	if (enable_value(val, &v)) {
		snprintf(err, errlen, "an event's enable takes 0 or 1, not '%s'", val);
		return -EINVAL;
	}
	return 0;
}

static int enable_store(struct machine *m, const struct mm_file_args *a, const char *val,
			char *err, size_t errlen)
{
	struct trace_uprobe *tu = event_of_path(m, a->path);
	unsigned long v;
	int ret;

	if (!tu)
		return -ENOENT;
	if (enable_value(val, &v))
		return mm_file_error(a, EINVAL, "0 or 1", err, errlen);
	if (v == tu->enabled)
		return 0;
	if (!v) {
		/* probe_event_disable */
		uprobe_unregister(m, tu->inode, tu->offset, &tu->consumer);
		tu->enabled = false;
		return 0;
	}
	/* probe_event_enable: registration happens now */
	ret = uprobe_register(m, tu->inode, tu->offset, &tu->consumer);
	if (ret == -ENOTSUPP) {
		snprintf(err, errlen, "%s: write error: Unknown error %d (the instruction at the "
			 "offset is a breakpoint)", a->path, ENOTSUPP);
		return ret;
	}
	if (ret)
		return mm_file_error(a, -ret, ret == -EINVAL ? "the offset is beyond the end of "
				     "the file" : ret == -EIO ? "nothing to read at the offset" :
				     "uprobe_register failed", err, errlen);
	tu->enabled = true;
	return 0;
}

static const struct mm_file trace_uprobe_files[] = {
	{ .pattern = "/sys/kernel/tracing/uprobe_events", .show = uprobe_events_show,
	  .store = uprobe_events_store, .check = uprobe_events_check },
	{ .pattern = "/sys/kernel/tracing/uprobe_profile", .show = uprobe_profile_show },
	{ .pattern = EVENTS_DIR "%S/%S/enable", .show = enable_show, .store = enable_store,
	  .check = enable_check },
};

const struct mm_module mm_module_trace_uprobe = {
	.name = "trace_uprobe",
	.files = trace_uprobe_files,
	.nr_files = ARRAY_SIZE(trace_uprobe_files),
};
