/*-------------------------------------------------------------------------
 *
 * info.c
 *	  The functions that only look: status, current, heads, show, history.
 *
 * They take no lock and change nothing, and anyone may call them: the
 * catalog reads in catalog.c run as the extension owner, so the tables
 * themselves need no grants.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "base/util.h"
#include "base/owner.h"
#include "core/graph.h"
#include "catalog/catalog.h"
#include "core/worker.h"

PG_FUNCTION_INFO_V1(migrate_status);
PG_FUNCTION_INFO_V1(migrate_current);
PG_FUNCTION_INFO_V1(migrate_heads);
PG_FUNCTION_INFO_V1(migrate_show);
PG_FUNCTION_INFO_V1(migrate_history);
PG_FUNCTION_INFO_V1(migrate_steps);
PG_FUNCTION_INFO_V1(migrate_ddl_log);

static Datum
parents_array(RevGraph *g, RevNode *node)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(node->nparents, 1));

	for (int p = 0; p < node->nparents; p++)
		elems[p] = CStringGetTextDatum(g->nodes[node->parents[p]].id);
	return PointerGetDatum(construct_array(elems, node->nparents, TEXTOID,
										   -1, false, TYPALIGN_INT));
}

/*
 * The state migrate_status() shows: applied or pending, or, for a
 * non-transactional revision whose steps in one direction are not all done,
 * how its run stands: applying or reverting (a background worker runs it),
 * or a run that failed or was interrupted (a crash, a terminated worker),
 * which the next deploy resumes.
 */
static const char *
node_state(RevNode *node, List *unfinished, bool worker)
{
	ListCell   *lc;

	if (!node->transactional)
		foreach(lc, unfinished)
		{
			StepSummary *s = lfirst(lc);

			if (strcmp(s->id, node->id) != 0 || s->upgrade == node->applied)
				continue;
			if (s->running && worker)
				return s->upgrade ? "applying" : "reverting";
			if (s->failed)
				return s->upgrade ? "apply failed" : "revert failed";
			return s->upgrade ? "apply interrupted" : "revert interrupted";
		}
	return node->applied ? "applied" : "pending";
}

/* The unfinished runs node_state() needs, and whether a worker lives */
static List *
unfinished_runs(RevGraph *g, bool *worker)
{
	List	   *unfinished = NIL;

	*worker = false;
	/* a catalog of 0.1, which has no migrate.step, holds no such revision */
	for (int i = 0; i < g->n; i++)
		if (!g->nodes[i].transactional)
		{
			unfinished = catalog_unfinished_steps();
			*worker = unfinished != NIL && worker_is_running();
			break;
		}
	return unfinished;
}

/*
 * migrate_status(): every revision in apply order, applied or pending, with
 * its head and current markers.
 */
Datum
migrate_status(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RevGraph   *g;

	List	   *unfinished;
	bool		worker;

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	g = catalog_load_graph();
	unfinished = unfinished_runs(g, &worker);
	for (int k = 0; k < g->n; k++)
	{
		int			i = g->order[k];
		RevNode    *node = &g->nodes[i];
		Datum		values[10];
		bool		nulls[10] = {0};

		values[0] = CStringGetTextDatum(node->id);
		values[1] = CStringGetTextDatum(node->message);
		values[2] = CStringGetTextDatum(node_state(node, unfinished, worker));
		values[3] = BoolGetDatum(graph_is_head(g, i));
		values[4] = BoolGetDatum(graph_is_current(g, i));
		values[5] = parents_array(g, node);
		values[6] = TimestampTzGetDatum(node->applied_at);
		values[7] = node->applied ?
			DirectFunctionCall1(namein, CStringGetDatum(node->applied_by)) : (Datum) 0;
		nulls[6] = nulls[7] = !node->applied;
		values[8] = BoolGetDatum(node->reversible);
		/* (the result of 0.1's declaration ends before it) */
		values[9] = BoolGetDatum(node->transactional);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/*
 * migrate_current(): the applied revisions nothing applied builds on; one
 * row per branch, none at base.
 */
Datum
migrate_current(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RevGraph   *g;

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	g = catalog_load_graph();
	for (int k = 0; k < g->n; k++)
	{
		int			i = g->order[k];
		Datum		values[3];
		bool		nulls[3] = {0};

		if (!graph_is_current(g, i))
			continue;
		values[0] = CStringGetTextDatum(g->nodes[i].id);
		values[1] = CStringGetTextDatum(g->nodes[i].message);
		values[2] = TimestampTzGetDatum(g->nodes[i].applied_at);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/*
 * migrate_heads(): the revisions nothing builds on.
 */
Datum
migrate_heads(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RevGraph   *g;
	ListCell   *lc;
	List	   *unfinished;
	bool		worker;

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	g = catalog_load_graph();
	unfinished = unfinished_runs(g, &worker);
	foreach(lc, graph_heads(g))
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];
		Datum		values[3];
		bool		nulls[3] = {0};

		values[0] = CStringGetTextDatum(node->id);
		values[1] = CStringGetTextDatum(node->message);
		values[2] = CStringGetTextDatum(node_state(node, unfinished, worker));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/*
 * migrate_show(target): one revision and its SQL.  Takes "head", an id or
 * a unique prefix.
 */
Datum
migrate_show(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *spec = migrate_text_arg(fcinfo, 0, "target");
	RevGraph   *g;
	RevisionRow *row;
	ListCell   *lc;
	Datum		values[13];
	bool		nulls[13] = {0};
	Datum	   *parents;
	int			n = 0;

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	g = catalog_load_graph();
	row = catalog_get_revision(g->nodes[graph_lookup(g, spec)].id);

	parents = palloc(sizeof(Datum) * Max(list_length(row->parents), 1));
	foreach(lc, row->parents)
		parents[n++] = CStringGetTextDatum(lfirst(lc));

	values[0] = CStringGetTextDatum(row->id);
	values[1] = CStringGetTextDatum(row->message);
	values[2] = PointerGetDatum(construct_array(parents, n, TEXTOID, -1,
												false, TYPALIGN_INT));
	if (migrate_may_read_text())
	{
		values[3] = CStringGetTextDatum(row->up_sql);
		values[4] = row->down_sql ? CStringGetTextDatum(row->down_sql) : (Datum) 0;
		nulls[4] = row->down_sql == NULL;
	}
	else
	{
		/* whether it is reversible is no secret: keep down NULL if it is not */
		values[3] = CStringGetTextDatum(MIGRATE_REDACTED);
		values[4] = CStringGetTextDatum(MIGRATE_REDACTED);
		nulls[4] = row->down_sql == NULL;
	}
	/* a hash of short scripts can be guessed back: it goes with them */
	values[5] = CStringGetTextDatum(migrate_may_read_text() ? row->checksum :
									MIGRATE_REDACTED);
	values[6] = TimestampTzGetDatum(row->created_at);
	values[7] = DirectFunctionCall1(namein, CStringGetDatum(row->created_by));
	values[8] = TimestampTzGetDatum(row->applied_at);
	nulls[8] = !row->applied;
	/* (the result of 0.1's declaration ends before it) */
	values[9] = BoolGetDatum(row->transactional);
	values[10] = Int32GetDatum(row->lock_timeout);
	nulls[10] = row->lock_timeout < 0;
	values[11] = Int32GetDatum(row->lock_retries);
	nulls[11] = row->lock_retries < 0;
	values[12] = migrate_text_array(row->allow);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	SPI_finish();
	return (Datum) 0;
}

/*
 * migrate_history(): every upgrade, downgrade and stamp, oldest first.
 */
Datum
migrate_history(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			types[1] = {BOOLOID};
	Datum		values[1];

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	values[0] = BoolGetDatum(migrate_may_read_text());
	catalog_select_into("SELECT seq, revision, action, started_at, duration,"
						" session_role, run_by, application_name,"
						" client_addr, backend_pid, xid, wal_lsn,"
						" CASE WHEN $1 OR error IS NULL THEN error"
						" ELSE '" MIGRATE_REDACTED "' END,"
						" sqlstate, statement, line, fingerprint"
						" FROM migrate.history ORDER BY seq",
						1, types, values, NULL, rsinfo);
	SPI_finish();
	return (Datum) 0;
}

/*
 * migrate_ddl_log(since, out_of_band_only): the schema changes the event
 * triggers logged, oldest first.
 */
Datum
migrate_ddl_log(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			types[3] = {TIMESTAMPTZOID, BOOLOID, BOOLOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};

	values[0] = PG_ARGISNULL(0) ? (Datum) 0 : PG_GETARG_DATUM(0);
	nulls[0] = PG_ARGISNULL(0) ? 'n' : ' ';
	values[1] = BoolGetDatum(!PG_ARGISNULL(1) && PG_GETARG_BOOL(1));

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	values[2] = BoolGetDatum(migrate_may_read_text());
	catalog_select_into("SELECT seq, logged_at, revision, command_tag, object_type,"
						" object_identity, schema_name, dropped,"
						" CASE WHEN $3 OR statement IS NULL THEN statement"
						" ELSE '" MIGRATE_REDACTED "' END,"
						" session_role, run_by, application_name,"
						" backend_pid, xid FROM migrate.ddl_log"
						" WHERE ($1 IS NULL OR logged_at OPERATOR(pg_catalog.>=) $1)"
						" AND (NOT $2 OR revision IS NULL)"
						" ORDER BY seq",
						3, types, values, nulls, rsinfo);
	SPI_finish();
	return (Datum) 0;
}

/*
 * migrate_steps(revision text DEFAULT NULL): the steps of non-transactional
 * revisions (of one, or of all), each statement with its state.
 */
Datum
migrate_steps(PG_FUNCTION_ARGS)
{
	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	catalog_select_steps(PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0)),
						 (ReturnSetInfo *) fcinfo->resultinfo);
	SPI_finish();
	return (Datum) 0;
}
