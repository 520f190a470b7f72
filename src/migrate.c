/*-------------------------------------------------------------------------
 *
 * migrate.c
 *	  Entry point of the migrate extension: schema migrations inside
 *	  PostgreSQL.
 *
 * See README.md for what it does and migrate.h for how the files divide the
 * work.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "migrate.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * Module load: claim the "migrate." setting prefix, so that a mistyped
 * migrate.* setting is an error rather than silently ignored.
 */
void
_PG_init(void)
{
	MarkGUCPrefixReserved("migrate");
}
