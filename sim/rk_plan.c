// SPDX-License-Identifier: GPL-2.0-only
/*
 * rk_plan.c - a scenario as a real guest runs it: the /init script, the
 * qemu machine and the kernel command line (realkernel.h).
 *
 * The scenario language spells kernel-file lines as a shell does, so most
 * of a scenario is already a shell script; this file frames each of those
 * lines so that what it prints reaches the host on the data port with
 * the scenario line it belongs to, and translates the rest:
 *
 *   machine, node, distance   qemu's -smp/-m/-numa (one memory backend per
 *                             node, reserve=off so a 128 GiB guest costs the
 *                             host only what the guest touches)
 *   cmdline                   appended to the kernel command line as written
 *   cpu N                     taskset of the init shell (CPU k is guest CPU
 *                             k + 1, realkernel.h)
 *   drain                     every CPU that can go offline goes offline and
 *                             back: 6.1 and 6.12 have no file that drains the
 *                             per-cpu lists, but a CPU going offline drains its
 *                             own (page_alloc_cpu_dead -> drain_pages)
 *   compact [node=N]          /proc/sys/vm/compact_memory or the node's compact
 *   snapshot NAME [FILE...]   a dump of the files the model's snapshot figures
 *                             come from, plus the FILEs
 *   expect ...                the files its counters come from, read at its
 *                             line: diff-real evaluates it on the kernel's
 *   mount, truncate, rm       run as written (busybox has them)
 *   process, NAME: call(...)  tools/realkernel/guest.c, one real process per
 *                             scenario process, driven through FIFOs
 *
 * Lines that stand for something no file or command does in a guest
 * (alloc, free, fill, replay: allocations from inside the kernel) are
 * refused before anything boots, as are machine shapes qemu cannot give
 * (hole, reserve, movable=).  Lines
 * that only steer or print the model (seed, policy, print ...) are left
 * out and listed in the plan's notes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "realkernel.h"

void rk_plan_init(struct rk_plan *p)
{
	memset(p, 0, sizeof(*p));
	sb_init(&p->init);
	sb_init(&p->qemu);
	sb_init(&p->cmdline);
	sb_init(&p->notes);
}

void rk_plan_free(struct rk_plan *p)
{
	sb_free(&p->init);
	sb_free(&p->qemu);
	sb_free(&p->cmdline);
	sb_free(&p->notes);
}

/* @s as one sh word in single quotes */
static void sh_quote(struct sbuf *sb, const char *s)
{
	sb_puts(sb, "'");
	for (; *s; s++) {
		if (*s == '\'')
			sb_puts(sb, "'\\''");
		else
			sb_printf(sb, "%c", *s);
	}
	sb_puts(sb, "'");
}

/* Everything before the first line: the shell's set-up and the helpers */
static const char init_head[] =
	"#!/bin/busybox sh\n"
	"/bin/busybox --install -s /bin\n"
	"export PATH=/bin\n"
	"mount -t proc proc /proc\n"
	"mount -t sysfs sysfs /sys\n"
	"mount -t devtmpfs devtmpfs /dev\n"
	"mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null\n"
	"mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null\n"
	"stty -F /dev/ttyS1 raw -echo\n"
	"exec 3>/dev/ttyS1\n"
	"\n"
	"# rk_cat LINE FILE: the file's text, framed.  Read with the shell's own\n"
	"# read and echo: a cat process would be counted (its page tables, its\n"
	"# pages) in the very figures it reads.  Except /proc/sys: the shell reads\n"
	"# one byte per read(), and a sysctl answers only a read at offset 0 (936\n"
	"# hugepages would read as 9), so those take busybox's cat, a process\n"
	"# (this busybox has no NOFORK applets in its shell)\n"
	"rk_cat() {\n"
	"\techo \"@@mmsim cat $1 $2\" >&3\n"
	"\trk_path \"$2\"\n"
	"\tif [ -r \"$rk_f\" ] && [ ! -d \"$rk_f\" ]; then\n"
	"\t\tcase $rk_f in\n"
	"\t\t/proc/sys/*) cat \"$rk_f\" ;;\n"
	"\t\t*) while IFS= read -r rk_l || [ -n \"$rk_l\" ]; do echo \"$rk_l\"; done < \"$rk_f\" ;;\n"
	"\t\tesac >&3\n"
	"\t\trk_rc=$?\n"
	"\telse\n"
	"\t\techo \"cat: can't open '$2'\" >&3\n"
	"\t\trk_rc=1\n"
	"\tfi\n"
	"\techo >&3\n"
	"\techo \"@@mmsim end $rk_rc\" >&3\n"
	"}\n"
	"# rk_do KIND LINE WHAT CMD: run CMD, its output and errors framed\n"
	"rk_do() {\n"
	"\techo \"@@mmsim $1 $2 $3\" >&3\n"
	"\teval \"$4\" >&3 2>&3\n"
	"\trk_rc=$?\n"
	"\techo >&3\n"
	"\techo \"@@mmsim end $rk_rc\" >&3\n"
	"}\n"
	"# rk_snapshot LINE NAME [FILE...]: the files snapshot figures come from\n"
	"rk_snapshot() {\n"
	"\trk_line=$1\n"
	"\techo \"@@mmsim snapshot $1 $2\" >&3\n"
	"\tshift 2\n"
	"\tfor f in /proc/buddyinfo /proc/pagetypeinfo /proc/zoneinfo /proc/meminfo /proc/vmstat; do\n"
	"\t\trk_cat $rk_line $f\n"
	"\tdone\n"
	"\tfor d in /sys/kernel/mm/hugepages/hugepages-*; do\n"
	"\t\tfor f in nr_hugepages free_hugepages resv_hugepages surplus_hugepages nr_overcommit_hugepages; do\n"
	"\t\t\t[ -e $d/$f ] && rk_cat $rk_line $d/$f\n"
	"\t\tdone\n"
	"\tdone\n"
	"\tfor d in /sys/devices/system/node/node*/hugepages/hugepages-*; do\n"
	"\t\tfor f in nr_hugepages free_hugepages surplus_hugepages; do\n"
	"\t\t\t[ -e $d/$f ] && rk_cat $rk_line $d/$f\n"
	"\t\tdone\n"
	"\tdone\n"
	"\tfor f in \"$@\"; do\n"
	"\t\trk_cat $rk_line \"$f\"\n"
	"\tdone\n"
	"}\n"
	"# rk_process LINE NAME: a new process (tools/realkernel/guest.c)\n"
	"rk_process() {\n"
	"\tmkdir -p /run/rk\n"
	"\t/bin/mmsim-guest serve $2 /run/rk &\n"
	"\twhile [ ! -e /run/rk/$2.pid ]; do :; done\n"
	"\tread -r rk_pid < /run/rk/$2.pid\n"
	"\techo \"@@mmsim note line $1: process $2 is pid $rk_pid\" >&3\n"
	"}\n"
	"# rk_dead PID: PID is gone or a zombie.  Every helper a call runs is the\n"
	"# shell's own (read, test, echo, printf): a grep or cat process per call\n"
	"# would allocate and free pages on the scenario's CPU thousands of times\n"
	"rk_dead() {\n"
	"\t[ -e /proc/$1/status ] || return 0\n"
	"\twhile read -r rk_k rk_v rk_rest; do\n"
	"\t\t[ \"$rk_k\" = State: ] || continue\n"
	"\t\t[ \"$rk_v\" = Z ]; return\n"
	"\tdone 2>/dev/null < /proc/$1/status\n"
	"\treturn 0\n"
	"}\n"
	"# rk_gone PID: its address space is gone (it is a zombie or reaped)\n"
	"rk_gone() {\n"
	"\twhile ! rk_dead $1; do :; done\n"
	"}\n"
	"# rk_call LINE PROC VAR CMD: PROC runs CMD; VAR (or -) gets the result;\n"
	"# a process that is gone (killed earlier) answers D\n"
	"rk_call() {\n"
	"\tread -r rk_pid < /run/rk/$2.pid\n"
	"\tif rk_dead $rk_pid; then\n"
	"\t\tprintf '@@mmsim call %s %s\\nD\\n\\n@@mmsim end 0\\n' \"$1\" \"$2\" >&3\n"
	"\t\treturn\n"
	"\tfi\n"
	"\techo \"$4\" > /run/rk/$2.cmd\n"
	"\tread rk_ans < /run/rk/$2.ack\n"
	"\tprintf '@@mmsim call %s %s\\n%s\\n\\n@@mmsim end 0\\n' \"$1\" \"$2\" \"$rk_ans\" >&3\n"
	"\tset -- \"$1\" \"$2\" \"$3\" $rk_ans\n"
	"\tcase $4 in\n"
	"\tR) [ \"$3\" = - ] || eval \"v_$3=$5\" ;;\n"
	"\t*) rk_gone $rk_pid ;;\n"
	"\tesac\n"
	"}\n"
	"# rk_path PATH: rk_f becomes PATH, /proc/NAME/... of a scenario process\n"
	"# as /proc/PID/...; no command substitution, which would fork a subshell\n"
	"rk_path() {\n"
	"\trk_f=$1\n"
	"\tcase $1 in\n"
	"\t/proc/*/*)\n"
	"\t\trk_n=${1#/proc/}; rk_n=${rk_n%%/*}\n"
	"\t\tif [ -e /run/rk/$rk_n.pid ]; then\n"
	"\t\t\tread -r rk_p < /run/rk/$rk_n.pid\n"
	"\t\t\trk_f=/proc/$rk_p/${1#/proc/$rk_n/}\n"
	"\t\tfi ;;\n"
	"\tesac\n"
	"}\n"
	"# rk_cpu GUEST_CPU: the init shell and everything it starts run there\n"
	"rk_cpu() {\n"
	"\trk_cur=$1\n"
	"\ttaskset -p -c $1 $$ >/dev/null\n"
	"}\n"
	"# rk_drain LINE: each CPU that can go offline does, and comes back; going\n"
	"# offline drains its per-cpu lists (page_alloc_cpu_dead).  CPU 0 cannot,\n"
	"# and runs nothing of the scenario\n"
	"rk_drain() {\n"
	"\ttaskset -p -c 0 $$ >/dev/null\n"
	"\trk_n=0\n"
	"\tfor c in /sys/devices/system/cpu/cpu[0-9]*; do\n"
	"\t\t[ -e $c/online ] || continue\n"
	"\t\techo 0 > $c/online && echo 1 > $c/online && rk_n=$((rk_n + 1))\n"
	"\tdone\n"
	"\ttaskset -p -c $rk_cur $$ >/dev/null\n"
	"\techo \"@@mmsim note line $1: drain: $rk_n cpus offline and back\" >&3\n"
	"}\n"
	"\n"
	"echo \"@@mmsim begin $(uname -r)\" >&3\n"
	"echo \"@@mmsim cmdline $(cat /proc/cmdline)\" >&3\n";

static const char init_tail[] =
	"\n"
	"echo \"@@mmsim done\" >&3\n"
	"exec 3>&-\n"
	"poweroff -f\n";

struct planner {
	const struct scn_script *s;
	struct rk_plan *p;
	struct scn_diag *d;
	int line;
};

static int refuse(struct planner *pl, int col, const char *why)
{
	scn_diag_set(pl->d, pl->s->file, pl->line, col, "not runnable on a real kernel: %s", why);
	return SCN_BAD_INPUT;
}

static void note(struct planner *pl, const char *what)
{
	sb_printf(&pl->p->notes, "line %d: %s\n", pl->line, what);
}

/* The token whose text starts with @prefix, or NULL */
static const struct scn_tok *tok_with(const struct scn_toks *tk, const char *prefix)
{
	for (int i = 1; i < tk->n; i++)
		if (!strncmp(tk->t[i].s, prefix, strlen(prefix)))
			return &tk->t[i];
	return NULL;
}

static bool is_description(const char *verb)
{
	static const char *const verbs[] = { "machine", "node", "hole", "reserve", "distance",
					     "cmdline", "seed", "policy", NULL };

	for (const char *const *v = verbs; *v; v++)
		if (!strcmp(verb, *v))
			return true;
	return false;
}

bool rk_counter_file(const char *name, char *path, size_t len)
{
	static const struct { const char *prefix, *file; } files[] = {
		{ "meminfo.", "/proc/meminfo" }, { "vmstat.", "/proc/vmstat" },
		{ "buddyinfo.", "/proc/buddyinfo" }, { "pagetypeinfo.", "/proc/pagetypeinfo" },
		{ "blocks.", "/proc/pagetypeinfo" }, { "zoneinfo.", "/proc/zoneinfo" },
		{ "unusable_index.", "/sys/kernel/debug/extfrag/unusable_index" },
		{ "extfrag_index.", "/sys/kernel/debug/extfrag/extfrag_index" },
	};
	char a[64], b[64], c[64];
	int nid;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!strncmp(name, files[i].prefix, strlen(files[i].prefix))) {
			snprintf(path, len, "%s", files[i].file);
			return true;
		}
	if (sscanf(name, "hugepages.%d.%63[0-9kB].%63s", &nid, a, b) == 3) {
		snprintf(path, len, "/sys/devices/system/node/node%d/hugepages/hugepages-%s/%s",
			 nid, a, b);
		return true;
	}
	if (sscanf(name, "hugepages.%63[0-9kB].%63s", a, b) == 2 && strchr(a, 'k')) {
		snprintf(path, len, "/sys/kernel/mm/hugepages/hugepages-%s/%s", a, b);
		return true;
	}
	if (sscanf(name, "proc.%63[^.].%63s", a, c) == 2) {
		/* status has Vm*, Rss* and HugetlbPages; smaps_rollup the rest */
		bool status = !strncmp(c, "Vm", 2) || !strcmp(c, "HugetlbPages") ||
			      (!strncmp(c, "Rss", 3) && c[3]);

		snprintf(path, len, "/proc/%s/%s", a, status ? "status" : "smaps_rollup");
		return true;
	}
	return false;
}

/* machine, node, hole, reserve, distance, cmdline, seed, policy */
static int plan_description(struct planner *pl, const struct scn_toks *tk)
{
	const char *v = tk->t[0].s;
	const struct scn_tok *t;

	if (!strcmp(v, "machine")) {
		t = tok_with(tk, "struct_page_size=");
		if (t && strcmp(t->s, "struct_page_size=64"))
			return refuse(pl, t->col, "x86_64 kernels have 64-byte struct pages");
		t = tok_with(tk, "holes=");
		if (t && strcmp(t->s, "holes=q35"))
			return refuse(pl, t->col, "a q35 guest always has its e820 holes");
		if (tok_with(tk, "kernel="))
			note(pl, "machine kernel=: the model's stand-in for the kernel image; "
				 "the guest has its own");
		t = tok_with(tk, "deferred_struct_page_init=");
		if (t && strchr("nN0", t->s[strlen("deferred_struct_page_init=")]))
			note(pl, "machine deferred_struct_page_init=n: Debian's kernels defer it, so "
				 "the guest's boot-reserved pageblocks past each node's first section "
				 "stay Unmovable where the model's are Movable");
		t = tok_with(tk, "kernel_alloc=");
		if (t && strchr("nN0", t->s[strlen("kernel_alloc=")]))
			note(pl, "machine kernel_alloc=n: a real kernel allocates its slab, stacks, "
				 "hash tables and buffers at boot, the model's machine does not");
		return 0;
	}
	if (!strcmp(v, "node")) {
		t = tok_with(tk, "movable=");
		if (t)
			return refuse(pl, t->col, "qemu cannot place ZONE_MOVABLE on part of a node");
		return 0;
	}
	if (!strcmp(v, "hole"))
		return refuse(pl, tk->t[0].col, "qemu lays out guest memory itself");
	if (!strcmp(v, "reserve"))
		return refuse(pl, tk->t[0].col, "memblock reservations are the firmware's");
	if (!strcmp(v, "cmdline")) {
		for (int i = 1; i < tk->n; i++)
			sb_printf(&pl->p->cmdline, " %s", tk->t[i].s);
		return 0;
	}
	if (!strcmp(v, "seed"))
		note(pl, "seed: a guest has no seed");
	else if (!strcmp(v, "policy"))
		note(pl, "policy: a guest runs its own kernel's behaviour");
	return 0;	/* distance: machine_opts has it */
}

static void plan_machine(struct planner *pl)
{
	const struct machine_opts *o = &pl->s->opts;
	struct sbuf *q = &pl->p->qemu;
	unsigned long total = 0;
	int ncpu = o->nr_cpus;

	for (int n = 0; n < o->nr_nodes; n++)
		total += o->node[n].mem_bytes;
	/* 2 GiB below 4 GiB at any size, as the model's q35 e820 has it; one
	 * CPU more than the model's, guest CPU 0 (realkernel.h) */
	sb_printf(q, "-machine\nq35,max-ram-below-4g=2G\n-smp\n%d,sockets=%d,cores=1,threads=1\n"
		  "-m\n%luM\n", ncpu + 1, ncpu + 1, total >> 20);
	for (int n = 0; n < o->nr_nodes; n++) {
		sb_printf(q, "-object\nmemory-backend-ram,id=mem%d,size=%luM,reserve=off\n", n,
			  o->node[n].mem_bytes >> 20);
		sb_printf(q, "-numa\nnode,nodeid=%d,memdev=mem%d", n, n);
		if (!n)
			sb_puts(q, ",cpus=0");
		/* the model's CPU k is on node k % nodes and is guest CPU rk_guest_cpu(k) */
		for (int k = n; k < ncpu; k += o->nr_nodes)
			sb_printf(q, ",cpus=%d", rk_guest_cpu(k));
		sb_puts(q, "\n");
	}
	for (int a = 0; a < o->nr_nodes; a++)
		for (int b = 0; b < o->nr_nodes; b++)
			if (a != b && o->distance[a][b])
				sb_printf(q, "-numa\ndist,src=%d,dst=%d,val=%d\n", a, b,
					  o->distance[a][b]);
}

/* The source text of line @line (1-based), without its newline */
static char *source_line(const char *text, int line)
{
	const char *s = text, *e;

	for (int i = 1; i < line && s; i++) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	if (!s)
		return strdup("");
	e = strchr(s, '\n');
	return strndup(s, e ? (size_t)(e - s) : strlen(s));
}

/*
 * An expect line: the guest reads, at that line, every file its counters
 * come from, and diff-real evaluates the line on the kernel's figures.
 * Counters no kernel file shows (scn.*, hvo.*, ...) leave it to the model.
 */
static int plan_expect(struct planner *pl, const struct scn_stmt *st)
{
	const char *files[16];
	int n = 0;
	bool model_only = false;

	for (int side = 0; side < 2; side++) {
		const struct scn_expr *e = side ? &st->rhs : &st->lhs;

		for (int i = 0; i < e->n; i++) {
			char path[512];

			if (e->t[i].kind == SCN_TERM_NUM)
				continue;
			if (e->t[i].kind == SCN_TERM_SNAP)
				continue;	/* the snapshot's own dump has it, or nothing does */
			if (!rk_counter_file(e->t[i].name, path, sizeof(path))) {
				model_only = true;
				continue;
			}
			for (int j = 0; j < n; j++)
				if (!strcmp(files[j], path))
					goto have;
			if (n < 16)
				files[n++] = strdup(path);
have:;
		}
	}
	if (model_only) {
		char msg[128];

		snprintf(msg, sizeof(msg), "expect: a counter no kernel file shows; the model's only");
		note(pl, msg);
	}
	for (int j = 0; j < n; j++) {
		sb_printf(&pl->p->init, "rk_cat %d ", st->line);
		sh_quote(&pl->p->init, files[j]);
		sb_puts(&pl->p->init, "\n");
		free((void *)files[j]);
	}
	return 0;
}

/* The guest program's command words for a call (tools/realkernel/guest.c) */
static const char *const guest_calls[] = {
	[SC_MMAP] = "mmap", [SC_MUNMAP] = "munmap", [SC_MPROTECT] = "mprotect",
	[SC_MADVISE] = "madvise", [SC_FORK] = "fork", [SC_EXIT] = "exit",
	[SC_OPEN] = "open", [SC_CLOSE] = "close", [SC_FTRUNCATE] = "ftruncate",
	[SC_TOUCH] = "touch", [SC_MREMAP] = "mremap",
};

/* rk_call LINE PROC VAR "CMD ARGS": variables are the init shell's v_NAME */
static int plan_call(struct planner *pl, const struct scn_stmt *st)
{
	const struct scn_call *c = st->call;
	struct sbuf *sb = &pl->p->init;

	if ((size_t)c->kind >= sizeof(guest_calls) / sizeof(guest_calls[0]) ||
	    !guest_calls[c->kind])
		return refuse(pl, st->col, "the guest program has no such call yet");
	sb_printf(sb, "rk_call %d %s %s \"%s", st->line, pl->s->proc_names[c->proc],
		  c->ret_var >= 0 && c->kind != SC_TOUCH ? pl->s->var_names[c->ret_var] : "-",
		  guest_calls[c->kind]);
	if (c->kind == SC_FORK)
		sb_printf(sb, " %s", pl->s->proc_names[c->child]);
	for (int i = 0; i < c->nargs; i++) {
		const struct scn_arg *a = &c->a[i];

		switch (a->kind) {
		case SCN_ARG_NUM:
			sb_printf(sb, " %lld", (long long)a->num);
			break;
		case SCN_ARG_NULL:
			sb_puts(sb, " 0");
			break;
		case SCN_ARG_VAR:
			sb_printf(sb, " $((v_%s + %lld))", pl->s->var_names[a->var],
				  (long long)a->num);
			break;
		case SCN_ARG_STR:
			sb_puts(sb, " ");
			for (const char *q = a->str; *q; q++)
				sb_printf(sb, "%02x", (unsigned char)*q);
			break;
		}
	}
	sb_puts(sb, "\"\n");
	return 0;
}

static int plan_stmt(struct planner *pl, const struct scn_stmt *st, const struct scn_toks *tk)
{
	struct sbuf *sb = &pl->p->init;
	struct sbuf cmd;
	char *src;

	switch (st->verb) {
	case SCN_BOOT:
		if (!st->implicit)
			sb_printf(sb, "echo \"@@mmsim note line %d: boot\" >&3\n", st->line);
		return 0;
	case SCN_CAT:
		for (int i = 0; i < st->nargs; i++) {
			sb_printf(sb, "rk_cat %d ", st->line);
			sh_quote(sb, st->args[i]);
			sb_puts(sb, "\n");
		}
		return 0;
	case SCN_STORE:
		if (!strcmp(st->path, "/sys/devices/system/memory/probe"))
			return refuse(pl, st->path_col, "Debian's 6.1 kernel is built without "
				      "CONFIG_ARCH_MEMORY_PROBE: the guest has no memory/probe file "
				      "to add memory with");
		/* fall through */
	case SCN_PRINT_TEXT:
		sb_init(&cmd);
		sb_puts(&cmd, st->verb == SCN_PRINT_TEXT && !st->mode ? "echo -n " : "echo ");
		sh_quote(&cmd, st->text);
		if (st->verb == SCN_STORE) {
			/* `>>` stays O_APPEND: tracefs's uprobe_events clears itself on O_TRUNC */
			sb_puts(&cmd, st->mode ? " >> " : " > ");
			sh_quote(&cmd, st->path);
		}
		sb_printf(sb, "rk_do %s %d ", st->verb == SCN_STORE ? "store" : "print", st->line);
		sh_quote(sb, st->verb == SCN_STORE ? st->path : "-");
		sb_puts(sb, " ");
		sh_quote(sb, cmd.buf);
		sb_puts(sb, "\n");
		sb_free(&cmd);
		return 0;
	case SCN_CPU:
		sb_printf(sb, "rk_cpu %d\n", rk_guest_cpu(st->cpu));
		return 0;
	case SCN_DRAIN:
		if (st->node >= 0 || st->mode)
			return refuse(pl, st->col, "the guest drains a CPU's lists by taking it "
				      "offline, every zone at once: no node= or zone=");
		sb_printf(sb, "rk_drain %d\n", st->line);
		return 0;
	case SCN_COMPACT:
		sb_printf(sb, "rk_do store %d ", st->line);
		if (st->node < 0) {
			sb_puts(sb, "/proc/sys/vm/compact_memory "
				    "'echo 1 > /proc/sys/vm/compact_memory'\n");
		} else {
			sb_printf(sb, "/sys/devices/system/node/node%d/compact "
				  "'echo 1 > /sys/devices/system/node/node%d/compact'\n",
				  st->node, st->node);
		}
		return 0;
	case SCN_SNAPSHOT:
		sb_printf(sb, "rk_snapshot %d %s", st->line, pl->s->snap_names[st->slot]);
		for (int i = 0; i < st->nargs; i++) {
			sb_puts(sb, " ");
			sh_quote(sb, st->args[i]);
		}
		sb_puts(sb, "\n");
		return 0;
	case SCN_MOUNT:
	case SCN_TRUNCATE:
	case SCN_RM:
		src = source_line(pl->s->text, st->line);
		sb_init(&cmd);
		if (st->verb == SCN_MOUNT) {
			sb_puts(&cmd, "mkdir -p ");
			sh_quote(&cmd, tk->t[tk->n - 1].s);
			sb_puts(&cmd, " && ");
		}
		sb_puts(&cmd, src);
		sb_printf(sb, "rk_do store %d %s ", st->line, tk->t[0].s);
		sh_quote(sb, cmd.buf);
		sb_puts(sb, "\n");
		sb_free(&cmd);
		free(src);
		return 0;
	case SCN_PRINT_SNAPSHOT:
	case SCN_PRINT_DIFF:
	case SCN_PRINT_COUNTERS:
		note(pl, "print: the model's figures; diff-real prints the guest's");
		return 0;
	case SCN_EXPECT:
		return plan_expect(pl, st);
	case SCN_SUBSECTION:
		return refuse(pl, st->col, "sub-sections are added by drivers (memremap_pages); "
			      "no file adds them");
	case SCN_MEMORY:
		return refuse(pl, st->col, "memory is added and removed by drivers (ACPI, dax/kmem: "
			      "add_memory, remove_memory); no file removes it");
	case SCN_KHUGEPAGED:
		return refuse(pl, st->col, "khugepaged wakes on its own timer in a real kernel; "
			      "no file makes it scan now");
	case SCN_ALLOC:
	case SCN_FREE:
	case SCN_FILL:
	case SCN_REPLAY:
		return refuse(pl, st->col, "allocations from inside the kernel have no "
			      "userspace interface");
	case SCN_PROCESS:
		sb_printf(sb, "rk_process %d %s\n", st->line, pl->s->proc_names[st->slot]);
		return 0;
	case SCN_CALL:
		return plan_call(pl, st);
	case SCN_STRACE:
		note(pl, "strace: the model's output; diff-real compares each call's result");
		return 0;
	}
	return refuse(pl, st->col, "no guest equivalent");
}

int rk_plan_build(const struct scn_script *s, struct rk_plan *p, struct scn_diag *d)
{
	struct planner pl = { .s = s, .p = p, .d = d };
	const char *text = s->text, *e;
	int next = 0, rc = 0;

	sb_puts(&p->cmdline, RK_CMDLINE_BASE);
	sb_puts(&p->init, init_head);
	sb_printf(&p->init, "rk_cpu %d\n", rk_guest_cpu(0));
	plan_machine(&pl);

	for (pl.line = 1; text && !rc; pl.line++, text = e ? e + 1 : NULL) {
		char *line, msg[256];
		struct scn_toks tk = { 0 };
		int col;

		e = strchr(text, '\n');
		line = strndup(text, e ? (size_t)(e - text) : strlen(text));
		if (!scn_tokenize(line, &tk, &col, msg, sizeof(msg)) || !tk.n) {
			/* blank, comment (the parser already accepted the file) */
			free(line);
			scn_toks_free(&tk);
			continue;
		}
		while (next < s->nstmts && s->stmts[next].line < pl.line)
			next++;
		if (is_description(tk.t[0].s))
			rc = plan_description(&pl, &tk);
		/* the parser's implicit boot shares the line of the first step
		 * (or of the last line, in a file without steps) */
		for (; !rc && next < s->nstmts && s->stmts[next].line == pl.line; next++)
			rc = plan_stmt(&pl, &s->stmts[next], &tk);
		free(line);
		scn_toks_free(&tk);
	}
	sb_puts(&p->init, init_tail);
	return rc;
}
