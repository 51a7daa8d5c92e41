// SPDX-License-Identifier: GPL-2.0-only
/*
 * policy.c - the policy registry (see policy.h).
 *
 * The registry has no table of its own: each family is defined next to
 * its mechanism and listed in the mm_module of that mechanism (module.h).
 * Lookups are linear: there are a handful of families with a handful of
 * entries each.
 */
#include <stdio.h>
#include <string.h>

#include "machine.h"
#include "module.h"
#include "policy.h"
#include "suggest.h"

/*
 * Families are found through the modules that hold their mechanism
 * (module.h): the i-th family is counted across the modules in order.
 */
size_t policy_nr_families(void)
{
	size_t n = 0;

	for (size_t i = 0; i < mm_nr_modules(); i++)
		n += mm_module_at(i)->nr_families;
	return n;
}

const struct policy_family *policy_family_at(size_t i)
{
	for (size_t k = 0; k < mm_nr_modules(); k++) {
		const struct mm_module *mod = mm_module_at(k);

		if (i < mod->nr_families)
			return mod->families[i];
		i -= mod->nr_families;
	}
	return NULL;
}

#define for_each_policy_family(f, i) \
	for (size_t i = 0; ((f) = policy_family_at(i)); i++)

static bool name_is(const char *name, const char *s, size_t len)
{
	return strlen(name) == len && memcmp(name, s, len) == 0;
}

const struct policy_family *policy_family_find(const char *name, size_t len)
{
	const struct policy_family *f;

	for_each_policy_family(f, i)
		if (name_is(f->name, name, len))
			return f;
	return NULL;
}

const struct policy *policy_find(const struct policy_family *f, const char *name, size_t len)
{
	for (unsigned int i = 0; i < f->nr_policies; i++)
		if (name_is(f->policies[i].name, name, len))
			return &f->policies[i];
	return NULL;
}

bool policy_parse_one(const char *spec, const struct policy_family **fam,
		      const struct policy **pol, char *err, size_t errlen, size_t *errpos)
{
	const char *eq = strchr(spec, '=');
	const struct policy_family *f;
	const struct policy *p;
	size_t flen, off, used;

	*errpos = 0;
	if (!eq || eq == spec) {
		snprintf(err, errlen, "expected FAMILY=NAME, got '%s'", spec);
		return false;
	}
	flen = (size_t)(eq - spec);
	f = policy_family_find(spec, flen);
	if (!f) {
		char fam_name[64];
		struct suggest sg;

		snprintf(fam_name, sizeof(fam_name), "%.*s", (int)flen, spec);
		suggest_init(&sg, fam_name);
		for (size_t i = 0; i < policy_nr_families(); i++)
			suggest_offer(&sg, policy_family_at(i)->name);
		if (suggest_result(&sg))
			snprintf(err, errlen, "unknown policy family '%s': did you mean '%s'?",
				 fam_name, suggest_result(&sg));
		else
			snprintf(err, errlen, "unknown policy family '%s' (`mmsim policies` lists "
				 "them)", fam_name);
		return false;
	}
	*errpos = flen + 1;
	if (!eq[1]) {
		snprintf(err, errlen, "missing policy name after '%s='", f->name);
		return false;
	}
	p = policy_find(f, eq + 1, strlen(eq + 1));
	if (!p) {
		struct suggest sg;

		suggest_init(&sg, eq + 1);
		for (unsigned int i = 0; i < f->nr_policies; i++)
			suggest_offer(&sg, f->policies[i].name);
		if (suggest_result(&sg))
			used = (size_t)snprintf(err, errlen, "unknown policy '%s' in family '%s': "
						"did you mean '%s'? (known:", eq + 1, f->name,
						suggest_result(&sg));
		else
			used = (size_t)snprintf(err, errlen, "unknown policy '%s' in family '%s' "
						"(known:", eq + 1, f->name);
		for (unsigned int i = 0; i < f->nr_policies && used < errlen; i++) {
			off = used;
			used += (size_t)snprintf(err + off, errlen - off, " %s", f->policies[i].name);
		}
		if (used < errlen)
			snprintf(err + used, errlen - used, ")");
		return false;
	}
	*fam = f;
	*pol = p;
	return true;
}

void policy_set_put(struct policy_set *s, const struct policy_family *f,
		    const struct policy *p)
{
	for (unsigned int i = 0; i < s->n; i++) {
		if (s->sel[i].family == f) {
			s->sel[i].policy = p;
			return;
		}
	}
	/* Each family appears at most once, so the set cannot overflow. */
	if (s->n < POLICY_SEL_MAX) {
		s->sel[s->n].family = f;
		s->sel[s->n].policy = p;
		s->n++;
	}
}

/* The set's own pick for @f, or NULL */
static const struct policy *policy_set_picked(const struct policy_set *s,
					      const struct policy_family *f)
{
	for (unsigned int i = 0; s && i < s->n; i++)
		if (s->sel[i].family == f)
			return s->sel[i].policy;
	return NULL;
}

bool policy_implies(const struct policy *p, const struct policy_family **fam,
		    const struct policy **pol)
{
	const char *eq = p && p->implies ? strchr(p->implies, '=') : NULL;
	const struct policy_family *f;

	if (!eq)
		return false;
	f = policy_family_find(p->implies, (size_t)(eq - p->implies));
	*pol = f ? policy_find(f, eq + 1, strlen(eq + 1)) : NULL;
	*fam = f;
	return *pol != NULL;
}

const struct policy *policy_set_implied(const struct policy_set *s, const struct policy_family *f)
{
	const struct policy_family *g;

	/* one step only: what an implied entry would imply in turn is not followed */
	for_each_policy_family(g, i) {
		const struct policy *p = policy_set_picked(s, g);
		const struct policy_family *tf;
		const struct policy *tp;

		if (g == f)
			continue;
		if (!p && g->nr_policies)
			p = &g->policies[g->default_idx];
		if (policy_implies(p, &tf, &tp) && tf == f)
			return tp;
	}
	return NULL;
}

const struct policy *policy_set_get(const struct policy_set *s, const struct policy_family *f)
{
	const struct policy *p = policy_set_picked(s, f);

	if (p)
		return p;
	p = policy_set_implied(s, f);
	if (p)
		return p;
	return f->nr_policies ? &f->policies[f->default_idx] : NULL;
}

void policy_set_merge(struct policy_set *base, const struct policy_set *over)
{
	for (unsigned int i = 0; over && i < over->n; i++)
		policy_set_put(base, over->sel[i].family, over->sel[i].policy);
}

static bool policy_of(const struct policy_family *f, const struct policy *p)
{
	for (unsigned int i = 0; i < f->nr_policies; i++)
		if (&f->policies[i] == p)
			return true;
	return false;
}

bool policy_set_resolve(struct policy_set *dst, const struct policy_set *picks, char *err,
			size_t errlen)
{
	const struct policy_family *f;

	for (unsigned int i = 0; picks && i < picks->n; i++) {
		const struct policy_family *pf = picks->sel[i].family;
		const struct policy *p = picks->sel[i].policy;
		const struct policy_family *known = pf ? policy_family_find(pf->name, strlen(pf->name))
						       : NULL;

		if (known != pf) {
			snprintf(err, errlen, "policy family '%s' is not registered",
				 pf ? pf->name : "(null)");
			return false;
		}
		if (!p || !policy_of(pf, p)) {
			snprintf(err, errlen, "policy '%s' is not an entry of family '%s'",
				 p && p->name ? p->name : "(null)", pf->name);
			return false;
		}
	}
	dst->n = 0;
	for_each_policy_family(f, i)
		if (f->nr_policies)
			policy_set_put(dst, f, policy_set_get(picks, f));
	return true;
}

const struct policy *policy_kver_default(const struct policy_family *f, unsigned int kver)
{
	for (const struct policy_kver_default *d = f->kver_defaults; d && d->kver; d++)
		if (kver >= d->kver)
			return policy_find(f, d->name, strlen(d->name));
	return NULL;
}

void policy_set_apply_kver(struct policy_set *s, unsigned int kver)
{
	const struct policy_family *f;
	struct policy_set picks = *s;

	/* what the picks imply is decided on the picks alone, not on each other's defaults */
	for_each_policy_family(f, i) {
		const struct policy *p = policy_kver_default(f, kver);

		if (p && !policy_set_picked(&picks, f) && !policy_set_implied(&picks, f))
			policy_set_put(s, f, p);
	}
}

bool policy_set_pick(struct policy_set *s, const char *family, const char *name)
{
	const struct policy_family *f = policy_family_find(family, strlen(family));
	const struct policy *p = f ? policy_find(f, name, strlen(name)) : NULL;

	if (!p)
		return false;
	policy_set_put(s, f, p);
	return true;
}

const void *machine_policy(const struct machine *m, const struct policy_family *f)
{
	const struct policy_set *s = &m->opts.policies;

	for (unsigned int i = 0; i < s->n; i++)
		if (s->sel[i].family == f)
			return s->sel[i].policy->ops;
	return NULL;
}
