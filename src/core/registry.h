/*-------------------------------------------------------------------------
 *
 * registry.h
 *	  Registering revisions: the rules for ids, messages, scripts and
 *	  parents, and storing them.
 *
 * src/core/registry.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_REGISTRY_H
#define MIGRATE_REGISTRY_H

#include "nodes/pg_list.h"

/* What a revision may set besides its scripts; -1 / NIL: not set */
typedef struct RevisionOptions
{
	int			lock_timeout;	/* ms */
	int			lock_retries;
	List	   *allow;			/* "rule: reason" */
} RevisionOptions;

extern void registry_check_message(const char *message);
extern void registry_check_id(const char *id);
extern char *registry_add(const char *message, const char *up,
						  const char *down, const char *id,
						  bool revises_given, List *revises,
						  bool transactional, const RevisionOptions *opts);
extern char *registry_merge(const char *message, const char *id,
							bool named_given, List *named);
extern char *registry_adopt(const char *message, const char *down);

#endif							/* MIGRATE_REGISTRY_H */
