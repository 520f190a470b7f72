/*-------------------------------------------------------------------------
 *
 * runner.h
 *	  A script's statements, and the one way they are run: one SPI call
 *	  each, with the caller's rights and search_path.
 *
 * src/base/runner.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_RUNNER_H
#define MIGRATE_RUNNER_H

#include "utils/elog.h"

/* One statement of a script, as the server's raw parser split it */
typedef struct MigrateStmt
{
	int			number;			/* 1-based, counting every statement written */
	int			offset;			/* byte offset of its first token */
	int			len;			/* byte length, without the ';' */
	int			line;			/* 1-based line of its first token */
	const char *command;		/* its command tag ("ALTER TABLE"), static */
	struct Node *parsetree;		/* its raw parse tree (RawStmt.stmt), read
								 * only: what the lint judges */
} MigrateStmt;

/* A script split into statements (core/script.c makes them) */
typedef struct MigrateScript
{
	const char *what;			/* "up" or "down", for messages */
	const char *text;			/* the script as registered */
	int			nstmts;			/* statements to run (wrapper excluded) */
	MigrateStmt *stmts;
	bool		wrapper;		/* an outer BEGIN; ... COMMIT; was dropped */
} MigrateScript;

struct ScriptRun;

/*
 * Told before (done false) and after (done true) each statement a run
 * runs; not after one that fails.  The dry run measures with it.
 */
typedef void (*runner_observe_fn) (struct ScriptRun *run, bool done,
								   void *arg);

/* Where a run is: what error context and failure records read */
typedef struct ScriptRun
{
	MigrateScript *script;
	MigrateStmt *stmt;			/* the statement running now, or NULL */
	const char *sql;			/* its text, as given to SPI */
	runner_observe_fn observe;	/* NULL, or told about each statement */
	void	   *observe_arg;
} ScriptRun;

extern void runner_run(ScriptRun *run);
extern void runner_run_placed(ScriptRun *run);
extern int	runner_error_line(const ScriptRun *run, const ErrorData *edata);

#endif							/* MIGRATE_RUNNER_H */
