/*-------------------------------------------------------------------------
 *
 * revfile.h
 *	  A revision as a file: the format, written and read.
 *
 * src/core/revfile.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_REVFILE_H
#define MIGRATE_REVFILE_H

#include "catalog/catalog.h"
#include "lib/stringinfo.h"

/* A file, as revfile_parse() read it, with the defaults applied */
typedef struct RevisionFile
{
	char	   *id;
	char	   *message;
	List	   *revises;		/* parent ids; NIL: a root */
	bool		revises_given;
	char	   *up;
	char	   *down;			/* NULL: irreversible */
	bool		transactional;	/* "transaction: no" makes it false */
	bool		merge;			/* two or more parents, no statements */
	int			lock_timeout;	/* ms; -1: not in the header */
	int			lock_retries;	/* -1: not in the header */
	List	   *allow;			/* "rule: reason", one per "allow" line */
} RevisionFile;

extern char *revfile_write(RevisionRow *row);
extern RevisionFile *revfile_parse(const char *name, const char *content,
								   const char *previous);
extern char *revfile_one_line(const char *text);

#endif							/* MIGRATE_REVFILE_H */
