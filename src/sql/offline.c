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
#include "core/revfile.h"

PG_FUNCTION_INFO_V1(migrate_export);
PG_FUNCTION_INFO_V1(migrate_script);

static int
cmp_id(const ListCell *a, const ListCell *b)
{
	return strcmp(lfirst(a), lfirst(b));
}

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
		char	   *filename = psprintf("%04d_%s.sql", k + 1, row->id);
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(row->id);
		values[1] = CStringGetTextDatum(filename);
		values[2] = CStringGetTextDatum(revfile_write(row, filename));
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
 * migrate_script(target, start): the SQL a push or downgrade to target would
 * run, starting from the current state or from the state "start" describes
 * (base, heads, or a revision applied with everything it builds on).
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
	ListCell   *lc;
	StringInfoData buf;
	bool		backward;
	text	   *result;
	RevisionRow **rows;
	char	  **checksums;

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
	checksums = palloc(sizeof(char *) * Max(list_length(plan), 1));
	foreach(lc, plan)
	{
		rows[foreach_current_index(lc)] = catalog_get_revision(g->nodes[lfirst_int(lc)].id);
		checksums[foreach_current_index(lc)] = rows[foreach_current_index(lc)]->checksum;
	}

	initStringInfo(&buf);
	appendStringInfo(&buf, "-- migrate: offline script, %s to \"%s\" from %s\n",
					 backward ? "downgrade" : "push", target,
					 start ? psprintf("\"%s\"", start) : "the current state");
	foreach(lc, plan)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];

		appendStringInfo(&buf, "--   %s %s: %s\n",
						 backward ? "downgrade" : "upgrade", node->id,
						 revfile_one_line(node->message));
	}
	if (plan == NIL)
		appendStringInfoString(&buf, "--   nothing to do\n");
	appendStringInfoString(&buf,
						   "--\n"
						   "-- Run it in one transaction: psql -v ON_ERROR_STOP=1 -1 -f <file>\n"
						   "-- It stops unless the database is in the state it starts from, and\n"
						   "-- records its work in the migrate catalog as a push does (without\n"
						   "-- durations). Settings a revision changes are RESET after it.\n\n");

	/* the lock catalog_lock() takes */
	appendStringInfoString(&buf, "LOCK TABLE migrate.applied IN EXCLUSIVE MODE;\n\n");

	/* the state check */
	appendStringInfoString(&buf,
						   "DO $migrate$\nBEGIN\n"
						   "    IF (SELECT pg_catalog.array_agg(id ORDER BY id COLLATE \"C\") FROM migrate.applied)\n"
						   "       IS DISTINCT FROM ");
	if (applied == NIL)
		appendStringInfoString(&buf, "NULL");
	else
	{
		list_sort(applied, cmp_id);
		revfile_append_id_array(&buf, applied);
		appendStringInfoString(&buf, "::text[]");
	}
	appendStringInfo(&buf,
					 " THEN\n"
					 "        RAISE EXCEPTION 'the database is not in the state this script starts from'\n"
					 "            USING DETAIL = %s,\n"
					 "                  HINT = 'Write the script again with migrate_script().';\n"
					 "    END IF;\n",
					 quote_literal_cstr(applied == NIL ? "It expects no revision applied." :
										psprintf("It expects exactly these revisions applied: %s.",
												 migrate_join(applied, ", ", ""))));
	if (plan != NIL)
	{
		appendStringInfoString(&buf,
							   "    IF (SELECT pg_catalog.count(*) FROM migrate.revision\n"
							   "        WHERE (id, checksum) IN (");
		foreach(lc, plan)
		{
			RevNode    *node = &g->nodes[lfirst_int(lc)];

			appendStringInfo(&buf, "%s\n            ('%s', '%s')",
							 foreach_current_index(lc) ? "," : "",
							 node->id, checksums[foreach_current_index(lc)]);
		}
		appendStringInfo(&buf,
						 ")) <> %d THEN\n"
						 "        RAISE EXCEPTION 'the revisions of this script are not registered with these scripts'\n"
						 "            USING HINT = 'Register the revision files first, or write the script again.';\n"
						 "    END IF;\n",
						 list_length(plan));
	}
	appendStringInfoString(&buf, "END\n$migrate$;\n");

	foreach(lc, plan)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];
		RevisionRow *row = rows[foreach_current_index(lc)];
		MigrateScript *script = script_parse(backward ? row->down_sql : row->up_sql,
											 backward ? "down" : "up");

		appendStringInfo(&buf, "\n-- %s %s: %s\n",
						 backward ? "downgrade" : "upgrade", node->id,
						 revfile_one_line(node->message));
		append_statements(&buf, script);
		/* what the push's GUC nest level does; a script may set_config() too */
		appendStringInfoString(&buf, "RESET SESSION AUTHORIZATION;\nRESET ALL;\n");
		if (backward)
			appendStringInfo(&buf,
							 "DELETE FROM migrate.applied WHERE id = '%s';\n", node->id);
		else
			appendStringInfo(&buf,
							 "INSERT INTO migrate.applied (id, applied_at, applied_by)"
							 " VALUES ('%s', pg_catalog.clock_timestamp(), CURRENT_USER);\n",
							 node->id);
		appendStringInfo(&buf,
						 "INSERT INTO migrate.history (revision, action, started_at,"
						 " run_by, application_name, xid, wal_lsn, checksum)"
						 " VALUES ('%s', '%s', pg_catalog.clock_timestamp(), CURRENT_USER,"
						 " pg_catalog.current_setting('application_name'),"
						 " pg_catalog.pg_current_xact_id(), pg_catalog.pg_current_wal_insert_lsn(),"
						 " '%s');\n",
						 node->id, backward ? "downgrade" : "upgrade", row->checksum);
	}

	MemoryContextSwitchTo(caller);
	result = cstring_to_text(buf.data);
	SPI_finish();
	PG_RETURN_TEXT_P(result);
}
