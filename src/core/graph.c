/*-------------------------------------------------------------------------
 *
 * graph.c
 *	  The revision graph: parents, heads, topological order, targets.
 *
 * Revisions form a directed acyclic graph: a root has no parent, a merge has
 * several, and a head is a revision that no other revision names as a
 * parent.  The applied set is always closed under ancestry: a revision is
 * applied only after all of its parents, and unapplied only after all of its
 * children.
 *
 * Every plan walks one topological order, computed once per load with Kahn's
 * algorithm and ties broken by registration order, so that the same catalog
 * always gives the same order.  Plans are linear in the size of the graph.
 *
 * Targets:
 *	  heads		every head (push: everything pending)
 *	  head		the single head; an error naming the heads if there are several
 *	  base		before the first revision (downgrade: everything)
 *	  <id>		a revision id, or a prefix of exactly one id
 *	  +N		the next N pending revisions (push, stamp)
 *	  -N		the last N applied revisions (downgrade, stamp)
 *
 * Pushing to a revision applies it and its ancestors; downgrading to a
 * revision unapplies what was built on it, and nothing on other branches;
 * stamping does either without running anything.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/binaryheap.h"
#include "lib/stringinfo.h"
#include "utils/hsearch.h"

#include "core/graph.h"



typedef struct IdEntry
{
	char		id[MIGRATE_ID_MAXLEN + 1];
	int			idx;
} IdEntry;

/* min-heap on node index, which is registration order */
static int
heap_cmp(Datum a, Datum b, void *arg)
{
	int			ia = DatumGetInt32(a);
	int			ib = DatumGetInt32(b);

	return ia < ib ? 1 : ia > ib ? -1 : 0;
}

/*
 * Build the graph from nodes sorted by position; parent_ids[i] lists the
 * parent ids of node i.  The catalog guarantees every parent exists and
 * there is no cycle; finding otherwise means the tables were edited by hand.
 */
RevGraph *
graph_build(int n, RevNode *nodes, List **parent_ids)
{
	RevGraph   *g = palloc0(sizeof(RevGraph));
	HASHCTL		ctl;
	int		   *indegree;
	int		   *nchild;
	binaryheap *heap;
	int			k = 0;

	g->n = n;
	g->nodes = nodes;
	g->order = palloc(sizeof(int) * Max(n, 1));

	ctl.keysize = MIGRATE_ID_MAXLEN + 1;
	ctl.entrysize = sizeof(IdEntry);
	ctl.hcxt = CurrentMemoryContext;
	g->byid = hash_create("migrate revisions", Max(n, 16), &ctl,
						  HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);

	for (int i = 0; i < n; i++)
	{
		IdEntry    *e;
		bool		found;

		e = hash_search(g->byid, nodes[i].id, HASH_ENTER, &found);
		if (found)
			elog(ERROR, "duplicate revision id \"%s\" in catalog", nodes[i].id);
		e->idx = i;
	}

	nchild = palloc0(sizeof(int) * Max(n, 1));
	indegree = palloc0(sizeof(int) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		ListCell   *lc;
		int			p = 0;

		nodes[i].nparents = list_length(parent_ids[i]);
		nodes[i].parents = palloc(sizeof(int) * Max(nodes[i].nparents, 1));
		foreach(lc, parent_ids[i])
		{
			int			pi = graph_find(g, lfirst(lc));

			if (pi < 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("revision \"%s\" names parent \"%s\", which does not exist",
								nodes[i].id, (char *) lfirst(lc))));
			nodes[i].parents[p++] = pi;
			nchild[pi]++;
		}
		indegree[i] = nodes[i].nparents;
	}
	for (int i = 0; i < n; i++)
	{
		nodes[i].children = palloc(sizeof(int) * Max(nchild[i], 1));
		nodes[i].nchildren = 0;
	}
	for (int i = 0; i < n; i++)
		for (int p = 0; p < nodes[i].nparents; p++)
		{
			RevNode    *parent = &nodes[nodes[i].parents[p]];

			parent->children[parent->nchildren++] = i;
		}

	/* Kahn's algorithm, earliest registered first among the ready ones */
	heap = binaryheap_allocate(Max(n, 1), heap_cmp, NULL);
	for (int i = 0; i < n; i++)
		if (indegree[i] == 0)
			binaryheap_add_unordered(heap, Int32GetDatum(i));
	binaryheap_build(heap);
	while (!binaryheap_empty(heap))
	{
		int			i = DatumGetInt32(binaryheap_remove_first(heap));

		g->order[k++] = i;
		for (int c = 0; c < nodes[i].nchildren; c++)
			if (--indegree[nodes[i].children[c]] == 0)
				binaryheap_add(heap, Int32GetDatum(nodes[i].children[c]));
	}
	if (k != n)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the revision graph has a cycle")));

	binaryheap_free(heap);
	pfree(indegree);
	pfree(nchild);
	return g;
}

/* Index of the revision with exactly this id, or -1 */
int
graph_find(RevGraph *g, const char *id)
{
	IdEntry    *e;

	if (strlen(id) > MIGRATE_ID_MAXLEN)
		return -1;
	e = hash_search(g->byid, id, HASH_FIND, NULL);
	return e ? e->idx : -1;
}

/* "a1", "b2" -- ids quoted and comma-separated, for messages */
char *
graph_id_list(RevGraph *g, List *idxs)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, idxs)
		appendStringInfo(&buf, "%s\"%s\"", buf.len ? ", " : "",
						 g->nodes[lfirst_int(lc)].id);
	return buf.data;
}

bool
graph_is_head(RevGraph *g, int idx)
{
	return g->nodes[idx].nchildren == 0;
}

/* applied, and nothing applied builds on it */
bool
graph_is_current(RevGraph *g, int idx)
{
	RevNode    *node = &g->nodes[idx];

	if (!node->applied)
		return false;
	for (int c = 0; c < node->nchildren; c++)
		if (g->nodes[node->children[c]].applied)
			return false;
	return true;
}

/* Heads in topological order */
List *
graph_heads(RevGraph *g)
{
	List	   *heads = NIL;

	for (int k = 0; k < g->n; k++)
		if (graph_is_head(g, g->order[k]))
			heads = lappend_int(heads, g->order[k]);
	return heads;
}

/*
 * Mark idx and everything reachable from it: what it builds on (up), or
 * what builds on it (down).
 */
static void
mark_reachable(RevGraph *g, int idx, bool *mark, bool up)
{
	List	   *stack = list_make1_int(idx);

	while (stack != NIL)
	{
		int			i = llast_int(stack);
		RevNode    *node = &g->nodes[i];
		int			n = up ? node->nparents : node->nchildren;
		int		   *next = up ? node->parents : node->children;

		stack = list_delete_last(stack);
		if (mark[i])
			continue;
		mark[i] = true;
		for (int k = 0; k < n; k++)
			stack = lappend_int(stack, next[k]);
	}
}

#define mark_ancestors(g, idx, mark)	mark_reachable(g, idx, mark, true)
#define mark_descendants(g, idx, mark)	mark_reachable(g, idx, mark, false)

/* true if ancestor is idx or one of the revisions idx builds on */
bool
graph_is_ancestor(RevGraph *g, int ancestor, int idx)
{
	bool	   *mark = palloc0(sizeof(bool) * Max(g->n, 1));
	bool		result;

	mark_ancestors(g, idx, mark);
	result = mark[ancestor];
	pfree(mark);
	return result;
}

/* The single head, or an error that names them */
static int
single_head(RevGraph *g)
{
	List	   *heads = graph_heads(g);

	if (list_length(heads) == 1)
		return linitial_int(heads);
	if (heads == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("there is no head: no revision is registered")));
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("target \"head\" is ambiguous: there are %d heads",
					list_length(heads)),
			 errdetail("The heads are %s.", graph_id_list(g, heads)),
			 errhint("Name one of them, use \"heads\" for all of them, or merge them.")));
	return -1;					/* keep compiler quiet */
}

/*
 * Find one revision: "head", an exact id, or a prefix of exactly one id.
 */
int
graph_lookup(RevGraph *g, const char *spec)
{
	int			idx;
	List	   *matches = NIL;
	size_t		len = strlen(spec);

	if (strcmp(spec, "head") == 0)
		return single_head(g);
	if ((idx = graph_find(g, spec)) >= 0)
		return idx;

	for (int i = 0; i < g->n && len > 0; i++)
		if (strncmp(g->nodes[i].id, spec, len) == 0)
			matches = lappend_int(matches, i);

	if (list_length(matches) == 1)
		return linitial_int(matches);
	if (matches == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("revision \"%s\" does not exist", spec),
				 errhint("Name a revision by its id or a unique prefix of it; migrate_status() lists them.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("revision prefix \"%s\" is ambiguous", spec),
			 errdetail("It matches %s.", graph_id_list(g, matches)),
			 errhint("Give more characters of the id.")));
	return -1;					/* keep compiler quiet */
}

/*
 * Parse "+N" or "-N": returns the sign (+1, -1) and sets *n, or returns 0
 * if spec is not a relative target.
 */
static int
parse_relative(const char *spec, int *n)
{
	int64		v = 0;
	const char *p = spec + 1;

	if (spec[0] != '+' && spec[0] != '-')
		return 0;
	if (*p == '\0')
		goto bad;
	for (; *p; p++)
	{
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (*p - '0');
		if (v > PG_INT32_MAX)
			goto bad;
	}
	if (v == 0)
		goto bad;
	*n = (int) v;
	return spec[0] == '+' ? 1 : -1;

bad:
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid relative target \"%s\"", spec),
			 errhint("A relative target is + or - followed by a positive number of revisions, like +1 or -2.")));
	return 0;					/* keep compiler quiet */
}

/* Revisions marked and pending, in topological order */
static List *
pending_in_order(RevGraph *g, bool *mark)
{
	List	   *plan = NIL;

	for (int k = 0; k < g->n; k++)
	{
		int			i = g->order[k];

		if (mark[i] && !g->nodes[i].applied)
			plan = lappend_int(plan, i);
	}
	return plan;
}

/* Revisions marked and applied, in reverse topological order */
static List *
applied_in_reverse(RevGraph *g, bool *mark)
{
	List	   *plan = NIL;

	for (int k = g->n - 1; k >= 0; k--)
	{
		int			i = g->order[k];

		if (mark[i] && g->nodes[i].applied)
			plan = lappend_int(plan, i);
	}
	return plan;
}

/* The first n revisions of a plan; fewer is an error, not a partial move */
static List *
take_first(List *plan, int n, const char *spec, bool upgrade)
{
	int			have = list_length(plan);

	if (have < n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 upgrade ?
				 errmsg("target \"%s\" goes beyond the heads", spec) :
				 errmsg("target \"%s\" goes beyond base", spec),
				 upgrade ?
				 errdetail_plural("Only %d revision is pending.",
								  "Only %d revisions are pending.", have, have) :
				 errdetail_plural("Only %d revision is applied.",
								  "Only %d revisions are applied.", have, have)));
	return list_truncate(plan, n);
}

/*
 * The revisions a push to target applies, in the order to apply them.
 */
List *
graph_plan_push(RevGraph *g, const char *target)
{
	bool	   *mark = palloc0(sizeof(bool) * Max(g->n, 1));
	int			sign;
	int			n;

	if ((sign = parse_relative(target, &n)) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot push to \"%s\", which moves backwards", target),
				 errhint("Use migrate_downgrade('%s').", target)));
	if (sign > 0 || strcmp(target, "heads") == 0)
	{
		memset(mark, true, sizeof(bool) * g->n);
		if (sign > 0)
			return take_first(pending_in_order(g, mark), n, target, true);
	}
	else if (strcmp(target, "base") != 0)
		mark_ancestors(g, graph_lookup(g, target), mark);

	return pending_in_order(g, mark);
}

/*
 * The revisions a downgrade to target unapplies, in the order to run their
 * down scripts.
 */
List *
graph_plan_downgrade(RevGraph *g, const char *target)
{
	bool	   *mark = palloc0(sizeof(bool) * Max(g->n, 1));
	int			sign;
	int			n;
	int			idx;

	if ((sign = parse_relative(target, &n)) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot downgrade to \"%s\", which moves forwards", target),
				 errhint("Use migrate_push('%s').", target)));
	if (sign < 0 || strcmp(target, "base") == 0)
	{
		memset(mark, true, sizeof(bool) * g->n);
		if (sign < 0)
			return take_first(applied_in_reverse(g, mark), n, target, false);
		return applied_in_reverse(g, mark);
	}
	if (strcmp(target, "heads") == 0)
		return NIL;				/* nothing is built on a head */

	idx = graph_lookup(g, target);
	if (!g->nodes[idx].applied)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot downgrade to revision \"%s\", which is not applied",
						g->nodes[idx].id),
				 errhint("Use migrate_push('%s') to move forwards to it.",
						 g->nodes[idx].id)));
	mark_descendants(g, idx, mark);
	mark[idx] = false;
	return applied_in_reverse(g, mark);
}

/*
 * A stamp to target: the revisions to mark applied (in apply order) and those
 * to mark unapplied (in reverse order), so that afterwards the target is
 * applied with everything it builds on, and nothing built on it is.
 */
void
graph_plan_stamp(RevGraph *g, const char *target, List **mark, List **unmark)
{
	int			n;
	int			sign = parse_relative(target, &n);

	*mark = NIL;
	*unmark = NIL;
	if (sign > 0 || strcmp(target, "heads") == 0)
		*mark = graph_plan_push(g, target);
	else if (sign < 0 || strcmp(target, "base") == 0)
		*unmark = graph_plan_downgrade(g, target);
	else
	{
		int			idx = graph_lookup(g, target);
		bool	   *up = palloc0(sizeof(bool) * Max(g->n, 1));
		bool	   *down = palloc0(sizeof(bool) * Max(g->n, 1));

		mark_ancestors(g, idx, up);
		mark_descendants(g, idx, down);
		down[idx] = false;
		*mark = pending_in_order(g, up);
		*unmark = applied_in_reverse(g, down);
	}
}

/*
 * Pretend the applied set is the one "from" describes: "base" (nothing),
 * "heads" (everything), or a revision with everything it builds on.  Used to
 * write an offline script for another database.
 */
void
graph_assume_state(RevGraph *g, const char *from)
{
	bool	   *mark = palloc0(sizeof(bool) * Max(g->n, 1));

	if (strcmp(from, "heads") == 0)
		memset(mark, true, sizeof(bool) * g->n);
	else if (strcmp(from, "base") != 0)
		mark_ancestors(g, graph_lookup(g, from), mark);
	for (int i = 0; i < g->n; i++)
		g->nodes[i].applied = mark[i];
}

/*
 * Whether going to target means downgrading: "-N", "base", or a revision
 * that is applied (going back to it); anything else is a push.
 */
bool
graph_target_is_backward(RevGraph *g, const char *target)
{
	int			n;
	int			sign = parse_relative(target, &n);

	if (sign != 0)
		return sign < 0;
	if (strcmp(target, "base") == 0)
		return true;
	if (strcmp(target, "heads") == 0)
		return false;
	return g->nodes[graph_lookup(g, target)].applied;
}
