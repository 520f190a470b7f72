/*-------------------------------------------------------------------------
 *
 * locksafe.h
 *	  Lock timeout and retry while a revision runs: the settings, the
 *	  lock a timed-out statement waited for, who held it, the backoff.
 *
 * src/core/locksafe.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_LOCKSAFE_H
#define MIGRATE_LOCKSAFE_H

#include "utils/elog.h"

/* What a lock timeout met, described for messages */
typedef struct LockWaitReport
{
	char	   *lock;			/* "AccessExclusiveLock on relation public.t",
								 * or NULL when no wait was seen (NOWAIT) */
	char	   *blockers;		/* one line per blocking backend, or NULL */
	char	   *brief;			/* the same without states and queries, for
								 * the history, which every deployer reads */
	int			nblockers;		/* sessions holding it, read or not */
	char	   *unread;			/* why they could not be read, or NULL */
	/* a holder that waits for a lock this backend holds: a wait cycle */
	int			cycle_pid;		/* its process, or 0 */
	char	   *cycle_holder;	/* its line, as in blockers */
	char	   *cycle_wait;		/* the lock it waits for */
} LockWaitReport;

extern void locksafe_init(void);
extern void locksafe_use_revision(int timeout, int retries);
extern int	locksafe_timeout(void);
extern int	locksafe_retries(void);
extern void locksafe_script_begin(void);
extern void locksafe_script_end(void);
extern bool locksafe_is_timeout(const ErrorData *edata);
extern LockWaitReport *locksafe_report(void);
extern int	locksafe_backoff_ms(int attempt);
extern void locksafe_sleep(int ms);
extern int	locksafe_parse_timeout(const char *value, const char *what);
extern int	locksafe_check_retries(int retries, const char *what);

#endif							/* MIGRATE_LOCKSAFE_H */
