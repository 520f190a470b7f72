/*-------------------------------------------------------------------------
 *
 * script.h
 *	  Migration text: statements, validation, checksum, requalifying.
 *
 * The statements come out as base/runner.h's MigrateScript.
 *
 * src/core/script.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_SCRIPT_H
#define MIGRATE_SCRIPT_H

#include "base/runner.h"
#include "nodes/pg_list.h"

/* Largest script accepted: migrate.max_script_size, in kB */
extern void script_init(void);

extern MigrateScript *script_parse(const char *text, const char *what);
extern MigrateScript *script_parse_mode(const char *text, const char *what,
										bool transactional);
extern void script_check_size(const char *text, const char *what);
extern char *script_checksum(const char *up, const char *down,
							 bool transactional);
extern char *script_name_at(const char *p);

#endif							/* MIGRATE_SCRIPT_H */
