/*-------------------------------------------------------------------------
 *
 * graph.h
 *	  The revision graph: parents, heads, order, targets.
 *
 * src/core/graph.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_GRAPH_H
#define MIGRATE_GRAPH_H

#include "datatype/timestamp.h"
#include "nodes/pg_list.h"

/* Largest id accepted; ids match [A-Za-z0-9][A-Za-z0-9_.-]{0,63} */
#define MIGRATE_ID_MAXLEN	64

typedef struct RevNode
{
	char	   *id;
	char	   *message;
	int64		position;		/* registration order */
	int			nparents;
	int		   *parents;		/* indexes into RevGraph.nodes */
	int			nchildren;
	int		   *children;
	bool		applied;
	bool		reversible;		/* has a down script */
	bool		transactional;	/* false: must run outside a transaction */
	int			lock_timeout;	/* its own, ms; -1: the session's */
	TimestampTz applied_at;		/* valid when applied */
	char	   *applied_by;		/* valid when applied */
} RevNode;

typedef struct RevGraph
{
	int			n;
	RevNode    *nodes;			/* sorted by position */
	int		   *order;			/* topological order, ties by position */
	struct HTAB *byid;			/* id -> index */
} RevGraph;

extern RevGraph *graph_build(int n, RevNode *nodes, List **parent_ids);
extern int	graph_find(RevGraph *g, const char *id);
extern int	graph_lookup(RevGraph *g, const char *spec);
extern List *graph_heads(RevGraph *g);
extern bool graph_is_head(RevGraph *g, int idx);
extern bool graph_is_current(RevGraph *g, int idx);
extern bool graph_is_ancestor(RevGraph *g, int ancestor, int idx);
extern List *graph_plan_push(RevGraph *g, const char *target);
extern List *graph_plan_downgrade(RevGraph *g, const char *target);
extern void graph_plan_stamp(RevGraph *g, const char *target,
							 List **mark, List **unmark);
extern char *graph_id_list(RevGraph *g, List *idxs);
extern void graph_assume_state(RevGraph *g, const char *from);
extern bool graph_target_is_backward(RevGraph *g, const char *target);

#endif							/* MIGRATE_GRAPH_H */
