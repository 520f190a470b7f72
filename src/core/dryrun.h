/*-------------------------------------------------------------------------
 *
 * dryrun.h
 *	  The dry run that measures: the pending revisions run as a push runs
 *	  them, in work that is always rolled back, each statement measured.
 *
 * src/core/dryrun.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_DRYRUN_H
#define MIGRATE_DRYRUN_H

#include "nodes/pg_list.h"

/* One statement of the plan, and what it did */
typedef struct DryRunStatement
{
	const char *revision;
	int			statement;		/* its number in the up script */
	int			line;
	const char *command;		/* its command tag */
	bool		measured;		/* false: not run (non-transactional) */
	List	   *locks;			/* "public.t AccessExclusiveLock", sorted */
	List	   *rewritten;		/* "public.t", sorted */
	int64		usec;
	uint64		wal_bytes;
} DryRunStatement;

extern List *dryrun_plan(const char *target);

#endif							/* MIGRATE_DRYRUN_H */
