// SPDX-License-Identifier: GPL-2.0-only
/*
 * races_hvo.c - the races of the seed-000 review (mm/hugetlb_vmemmap:
 * remap head page to newly allocated page, Aug 3-5 2022), as named races
 * of the "hvo" family, and two races that check the lost-update check.
 *
 * CPU0 optimises the vmemmap of a new 2 MiB hugepage (HVO) while CPU1
 * touches the hugepage's head struct page.  The head's vmemmap frame H
 * holds the struct pages of pfns head .. head+63; the hugepage owns eight
 * such frames.  With a new head (6.2, the seed's patch) CPU0 does:
 *
 *   alloc N; copy H -> N; split the PMD; head PTE: H -> N (rw);
 *   tail PTEs: T1..T7 -> N (ro); flush; free H, T1..T7
 *
 *   vmemmap  | head va     | +4K | ... | +28K |
 *   before   | H (rw)      | T1  | ... | T7   |
 *   after    | N (rw) = copy of H, the tails map N read-only     |
 *
 * Muchun Song's race: a reference CPU1 takes or drops after the copy and
 * before the remap (or its flush) reaches CPU1 lands in H, not N, and is
 * lost.  The model's lost-update check (model/page.c) reports such a
 * write by itself; no assertion is needed to see it.  With reuse-head
 * (6.1) the head frame stays and only the tails are remapped onto it.
 *
 * Every race runs a tiny machine (1 node of 64 MiB, 2 CPUs,
 * hugetlb_free_vmemmap=on) with one hugepage allocated as the pool does,
 * both CPUs' TLBs already holding the head struct page (CPU1 had been
 * using the page).  The windows say which schedule a search must have
 * reached, so no test passes without having opened it.
 *
 *   hvo-get-put         CPU1 takes and drops a reference (a GUP pin)
 *   hvo-frozen-gup      the head refcount frozen at 0 as the pool holds
 *                       it (Mike Kravetz's answer), CPU1 as speculative
 *                       GUP: get_page_unless_zero, put on success; CPU0
 *                       unfreezes after HVO
 *   hvo-memory-failure  frozen too, CPU1 as memory_failure(): sets
 *                       PG_hwpoison without a reference (Muchun Song's
 *                       remaining race)
 *   hvo-boot-get-put    HVO while booting, CPU1 comes up after boot
 *                       (the new-head-boot variant of the review)
 *
 * The checks of the check: CPU0 remaps the vmemmap page of pfn P to
 * another frame O and does not flush; CPU1, whose TLB still maps F,
 * takes a reference afterwards.  The write through the stale entry must
 * be reported as lost; if F's storage was released, as a use after free
 * before any byte of F is touched.
 */
#include <string.h>

#include "races_int.h"
#include "cpu.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "hugetlb.h"
#include "hugetlb_vmemmap.h"
#include "check.h"

static const struct hstate h2m = { .order = 9 };

enum hvo_cpu1 { C1_GET_PUT, C1_GUP_FAST, C1_MEMORY_FAILURE, C1_AFTER_BOOT };

struct hvo_race {
	struct race_base b;
	/* what the race sets up */
	bool frozen;		/* head refcount frozen at 0, as the pool holds it */
	bool boot;		/* the optimisation runs while the machine boots */
	bool unfreeze;		/* CPU0 hands the page over (refcount 1) afterwards */
	bool hwpoison;		/* the final check wants PG_hwpoison */
	int final_ref;		/* head refcount every complete schedule must end with */
	enum hvo_cpu1 cpu1;
	/* per schedule */
	struct machine *m;
	unsigned long head;	/* the hugepage */
	unsigned long frame;	/* H: the frame behind the head struct page at setup */
	long booted;		/* CPU0 set it: boot is over, other CPUs may run */
};

#define W_COPIED	"cpu1 took its reference in H after the copy"
#define W_NEW_HEAD	"cpu1 took its reference in the new head"
#define W_TAILS		"cpu1 took its reference while the tails mapped H"
#define W_GUP_FROZEN	"gup found the frozen head in H after the copy"
#define W_GUP_TOOK	"gup took a reference after the unfreeze"
#define W_HWPOISON	"PG_hwpoison was set in H after the copy"

static unsigned long frame_now(struct machine *m, uint64_t va)
{
	unsigned long f;
	bool rw;

	return vmemmap_peek(m, va, &f, &rw, NULL) ? f : PFN_NONE;
}

static void *hvo_setup(struct xp_ctx *x, void *arg)
{
	struct hvo_race *r = arg;
	struct machine_opts o;

	race_opts(&o, 1, 64, 2);
	o.hugetlb_free_vmemmap = true;
	r->m = race_machine(x, &r->b, &o);
	r->booted = 0;
	if (!r->m)
		return r;
	/* as alloc_buddy_huge_page: a compound page from the buddy allocator */
	r->head = alloc_pages_node(r->m, 0, GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_THISNODE |
				   __GFP_RETRY_MAYFAIL | __GFP_NOWARN, 9);
	if (r->head == PFN_NONE) {
		xp_fail(x, "no hugepage");
		return r;
	}
	if (r->frozen)
		page_ref_freeze(r->m, r->head, 1);
	r->frame = frame_now(r->m, page_va(r->m, r->head));
	if (r->boot) {
		/* hugetlb's boot-time allocation: no other CPU is up yet */
		r->m->booted = false;
	} else {
		/* CPU1 has been using the page: its TLB holds the head */
		for (int c = 1; c >= 0; c--) {
			r->m->cur_cpu = c;
			page_ref_count(r->m, r->head);
		}
	}
	xp_name_range(x, (void *)(uintptr_t)((uint64_t)r->frame << PAGE_SHIFT), PAGE_SIZE,
		      "H");
	xp_attach_machine(x, r->m);
	return r;
}

static void hvo_teardown(struct xp_ctx *x, void *s)
{
	struct hvo_race *r = s;
	char err[256];

	if (!r->m)
		return;
	/* the machine is detached: this runs without scheduling points */
	xp_assert(x, mm_check_invariants(r->m, err, sizeof(err)), "%s", err);
	machine_destroy(r->m);
	r->m = NULL;
}

/* Every complete schedule ends with an optimised, consistent hugepage */
static void hvo_final(struct xp_ctx *x, void *s)
{
	struct hvo_race *r = s;
	struct machine *m = r->m;

	xp_assert(x, HPageVmemmapOptimized(m, r->head));
	xp_assert(x, PageHead(m, r->head) && compound_head(m, r->head + 300) == r->head);
	xp_assert(x, page_ref_count(m, r->head) == r->final_ref, "refcount %d, expected %d",
		  page_ref_count(m, r->head), r->final_ref);
	/* ... and, where CPU1 poisoned it, the poison is there to see */
	if (r->hwpoison)
		xp_assert(x, PageHWPoison(r->m, r->head));
}

/* CPU0: hugetlb's __prep_new_huge_page, optimising the new page's vmemmap */
static void hugetlb_prep_new_page(struct machine *m, struct hvo_race *r)
{
	SCHED_WHERE(m);

	hugetlb_vmemmap_optimize(m, &h2m, r->head);
	if (r->unfreeze)
		page_ref_unfreeze(m, r->head, 1);	/* the pool takes it over */
}

static void cpu0_optimize(struct xp_ctx *x, void *s)
{
	struct hvo_race *r = s;

	hugetlb_prep_new_page(r->m, r);
	if (r->boot) {
		r->m->booted = true;
		xp_write(x, &r->booted, 1);
	}
}

/* Did CPU1's last struct page access land in H after H was copied away? */
static bool landed_in_copied_head(struct hvo_race *r)
{
	const struct fst_access *a = &r->m->fstore_cpu[1].last;

	return a->frame == r->frame && a->copied;
}

/* The windows, checked right after CPU1's access */
static void windows_after_get(struct xp_ctx *x, struct hvo_race *r)
{
	struct machine *m = r->m;
	unsigned long f = m->fstore_cpu[1].last.frame;

	race_window(x, &r->b, W_COPIED, landed_in_copied_head(r));
	race_window(x, &r->b, W_NEW_HEAD,
		    f != r->frame && f == frame_now(m, page_va(m, r->head)));
	race_window(x, &r->b, W_TAILS,
		    f == r->frame && frame_now(m, page_va(m, r->head) + PAGE_SIZE) == r->frame);
}

/* CPU1: a short-lived reference (a GUP pin, a speculative get) */
static void cpu1_get_put(struct xp_ctx *x, struct hvo_race *r)
{
	struct machine *m = r->m;

	page_ref_add_return(m, r->head, 1);
	windows_after_get(x, r);
	page_ref_add_return(m, r->head, -1);
}

/* CPU1, as speculative GUP: a reference only if the page has one already */
static void cpu1_gup_fast(struct xp_ctx *x, struct hvo_race *r)
{
	struct machine *m = r->m;

	if (get_page_unless_zero(m, r->head)) {
		race_window(x, &r->b, W_GUP_TOOK, true);
		page_ref_add_return(m, r->head, -1);
		return;
	}
	race_window(x, &r->b, W_GUP_FROZEN, landed_in_copied_head(r));
}

/* CPU1, as memory_failure(): poisons the page without taking a reference */
static void cpu1_memory_failure(struct xp_ctx *x, struct hvo_race *r)
{
	TestSetPageHWPoison(r->m, r->head);
	race_window(x, &r->b, W_HWPOISON, landed_in_copied_head(r));
}

static void hvo_cpu1(struct xp_ctx *x, void *s)
{
	struct hvo_race *r = s;

	switch (r->cpu1) {
	case C1_GET_PUT:
		cpu1_get_put(x, r);
		break;
	case C1_GUP_FAST:
		cpu1_gup_fast(x, r);
		break;
	case C1_MEMORY_FAILURE:
		cpu1_memory_failure(x, r);
		break;
	case C1_AFTER_BOOT:
		/* CPU1 during boot: it only comes up once CPU0 says boot is over */
		xp_wait(x, SCHED_READ, (uint64_t)(uintptr_t)&r->booted, sizeof(r->booted),
			race_flag_set, &r->booted);
		cpu1_get_put(x, r);
		break;
	}
}

#define HVO_RACE(var, rname, text1, cfg_, windows_, expect_)				\
	static const struct hvo_race var##_cfg = cfg_;					\
	static const struct race_expect var##_expect[] = expect_;			\
	const struct race_def var = {							\
		.name = rname, .family = "hvo",						\
		.summary = "HVO of a new hugepage on CPU0 against its head struct page",	\
		.cpu_text = { "hugetlb_vmemmap_optimize of a new 2 MiB hugepage", text1 },	\
		.cfg = &var##_cfg, .cfg_size = sizeof(struct hvo_race), .ncpus = 2,	\
		.setup = hvo_setup, .teardown = hvo_teardown, .final = hvo_final,	\
		.cpu = { cpu0_optimize, hvo_cpu1 }, .windows = windows_,		\
		.expect = var##_expect, .nr_expect = ARRAY_SIZE(var##_expect),		\
	}
#define LIST(...)	{ __VA_ARGS__ }

static const char *const w_get_put[] = { W_COPIED, W_NEW_HEAD, W_TAILS, NULL };
static const char *const w_copied[] = { W_COPIED, NULL };
static const char *const w_new_head[] = { W_NEW_HEAD, NULL };
static const char *const w_tails[] = { W_TAILS, NULL };
static const char *const w_gup[] = { W_GUP_FROZEN, W_GUP_TOOK, NULL };
static const char *const w_hwpoison[] = { W_HWPOISON, NULL };

/*
 * hvo-get-put.  new-head:
 *
 *   CPU0: copy H->N ........ head PTE H->N ... flush ... free H
 *   CPU1:            get(H)                         put(N)
 *                      ^ lands in H after the copy: the +1 is lost, N ends at 0
 *
 * reuse-head: CPU1's get and put land in H whenever the tail PTEs change.
 */
HVO_RACE(race_hvo_get_put, "hvo-get-put", "page_ref_add_return(head, +1), then -1",
	 ((struct hvo_race){ .final_ref = 1, .cpu1 = C1_GET_PUT }), w_get_put,
	 LIST({ .policy = "new-head", .fails = true, .msg = "lost update",
		.windows = w_copied, .test = "seed000_new_head_get_put" },
	      { .policy = "reuse-head", .windows = w_tails, .test = "seed000_reuse_head" },
	      { .policy = "new-head-v1", .fails = true, .msg = "lost update" },
	      { .policy = "new-head-boot", .windows = w_tails },
	      { .policy = "new-head-aligned", .fails = true, .msg = "lost update" },
	      { .policy = "new-head-6.7", .fails = true, .msg = "lost update" },
	      { .policy = "new-head-6.12", .fails = true, .msg = "lost update" }));

/*
 *   H: _refcount 0 ---copy---> N: _refcount 0 ... unfreeze: N 1
 *   CPU1: get_page_unless_zero reads 0 in H or N and writes nothing,
 *         or (after the unfreeze) gets and puts in N
 */
HVO_RACE(race_hvo_frozen_gup, "hvo-frozen-gup",
	 "get_page_unless_zero(head), put on success (speculative GUP)",
	 ((struct hvo_race){ .frozen = true, .unfreeze = true, .final_ref = 1,
			     .cpu1 = C1_GUP_FAST }), w_gup,
	 LIST({ .policy = "new-head", .windows = w_gup,
		.test = "seed000_new_head_frozen_gup" },
	      { .policy = "reuse-head" }, { .policy = "new-head-v1" },
	      { .policy = "new-head-boot" }, { .policy = "new-head-aligned" },
	      { .policy = "new-head-6.7" }, { .policy = "new-head-6.12" }));

/*
 *   H: flags ---copy---> N: flags (no PG_hwpoison)
 *   CPU1: TestSetPageHWPoison lands in H after the copy: the poison is lost
 */
HVO_RACE(race_hvo_memory_failure, "hvo-memory-failure",
	 "TestSetPageHWPoison(head), no reference (memory_failure)",
	 ((struct hvo_race){ .frozen = true, .unfreeze = true, .final_ref = 1, .hwpoison = true,
			     .cpu1 = C1_MEMORY_FAILURE }), w_hwpoison,
	 LIST({ .policy = "new-head", .fails = true, .msg = "lost update",
		.windows = w_hwpoison, .test = "seed000_new_head_memory_failure" },
	      { .policy = "reuse-head" }, { .policy = "new-head-boot" },
	      { .policy = "new-head-v1", .fails = true, .msg = "lost update" },
	      { .policy = "new-head-aligned", .fails = true, .msg = "lost update" },
	      { .policy = "new-head-6.7", .fails = true, .msg = "lost update" },
	      { .policy = "new-head-6.12", .fails = true, .msg = "lost update" }));

/*
 *   boot (CPU0): copy H->N, remap, flush, free H; booted = 1
 *   CPU1 (up once booted): get/put, walking the tables: both land in N
 */
HVO_RACE(race_hvo_boot_get_put, "hvo-boot-get-put",
	 "waits until boot is over, then page_ref_add_return(head, +1), -1",
	 ((struct hvo_race){ .boot = true, .final_ref = 1, .cpu1 = C1_AFTER_BOOT }), w_get_put,
	 LIST({ .policy = "new-head-boot", .windows = w_new_head,
		.test = "seed000_new_head_boot", .one_schedule = true },
	      { .policy = "reuse-head" }, { .policy = "new-head" }, { .policy = "new-head-v1" },
	      { .policy = "new-head-aligned" }, { .policy = "new-head-6.7" },
	      { .policy = "new-head-6.12" }));

/* -------------------------------------------------------------------------
 * The lost-update check itself, on a remap that is wrong on purpose
 */
struct nofl {
	struct race_base b;
	bool release;
	struct machine *m;
	unsigned long pfn, frame, other;
	long done;
};

static void *nofl_setup(struct xp_ctx *x, void *arg)
{
	struct nofl *n = arg;
	struct machine *m = race_small_machine(x, &n->b, 2);

	n->m = m;
	n->done = 0;
	if (!m)
		return n;
	n->pfn = alloc_pages_node(m, 0, GFP_KERNEL, 0);
	n->other = alloc_pages_node(m, 0, GFP_KERNEL, 0);
	n->frame = frame_now(m, page_va(m, n->pfn));
	if (n->pfn == PFN_NONE || n->other == PFN_NONE ||
	    pt_split_pmd(m, m->init_mm, page_va(m, n->pfn), 0)) {
		xp_fail(x, "setup failed");
		return n;
	}
	fstore_frame_copy(m, n->other, n->frame);
	m->cur_cpu = 1;
	page_ref_count(m, n->pfn);
	xp_attach_machine(x, m);
	return n;
}

static void nofl_teardown(struct xp_ctx *x, void *s)
{
	struct nofl *n = s;

	machine_destroy(n->m);
	n->m = NULL;
}

/* A wrong vmemmap remap: the old frame is never flushed out of CPU1's TLB */
static void remap_without_flush(struct machine *m, struct nofl *n)
{
	SCHED_WHERE(m);
	enum pt_level level;
	unsigned long table;
	unsigned int idx;

	pt_walk(m, m->init_mm, page_va(m, n->pfn), &level, &table, &idx);
	pt_write(m, table, idx, pfn_pte(n->other, PAGE_KERNEL));
	if (n->release)
		fstore_frame_release(m, n->frame);
}

static void cpu0_remap_without_flush(struct xp_ctx *x, void *s)
{
	struct nofl *n = s;

	remap_without_flush(n->m, n);
	xp_write(x, &n->done, 1);
}

static void cpu1_get_after_remap(struct xp_ctx *x, void *s)
{
	struct nofl *n = s;

	xp_wait(x, SCHED_READ, (uint64_t)(uintptr_t)&n->done, sizeof(n->done), race_flag_set,
		&n->done);
	page_ref_add_return(n->m, n->pfn, 1);
}

#define NOFL_RACE(var, rname, release_, msg_, test_)					\
	static const struct nofl var##_cfg = { .release = release_ };			\
	static const struct race_expect var##_expect[] = {				\
		{ .fails = true, .msg = msg_, .test = test_ },				\
	};										\
	const struct race_def var = {							\
		.name = rname,								\
		.summary = "the lost-update check: a vmemmap remap without a TLB flush",	\
		.cpu_text = { release_ ? "remaps a vmemmap page, no flush, frees the old frame" \
				       : "remaps a vmemmap page without a TLB flush",	\
			      "once it is done: page_ref_add_return(+1) through its TLB" }, \
		.cfg = &var##_cfg, .cfg_size = sizeof(struct nofl), .ncpus = 2,		\
		.setup = nofl_setup, .teardown = nofl_teardown,				\
		.cpu = { cpu0_remap_without_flush, cpu1_get_after_remap },		\
		.expect = var##_expect, .nr_expect = 1,					\
	}

NOFL_RACE(race_check_stale_tlb_write, "check-stale-tlb-write", false,
	  "lost update: cpu1 in page_ref_add_return writes 4 bytes at 0xffffea",
	  "check_stale_tlb_write");
NOFL_RACE(race_check_freed_frame_write, "check-freed-frame-write", true,
	  "use after free: cpu1 in page_ref_add_return writes 0xffffea", "check_freed_frame_write");
