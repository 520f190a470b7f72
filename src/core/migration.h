/*-------------------------------------------------------------------------
 *
 * migration.h
 *	  Running revisions: one script as a push runs it, a plan of them with
 *	  its bookkeeping, a push or a downgrade to a target.
 *
 * src/core/migration.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_MIGRATION_H
#define MIGRATE_MIGRATION_H

#include "base/runner.h"
#include "core/graph.h"
#include "datatype/timestamp.h"

/* A script's failure, for a caller that records it before rethrowing */
typedef struct MigrationFailure
{
	ErrorData  *edata;
	int			statement;		/* 0 when not inside a statement */
	int			line;
	int64		usec;
} MigrationFailure;

/* Told about each revision a plan ran, as soon as it is done */
typedef void (*migration_done_fn) (RevNode *node, bool upgrade,
								   Interval *duration, void *arg);

extern int64 migration_run_script(const char *id, const char *message,
								  MigrateScript *script, bool upgrade);
extern void migration_observe_script(const char *id, const char *message,
									 MigrateScript *script,
									 runner_observe_fn observe, void *arg);
extern int64 migration_try_script(const char *id, const char *message,
								  MigrateScript *script, bool upgrade,
								  MigrationFailure *failure);
extern bool migration_lock_retry(ErrorData *edata, const char *id,
								 int statement, int line, int attempt,
								 const char *role, const char *checksum,
								 TimestampTz started, bool whole,
								 bool upgrade);
extern void migration_progress(const char *id, const char *message,
							   bool upgrade, int64 usec);
extern void migration_check_reversible(RevGraph *g, List *plan);
extern void migration_check_transactional(RevGraph *g, List *plan,
										  bool upgrade, const char *how);
extern void migration_run_plan(RevGraph *g, List *plan, bool upgrade,
							   const char *role, migration_done_fn done,
							   void *arg);
extern void migration_apply(const char *target, bool upgrade,
							migration_done_fn done, void *arg);

#endif							/* MIGRATE_MIGRATION_H */
