/*-------------------------------------------------------------------------
 *
 * lint.c
 *	  Hazards in a script, judged with what the server knows.
 *
 * squawk, strong_migrations and Atlas judge a migration from its text;
 * here the statement is judged against the live catalog too: whether the
 * table exists (a table the script itself creates is never at risk), how
 * big the statistics say it is, whether a default is volatile, and which
 * lock the command takes, as the server's own AlterTableGetLockLevel()
 * says.  Each finding names the table and its size in its detail.
 *
 * Statements are judged one at a time from their raw parse trees, in
 * order, against the catalog as it is now: what earlier statements of the
 * script create is remembered by name, and nothing runs.  A table a
 * pending revision creates does not exist yet and is not judged.
 *
 * Severity: "hazard" for what can stall or break production (on a table
 * the statistics say is empty it is "advice": the same statement on a
 * database with rows is the hazard), "advice" for choices that are hard to
 * undo later (int keys, timestamp without time zone, char(n), an enum
 * value's place).  migrate.lint decides what a hazard does when a
 * revision is registered: nothing (off), a WARNING (warn, the default) or
 * an error (error).  A revision allows a rule it breaks on purpose, with a
 * reason ("-- allow: rule: reason" in its file, allow => in migrate_add),
 * and the catalog keeps that.  Advice is only reported by migrate_lint().
 *
 * src/core/lint.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/tablecmds.h"
#include "miscadmin.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parse_coerce.h"
#include "parser/parse_func.h"
#include "parser/parse_type.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "base/compat.h"
#include "base/util.h"
#include "core/lint.h"
#include "core/locksafe.h"
#include "core/script.h"

/* The rules: name, severity, what they catch (README lists them too) */
typedef struct LintRule
{
	const char *name;
	const char *severity;
	const char *summary;
} LintRule;

static const LintRule rules[] = {
	{"table-rewrite", "hazard",
	"rewrites a table and its indexes under ACCESS EXCLUSIVE: ALTER COLUMN TYPE that is not binary compatible, ADD COLUMN with a volatile default, an identity or a stored generated column, SET TABLESPACE, SET LOGGED/UNLOGGED, SET ACCESS METHOD, VACUUM FULL, CLUSTER"},
	{"long-exclusive-lock", "hazard",
	"holds ACCESS EXCLUSIVE on an existing table for longer than a catalog change: LOCK TABLE ... ACCESS EXCLUSIVE, REFRESH MATERIALIZED VIEW without CONCURRENTLY"},
	{"set-not-null", "hazard",
	"SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK (column IS NOT NULL) exists"},
	{"constraint-not-valid", "hazard",
	"a FOREIGN KEY or CHECK added without NOT VALID scans the table while it blocks writes"},
	{"index-not-concurrent", "hazard",
	"CREATE INDEX without CONCURRENTLY on an existing table blocks its writes for the whole build"},
	{"unique-without-index", "hazard",
	"ADD PRIMARY KEY / UNIQUE / EXCLUDE builds its index under ACCESS EXCLUSIVE; USING INDEX with an index built concurrently does not"},
	{"data-loss", "hazard",
	"DROP TABLE, DROP SCHEMA, DROP COLUMN or TRUNCATE of existing data: no down script brings it back"},
	{"rename", "hazard",
	"renaming an existing table or column breaks the clients that still use the old name"},
	{"lock-timeout-missing", "hazard",
	"a statement that takes ACCESS EXCLUSIVE on an existing table runs without a lock timeout: while it waits, every query on the table queues behind it"},
	{"enum-value-position", "advice",
	"ALTER TYPE ... ADD VALUE without BEFORE or AFTER puts the value last in the enum's sort order"},
	{"prefer-bigint-key", "advice",
	"an int or smallint primary key or identity runs out of values; bigint costs 4 bytes more"},
	{"prefer-timestamptz", "advice",
	"timestamp without time zone stores a wall-clock reading whose time zone is lost"},
	{"prefer-text", "advice",
	"char(n) pads with spaces and is no faster than text or varchar"},
};

#define NRULES lengthof(rules)

static int	migrate_lint = LINT_WARN;

static const struct config_enum_entry lint_options[] = {
	{"off", LINT_OFF, false},
	{"warn", LINT_WARN, false},
	{"error", LINT_ERROR, false},
	{NULL, 0, false}
};

void
lint_init(void)
{
	DefineCustomEnumVariable("migrate.lint",
							 "What a lint hazard in a revision does when it is registered: off, warn or error.",
							 "A revision allows a rule it breaks on purpose with \"-- allow: rule: reason\" in its header.",
							 &migrate_lint,
							 LINT_WARN, lint_options,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
}

int
lint_rule_count(void)
{
	return NRULES;
}

void
lint_rule_at(int i, const char **name, const char **severity,
			 const char **summary)
{
	*name = rules[i].name;
	*severity = rules[i].severity;
	*summary = rules[i].summary;
}

static const LintRule *
find_rule(const char *name)
{
	for (int i = 0; i < (int) NRULES; i++)
		if (strcmp(rules[i].name, name) == 0)
			return &rules[i];
	return NULL;
}

/* ----------------------------------------------------------------
 * What one run of the rules remembers
 * ----------------------------------------------------------------
 */
typedef struct LintState
{
	List	   *findings;
	List	   *created;		/* RangeVars the script created so far */
	List	   *validated;		/* Oids of tables a VALIDATE CONSTRAINT ran on */
	List	   *locked;			/* Oids of tables ACCESS EXCLUSIVE was taken on */
	List	   *exclusive;		/* the same, whether a timeout is set or not */
	bool		transactional;	/* a lock taken is held to the end */
	bool		timeout;		/* a lock timeout is in effect */
	MigrateStmt *stmt;
	char	   *text;			/* the statement, one line */
} LintState;

/* What the catalog says of an existing table */
typedef struct RelFacts
{
	Oid			oid;
	char	   *name;			/* qualified, quoted as needed */
	char		relkind;
	bool		empty;			/* the statistics say so */
	char	   *size;			/* "about 2.1 million rows (160 MB)" */
} RelFacts;

static void
add_finding(LintState *ls, const char *rule, bool empty, char *message,
			char *detail, char *hint)
{
	LintFinding *f = palloc0(sizeof(LintFinding));
	const LintRule *r = find_rule(rule);

	Assert(r != NULL);
	f->rule = r->name;
	f->severity = (strcmp(r->severity, "hazard") == 0 && empty) ?
		"advice" : r->severity;
	f->statement = ls->stmt->number;
	f->line = ls->stmt->line;
	f->text = ls->text;
	f->message = message;
	f->detail = detail;
	f->hint = hint;
	ls->findings = lappend(ls->findings, f);
}

/* Rows in words: "12 rows", "about 35 thousand rows", "about 2.1 million rows" */
static char *
rows_words(double rows)
{
	if (rows < 10000)
		return psprintf("%.0f row%s", rows, rows == 1 ? "" : "s");
	if (rows < 1e6)
		return psprintf("about %.0f thousand rows", rows / 1e3);
	if (rows < 1e9)
		return psprintf("about %.1f million rows", rows / 1e6);
	return psprintf("about %.1f billion rows", rows / 1e9);
}

/* A relation the script creates: its schema as it will be, and its name */
typedef struct Created
{
	char	   *schema;			/* "pg_temp" for a temporary one; NULL: none chosen */
	char	   *relname;
} Created;

/* The schema an unqualified CREATE puts a relation in: the path's first */
static char *
creation_schema(void)
{
	List	   *path = fetch_search_path(false);

	return path != NIL ? get_namespace_name(linitial_oid(path)) : NULL;
}

/*
 * Remember a relation the script creates.  CREATE ... IF NOT EXISTS of one
 * that exists creates nothing, and is not remembered.
 */
static void
remember_created(LintState *ls, RangeVar *rv, bool if_not_exists)
{
	Created    *c;

	if (rv == NULL)
		return;
	if (if_not_exists)
	{
		Oid			nsp = rv->schemaname ? get_namespace_oid(rv->schemaname, true) : InvalidOid;

		if (rv->schemaname ? (OidIsValid(nsp) && OidIsValid(get_relname_relid(rv->relname, nsp))) :
			OidIsValid(RelnameGetRelid(rv->relname)))
			return;
	}
	c = palloc(sizeof(Created));
	c->relname = rv->relname;
	c->schema = rv->relpersistence == RELPERSISTENCE_TEMP ? "pg_temp" :
		rv->schemaname ? rv->schemaname : creation_schema();
	ls->created = lappend(ls->created, c);
}

/*
 * Whether rv names a relation the script created: the same schema when it
 * is qualified; when not, one the search path finds first (a temporary one,
 * or one in the path's first schema).
 */
static bool
names_created(LintState *ls, RangeVar *rv)
{
	ListCell   *lc;
	char	   *first = NULL;

	foreach(lc, ls->created)
	{
		Created    *c = lfirst(lc);

		if (strcmp(c->relname, rv->relname) != 0 || c->schema == NULL)
			continue;
		if (rv->schemaname)
		{
			if (strcmp(c->schema, rv->schemaname) == 0)
				return true;
			continue;
		}
		if (strcmp(c->schema, "pg_temp") == 0)
			return true;
		if (first == NULL)
			first = creation_schema();
		if (first && strcmp(c->schema, first) == 0)
			return true;
	}
	return false;
}

/* bytes as pg_size_pretty() writes them */
static char *
pretty_bytes(int64 bytes)
{
	return text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_size_pretty,
															  Int64GetDatum(bytes))));
}

/*
 * The pages of a table that was never analyzed, or InvalidBlockNumber if
 * it cannot be locked at once (a lint never waits) or has no storage.
 */
static BlockNumber
actual_blocks(Oid relid, char relkind)
{
	Relation	rel;
	BlockNumber blocks;

	if (!RELKIND_HAS_STORAGE(relkind) ||
		!ConditionalLockRelationOid(relid, AccessShareLock))
		return InvalidBlockNumber;
	rel = try_relation_open(relid, NoLock);
	blocks = rel ? RelationGetNumberOfBlocks(rel) : InvalidBlockNumber;
	if (rel)
		relation_close(rel, NoLock);
	UnlockRelationOid(relid, AccessShareLock);
	return blocks;
}

/*
 * The facts of an existing table the statement acts on; false when it
 * does not exist yet or the script created it (nothing is at risk then).
 */
static bool
rel_facts(LintState *ls, RangeVar *rv, RelFacts *f)
{
	HeapTuple	tup;
	Form_pg_class c;
	BlockNumber blocks;

	if (rv == NULL || names_created(ls, rv))
		return false;
	/* no ACL check, no error: a schema the caller may not use is not found */
	if (rv->schemaname)
	{
		Oid			nsp = get_namespace_oid(rv->schemaname, true);

		f->oid = OidIsValid(nsp) ? get_relname_relid(rv->relname, nsp) : InvalidOid;
	}
	else
		f->oid = RelnameGetRelid(rv->relname);
	if (!OidIsValid(f->oid))
		return false;
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(f->oid));
	if (!HeapTupleIsValid(tup))
		return false;
	c = (Form_pg_class) GETSTRUCT(tup);
	f->relkind = c->relkind;
	f->name = quote_qualified_identifier(get_namespace_name(c->relnamespace),
										 NameStr(c->relname));
	/*
	 * Statistics never taken, or saying empty: the pages say whether it is,
	 * if it can be locked at once to count them; else assume the worst
	 */
	blocks = (c->reltuples < 0 || (c->reltuples == 0 && c->relpages == 0)) ?
		actual_blocks(f->oid, c->relkind) : InvalidBlockNumber;
	if (c->reltuples < 0)
	{
		f->empty = blocks == 0;
		f->size = blocks == InvalidBlockNumber ?
			pstrdup("an unknown number of rows (never analyzed)") :
			blocks == 0 ? pstrdup("no rows (never analyzed, and no pages)") :
			psprintf("an unknown number of rows in %u pages (%s; never analyzed)", blocks,
					 pretty_bytes((int64) blocks * BLCKSZ));
	}
	else if (blocks != InvalidBlockNumber && blocks > 0)
	{
		/* empty when last measured, and filled since */
		f->empty = false;
		f->size = psprintf("an unknown number of rows in %u pages (%s; empty when last analyzed)",
						   blocks, pretty_bytes((int64) blocks * BLCKSZ));
	}
	else if (c->relkind == RELKIND_PARTITIONED_TABLE)
	{
		/* the rows are its partitions' */
		double		rows = 0;
		int64		pages = 0;
		ListCell   *lc;

		foreach(lc, find_all_inheritors(f->oid, NoLock, NULL))
		{
			HeapTuple	pt = SearchSysCache1(RELOID, ObjectIdGetDatum(lfirst_oid(lc)));

			if (!HeapTupleIsValid(pt))
				continue;
			rows += Max(((Form_pg_class) GETSTRUCT(pt))->reltuples, 0);
			pages += Max(((Form_pg_class) GETSTRUCT(pt))->relpages, 0);
			ReleaseSysCache(pt);
		}
		f->empty = rows == 0 && pages == 0;
		f->size = psprintf("%s in its partitions (%s)", rows_words(rows),
						   pretty_bytes(pages * BLCKSZ));
	}
	else
	{
		f->empty = c->reltuples == 0 && c->relpages == 0;
		f->size = psprintf("%s (%s)", rows_words(c->reltuples),
						   pretty_bytes((int64) c->relpages * BLCKSZ));
	}
	ReleaseSysCache(tup);
	return true;
}

static const char *
kind_word(const RelFacts *f)
{
	switch (f->relkind)
	{
		case RELKIND_MATVIEW:
			return "materialized view";
		case RELKIND_PARTITIONED_TABLE:
			return "partitioned table";
		case RELKIND_INDEX:
		case RELKIND_PARTITIONED_INDEX:
			return "index";
		default:
			return "table";
	}
}

/* "table public.orders has about 2.1 million rows (160 MB)" */
static char *
has_size(const RelFacts *f)
{
	return psprintf("%s %s has %s", kind_word(f), f->name, f->size);
}

/*
 * A statement that takes ACCESS EXCLUSIVE on an existing table, with no
 * lock timeout in effect: it queues every later query on the table behind
 * itself while it waits.  Only the first such statement on a table: the
 * revision holds the lock from then on, so the later ones never wait.
 */
static void
check_timeout(LintState *ls, const RelFacts *f, LOCKMODE mode)
{
	if (ls->timeout || mode != AccessExclusiveLock ||
		list_member_oid(ls->locked, f->oid))
		return;
	if (ls->transactional)
		ls->locked = lappend_oid(ls->locked, f->oid);
	add_finding(ls, "lock-timeout-missing", false,
				psprintf("statement takes ACCESS EXCLUSIVE on %s without a lock timeout", f->name),
				psprintf("If a transaction holds any lock on %s, this statement waits for it, and every query on the table, even a SELECT, queues behind the wait: the table stops for as long as the longest transaction runs.",
						 f->name),
				pstrdup("Set migrate.lock_timeout (or \"-- lock_timeout: 2s\" in the revision's header) so that the statement gives up, rolls back and retries instead of stalling the table."));
}

/* ----------------------------------------------------------------
 * Expressions and types
 * ----------------------------------------------------------------
 */

/*
 * Whether a qualified name's schema may be used by the caller: looking a
 * name up in one it may not use is an error, and the lint never fails on
 * what it cannot see.  An unqualified name is looked up in the search
 * path, which holds only usable schemas.
 */
static bool
usable_qualifier(List *names)
{
	char	   *schema;
	char	   *object;
	Oid			nsp;

	DeconstructQualifiedName(names, &schema, &object);
	if (schema == NULL)
		return true;
	nsp = get_namespace_oid(schema, true);
	return OidIsValid(nsp) &&
		compat_namespace_usable(nsp);
}

/* Whether a raw expression calls a function that may be volatile */
static bool
raw_volatile_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, FuncCall))
	{
		FuncCall   *fc = (FuncCall *) node;
		FuncCandidateList cands;

		if (list_length(fc->funcname) > 3 || !usable_qualifier(fc->funcname))
			return true;		/* not ours to see: assume the worst */
		cands = FuncnameGetCandidates(fc->funcname, -1, NIL, false, false,
									  false, true);
		if (cands == NULL)
			return true;		/* unknown: the server would refuse it anyway */
		for (; cands; cands = cands->next)
			if (func_volatile(cands->oid) == PROVOLATILE_VOLATILE)
			{
				*(char **) context = NameListToString(fc->funcname);
				return true;
			}
	}
	return raw_expression_tree_walker(node, raw_volatile_walker, context);
}

/* The type a TypeName names, or InvalidOid (an unknown type is not ours to judge) */
static Oid
type_of(TypeName *tn, int32 *typmod)
{
	Type		tup;
	Oid			oid;

	*typmod = -1;
	if (tn == NULL || tn->names == NIL || list_length(tn->names) > 3 ||
		!usable_qualifier(tn->names))
		return InvalidOid;
	tup = LookupTypeName(NULL, tn, typmod, true);
	if (tup == NULL)
		return InvalidOid;
	oid = ((Form_pg_type) GETSTRUCT(tup))->oid;
	ReleaseSysCache(tup);
	return oid;
}

/* A serial type's width in bytes (2, 4 or 8), or 0 for any other type */
static int
serial_width(TypeName *tn)
{
	char	   *name;

	if (tn == NULL || list_length(tn->names) != 1 || tn->arrayBounds != NIL)
		return 0;
	name = strVal(linitial(tn->names));
	if (strcmp(name, "smallserial") == 0 || strcmp(name, "serial2") == 0)
		return 2;
	if (strcmp(name, "serial") == 0 || strcmp(name, "serial4") == 0)
		return 4;
	if (strcmp(name, "bigserial") == 0 || strcmp(name, "serial8") == 0)
		return 8;
	return 0;
}

/*
 * Whether changing a column from one type to another rewrites the table.
 * The server decides by planning the conversion; this follows its known
 * no-rewrite cases: binary-compatible types to an unconstrained length,
 * and a longer varchar/varbit, a wider numeric of the same scale, or a
 * finer time precision of the same type.
 */
static bool
type_change_rewrites(Oid oldtype, int32 oldmod, Oid newtype, int32 newmod)
{
	/* a domain is stored as its base type (its checks scan, not rewrite) */
	newtype = getBaseTypeAndTypmod(newtype, &newmod);
	if (oldtype == newtype)
	{
		if (newmod == oldmod || newmod < 0)
			return false;
		/* the finest precision of a time type is the same as none */
		if (oldmod < 0 && newmod == 6 &&
			(newtype == TIMESTAMPOID || newtype == TIMESTAMPTZOID ||
			 newtype == TIMEOID || newtype == TIMETZOID))
			return false;
		if (oldmod < 0)
			return true;
		switch (newtype)
		{
			case VARCHAROID:
			case VARBITOID:
			case TIMESTAMPOID:
			case TIMESTAMPTZOID:
			case TIMEOID:
			case TIMETZOID:
				return newmod < oldmod;
			case NUMERICOID:
				/* typmod: ((precision << 16) | scale) + VARHDRSZ */
				return ((newmod - VARHDRSZ) & 0xffff) != ((oldmod - VARHDRSZ) & 0xffff) ||
					newmod < oldmod;
			default:
				return true;
		}
	}
	return !(IsBinaryCoercible(oldtype, newtype) && newmod < 0);
}

/* Advice on a column's type, wherever a column is defined */
static void
check_column_type(LintState *ls, const char *table, ColumnDef *col, bool key)
{
	int32		typmod;
	Oid			typid;
	int			width;
	bool		identity = false;
	ListCell   *lc;

	foreach(lc, col->constraints)
	{
		Constraint *c = lfirst(lc);

		if (c->contype == CONSTR_PRIMARY)
			key = true;
		if (c->contype == CONSTR_IDENTITY)
			identity = true;
	}
	width = serial_width(col->typeName);
	if (width == 2 || width == 4)
	{
		add_finding(ls, "prefer-bigint-key", false,
					psprintf("column %s.%s is a %s", table, col->colname,
							 width == 2 ? "smallserial" : "serial"),
					psprintf("Its sequence stops at %s; changing it later to bigint rewrites the table and every index on the column.",
							 width == 2 ? "32,767" : "2,147,483,647"),
					pstrdup("Use bigserial, or bigint GENERATED ALWAYS AS IDENTITY."));
		return;
	}
	typid = type_of(col->typeName, &typmod);
	if (typid == InvalidOid || col->typeName->arrayBounds != NIL)
		return;
	if ((typid == INT4OID || typid == INT2OID) && (key || identity))
		add_finding(ls, "prefer-bigint-key", false,
					psprintf("%s column %s.%s is %s", identity ? "identity" : "key",
							 table, col->colname, format_type_be(typid)),
					psprintf("It stops at %s; changing it later to bigint rewrites the table and every index on the column.",
							 typid == INT2OID ? "32,767" : "2,147,483,647"),
					pstrdup("Use bigint."));
	else if (typid == TIMESTAMPOID)
		add_finding(ls, "prefer-timestamptz", false,
					psprintf("column %s.%s is timestamp without time zone", table, col->colname),
					pstrdup("It keeps a wall-clock reading: which time zone it was read in is lost, and arithmetic across a daylight saving change is wrong."),
					pstrdup("Use timestamp with time zone (timestamptz): it stores an instant and shows it in the session's time zone."));
	else if (typid == BPCHAROID && typmod > 0)
		add_finding(ls, "prefer-text", false,
					psprintf("column %s.%s is %s", table, col->colname,
							 format_type_with_typemod(typid, typmod)),
					pstrdup("char(n) pads every value with spaces to its length, compares with the padding stripped, and is stored no more compactly than text."),
					pstrdup("Use text, or varchar(n) if the length limit is a rule of the data."));
}

/* ----------------------------------------------------------------
 * ALTER TABLE
 * ----------------------------------------------------------------
 */

/* A validated CHECK (attnum IS NOT NULL) on the table */
static bool
has_not_null_check(Oid relid, AttrNumber attnum)
{
	Relation	rel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, ConstraintRelidTypidNameIndexId, true,
							  NULL, 1, &key);
	while (!found && HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
		bool		isnull;
		Datum		bin;
		Node	   *expr;

		if (con->contype != CONSTRAINT_CHECK || !con->convalidated)
			continue;
		bin = heap_getattr(tup, Anum_pg_constraint_conbin,
						   RelationGetDescr(rel), &isnull);
		if (isnull)
			continue;
		expr = stringToNode(TextDatumGetCString(bin));
		if (IsA(expr, NullTest) &&
			((NullTest *) expr)->nulltesttype == IS_NOT_NULL &&
			IsA(((NullTest *) expr)->arg, Var) &&
			((Var *) ((NullTest *) expr)->arg)->varattno == attnum)
			found = true;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

static void
check_add_column(LintState *ls, const RelFacts *f, ColumnDef *col)
{
	ListCell   *lc;
	char	   *why = NULL;

	check_column_type(ls, f->name, col, false);
	if (serial_width(col->typeName) != 0)
		why = pstrdup("a serial column's default, nextval(), gives every row a value of its own");
	foreach(lc, col->constraints)
	{
		Constraint *c = lfirst(lc);
		char	   *fn = NULL;

		if (c->contype == CONSTR_DEFAULT && c->raw_expr &&
			raw_volatile_walker(c->raw_expr, &fn))
			why = fn ? psprintf("its default calls %s(), which is volatile: every row needs a value of its own", fn) :
				pstrdup("its default calls a function that may be volatile: every row needs a value of its own");
		else if (c->contype == CONSTR_IDENTITY)
			why = pstrdup("an identity column takes a new sequence value for every row");
		else if (c->contype == CONSTR_GENERATED)
			why = pstrdup("a stored generated column is computed for every row");
		else if (c->contype == CONSTR_PRIMARY || c->contype == CONSTR_UNIQUE)
			add_finding(ls, "unique-without-index", f->empty,
						psprintf("ADD COLUMN %s ... %s builds a unique index on %s under ACCESS EXCLUSIVE",
								 quote_identifier(col->colname), c->contype == CONSTR_PRIMARY ? "PRIMARY KEY" : "UNIQUE", f->name),
						psprintf("%s; reads and writes wait for the whole build.", has_size(f)),
						pstrdup("Add the column first, build the index with CREATE UNIQUE INDEX CONCURRENTLY in a revision with \"transaction: no\", then ADD CONSTRAINT ... USING INDEX."));
	}
	if (why)
		add_finding(ls, "table-rewrite", f->empty,
					psprintf("ADD COLUMN %s rewrites %s %s", quote_identifier(col->colname), kind_word(f), f->name),
					psprintf("%s; %s, so the table and all its indexes are rewritten under ACCESS EXCLUSIVE, blocking reads and writes.",
							 has_size(f), why),
					pstrdup("Add the column without the default (or with a constant one), fill it in batches, then set the default."));
}

static void
check_alter_type(LintState *ls, const RelFacts *f, AlterTableCmd *cmd)
{
	ColumnDef  *def = (ColumnDef *) cmd->def;
	AttrNumber	attnum = get_attnum(f->oid, cmd->name);
	Oid			oldtype;
	int32		oldmod;
	Oid			oldcoll;
	Oid			newtype;
	int32		newmod;

	if (attnum == InvalidAttrNumber)
		return;
	get_atttypetypmodcoll(f->oid, attnum, &oldtype, &oldmod, &oldcoll);
	newtype = type_of(def->typeName, &newmod);
	if (newtype == InvalidOid)
		return;
	if (def->raw_default == NULL &&
		!type_change_rewrites(oldtype, oldmod, newtype, newmod))
		return;
	add_finding(ls, "table-rewrite", f->empty,
				psprintf("ALTER COLUMN %s TYPE %s rewrites %s %s", quote_identifier(cmd->name),
						 format_type_with_typemod(newtype, newmod), kind_word(f), f->name),
				psprintf("%s; %s to %s is not binary compatible%s, so every row and every index is rewritten under ACCESS EXCLUSIVE, blocking reads and writes.",
						 has_size(f), format_type_with_typemod(oldtype, oldmod),
						 format_type_with_typemod(newtype, newmod),
						 def->raw_default ? " (USING converts each row)" : ""),
				pstrdup("Add a column of the new type, fill it in batches (a trigger keeps it current), then switch to it in a short revision."));
}

static void
check_set_not_null(LintState *ls, const RelFacts *f, AlterTableCmd *cmd)
{
	AttrNumber	attnum = get_attnum(f->oid, cmd->name);
	HeapTuple	tup;
	bool		notnull = false;

	if (attnum == InvalidAttrNumber)
		return;
	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(f->oid), Int16GetDatum(attnum));
	if (HeapTupleIsValid(tup))
	{
		notnull = ((Form_pg_attribute) GETSTRUCT(tup))->attnotnull;
		ReleaseSysCache(tup);
	}
	/* already NOT NULL: nothing to do; else a proof spares the scan */
	if (notnull || has_not_null_check(f->oid, attnum) ||
		list_member_oid(ls->validated, f->oid))
		return;
	add_finding(ls, "set-not-null", f->empty,
				psprintf("SET NOT NULL on %s.%s scans the table under ACCESS EXCLUSIVE",
						 f->name, quote_identifier(cmd->name)),
				psprintf("%s; no validated CHECK (%s IS NOT NULL) proves it has no nulls, so every row is read while reads and writes wait.",
						 has_size(f), quote_identifier(cmd->name)),
				psprintf("ADD CONSTRAINT ... CHECK (%s IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT in a later revision (alone it takes only SHARE UPDATE EXCLUSIVE; after the ADD in one transaction it runs under the ADD's ACCESS EXCLUSIVE); SET NOT NULL then skips the scan, and the check can be dropped.",
						 quote_identifier(cmd->name)));
}

static void
check_add_constraint(LintState *ls, const RelFacts *f, AlterTableCmd *cmd)
{
	Constraint *c = (Constraint *) cmd->def;

	if (!IsA(c, Constraint))
		return;
	switch (c->contype)
	{
		case CONSTR_FOREIGN:
		case CONSTR_CHECK:
			if (c->skip_validation)
				return;
			add_finding(ls, "constraint-not-valid", f->empty,
						psprintf("ADD %s on %s validates every row while it blocks writes",
								 c->contype == CONSTR_FOREIGN ? "FOREIGN KEY" : "CHECK", f->name),
						c->contype == CONSTR_FOREIGN ?
						psprintf("%s; adding the foreign key takes SHARE ROW EXCLUSIVE on it and on %s and checks every row against it.",
								 has_size(f), c->pktable ?
								 quote_qualified_identifier(c->pktable->schemaname, c->pktable->relname) :
								 "the referenced table") :
						psprintf("%s; adding the check takes ACCESS EXCLUSIVE and reads every row.", has_size(f)),
						pstrdup("Add it with NOT VALID (a catalog change: new rows are checked at once), then VALIDATE CONSTRAINT in a later revision, which takes only SHARE UPDATE EXCLUSIVE (in the same transaction it would run under the ADD's lock)."));
			return;
		case CONSTR_PRIMARY:
		case CONSTR_UNIQUE:
		case CONSTR_EXCLUSION:
			if (c->indexname != NULL)
				return;
			add_finding(ls, "unique-without-index", f->empty,
						psprintf("ADD %s on %s builds its index under ACCESS EXCLUSIVE",
								 c->contype == CONSTR_PRIMARY ? "PRIMARY KEY" :
								 c->contype == CONSTR_UNIQUE ? "UNIQUE" : "EXCLUDE", f->name),
						psprintf("%s; reads and writes wait for the whole index build.", has_size(f)),
						pstrdup("Build the index with CREATE UNIQUE INDEX CONCURRENTLY in a revision with \"transaction: no\", then ADD CONSTRAINT ... USING INDEX, which is a catalog change."));
			return;
		default:
			return;
	}
}

static void
check_alter_table(LintState *ls, AlterTableStmt *stmt)
{
	RelFacts	f;
	ListCell   *lc;

	if (!rel_facts(ls, stmt->relation, &f))
	{
		/* a table of this script: only the advice on column types */
		foreach(lc, stmt->cmds)
		{
			AlterTableCmd *cmd = lfirst(lc);

			if (cmd->subtype == AT_AddColumn && IsA(cmd->def, ColumnDef))
				check_column_type(ls, stmt->relation->relname,
								  (ColumnDef *) cmd->def, false);
		}
		return;
	}
	/* a composite type, an index, a view, a foreign table: no rows at risk */
	if (f.relkind != RELKIND_RELATION && f.relkind != RELKIND_PARTITIONED_TABLE &&
		f.relkind != RELKIND_MATVIEW)
		return;
	check_timeout(ls, &f, AlterTableGetLockLevel(stmt->cmds));
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst(lc);

		switch (cmd->subtype)
		{
			case AT_AddColumn:
				if (IsA(cmd->def, ColumnDef))
					check_add_column(ls, &f, (ColumnDef *) cmd->def);
				break;
			case AT_AlterColumnType:
				check_alter_type(ls, &f, cmd);
				break;
			case AT_SetNotNull:
				check_set_not_null(ls, &f, cmd);
				break;
			case AT_AddConstraint:
				check_add_constraint(ls, &f, cmd);
				break;
			case AT_ValidateConstraint:
				/* under an ACCESS EXCLUSIVE this transaction holds, no help */
				if (!list_member_oid(ls->exclusive, f.oid))
					ls->validated = lappend_oid(ls->validated, f.oid);
				break;
			case AT_DropColumn:
				add_finding(ls, "data-loss", f.empty,
							psprintf("DROP COLUMN %s deletes its data from %s", quote_identifier(cmd->name), f.name),
							psprintf("%s; the column's values are gone once this commits, and a down script can only add the column back empty.",
									 has_size(&f)),
							pstrdup("Stop using the column in the application first; copy it elsewhere if it may be needed again."));
				break;
			case AT_SetTableSpace:
			case AT_SetLogged:
			case AT_SetUnLogged:
			case AT_SetAccessMethod:
				add_finding(ls, "table-rewrite", f.empty,
							psprintf("%s rewrites %s %s",
									 cmd->subtype == AT_SetTableSpace ? "SET TABLESPACE" :
									 cmd->subtype == AT_SetLogged ? "SET LOGGED" :
									 cmd->subtype == AT_SetUnLogged ? "SET UNLOGGED" : "SET ACCESS METHOD",
									 kind_word(&f), f.name),
							psprintf("%s; it is copied whole under ACCESS EXCLUSIVE, blocking reads and writes.", has_size(&f)),
							pstrdup("Run it in a maintenance window, or move the data with a tool that copies online (pg_repack)."));
				break;
			default:
				break;
		}
	}
	if (ls->transactional && AlterTableGetLockLevel(stmt->cmds) == AccessExclusiveLock &&
		!list_member_oid(ls->exclusive, f.oid))
		ls->exclusive = lappend_oid(ls->exclusive, f.oid);
}

/* ----------------------------------------------------------------
 * Other statements
 * ----------------------------------------------------------------
 */
static void
check_create_table(LintState *ls, CreateStmt *stmt)
{
	ListCell   *lc;
	List	   *keycols = NIL;

	foreach(lc, stmt->tableElts)
	{
		Constraint *c = lfirst(lc);

		if (IsA(c, Constraint) && c->contype == CONSTR_PRIMARY)
			keycols = list_concat(keycols, c->keys);
	}
	foreach(lc, stmt->tableElts)
	{
		ColumnDef  *col = lfirst(lc);
		ListCell   *k;
		bool		key = false;

		if (!IsA(col, ColumnDef))
			continue;
		foreach(k, keycols)
			if (strcmp(strVal(lfirst(k)), col->colname) == 0)
				key = true;
		check_column_type(ls, stmt->relation->relname, col, key);
	}
	remember_created(ls, stmt->relation, stmt->if_not_exists);
}

static void
check_index(LintState *ls, IndexStmt *stmt)
{
	RelFacts	f;

	/* ONLY on a partitioned table builds nothing; without, every partition's */
	if (stmt->concurrent || !rel_facts(ls, stmt->relation, &f) ||
		(f.relkind == RELKIND_PARTITIONED_TABLE && !stmt->relation->inh))
		return;
	add_finding(ls, "index-not-concurrent", f.empty,
				psprintf("CREATE %sINDEX on %s blocks writes to it for the whole build",
						 stmt->unique ? "UNIQUE " : "", f.name),
				psprintf("%s; CREATE INDEX takes SHARE, so INSERT, UPDATE and DELETE wait until the index is built.",
						 has_size(&f)),
				pstrdup("Use CREATE INDEX CONCURRENTLY in a revision of its own with \"transaction: no\" (migrate_add(..., transactional => false))."));
}

static void
check_rename(LintState *ls, RenameStmt *stmt)
{
	RelFacts	f;

	if ((stmt->renameType != OBJECT_TABLE && stmt->renameType != OBJECT_COLUMN) ||
		!rel_facts(ls, stmt->relation, &f))
		return;
	check_timeout(ls, &f, AccessExclusiveLock);
	if (stmt->renameType == OBJECT_TABLE)
		add_finding(ls, "rename", false,
					psprintf("RENAME of %s %s to %s breaks its running clients",
							 kind_word(&f), f.name, quote_identifier(stmt->newname)),
					psprintf("Every query that still names %s fails from the moment this commits until the application is deployed with the new name.", f.name),
					psprintf("Create a view %s over the renamed table for the old name while clients move, or rename in two deploys.",
							 f.name));
	else
		add_finding(ls, "rename", false,
					psprintf("RENAME COLUMN %s.%s to %s breaks its running clients",
							 f.name, quote_identifier(stmt->subname), quote_identifier(stmt->newname)),
					pstrdup("Every query that still names the old column fails from the moment this commits until the application is deployed with the new name."),
					pstrdup("Add the new column, write both while clients move, then drop the old one; or deploy the application so it reads either first."));
}

static void
check_drop(LintState *ls, DropStmt *stmt)
{
	ListCell   *lc;

	if (stmt->removeType != OBJECT_TABLE && stmt->removeType != OBJECT_SCHEMA)
		return;
	foreach(lc, stmt->objects)
	{
		RelFacts	f;

		if (stmt->removeType == OBJECT_SCHEMA)
		{
			char	   *name = strVal(lfirst(lc));
			Oid			nsp = get_namespace_oid(name, true);

			/* without CASCADE only an empty schema can go: no data lost */
			if (!OidIsValid(nsp) || stmt->behavior != DROP_CASCADE)
				continue;
			add_finding(ls, "data-loss", false,
						psprintf("DROP SCHEMA %s deletes every table in it", quote_identifier(name)),
						psprintf("Schema %s exists now; %s its tables and their data are gone once this commits.",
								 quote_identifier(name),
								 "with CASCADE,"),
						pstrdup("Keep a dump of the schema, or rename it and drop it in a later deploy."));
			continue;
		}
		if (list_length(lfirst(lc)) > 3 ||
			!rel_facts(ls, makeRangeVarFromNameList(lfirst(lc)), &f))
			continue;
		check_timeout(ls, &f, AccessExclusiveLock);
		add_finding(ls, "data-loss", f.empty,
					psprintf("DROP TABLE %s deletes its data", f.name),
					psprintf("%s; they are gone once this commits, and a down script can only create the table again empty.",
							 has_size(&f)),
					pstrdup("Stop using the table first; rename it and drop it in a later deploy, or keep a copy."));
	}
}

static void
check_truncate(LintState *ls, TruncateStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->relations)
	{
		RelFacts	f;

		if (!rel_facts(ls, lfirst(lc), &f))
			continue;
		check_timeout(ls, &f, AccessExclusiveLock);
		add_finding(ls, "data-loss", f.empty,
					psprintf("TRUNCATE %s deletes its data", f.name),
					psprintf("%s; they are gone once this commits.", has_size(&f)),
					pstrdup("Keep a copy if the rows may be needed again."));
	}
}

static void
check_vacuum(LintState *ls, VacuumStmt *stmt)
{
	ListCell   *lc;
	bool		full = false;

	foreach(lc, stmt->options)
	{
		DefElem    *opt = lfirst(lc);

		if (strcmp(opt->defname, "full") == 0)
			full = opt->arg == NULL || defGetBoolean(opt);
	}
	if (!stmt->is_vacuumcmd || !full)
		return;
	foreach(lc, stmt->rels)
	{
		VacuumRelation *vr = lfirst(lc);
		RelFacts	f;

		if (!rel_facts(ls, vr->relation, &f))
			continue;
		check_timeout(ls, &f, AccessExclusiveLock);
		add_finding(ls, "table-rewrite", f.empty,
					psprintf("VACUUM FULL rewrites %s %s", kind_word(&f), f.name),
					psprintf("%s; it is copied whole under ACCESS EXCLUSIVE, blocking reads and writes.", has_size(&f)),
					pstrdup("Plain VACUUM frees space for reuse without a lock; pg_repack compacts a table online."));
	}
}

static void
check_cluster(LintState *ls, ClusterStmt *stmt)
{
	RelFacts	f;

	if (!rel_facts(ls, stmt->relation, &f))
		return;
	check_timeout(ls, &f, AccessExclusiveLock);
	add_finding(ls, "table-rewrite", f.empty,
				psprintf("CLUSTER rewrites %s %s", kind_word(&f), f.name),
				psprintf("%s; it is copied in index order under ACCESS EXCLUSIVE, blocking reads and writes.", has_size(&f)),
				pstrdup("pg_repack --order-by orders a table online."));
}

static void
check_long_lock(LintState *ls, RangeVar *rv, const char *what)
{
	RelFacts	f;

	if (!rel_facts(ls, rv, &f))
		return;
	check_timeout(ls, &f, AccessExclusiveLock);
	add_finding(ls, "long-exclusive-lock", f.empty,
				psprintf("%s holds ACCESS EXCLUSIVE on %s", what, f.name),
				psprintf("%s; reads and writes wait until %s.", has_size(&f),
						 strcmp(what, "LOCK TABLE") == 0 ?
						 "the revision's transaction ends (the whole push)" :
						 "the view is computed again"),
				pstrdup(strcmp(what, "LOCK TABLE") == 0 ?
						"Take a weaker lock, or none: each statement takes the lock it needs." :
						"REFRESH MATERIALIZED VIEW CONCURRENTLY (with a unique index on the view) lets reads go on."));
}

static void
check_enum(LintState *ls, AlterEnumStmt *stmt)
{
	if (stmt->newVal == NULL || stmt->oldVal != NULL || stmt->newValNeighbor != NULL)
		return;
	add_finding(ls, "enum-value-position", false,
				psprintf("ADD VALUE '%s' to %s puts it last", stmt->newVal,
						 NameListToString(stmt->typeName)),
				pstrdup("Enum values sort in the order they were declared: ORDER BY and comparisons put the new value after every existing one. The new value cannot be used in the transaction that adds it."),
				pstrdup("Say where it goes with BEFORE or AFTER an existing value, and use it in a later revision."));
}

/* SET lock_timeout / migrate.lock_timeout in the script itself */
static void
check_set(LintState *ls, VariableSetStmt *stmt)
{
	char	   *value;
	int			ms;

	if (stmt->name == NULL ||
		strcmp(stmt->name, "lock_timeout") != 0)
		return;
	if (stmt->kind != VAR_SET_VALUE)
	{
		ls->timeout = LockTimeout > 0;
		return;
	}
	value = ExtractSetVariableArgs(stmt);
	if (value && parse_int(value, &ms, GUC_UNIT_MS, NULL))
		ls->timeout = ms > 0;
}

static void
check_statement(LintState *ls, Node *node)
{
	switch (nodeTag(node))
	{
		case T_AlterTableStmt:
			check_alter_table(ls, (AlterTableStmt *) node);
			break;
		case T_CreateStmt:
			check_create_table(ls, (CreateStmt *) node);
			break;
		case T_CreateTableAsStmt:
			remember_created(ls, ((CreateTableAsStmt *) node)->into->rel,
							 ((CreateTableAsStmt *) node)->if_not_exists);
			break;
		case T_ViewStmt:
			remember_created(ls, ((ViewStmt *) node)->view, false);
			break;
		case T_IndexStmt:
			check_index(ls, (IndexStmt *) node);
			break;
		case T_RenameStmt:
			check_rename(ls, (RenameStmt *) node);
			break;
		case T_DropStmt:
			check_drop(ls, (DropStmt *) node);
			break;
		case T_TruncateStmt:
			check_truncate(ls, (TruncateStmt *) node);
			break;
		case T_VacuumStmt:
			check_vacuum(ls, (VacuumStmt *) node);
			break;
		case T_ClusterStmt:
			check_cluster(ls, (ClusterStmt *) node);
			break;
		case T_RefreshMatViewStmt:
			if (!((RefreshMatViewStmt *) node)->concurrent)
				check_long_lock(ls, ((RefreshMatViewStmt *) node)->relation,
								"REFRESH MATERIALIZED VIEW");
			break;
		case T_LockStmt:
			if (((LockStmt *) node)->mode == AccessExclusiveLock)
			{
				ListCell   *lc;

				foreach(lc, ((LockStmt *) node)->relations)
					check_long_lock(ls, lfirst(lc), "LOCK TABLE");
			}
			break;
		case T_AlterEnumStmt:
			check_enum(ls, (AlterEnumStmt *) node);
			break;
		case T_VariableSetStmt:
			check_set(ls, (VariableSetStmt *) node);
			break;
		default:
			break;
	}
}

/* A statement on one line, at most 80 characters */
static char *
one_line(const char *sql, int len)
{
	StringInfoData buf;
	bool		space = false;

	initStringInfo(&buf);
	for (int i = 0; i < len && buf.len < 80; i++)
	{
		if (isspace((unsigned char) sql[i]))
			space = buf.len > 0;
		else
		{
			if (space)
				appendStringInfoChar(&buf, ' ');
			space = false;
			appendStringInfoChar(&buf, sql[i]);
		}
	}
	if (buf.len >= 80)
		appendStringInfoString(&buf, " ...");
	return buf.data;
}

/*
 * Every finding in a script, in statement order.  lock_timeout: the
 * revision's own, in ms, or -1 for the session's migrate.lock_timeout.
 */
List *
lint_script(const char *sql, bool transactional, int lock_timeout)
{
	MigrateScript *script = script_parse_mode(sql, "up", transactional);
	LintState	ls = {0};

	ls.transactional = transactional;
	/* outside a run, no revision's own settings are in force */
	locksafe_use_revision(-1, -1);
	/*
	 * The timeout the statements run with: the revision's own, else
	 * migrate.lock_timeout, else lock_timeout.  The steps of a
	 * non-transactional revision run in a background worker, with none
	 * but what the script sets itself.
	 */
	ls.timeout = transactional &&
		((lock_timeout >= 0 ? lock_timeout : locksafe_timeout()) > 0 ||
		 LockTimeout > 0);
	for (int i = 0; i < script->nstmts; i++)
	{
		MigrateStmt *stmt = &script->stmts[i];

		ls.stmt = stmt;
		ls.text = one_line(sql + stmt->offset, stmt->len);
		/* the tree the script was split with: the statement is not parsed again */
		check_statement(&ls, stmt->parsetree);
	}
	return ls.findings;
}

/* ----------------------------------------------------------------
 * Registration
 * ----------------------------------------------------------------
 */

/* The rule an allow entry "rule: reason" names; checks it */
static char *
allow_rule(const char *entry)
{
	const char *colon = strchr(entry, ':');
	char	   *rule;
	const char *reason;

	if (colon == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lint allowance \"%s\" gives no reason", entry),
				 errhint("Write it as \"rule: reason\", for example \"index-not-concurrent: the table is new in this release\".")));
	while (isspace((unsigned char) *entry))
		entry++;
	rule = pnstrdup(entry, colon - entry);
	for (int n = strlen(rule); n > 0 && isspace((unsigned char) rule[n - 1]); n--)
		rule[n - 1] = '\0';
	reason = colon + 1 + strspn(colon + 1, " \t");
	if (find_rule(rule) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown lint rule \"%s\"", rule),
				 errhint("migrate_lint_rules() lists the rules.")));
	if (*reason == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lint allowance \"%s\" gives no reason", entry),
				 errhint("Say why the hazard is acceptable after the colon: the catalog keeps it for whoever reads the revision next.")));
	return rule;
}

/*
 * Checks a revision's allowances ("rule: reason", known rules, once each)
 * and returns them as the catalog keeps them: "rule: reason" with one
 * space after the colon and the reason on one line, trimmed, so that a
 * file written back and read again carries the same ones.
 */
List *
lint_check_allow(List *allow)
{
	List	   *seen = NIL;
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, allow)
	{
		char	   *rule = allow_rule(lfirst(lc));
		const char *reason = strchr(lfirst(lc), ':') + 1;
		StringInfoData buf;
		bool		space = true;	/* one space after the colon */

		if (migrate_list_has(seen, rule))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("lint rule \"%s\" is allowed twice", rule)));
		seen = lappend(seen, rule);
		initStringInfo(&buf);
		appendStringInfo(&buf, "%s:", rule);
		for (; *reason; reason++)
		{
			if (isspace((unsigned char) *reason))
				space = true;
			else
			{
				appendStringInfoChar(&buf, space ? ' ' : *reason);
				if (space)
					appendStringInfoChar(&buf, *reason);
				space = false;
			}
		}
		result = lappend(result, buf.data);
	}
	return result;
}

static bool
allowed(List *allow, const char *rule)
{
	ListCell   *lc;

	foreach(lc, allow)
		if (strcmp(allow_rule(lfirst(lc)), rule) == 0)
			return true;
	return false;
}

/* lint_script's arguments and result, through migrate_try_subxact */
typedef struct LintCall
{
	const char *sql;
	bool		transactional;
	int			lock_timeout;
	List	   *findings;
} LintCall;

static void
lint_call(void *arg)
{
	LintCall   *call = arg;

	call->findings = lint_script(call->sql, call->transactional,
								 call->lock_timeout);
}

/*
 * A revision being registered: its hazards, less what it allows, as
 * migrate.lint says (a WARNING each, or one error naming them all).  The
 * lint must never be why a registration fails: if judging itself fails (a
 * name in a schema the caller may not use, say), that is a WARNING and the
 * revision goes on unjudged.  A cancel still cancels.
 */
void
lint_registration(const char *id, const char *sql, bool transactional,
				  int lock_timeout, List *allow)
{
	LintCall	call = {sql, transactional, lock_timeout, NIL};
	ErrorData  *edata;
	List	   *findings;
	StringInfoData all;
	int			nhazards = 0;
	ListCell   *lc;

	if (migrate_lint == LINT_OFF)
		return;
	edata = migrate_try_subxact(lint_call, &call);
	if (edata != NULL)
	{
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			ReThrowError(edata);
		/* under error, what cannot be judged cannot be let through */
		ereport(migrate_lint == LINT_ERROR ? ERROR : WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("revision \"%s\" could not be linted: %s", id, edata->message),
				 errhint("It is registered unjudged; migrate_lint() on its script shows where judging it failed.")));
		return;
	}
	findings = call.findings;
	initStringInfo(&all);
	foreach(lc, findings)
	{
		LintFinding *f = lfirst(lc);

		if (strcmp(f->severity, "hazard") != 0 || allowed(allow, f->rule))
			continue;
		nhazards++;
		if (migrate_lint == LINT_WARN)
			ereport(WARNING,
					(errcode(ERRCODE_WARNING),
					 errmsg("revision \"%s\", statement %d at line %d: %s",
							id, f->statement, f->line, f->message),
					 errdetail("%s", f->detail),
					 errhint("%s To accept it, allow the rule with a reason: \"-- allow: %s: why\" in the revision's header.",
							 f->hint, f->rule)));
		else
			appendStringInfo(&all, "%sstatement %d at line %d (%s): %s",
							 all.len ? "\n" : "", f->statement, f->line,
							 f->rule, f->message);
	}
	if (migrate_lint == LINT_ERROR && nhazards > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision \"%s\" has %d lint hazard%s", id, nhazards,
						nhazards == 1 ? "" : "s"),
				 errdetail("%s", all.data),
				 errhint("migrate_lint() explains each. Change the script, or allow a rule with a reason (\"-- allow: rule: why\" in the header, allow => in migrate_add()); migrate.lint = warn only warns.")));
}
