/*-------------------------------------------------------------------------
 *
 * ddl_log.h
 *	  The event triggers' module: its setting (migrate.guard) and the
 *	  ProcessUtility hook that remembers each statement's text.
 *
 * src/sql/ddl_log.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_DDL_LOG_H
#define MIGRATE_DDL_LOG_H

extern void ddl_log_init(void);

#endif							/* MIGRATE_DDL_LOG_H */
