// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore_describe.c - what the address of an explorer step is, in the
 * model's terms, for condensed traces (see explore.h, xp_opts.describe).
 *
 * A step's address is a physical address (frame << PAGE_SHIFT | offset)
 * for struct page fields, page-table entries and frame copies, a virtual
 * one for TLB flushes, or a host address for the model's own data (locks,
 * VMA sets).  Replaying a failing schedule with describe set, the explorer
 * asks here, before each step runs, with the machine as it is then:
 *
 *   - a page-table frame: its level, the mm it belongs to and the range
 *     it maps, and the entry (found by walking init_mm's and every live
 *     process's tables);
 *   - a frame that backs the vmemmap: the struct page (pfn, field) the
 *     offset falls in and what that page is (head or tail of a compound
 *     page), or, for a whole-frame access, the pfns whose struct pages
 *     the frame holds;
 *   - a frame seen in one of those roles earlier in the run and no longer
 *     linked (a table freed under a walker, a vmemmap frame HVO remapped):
 *     what it was;
 *   - any other frame: a page, and whether it is free;
 *   - a host address: the name a test gave it (xp_name_range), else the
 *     mmap lock, page_table_lock or VMA set of a process.
 *
 * Everything is read without scheduling points, TLB fills or caches
 * (vmemmap_peek, the frame store's bytes), so describing does not change
 * the run it describes.
 */
#include <stdio.h>
#include <string.h>

#include "explore_int.h"
#include "host.h"
#include "mm_types.h"
#include "page.h"
#include "pgtable.h"
#include "task.h"

enum xd_kind { XD_TABLE, XD_VMEMMAP };

/* A frame's role, from the walk at one step (or an earlier one) */
struct xd_frame {
	unsigned long frame;
	enum xd_kind kind;
	int level;			/* XD_TABLE: enum pt_level */
	uint64_t va;			/* table: start of what it maps;
					 * vmemmap: the va it backs */
	char mm[24];			/* table: the owner's name */
	bool writable;			/* vmemmap: mapped writable */
	unsigned int seen;		/* the walk number that last found it */
};

/* The roles seen so far, an open-addressing hash on (frame, kind) */
struct xp_desc_state {
	struct xd_frame *f;		/* frame PFN_NONE: a free slot */
	size_t n, cap;
	unsigned int walk;		/* walks so far */
};

static size_t xd_slot(const struct xp_desc_state *d, unsigned long frame, enum xd_kind kind)
{
	uint64_t h = ((uint64_t)frame * 2 + kind) * 0x9e3779b97f4a7c15ULL;
	size_t i = (size_t)(h >> 20) & (d->cap - 1);

	while (d->f[i].frame != PFN_NONE && (d->f[i].frame != frame || d->f[i].kind != kind))
		i = (i + 1) & (d->cap - 1);
	return i;
}

static struct xd_frame *xd_find(struct xp_desc_state *d, unsigned long frame, enum xd_kind kind)
{
	struct xd_frame *f;

	if (!d->cap)
		return NULL;
	f = &d->f[xd_slot(d, frame, kind)];
	return f->frame == PFN_NONE ? NULL : f;
}

static void xd_grow(struct xp_desc_state *d)
{
	struct xd_frame *old = d->f;
	size_t oc = d->cap;

	d->cap = oc ? 2 * oc : 1024;
	d->f = host_calloc(d->cap, sizeof(*d->f), "describing a trace");
	for (size_t i = 0; i < d->cap; i++)
		d->f[i].frame = PFN_NONE;
	for (size_t i = 0; i < oc; i++)
		if (old[i].frame != PFN_NONE)
			d->f[xd_slot(d, old[i].frame, old[i].kind)] = old[i];
	host_free(old);
}

static void xd_note(struct xp_desc_state *d, const struct xd_frame *e)
{
	struct xd_frame *f;

	if (2 * (d->n + 1) > d->cap)
		xd_grow(d);
	f = &d->f[xd_slot(d, e->frame, e->kind)];
	if (f->frame != PFN_NONE) {
		/* a vmemmap frame keeps its first (or first writable) mapping */
		if (e->kind == XD_VMEMMAP && f->seen == d->walk && (f->writable || !e->writable))
			return;
	} else {
		d->n++;
	}
	*f = *e;
	f->seen = d->walk;
}

static pteval_t raw_entry(struct machine *m, unsigned long table, unsigned int idx)
{
	const uint8_t *p = fstore_frame_bytes_present(m, table, idx * 8);
	pteval_t e = 0;

	if (p)
		memcpy(&e, p, sizeof(e));
	return e;
}

static uint64_t entry_span(int level)
{
	return 1ULL << (PAGE_SHIFT + 9 * (level - PT_PTE));
}

static uint64_t canonical(uint64_t va)
{
	return va & (1ULL << 47) ? va | 0xffff000000000000ULL : va;
}

static void walk_table(struct machine *m, struct xp_desc_state *d, const char *mm,
		       unsigned long table, int level, uint64_t base, bool kernel, int depth)
{
	struct xd_frame t = { .frame = table, .kind = XD_TABLE, .level = level, .va = base };

	snprintf(t.mm, sizeof(t.mm), "%s", mm);
	xd_note(d, &t);
	if (depth > 4)
		return;
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++) {
		pteval_t e = raw_entry(m, table, i);
		uint64_t va = canonical(base + i * entry_span(level));

		if (!pte_present(e))
			continue;
		if (level == PT_PTE || (level != PT_PGD && (e & _PAGE_PSE))) {
			/* a leaf: in init_mm, the vmemmap's backing frames */
			if (!kernel || va < VMEMMAP_START)
				continue;
			for (uint64_t k = 0; k < entry_span(level) >> PAGE_SHIFT; k++) {
				struct xd_frame v = { .frame = pte_pfn(e) + k, .kind = XD_VMEMMAP,
						      .va = va + (k << PAGE_SHIFT),
						      .writable = pte_write(e) };

				xd_note(d, &v);
			}
			continue;
		}
		walk_table(m, d, mm, pte_pfn(e), level - 1, va, kernel, depth + 1);
	}
}

/* One walk of every table: what each frame is at this step */
static void walk_all(struct machine *m, struct xp_desc_state *d)
{
	d->walk++;
	if (m->init_mm)
		walk_table(m, d, "init_mm", m->init_mm->pgd, PT_PGD, 0, true, 0);
	for (unsigned int i = 0; m->procs && i < m->procs->nr_tasks; i++) {
		const struct task *t = m->procs->tasks[i];

		if (t && t->mm && !t->exited)
			walk_table(m, d, t->comm, t->mm->pgd, PT_PGD, 0, false, 0);
	}
}

/* A struct page field, without scheduling points; false if not mapped */
static bool raw_page_read(struct machine *m, unsigned long pfn, unsigned int off, void *v,
			  unsigned int size)
{
	uint64_t va = page_va(m, pfn) + off;
	unsigned long frame;
	const uint8_t *p;
	bool rw;

	if (!vmemmap_peek(m, va, &frame, &rw, NULL))
		return false;
	p = fstore_frame_bytes_present(m, frame, (unsigned int)(va & (PAGE_SIZE - 1)));
	if (p) {
		memcpy(v, p, size);
	} else {
		uint8_t buf[256];

		if (m->sps > sizeof(buf))
			return false;
		page_boot_state(m, pfn, buf);
		memcpy(v, buf + off, size);
	}
	return true;
}

/* "tail 5 of the compound page at pfn 0x1200 (order 9)", "head of ...", or "" */
static void compound_str(struct machine *m, unsigned long pfn, char *buf, size_t len)
{
	uint64_t flags = 0, ch = 0;
	uint8_t order = 0;

	buf[0] = 0;
	if (!raw_page_read(m, pfn, PGOFF_FLAGS, &flags, 8) ||
	    !raw_page_read(m, pfn, PGOFF_COMPOUND_HEAD, &ch, 8))
		return;
	if (ch & 1) {
		unsigned long head = (unsigned long)(((ch & ~1ULL) - VMEMMAP_START) / m->sps);

		raw_page_read(m, head + 1, PGOFF_COMPOUND_ORDER, &order, 1);
		snprintf(buf, len, ", tail %lu of the compound page at pfn %#lx (order %u)",
			 pfn - head, head, order);
	} else if (flags & (1ULL << PG_head)) {
		raw_page_read(m, pfn + 1, PGOFF_COMPOUND_ORDER, &order, 1);
		snprintf(buf, len, ", head of a compound page (order %u)", order);
	}
}

static const char *field_name(struct machine *m, unsigned long pfn, unsigned int off)
{
	uint64_t ch = 0, head_va;
	bool first_tail;

	raw_page_read(m, pfn, PGOFF_COMPOUND_HEAD, &ch, 8);
	head_va = ch & ~1ULL;
	first_tail = (ch & 1) && head_va + m->sps == page_va(m, pfn);
	if (off < 8)
		return "flags";
	if (off < 16)
		return ch & 1 ? "compound_head" : "lru.next";
	if (first_tail) {
		if (off == 16)
			return "compound_dtor";
		if (off == 17)
			return "compound_order";
		if (off >= 20 && off < 24)
			return "compound_mapcount";
		if (off >= 24 && off < 28)
			return "compound_pincount";
		if (off >= 28 && off < 32)
			return "compound_nr";
	}
	if (off < 24)
		return "lru.prev";
	if (off < 32)
		return "mapping";
	if (off < 40)
		return "index";
	if (off < 48)
		return "private";
	if (off < 52)
		return "_mapcount";
	if (off < 56)
		return "_refcount";
	return "memcg_data";
}

static const char *level_name(int level)
{
	static const char *const n[] = { [PT_PTE] = "PTE", [PT_PMD] = "PMD", [PT_PUD] = "PUD",
					 [PT_PGD] = "PGD" };

	return level >= PT_PTE && level <= PT_PGD ? n[level] : "?";
}

/* What a virtual address is: "vmemmap of pfns A-B" or the address */
static void va_range_str(struct machine *m, uint64_t va, uint64_t len, char *buf, size_t blen)
{
	if (va >= VMEMMAP_START && len) {
		uint64_t a = (va - VMEMMAP_START) / m->sps;
		uint64_t b = (va + len - 1 - VMEMMAP_START) / m->sps;

		snprintf(buf, blen, "vmemmap of pfns %#llx-%#llx", (unsigned long long)a,
			 (unsigned long long)b);
	} else {
		snprintf(buf, blen, "%#llx-%#llx", (unsigned long long)va,
			 (unsigned long long)(va + len));
	}
}

static void table_str(struct machine *m, const struct xd_frame *t, int entry, bool gone,
		      char *buf, size_t len)
{
	char r[96], e[96] = "";
	uint64_t span = entry_span(t->level);

	va_range_str(m, t->va, span * PTRS_PER_TABLE, r, sizeof(r));
	if (entry >= 0) {
		char er[80];

		va_range_str(m, canonical(t->va + (uint64_t)entry * span), span, er, sizeof(er));
		snprintf(e, sizeof(e), ", entry %d (%s)", entry, er);
	}
	snprintf(buf, len, "%s table of %s for %s%s%s", level_name(t->level), t->mm, r, e,
		 gone ? ", no longer linked" : "");
}

static void vmemmap_frame_str(struct machine *m, const struct xd_frame *v, bool gone,
			      char *buf, size_t len)
{
	uint64_t first = (v->va - VMEMMAP_START + m->sps - 1) / m->sps;
	uint64_t last = (v->va + PAGE_SIZE - 1 - VMEMMAP_START) / m->sps;
	char c[96];

	compound_str(m, (unsigned long)first, c, sizeof(c));
	snprintf(buf, len, "vmemmap page %#lx (struct pages of pfns %#llx-%#llx%s)%s", v->frame,
		 (unsigned long long)first, (unsigned long long)last, c,
		 gone ? ", no longer mapped" : "");
}

static char *host_name(struct xp_ctx *x, uint64_t addr)
{
	struct machine *m = x->m;
	char buf[128];

	for (int i = 0; i < x->nnames; i++)
		if (addr >= x->names[i].base && addr - x->names[i].base < x->names[i].len)
			return NULL;	/* the trace shows the test's name */
	unsigned int n = m->procs ? m->procs->nr_tasks : 0;

	for (unsigned int i = 0; i <= n; i++) {
		const struct mm_struct *mm = i < n ? m->procs->tasks[i]->mm : m->init_mm;
		const char *who = i < n ? m->procs->tasks[i]->comm : "init_mm";
		const char *what = NULL;

		if (!mm)
			continue;
		if (addr - (uint64_t)(uintptr_t)&mm->mmap_lock < sizeof(mm->mmap_lock))
			what = "mmap_lock";
		else if (addr - (uint64_t)(uintptr_t)&mm->page_table_lock <
			 sizeof(mm->page_table_lock))
			what = "page_table_lock";
		else if (addr - (uint64_t)(uintptr_t)&mm->vmas < sizeof(mm->vmas))
			what = "VMA set";
		if (what) {
			snprintf(buf, sizeof(buf), "%s of %s", what, who);
			return host_strdup(buf, "describing a trace");
		}
	}
	return NULL;
}

void xp_describe_fp(struct xp_ctx *x, const struct xp_fp *fp, char **desc, char **frame_desc,
		    long *frame)
{
	struct machine *m = x->m;
	const struct fstore_index *ix = (const struct fstore_index *)m->fstore;
	struct xp_desc_state *d;
	unsigned long f = (unsigned long)(fp->addr >> PAGE_SHIFT);
	unsigned int off = (unsigned int)(fp->addr & (PAGE_SIZE - 1));
	const struct xd_frame *t, *v;
	char buf[384], fb[256];

	*desc = *frame_desc = NULL;
	*frame = -1;
	if (fp->op == SCHED_YIELD)
		return;
	if (fp->op == SCHED_TLB_FLUSH) {
		if (fp->len == UINT32_MAX)
			snprintf(buf, sizeof(buf), "every address");
		else
			va_range_str(m, fp->addr, fp->len, buf, sizeof(buf));
		*desc = host_strdup(buf, "describing a trace");
		return;
	}
	if (f >> PFN_SECTION_SHIFT >= ix->nr_sec) {
		*desc = host_name(x, fp->addr);
		return;
	}
	if (!x->desc_state)
		x->desc_state = host_calloc(1, sizeof(*x->desc_state), "describing a trace");
	d = x->desc_state;
	walk_all(m, d);
	*frame = (long)f;
	t = xd_find(d, f, XD_TABLE);
	v = xd_find(d, f, XD_VMEMMAP);
	if (t && (!v || t->seen >= v->seen)) {
		bool gone = t->seen != d->walk;

		table_str(m, t, fp->len >= PAGE_SIZE ? -1 : (int)(off / 8), gone, buf, sizeof(buf));
		table_str(m, t, -1, gone, fb, sizeof(fb));
	} else if (v) {
		bool gone = v->seen != d->walk;

		vmemmap_frame_str(m, v, gone, fb, sizeof(fb));
		if (fp->len >= PAGE_SIZE || fp->op == SCHED_COPY) {
			snprintf(buf, sizeof(buf), "%s", fb);
		} else {
			uint64_t va = v->va + off;
			unsigned long pfn = (unsigned long)((va - VMEMMAP_START) / m->sps);
			unsigned int foff = (unsigned int)((va - VMEMMAP_START) % m->sps);
			char c[96];

			compound_str(m, pfn, c, sizeof(c));
			snprintf(buf, sizeof(buf), "struct page of pfn %#lx%s: %s, in vmemmap page "
				 "%#lx%s", pfn, c, field_name(m, pfn, foff), f,
				 gone ? " (no longer mapped)" : "");
		}
	} else {
		int ref = 0;

		raw_page_read(m, f, PGOFF_REFCOUNT, &ref, 4);
		snprintf(fb, sizeof(fb), "page %#lx%s", f, ref ? "" : " (free)");
		snprintf(buf, sizeof(buf), "%s+%#x", fb, off);
	}
	*desc = host_strdup(buf, "describing a trace");
	*frame_desc = host_strdup(fb, "describing a trace");
}

void xp_describe_free(struct xp_ctx *x)
{
	if (!x->desc_state)
		return;
	host_free(x->desc_state->f);
	host_free(x->desc_state);
	x->desc_state = NULL;
}
