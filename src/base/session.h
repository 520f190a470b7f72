/*-------------------------------------------------------------------------
 *
 * session.h
 *	  What this backend is doing now: running a revision's script, or
 *	  rolled-back work (a desired state, a proof), and the checks that
 *	  follow from it.
 *
 * src/base/session.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_SESSION_H
#define MIGRATE_SESSION_H

/* A revision's script runs (id: the revision), or no longer does */
extern void session_script_begin(const char *id);
extern void session_script_end(void);
extern bool migrate_in_migration(void);
extern const char *migrate_running_revision(void);

/* Rolled-back work begins or ends (they nest) */
extern void session_scratch_enter(void);
extern void session_scratch_leave(void);
extern bool migrate_in_scratch(void);

extern void migrate_check_can_change(void);

#endif							/* MIGRATE_SESSION_H */
