/*-------------------------------------------------------------------------
 *
 * offline.c
 *	  Migrations as files: migrate_export() and migrate_script().
 *
 * migrate_export() writes every revision as a psql-runnable registration
 * call, in apply order, so that the catalog round-trips through files kept
 * in git: replaying the files into an empty database and pushing gives the
 * same catalog and schema.
 *
 * migrate_script() writes the exact SQL a push or downgrade would run, for a
 * DBA to review and run with "psql -1 -f": a check that the database is
 * still in the state the script starts from, each revision's statements, and
 * the same bookkeeping rows migrate_push() writes.  What a push does that a
 * plain script cannot is said in the script's header: the GUC nest level
 * becomes RESETs after every revision (back to the session's defaults, not
 * to values SET before the script), and durations are not measured.
 *
 * A plan holding a non-transactional revision cannot be one transaction:
 * its statements must each run at top level and commit on their own.  Its
 * script is for "psql -f" without -1 and commits in steps, each
 * transaction of it opening with the lock and the state check; see
 * migrate_script().  A plan without one gives the one-transaction script,
 * byte for byte as before such revisions existed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"

#include "base/util.h"
#include "base/owner.h"
#include "base/runner.h"
#include "core/script.h"
#include "core/graph.h"
#include "catalog/catalog.h"
#include "core/migration.h"
#include "core/registry.h"
#include "core/revfile.h"

PG_FUNCTION_INFO_V1(migrate_export);
PG_FUNCTION_INFO_V1(migrate_parse_file);
PG_FUNCTION_INFO_V1(migrate_add_file);
PG_FUNCTION_INFO_V1(migrate_script);

/*
 * migrate_export(): (revision, filename, content) for every revision, in
 * apply order; filenames sort in that order.
 */
Datum
migrate_export(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RevGraph   *g;

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	migrate_check_may_read_text("migration scripts");
	g = catalog_load_graph();
	for (int k = 0; k < g->n; k++)
	{
		RevisionRow *row = catalog_get_revision(g->nodes[g->order[k]].id);
		/* in apply order by name; an id that starts with its number keeps it */
		char	   *filename = isdigit((unsigned char) row->id[0]) &&
			row->id[strspn(row->id, "0123456789")] == '_' ?
			psprintf("%s.sql", row->id) :
			psprintf("%04d_%s.sql", k + 1, row->id);
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(row->id);
		values[1] = CStringGetTextDatum(filename);
		values[2] = CStringGetTextDatum(revfile_write(row));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/* Statements of a script, each ended with a semicolon */
static void
append_statements(StringInfo buf, MigrateScript *script)
{
	for (int i = 0; i < script->nstmts; i++)
	{
		MigrateStmt *st = &script->stmts[i];
		int			len = st->len;
		const char *text = script->text + st->offset;
		const char *lastline;

		while (len > 0 && isspace((unsigned char) text[len - 1]))
			len--;
		appendBinaryStringInfo(buf, text, len);
		/* a trailing "--" comment would swallow the semicolon */
		lastline = buf->data + buf->len - len;
		for (const char *p = lastline; p < buf->data + buf->len; p++)
			if (*p == '\n')
				lastline = p + 1;
		if (strstr(lastline, "--") != NULL)
			appendStringInfoChar(buf, '\n');
		appendStringInfoString(buf, ";\n");
	}
}

/*
 * What an offline script does, said at its top.  A script whose plan holds a
 * non-transactional revision commits in steps and must not run with -1.
 */
static void
append_run_note(StringInfo buf, bool steps)
{
	if (!steps)
	{
		appendStringInfoString(buf,
							   "-- Run it in one transaction: psql -v ON_ERROR_STOP=1 -1 -f <file>\n"
							   "-- It stops unless the database is in the state it starts from, and\n"
							   "-- records its work in the migrate catalog as a push does (without\n"
							   "-- durations). Settings a revision changes are RESET after it.\n\n");
		return;
	}
	appendStringInfoString(buf,
						   "-- Run it with psql -f <file>, not with -1: the statements of a\n"
						   "-- non-transactional revision must each run outside a transaction\n"
						   "-- block and commit on their own, so this script commits in steps.\n"
						   "-- Consecutive transactional revisions run in one transaction with\n"
						   "-- their bookkeeping; each statement of a non-transactional revision\n"
						   "-- commits alone, then a transaction of its own records the revision.\n"
						   "-- Each transaction takes the migration lock and checks the state it\n"
						   "-- expects; the first stops unless the database is in the state the\n"
						   "-- script starts from, before anything runs. psql stops at the first\n"
						   "-- error (ON_ERROR_STOP, set below); what committed before it stays\n"
						   "-- done. It records its work in the migrate catalog as a push does\n"
						   "-- (without durations). Settings a revision changes are RESET after it.\n\n"
						   "\\set ON_ERROR_STOP on\n"
						   "\\set AUTOCOMMIT on\n\n");
}

/*
 * What a failure means for the non-transactional revision id, said before
 * its statements: they commit one at a time, and its bookkeeping waits for
 * the last of them.
 */
static void
append_step_note(StringInfo buf, const char *id, bool backward)
{
	if (!backward)
		appendStringInfo(buf,
						 "-- Non-transactional: each statement below commits on its own. If one\n"
						 "-- fails, the ones before it stay done and %s is not marked applied:\n"
						 "-- run the rest by hand, mark it with migrate_stamp(%s), and write\n"
						 "-- the script again for what follows.\n",
						 id, quote_literal_cstr(id));
	else
		appendStringInfo(buf,
						 "-- Non-transactional: each statement below commits on its own. If one\n"
						 "-- fails, the ones before it stay done and %s stays marked applied:\n"
						 "-- run the rest by hand, mark it unapplied with migrate_stamp(), and\n"
						 "-- write the script again for what follows.\n",
						 id);
}

/*
 * The ids and checksums of the revisions of plan from position "from" up to
 * the next non-transactional one: what one transaction of the script runs
 * and records.  With all, every one from there on: what the check at the
 * start of the script covers.
 */
static void
run_of_revisions(RevGraph *g, List *plan, RevisionRow **rows, int from,
				 bool all, List **ids, List **sums)
{
	*ids = NIL;
	*sums = NIL;
	for (int i = from; i < list_length(plan); i++)
	{
		RevNode    *node = &g->nodes[list_nth_int(plan, i)];

		if (!all && !node->transactional)
			break;
		*ids = lappend(*ids, node->id);
		*sums = lappend(*sums, rows[i]->checksum);
	}
}

/*
 * migrate_script(target, start): the SQL a push or downgrade to target would
 * run, starting from the current state or from the state "start" describes
 * (base, heads, or a revision applied with everything it builds on).
 *
 * A plan of transactional revisions is one script for "psql -1 -f".  A plan
 * holding a non-transactional revision cannot be one transaction, so the
 * script then commits in steps (see append_run_note): BEGIN ... COMMIT around
 * each run of transactional revisions, the statements of each
 * non-transactional revision at top level, where psql commits each on its
 * own, then its bookkeeping in a transaction of its own.  Every transaction
 * takes the lock again and checks the state the steps before it left.
 */
Datum
migrate_script(PG_FUNCTION_ARGS)
{
	MemoryContext caller = CurrentMemoryContext;
	char	   *target;
	char	   *start;
	RevGraph   *g;
	List	   *plan;
	List	   *applied = NIL;
	List	   *ids;
	List	   *sums;
	ListCell   *lc;
	StringInfoData buf;
	bool		backward;
	bool		steps = false;
	bool		in_block;
	text	   *result;
	RevisionRow **rows;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target must not be null")));
	target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	start = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));

	SPI_connect();
	migrate_check_may_read_text("migration scripts");
	g = catalog_load_graph();
	if (start != NULL)
		graph_assume_state(g, start);
	backward = graph_target_is_backward(g, target);
	plan = backward ? graph_plan_downgrade(g, target) : graph_plan_push(g, target);
	if (backward)
		migration_check_reversible(g, plan);

	for (int k = 0; k < g->n; k++)
		if (g->nodes[g->order[k]].applied)
			applied = lappend(applied, g->nodes[g->order[k]].id);

	/* the scripts of the plan, read once */
	rows = palloc(sizeof(RevisionRow *) * Max(list_length(plan), 1));
	foreach(lc, plan)
	{
		rows[foreach_current_index(lc)] = catalog_get_revision(g->nodes[lfirst_int(lc)].id);
		if (!g->nodes[lfirst_int(lc)].transactional)
			steps = true;
	}

	initStringInfo(&buf);
	appendStringInfo(&buf, "-- migrate: offline script, %s to \"%s\" from %s\n",
					 backward ? "downgrade" : "push", target,
					 start ? psprintf("\"%s\"", start) : "the current state");
	foreach(lc, plan)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];

		appendStringInfo(&buf, "--   %s %s%s: %s\n",
						 backward ? "downgrade" : "upgrade", node->id,
						 node->transactional ? "" : " (non-transactional)",
						 revfile_one_line(node->message));
	}
	if (plan == NIL)
		appendStringInfoString(&buf, "--   nothing to do\n");
	appendStringInfoString(&buf, "--\n");
	append_run_note(&buf, steps);

	/* the whole plan is checked before anything runs */
	if (steps)
		appendStringInfoString(&buf, "BEGIN;\n");
	run_of_revisions(g, plan, rows, 0, true, &ids, &sums);
	catalog_script_start(&buf, applied, ids, sums);
	in_block = steps;

	foreach(lc, plan)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];
		RevisionRow *row = rows[foreach_current_index(lc)];
		MigrateScript *script = script_parse_mode(backward ? row->down_sql : row->up_sql,
												  backward ? "down" : "up",
												  node->transactional);

		if (!node->transactional && in_block)
		{
			appendStringInfoString(&buf, "COMMIT;\n");
			in_block = false;
		}
		else if (node->transactional && steps && !in_block)
		{
			appendStringInfoString(&buf, "\nBEGIN;\n");
			run_of_revisions(g, plan, rows, foreach_current_index(lc), false,
							 &ids, &sums);
			catalog_script_recheck(&buf, applied, ids, sums);
			in_block = true;
		}

		appendStringInfo(&buf, "\n-- %s %s: %s\n",
						 backward ? "downgrade" : "upgrade", node->id,
						 revfile_one_line(node->message));
		if (!node->transactional)
			append_step_note(&buf, node->id, backward);
		append_statements(&buf, script);
		/* what the push's GUC nest level does; a script may set_config() too */
		appendStringInfoString(&buf, "RESET SESSION AUTHORIZATION;\nRESET ALL;\n");
		if (!node->transactional)
		{
			appendStringInfoString(&buf, "BEGIN;\n");
			catalog_script_recheck(&buf, applied, list_make1(node->id),
								   list_make1(row->checksum));
		}
		catalog_script_bookkeeping(&buf, node->id, !backward, row->checksum);
		if (!node->transactional)
			appendStringInfoString(&buf, "COMMIT;\n");

		/* the state the next transaction of the script checks */
		if (backward)
			applied = list_delete_ptr(applied, node->id);
		else
			applied = lappend(applied, node->id);
	}
	if (in_block)
		appendStringInfoString(&buf, "COMMIT;\n");

	MemoryContextSwitchTo(caller);
	result = cstring_to_text(buf.data);
	SPI_finish();
	PG_RETURN_TEXT_P(result);
}

/* The name and content of a file, and the previous file's id, as given */
static RevisionFile *
file_args(FunctionCallInfo fcinfo)
{
	char	   *name = migrate_text_arg(fcinfo, 0, "name");
	char	   *content = migrate_text_arg(fcinfo, 1, "content");
	char	   *previous = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));

	return revfile_parse(name, content, previous);
}

/*
 * migrate_parse_file(name, content, previous): what a revision file says,
 * its defaults applied, without registering anything; an id or a message
 * that registration would refuse is refused.
 */
Datum
migrate_parse_file(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RevisionFile *f;
	Datum		values[10];
	bool		nulls[10] = {0};

	InitMaterializedSRF(fcinfo, 0);
	f = file_args(fcinfo);
	/* what registration would refuse, refused here too (pg_migrate new) */
	registry_check_id(f->id);
	registry_check_message(f->message);
	values[0] = CStringGetTextDatum(f->id);
	values[1] = CStringGetTextDatum(f->message);
	values[2] = migrate_text_array(f->revises);
	values[3] = CStringGetTextDatum(f->up);
	values[4] = f->down ? CStringGetTextDatum(f->down) : (Datum) 0;
	nulls[4] = f->down == NULL;
	values[5] = BoolGetDatum(f->transactional);
	values[6] = BoolGetDatum(f->merge);
	values[7] = Int32GetDatum(f->lock_timeout);
	nulls[7] = f->lock_timeout < 0;
	values[8] = Int32GetDatum(f->lock_retries);
	nulls[8] = f->lock_retries < 0;
	values[9] = migrate_text_array(f->allow);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

/*
 * migrate_add_file(name, content, previous): register the revision a file
 * holds, as migrate_add() (or migrate_merge()) would; returns its id.
 */
Datum
migrate_add_file(PG_FUNCTION_ARGS)
{
	RevisionFile *f = file_args(fcinfo);
	RevisionOptions opts = {f->lock_timeout, f->lock_retries, f->allow};
	char	   *id;

	if (f->merge)
		id = registry_merge(f->message, f->id, true, f->revises);
	else
		id = registry_add(f->message, f->up, f->down, f->id, true, f->revises,
						  f->transactional, &opts);
	PG_RETURN_TEXT_P(cstring_to_text(id));
}
