/*-------------------------------------------------------------------------
 *
 * lint.c
 *	  migrate_lint(script) and migrate_lint_rules(): the rules of
 *	  core/lint.c, on demand.
 *
 * Both only read the catalog and run nothing of the script, so anyone may
 * call them; what they say of a table (its estimated rows and size) is in
 * pg_class for everyone already.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "utils/builtins.h"

#include "base/util.h"
#include "core/lint.h"

PG_FUNCTION_INFO_V1(migrate_lint);
PG_FUNCTION_INFO_V1(migrate_lint_rules);

/*
 * migrate_lint(script text, transactional boolean DEFAULT true)
 *		RETURNS TABLE (rule text, statement text, line integer,
 *					   severity text, message text, detail text, hint text)
 *
 * Every finding, advice included, whatever migrate.lint says.
 */
Datum
migrate_lint(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *script = migrate_text_arg(fcinfo, 0, "script");
	bool		transactional = PG_ARGISNULL(1) ? true : PG_GETARG_BOOL(1);
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	foreach(lc, lint_script(script, transactional, -1))
	{
		LintFinding *f = lfirst(lc);
		Datum		values[7];
		bool		nulls[7] = {0};

		values[0] = CStringGetTextDatum(f->rule);
		values[1] = CStringGetTextDatum(f->text);
		values[2] = Int32GetDatum(f->line);
		values[3] = CStringGetTextDatum(f->severity);
		values[4] = CStringGetTextDatum(f->message);
		values[5] = CStringGetTextDatum(f->detail);
		values[6] = CStringGetTextDatum(f->hint);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * migrate_lint_rules() RETURNS TABLE (rule text, severity text, catches text)
 */
Datum
migrate_lint_rules(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < lint_rule_count(); i++)
	{
		const char *name;
		const char *severity;
		const char *summary;
		Datum		values[3];
		bool		nulls[3] = {0};

		lint_rule_at(i, &name, &severity, &summary);
		values[0] = CStringGetTextDatum(name);
		values[1] = CStringGetTextDatum(severity);
		values[2] = CStringGetTextDatum(summary);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
