/*-------------------------------------------------------------------------
 *
 * ddl_log.c
 *	  Event triggers: every DDL logged, attributed and guarded.
 *
 * Two event triggers, on ddl_command_end and sql_drop, write a row to
 * migrate.ddl_log for every object a DDL statement creates, alters or drops:
 * who (session and current role, application_name, backend pid), what
 * (command tag, object type and identity, schema), the statement itself, the
 * transaction, and the revision whose script ran it -- NULL for a change
 * made outside any migration ("out of band").
 *
 * The statement: a ProcessUtility hook remembers the text of the utility
 * statement being run (a slice of its query string), so a multi-statement
 * client query or a migration script logs each statement, not the whole
 * query.  The hook exists once the library is loaded; the first DDL of a
 * session that never called a migrate function before falls back to the
 * client's whole query, unless migrate is in session_preload_libraries.
 *
 * migrate.guard (superuser only) decides what happens to out-of-band DDL:
 * off (nothing, not even a log row), log (the default), warn (log and a
 * WARNING), error (refused).  "Inside a migration" is apply.c's own flag for
 * a running script; no setting can fake it.
 *
 * Never in the way by accident: logging runs in a subtransaction, and a
 * failure of its own (a full disk, a dropped table, a bug) becomes a WARNING
 * while the user's DDL goes on; only the error guard refuses DDL.  The
 * triggers stand aside inside CREATE/ALTER EXTENSION scripts, in binary
 * upgrade, and while the extension itself is being dropped.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_extension.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/nodes.h"
#include "parser/parser.h"
#include "tcop/cmdtag.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "base/owner.h"
#include "base/util.h"
#include "base/session.h"
#include "catalog/catalog.h"
#include "sql/ddl_log.h"

PG_FUNCTION_INFO_V1(migrate_ddl_command_end);
PG_FUNCTION_INFO_V1(migrate_sql_drop);

/* migrate.guard: what DDL outside a migration gets */
typedef enum MigrateGuard
{
	MIGRATE_GUARD_OFF,
	MIGRATE_GUARD_LOG,
	MIGRATE_GUARD_WARN,
	MIGRATE_GUARD_ERROR
} MigrateGuard;

static int	migrate_guard = MIGRATE_GUARD_LOG;

static const struct config_enum_entry guard_options[] = {
	{"off", MIGRATE_GUARD_OFF, false},
	{"log", MIGRATE_GUARD_LOG, false},
	{"warn", MIGRATE_GUARD_WARN, false},
	{"error", MIGRATE_GUARD_ERROR, false},
	{NULL, 0, false}
};

/* The utility statement running now, as the hook saw it */
static const char *utility_query = NULL;
static int	utility_location = -1;
static int	utility_len = 0;

static ProcessUtility_hook_type prev_ProcessUtility = NULL;

/*
 * Remember the query string and the statement's place in it for the event
 * triggers, and restore the outer statement's afterwards (DDL can nest: a
 * function called by a statement can run DDL of its own).
 */
static void
ddl_log_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
					   bool readOnlyTree, ProcessUtilityContext context,
					   ParamListInfo params, QueryEnvironment *queryEnv,
					   DestReceiver *dest, QueryCompletion *qc)
{
	const char *save_query = utility_query;
	int			save_location = utility_location;
	int			save_len = utility_len;

	utility_query = queryString;
	utility_location = pstmt->stmt_location;
	utility_len = pstmt->stmt_len;
	PG_TRY();
	{
		if (prev_ProcessUtility)
			prev_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
									params, queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		utility_query = save_query;
		utility_location = save_location;
		utility_len = save_len;
	}
	PG_END_TRY();
}

void
ddl_log_init(void)
{
	const char *placeholder;
	char	   *asked = NULL;

	/*
	 * A value of migrate.guard set before the library loaded (in
	 * postgresql.conf, ALTER DATABASE/ROLE SET, or a client's PGOPTIONS) sits
	 * in a placeholder; defining the setting applies it with the rights of
	 * whoever set it.  If it is refused there (a plain role asking for
	 * "off"), the setting would fall back to its default, not to the
	 * configured value: fail closed instead, below.
	 */
	placeholder = GetConfigOption("migrate.guard", true, false);
	if (placeholder)
		asked = pstrdup(placeholder);

	DefineCustomEnumVariable("migrate.guard",
							 "What schema changes made outside a migration get: off, log, warn or error.",
							 NULL,
							 &migrate_guard,
							 MIGRATE_GUARD_LOG,
							 guard_options,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	if (asked && pg_strcasecmp(asked, GetConfigOption("migrate.guard", false, false)) != 0)
	{
		SetConfigOption("migrate.guard", "error", PGC_SUSET, PGC_S_OVERRIDE);
		ereport(WARNING,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("migrate.guard is \"error\" for this session"),
				 errdetail("The value \"%s\" asked for could not be applied.", asked),
				 errhint("Only a superuser can change migrate.guard.")));
	}

	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = ddl_log_ProcessUtility;
}

/*
 * Without the hook (the library was loaded by this very statement's
 * trigger), find the statement in the client's query.  This is the first
 * DDL of the session, and the library loads at the first DDL or call of
 * migrate, so the statement is the query's first statement when that is of
 * the same kind: sets *start and *len to it and returns true.  Any other
 * place says nothing reliable: the DDL may come from a DO block or a
 * function run by an earlier statement, while a later statement of the
 * same kind did not run it, so a guess could name the wrong text.  Then the
 * statement stays unknown.
 */
static bool
match_statement(const char *query, Node *parsetree, int *start, int *len)
{
	List	   *raw;
	RawStmt    *rs;

	if (parsetree == NULL)
		return false;
	PG_TRY();
	{
		raw = raw_parser(query, RAW_PARSE_DEFAULT);
	}
	PG_CATCH();
	{
		FlushErrorState();
		raw = NIL;
	}
	PG_END_TRY();
	if (raw == NIL)
		return false;
	rs = linitial_node(RawStmt, raw);
	if (nodeTag(rs->stmt) != nodeTag(parsetree))
		return false;
	*start = rs->stmt_location;
	if (rs->stmt_len > 0)
		*len = rs->stmt_location + rs->stmt_len;
	return true;
}

/*
 * The text of the statement that fired the trigger: the hook's slice of the
 * query string, trimmed; without the hook, the first statement of the
 * client's query if it is of the same kind, else NULL (unknown).
 */
static char *
current_statement(Node *parsetree)
{
	const char *query = utility_query ? utility_query : debug_query_string;
	int			start = 0;
	int			len;

	if (query == NULL)
		return NULL;
	len = strlen(query);
	if (utility_query && utility_location >= 0)
	{
		start = Min(utility_location, len);
		if (utility_len > 0)
			len = Min(start + utility_len, len);
	}
	else if (utility_query == NULL &&
			 !match_statement(query, parsetree, &start, &len))
		return NULL;			/* unknown: see match_statement */
	while (start < len && isspace((unsigned char) query[start]))
		start++;
	while (len > start && (isspace((unsigned char) query[len - 1]) ||
						   query[len - 1] == ';'))
		len--;
	return pnstrdup(query + start, len - start);
}

/*
 * Whether the triggers have anything to do for this statement.
 */
static bool
ddl_log_active(void)
{
	if (migrate_guard == MIGRATE_GUARD_OFF)
		return false;
	/* extension scripts (ours and anyone's), and pg_upgrade */
	if (creating_extension || IsBinaryUpgrade)
		return false;
	/* migrate_diff and migrate_verify: everything they do is rolled back */
	if (migrate_in_scratch())
		return false;
	/* the extension itself is being dropped: its log goes with it */
	if (!ext_installed())
		return false;
	return true;
}

/*
 * A session that restores a dump: pg_restore, or a pg_dump script, which
 * always turns check_function_bodies off (ordinary sessions never do), run
 * by a superuser (the session's own role: a SECURITY DEFINER function of a
 * superuser's does not make its caller's DDL a restore), as a restore that
 * brings the migrate catalog along must be.  Its DDL is not logged: the dump brings the log of the source
 * database, whose rows would collide with new ones.  The guard still
 * applies.  Both signs are settings any role can set, so for any other
 * role they mean nothing: its DDL is logged.  Callers ask only outside a
 * migration: a revision may turn check_function_bodies off too (generated
 * ones that create routines do, as pg_dump does).
 */
static bool
restoring_dump(void)
{
	return superuser_arg(GetSessionUserId()) &&
		(!check_function_bodies ||
		 (application_name && strcmp(application_name, "pg_restore") == 0));
}

/*
 * Out-of-band DDL under migrate.guard = warn or error.
 */
static void
apply_guard(const char *tag, List *identities)
{
	const char *object = identities != NIL ? (const char *) linitial(identities) : "";
	char	   *what = *object ? psprintf("%s %s", tag, object) : pstrdup(tag);

	if (migrate_guard == MIGRATE_GUARD_ERROR)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("schema changes outside a migration are not allowed"),
				 errdetail("migrate.guard is \"error\": %s was refused.", what),
				 errhint("Register the change with migrate_add() and apply it with migrate_push(); "
						 "a superuser can SET migrate.guard = log for the session.")));
	if (migrate_guard == MIGRATE_GUARD_WARN)
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("schema change outside a migration: %s", what),
				 errdetail("It is logged in migrate.ddl_log with no revision."),
				 errhint("Make it a migration with migrate_adopt(), or undo it and register it with migrate_add().")));
}

typedef enum LogEvent
{
	LOG_COMMANDS,				/* ddl_command_end */
	LOG_DROPPED					/* sql_drop */
} LogEvent;

/* The column of an event trigger function's result, by name */
static int
result_column(TupleDesc desc, const char *name)
{
	for (int i = 0; i < desc->natts; i++)
		if (strcmp(NameStr(TupleDescAttr(desc, i)->attname), name) == 0)
			return i;
	elog(ERROR, "event trigger function returned no column \"%s\"", name);
	return -1;					/* keep the compiler quiet */
}

static char *
slot_text(TupleTableSlot *slot, int col)
{
	return slot->tts_isnull[col] ? NULL : TextDatumGetCString(slot->tts_values[col]);
}

/* A boolean column, as SQL's WHERE sees it: NULL is not true */
static bool
slot_true(TupleTableSlot *slot, int col)
{
	return !slot->tts_isnull[col] && DatumGetBool(slot->tts_values[col]);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t		n = strlen(s);
	size_t		k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * The log rows of the event: what pg_event_trigger_ddl_commands() (in
 * ddl_command_end) or pg_event_trigger_dropped_objects() (in sql_drop)
 * reports, each row filled in from proto.  The function is called directly,
 * as a set-returning function in materialize mode, rather than through a
 * query planned and run for every DDL statement.
 *
 * Commands: not those of extension scripts, not REFRESH MATERIALIZED VIEW
 * (it changes no definition), nothing in a temporary schema; the statement
 * of a user mapping, a server or a subscription (its connection string) is
 * not kept, as it may hold credentials.
 * Dropped objects: those dropped by name or by CASCADE, not the internal
 * ones that go with them, nothing temporary, and of a DROP EXTENSION only
 * the extension.  Nor the "_RETURN" rule of a dropped view: 15 reports it as
 * a normal dependent, 16 and later do not; it is part of the view, logged
 * once on every version.
 */
static bool
is_view_rule(const char *type, const char *identity)
{
	return type != NULL && identity != NULL && strcmp(type, "rule") == 0 &&
		strncmp(identity, "\"_RETURN\" on ", 13) == 0;
}

static List *
event_rows(LogEvent event, const char *tag, const DdlLogRow *proto)
{
	FmgrInfo	flinfo;
	LOCAL_FCINFO(fcinfo, 0);
	ReturnSetInfo rsinfo;
	ExprContext *econtext = CreateStandaloneExprContext();
	TupleDesc	desc;
	TupleTableSlot *slot;
	List	   *rows = NIL;
	int			col_tag = -1;
	int			col_in_extension = -1;
	int			col_original = -1;
	int			col_normal = -1;
	int			col_temporary = -1;
	int			col_type;
	int			col_schema;
	int			col_identity;

	fmgr_info(event == LOG_COMMANDS ? F_PG_EVENT_TRIGGER_DDL_COMMANDS :
			  F_PG_EVENT_TRIGGER_DROPPED_OBJECTS, &flinfo);
	MemSet(&rsinfo, 0, sizeof(rsinfo));
	rsinfo.type = T_ReturnSetInfo;
	rsinfo.econtext = econtext;
	rsinfo.allowedModes = SFRM_Materialize;
	rsinfo.returnMode = SFRM_ValuePerCall;
	InitFunctionCallInfoData(*fcinfo, &flinfo, 0, InvalidOid, NULL,
							 (Node *) &rsinfo);
	(void) FunctionCallInvoke(fcinfo);
	if (rsinfo.returnMode != SFRM_Materialize || rsinfo.setDesc == NULL)
		elog(ERROR, "event trigger function returned no result set");
	if (rsinfo.setResult == NULL)
	{
		FreeExprContext(econtext, true);
		return NIL;
	}

	desc = rsinfo.setDesc;
	col_type = result_column(desc, "object_type");
	col_schema = result_column(desc, "schema_name");
	col_identity = result_column(desc, "object_identity");
	if (event == LOG_COMMANDS)
	{
		col_tag = result_column(desc, "command_tag");
		col_in_extension = result_column(desc, "in_extension");
	}
	else
	{
		col_original = result_column(desc, "original");
		col_normal = result_column(desc, "normal");
		col_temporary = result_column(desc, "is_temporary");
	}

	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	while (tuplestore_gettupleslot(rsinfo.setResult, true, false, slot))
	{
		DdlLogRow  *row;
		char	   *type;
		char	   *schema;

		slot_getallattrs(slot);
		type = slot_text(slot, col_type);
		schema = slot_text(slot, col_schema);
		row = palloc(sizeof(DdlLogRow));
		*row = *proto;
		if (event == LOG_COMMANDS)
		{
			char	   *command_tag = slot_text(slot, col_tag);

			if (slot->tts_isnull[col_in_extension] ||
				slot_true(slot, col_in_extension) ||
				command_tag == NULL ||
				strcmp(command_tag, "REFRESH MATERIALIZED VIEW") == 0 ||
				(schema != NULL && strncmp(schema, "pg_temp", 7) == 0))
				continue;
			row->command_tag = command_tag;
			if (ends_with(command_tag, "USER MAPPING") ||
				ends_with(command_tag, "SERVER") ||
				ends_with(command_tag, "SUBSCRIPTION"))
				row->statement = "(not logged: the statement may hold credentials)";
			row->dropped = false;
		}
		else
		{
			if (!(slot_true(slot, col_original) || slot_true(slot, col_normal)) ||
				slot->tts_isnull[col_temporary] || slot_true(slot, col_temporary) ||
				(strcmp(tag, "DROP EXTENSION") == 0 &&
				 (type == NULL || strcmp(type, "extension") != 0)) ||
				is_view_rule(type, slot_text(slot, col_identity)))
				continue;
			row->command_tag = pstrdup(tag);
			row->dropped = true;
		}
		row->logged_at = GetCurrentTimestamp();
		row->object_type = type;
		row->schema_name = schema;
		row->object_identity = slot_text(slot, col_identity);
		rows = lappend(rows, row);
	}
	ExecDropSingleTupleTableSlot(slot);
	tuplestore_end(rsinfo.setResult);
	FreeExprContext(econtext, true);
	return rows;
}

/*
 * Log the event's rows; returns the identities logged out of band.  The
 * rows are kept (catalog.c): inside a migration they are written with the
 * revision's other rows, out of band just before the transaction commits.
 */
static List *
write_log_rows(LogEvent event, const char *tag, const char *role,
			   const char *statement, const char *revision)
{
	DdlLogRow	proto;
	List	   *rows;
	List	   *identities = NIL;
	ListCell   *lc;

	MemSet(&proto, 0, sizeof(proto));
	proto.session_role = GetUserNameFromId(GetSessionUserId(), false);
	proto.run_by = (char *) role;
	proto.application_name = GetConfigOptionByName("application_name", NULL, false);
	proto.statement = (char *) statement;
	proto.revision = (char *) revision;
	rows = event_rows(event, tag, &proto);

	catalog_log_ddl(rows);
	if (migrate_in_migration())
		return NIL;
	foreach(lc, rows)
	{
		DdlLogRow  *row = lfirst(lc);

		identities = lappend(identities,
							 row->object_identity ? row->object_identity : "");
	}
	return identities;
}

/*
 * Make the event's log rows.  They are written later (catalog.c), in a
 * subtransaction whose failure is a WARNING out of band; inside a migration
 * they are part of the revision's record, like its history row, and a
 * failure fails the revision.  No subtransaction per statement: it cost
 * more the more the transaction had created (a push of 1,000 tables, or a
 * script of 1,000 CREATE TABLE in one transaction, paid it 1,000 times).
 */
static List *
log_rows(LogEvent event, const char *tag, Node *parsetree)
{
	return write_log_rows(event, tag, migrate_current_role(),
						  current_statement(parsetree),
						  migrate_running_revision());
}

/*
 * What both triggers do: log what the event reports, then apply the guard
 * to out-of-band DDL that changed something logged.  Statements that changed
 * nothing of the schema (a temporary table, CREATE ... IF NOT EXISTS of an
 * existing object, a materialized view refresh) pass.
 */
static Datum
handle_event(FunctionCallInfo fcinfo, LogEvent event, const char *name)
{
	EventTriggerData *trigdata;
	const char *tag;
	List	   *identities;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" was not called by an event trigger", name)));
	if (!ddl_log_active())
		PG_RETURN_NULL();

	trigdata = (EventTriggerData *) fcinfo->context;
	tag = GetCommandTagName(trigdata->tag);
	if (!migrate_in_migration() && restoring_dump())
	{
		if (!migrate_in_migration() && migrate_guard == MIGRATE_GUARD_ERROR)
			apply_guard(tag, NIL);
		PG_RETURN_NULL();
	}
	identities = log_rows(event, tag, trigdata->parsetree);

	if (!migrate_in_migration() && identities != NIL)
		apply_guard(tag, identities);

	PG_RETURN_NULL();
}

/*
 * ddl_command_end: what the statement created or altered.  Drops are logged
 * (and guarded) by sql_drop, which fires first.
 */
Datum
migrate_ddl_command_end(PG_FUNCTION_ARGS)
{
	return handle_event(fcinfo, LOG_COMMANDS, "migrate._ddl_command_end");
}

/*
 * sql_drop: every object dropped by name or by CASCADE, with its identity.
 */
Datum
migrate_sql_drop(PG_FUNCTION_ARGS)
{
	return handle_event(fcinfo, LOG_DROPPED, "migrate._sql_drop");
}
