/*-------------------------------------------------------------------------
 *
 * snapshot.h
 *	  The expected state: the live model, saved after every call that
 *	  changes what is applied.
 *
 * src/core/snapshot.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_SNAPSHOT_H
#define MIGRATE_SNAPSHOT_H

extern void migrate_save_snapshot(void);

#endif							/* MIGRATE_SNAPSHOT_H */
