/*-------------------------------------------------------------------------
 *
 * revfile.h
 *	  A revision as a file: the psql-runnable registration call.
 *
 * src/core/revfile.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_REVFILE_H
#define MIGRATE_REVFILE_H

#include "catalog/catalog.h"
#include "lib/stringinfo.h"

extern char *revfile_write(RevisionRow *row, const char *filename);
extern char *revfile_one_line(const char *text);

#endif							/* MIGRATE_REVFILE_H */
