/*-------------------------------------------------------------------------
 *
 * migrate.c
 *	  Entry point of the migrate extension: schema migrations inside
 *	  PostgreSQL.
 *
 * See README.md for what it does and migrate.h for how the files divide the
 * work.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/guc.h"
#include "utils/varlena.h"

#include "migrate.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Whether a list of strings holds s */
bool
migrate_list_has(List *items, const char *s)
{
	ListCell   *lc;

	foreach(lc, items)
		if (strcmp(lfirst(lc), s) == 0)
		return true;
	return false;
}

/*
 * The strings of a list joined for a message: each after prefix, separated
 * by sep ("a, b"; "- a\n- b").
 */
char *
migrate_join(List *items, const char *sep, const char *prefix)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, items)
		appendStringInfo(&buf, "%s%s%s", foreach_current_index(lc) ? sep : "",
						 prefix, (char *) lfirst(lc));
	return buf.data;
}

/* migrate.max_script_size: the largest up or down script accepted, in kB */
int			migrate_max_script_size = 1024;

/* migrate.managed_schemas: the schemas drift watches; empty for all */
char	   *migrate_managed_schemas = NULL;

/* migrate.managed_schemas must be a list of identifiers */
static bool
check_managed_schemas(char **newval, void **extra, GucSource source)
{
	char	   *raw = pstrdup(*newval);
	List	   *names;
	bool		ok = SplitIdentifierString(raw, ',', &names);

	list_free(names);
	pfree(raw);
	if (!ok)
		GUC_check_errdetail("List syntax is invalid: give schema names separated by commas.");
	return ok;
}

static const struct config_enum_entry guard_options[] = {
	{"off", MIGRATE_GUARD_OFF, false},
	{"log", MIGRATE_GUARD_LOG, false},
	{"warn", MIGRATE_GUARD_WARN, false},
	{"error", MIGRATE_GUARD_ERROR, false},
	{NULL, 0, false}
};

/*
 * Module load: define the settings, then claim the "migrate." prefix, so
 * that a mistyped migrate.* setting is an error rather than silently ignored.
 */
void
_PG_init(void)
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

	DefineCustomIntVariable("migrate.max_script_size",
							"Largest up or down script that migrate_add() accepts.",
							NULL,
							&migrate_max_script_size,
							1024, 1, MAX_KILOBYTES,
							PGC_SUSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

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

	DefineCustomStringVariable("migrate.managed_schemas",
							   "Schemas whose objects the schema model covers; empty means every schema that is not a system or extension schema.",
							   NULL,
							   &migrate_managed_schemas,
							   "",
							   PGC_SUSET,
							   GUC_LIST_INPUT,
							   check_managed_schemas, NULL, NULL);

	MarkGUCPrefixReserved("migrate");

	ddl_log_init();
}
