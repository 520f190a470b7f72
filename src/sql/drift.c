/*-------------------------------------------------------------------------
 *
 * drift.c
 *	  Schema drift: the live model against the expected one.
 *
 * After every push, deploy, downgrade, stamp, reset or adopt, the model of
 * the managed schemas (src/model) is saved in migrate.snapshot as the
 * expected state, and its fingerprint goes into the history rows of that
 * call.  migrate_drift() reads the live model again and compares the two
 * sorted lists in one pass; each difference says what the object was and
 * is, and, from the DDL log, who changed it out of band and when.  Before
 * the first snapshot nothing is expected, and everything managed is drift.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
#include "utils/hsearch.h"
#include "utils/timestamp.h"

#include "base/owner.h"
#include "catalog/catalog.h"
#include "model/model.h"

PG_FUNCTION_INFO_V1(migrate_drift);
PG_FUNCTION_INFO_V1(migrate_check);
PG_FUNCTION_INFO_V1(migrate_fingerprint);
PG_FUNCTION_INFO_V1(migrate_settle_snapshot);

typedef ModelChange Drift;

/*
 * The drift now: the caller holds the SPI connection.  When the live model
 * has the fingerprint of the saved one there is none, and the saved model
 * (megabytes on a large schema) is not even read.
 */
static List *
current_drift(void)
{
	SchemaModel *actual = model_read_released();
	char	   *fingerprint = catalog_snapshot_fingerprint();
	text	   *saved;
	SchemaModel *expected;

	if (fingerprint != NULL && strcmp(fingerprint, model_fingerprint(actual)) == 0)
		return NIL;
	saved = catalog_load_snapshot();
	expected = saved ? model_deserialize_in_place(VARDATA(saved), VARSIZE(saved) - VARHDRSZ) :
		model_read_empty();
	return model_fold_inherited(model_compare(expected, actual), expected, actual);
}

/*
 * The identities under which the DDL log may know a drifted object, most
 * precise first: the log writes constraints, triggers and policies as
 * "name on table", comments and privileges under the object they are on,
 * and a column's change under its table.
 */
static List *
log_identities(Drift *d)
{
	List	   *result = NIL;
	const char *id = d->identity;
	const char *sp;
	static const char *const prefixes[] = {
		"materialized view ", "composite type ", "table ", "view ", "sequence ",
		"column ", "constraint ", "index ", "function ", "procedure ",
		"aggregate ", "enum ", "domain ", "range ", "schema ", "trigger ",
		"policy ", "rule ", NULL
	};

	if (strcmp(d->kind, "comment") == 0 || strcmp(d->kind, "privileges") == 0)
	{
		for (int i = 0; prefixes[i]; i++)
			if (strncmp(id, prefixes[i], strlen(prefixes[i])) == 0)
			{
				Drift		inner = *d;

				inner.kind = pnstrdup(prefixes[i], strlen(prefixes[i]) - 1);
				inner.identity = id + strlen(prefixes[i]);
				return log_identities(&inner);
			}
		return list_make1(pstrdup(id));
	}
	if ((strcmp(d->kind, "constraint") == 0 || strcmp(d->kind, "trigger") == 0 ||
		 strcmp(d->kind, "policy") == 0 || strcmp(d->kind, "rule") == 0) &&
		(sp = strchr(id, ' ')) != NULL)
	{
		char	   *table = pnstrdup(id, sp - id);

		result = lappend(result, psprintf("%s on %s", sp + 1, table));
		/* ALTER TABLE ... ENABLE TRIGGER, ADD CONSTRAINT log the table */
		result = lappend(result, table);
		return result;
	}
	result = lappend(result, pstrdup(id));
	if (strcmp(d->kind, "column") == 0 && (sp = strrchr(id, '.')) != NULL)
		result = lappend(result, pnstrdup(id, sp - id));
	return result;
}

/*
 * migrate_drift(): one row per difference between the expected model and
 * the live one, with the newest out-of-band DDL logged on the object (or
 * its table) since the snapshot: when, by whom, and the statement.
 */
Datum
migrate_drift(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *drift;
	HTAB	   *log;
	ListCell   *lc;
	bool		may_read;

	InitMaterializedSRF(fcinfo, 0);
	SPI_connect();
	may_read = migrate_may_read_text();
	drift = current_drift();
	/* who changed what: only needed for the rows there are */
	log = drift != NIL ? catalog_ddl_since_snapshot() : NULL;
	foreach(lc, drift)
	{
		Drift	   *d = lfirst(lc);
		Datum		values[8];
		bool		nulls[8] = {0};
		DdlLogEntry *entry;
		char		key[DDL_LOG_KEYLEN];
		ListCell   *lk;

		values[0] = CStringGetTextDatum(d->kind);
		values[1] = CStringGetTextDatum(d->identity);
		values[2] = CStringGetTextDatum(d->change);
		values[3] = d->expected ? CStringGetTextDatum(d->expected) : (Datum) 0;
		nulls[3] = d->expected == NULL;
		values[4] = d->actual ? CStringGetTextDatum(d->actual) : (Datum) 0;
		nulls[4] = d->actual == NULL;

		entry = NULL;
		foreach(lk, log_identities(d))
		{
			strlcpy(key, lfirst(lk), sizeof(key));
			if ((entry = hash_search(log, key, HASH_FIND, NULL)) != NULL)
				break;
		}
		if (entry)
		{
			values[5] = TimestampTzGetDatum(entry->logged_at);
			values[6] = DirectFunctionCall1(namein, CStringGetDatum(entry->role));
			values[7] = CStringGetTextDatum(may_read ? entry->statement :
											MIGRATE_REDACTED);
		}
		else
			nulls[5] = nulls[6] = nulls[7] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/*
 * migrate_check(): an error listing the drift, for deploy gates and CI;
 * nothing when the schema is as the migrations left it.
 */
Datum
migrate_check(PG_FUNCTION_ARGS)
{
	MemoryContext caller = CurrentMemoryContext;
	List	   *drift;
	StringInfoData buf;
	ListCell   *lc;
	int			shown = 0;
	int			count;
	char	   *detail;

	SPI_connect();
	drift = current_drift();
	count = list_length(drift);

	/* the list lives in SPI's memory: write the detail out before leaving */
	initStringInfo(&buf);
	foreach(lc, drift)
	{
		Drift	   *d = lfirst(lc);

		if (shown++ == 20)
		{
			appendStringInfo(&buf, "\n... and %d more.", count - 20);
			break;
		}
		appendStringInfo(&buf, "%s%s %s: %s", buf.len ? "\n" : "", d->kind,
						 d->identity, d->change);
	}
	detail = MemoryContextStrdup(caller, buf.data);
	SPI_finish();

	if (count == 0)
		PG_RETURN_VOID();
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg_plural("the schema has drifted from its migrations: %d difference",
						   "the schema has drifted from its migrations: %d differences",
						   count, count),
			 errdetail("%s", detail),
			 errhint("migrate_drift() shows each difference and who made it. Make a change a migration with migrate_adopt(), or revert it.")));
	PG_RETURN_VOID();
}

/*
 * migrate_fingerprint(): the fingerprint of the live model, comparable
 * across databases and servers.
 */
Datum
migrate_fingerprint(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(model_fingerprint(model_read_released())));
}

/*
 * migrate_settle_snapshot() RETURNS integer
 *		Called by the update script from 0.1 only (it creates the function,
 *		calls it and drops it).  0.2's library writes the model of a view
 *		and of a grant list as every version's server does (README
 *		"PostgreSQL versions"); the saved expected state may have been
 *		written by 0.1's.  Where it differs from the live model only in that,
 *		rewrite it, so that the update shows no drift that is not real.
 *		Returns how many objects were rewritten.
 */
Datum
migrate_settle_snapshot(PG_FUNCTION_ARGS)
{
	text	   *saved;
	int			settled = 0;

	SPI_connect();
	catalog_lock();
	saved = catalog_load_snapshot();
	if (saved != NULL)
	{
		SchemaModel *expected = model_deserialize_in_place(VARDATA(saved),
														   VARSIZE(saved) - VARHDRSZ);

		settled = model_settle(expected, model_read_released());
		if (settled > 0)
			catalog_save_snapshot(model_fingerprint(expected), model_serialize(expected));
	}
	SPI_finish();
	PG_RETURN_INT32(settled);
}
