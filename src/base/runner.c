/*-------------------------------------------------------------------------
 *
 * runner.c
 *	  The one way a script's statements run: one SPI call each, with the
 *	  caller's rights and search_path, so that statement N+1 sees what
 *	  statement N did and an error can say which statement failed.
 *
 * The caller holds the SPI connection and decides what surrounds the run
 * (a GUC level, a subtransaction, the error context); run->stmt says where
 * the run is at any moment, even after a longjmp.  An observer, if the
 * caller sets one, is told before and after each statement: the dry run
 * measures what each statement did without a runner of its own.
 *
 * src/base/runner.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "mb/pg_wchar.h"

#include "base/runner.h"

/* Run the statements of run->script through SPI, one call each */
void
runner_run(ScriptRun *run)
{
	MigrateScript *script = run->script;

	for (int i = 0; i < script->nstmts; i++)
	{
		MigrateStmt *st = &script->stmts[i];
		char	   *sql = pnstrdup(script->text + st->offset, st->len);
		int			rc;

		run->stmt = st;
		run->sql = sql;
		if (run->observe)
			run->observe(run, false, run->observe_arg);
		rc = SPI_execute(sql, false, 0);
		if (rc < 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("statement %d of the %s script cannot run here: %s",
							st->number, script->what, SPI_result_code_string(rc))));
		SPI_freetuptable(SPI_tuptable);
		if (run->observe)
			run->observe(run, true, run->observe_arg);
		pfree(sql);
	}
	run->stmt = NULL;
	run->sql = NULL;
}

/* "desired state, statement 2 at line 3" on an error of the statement */
static void
placed_context_callback(void *arg)
{
	ScriptRun  *run = arg;

	if (run->stmt)
		errcontext("%s, statement %d at line %d", run->script->what,
				   run->stmt->number, run->stmt->line);
}

/* runner_run(), an error saying which statement of the script raised it */
void
runner_run_placed(ScriptRun *run)
{
	ErrorContextCallback cb;

	cb.callback = placed_context_callback;
	cb.arg = run;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	runner_run(run);
	error_context_stack = cb.previous;
}

/*
 * The line of the script on which an error raised by the running statement
 * falls: the statement's first line, moved down to the error's position
 * when the error points into this very statement (SPI turns a syntax
 * error's position into an internal position of the statement; an internal
 * position of some nested query, inside a DO block or a function, says
 * nothing about the lines).
 */
int
runner_error_line(const ScriptRun *run, const ErrorData *edata)
{
	int			line = run->stmt->line;

	if (edata->internalpos > 0 && edata->internalquery != NULL &&
		run->sql != NULL && strcmp(edata->internalquery, run->sql) == 0)
	{
		const char *p = run->sql;
		int			ipos = edata->internalpos;

		while (*p && --ipos > 0)
		{
			if (*p == '\n')
				line++;
			p += pg_mblen(p);
		}
	}
	return line;
}
