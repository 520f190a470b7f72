/*-------------------------------------------------------------------------
 *
 * routines.c
 *	  The model's functions, procedures and aggregates (see others.c for
 *	  their kinds and identities).
 *
 * src/model/routines.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/index.h"
#include "catalog/indexing.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_am.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_description.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_opclass.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_range.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/trigger.h"
#include "lib/stringinfo.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "model/model_int.h"
#include "model/readers.h"

static const CharWord aggregate_modify[] = {
	{AGGMODIFY_SHAREABLE, "SHAREABLE"},
	{AGGMODIFY_READ_WRITE, "READ_WRITE"},
	{'\0', "READ_ONLY"}
};


/* "schema.name(type, type)": a routine by its input argument types */
static char *
routine_identity(Form_pg_proc proc)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s(",
					 model_qualified(proc->pronamespace, NameStr(proc->proname)));
	for (int i = 0; i < proc->pronargs; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "",
						 format_type_be(proc->proargtypes.values[i]));
	appendStringInfoChar(&buf, ')');
	return model_string(&buf);
}

/* ", KEY = routine" when the routine is set */
void
rd_append_routine(StringInfo buf, const char *key, Oid procid)
{
	if (OidIsValid(procid))
		appendStringInfo(buf, ", %s = %s", key,
						 format_procedure_qualified(procid));
}

/*
 * An aggregate as CREATE AGGREGATE writes it, from pg_aggregate: the
 * arguments (with ORDER BY for ordered-set aggregates), the state
 * transition, final, combine and serialization functions, the
 * moving-aggregate ones, the sort operator and the parallel marking.
 */
static char *
aggregate_definition(Form_pg_proc proc)
{
	HeapTuple	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(proc->oid));
	Form_pg_aggregate agg;
	StringInfoData buf;
	bool		isnull;
	Datum		d;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for aggregate %u", proc->oid);
	agg = (Form_pg_aggregate) GETSTRUCT(tup);

	initStringInfo(&buf);
	appendStringInfo(&buf, "AGGREGATE (%s) (SFUNC = %s, STYPE = %s",
					 rd_ruleutils_text(pg_get_function_arguments, proc->oid),
					 format_procedure_qualified(agg->aggtransfn),
					 rd_type_text(agg->aggtranstype, -1));
	if (agg->aggtransspace != 0)
		appendStringInfo(&buf, ", SSPACE = %d", agg->aggtransspace);
	rd_append_routine(&buf, "FINALFUNC", agg->aggfinalfn);
	if (OidIsValid(agg->aggfinalfn))
		appendStringInfo(&buf, "%s, FINALFUNC_MODIFY = %s",
						 agg->aggfinalextra ? ", FINALFUNC_EXTRA" : "",
						 rd_char_word(aggregate_modify, agg->aggfinalmodify));
	d = SysCacheGetAttr(AGGFNOID, tup, Anum_pg_aggregate_agginitval, &isnull);
	if (!isnull)
		appendStringInfo(&buf, ", INITCOND = %s",
						 quote_literal_cstr(TextDatumGetCString(d)));
	rd_append_routine(&buf, "COMBINEFUNC", agg->aggcombinefn);
	rd_append_routine(&buf, "SERIALFUNC", agg->aggserialfn);
	rd_append_routine(&buf, "DESERIALFUNC", agg->aggdeserialfn);
	if (OidIsValid(agg->aggmtransfn))
	{
		rd_append_routine(&buf, "MSFUNC", agg->aggmtransfn);
		rd_append_routine(&buf, "MINVFUNC", agg->aggminvtransfn);
		appendStringInfo(&buf, ", MSTYPE = %s",
						 rd_type_text(agg->aggmtranstype, -1));
		if (agg->aggmtransspace != 0)
			appendStringInfo(&buf, ", MSSPACE = %d", agg->aggmtransspace);
		rd_append_routine(&buf, "MFINALFUNC", agg->aggmfinalfn);
		if (OidIsValid(agg->aggmfinalfn))
			appendStringInfo(&buf, "%s, MFINALFUNC_MODIFY = %s",
							 agg->aggmfinalextra ? ", MFINALFUNC_EXTRA" : "",
							 rd_char_word(aggregate_modify, agg->aggmfinalmodify));
		d = SysCacheGetAttr(AGGFNOID, tup, Anum_pg_aggregate_aggminitval,
							&isnull);
		if (!isnull)
			appendStringInfo(&buf, ", MINITCOND = %s",
							 quote_literal_cstr(TextDatumGetCString(d)));
	}
	if (OidIsValid(agg->aggsortop))
		appendStringInfo(&buf, ", SORTOP = %s",
						 format_operator_qualified(agg->aggsortop));
	if (agg->aggkind == AGGKIND_HYPOTHETICAL)
		appendStringInfoString(&buf, ", HYPOTHETICAL");
	if (proc->proparallel == PROPARALLEL_SAFE)
		appendStringInfoString(&buf, ", PARALLEL = SAFE");
	else if (proc->proparallel == PROPARALLEL_RESTRICTED)
		appendStringInfoString(&buf, ", PARALLEL = RESTRICTED");
	appendStringInfoChar(&buf, ')');
	ReleaseSysCache(tup);
	return model_string(&buf);
}

/*
 * A pg_proc row: a function, procedure or aggregate of a managed schema,
 * unless it is one of the constructors read_types() noted.
 * pg_get_functiondef() gives the whole of a function or procedure:
 * signature, return type, language, every attribute, SET clauses and body.
 */
void
rd_routine_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(tup);
	const char *kind;
	char	   *definition;

	if (!model_is_managed(st->m, proc->pronamespace) ||
		model_is_member(st->m, ProcedureRelationId, proc->oid) ||
		hash_search(st->typefuncs, &proc->oid, HASH_FIND, NULL) != NULL)
		return;
	if (proc->prokind == PROKIND_AGGREGATE)
	{
		kind = "aggregate";
		definition = aggregate_definition(proc);
	}
	else
	{
		kind = proc->prokind == PROKIND_PROCEDURE ? "procedure" : "function";
		definition = rd_ruleutils_text(pg_get_functiondef, proc->oid);
	}
	rd_add_owned(st, ProcedureRelationId, proc->oid, kind,
			  routine_identity(proc), definition, proc->proowner,
			  rd_tuple_acl(tup, rel, Anum_pg_proc_proacl, OBJECT_FUNCTION, proc->proowner));
}
