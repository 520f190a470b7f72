/*-------------------------------------------------------------------------
 *
 * migrate.c
 *	  Entry point of the migrate extension: schema migrations inside
 *	  PostgreSQL.
 *
 * _PG_init only lets each module define its own settings and hooks, then
 * claims the "migrate." prefix, so that a mistyped migrate.* setting is an
 * error rather than silently ignored.  README.md's "Code map" says which
 * file does what.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "core/lint.h"
#include "core/locksafe.h"
#include "core/script.h"
#include "model/model.h"
#include "sql/ddl_log.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	script_init();
	locksafe_init();
	lint_init();
	model_init();
	ddl_log_init();
	MarkGUCPrefixReserved("migrate");
}
