/*-------------------------------------------------------------------------
 *
 * worker.h
 *	  Non-transactional revisions: the background worker that runs their
 *	  steps, and what a deploy does to start it and wait for it.
 *
 * src/core/worker.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_WORKER_H
#define MIGRATE_WORKER_H

#include "catalog/catalog.h"

extern bool worker_is_running(void);
extern void worker_check_idle(const char *how);
extern bool worker_wait_idle(bool wait);
extern bool worker_run_revision(RevisionRow *row, bool upgrade, bool wait,
								const char *role);

#endif							/* MIGRATE_WORKER_H */
