/*-------------------------------------------------------------------------
 *
 * autogen.c
 *	  Autogenerate and proof: migrate_diff(), migrate_dev() and
 *	  migrate_verify().
 *
 * The desired state is given one of two ways:
 *
 *	  - the name of an existing schema the caller owns (say "model", built
 *		from the model DDL);
 *	  - SQL text (the model DDL itself), which runs with the caller's rights
 *		in a new empty schema of its own, first in search_path, then the
 *		caller's path, then the live schema (so that types of extensions
 *		installed in it still resolve).  Names it qualifies with the managed
 *		schema's name ("public.t") are requalified to that schema first, so
 *		they mean the desired object, as plain "t" does.
 *
 * Once the desired state is built, and only then, the managed schema is
 * renamed out of the way and the desired schema takes its name while its
 * model is read, so every definition comes out as the live schema's would:
 * the diff compares like with like.  All of it happens in a subtransaction
 * that is rolled back, so nothing is left behind and no other session ever
 * sees it; the renames are done as the extension's owner.
 *
 * Security: the caller's SQL never runs while a live schema is renamed, so
 * it can never create an object under a name that trusted code (ours, or a
 * SECURITY DEFINER function pinned to search_path = public) resolves; the
 * extension's catalog, system schemas and other extensions' schemas are
 * never renamed at all (check_schema_usable).  Between the renames and the
 * rollback only the catalogs are read.
 *
 * What the SQL must not do, and is refused for: change the live schema (an
 * object it built there would be missing from the desired state), or
 * build an object that refers to the live schema (the diff could not be
 * applied).
 *
 * The generated scripts are proved before they are returned: in another
 * subtransaction that is rolled back, the up script runs against the live
 * schema, which must then match the desired state, and the down script
 * runs after it, which must bring back the live model exactly.
 *
 * Everything these functions run is rolled back, so the DDL log skips it
 * (migrate_in_scratch()).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_opclass.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_opfamily.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/objectaccess.h"
#include "commands/extension.h"
#include "utils/acl.h"
#include "access/transam.h"
#include "commands/schemacmds.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/varlena.h"

#include "base/util.h"
#include "base/session.h"
#include "base/compat.h"
#include "base/owner.h"
#include "base/runner.h"
#include "core/script.h"
#include "core/desired.h"
#include "core/graph.h"
#include "core/lint.h"
#include "catalog/catalog.h"
#include "core/migration.h"
#include "core/registry.h"
#include "core/revfile.h"
#include "core/worker.h"
#include "model/model.h"
#include "diff/diff.h"

PG_FUNCTION_INFO_V1(migrate_diff);
PG_FUNCTION_INFO_V1(migrate_dev);
PG_FUNCTION_INFO_V1(migrate_verify);

/* Run SQL text statement by statement, as the current user */
static void
run_sql(const char *text, const char *what)
{
	ScriptRun	run = {0};

	run.script = script_parse(text, what);
	runner_run_placed(&run);
}

/* The model of one schema as this transaction now sees it */
static SchemaModel *
read_schema_now(const char *nspname)
{
	SchemaModel *m;

	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	m = model_read_schema(nspname);
	PopActiveSnapshot();
	return m;
}

/*
 * Rolled-back work: a subtransaction and a GUC level that are always undone,
 * with the DDL log off.  Allocations go to the caller's memory context.
 */
typedef struct Scratch
{
	MemoryContext cxt;
	ResourceOwner owner;
	int			nestlevel;
} Scratch;

static void
scratch_begin(Scratch *s)
{
	s->cxt = CurrentMemoryContext;
	s->owner = CurrentResourceOwner;
	s->nestlevel = NewGUCNestLevel();
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(s->cxt);
	session_scratch_enter();
}

/* Undo the scratch work, or keep it in the enclosing (scratch) work */
static void
scratch_finish(Scratch *s, bool keep)
{
	session_scratch_leave();
	if (keep)
		ReleaseCurrentSubTransaction();
	else
		RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(s->cxt);
	CurrentResourceOwner = s->owner;
	AtEOXact_GUC(false, s->nestlevel);
}

/* Catch an error inside scratch work: its message, the state cleaned */
static ErrorData *
scratch_catch(Scratch *s)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(s->cxt);
	edata = CopyErrorData();
	FlushErrorState();
	scratch_finish(s, false);
	return edata;
}

/*
 * Rename a schema as the extension's owner.  Safe as the owner because
 * both names were checked by check_schema_usable(), RenameSchema() resolves
 * nothing else, and no caller code runs while a schema wears another's
 * name: the desired state's SQL has finished before the first rename, and
 * everything up to the rollback only reads the catalogs.
 */
static void
rename_schema(const char *from, const char *to)
{
	OwnerSwitch sw;

	owner_enter(&sw);
	(void) RenameSchema(from, to);
	owner_leave(&sw);
	CommandCounterIncrement();
}

/* The name the live schema wears while the desired state takes its own */
static char *
aside_name(void)
{
	return psprintf("migrate_live_%d", MyProcPid);
}

/*
 * Refuse a schema that migrate_diff must never rename: the extension's own
 * catalog (its readers would then find whatever stood in its place), a
 * system or temporary schema, or a schema another extension created.  "how"
 * says what it was given as, for the message.
 */
static void
check_schema_usable(const char *name, bool desired)
{
	Oid			nspid = get_namespace_oid(name, true);
	Oid			extoid;
	const char *why = NULL;

	if (!OidIsValid(nspid))
		return;
	extoid = getExtensionOfObject(NamespaceRelationId, nspid);
	if (nspid == ext_catalog_schema())
		why = psprintf("Schema \"%s\" is the catalog of extension \"migrate\".", name);
	else if (isAnyTempNamespace(nspid))
		why = psprintf("Schema \"%s\" is a temporary schema.", name);
	else if (strncmp(name, "pg_", 3) == 0 ||
			 (nspid < FirstNormalObjectId && nspid != PG_PUBLIC_NAMESPACE))
		why = psprintf("Schema \"%s\" is a system schema.", name);
	else if (OidIsValid(extoid))
		why = psprintf("Schema \"%s\" belongs to extension \"%s\".", name,
					   get_extension_name(extoid));
	if (why == NULL)
		return;
	if (desired)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot read the desired state from schema \"%s\"", name),
				 errdetail_internal("%s", why),
				 errhint("Build the desired state in a schema of your own, or pass its DDL as text.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot manage schema \"%s\"", name),
			 errdetail_internal("%s", why),
			 errhint("The managed schemas are the application's own: leave this one out of managed and of the desired state.")));
}

/*
 * The names of the objects of extensions that live in a schema: types,
 * routines, relations, operators, operator classes and families.  The
 * desired state may use those: they stay in the live schema, and keep their
 * names.  Names are as the catalog has them (unquoted).
 */
static List *
extension_names_in(Oid nspid)
{
	Relation	rel = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *names = NIL;

	ScanKeyInit(&key, Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ExtensionRelationId));
	scan = systable_beginscan(rel, DependReferenceIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
		char	   *name = NULL;
		ObjectAddress addr;
		HeapTuple	t;

		if (dep->deptype != DEPENDENCY_EXTENSION)
			continue;
		ObjectAddressSet(addr, dep->classid, dep->objid);
		if (!(dep->classid == TypeRelationId ||
			  dep->classid == ProcedureRelationId ||
			  dep->classid == RelationRelationId ||
			  dep->classid == OperatorRelationId ||
			  dep->classid == OperatorClassRelationId ||
			  dep->classid == OperatorFamilyRelationId) ||
			get_object_namespace(&addr) != nspid)
			continue;
		switch (dep->classid)
		{
			case TypeRelationId:
				t = SearchSysCache1(TYPEOID, ObjectIdGetDatum(dep->objid));
				if (HeapTupleIsValid(t))
				{
					name = pstrdup(NameStr(((Form_pg_type) GETSTRUCT(t))->typname));
					ReleaseSysCache(t);
				}
				break;
			case ProcedureRelationId:
				name = get_func_name(dep->objid);
				break;
			case RelationRelationId:
				name = get_rel_name(dep->objid);
				break;
			case OperatorRelationId:
				name = get_opname(dep->objid);
				break;
			case OperatorClassRelationId:
				t = SearchSysCache1(CLAOID, ObjectIdGetDatum(dep->objid));
				if (HeapTupleIsValid(t))
				{
					name = pstrdup(NameStr(((Form_pg_opclass) GETSTRUCT(t))->opcname));
					ReleaseSysCache(t);
				}
				break;
			case OperatorFamilyRelationId:
				t = SearchSysCache1(OPFAMILYOID, ObjectIdGetDatum(dep->objid));
				if (HeapTupleIsValid(t))
				{
					name = pstrdup(NameStr(((Form_pg_opfamily) GETSTRUCT(t))->opfname));
					ReleaseSysCache(t);
				}
				break;
		}
		if (name)
			names = lappend(names, name);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return names;
}

/* The name that starts at p, as SQL wrote it (quoted or not), unquoted */
static char *
name_at(const char *p)
{
	return script_name_at(p);
}

/*
 * s with every "aside." that names an extension's object written "managed."
 * instead; *other is set when one names anything else.
 */
static char *
unaside(const char *s, const char *needle, const char *replacement,
		List *allowed, bool *other)
{
	StringInfoData buf;
	const char *p = s;
	const char *hit;

	if (s == NULL || strstr(s, needle) == NULL)
		return (char *) s;
	initStringInfo(&buf);
	while ((hit = strstr(p, needle)) != NULL)
	{
		char	   *name = name_at(hit + strlen(needle));
		ListCell   *lc;
		bool		found = false;

		foreach(lc, allowed)
			found |= strcmp(lfirst(lc), name) == 0;
		if (!found)
			*other = true;
		appendBinaryStringInfo(&buf, p, hit - p);
		appendStringInfoString(&buf, replacement);
		p = hit + strlen(needle);
	}
	appendStringInfoString(&buf, p);
	return buf.data;
}

/*
 * The desired state may use what extensions installed in the live schema
 * provide (citext, uuid_generate_v4()): those references read as the live
 * schema's name again.  Any other object of the desired state that names
 * the live schema (by the name it wears while the desired state is read)
 * is an error: the diff could not be applied.
 */
static void
check_live_references(SchemaModel *m, const char *aside, const char *managed,
					  const char *desired_name)
{
	char	   *needle = psprintf("%s.", quote_identifier(aside));
	char	   *replacement = psprintf("%s.", quote_identifier(managed));
	List	   *allowed = NIL;
	bool		looked = false;

	for (int i = 0; i < m->n; i++)
	{
		ModelObject *o = &m->objects[i];
		ModelDetail *dt = o->detail;
		bool		other = false;

		if (strstr(o->definition, needle) == NULL &&
			(dt == NULL || ((dt->query == NULL || strstr(dt->query, needle) == NULL) &&
							(dt->type == NULL || strstr(dt->type, needle) == NULL) &&
							(dt->dflt == NULL || strstr(dt->dflt, needle) == NULL) &&
							(dt->generated == NULL || strstr(dt->generated, needle) == NULL) &&
							(dt->seqparams == NULL || strstr(dt->seqparams, needle) == NULL))))
			continue;
		if (!looked)
		{
			allowed = extension_names_in(get_namespace_oid(aside, false));
			looked = true;
		}
		o->definition = unaside(o->definition, needle, replacement, allowed, &other);
		if (dt)
		{
			dt->query = unaside(dt->query, needle, replacement, allowed, &other);
			dt->type = unaside(dt->type, needle, replacement, allowed, &other);
			dt->dflt = unaside(dt->dflt, needle, replacement, allowed, &other);
			dt->generated = unaside(dt->generated, needle, replacement, allowed, &other);
			dt->seqparams = unaside(dt->seqparams, needle, replacement, allowed, &other);
		}
		if (other)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("the desired state refers to objects of the live schema \"%s\"",
							managed),
					 errdetail("%s %s, in %s, uses an object of the live schema.",
							   o->kind, o->identity, desired_name),
					 errhint("Create each object of the desired state after what it uses, and build all of it in one schema.")));
	}
}

/*
 * The model of the desired state of schema "managed", held by schema
 * "desired" of the caller's: the live schema is renamed out of the way and
 * the desired one takes its name, so that its definitions read exactly as
 * the live schema's would; all of it is rolled back.
 */
static SchemaModel *
read_desired(const char *desired, const char *managed)
{
	Scratch		s;
	char	   *aside = aside_name();
	Oid			desired_nsp = get_namespace_oid(desired, false);
	SchemaModel *volatile m = NULL;

	if (strcmp(desired, managed) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the desired schema cannot be the managed schema \"%s\" itself",
						managed),
				 errhint("Build the desired state in another schema, or pass its DDL as text.")));
	check_schema_usable(desired, true);
	if (!compat_namespace_ownercheck(desired_nsp, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_SCHEMA, desired);

	scratch_begin(&s);
	PG_TRY();
	{
		/* nothing of the caller's runs from here on: renames and reads */
		rename_schema(managed, aside);
		rename_schema(desired, managed);
		m = read_schema_now(managed);
		check_live_references(m, aside, managed,
							  psprintf("schema \"%s\"", desired));
	}
	PG_CATCH();
	{
		ErrorData  *edata = scratch_catch(&s);

		ReThrowError(edata);
	}
	PG_END_TRY();
	scratch_finish(&s, false);
	return m;
}

/* "kind identity (change)" for each difference but the frame's */
static List *
differences(SchemaModel *expected, SchemaModel *actual, const char *prefix)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, model_compare(expected, actual))
	{
		ModelChange *c = lfirst(lc);

		if (diff_frame_object(expected, c->kind, c->identity))
			continue;
		result = lappend(result, psprintf("%s%s %s is %s", prefix, c->kind,
										  c->identity, c->change));
	}
	return result;
}

/*
 * What a diff covers: one schema of this database, framed, whose desired
 * state is another schema of it; or a set of schemas (NIL: the managed
 * set), whose desired state is SQL run in a scratch database.
 */
typedef struct Target
{
	const char *schema;			/* the one schema, or NULL for a set */
	List	   *schemas;		/* the set: names, or NIL for the managed set */
	bool		framed;			/* the set is one schema named by the caller */
	const char *title;			/* "public" or "the managed schemas" */
} Target;

/* The live model of the target as this transaction now sees it */
static SchemaModel *
read_target_now(Target *t)
{
	SchemaModel *m;

	if (t->schema != NULL)
		return read_schema_now(t->schema);
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	m = model_read_set(t->schemas, t->framed);
	PopActiveSnapshot();
	return m;
}

/*
 * Prove a pair of scripts: up turns live into desired, down turns it back.
 * The problems found go to *up_problems and *down_problems (NIL: proved).
 */
static void
prove(Target *t, SchemaModel *live, SchemaModel *desired,
	  DiffScript *up, DiffScript *down, List **up_problems, List **down_problems)
{
	Scratch		s;
	const char *volatile step = "up";

	*up_problems = NIL;
	*down_problems = NIL;
	scratch_begin(&s);
	PG_TRY();
	{
		run_sql(up->sql, "up script");
		*up_problems = differences(desired, read_target_now(t), "after up: ");
		step = "down";
		run_sql(down->sql, "down script");
		*down_problems = differences(live, read_target_now(t), "after down: ");
	}
	PG_CATCH();
	{
		ErrorData  *edata = scratch_catch(&s);
		char	   *problem = psprintf("the %s script fails: %s", step, edata->message);

		if (strcmp(step, "up") == 0)
			*up_problems = list_make1(problem);
		else
			*down_problems = list_make1(problem);
		return;
	}
	PG_END_TRY();
	scratch_finish(&s, false);
}

/* What migrate_diff returns, and migrate_dev works from */
typedef struct Generated
{
	Target		target;
	DiffScript *up;
	DiffScript *down;
	List	   *up_problems;
	List	   *down_problems;
} Generated;

/*
 * The schemas "managed" names (comma-separated identifiers), for a desired
 * state given as SQL; NULL means the managed set.  Each must be managed
 * (migrate.managed_schemas, when it lists schemas) and one migrate_diff may
 * change; it need not exist yet: the desired state may create it.
 */
static List *
target_schemas(const char *managed)
{
	List	   *listed = model_managed_list();
	List	   *names;
	List	   *result = NIL;
	ListCell   *lc;
	char	   *raw;

	if (managed == NULL)
		return listed;
	raw = pstrdup(managed);
	if (!SplitIdentifierString(raw, ',', &names) || names == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid list of schemas: \"%s\"", managed),
				 errhint("Name the managed schemas separated by commas, or pass NULL for all of them.")));
	foreach(lc, names)
	{
		char	   *name = lfirst(lc);

		check_schema_usable(name, false);
		if (listed != NIL && !migrate_list_has(listed, name))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("schema \"%s\" is not managed", name),
					 errdetail("migrate.managed_schemas is \"%s\".",
							   GetConfigOption("migrate.managed_schemas", false, false)),
					 errhint("Add it to migrate.managed_schemas, or leave it out.")));
		if (!migrate_list_has(result, name))
			result = lappend(result, pstrdup(name));
	}
	return result;
}

/*
 * A desired state may not define a schema that is not this database's to
 * manage here: the extension's catalog, a system schema, another
 * extension's schema.
 */
static void
check_desired_schemas(SchemaModel *want)
{
	for (int i = 0; i < want->n; i++)
		if (want->objects[i].kindid == KIND_SCHEMA)
			check_schema_usable(name_at(want->objects[i].identity), false);
}

static Generated *
generate(const char *desired, const char *managed)
{
	Generated  *g = palloc0(sizeof(Generated));
	Target	   *t = &g->target;
	SchemaModel *live;
	SchemaModel *want;
	char	   *title;

	if (OidIsValid(get_namespace_oid(desired, true)))
	{
		/* a schema of this database stands for one schema, "public" first */
		t->schema = managed != NULL ? managed : "public";
		t->title = psprintf("schema \"%s\"", t->schema);
		if (!OidIsValid(get_namespace_oid(t->schema, true)))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_SCHEMA),
					 errmsg("schema \"%s\" does not exist", t->schema),
					 errhint("The managed schema is the one the migration changes, \"public\" by default.")));
		check_schema_usable(t->schema, false);
		live = read_schema_now(t->schema);
		want = read_desired(desired, t->schema);
		title = psprintf("%s: ", t->schema);
	}
	else
	{
		t->schemas = target_schemas(managed);
		t->title = t->schemas == NIL ? "the managed schemas" :
			psprintf("schemas %s", migrate_join(t->schemas, ", ", ""));
		if (script_parse(desired, "desired state")->nstmts == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the desired state is empty"),
					 errdetail("An empty desired state would drop every object of %s.",
							   t->title),
					 errhint("Pass the SQL that creates the objects, as a schema.sql or a pg_dump --schema-only file holds them.")));
		/* one schema named: the SQL's default schema, its frame left alone */
		t->framed = managed != NULL && list_length(t->schemas) == 1;
		if (t->framed && !OidIsValid(get_namespace_oid(linitial(t->schemas), true)))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_SCHEMA),
					 errmsg("schema \"%s\" does not exist", (char *) linitial(t->schemas)),
					 errhint("A desired state for one schema changes a schema that exists; to create schemas, leave managed out and write CREATE SCHEMA in the desired state.")));
		live = read_target_now(t);
		want = desired_read_database(desired, t->schemas, t->framed);
		check_desired_schemas(want);
		title = t->schemas == NIL ? "" :
			psprintf("%s: ", migrate_join(t->schemas, ", ", ""));
	}
	g->up = diff_script(live, want, psprintf("%slive -> desired", title));
	g->down = diff_script(want, live, psprintf("%sdesired -> live", title));
	if (g->up->changes > 0 || g->down->changes > 0)
		prove(t, live, want, g->up, g->down, &g->up_problems, &g->down_problems);
	return g;
}

/* The changing functions' common start, without the migration lock */
static void
autogen_start(void)
{
	migrate_check_can_change();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "could not connect to SPI");
}

/*
 * migrate_diff(desired text, managed text DEFAULT 'public')
 *		RETURNS TABLE (up text, down text, changes integer, review text[],
 *					   verified boolean, problems text[])
 */
Datum
migrate_diff(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *desired = migrate_text_arg(fcinfo, 0, "desired");
	char	   *managed = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	Generated  *g;
	Datum		values[7];
	bool		nulls[7] = {false, false, false, false, false, false, false};
	List	   *review;
	List	   *lint = NIL;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	autogen_start();
	g = generate(desired, managed);
	review = list_copy(g->up->review);
	foreach(lc, g->down->review)
		review = lappend(review, psprintf("down: %s", (char *) lfirst(lc)));
	values[0] = CStringGetTextDatum(g->up->sql);
	values[1] = CStringGetTextDatum(g->down->sql);
	values[2] = Int32GetDatum(g->up->changes);
	values[3] = migrate_text_array(review);
	values[4] = BoolGetDatum(g->up_problems == NIL && g->down_problems == NIL);
	values[5] = migrate_text_array(list_concat_copy(g->up_problems,
													g->down_problems));
	/* the rules registration applies, judged before anything runs */
	if (g->up->changes > 0)
		foreach(lc, lint_script(g->up->sql, true, -1))
		{
			LintFinding *f = lfirst(lc);

			lint = lappend(lint, psprintf("%s %s (line %d): %s", f->severity,
										  f->rule, f->line, f->message));
		}
	values[6] = migrate_text_array(lint);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	SPI_finish();
	return (Datum) 0;
}

/*
 * migrate_dev(message text, desired text, managed text DEFAULT 'public',
 *			   id text DEFAULT NULL, force boolean DEFAULT false)
 *		RETURNS text
 *
 * Generate, register and apply in one step; returns the revision's
 * registration file, to be saved with the project.
 */
Datum
migrate_dev(PG_FUNCTION_ARGS)
{
	char	   *message = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *desired = migrate_text_arg(fcinfo, 1, "desired");
	char	   *managed = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	bool		force = PG_ARGISNULL(4) ? false : PG_GETARG_BOOL(4);
	char	   *given_id = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));
	RevGraph   *graph;
	Generated  *g;
	char	   *id;
	RevisionRow *row;
	char	   *file;
	MemoryContext cxt = CurrentMemoryContext;

	/* it registers and pushes: only for roles that may do both */
	ext_check_may_call("migrate_add");
	ext_check_may_call("migrate_push");
	registry_check_message(message);
	if (given_id != NULL)
		registry_check_id(given_id);
	autogen_start();
	catalog_lock();
	graph = catalog_load_graph();
	for (int i = 0; i < graph->n; i++)
		if (!graph->nodes[i].applied)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("revision \"%s\" is not applied", graph->nodes[i].id),
					 errdetail("A new revision is generated against the schema with every revision applied."),
					 errhint("Run SELECT migrate_push() first.")));

	g = generate(desired, managed);
	if (g->up->changes == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("no changes detected in %s", g->target.title),
				 errdetail("The live database already matches the desired state: no revision was created."),
				 errhint("Change the desired state first; a data migration can be written by hand with migrate_add().")));
	if (g->up->review != NIL && !force)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the generated migration needs a review"),
				 errdetail("%s", migrate_join(g->up->review, "\n", "- ")),
				 errhint("Look at it with migrate_diff(), then register your edited version with migrate_add(), or pass force => true to apply it as generated.")));
	if (g->up_problems != NIL && !force)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the generated migration does not reproduce the desired state"),
				 errdetail("%s", migrate_join(g->up_problems, "\n", "- ")),
				 errhint("Look at it with migrate_diff(), and register a corrected version with migrate_add().")));
	/* an enum value added cannot be taken back: say so, and go on */
	if (g->down_problems != NIL)
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("the generated down script does not restore the schema as it was"),
				 errdetail("%s", migrate_join(g->down_problems, "\n", "- ")),
				 errhint("Edit the down script of the revision with migrate_add() before anyone needs it, or leave it irreversible.")));

	catalog_lock();
	worker_check_idle("migrate_dev()");
	id = registry_add(message, g->up->sql, g->down->sql, given_id, false, NIL,
					  true, NULL);
	migration_apply(id, true, NULL, NULL);

	graph = catalog_load_graph();
	row = catalog_get_revision(id);
	file = revfile_write(row);
	MemoryContextSwitchTo(cxt);
	file = pstrdup(file);
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(file));
}

/* ----------------------------------------------------------------
 * migrate_verify
 * ----------------------------------------------------------------
 */

/* "kind identity" of each difference, said from the model before up */
static List *
left_behind(SchemaModel *before, SchemaModel *after)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, model_compare(before, after))
	{
		ModelChange *c = lfirst(lc);
		const char *what = strcmp(c->change, "added") == 0 ? "left behind" :
			strcmp(c->change, "removed") == 0 ? "removed too much" : "changed";

		result = lappend(result, psprintf("%s %s (%s)", c->kind, c->identity, what));
	}
	return result;
}

static void
verify_row(ReturnSetInfo *rsinfo, const char *id, int ok, const char *problem,
		   List *objects)
{
	Datum		values[4];
	bool		nulls[4] = {false, ok < 0, problem == NULL, objects == NIL};

	values[0] = CStringGetTextDatum(id);
	values[1] = BoolGetDatum(ok > 0);
	values[2] = problem ? CStringGetTextDatum(problem) : (Datum) 0;
	values[3] = objects ? migrate_text_array(objects) : (Datum) 0;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * Down then up again for one applied revision, in work that is rolled
 * back: the schema after down must be the one before up, and up must work
 * again and give the same schema.
 */
static void
verify_down_up(ReturnSetInfo *rsinfo, RevNode *node, RevisionRow *row,
			   SchemaModel *before, SchemaModel *after)
{
	Scratch		s;
	const char *volatile step = "down";
	List	   *volatile diff = NIL;
	const char *volatile problem = NULL;

	scratch_begin(&s);
	PG_TRY();
	{
		(void) migration_run_script(node->id, node->message,
									script_parse(row->down_sql, "down"), false);
		diff = left_behind(before, model_read_now());
		if (diff != NIL)
			problem = "the down script does not restore the schema as it was before up";
		else
		{
			step = "up";
			(void) migration_run_script(node->id, node->message,
										script_parse(row->up_sql, "up"), true);
			diff = left_behind(after, model_read_now());
			if (diff != NIL)
				problem = "up after down does not give the schema up gave the first time";
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata = scratch_catch(&s);

		verify_row(rsinfo, node->id, 0,
				   psprintf(strcmp(step, "down") == 0 ? "the down script fails: %s" :
							"up fails after down: %s", edata->message), NIL);
		return;
	}
	PG_END_TRY();
	scratch_finish(&s, false);
	verify_row(rsinfo, node->id, problem == NULL, problem, diff);
}

/*
 * Run a revision's up script in a subtransaction for migrate_verify, keeping
 * what it did; a failure becomes a row, and true.  (A function of its own:
 * a PG_TRY inside another one's block shadows its variables, which 16 and
 * later refuse with -Wshadow=compatible-local.)
 */
static bool
verify_run_up(ReturnSetInfo *rsinfo, RevNode *node, RevisionRow *row)
{
	volatile bool failed = false;
	Scratch		s;

	scratch_begin(&s);
	PG_TRY();
	{
		(void) migration_run_script(node->id, node->message,
									script_parse(row->up_sql, "up"), true);
		/* keep what up did, for down and up again */
		scratch_finish(&s, true);
	}
	PG_CATCH();
	{
		ErrorData  *edata = scratch_catch(&s);

		verify_row(rsinfo, node->id, 0,
				   psprintf("the up script fails: %s", edata->message), NIL);
		failed = true;
	}
	PG_END_TRY();
	return failed;
}

/*
 * migrate_verify(target text DEFAULT 'heads')
 *		RETURNS TABLE (revision text, ok boolean, problem text, objects text[])
 *
 * For every revision a push to target would apply: up, then down (which
 * must give back the model from before up), then up again (which must give
 * the model up gave).  All of it is rolled back.  An irreversible revision
 * gets ok NULL; a revision whose up fails ends the run.
 */
Datum
migrate_verify(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *target = migrate_text_arg(fcinfo, 0, "target");
	RevGraph   *graph;
	List	   *plan;
	Scratch		outer;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	autogen_start();
	catalog_lock();
	graph = catalog_load_graph();
	plan = graph_plan_push(graph, target);
	migration_check_transactional(graph, plan, true, "migrate_verify()");

	scratch_begin(&outer);
	PG_TRY();
	{
		foreach(lc, plan)
		{
			RevNode    *node = &graph->nodes[lfirst_int(lc)];
			RevisionRow *row = catalog_get_revision(node->id);
			SchemaModel *before = model_read_now();
			SchemaModel *after;
			bool		failed;

			/* up, in a subtransaction of its own so that a failure is a row */
			failed = verify_run_up(rsinfo, node, row);
			if (failed)
				break;

			after = model_read_now();
			if (row->down_sql == NULL)
				verify_row(rsinfo, node->id, -1,
						   "irreversible: it has no down script", NIL);
			else
				verify_down_up(rsinfo, node, row, before, after);
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata = scratch_catch(&outer);

		ReThrowError(edata);
	}
	PG_END_TRY();
	scratch_finish(&outer, false);
	SPI_finish();
	return (Datum) 0;
}
