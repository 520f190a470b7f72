/*-------------------------------------------------------------------------
 *
 * util.h
 *	  Small helpers every layer uses: lists of strings, arguments, roles,
 *	  a subtransaction that catches an error.
 *
 * src/base/util.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_UTIL_H
#define MIGRATE_UTIL_H

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/elog.h"

extern bool migrate_list_has(List *items, const char *s);
extern int	migrate_last_unquoted(const char *s, char c);
extern char *migrate_join(List *items, const char *sep, const char *prefix);
extern char *migrate_text_arg(FunctionCallInfo fcinfo, int argno,
							  const char *name);
extern char *migrate_current_role(void);
extern Datum migrate_text_array(List *items);
extern List *migrate_text_list(Datum array);
extern Interval *migrate_interval_usec(int64 usec);
extern void migrate_append_id_array(StringInfo buf, List *ids);
extern ErrorData *migrate_try_subxact(void (*fn) (void *arg), void *arg);

#endif							/* MIGRATE_UTIL_H */
