/*-------------------------------------------------------------------------
 *
 * diff.h
 *	  The DDL that turns one model into another.
 *
 * src/diff/diff.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_DIFF_H
#define MIGRATE_DIFF_H

#include "model/model.h"

typedef struct DiffScript
{
	char	   *sql;			/* the statements, with comments */
	int			changes;		/* objects changed */
	List	   *review;			/* char *: what needs a human, and why */
} DiffScript;

extern DiffScript *diff_script(SchemaModel *from, SchemaModel *to,
							   const char *title);
extern bool diff_frame_object(SchemaModel *m, const char *kind,
							  const char *identity);

#endif							/* MIGRATE_DIFF_H */
