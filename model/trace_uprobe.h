/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace_uprobe.h - uprobe trace events (kernel/trace/trace_uprobe.c, 6.1):
 * what a shell writes to /sys/kernel/tracing/uprobe_events to define
 * probes, and the events/GROUP/EVENT/enable files that register them.
 * The files themselves are the module's (mm_module_trace_uprobe); this
 * header is for the machine's teardown.
 */
#ifndef MMSIM_TRACE_UPROBE_H
#define MMSIM_TRACE_UPROBE_H

struct machine;

/* Free the event table (machine teardown; the uprobes go with uprobes_destroy) */
void trace_uprobes_destroy(struct machine *m);

#endif /* MMSIM_TRACE_UPROBE_H */
