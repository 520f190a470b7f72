/*-------------------------------------------------------------------------
 *
 * util.c
 *	  Small helpers every layer uses: lists of strings, arguments, roles,
 *	  a subtransaction that catches an error.
 *
 * src/base/util.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "base/util.h"

/* Whether a list of strings holds s */
bool
migrate_list_has(List *items, const char *s)
{
	ListCell   *lc;

	foreach(lc, items)
		if (strcmp(lfirst(lc), s) == 0)
		return true;
	return false;
}

/*
 * The position of the last byte c of s that is outside double quotes, or
 * -1: qualified names and the model's identities join quoted names with
 * '.' and ' '.
 */
int
migrate_last_unquoted(const char *s, char c)
{
	bool		quoted = false;
	int			last = -1;

	for (int i = 0; s[i]; i++)
	{
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == c && !quoted)
			last = i;
	}
	return last;
}

/*
 * The strings of a list joined for a message: each after prefix, separated
 * by sep ("a, b"; "- a\n- b").
 */
char *
migrate_join(List *items, const char *sep, const char *prefix)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, items)
		appendStringInfo(&buf, "%s%s%s", foreach_current_index(lc) ? sep : "",
						 prefix, (char *) lfirst(lc));
	return buf.data;
}

/* A text argument that must not be NULL, as a C string */
char *
migrate_text_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* The name of the current user, as the bookkeeping records it */
char *
migrate_current_role(void)
{
	return GetUserNameFromId(GetUserId(), false);
}

/* A list of C strings as a text[] datum */
Datum
migrate_text_array(List *items)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(items), 1));
	ListCell   *lc;
	int			n = 0;

	foreach(lc, items)
		elems[n++] = CStringGetTextDatum(lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

/* A text[] datum as a list of C strings, its NULLs left out */
List *
migrate_text_list(Datum array)
{
	ArrayType  *arr = DatumGetArrayTypeP(array);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	List	   *result = NIL;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
		if (!nulls[i])
			result = lappend(result, TextDatumGetCString(elems[i]));
	return result;
}

/* A duration in microseconds as an interval */
Interval *
migrate_interval_usec(int64 usec)
{
	Interval   *iv = palloc0(sizeof(Interval));

	iv->time = usec;
	return iv;
}

/* '{a,b}': revision ids need no quoting inside an array literal */
void
migrate_append_id_array(StringInfo buf, List *ids)
{
	ListCell   *lc;

	appendStringInfoString(buf, "'{");
	foreach(lc, ids)
		appendStringInfo(buf, "%s%s", foreach_current_index(lc) ? "," : "",
						 (char *) lfirst(lc));
	appendStringInfoString(buf, "}'");
}

/*
 * Run fn(arg) in an internal subtransaction, as PL/pgSQL runs a block with
 * an exception clause.  NULL when it succeeded (the subtransaction is
 * released into the current one); else the error, copied into the caller's
 * memory context, once the subtransaction is rolled back (its changes and
 * locks gone).  Either way the caller's memory context and resource owner
 * are back, and what fn allocated went to the caller's memory context.
 * Which errors the caller may go on after is its own decision: a cancel
 * (ERRCODE_QUERY_CANCELED) should always be thrown again.
 */
ErrorData *
migrate_try_subxact(void (*fn) (void *arg), void *arg)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_END_TRY();
	return edata;
}
