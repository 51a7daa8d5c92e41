/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy.h - the policy registry: named ops tables grouped by family.
 *
 * Every algorithm a seed patch changes is a mechanism in the model with a
 * hook; the implementations of that hook (today's kernel, the proposed
 * patch, its variants) form a family, e.g. family "hvo" with entries
 * "reuse-head", "alloc-head", ...  A scenario picks one entry per family
 * (`policy hvo=alloc-head`, or `--policy hvo=alloc-head` on the command
 * line); a family nobody picks runs its default entry, the unpatched 6.1
 * behaviour, which is a policy like the others and never a special case.
 *
 * Adding a family: write model/policies/<family>.c defining
 *
 *	static const struct policy hvo_policies[] = {
 *		{ "reuse-head", "6.1: reuse the head vmemmap page", &hvo_reuse_head_ops },
 *		{ "alloc-head", "allocate a new head page",          &hvo_alloc_head_ops },
 *	};
 *	const struct policy_family policy_family_hvo = {
 *		.name = "hvo", .summary = "...",
 *		.policies = hvo_policies, .nr_policies = ARRAY_SIZE(hvo_policies),
 *		.default_idx = 0, .apply = hvo_policy_apply,
 *	};
 *
 * and list it in the .families of the mm_module holding its mechanism
 * (module.h).  Adding an entry to an existing family touches only the
 * family's file.  The tables
 * are const and static: the registry has no mutable state, so several
 * machines with different selections coexist (compare runs one per entry).
 *
 * This header depends on nothing but the C library; it lives in model/
 * so model/policies/ files can include it, while the registry itself
 * (model/policy.c) reads the families from the module table.
 */
#ifndef MMSIM_POLICY_H
#define MMSIM_POLICY_H

#include <stdbool.h>
#include <stddef.h>

struct machine;
struct machine_opts;

struct policy {
	const char *name;		/* "reuse-head": [a-z0-9_-]+ */
	const char *summary;		/* one line, for `mmsim policies` */
	const void *ops;		/* the family's ops table */
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

struct policy_family {
	const char *name;		/* "hvo": [a-z0-9_]+ */
	const char *summary;
	const struct policy *policies;
	unsigned int nr_policies;
	unsigned int default_idx;	/* the unpatched kernel's behaviour */
	/*
	 * Install @p on a freshly created machine.  Returns 0, or a negative
	 * errno with @err filled (the run then stops with exit 2).
	 */
	int (*apply)(struct machine *m, const struct policy *p, char *err, size_t errlen);
	/*
	 * Install @p in the machine description before boot, for families
	 * whose mechanism already runs while the machine boots (HVO of boot
	 * hugepages).  Optional; same return convention.
	 */
	int (*apply_opts)(struct machine_opts *o, const struct policy *p, char *err, size_t errlen);
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
/* The entry a set picks for @f (its default when the set has none) */
const struct policy *policy_set_get(const struct policy_set *s, const struct policy_family *f);
/* Overlay @over on @base: @over's picks win */
void policy_set_merge(struct policy_set *base, const struct policy_set *over);

/* Apply, for every registered family, the set's pick or the default */
int policy_apply_all(struct machine *m, const struct policy_set *s, char *err, size_t errlen);
int policy_apply_opts_all(struct machine_opts *o, const struct policy_set *s, char *err,
			  size_t errlen);

#endif /* MMSIM_POLICY_H */
