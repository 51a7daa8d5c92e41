/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy.h - the policy registry: named ops tables grouped by family.
 *
 * Every algorithm a seed patch changes is a mechanism in the model with a
 * hook; the implementations of that hook (today's kernel, the proposed
 * patch, its variants) form a family, e.g. family "hvo" with entries
 * "reuse-head", "new-head", ...  A scenario picks one entry per family
 * (`policy hvo=new-head`, or `--policy hvo=new-head` on the command
 * line); a family nobody picks runs its default entry, the unpatched 6.1
 * behaviour, which is a policy like the others and never a special case,
 * unless an entry picked in another family implies one of its entries
 * (struct policy.implies: a kernel's HVO comes with that kernel's page
 * walker).
 *
 * Each entry is behaviour, not a bag of flags: its ops are the family's
 * hooks (struct hvo_ops in policies/hvo.h), called by the mechanism at the
 * points where the kernels differ, plus plain data such as gfp masks.
 *
 * The selection is made once: a struct policy_set in machine_opts holds
 * the picks, machine_create() completes it with every other family's
 * default before anything boots, and the machine keeps it for its life.
 * The mechanism reaches its entry through machine_policy(), wrapped per
 * family (hvo_ops(m) in policies/hvo.h).
 *
 * Adding an entry to a family is one row of the family's table, e.g. in
 * model/policies/hvo.c
 *
 *	{ .name = "new-head", .summary = "...", .models = "Linux 6.2, 11aad2631bf7",
 *	  .ops = &(const struct hvo_ops){ .alloc_head = alloc_head_copy, ... } },
 *
 * plus the functions of any hook it does differently.  Adding a family:
 * give the mechanism a hook struct and a typed accessor in
 * model/policies/<family>.h, define the entries and
 *
 *	const struct policy_family policy_family_hvo = {
 *		.name = "hvo", .summary = "...",
 *		.policies = hvo_policies, .nr_policies = ARRAY_SIZE(hvo_policies),
 *		.default_idx = 0,
 *	};
 *
 * in model/policies/<family>.c, and list it in the .families of the
 * mm_module holding its mechanism (module.h).  The tables are const and
 * static: the registry has no mutable state, so several machines with
 * different selections coexist (compare runs one per entry).
 *
 * This header depends on nothing but the C library; it lives in model/
 * so model/policies/ files can include it, while the registry itself
 * (model/policy.c) reads the families from the module table.
 */
#ifndef MMSIM_POLICY_H
#define MMSIM_POLICY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct machine;

struct policy {
	const char *name;		/* "reuse-head": [a-z0-9_-]+ */
	const char *summary;		/* one line, for `mmsim policies` */
	const char *models;		/* the kernel version or patch, with commits */
	const void *ops;		/* the family's ops table */
	/*
	 * The entry models a kernel with a bug that leaves books the invariant
	 * checker recomputes differently (seed 003's move-noclear): a drift
	 * the checker finds under it is that bug, reported as a simulated
	 * kernel failure, not as a fault of the model.
	 */
	bool breaks_books;
	/*
	 * "FAMILY=NAME": the entry of another family this one comes with,
	 * used for that family when the selection does not pick it (a 6.12
	 * HVO walks with 6.12's page walker: hvo=new-head-6.12 implies
	 * pagewalk-lock=6.17).  An explicit pick of that family wins.  NULL:
	 * none.
	 */
	const char *implies;
};

/*
 * A number `mmsim compare` prints for a family, read from the machine at
 * the end of a run.  A machine-wide figure is read once with @nid -1; a
 * per-node one once per node (0 .. m->nr_nodes - 1) and labelled
 * "node <nid> <label>".
 */
struct policy_figure {
	const char *label;		/* "vmemmap pages freed": shown as is */
	long (*value)(struct machine *m, int nid);
	bool per_node;
};

/* A figure's value for "it never happened": compare prints "never" */
#define POLICY_FIG_NEVER	LONG_MIN

/*
 * The default a family has on a newer kernel (`machine ... version=`): on
 * @kver (MM_KVER(), machine.h) and later, a selection that neither picks
 * nor implies an entry of the family gets entry @name instead of the
 * family's default (HVO on 6.12 is new-head-6.12).
 */
struct policy_kver_default {
	unsigned int kver;
	const char *name;
};

struct policy_family {
	const char *name;		/* "hvo", "hugetlb-mremap", "thp-uprobe": [a-z0-9_-]+ */
	const char *summary;
	const struct policy *policies;
	unsigned int nr_policies;
	unsigned int default_idx;	/* the unpatched kernel's behaviour */
	/* Defaults by kernel version, newest first, ended by kver 0.  Optional. */
	const struct policy_kver_default *kver_defaults;
	/* What compare prints for the family, ended by a NULL label.  Optional. */
	const struct policy_figure *figures;
};

/* One chosen entry per family */
#define POLICY_SEL_MAX	32
struct policy_set {
	unsigned int n;
	struct {
		const struct policy_family *family;
		const struct policy *policy;
	} sel[POLICY_SEL_MAX];
};

size_t policy_nr_families(void);
const struct policy_family *policy_family_at(size_t i);
const struct policy_family *policy_family_find(const char *name, size_t len);
const struct policy *policy_find(const struct policy_family *f, const char *name, size_t len);

/*
 * Parse "FAMILY=NAME" into a selection.  On error returns false, fills
 * @err and sets *@errpos to the offset in @spec the error is about.
 */
bool policy_parse_one(const char *spec, const struct policy_family **fam,
		      const struct policy **pol, char *err, size_t errlen, size_t *errpos);

/* Put a selection into a set, replacing an earlier pick for the same family */
void policy_set_put(struct policy_set *s, const struct policy_family *f,
		    const struct policy *p);
/*
 * The entry a set picks for @f; when it has none, the entry another
 * family's pick (or default) implies for @f (struct policy.implies, the
 * first family in registry order that implies one), else @f's default.
 */
const struct policy *policy_set_get(const struct policy_set *s, const struct policy_family *f);
/* Only the implied entry: what @s's picks and the defaults imply for @f, or NULL */
const struct policy *policy_set_implied(const struct policy_set *s, const struct policy_family *f);
/* The entry @p implies for another family (struct policy.implies): family and entry, or false */
bool policy_implies(const struct policy *p, const struct policy_family **fam,
		    const struct policy **pol);
/* Overlay @over on @base: @over's picks win */
void policy_set_merge(struct policy_set *base, const struct policy_set *over);

/*
 * Resolve a selection: @dst gets, for every registered family in registry
 * order, @picks' entry, the entry another one implies, or the family's
 * default (policy_set_get).  False, with @err filled,
 * when @picks names a family that is not registered or an entry that is
 * not one of its family's.  @dst and @picks are different sets.
 * machine_create() does this once.
 */
bool policy_set_resolve(struct policy_set *dst, const struct policy_set *picks, char *err,
			size_t errlen);

/*
 * The defaults of kernel version @kver (struct policy_kver_default) as
 * picks of @s, for each family @s neither picks nor implies an entry of.
 * machine_create() applies them before it resolves the machine's picks,
 * so that an explicit pick wins and an implied entry follows from them.
 */
void policy_set_apply_kver(struct policy_set *s, unsigned int kver);

/* The entry of @f kernel version @kver defaults to, or NULL: the family's default */
const struct policy *policy_kver_default(const struct policy_family *f, unsigned int kver);

/* Pick @family's entry @name by names (tests, tools); false when either is unknown */
bool policy_set_pick(struct policy_set *s, const char *family, const char *name);

/*
 * The ops of the entry machine @m runs for family @f, from the selection
 * machine_create() resolved.  Families wrap it with their type
 * (hvo_ops(m) in policies/hvo.h).
 */
const void *machine_policy(const struct machine *m, const struct policy_family *f);

#endif /* MMSIM_POLICY_H */
