/*-------------------------------------------------------------------------
 *
 * register.c
 *	  The SQL functions that register revisions: migrate_add,
 *	  migrate_merge and migrate_adopt.  The rules are core/registry.c's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "base/util.h"
#include "core/locksafe.h"
#include "core/registry.h"

PG_FUNCTION_INFO_V1(migrate_add);
PG_FUNCTION_INFO_V1(migrate_merge);
PG_FUNCTION_INFO_V1(migrate_adopt);

/* A text argument, or NULL */
static char *
text_or_null(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* The "revises" argument as a list of distinct ids */
static List *
revises_list(ArrayType *arr, const char *argname)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	List	   *result = NIL;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", argname)));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		char	   *id;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain null", argname)));
		id = TextDatumGetCString(elems[i]);
		if (!migrate_list_has(result, id))
			result = lappend(result, id);
	}
	return result;
}

/*
 * migrate_add(message, up, down, id, revises, transactional, lock_timeout,
 * lock_retries, allow) returns the id.  (A catalog still at 0.1 declares
 * the function with its first five arguments only: transactional, as every
 * revision is there, and without settings of its own.)
 */
Datum
migrate_add(PG_FUNCTION_ARGS)
{
	bool		revises_given = !PG_ARGISNULL(4);
	bool		transactional = true;
	RevisionOptions opts = {-1, -1, NIL};

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a revision needs an up script")));
	if (PG_NARGS() > 5)
	{
		if (PG_ARGISNULL(5))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("transactional must not be null"),
					 errhint("Pass true (the default) or false.")));
		transactional = PG_GETARG_BOOL(5);
	}
	if (PG_NARGS() > 8)
	{
		if (!PG_ARGISNULL(6))
			opts.lock_timeout = locksafe_parse_timeout(text_or_null(fcinfo, 6),
													   "lock_timeout");
		if (!PG_ARGISNULL(7))
			opts.lock_retries = locksafe_check_retries(PG_GETARG_INT32(7),
													   "lock_retries");
		if (!PG_ARGISNULL(8))
			opts.allow = revises_list(PG_GETARG_ARRAYTYPE_P(8), "allow");
	}
	PG_RETURN_TEXT_P(cstring_to_text(
		registry_add(text_or_null(fcinfo, 0), text_or_null(fcinfo, 1),
					 text_or_null(fcinfo, 2), text_or_null(fcinfo, 3),
					 revises_given,
					 revises_given ? revises_list(PG_GETARG_ARRAYTYPE_P(4), "revises") : NIL,
					 transactional, &opts)));
}

/*
 * migrate_merge(message, revises, id) returns the id of a new revision
 * whose parents are the revisions named, or every head.
 */
Datum
migrate_merge(PG_FUNCTION_ARGS)
{
	bool		named_given = !PG_ARGISNULL(1);

	PG_RETURN_TEXT_P(cstring_to_text(
		registry_merge(text_or_null(fcinfo, 0), text_or_null(fcinfo, 2),
					   named_given,
					   named_given ? revises_list(PG_GETARG_ARRAYTYPE_P(1), "revises") : NIL)));
}

/*
 * migrate_adopt(message, down) returns the id of a new, applied revision
 * made of the out-of-band DDL logged since the last migration.
 */
Datum
migrate_adopt(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(
		registry_adopt(text_or_null(fcinfo, 0), text_or_null(fcinfo, 1))));
}
