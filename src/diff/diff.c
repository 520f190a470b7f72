/*-------------------------------------------------------------------------
 *
 * diff.c
 *	  The DDL that turns one schema model into another.
 *
 * Input: two models of the same schema read by model_read_schema(), each
 * object with the details the DDL is written from (columns, tables,
 * sequences, views) or a definition that is DDL already (indexes,
 * constraints, routines, triggers, rules, policies, types).  Output: one
 * script, in the order dependencies need:
 *
 *	  1. drops, dependents first: policies, triggers and rules, views,
 *		 foreign keys, inheritance (NO INHERIT), other constraints, indexes,
 *		 columns (a sequence they own let go of first), the defaults and
 *		 identities that name sequences, then tables, routines and types
 *		 together, newest first, and sequences last (a dropped table's
 *		 default may take values from one);
 *	  2. creates, dependencies first: sequences (pg_dump makes them after
 *		 the tables whose defaults use them), then types, routines and
 *		 tables together, oldest first (tables with their columns, keys and
 *		 checks; routines with check_function_bodies off, as pg_dump does,
 *		 so that a SQL body may name a table created after it); then the
 *		 changes to types, tables and columns, inheritance (INHERIT, once a
 *		 child has its parent's columns), keys and checks, indexes, CLUSTER
 *		 ON, foreign keys, sequence options and ownership, views (oldest
 *		 first), triggers, rules, policies, and last comments and privileges,
 *		 which are set again on whatever the script dropped and created
 *		 again.
 *
 * "Oldest first" is the order of the objects' OIDs in the model they come
 * from, which is the order they were created in: an object can only be
 * created after what it depends on (a function returning a table's rows
 * after the table, a domain whose check calls a function after the
 * function), so creation order is a dependency order, pg_depend's, without
 * walking pg_depend.  Two exceptions are handled: a partition attached
 * later than it was created goes after its parent, and views, which may
 * read columns that the changes to existing tables add, go after those.
 *
 * What cannot be done safely is still written, as the plain DDL, under a
 * "-- REVIEW:" comment that says why, and listed in DiffScript.review: a
 * dropped table or column (its data goes), a type change that may need a
 * USING clause, a NOT NULL column added without a default, an enum value
 * removed or moved, a changed generation expression, partitioning, changed
 * composite or range types, and a sequence whose new end may make it give
 * out values again.
 *
 * Owners are not compared (model_read_schema() leaves them out): a
 * generated migration does not hand objects from one role to another.  The
 * schema itself, its comment and its privileges are not either: the diff is
 * of what is inside one schema.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"

#include "base/util.h"
#include "diff/diff.h"

/* Where a statement goes in the script: the phases, in order */
typedef enum Phase
{
	DROP_POLICY,
	DROP_TRIGGER,				/* and rules */
	DROP_VIEW,
	DROP_FOREIGN_KEY,
	NO_INHERIT,
	DROP_CONSTRAINT,
	DROP_INDEX,
	RELEASE_SEQUENCE,
	DROP_COLUMN,
	DROP_DEFAULT,
	RETYPE_COLUMN,				/* off a type the script drops */
	DROP_OBJECT,
	DROP_SEQUENCE,
	DROP_EXTENSION,
	CREATE_SCHEMA,
	CREATE_EXTENSION,
	CREATE_SEQUENCE,
	CREATE_OBJECT,
	ALTER_TYPE,
	ALTER_TABLE,
	ALTER_COLUMN,
	INHERIT,
	ADD_CONSTRAINT,
	CREATE_INDEX,
	CLUSTER_ON,
	ADD_FOREIGN_KEY,
	SEQUENCE_OWNER,
	CREATE_VIEW,
	CREATE_VIEW_INDEX,
	CREATE_TRIGGER,
	CREATE_RULE,
	CREATE_POLICY,
	SET_COMMENT,
	SET_PRIVILEGES,
	DROP_SCHEMA					/* last: once everything in it is gone */
} Phase;

typedef struct Step
{
	const char *label;			/* "kind identity: change" */
	Phase		phase;
	int64		order;			/* within the phase */
	int			seq;			/* then the order of writing */
	char	   *text;
} Step;

/*
 * What SQL calls each kind of object in DROP, ALTER, COMMENT ON and GRANT:
 * the per-kind words the statements below are written with.
 */
static const char *const kind_sql[] = {
	[KIND_UNKNOWN] = NULL,
	[KIND_SCHEMA] = "SCHEMA",
	[KIND_EXTENSION] = "EXTENSION",
	[KIND_TABLE] = "TABLE",
	[KIND_COLUMN] = "COLUMN",
	[KIND_CONSTRAINT] = "CONSTRAINT",
	[KIND_INDEX] = "INDEX",
	[KIND_SEQUENCE] = "SEQUENCE",
	[KIND_VIEW] = "VIEW",
	[KIND_MATVIEW] = "MATERIALIZED VIEW",
	[KIND_FUNCTION] = "FUNCTION",
	[KIND_PROCEDURE] = "PROCEDURE",
	[KIND_AGGREGATE] = "AGGREGATE",
	[KIND_ENUM] = "TYPE",
	[KIND_DOMAIN] = "DOMAIN",
	[KIND_COMPOSITE] = "TYPE",
	[KIND_RANGE] = "TYPE",
	[KIND_TRIGGER] = "TRIGGER",
	[KIND_POLICY] = "POLICY",
	[KIND_COLLATION] = "COLLATION",
	[KIND_EVENT_TRIGGER] = "EVENT TRIGGER",
	[KIND_PUBLICATION] = "PUBLICATION",
	[KIND_STATISTICS] = "STATISTICS",
	[KIND_RULE] = "RULE",
	[KIND_COMMENT] = NULL,
	[KIND_PRIVILEGES] = NULL,
};

/* An enum value the script adds, and the step that adds it */
typedef struct NewLabel
{
	const char *use;			/* how an expression writes it: 'x'::t */
	const char *label;
	struct Step *step;
} NewLabel;

typedef struct Diff
{
	SchemaModel *from;
	SchemaModel *to;
	List	   *rebuilt;		/* char *: views dropped and created again */
	List	   *rerules;		/* char *: rules dropped and created again */
	List	   *readded_keys;	/* char *: foreign keys dropped and added
								 * again around a key they reference */
	List	   *recreated;		/* char *: labels of objects dropped and
								 * created again, whose comments and
								 * privileges are set again */
	List	   *new_labels;		/* NewLabel *: enum values added */
	List	   *steps;
	List	   *review;
	int			changes;
	bool		routines;		/* some routine is created: bodies unchecked */
} Diff;

static void added(Diff *d, ModelObject *b);
static void removed(Diff *d, ModelObject *a);

/*
 * Append "-- <prefix><text>" as comment lines: every line break of text
 * (an object's name may hold one) starts a new "-- " line, so nothing of
 * a name or a definition ever leaves the comment and runs as SQL.
 */
static void
append_comment(StringInfo buf, const char *prefix, const char *text)
{
	appendStringInfo(buf, "-- %s", prefix);
	for (const char *p = text; *p; p++)
	{
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n' || *p == '\r')
			appendStringInfoString(buf, "\n-- ");
		else
			appendStringInfoChar(buf, *p);
	}
	appendStringInfoChar(buf, '\n');
}

/* The same as a string */
static char *
comment_text(const char *prefix, const char *text)
{
	StringInfoData buf;

	initStringInfo(&buf);
	append_comment(&buf, prefix, text);
	return buf.data;
}

static void
add_step(Diff *d, Phase phase, int64 order, const char *label,
		 const char *review, char *sql)
{
	Step	   *s = palloc(sizeof(Step));
	StringInfoData buf;

	initStringInfo(&buf);
	append_comment(&buf, "", label);
	if (review)
	{
		append_comment(&buf, "REVIEW: ", review);
		d->review = lappend(d->review, psprintf("%s: %s", label, review));
	}
	appendStringInfoString(&buf, sql);
	s->label = label;
	s->phase = phase;
	s->order = order;
	s->seq = list_length(d->steps);
	s->text = buf.data;
	d->steps = lappend(d->steps, s);
}

static int
cmp_step(const ListCell *a, const ListCell *b)
{
	const Step *x = lfirst(a);
	const Step *y = lfirst(b);

	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ----------------------------------------------------------------
 * Looking objects up, and taking identities apart
 * ----------------------------------------------------------------
 */

static int
cmp_key(const char *kind, const char *identity, const ModelObject *o)
{
	int			c = strcmp(kind, o->kind);

	return c ? c : strcmp(identity, o->identity);
}

/*
 * The first object of a kind whose identity is at least "from": objects of
 * one table ("t.col", "t con") sort together after it, so a walk from here
 * finds them without a scan of the whole model.
 */
static int
lower_bound(SchemaModel *m, const char *kind, const char *from)
{
	int			lo = 0;
	int			hi = m->n;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (cmp_key(kind, from, &m->objects[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* "a.b c" -> "a.b" and "c" (trigger, policy, constraint identities) */
static void
split_at(const char *identity, char c, char **head, char **tail)
{
	int			at = migrate_last_unquoted(identity, c);

	if (at < 0)
	{
		*head = pstrdup("");
		*tail = pstrdup(identity);
		return;
	}
	*head = pnstrdup(identity, at);
	*tail = pstrdup(identity + at + 1);
}

/* Whether a relation's objects go with it: its table is removed */
static bool
table_removed(Diff *d, const char *table)
{
	return model_find(d->from, "table", table) != NULL &&
		model_find(d->to, "table", table) == NULL;
}

/*
 * Whether the function a trigger's definition executes ("... EXECUTE
 * FUNCTION public.f('arg')") is removed.  A trigger function takes no
 * parameters, so its identity is its name and "()".
 */
static bool
trigger_function_removed(Diff *d, const char *definition)
{
	const char *p = strstr(definition, " EXECUTE FUNCTION ");
	const char *paren;
	char	   *fn;

	if (p == NULL)
		return false;
	p += strlen(" EXECUTE FUNCTION ");
	paren = strchr(p, '(');
	if (paren == NULL)
		return false;
	fn = psprintf("%.*s()", (int) (paren - p), p);
	return model_find(d->from, "function", fn) != NULL && model_find(d->to, "function", fn) == NULL;
}

static bool
table_added(Diff *d, const char *table)
{
	return model_find(d->to, "table", table) != NULL &&
		model_find(d->from, "table", table) == NULL;
}

/* The kinds an object label ("<kind> <identity>") may start with */
static const char *const label_kinds[] = {
	"materialized view", "composite type", "table", "view", "sequence",
	"index", "column", "function", "procedure", "aggregate", "schema", "extension",
	"enum", "domain", "range", "trigger", "policy", "rule", "constraint",
	"collation", "event trigger", "publication", "statistics", NULL
};

/* Split a comment's or privileges' label into the model kind and identity */
static bool
split_label(const char *label, const char **kind, const char **identity)
{
	for (int i = 0; label_kinds[i]; i++)
	{
		size_t		len = strlen(label_kinds[i]);

		if (strncmp(label, label_kinds[i], len) == 0 && label[len] == ' ')
		{
			*kind = label_kinds[i];
			*identity = label + len + 1;
			return true;
		}
	}
	return false;
}

/*
 * The constraint whose index an index label names, or NULL: a key or an
 * exclusion constraint's index has the constraint's name, in the table's
 * schema, and only the constraint is in the model.
 */
static ModelObject *
index_constraint(SchemaModel *m, const char *index)
{
	char	   *schema;
	char	   *name;
	char	   *prefix;
	size_t		len;

	split_at(index, '.', &schema, &name);
	prefix = psprintf("%s.", schema);
	len = strlen(prefix);
	for (int i = lower_bound(m, "constraint", prefix); i < m->n; i++)
	{
		ModelObject *o = &m->objects[i];
		char	   *table;
		char	   *con;

		if (o->kindid != KIND_CONSTRAINT || strncmp(o->identity, prefix, len) != 0)
			break;
		split_at(o->identity, ' ', &table, &con);
		if (strcmp(con, name) == 0 && strncmp(o->definition, "CHECK", 5) != 0 &&
			strncmp(o->definition, "FOREIGN KEY", 11) != 0)
			return o;
	}
	return NULL;
}

/* Whether the object a label names exists in a model */
static bool
label_exists(SchemaModel *m, const char *label)
{
	const char *kind;
	const char *identity;
	char	   *owner;
	char	   *name;

	ObjKind		k;

	if (!split_label(label, &kind, &identity))
		return false;
	k = model_kind(kind);
	switch (k)
	{
		case KIND_COLUMN:
			/* a column of a table, or of a view or a composite type */
			split_at(identity, '.', &owner, &name);
			return model_find(m, kind, identity) != NULL ||
				model_find(m, "view", owner) != NULL ||
				model_find(m, "materialized view", owner) != NULL ||
				model_find(m, "composite type", owner) != NULL;
		case KIND_INDEX:
			return model_find(m, kind, identity) != NULL ||
				index_constraint(m, identity) != NULL;
		case KIND_CONSTRAINT:
			/* a domain's constraints are part of the domain */
			split_at(identity, ' ', &owner, &name);
			return model_find(m, "constraint", identity) != NULL ||
				model_find(m, "domain", owner) != NULL;
		default:
			return model_find(m, kind, identity) != NULL;
	}
}

/* Remember that the script drops an object and creates it again */
static void
recreated(Diff *d, const char *kind, const char *identity)
{
	d->recreated = lappend(d->recreated, psprintf("%s %s", kind, identity));
}

/*
 * Whether the object a comment or privileges label names is dropped and
 * created again: the object itself, or the view, composite type or domain
 * it is part of.  Its comment and privileges are then set from scratch.
 */
static bool
on_recreated(Diff *d, const char *label)
{
	const char *kind;
	const char *identity;
	char	   *owner;
	char	   *name;

	if (d->recreated == NIL)
		return false;
	if (migrate_list_has(d->recreated, label))
		return true;
	if (!split_label(label, &kind, &identity))
		return false;
	switch (model_kind(kind))
	{
		case KIND_COLUMN:
			split_at(identity, '.', &owner, &name);
			return migrate_list_has(d->recreated, psprintf("view %s", owner)) ||
				migrate_list_has(d->recreated, psprintf("materialized view %s", owner)) ||
				migrate_list_has(d->recreated, psprintf("composite type %s", owner));
		case KIND_CONSTRAINT:
			split_at(identity, ' ', &owner, &name);
			return migrate_list_has(d->recreated, psprintf("domain %s", owner));
		default:
			return false;
	}
}

/* The definition without its last line ("owner ...") if it has one */
static char *
strip_suffix(const char *s, const char *suffix)
{
	size_t		len = strlen(s);
	size_t		slen = strlen(suffix);

	if (len >= slen && strcmp(s + len - slen, suffix) == 0)
		return pnstrdup(s, len - slen);
	return pstrdup(s);
}

/* ----------------------------------------------------------------
 * Tables and columns
 * ----------------------------------------------------------------
 */

static bool
streq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* A sequence's options without "AS type": what an identity column takes */
static const char *
identity_options(const char *seqparams)
{
	const char *p = strstr(seqparams, " START WITH ");

	return p ? p + 1 : seqparams;
}

/* The identity sequence of a column of the target model, or NULL */
static ModelObject *
identity_sequence(Diff *d, const char *column)
{
	for (int i = lower_bound(d->to, "sequence", ""); i < d->to->n; i++)
	{
		ModelObject *o = &d->to->objects[i];

		if (o->kindid != KIND_SEQUENCE)
			break;
		if (o->detail && o->detail->seq_identity && streq(o->detail->owned_by, column))
			return o;
	}
	return NULL;
}

/*
 * The options of a column's identity sequence, or NULL when they are what
 * GENERATED ... AS IDENTITY gives by itself.
 */
static const char *
identity_clause(Diff *d, ModelObject *c)
{
	ModelObject *seq = identity_sequence(d, c->identity);
	const char *options;
	const char *max;

	if (seq == NULL)
		return NULL;
	options = identity_options(seq->detail->seqparams);
	max = c->detail->typid == INT2OID ? "32767" :
		c->detail->typid == INT4OID ? "2147483647" : "9223372036854775807";
	if (strcmp(options, psprintf("START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE %s CACHE 1 NO CYCLE",
								 max)) == 0)
		return NULL;
	return options;
}

/*
 * A column's definition as DDL writes it: without its statistics target,
 * which takes a statement of its own, and with its identity sequence's
 * options.
 */
static char *
column_def(Diff *d, ModelObject *c)
{
	const char *options;
	char	   *def = c->definition;

	if (c->detail->stattarget >= 0)
		def = strip_suffix(def, psprintf(" statistics %d", c->detail->stattarget));
	if (!c->detail->identity || (options = identity_clause(d, c)) == NULL)
		return def;
	return psprintf("%s (%s)", def, options);
}

/* ----------------------------------------------------------------
 * Sequences
 * ----------------------------------------------------------------
 */

/* A sequence's options, read back from what the model wrote */
typedef struct SeqOptions
{
	char	   *type;			/* smallint, integer or bigint */
	int64		start;
	int64		increment;
	int64		min;
	int64		max;
} SeqOptions;

/* The number after key in a sequence's options */
static int64
seq_number(const char *params, const char *key)
{
	const char *p = strstr(params, key);

	return p ? strtoi64(p + strlen(key), NULL, 10) : 0;
}

/* "AS bigint START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE ..." */
static void
seq_options(const char *params, SeqOptions *o)
{
	const char *type = strncmp(params, "AS ", 3) == 0 ? params + 3 : params;

	o->type = pnstrdup(type, strcspn(type, " "));
	o->start = seq_number(params, " START WITH ");
	o->increment = seq_number(params, " INCREMENT BY ");
	o->min = seq_number(params, " MINVALUE ");
	o->max = seq_number(params, " MAXVALUE ");
}

/* How wide a sequence type is: smallint 0, integer 1, bigint 2 */
static int
seq_type_rank(const char *type)
{
	return strcmp(type, "smallint") == 0 ? 0 : strcmp(type, "integer") == 0 ? 1 : 2;
}

/*
 * ALTER SEQUENCE from one set of options to another, in an order that
 * always applies.  ALTER SEQUENCE checks the sequence's current value
 * against the new bounds, and the current value is not in the model (it
 * differs from one database to the next): when the bounds narrow, a
 * sequence outside the new ones is first moved to the new START WITH by
 * setval(), which checks the bounds of the moment, so those are first
 * widened to hold both ranges if START WITH lies outside the old ones.
 * Below a raised start (MINVALUE counting up, MAXVALUE counting down), the
 * sequence has given out no value of the new range; past a lowered end it
 * has, and may give them out again: *review says so.  An identity's
 * sequence takes its type from its column, so AS is left out.
 */
static char *
sequence_options_sql(const char *id, const char *from, const char *to,
					 bool identity, const char **review)
{
	SeqOptions	x;
	SeqOptions	y;
	StringInfoData buf;

	seq_options(from, &x);
	seq_options(to, &y);
	initStringInfo(&buf);
	*review = NULL;
	if (y.min > x.min || y.max < x.max)
	{
		if (y.start < x.min || y.start > x.max)
		{
			bool		wider = seq_type_rank(y.type) > seq_type_rank(x.type) && !identity;

			appendStringInfo(&buf, "ALTER SEQUENCE %s%s%s MINVALUE " INT64_FORMAT
							 " MAXVALUE " INT64_FORMAT ";\n", id,
							 wider ? " AS " : "", wider ? y.type : "",
							 Min(x.min, y.min), Max(x.max, y.max));
		}
		appendStringInfo(&buf, "SELECT pg_catalog.setval(%s, " INT64_FORMAT
						 ", false) FROM %s WHERE ", quote_literal_cstr(id), y.start, id);
		if (y.min > x.min)
			appendStringInfo(&buf, "last_value < " INT64_FORMAT "%s", y.min,
							 y.max < x.max ? " OR " : "");
		if (y.max < x.max)
			appendStringInfo(&buf, "last_value > " INT64_FORMAT, y.max);
		appendStringInfoString(&buf, ";\n");
		if (y.increment > 0 ? y.max < x.max : y.min > x.min)
			*review = psprintf("a sequence already past its new %s restarts at START WITH, and may give out values it gave before",
							   y.increment > 0 ? "MAXVALUE" : "MINVALUE");
	}
	appendStringInfo(&buf, "ALTER SEQUENCE %s %s;\n", id,
					 identity ? identity_options(to) : to);
	return buf.data;
}

/* A name as SQL writes it ("x" or "X Y"), unquoted */
static char *
unquoted(const char *name)
{
	StringInfoData buf;

	if (name[0] != '"')
		return pstrdup(name);
	initStringInfo(&buf);
	for (const char *p = name + 1; *p; p++)
	{
		if (*p == '"' && p[1] == '"')
			p++;
		else if (*p == '"')
			break;
		appendStringInfoChar(&buf, *p);
	}
	return buf.data;
}

/*
 * The sequence of a column the script adds to an existing table, when the
 * two are what ADD COLUMN ... serial makes: the column's type, NOT NULL, a
 * default taking values from a new sequence named table_column_seq with the
 * type's whole range, owned by the column.  The column is then added as
 * serial, which also gives the sequence its table's owner (OWNED BY needs
 * it).  NULL otherwise.
 */
static ModelObject *
serial_sequence(Diff *d, ModelObject *c)
{
	ModelDetail *x = c->detail;
	char	   *schema;
	char	   *table;
	char	   *name;
	ModelObject *seq;
	const char *max;

	if (!x->notnull || x->dflt == NULL || x->identity || x->collation ||
		(x->typid != INT2OID && x->typid != INT4OID && x->typid != INT8OID) ||
		table_added(d, x->table) || model_find(d->from, "column", c->identity) != NULL)
		return NULL;
	split_at(x->table, '.', &schema, &table);
	name = psprintf("%s.%s", schema,
					quote_identifier(psprintf("%s_%s_seq", unquoted(table),
											  unquoted(x->column))));
	seq = model_find(d->to, "sequence", name);
	max = x->typid == INT2OID ? "32767" : x->typid == INT4OID ? "2147483647" :
		"9223372036854775807";
	if (seq == NULL || model_find(d->from, "sequence", name) != NULL ||
		!streq(seq->detail->owned_by, c->identity) ||
		strcmp(x->dflt, psprintf("nextval(%s::regclass)", quote_literal_cstr(name))) != 0 ||
		strcmp(seq->detail->seqparams,
			   psprintf("AS %s START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE %s CACHE 1 NO CYCLE",
						x->type, max)) != 0)
		return NULL;
	return seq;
}

static void
add_sequence(Diff *d, ModelObject *b)
{
	const char *id = b->identity;
	ModelObject *column;
	char	   *table;
	char	   *name;
	StringInfoData buf;

	if (b->detail->seq_identity)
		return;					/* comes with its column */
	column = b->detail->owned_by ? model_find(d->to, "column", b->detail->owned_by) : NULL;
	if (column != NULL && serial_sequence(d, column) == b)
		return;					/* comes with its serial column */
	/* first: a table's default may take values from it (pg_dump makes it later) */
	add_step(d, CREATE_SEQUENCE, b->detail->relid, psprintf("sequence %s: added", id),
			 NULL, psprintf("CREATE SEQUENCE %s %s;\n", id, b->detail->seqparams));
	if (b->detail->owned_by == NULL)
		return;
	/*
	 * OWNED BY wants the sequence and the table to have the same owner: a
	 * table the script does not create may have another than the role that
	 * runs it, and the sequence takes it.
	 */
	initStringInfo(&buf);
	split_at(b->detail->owned_by, '.', &table, &name);
	if (!table_added(d, table))
		appendStringInfo(&buf, "DO $owner$BEGIN EXECUTE pg_catalog.format('ALTER SEQUENCE %%s OWNER TO %%I', %s, (SELECT pg_catalog.pg_get_userbyid(relowner) FROM pg_catalog.pg_class WHERE oid = %s::pg_catalog.regclass)); END$owner$;\n",
						 quote_literal_cstr(id), quote_literal_cstr(table));
	appendStringInfo(&buf, "ALTER SEQUENCE %s OWNED BY %s;\n", id, b->detail->owned_by);
	add_step(d, SEQUENCE_OWNER, 0, psprintf("sequence %s: owned by %s", id, b->detail->owned_by),
			 NULL, buf.data);
}

/* Last: a dropped table's default may take values from it */
static void
drop_sequence(Diff *d, ModelObject *a, const char *label)
{
	add_step(d, DROP_SEQUENCE, -(int64) a->detail->relid, label, NULL,
			 psprintf("DROP SEQUENCE %s;\n", a->identity));
}

static void
remove_sequence(Diff *d, ModelObject *a)
{
	char	   *table;
	char	   *column;

	if (a->detail->seq_identity)
		return;					/* goes with its column's identity */
	/* an owned sequence goes with its column */
	if (a->detail->owned_by)
	{
		split_at(a->detail->owned_by, '.', &table, &column);
		if (table_removed(d, table) ||
			model_find(d->to, "column", a->detail->owned_by) == NULL)
			return;
	}
	drop_sequence(d, a, psprintf("sequence %s: removed", a->identity));
}

static void
alter_sequence(Diff *d, ModelObject *a, ModelObject *b)
{
	ModelDetail *x = a->detail;
	ModelDetail *y = b->detail;
	const char *id = b->identity;
	char	   *label = psprintf("sequence %s: changed", id);
	const char *review = NULL;
	StringInfoData buf;

	if (x->seq_identity != y->seq_identity)
	{
		/* serial to identity or back: one sequence goes, another comes */
		if (!x->seq_identity)
			drop_sequence(d, a, label);
		else
			add_sequence(d, b);
		recreated(d, "sequence", id);
		return;
	}
	if (y->seq_identity)
	{
		SeqOptions	xo;
		SeqOptions	yo;

		/*
		 * An identity's sequence takes its type from its column: when the
		 * column narrows, the new bounds go first, or ALTER COLUMN TYPE
		 * would find the old ones out of the new type's range.
		 */
		seq_options(x->seqparams, &xo);
		seq_options(y->seqparams, &yo);
		if (strcmp(x->seqparams, y->seqparams) != 0)
		{
			char	   *sql = sequence_options_sql(id, x->seqparams, y->seqparams,
												   true, &review);

			add_step(d, seq_type_rank(yo.type) < seq_type_rank(xo.type) ?
					 ALTER_TABLE : SEQUENCE_OWNER, 0, label, review, sql);
		}
		return;
	}
	initStringInfo(&buf);
	if (strcmp(x->seqparams, y->seqparams) != 0)
		appendStringInfoString(&buf, sequence_options_sql(id, x->seqparams, y->seqparams,
														  false, &review));
	if (!streq(x->owned_by, y->owned_by))
	{
		/* a column that goes would take its sequence with it: let go first */
		bool		released = x->owned_by != NULL &&
			model_find(d->to, "column", x->owned_by) == NULL;

		if (released)
			add_step(d, RELEASE_SEQUENCE, 0, psprintf("sequence %s: owned by none", id),
					 NULL, psprintf("ALTER SEQUENCE %s OWNED BY NONE;\n", id));
		if (y->owned_by || !released)
			appendStringInfo(&buf, "ALTER SEQUENCE %s OWNED BY %s;\n", id,
							 y->owned_by ? y->owned_by : "NONE");
	}
	if (buf.len > 0)
		add_step(d, SEQUENCE_OWNER, 0, label, review, buf.data);
}

/* "{a=1,b=2}" -> "a=1, b=2" */
static char *
options_list(const char *options)
{
	StringInfoData buf;
	const char *p = options;

	initStringInfo(&buf);
	if (*p == '{')
		p++;
	for (; *p && !(*p == '}' && p[1] == '\0'); p++)
	{
		if (*p == ',')
			appendStringInfoString(&buf, ", ");
		else
			appendStringInfoChar(&buf, *p);
	}
	return buf.data;
}

/* The option names of "{a=1,b=2}": "a, b" */
static char *
options_names(const char *options)
{
	StringInfoData buf;
	const char *p = options;
	bool		in_name = true;

	initStringInfo(&buf);
	if (*p == '{')
		p++;
	for (; *p && *p != '}'; p++)
	{
		if (*p == '=')
			in_name = false;
		else if (*p == ',')
		{
			appendStringInfoString(&buf, ", ");
			in_name = true;
		}
		else if (in_name)
			appendStringInfoChar(&buf, *p);
	}
	return buf.data;
}

static int
cmp_attnum(const ListCell *a, const ListCell *b)
{
	const ModelObject *x = lfirst(a);
	const ModelObject *y = lfirst(b);

	return x->detail->attnum - y->detail->attnum;
}

/* The columns of a table in a model, in attnum order */
static List *
table_columns(SchemaModel *m, const char *table)
{
	List	   *result = NIL;
	size_t		len = strlen(table);

	/* "table.column": they sort together, right after the table's name */
	for (int i = lower_bound(m, "column", psprintf("%s.", table)); i < m->n; i++)
	{
		ModelObject *o = &m->objects[i];

		if (o->kindid != KIND_COLUMN ||
			strncmp(o->identity, table, len) != 0 || o->identity[len] != '.')
			break;
		if (o->detail && strcmp(o->detail->table, table) == 0)
			result = lappend(result, o);
	}
	list_sort(result, cmp_attnum);
	return result;
}

/* Constraints that may go inside CREATE TABLE: foreign keys wait */
static bool
inline_constraint(const ModelObject *o)
{
	return strncmp(o->definition, "FOREIGN KEY", 11) != 0;
}

/* ... and so do constraints left NOT VALID, which CREATE TABLE validates */
static bool
inline_in_create(const ModelObject *o)
{
	size_t		len = strlen(o->definition);

	return inline_constraint(o) &&
		!(len > 10 && strcmp(o->definition + len - 10, " NOT VALID") == 0);
}

/*
 * A range's or aggregate's definition names its functions with their
 * argument types, for comparison; CREATE TYPE and CREATE AGGREGATE want the
 * names alone.  What follows a name directly in parentheses goes.
 */
static char *
range_ddl(const char *def)
{
	StringInfoData buf;
	const char *p = def;

	initStringInfo(&buf);
	while (*p)
	{
		if (*p == '(' && p > def && p[-1] != ' ' && p != strchr(def, '('))
		{
			/* an argument list: skip to its end */
			while (*p && *p != ')')
				p++;
			if (*p)
				p++;
			continue;
		}
		appendStringInfoChar(&buf, *p++);
	}
	return buf.data;
}

/* "a, b": a table's parents, qualified, as a list */
static List *
parent_list(const char *parents)
{
	List	   *result = NIL;
	bool		quoted = false;
	const char *start = parents;

	if (parents == NULL)
		return NIL;
	for (const char *p = parents;; p++)
	{
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '\0' || (*p == ',' && !quoted))
		{
			result = lappend(result, pnstrdup(start, p - start));
			if (*p == '\0')
				break;
			start = p + 1;
			while (*start == ' ')
				start++;
			p = start - 1;
		}
	}
	return result;
}

/* The parents a table has in a model */
static List *
table_parents(SchemaModel *m, const char *table)
{
	ModelObject *t = model_find(m, "table", table);

	return t && t->detail ? parent_list(t->detail->parents) : NIL;
}

/*
 * The parents a table keeps through the script: it has them before and
 * after, and never lets go of them in between.
 */
static List *
kept_parents(Diff *d, const char *table)
{
	List	   *after = table_parents(d->to, table);
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, table_parents(d->from, table))
		if (migrate_list_has(after, lfirst(lc)))
		result = lappend(result, lfirst(lc));
	return result;
}

/* The column of a table a parent has in a model, or NULL */
static ModelObject *
parent_column(SchemaModel *m, const char *parent, const char *column)
{
	return model_find(m, "column", psprintf("%s.%s", parent, column));
}

/*
 * The first of parents that has the column in model m, and in model also
 * too when that is not NULL, or NULL.
 */
static char *
column_parent(List *parents, SchemaModel *m, SchemaModel *also, const char *column)
{
	ListCell   *lc;

	foreach(lc, parents)
		if (parent_column(m, lfirst(lc), column) != NULL &&
			(also == NULL || parent_column(also, lfirst(lc), column) != NULL))
		return lfirst(lc);
	return NULL;
}

/*
 * Where a new table goes among the objects created: its OID, but after its
 * parents (a partition attached later was created before its parent).
 */
static int64
creation_order(Diff *d, ModelObject *o)
{
	int64		order = o->detail->relid;
	char	   *parents;
	char	   *head;
	char	   *tail;

	if (o->detail->parents == NULL)
		return order;
	/* "a, b": the parents, qualified */
	parents = pstrdup(o->detail->parents);
	for (;;)
	{
		ModelObject *p;

		split_at(parents, ',', &head, &tail);
		while (*tail == ' ')
			tail++;
		p = model_find(d->to, "table", tail);
		if (p && p != o && p->detail->relid >= order)
			order = creation_order(d, p) + 1;
		if (*head == '\0')
			break;
		parents = head;
	}
	return order;
}

/* ALTER COLUMN SET STATISTICS for a column that has a target, or "" */
static char *
statistics_sql(ModelDetail *c, bool only)
{
	if (c->stattarget < 0)
		return "";
	return psprintf("ALTER TABLE %s%s ALTER COLUMN %s SET STATISTICS %d;\n",
					only ? "ONLY " : "", c->table, c->column, c->stattarget);
}

/*
 * What a partition or an inheritance child has of its own on a column it
 * takes from its parent (a default, NOT NULL): CREATE TABLE copies the
 * parent's, and ALTER TABLE ONLY sets the child's.
 */
static void
own_column_settings(StringInfo buf, ModelObject *c, ModelObject *parent)
{
	ModelDetail *x = c->detail;
	const char *pdflt = parent ? parent->detail->dflt : NULL;
	bool		pnotnull = parent ? parent->detail->notnull : false;
	const char *alter = psprintf("ALTER TABLE ONLY %s ALTER COLUMN %s", x->table, x->column);

	if (!streq(x->dflt, pdflt))
		appendStringInfo(buf, x->dflt ? "%s SET DEFAULT %s;\n" : "%s DROP DEFAULT;\n",
						 alter, x->dflt);
	if (x->notnull && !pnotnull)
		appendStringInfo(buf, "%s SET NOT NULL;\n", alter);
}

static void
create_table(Diff *d, ModelObject *o)
{
	ModelDetail *t = o->detail;
	StringInfoData buf;
	List	   *columns = table_columns(d->to, o->identity);
	ListCell   *lc;
	bool		first = true;
	size_t		len = strlen(o->identity);
	int			start;

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE %sTABLE %s",
					 t->persistence == RELPERSISTENCE_UNLOGGED ? "UNLOGGED " :
					 t->relkind == RELKIND_FOREIGN_TABLE ? "FOREIGN " : "",
					 o->identity);
	if (t->partbound && t->parents)
		appendStringInfo(&buf, " PARTITION OF %s", t->parents);
	appendStringInfoString(&buf, " (");
	start = buf.len;
	foreach(lc, columns)
	{
		ModelObject *c = lfirst(lc);

		if (c->detail->inherited)
			continue;
		appendStringInfo(&buf, "%s\n    %s %s", first ? "" : ",",
						 c->detail->column, column_def(d, c));
		first = false;
	}
	/* its keys and checks: "table name" sorts right after the table */
	for (int i = lower_bound(d->to, "constraint", psprintf("%s ", o->identity));
		 i < d->to->n; i++)
	{
		ModelObject *c = &d->to->objects[i];
		char	   *table;
		char	   *name;

		if (c->kindid != KIND_CONSTRAINT ||
			strncmp(c->identity, o->identity, len) != 0 || c->identity[len] != ' ')
			break;
		if (!inline_in_create(c))
			continue;
		split_at(c->identity, ' ', &table, &name);
		if (strcmp(table, o->identity) != 0)
			continue;
		appendStringInfo(&buf, "%s\n    CONSTRAINT %s %s", first ? "" : ",",
						 name, c->definition);
		first = false;
	}
	if (first && t->partbound && t->parents)
		buf.len = start - 2;	/* PARTITION OF takes no empty list */
	else
		appendStringInfoString(&buf, first ? ")" : "\n)");
	buf.data[buf.len] = '\0';
	if (t->partbound && t->parents)
		appendStringInfo(&buf, " %s", t->partbound);
	else if (t->parents)
		appendStringInfo(&buf, " INHERITS (%s)", t->parents);
	if (t->partkey)
		appendStringInfo(&buf, " PARTITION BY %s", t->partkey);
	if (t->server)
		appendStringInfo(&buf, " %s", t->server);
	if (t->options)
		appendStringInfo(&buf, " WITH (%s)", options_list(t->options));
	appendStringInfoString(&buf, ";\n");
	if (t->rls)
		appendStringInfo(&buf, "ALTER TABLE %s ENABLE ROW LEVEL SECURITY;\n", o->identity);
	if (t->rls_forced)
		appendStringInfo(&buf, "ALTER TABLE %s FORCE ROW LEVEL SECURITY;\n", o->identity);
	add_step(d, CREATE_OBJECT, creation_order(d, o), psprintf("table %s: added", o->identity),
			 NULL, buf.data);

	/*
	 * What its columns have of their own, once its parents' columns are
	 * altered (which alters a child's too): what it takes from its parents
	 * differently, statistics targets (which CREATE TABLE does not copy)
	 */
	resetStringInfo(&buf);
	foreach(lc, columns)
	{
		ModelObject *c = lfirst(lc);

		if (c->detail->inherited)
		{
			char	   *parent = column_parent(parent_list(t->parents), d->to, NULL,
											   c->detail->column);

			own_column_settings(&buf, c, parent ?
								parent_column(d->to, parent, c->detail->column) : NULL);
		}
		appendStringInfoString(&buf, statistics_sql(c->detail, true));
	}
	if (buf.len > 0)
		add_step(d, ALTER_COLUMN, 1, psprintf("table %s: its columns' own settings", o->identity),
				 NULL, buf.data);
	if (t->cluster)
		add_step(d, CLUSTER_ON, 0, psprintf("table %s: clustered on %s", o->identity, t->cluster),
				 NULL, psprintf("ALTER TABLE %s CLUSTER ON %s;\n", o->identity, t->cluster));
}


/*
 * The CHECK constraints a table passes on to its children, its parents'
 * included, in model m: all of them, or (standing) those that stand when
 * the children's INHERIT runs, after the script's drops and before its
 * adds.
 */
static List *
inherited_checks(Diff *d, SchemaModel *m, const char *table, bool standing)
{
	List	   *result = NIL;
	size_t		len = strlen(table);
	ListCell   *lc;

	for (int i = lower_bound(m, "constraint", psprintf("%s ", table)); i < m->n; i++)
	{
		ModelObject *c = &m->objects[i];
		ModelObject *old;

		if (c->kindid != KIND_CONSTRAINT || strncmp(c->identity, table, len) != 0 ||
			c->identity[len] != ' ')
			break;
		if (migrate_last_unquoted(c->identity, ' ') != len ||
			strncmp(c->definition, "CHECK", 5) != 0 ||
			strstr(c->definition, " NO INHERIT") != NULL)
			continue;
		old = standing ? model_find(d->from, "constraint", c->identity) : NULL;
		if (!standing ||
			(old != NULL && strcmp(old->definition, c->definition) == 0) ||
			(old == NULL && table_added(d, table) && inline_in_create(c)))
			result = lappend(result, c);
	}
	foreach(lc, table_parents(m, table))
		result = list_concat(result, inherited_checks(d, m, lfirst(lc), standing));
	return result;
}

/* The name of a constraint, from its identity ("table name") */
static char *
constraint_name(ModelObject *c)
{
	char	   *table;
	char	   *name;

	split_at(c->identity, ' ', &table, &name);
	return name;
}

/* Whether one of checks has the name */
static bool
has_check(List *checks, const char *name)
{
	ListCell   *lc;

	foreach(lc, checks)
		if (strcmp(constraint_name(lfirst(lc)), name) == 0)
		return true;
	return false;
}

/*
 * A table that inherits from other parents than before (not a partition):
 * ALTER TABLE ... NO INHERIT, before the drops, then the CHECK constraints
 * that stay behind dropped; ALTER TABLE ... INHERIT after the columns are
 * added (a child must have every column of its parent), the parent's CHECK
 * constraints (and every one it inherits) added first.  What the child has
 * through a parent it keeps stays.  The columns a child keeps or takes are
 * the columns' own changes.
 */
static void
change_parents(Diff *d, ModelObject *a, ModelObject *b)
{
	List	   *before = parent_list(a->detail->parents);
	List	   *after = parent_list(b->detail->parents);
	List	   *kept_from = NIL;
	List	   *kept_to = NIL;
	const char *name = b->identity;
	ListCell   *lc;
	ListCell   *lk;

	foreach(lc, after)
	{
		if (!migrate_list_has(before, lfirst(lc)))
			continue;
		kept_from = list_concat(kept_from, inherited_checks(d, d->from, lfirst(lc), false));
		kept_to = list_concat(kept_to, inherited_checks(d, d->to, lfirst(lc), true));
	}
	foreach(lc, before)
	{
		char	   *parent = lfirst(lc);
		StringInfoData buf;

		if (migrate_list_has(after, parent))
			continue;
		initStringInfo(&buf);
		appendStringInfo(&buf, "ALTER TABLE %s NO INHERIT %s;\n", name, parent);
		foreach(lk, inherited_checks(d, d->from, parent, false))
		{
			char	   *check = constraint_name(lfirst(lk));

			if (!has_check(kept_from, check))
				appendStringInfo(&buf, "ALTER TABLE %s DROP CONSTRAINT %s;\n", name, check);
		}
		add_step(d, NO_INHERIT, 0, psprintf("table %s: no longer inherits from %s", name, parent),
				 NULL, buf.data);
	}
	foreach(lc, after)
	{
		char	   *parent = lfirst(lc);
		StringInfoData buf;

		if (migrate_list_has(before, parent))
			continue;
		initStringInfo(&buf);
		foreach(lk, inherited_checks(d, d->to, parent, true))
		{
			ModelObject *c = lfirst(lk);

			if (!has_check(kept_to, constraint_name(c)))
				appendStringInfo(&buf, "ALTER TABLE %s ADD CONSTRAINT %s %s;\n", name,
								 constraint_name(c), c->definition);
		}
		appendStringInfo(&buf, "ALTER TABLE %s INHERIT %s;\n", name, parent);
		add_step(d, INHERIT, 0, psprintf("table %s: inherits from %s", name, parent),
				 NULL, buf.data);
	}
}

static void
alter_table(Diff *d, ModelObject *a, ModelObject *b)
{
	ModelDetail *x = a->detail;
	ModelDetail *y = b->detail;
	StringInfoData buf;
	const char *review = NULL;
	const char *name = a->identity;

	initStringInfo(&buf);
	if (x->relkind == y->relkind && streq(x->server, y->server) &&
		streq(x->partkey, y->partkey) &&
		(!streq(x->partbound, y->partbound) || !streq(x->parents, y->parents)) &&
		(x->partbound != NULL || x->parents == NULL) &&
		(y->partbound != NULL || y->parents == NULL))
	{
		/*
		 * A partition detached, attached, or given new bounds: detached
		 * before the drops, attached once its columns are its parent's.
		 */
		if (x->partbound != NULL)
			add_step(d, NO_INHERIT, 0, psprintf("table %s: detached from %s", name, x->parents),
					 NULL, psprintf("ALTER TABLE %s DETACH PARTITION %s;\n", x->parents, name));
		if (y->partbound != NULL)
			add_step(d, INHERIT, 0, psprintf("table %s: attached to %s", name, y->parents),
					 "ATTACH PARTITION scans the partition to check that its rows fit its bounds, and the default partition for rows that now belong to it: a row that does not fit stops it",
					 psprintf("ALTER TABLE %s ATTACH PARTITION %s %s;\n", y->parents, name,
							  y->partbound));
	}
	else if (x->relkind != y->relkind || !streq(x->server, y->server) ||
		!streq(x->partkey, y->partkey) || !streq(x->partbound, y->partbound) ||
		(!streq(x->parents, y->parents) && (x->partbound || y->partbound)))
	{
		review = "its kind, server or partitioning changed: that takes a new table and moving the rows, by hand";
		append_comment(&buf, "was: ", a->definition);
		append_comment(&buf, "now: ", b->definition);
	}
	else if (!streq(x->parents, y->parents))
		change_parents(d, a, b);
	if (!streq(x->cluster, y->cluster))
		add_step(d, CLUSTER_ON, 0, psprintf("table %s: clustered on %s", name,
											y->cluster ? y->cluster : "nothing"), NULL,
				 y->cluster ? psprintf("ALTER TABLE %s CLUSTER ON %s;\n", name, y->cluster) :
				 psprintf("ALTER TABLE %s SET WITHOUT CLUSTER;\n", name));
	if (x->persistence != y->persistence)
		appendStringInfo(&buf, "ALTER TABLE %s SET %s;\n", name,
						 y->persistence == RELPERSISTENCE_UNLOGGED ? "UNLOGGED" : "LOGGED");
	if (x->rls != y->rls)
		appendStringInfo(&buf, "ALTER TABLE %s %s ROW LEVEL SECURITY;\n", name,
						 y->rls ? "ENABLE" : "DISABLE");
	if (x->rls_forced != y->rls_forced)
		appendStringInfo(&buf, "ALTER TABLE %s %s ROW LEVEL SECURITY;\n", name,
						 y->rls_forced ? "FORCE" : "NO FORCE");
	if (!streq(x->options, y->options))
	{
		if (x->options)
			appendStringInfo(&buf, "ALTER TABLE %s RESET (%s);\n", name,
							 options_names(x->options));
		if (y->options)
			appendStringInfo(&buf, "ALTER TABLE %s SET (%s);\n", name,
							 options_list(y->options));
	}
	if (buf.len == 0)
		return;
	add_step(d, ALTER_TABLE, y->relid, psprintf("table %s: changed", name),
			 review, buf.data);
}

/*
 * Why a column's type change needs a look, or NULL when it cannot lose or
 * refuse data: the same type with a wider or no modifier, or a binary
 * coercible built-in type.
 */
static const char *
type_change_review(ModelDetail *x, ModelDetail *y)
{
	Oid			funcid;

	/* a type the migration creates has no OID here yet */
	if (!OidIsValid(x->typid) || !OidIsValid(y->typid))
		return "the new type is created by the migration: check that every value converts";
	if (x->typid == y->typid &&
		(y->typmod == -1 || (x->typmod != -1 && y->typmod >= x->typmod &&
							 x->typid != NUMERICOID)))
		return NULL;
	if (x->typid < FirstNormalObjectId && y->typid < FirstNormalObjectId)
	{
		if (x->typid != y->typid && IsBinaryCoercible(x->typid, y->typid) &&
			y->typmod == -1)
			return NULL;
		if (find_coercion_pathway(y->typid, x->typid, COERCION_EXPLICIT,
								  &funcid) == COERCION_PATH_NONE)
			return "no cast from the old type to the new one: the USING clause converts through another type; check that every value converts as it should";
		if (find_coercion_pathway(y->typid, x->typid, COERCION_ASSIGNMENT,
								  &funcid) == COERCION_PATH_NONE)
			return "no assignment cast from the old type to the new one: the USING clause casts explicitly; check that every value converts";
	}
	return "the type change rewrites the table, and existing values may not convert: check them or add a USING clause";
}

/*
 * The USING expression ALTER COLUMN TYPE needs, or NULL when an assignment
 * cast converts the values: an explicit cast when there is one; else (for
 * boolean to numeric, say) two, through a built-in type both sides cast to
 * and from by a function, *via; text at the last, whose input function then
 * judges each value.  Types of the desired state other than built-in ones
 * are gone when this runs: those get an explicit cast.
 */
static char *
using_expression(ModelDetail *x, ModelDetail *y, const char **via)
{
	static const Oid between[] = {INT4OID, INT8OID, NUMERICOID, FLOAT8OID};
	Oid			funcid;

	*via = NULL;
	/* a type the migration creates has no OID here yet: cast explicitly */
	if (!OidIsValid(x->typid) || !OidIsValid(y->typid))
		return psprintf("%s::%s", y->column, y->type);
	if (x->typid == y->typid ||
		find_coercion_pathway(y->typid, x->typid, COERCION_ASSIGNMENT,
							  &funcid) != COERCION_PATH_NONE)
		return NULL;
	if (x->typid >= FirstNormalObjectId || y->typid >= FirstNormalObjectId ||
		find_coercion_pathway(y->typid, x->typid, COERCION_EXPLICIT,
							  &funcid) != COERCION_PATH_NONE)
		return psprintf("%s::%s", y->column, y->type);
	*via = "text";
	for (int i = 0; i < lengthof(between); i++)
	{
		CoercionPathType in = find_coercion_pathway(between[i], x->typid,
													COERCION_EXPLICIT, &funcid);
		CoercionPathType out = find_coercion_pathway(y->typid, between[i],
													 COERCION_EXPLICIT, &funcid);

		if (in != COERCION_PATH_NONE && in != COERCION_PATH_COERCEVIAIO &&
			out != COERCION_PATH_NONE && out != COERCION_PATH_COERCEVIAIO)
		{
			*via = format_type_be(between[i]);
			break;
		}
	}
	return psprintf("%s::%s::%s", y->column, *via, y->type);
}


static void
add_column(Diff *d, ModelObject *o)
{
	ModelDetail *c = o->detail;
	const char *review = NULL;

	if (c->notnull && c->dflt == NULL && c->identity == '\0' && c->generated == NULL)
		review = "a NOT NULL column without a default cannot be added to a table that has rows";
	add_step(d, ALTER_COLUMN, 0, psprintf("column %s: added", o->identity), review,
			 psprintf("ALTER TABLE %s ADD COLUMN %s %s;\n%s", c->table, c->column,
					  serial_sequence(d, o) == NULL ? column_def(d, o) :
					  c->typid == INT2OID ? "smallserial" :
					  c->typid == INT4OID ? "serial" : "bigserial",
					  statistics_sql(c, false)));
}

/*
 * A column a parent's ADD COLUMN gives a table: what the child has of its
 * own on it, set after (order 1).
 */
static void
add_inherited_column(Diff *d, ModelObject *o, ModelObject *parent)
{
	StringInfoData buf;

	initStringInfo(&buf);
	own_column_settings(&buf, o, parent);
	if (o->detail->stattarget != parent->detail->stattarget)
		appendStringInfo(&buf, "ALTER TABLE ONLY %s ALTER COLUMN %s SET STATISTICS %d;\n",
						 o->detail->table, o->detail->column, o->detail->stattarget);
	if (buf.len > 0)
		add_step(d, ALTER_COLUMN, 1, psprintf("column %s: its own settings", o->identity),
				 NULL, buf.data);
}

/*
 * A column dropped, the newest first; after the drops of its parents'
 * columns, when it has parents: a column a child had of its own too stays
 * when the parent's goes.
 */
static void
drop_column(Diff *d, ModelObject *o)
{
	ModelDetail *c = o->detail;

	/* newest first within a table: a generated column before what it reads */
	add_step(d, DROP_COLUMN, (c->inhcount > 0 ? 100000 : 0) - c->attnum,
			 psprintf("column %s: removed", o->identity),
			 "dropping a column loses its data",
			 psprintf("ALTER TABLE %s DROP COLUMN %s;\n", c->table, c->column));
}

/*
 * A column a table takes from a parent before and after: its type follows
 * the parent's, and so do its default, NOT NULL and statistics target,
 * which the parent's ALTER COLUMN sets on the children too.  Where the
 * child's own differ from what that leaves, ALTER TABLE ONLY sets them,
 * after the parent's (order 1).
 */
static void
alter_inherited_column(Diff *d, ModelObject *a, ModelObject *b)
{
	ModelDetail *x = a->detail;
	ModelDetail *y = b->detail;
	char	   *parent = column_parent(kept_parents(d, y->table), d->from, d->to,
									   y->column);
	ModelDetail *px = parent ? parent_column(d->from, parent, y->column)->detail : NULL;
	ModelDetail *py = parent ? parent_column(d->to, parent, y->column)->detail : NULL;
	const char *dflt = x->dflt;
	bool		notnull = x->notnull;
	int			stattarget = x->stattarget;
	const char *alter = psprintf("ALTER TABLE ONLY %s ALTER COLUMN %s", y->table, y->column);
	StringInfoData buf;

	/* what the parent's statements leave */
	if (px && (!streq(px->dflt, py->dflt) || !streq(px->type, py->type) ||
			   !streq(px->collation, py->collation)))
		dflt = py->dflt;
	if (px && px->notnull != py->notnull)
		notnull = py->notnull;
	if (px && px->stattarget != py->stattarget)
		stattarget = py->stattarget;

	initStringInfo(&buf);
	if (!streq(dflt, y->dflt))
		appendStringInfo(&buf, y->dflt ? "%s SET DEFAULT %s;\n" : "%s DROP DEFAULT;\n",
						 alter, y->dflt);
	if (notnull != y->notnull)
		appendStringInfo(&buf, "%s %s NOT NULL;\n", alter, y->notnull ? "SET" : "DROP");
	if (stattarget != y->stattarget)
		appendStringInfo(&buf, "%s SET STATISTICS %d;\n", alter, y->stattarget);
	if (buf.len > 0)
		add_step(d, ALTER_COLUMN, 1, psprintf("column %s: changed", b->identity),
				 NULL, buf.data);
}

/* A column's type without its modifier and array marks: "public.mood" */
static char *
type_base(const char *type)
{
	size_t		len = strlen(type);

	while (len >= 2 && strncmp(type + len - 2, "[]", 2) == 0)
		len -= 2;
	if (len > 0 && type[len - 1] == ')')
	{
		const char *open = memchr(type, '(', len);

		if (open != NULL)
			len = open - type;
	}
	return pnstrdup(type, len);
}

/* Whether a model has a type of its own (enum, domain, ...) by that name */
static bool
model_has_type(SchemaModel *m, const char *name)
{
	static const char *const kinds[] = {"enum", "domain", "composite type", "range"};

	for (int i = 0; i < lengthof(kinds); i++)
		if (model_find(m, kinds[i], name) != NULL)
			return true;
	return false;
}

/*
 * Whether a column's type (or collation) is one the script drops (from's,
 * not to's): a type of the model, or of an extension the script drops
 */
static bool
type_dropped(ModelDetail *c, SchemaModel *from, SchemaModel *to)
{
	char	   *base = type_base(c->type);

	if (c->collation != NULL && model_find(from, "collation", c->collation) != NULL &&
		model_find(to, "collation", c->collation) == NULL)
		return true;
	if (model_has_type(from, base))
		return !model_has_type(to, base);
	return c->typext != NULL && model_find(from, "extension", c->typext) != NULL &&
		model_find(to, "extension", c->typext) == NULL;
}

static void
alter_column(Diff *d, ModelObject *a, ModelObject *b)
{
	ModelDetail *x = a->detail;
	ModelDetail *y = b->detail;
	StringInfoData buf;
	const char *review = NULL;
	const char *alter = psprintf("ALTER TABLE %s ALTER COLUMN %s", y->table, y->column);
	bool		retype = !streq(x->type, y->type) || !streq(x->collation, y->collation);
	bool		redefault = !streq(x->dflt, y->dflt);
	const char *using;
	const char *via;

	if (x->inhcount > 0 && y->inhcount > 0)
	{
		alter_inherited_column(d, a, b);
		return;
	}
	initStringInfo(&buf);
	if (!streq(x->generated, y->generated))
	{
		/* a generation expression cannot be altered: drop and add */
		review = "a generated column's expression cannot change in place: the column is dropped and added again, and its data recomputed";
		appendStringInfo(&buf, "ALTER TABLE %s DROP COLUMN %s;\n", y->table, y->column);
		appendStringInfo(&buf, "ALTER TABLE %s ADD COLUMN %s %s;\n%s", y->table,
						 y->column, column_def(d, b), statistics_sql(y, false));
		add_step(d, ALTER_COLUMN, 0, psprintf("column %s: changed", b->identity),
				 review, buf.data);
		recreated(d, "column", b->identity);
		return;
	}
	/*
	 * What goes first, before sequences are dropped: a serial's default
	 * names its sequence, and an identity column's sequence goes with it.
	 */
	if ((x->identity && !y->identity) || (x->dflt && (redefault || retype)))
	{
		StringInfoData first;

		initStringInfo(&first);
		if (x->identity && !y->identity)
			appendStringInfo(&first, "%s DROP IDENTITY;\n", alter);
		if (x->dflt && (redefault || retype))
			appendStringInfo(&first, "%s DROP DEFAULT;\n", alter);
		add_step(d, DROP_DEFAULT, 0, psprintf("column %s: changed", b->identity),
				 NULL, first.data);
	}
	if (x->identity && y->identity && x->identity != y->identity)
		appendStringInfo(&buf, "%s SET GENERATED %s;\n", alter,
						 y->identity == ATTRIBUTE_IDENTITY_ALWAYS ? "ALWAYS" : "BY DEFAULT");
	if (retype)
	{
		StringInfoData type;

		initStringInfo(&type);
		review = type_change_review(x, y);
		appendStringInfo(&type, "%s TYPE %s", alter, y->type);
		if (y->collation)
			appendStringInfo(&type, " COLLATE %s", y->collation);
		if ((using = using_expression(x, y, &via)) != NULL)
			appendStringInfo(&type, " USING %s", using);
		appendStringInfoString(&type, ";\n");

		/*
		 * Off a type (or collation) the script drops, onto one that is
		 * there already: before the drop, which the column would stop.
		 */
		if (type_dropped(x, d->from, d->to) && !type_dropped(y, d->to, d->from))
		{
			add_step(d, RETYPE_COLUMN, 0, psprintf("column %s: changed", b->identity),
					 review, type.data);
			review = NULL;
		}
		else
			appendStringInfoString(&buf, type.data);
	}
	if (y->dflt && (redefault || retype))
		appendStringInfo(&buf, "%s SET DEFAULT %s;\n", alter, y->dflt);
	if (x->notnull != y->notnull)
	{
		appendStringInfo(&buf, "%s %s NOT NULL;\n", alter, y->notnull ? "SET" : "DROP");
		if (y->notnull && review == NULL)
			review = "SET NOT NULL fails if a row holds NULL in the column: fill those rows first";
	}
	if (x->stattarget != y->stattarget)
		appendStringInfo(&buf, "%s SET STATISTICS %d;\n", alter, y->stattarget);
	if (!x->identity && y->identity)
	{
		const char *options = identity_clause(d, b);

		appendStringInfo(&buf, "%s ADD GENERATED %s AS IDENTITY", alter,
						 y->identity == ATTRIBUTE_IDENTITY_ALWAYS ? "ALWAYS" : "BY DEFAULT");
		if (options)
			appendStringInfo(&buf, " (%s)", options);
		appendStringInfoString(&buf, ";\n");
	}
	if (buf.len == 0)
		return;
	add_step(d, ALTER_COLUMN, 0, psprintf("column %s: changed", b->identity),
			 review, buf.data);
}

/* ----------------------------------------------------------------
 * Enums and domains: changed in place where PostgreSQL can
 * ----------------------------------------------------------------
 */

/* The labels of "ENUM ('a', 'b')", as literals */
static List *
enum_labels(const char *def)
{
	List	   *labels = NIL;
	const char *p = strchr(def, '(');

	while (p && *p)
	{
		const char *start = strchr(p, '\'');
		const char *q;

		if (start == NULL)
			break;
		for (q = start + 1; *q; q++)
		{
			if (*q == '\'' && q[1] == '\'')
				q++;
			else if (*q == '\'')
				break;
		}
		labels = lappend(labels, pnstrdup(start, q - start + 1));
		p = *q ? q + 1 : q;
	}
	return labels;
}

static bool
same_strings(List *a, List *b)
{
	ListCell   *la;
	ListCell   *lb;

	if (list_length(a) != list_length(b))
		return false;
	forboth(la, a, lb, b)
		if (strcmp(lfirst(la), lfirst(lb)) != 0)
		return false;
	return true;
}

/*
 * A type or collation that cannot change in place (an enum that loses or
 * reorders values, a domain on another base type, a collation with other
 * settings): the old one is renamed aside, the new one created under its
 * name, every column that keeps it converted (through text, or given the
 * new collation; its default dropped first and set again), and the old one
 * dropped.  A value that does not convert stops the conversion; a view, a
 * function or a domain that uses the old one stops the drop: the proof
 * says so.  "create" is the statement that creates the new one.
 */
static void
rebuild_in_place(Diff *d, ModelObject *a, ModelObject *b, const char *create,
				 const char *review)
{
	StringInfoData buf;
	char	   *head;
	char	   *tail;
	char	   *aside_name;
	bool		collation = b->kindid == KIND_COLLATION;
	const char *word = collation ? "COLLATION" : b->kindid == KIND_DOMAIN ? "DOMAIN" : "TYPE";

	split_at(b->identity, '.', &head, &tail);
	aside_name = pstrdup(quote_identifier(psprintf("%s_migrate_old", unquoted(tail))));
	initStringInfo(&buf);
	appendStringInfo(&buf, "ALTER %s %s RENAME TO %s;\n", word, b->identity, aside_name);
	appendStringInfoString(&buf, create);
	for (int i = 0; i < d->to->n; i++)
	{
		ModelObject *col = &d->to->objects[i];
		ModelObject *was;
		ModelDetail *c = col->detail;
		const char *alter;

		if (col->kindid != KIND_COLUMN || c == NULL || c->inherited ||
			(was = model_find(d->from, "column", col->identity)) == NULL)
			continue;
		if (collation ? !(streq(c->collation, b->identity) &&
						  streq(was->detail->collation, a->identity)) :
			!(strcmp(type_base(c->type), b->identity) == 0 &&
			  strcmp(type_base(was->detail->type), a->identity) == 0))
			continue;
		alter = psprintf("ALTER TABLE %s ALTER COLUMN %s", c->table, c->column);
		if (was->detail->dflt)
			appendStringInfo(&buf, "%s DROP DEFAULT;\n", alter);
		if (collation)
			appendStringInfo(&buf, "%s TYPE %s COLLATE %s;\n", alter, c->type, c->collation);
		else
			appendStringInfo(&buf, "%s TYPE %s USING %s::text%s::%s;\n", alter, c->type,
							 c->column, strstr(c->type, "[]") ? "[]" : "", c->type);
		if (c->dflt)
			appendStringInfo(&buf, "%s SET DEFAULT %s;\n", alter, c->dflt);
	}
	appendStringInfo(&buf, "DROP %s %s.%s;\n", word, head, aside_name);
	add_step(d, collation ? CREATE_OBJECT : ALTER_TYPE, collation ? b->detail->relid : 0,
			 psprintf("%s %s: created again", b->kind, b->identity), review, buf.data);
	recreated(d, b->kind, b->identity);
}

/* An enum that loses or reorders values, which ALTER TYPE cannot do */
static void
rebuild_enum(Diff *d, ModelObject *a, ModelObject *b)
{
	rebuild_in_place(d, a, b,
					 psprintf("CREATE TYPE %s AS %s;\n", b->identity, b->definition),
					 "PostgreSQL cannot remove or reorder enum values: the type is created again and its columns converted through text, which fails on a row holding a removed value, and while a view, function or domain uses the type");
}

static void
alter_enum(Diff *d, ModelObject *a, ModelObject *b)
{
	List	   *old = enum_labels(a->definition);
	List	   *new = enum_labels(b->definition);
	List	   *kept = NIL;
	List	   *added_labels;
	ListCell   *lc;
	StringInfoData buf;
	int			i;

	/* the old labels must stay, in their order */
	foreach(lc, new)
		if (migrate_list_has(old, lfirst(lc)))
		kept = lappend(kept, lfirst(lc));
	initStringInfo(&buf);
	if (!same_strings(kept, old))
	{
		rebuild_enum(d, a, b);
		return;
	}
	/* each new label after the one before it, or before the first */
	i = 0;
	added_labels = NIL;
	foreach(lc, new)
	{
		const char *label = lfirst(lc);

		if (!migrate_list_has(old, label))
		{
			if (i == 0)
				appendStringInfo(&buf, "ALTER TYPE %s ADD VALUE %s BEFORE %s;\n",
								 b->identity, label, (char *) linitial(old));
			else
				appendStringInfo(&buf, "ALTER TYPE %s ADD VALUE %s AFTER %s;\n",
								 b->identity, label, (char *) list_nth(new, i - 1));
			added_labels = lappend(added_labels, (char *) label);
		}
		i++;
	}
	add_step(d, ALTER_TYPE, 0, psprintf("enum %s: changed", b->identity),
			 NULL, buf.data);
	foreach(lc, added_labels)
	{
		NewLabel   *nl = palloc(sizeof(NewLabel));

		nl->label = lfirst(lc);
		nl->use = psprintf("%s::%s", nl->label, b->identity);
		nl->step = llast(d->steps);
		d->new_labels = lappend(d->new_labels, nl);
	}
}

/*
 * A domain definition ("type [COLLATE c] [NOT NULL] [DEFAULT e]
 * [CONSTRAINT n check]...") split into its base part and its constraints.
 */
static char *
domain_parts(const char *def, List **constraints)
{
	const char *p = strstr(def, " CONSTRAINT ");
	char	   *base = p ? pnstrdup(def, p - def) : pstrdup(def);

	*constraints = NIL;
	while (p)
	{
		const char *next = strstr(p + 12, " CONSTRAINT ");

		*constraints = lappend(*constraints,
							   next ? pnstrdup(p + 12, next - p - 12) : pstrdup(p + 12));
		p = next;
	}
	return base;
}

/* The type part of a domain's base part, and its NOT NULL and DEFAULT */
static char *
domain_base_type(const char *base, bool *notnull, char **dflt)
{
	const char *nn = strstr(base, " NOT NULL");
	const char *df = strstr(base, " DEFAULT ");
	const char *end = base + strlen(base);

	*notnull = nn != NULL && (df == NULL || nn < df);
	*dflt = df ? pstrdup(df + 9) : NULL;
	if (*notnull)
		end = nn;
	else if (df)
		end = df;
	return pnstrdup(base, end - base);
}

static void
alter_domain(Diff *d, ModelObject *a, ModelObject *b)
{
	List	   *oldc;
	List	   *newc;
	char	   *oldbase = domain_parts(a->definition, &oldc);
	char	   *newbase = domain_parts(b->definition, &newc);
	bool		oldnn;
	bool		newnn;
	char	   *olddf;
	char	   *newdf;
	char	   *oldtype = domain_base_type(oldbase, &oldnn, &olddf);
	char	   *newtype = domain_base_type(newbase, &newnn, &newdf);
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	if (strcmp(oldtype, newtype) != 0)
	{
		rebuild_in_place(d, a, b,
						 psprintf("CREATE DOMAIN %s AS %s;\n", b->identity, b->definition),
						 "a domain's base type cannot change in place: it is created again and its columns converted through text, which fails on a value the new domain refuses, and while a view or function uses the domain");
		return;
	}
	if (!streq(olddf, newdf))
	{
		if (newdf)
			appendStringInfo(&buf, "ALTER DOMAIN %s SET DEFAULT %s;\n", b->identity, newdf);
		else
			appendStringInfo(&buf, "ALTER DOMAIN %s DROP DEFAULT;\n", b->identity);
	}
	if (oldnn != newnn)
		appendStringInfo(&buf, "ALTER DOMAIN %s %s NOT NULL;\n", b->identity,
						 newnn ? "SET" : "DROP");
	foreach(lc, oldc)
	{
		char	   *c = lfirst(lc);

		if (!migrate_list_has(newc, c))
			appendStringInfo(&buf, "ALTER DOMAIN %s DROP CONSTRAINT %s;\n", b->identity,
							 pnstrdup(c, strcspn(c, " ")));
	}
	foreach(lc, newc)
	{
		char	   *c = lfirst(lc);

		if (!migrate_list_has(oldc, c))
			appendStringInfo(&buf, "ALTER DOMAIN %s ADD CONSTRAINT %s;\n", b->identity, c);
	}
	add_step(d, ALTER_TYPE, 0, psprintf("domain %s: changed", b->identity), NULL,
			 buf.data);
}

/* ----------------------------------------------------------------
 * Comments and privileges
 * ----------------------------------------------------------------
 */

/* The target of COMMENT ON or GRANT for a label; NULL for a schema */
static char *
label_target(const char *label, bool for_grant, char **column)
{
	const char *kind;
	ObjKind		k;
	const char *identity;
	char	   *head;
	char	   *tail;

	*column = NULL;
	if (!split_label(label, &kind, &identity))
		return NULL;
	k = model_kind(kind);
	if (k == KIND_SCHEMA)
		return psprintf("SCHEMA %s", identity);
	if (k == KIND_COLUMN)
	{
		split_at(identity, '.', &head, &tail);
		if (for_grant)
		{
			*column = tail;
			return psprintf("TABLE %s", head);
		}
		return psprintf("COLUMN %s", identity);
	}
	if (k == KIND_TRIGGER || k == KIND_POLICY || k == KIND_RULE ||
		k == KIND_CONSTRAINT)
	{
		split_at(identity, ' ', &head, &tail);
		return psprintf("%s %s ON %s", kind_sql[k], tail, head);
	}
	if (for_grant && (k == KIND_VIEW || k == KIND_MATVIEW))
		return psprintf("TABLE %s", identity);
	if (k == KIND_ENUM || k == KIND_COMPOSITE ||
		k == KIND_RANGE)
		return psprintf("%s %s", kind_sql[k], identity);
	if (for_grant && k == KIND_AGGREGATE)
		return psprintf("FUNCTION %s", identity);
	return kind_sql[k] ? psprintf("%s %s", kind_sql[k], identity) : NULL;
}

/*
 * COMMENT ON the object a label names: b's text, or NULL when b is.  How
 * says what happened to the comment, for the step's label.
 */
static void
set_comment(Diff *d, const char *label, ModelObject *b, const char *how)
{
	char	   *column;
	char	   *target = label_target(label, false, &column);
	const char *kind;
	const char *identity;
	char	   *head;
	char	   *tail;

	if (target == NULL)
		return;
	/* "CONSTRAINT c ON x": on a domain, COMMENT needs the word DOMAIN */
	if (split_label(label, &kind, &identity) && strcmp(kind, "constraint") == 0)
	{
		split_at(identity, ' ', &head, &tail);
		if (model_find(b ? d->to : d->from, "domain", head) != NULL)
			target = psprintf("CONSTRAINT %s ON DOMAIN %s", tail, head);
	}
	add_step(d, SET_COMMENT, 0, psprintf("comment on %s: %s", label, how), NULL,
			 psprintf("COMMENT ON %s IS %s;\n", target,
					  b ? quote_literal_cstr(b->definition) : "NULL"));
}

/* One grantee's privileges: "name=arw*" items */
typedef struct Grant
{
	char	   *grantee;		/* as aclitemout wrote it; "" for PUBLIC */
	char	   *privs;
} Grant;

static List *
parse_grants(const char *acl)
{
	List	   *result = NIL;
	const char *p = acl ? acl : "";

	/* items are separated by spaces, and a quoted role name may hold some */
	while (*p)
	{
		const char *start;
		bool		quoted = false;
		char	   *item;
		int			eq;

		while (*p == ' ')
			p++;
		start = p;
		for (; *p && (quoted || *p != ' '); p++)
			if (*p == '"')
				quoted = !quoted;
		if (p == start)
			break;
		item = pnstrdup(start, p - start);
		eq = migrate_last_unquoted(item, '=');
		if (eq >= 0)
		{
			Grant	   *g = palloc(sizeof(Grant));

			g->grantee = pnstrdup(item, eq);
			g->privs = pstrdup(item + eq + 1);
			result = lappend(result, g);
		}
	}
	return result;
}

static Grant *
find_grant(List *grants, const char *grantee)
{
	ListCell   *lc;

	foreach(lc, grants)
		if (strcmp(((Grant *) lfirst(lc))->grantee, grantee) == 0)
		return lfirst(lc);
	return NULL;
}

/* The privileges an object has from others by default, as ACL text */
static const char *
default_grants(const char *label)
{
	const char *kind;
	const char *identity;
	ObjKind		k;

	if (!split_label(label, &kind, &identity))
		return "";
	k = model_kind(kind);
	if (k == KIND_FUNCTION || k == KIND_PROCEDURE ||
		k == KIND_AGGREGATE)
		return "=X";
	if (k == KIND_ENUM || k == KIND_COMPOSITE ||
		k == KIND_RANGE || k == KIND_DOMAIN)
		return "=U";
	return "";
}

static const char *
privilege_word(char c)
{
	switch (c)
	{
		case 'r':
			return "SELECT";
		case 'w':
			return "UPDATE";
		case 'a':
			return "INSERT";
		case 'd':
			return "DELETE";
		case 'D':
			return "TRUNCATE";
		case 'x':
			return "REFERENCES";
		case 't':
			return "TRIGGER";
		case 'X':
			return "EXECUTE";
		case 'U':
			return "USAGE";
		case 'C':
			return "CREATE";
		case 'c':
			return "CONNECT";
		case 'T':
			return "TEMPORARY";
		case 'm':
			return "MAINTAIN";	/* PostgreSQL 17 and later */
		default:
			return NULL;
	}
}

/* Whether privs (letters, each maybe followed by '*') has c, and with '*' */
static bool
has_privilege(const char *privs, char c, bool *option)
{
	const char *p = privs ? strchr(privs, c) : NULL;

	*option = p != NULL && p[1] == '*';
	return p != NULL;
}

/*
 * The GRANTs and REVOKEs from one grantee's privileges to another's, one
 * privilege at a time: REVOKE ALL would take column privileges with it.
 */
static void
grantee_changes(StringInfo buf, const char *target, const char *column,
				const char *grantee, const char *old, const char *new)
{
	const char *who = *grantee ? grantee : "PUBLIC";
	const char *cols = column ? psprintf(" (%s)", column) : "";

	for (const char *p = old ? old : ""; *p; p++)
	{
		bool		oldopt;
		bool		newopt;
		const char *word = privilege_word(*p);

		if (word == NULL)
			continue;
		(void) has_privilege(old, *p, &oldopt);
		if (!has_privilege(new, *p, &newopt))
			appendStringInfo(buf, "REVOKE %s%s ON %s FROM %s;\n", word, cols, target, who);
		else if (oldopt && !newopt)
			appendStringInfo(buf, "REVOKE GRANT OPTION FOR %s%s ON %s FROM %s;\n",
							 word, cols, target, who);
	}
	for (const char *p = new ? new : ""; *p; p++)
	{
		bool		oldopt;
		bool		newopt;
		const char *word = privilege_word(*p);

		if (word == NULL)
			continue;
		(void) has_privilege(new, *p, &newopt);
		if (!has_privilege(old, *p, &oldopt) || (newopt && !oldopt))
			appendStringInfo(buf, "GRANT %s%s ON %s TO %s%s;\n", word, cols, target, who,
							 newopt ? " WITH GRANT OPTION" : "");
	}
}

/*
 * The GRANTs and REVOKEs from a's privileges to b's, each the default when
 * NULL.  How says what happened to them, for the step's label.
 */
static void
set_privileges(Diff *d, const char *label, ModelObject *a, ModelObject *b,
			   const char *how)
{
	char	   *column;
	char	   *target = label_target(label, true, &column);
	List	   *old = parse_grants(a ? a->definition : default_grants(label));
	List	   *new = parse_grants(b ? b->definition : default_grants(label));
	StringInfoData buf;
	ListCell   *lc;

	if (target == NULL)
		return;
	initStringInfo(&buf);
	foreach(lc, old)
	{
		Grant	   *g = lfirst(lc);
		Grant	   *n = find_grant(new, g->grantee);

		if (n == NULL || strcmp(n->privs, g->privs) != 0)
			grantee_changes(&buf, target, column, g->grantee, g->privs,
							n ? n->privs : NULL);
	}
	foreach(lc, new)
	{
		Grant	   *g = lfirst(lc);

		if (find_grant(old, g->grantee) == NULL)
			grantee_changes(&buf, target, column, g->grantee, NULL, g->privs);
	}
	if (buf.len == 0)
		return;

	/*
	 * A column's grants after its table's: revoking a privilege on a table
	 * revokes it on every column too, so the columns' grants of the desired
	 * state are given again after a table's REVOKE.
	 */
	add_step(d, SET_PRIVILEGES, column != NULL ? 1 : 0,
			 psprintf("privileges on %s: %s", label, how), NULL, buf.data);
	if (column == NULL && a != NULL && strstr(buf.data, "REVOKE ") != NULL &&
		strncmp(target, "TABLE ", 6) == 0)
	{
		char	   *prefix = psprintf("column %s.", target + 6);

		for (int i = 0; i < d->to->n; i++)
		{
			ModelObject *o = &d->to->objects[i];

			if (o->kindid == KIND_PRIVILEGES &&
				strncmp(o->identity, prefix, strlen(prefix)) == 0 &&
				model_find(d->from, "privileges", o->identity) != NULL &&
				strcmp(model_find(d->from, "privileges", o->identity)->definition,
					   o->definition) == 0)
				set_privileges(d, o->identity, NULL, o, "granted again after its table's REVOKE");
		}
	}
}

/* ----------------------------------------------------------------
 * One object: added, removed or changed
 * ----------------------------------------------------------------
 */

/*
 * The relation an index is on, from its definition ("CREATE [UNIQUE] INDEX
 * name ON [ONLY] schema.rel USING ..."), names quoted as SQL needs them.
 */
static char *
index_relation(const char *def)
{
	bool		quoted = false;
	const char *p;
	const char *start;

	for (p = def; *p; p++)
	{
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && strncmp(p, " ON ", 4) == 0)
			break;
	}
	if (*p == '\0')
		return pstrdup("");
	p += 4;
	if (strncmp(p, "ONLY ", 5) == 0)
		p += 5;
	start = p;
	for (quoted = false; *p && (quoted || *p != ' '); p++)
		if (*p == '"')
			quoted = !quoted;
	return pnstrdup(start, p - start);
}

/* Indexes of materialized views wait for the views */
static Phase
index_phase(Diff *d, ModelObject *index)
{
	if (model_find(d->to, "materialized view", index_relation(index->definition)) != NULL)
		return CREATE_VIEW_INDEX;
	return CREATE_INDEX;
}

static const char *
view_word(const char *kind)
{
	ObjKind		k = model_kind(kind);

	return kind_sql[k];
}

/* ----------------------------------------------------------------
 * Triggers, rules and policies: changed in place where PostgreSQL can
 * ----------------------------------------------------------------
 */

/*
 * A trigger's or rule's definition without how it fires ("ENABLED",
 * "DISABLED", "REPLICA" or "ALWAYS", its last word), which goes to *state.
 */
static char *
firing_split(const char *definition, const char **state)
{
	char	   *ddl = pstrdup(definition);
	char	   *space = strrchr(ddl, ' ');

	*state = "ENABLED";
	if (space != NULL)
	{
		*space = '\0';
		*state = space + 1;
	}
	return ddl;
}

/* ALTER TABLE ... ENABLE or DISABLE a trigger or rule, as state says */
static char *
firing_sql(const char *relation, const char *what, const char *name,
		   const char *state)
{
	return psprintf("ALTER TABLE %s %s %s %s;\n", relation,
					strcmp(state, "DISABLED") == 0 ? "DISABLE" :
					strcmp(state, "REPLICA") == 0 ? "ENABLE REPLICA" :
					strcmp(state, "ALWAYS") == 0 ? "ENABLE ALWAYS" : "ENABLE",
					what, name);
}

/*
 * CREATE [OR REPLACE] TRIGGER or RULE (what) from its definition, then
 * how it fires when that is not was: CREATE makes it ENABLED, and so does
 * CREATE OR REPLACE TRIGGER, while CREATE OR REPLACE RULE keeps it.
 */
static char *
firing_object_sql(ModelObject *o, const char *what, bool replace, const char *was)
{
	const char *state;
	char	   *ddl = firing_split(o->definition, &state);
	size_t		len;
	char	   *head;
	char	   *tail;

	split_at(o->identity, ' ', &head, &tail);
	if (replace)
		ddl = psprintf("CREATE OR REPLACE %s", ddl + strlen("CREATE "));
	len = strlen(ddl);
	/* a rule's definition ends with its ";", a trigger's does not */
	return psprintf("%s%s\n%s", ddl, len > 0 && ddl[len - 1] == ';' ? "" : ";",
					strcmp(state, was) == 0 ? "" : firing_sql(head, what, tail, state));
}

/*
 * A changed trigger or rule: how it fires, with ALTER TABLE; the rest
 * with CREATE OR REPLACE, which keeps its comment.  A constraint trigger
 * cannot be replaced, nor a trigger whose function the script drops (before
 * the new one is created): those are dropped and created again.
 */
static void
alter_firing(Diff *d, ModelObject *a, ModelObject *b)
{
	bool		rule = b->kindid == KIND_RULE;
	const char *what = rule ? "RULE" : "TRIGGER";
	Phase		phase = rule ? CREATE_RULE : CREATE_TRIGGER;
	const char *oldstate;
	const char *newstate;
	char	   *old = firing_split(a->definition, &oldstate);
	char	   *new = firing_split(b->definition, &newstate);
	char	   *label = psprintf("%s %s: changed", b->kind, b->identity);
	char	   *head;
	char	   *tail;

	split_at(b->identity, ' ', &head, &tail);
	if (strcmp(old, new) == 0)
		add_step(d, phase, 0, label, NULL, firing_sql(head, what, tail, newstate));
	else if (rule ||
			 (strncmp(old, "CREATE TRIGGER ", 15) == 0 &&
			  strncmp(new, "CREATE TRIGGER ", 15) == 0 &&
			  !trigger_function_removed(d, a->definition)))
		add_step(d, phase, 0, label, NULL,
				 firing_object_sql(b, what, true, rule ? oldstate : "ENABLED"));
	else
	{
		removed(d, a);
		added(d, b);
		recreated(d, b->kind, b->identity);
	}
}

/*
 * A rule that reads a relation the script drops or changes the type of a
 * column of, or a view that is rebuilt: dropped first, created again last.
 */
static void
rebuild_rule(Diff *d, ModelObject *a, ModelObject *b)
{
	removed(d, a);
	added(d, b);
	recreated(d, "rule", b->identity);
}

/* A policy's definition: "AS x FOR y TO roles[ USING (e)][ WITH CHECK (e)]" */
typedef struct PolicyParts
{
	char	   *head;			/* "AS x FOR y" */
	char	   *roles;
	char	   *using;			/* "(e)", or NULL */
	char	   *check;			/* "(e)", or NULL */
} PolicyParts;

static void
policy_parts(const char *def, PolicyParts *p)
{
	const char *to = strstr(def, " TO ");
	const char *using = strstr(def, " USING (");
	const char *check = strstr(def, " WITH CHECK (");
	const char *end = def + strlen(def);

	p->head = to ? pnstrdup(def, to - def) : pstrdup(def);
	p->roles = to ? pnstrdup(to + 4, (using ? using : check ? check : end) - (to + 4)) : "";
	p->using = using ? pnstrdup(using + 7, (check ? check : end) - (using + 7)) : NULL;
	p->check = check ? pstrdup(check + 12) : NULL;
}

/*
 * A changed policy: ALTER POLICY for its roles and expressions; one that
 * changes its command or kind, or loses an expression, is dropped and
 * created again.
 */
static void
alter_policy(Diff *d, ModelObject *a, ModelObject *b)
{
	PolicyParts x;
	PolicyParts y;
	StringInfoData buf;
	char	   *head;
	char	   *tail;

	policy_parts(a->definition, &x);
	policy_parts(b->definition, &y);
	if (strcmp(x.head, y.head) != 0 || (x.using && !y.using) || (x.check && !y.check))
	{
		removed(d, a);
		added(d, b);
		recreated(d, "policy", b->identity);
		return;
	}
	split_at(b->identity, ' ', &head, &tail);
	initStringInfo(&buf);
	appendStringInfo(&buf, "ALTER POLICY %s ON %s", tail, head);
	if (strcmp(x.roles, y.roles) != 0)
		appendStringInfo(&buf, " TO %s", y.roles);
	if (!streq(x.using, y.using))
		appendStringInfo(&buf, " USING %s", y.using);
	if (!streq(x.check, y.check))
		appendStringInfo(&buf, " WITH CHECK %s", y.check);
	appendStringInfoString(&buf, ";\n");
	add_step(d, CREATE_POLICY, 0, psprintf("policy %s: changed", b->identity), NULL,
			 buf.data);
}

/* CREATE [MATERIALIZED] VIEW for a view of the target model */
static char *
create_view(ModelObject *o)
{
	return psprintf("CREATE %s %s%s AS\n%s;\n", view_word(o->kind), o->identity,
					o->detail->options ?
					psprintf(" WITH (%s)", options_list(o->detail->options)) : "",
					strip_suffix(o->detail->query, ";"));
}

static void
added(Diff *d, ModelObject *b)
{
	const char *kind = b->kind;
	ObjKind		k = b->kindid;
	const char *id = b->identity;
	char	   *label = psprintf("%s %s: added", kind, id);
	char	   *head;
	char	   *tail;

	switch (k)
	{
		case KIND_SCHEMA:
			add_step(d, CREATE_SCHEMA, 0, label, NULL,
					 psprintf("CREATE SCHEMA %s;\n", id));
			break;
		case KIND_EXTENSION:
			/* "SCHEMA s VERSION 'v'": its schema created before it */
			add_step(d, CREATE_EXTENSION, b->detail->relid, label, NULL,
					 psprintf("CREATE EXTENSION %s WITH %s;\n", id, b->definition));
			break;
		case KIND_TABLE:
			create_table(d, b);
			break;
		case KIND_COLUMN:
			{
				/*
				 * A column a parent it keeps adds comes with the parent's
				 * ADD COLUMN; one of a new parent's must be there before
				 * INHERIT.
				 */
				char	   *parent;

				if (table_added(d, b->detail->table))
					return;
				parent = b->detail->inhcount == 0 ? NULL :
					column_parent(kept_parents(d, b->detail->table), d->to, NULL,
								  b->detail->column);
				if (parent != NULL)
					add_inherited_column(d, b, parent_column(d->to, parent, b->detail->column));
				else
					add_column(d, b);
			}
			break;
		case KIND_CONSTRAINT:
			{
				split_at(id, ' ', &head, &tail);
				if (table_added(d, head) && inline_in_create(b))
					return;
				add_step(d, inline_constraint(b) ? ADD_CONSTRAINT : ADD_FOREIGN_KEY, 0, label, NULL,
						 psprintf("ALTER TABLE %s ADD CONSTRAINT %s %s;\n", head, tail,
								  b->definition));
			}
			break;
		case KIND_INDEX:
			add_step(d, index_phase(d, b), 0, label, NULL,
					 psprintf("%s;\n", strip_suffix(b->definition, " (invalid)")));
			break;
		case KIND_SEQUENCE:
			add_sequence(d, b);
			break;
		case KIND_VIEW:
		case KIND_MATVIEW:
			{
				add_step(d, CREATE_VIEW, b->detail->relid, label, NULL, create_view(b));
			}
			break;
		case KIND_FUNCTION:
		case KIND_PROCEDURE:
			{
				d->routines = true;
				add_step(d, CREATE_OBJECT, b->detail->relid, label, NULL, psprintf("%s;\n", b->definition));
			}
			break;
		case KIND_AGGREGATE:
			{
				int			paren = strcspn(id, "(");

				add_step(d, CREATE_OBJECT, b->detail->relid, label, NULL,
						 psprintf("CREATE AGGREGATE %s%s;\n", pnstrdup(id, paren),
								  range_ddl(b->definition + strlen("AGGREGATE"))));
			}
			break;
		case KIND_ENUM:
		case KIND_RANGE:
			add_step(d, CREATE_OBJECT, b->detail->relid, label, NULL,
					 psprintf("CREATE TYPE %s AS %s;\n", id, range_ddl(b->definition)));
			break;
		case KIND_DOMAIN:
			add_step(d, CREATE_OBJECT, b->detail->relid, label, NULL,
					 psprintf("CREATE DOMAIN %s AS %s;\n", id, b->definition));
			break;
		case KIND_COMPOSITE:
			add_step(d, CREATE_OBJECT, b->detail->relid, label, NULL,
					 psprintf("CREATE TYPE %s AS %s;\n", id, b->definition));
			break;
		case KIND_TRIGGER:
			add_step(d, CREATE_TRIGGER, 0, label, NULL,
					 firing_object_sql(b, "TRIGGER", false, "ENABLED"));
			break;
		case KIND_RULE:
			add_step(d, CREATE_RULE, 0, label, NULL,
					 firing_object_sql(b, "RULE", false, "ENABLED"));
			break;
		case KIND_POLICY:
			{
				split_at(id, ' ', &head, &tail);
				add_step(d, CREATE_POLICY, 0, label, NULL,
						 psprintf("CREATE POLICY %s ON %s %s;\n", tail, head, b->definition));
			}
			break;
		case KIND_COLLATION:
			add_step(d, CREATE_OBJECT, b->detail->relid, label, NULL,
					 psprintf("CREATE COLLATION %s %s;\n", id, b->definition));
			break;
		case KIND_EVENT_TRIGGER:
			{
				/* "ON ... EXECUTE FUNCTION f() ENABLE|DISABLE|ENABLE ..." */
				const char *state = strstr(b->definition, "() ");
				char	   *create = state ? pnstrdup(b->definition, state + 2 - b->definition) :
					pstrdup(b->definition);

				add_step(d, CREATE_TRIGGER, b->detail->relid, label, NULL,
						 state == NULL || strcmp(state + 3, "ENABLE") == 0 ?
						 psprintf("CREATE EVENT TRIGGER %s %s;\n", id, create) :
						 psprintf("CREATE EVENT TRIGGER %s %s;\nALTER EVENT TRIGGER %s %s;\n",
								  id, create, id, state + 3));
			}
			break;
		case KIND_PUBLICATION:
			add_step(d, CREATE_TRIGGER, b->detail->relid, label, NULL,
					 psprintf("CREATE PUBLICATION %s %s;\n", id, b->definition));
			break;
		case KIND_STATISTICS:
			add_step(d, CREATE_INDEX, b->detail->relid, label, NULL,
					 psprintf("%s;\n", b->definition));
			break;
		case KIND_COMMENT:
			set_comment(d, id, b, "added");
			break;
		case KIND_PRIVILEGES:
			set_privileges(d, id, NULL, b, "changed");
			break;
		default:
			break;
	}
}

/*
 * A primary key or unique constraint of table "table" is dropped: the
 * foreign keys that reference the table and stay as they are depend on it,
 * so they are dropped before it and added again after the keys are back.
 * (One that is dropped or changed anyway already is.)
 */
static void
readd_referencing_keys(Diff *d, const char *table)
{
	char	   *needle = psprintf(" REFERENCES %s(", table);

	for (int i = 0; i < d->from->n; i++)
	{
		ModelObject *fk = &d->from->objects[i];
		ModelObject *kept;
		char	   *head;
		char	   *tail;

		if (fk->kindid != KIND_CONSTRAINT ||
			strncmp(fk->definition, "FOREIGN KEY", 11) != 0 ||
			strstr(fk->definition, needle) == NULL ||
			migrate_list_has(d->readded_keys, fk->identity))
			continue;
		kept = model_find(d->to, "constraint", fk->identity);
		if (kept == NULL || strcmp(kept->definition, fk->definition) != 0)
			continue;
		d->readded_keys = lappend(d->readded_keys, fk->identity);
		split_at(fk->identity, ' ', &head, &tail);
		add_step(d, DROP_FOREIGN_KEY, 0,
				 psprintf("constraint %s: dropped while the key it references changes", fk->identity),
				 NULL, psprintf("ALTER TABLE %s DROP CONSTRAINT %s;\n", head, tail));
		add_step(d, ADD_FOREIGN_KEY, 0,
				 psprintf("constraint %s: added again", fk->identity), NULL,
				 psprintf("ALTER TABLE %s ADD CONSTRAINT %s %s;\n", head, tail, kept->definition));
		recreated(d, "constraint", fk->identity);
	}
}

static void
removed(Diff *d, ModelObject *a)
{
	const char *kind = a->kind;
	ObjKind		k = a->kindid;
	const char *id = a->identity;
	char	   *label = psprintf("%s %s: removed", kind, id);
	char	   *head;
	char	   *tail;

	switch (k)
	{
		case KIND_SCHEMA:
			/* what the model does not cover in it stops the drop: no CASCADE */
			add_step(d, DROP_SCHEMA, 0, label, NULL,
					 psprintf("DROP SCHEMA %s;\n", id));
			break;
		case KIND_COLLATION:
			add_step(d, DROP_OBJECT, -(int64) a->detail->relid, label, NULL,
					 psprintf("DROP COLLATION %s;\n", id));
			break;
		case KIND_STATISTICS:
			/* it goes with its table, or before the columns it names */
			if (a->detail != NULL && strstr(a->definition, " FROM ") != NULL &&
				table_removed(d, strrchr(a->definition, ' ') + 1))
				return;
			add_step(d, DROP_INDEX, -(int64) a->detail->relid, label, NULL,
					 psprintf("DROP STATISTICS %s;\n", id));
			break;
		case KIND_EVENT_TRIGGER:
		case KIND_PUBLICATION:
			/* before the functions and tables they name */
			add_step(d, DROP_TRIGGER, -(int64) a->detail->relid, label, NULL,
					 psprintf("DROP %s %s;\n", kind_sql[k], id));
			break;
		case KIND_EXTENSION:
			/* what uses its types and functions went before */
			add_step(d, DROP_EXTENSION, -(int64) a->detail->relid, label,
					 "dropping an extension drops its objects, and the data of its tables",
					 psprintf("DROP EXTENSION %s;\n", id));
			break;
		case KIND_TABLE:
			{
				bool		foreign = a->detail->relkind == RELKIND_FOREIGN_TABLE;

				/* a partition goes with its parent */
				if (a->detail->partbound && a->detail->parents &&
					table_removed(d, a->detail->parents))
					return;

				add_step(d, DROP_OBJECT, -(int64) a->detail->relid, label,
						 foreign ? NULL : "dropping a table loses its rows",
						 psprintf("DROP %sTABLE %s;\n", foreign ? "FOREIGN " : "", id));
			}
			break;
		case KIND_COLUMN:
			{
				/*
				 * A column only a parent it keeps gave it goes with the
				 * parent's; one it had of a parent it lets go of, or of its
				 * own too, is dropped after NO INHERIT or the parent's drop.
				 */
				if (table_removed(d, a->detail->table) ||
					(a->detail->inherited &&
					 column_parent(kept_parents(d, a->detail->table), d->from, NULL,
								   a->detail->column) != NULL))
					return;
				drop_column(d, a);
			}
			break;
		case KIND_CONSTRAINT:
			{
				split_at(id, ' ', &head, &tail);
				/* a foreign key goes first: it may point at another table that goes */
				if (table_removed(d, head) && inline_constraint(a))
					return;
				add_step(d, inline_constraint(a) ? DROP_CONSTRAINT : DROP_FOREIGN_KEY, 0, label,
						 NULL, psprintf("ALTER TABLE %s DROP CONSTRAINT %s;\n", head, tail));
				if (strncmp(a->definition, "PRIMARY KEY", 11) == 0 ||
					strncmp(a->definition, "UNIQUE", 6) == 0)
					readd_referencing_keys(d, head);
			}
			break;
		case KIND_INDEX:
			{
				/* an index goes with its table or materialized view */
				char	   *rel = index_relation(a->definition);

				if (table_removed(d, rel) ||
					(model_find(d->from, "materialized view", rel) != NULL &&
					 model_find(d->to, "materialized view", rel) == NULL))
					return;
				add_step(d, DROP_INDEX, 0, label, NULL, psprintf("DROP INDEX %s;\n", id));
			}
			break;
		case KIND_SEQUENCE:
			remove_sequence(d, a);
			break;
		case KIND_VIEW:
		case KIND_MATVIEW:
			add_step(d, DROP_VIEW, -(int64) a->detail->relid, label, NULL,
					 psprintf("DROP %s %s;\n", view_word(kind), id));
			break;
		case KIND_FUNCTION:
		case KIND_PROCEDURE:
		case KIND_AGGREGATE:
			add_step(d, DROP_OBJECT, -(int64) a->detail->relid, label, NULL,
					 psprintf("DROP %s %s;\n", kind_sql[k], id));
			break;
		case KIND_ENUM:
		case KIND_RANGE:
		case KIND_COMPOSITE:
			add_step(d, DROP_OBJECT, -(int64) a->detail->relid, label, NULL,
					 psprintf("DROP TYPE %s;\n", id));
			break;
		case KIND_DOMAIN:
			add_step(d, DROP_OBJECT, -(int64) a->detail->relid, label, NULL,
					 psprintf("DROP DOMAIN %s;\n", id));
			break;
		case KIND_TRIGGER:
		case KIND_POLICY:
			{
				split_at(id, ' ', &head, &tail);
				/*
				 * It goes with its table, unless it is a trigger whose
				 * function goes too: the function may be newer than the
				 * table, so dropped first, and the trigger would stop it.
				 */
				if (table_removed(d, head) &&
					!(k == KIND_TRIGGER && trigger_function_removed(d, a->definition)))
					return;
				add_step(d, k == KIND_TRIGGER ? DROP_TRIGGER : DROP_POLICY, 0, label, NULL,
						 psprintf("DROP %s %s ON %s;\n", kind_sql[k],
								  tail, head));
			}
			break;
		case KIND_RULE:
			{
				split_at(id, ' ', &head, &tail);
				/* it goes with its table or view */
				if (table_removed(d, head) ||
					(model_find(d->from, "view", head) != NULL && model_find(d->to, "view", head) == NULL))
					return;
				add_step(d, DROP_TRIGGER, 0, label, NULL,
						 psprintf("DROP RULE %s ON %s;\n", tail, head));
			}
			break;
		case KIND_COMMENT:
			{
				if (!label_exists(d->to, id))
					return;				/* went with its object */
				set_comment(d, id, NULL, "removed");
			}
			break;
		case KIND_PRIVILEGES:
			{
				if (!label_exists(d->to, id))
					return;
				set_privileges(d, id, a, NULL, "changed");
			}
			break;
		default:
			break;
	}
}

/*
 * An index or a key dropped and added again: its comment is set again (a
 * key's index has the key's name, in its table's schema), and so is the
 * CLUSTER ON of its table.
 */
static void
recreated_index(Diff *d, ModelObject *a, ModelObject *b)
{
	char	   *table;
	char	   *name;
	char	   *schema;
	char	   *rel;
	char	   *index;
	ModelObject *t;
	ModelObject *old;

	recreated(d, b->kind, b->identity);
	if (b->kindid == KIND_CONSTRAINT)
	{
		if (strncmp(b->definition, "CHECK", 5) == 0 || !inline_constraint(b))
			return;
		split_at(b->identity, ' ', &table, &name);
		split_at(table, '.', &schema, &rel);
		index = psprintf("%s.%s", schema, name);
		recreated(d, "index", index);
	}
	else
	{
		table = index_relation(b->definition);
		index = b->identity;
	}
	split_at(index, '.', &schema, &name);
	t = model_find(d->to, "table", table);
	old = model_find(d->from, "table", table);
	/* (when the table changes the index it is clustered on, it says so) */
	if (t != NULL && old != NULL && streq(t->detail->cluster, name) &&
		streq(old->detail->cluster, name))
		add_step(d, CLUSTER_ON, 0, psprintf("table %s: clustered on %s again", table, name),
				 NULL, psprintf("ALTER TABLE %s CLUSTER ON %s;\n", table, name));
}

/*
 * What CREATE OR REPLACE cannot change of a routine: its parameters (names
 * and defaults) and its result, the definition up to " LANGUAGE".
 */
static char *
routine_head(const char *def)
{
	const char *p = strstr(def, "\n LANGUAGE ");

	return p ? pnstrdup(def, p - def) : pstrdup(def);
}

/*
 * An extension moved to another schema, or at another version: "SCHEMA s
 * VERSION 'v'" on both sides.  Both go where extensions are created, after
 * new schemas and before what may use the new version.  PostgreSQL refuses
 * a relocation of an extension that is not relocatable, and an update with
 * no path (most extensions have none to an older version): the proof says
 * so.
 */
static void
alter_extension(Diff *d, ModelObject *a, ModelObject *b, const char *label)
{
	const char *av = strstr(a->definition, " VERSION ");
	const char *bv = strstr(b->definition, " VERSION ");
	StringInfoData buf;

	initStringInfo(&buf);
	if (av == NULL || bv == NULL)
		return;
	if (av - a->definition != bv - b->definition ||
		strncmp(a->definition, b->definition, av - a->definition) != 0)
		appendStringInfo(&buf, "ALTER EXTENSION %s SET %.*s;\n", a->identity,
						 (int) (bv - b->definition), b->definition);
	if (strcmp(av, bv) != 0)
		appendStringInfo(&buf, "ALTER EXTENSION %s UPDATE TO %s;\n", a->identity,
						 bv + strlen(" VERSION "));
	if (buf.len > 0)
		add_step(d, CREATE_EXTENSION, b->detail->relid, label,
				 strcmp(av, bv) != 0 ?
				 "an extension's update runs its own scripts, and may have no way back" : NULL,
				 buf.data);
}

/*
 * Drop an object and create it again, for the kinds that cannot be altered
 * in place; its comment and grants are set again (annotate_recreated).
 */
static void
recreate(Diff *d, ModelObject *a, ModelObject *b)
{
	removed(d, a);
	added(d, b);
	recreated(d, b->kind, b->identity);
}

/* "ON ... EXECUTE FUNCTION f() STATE": the part before the state */
static size_t
event_trigger_head(const char *definition)
{
	const char *state = strstr(definition, "() ");

	return state ? state + 2 - definition : strlen(definition);
}

/* An event trigger whose state alone changed is altered; else created again */
static void
alter_event_trigger(Diff *d, ModelObject *a, ModelObject *b, const char *label)
{
	size_t		head = event_trigger_head(b->definition);

	if (head != event_trigger_head(a->definition) ||
		strncmp(a->definition, b->definition, head) != 0 ||
		b->definition[head] != ' ')
	{
		recreate(d, a, b);
		return;
	}
	add_step(d, CREATE_TRIGGER, b->detail->relid, label, NULL,
			 psprintf("ALTER EVENT TRIGGER %s %s;\n", b->identity,
					  b->definition + head + 1));
}

/*
 * A publication: "FOR <objects> WITH (<options>)".  Its objects and
 * options are set in place; one that is or becomes FOR ALL TABLES, or that
 * loses every table, is created again.
 */
static void
alter_publication(Diff *d, ModelObject *a, ModelObject *b, const char *label)
{
	const char *aw = strstr(a->definition, "WITH (");
	const char *bw = strstr(b->definition, "WITH (");
	StringInfoData buf;

	if (aw == NULL || bw == NULL ||
		strncmp(a->definition, "FOR ALL TABLES", 14) == 0 ||
		strncmp(b->definition, "FOR ALL TABLES", 14) == 0 ||
		strncmp(b->definition, "FOR ", 4) != 0)
	{
		recreate(d, a, b);
		return;
	}
	initStringInfo(&buf);
	if (aw - a->definition != bw - b->definition ||
		strncmp(a->definition, b->definition, bw - b->definition) != 0)
		appendStringInfo(&buf, "ALTER PUBLICATION %s SET %.*s;\n", b->identity,
						 (int) (bw - b->definition - 5), b->definition + 4);
	if (strcmp(aw, bw) != 0)
		appendStringInfo(&buf, "ALTER PUBLICATION %s SET %s;\n", b->identity,
						 bw + 5);
	add_step(d, CREATE_TRIGGER, b->detail->relid, label, NULL, buf.data);
}

static void
changed(Diff *d, ModelObject *a, ModelObject *b)
{
	const char *kind = a->kind;
	ObjKind		k = a->kindid;
	const char *id = a->identity;
	char	   *label = psprintf("%s %s: changed", kind, id);

	switch (k)
	{
		case KIND_EXTENSION:
			alter_extension(d, a, b, label);
			break;
		case KIND_EVENT_TRIGGER:
			alter_event_trigger(d, a, b, label);
			break;
		case KIND_PUBLICATION:
			alter_publication(d, a, b, label);
			break;
		case KIND_COLLATION:
			rebuild_in_place(d, a, b,
							 psprintf("CREATE COLLATION %s %s;\n", id, b->definition),
							 "a collation cannot change in place: it is created again and its columns given it again, which rebuilds their indexes");
			break;
		case KIND_STATISTICS:
			recreate(d, a, b);
			break;
		case KIND_TABLE:
			alter_table(d, a, b);
			break;
		case KIND_COLUMN:
			alter_column(d, a, b);
			break;
		case KIND_SEQUENCE:
			alter_sequence(d, a, b);
			break;
		case KIND_FUNCTION:
		case KIND_PROCEDURE:
			{
				/*
				 * CREATE OR REPLACE cannot rename a parameter, drop a default or
				 * change the result: then drop and create, which fails while
				 * something uses the routine.
				 */
				bool		replace = strcmp(routine_head(a->definition),
											 routine_head(b->definition)) == 0;

				if (!replace)
				{
					add_step(d, DROP_OBJECT, -(int64) a->detail->relid,
							 psprintf("%s %s: dropped to be created again", kind, id),
							 "its parameters or result changed: it is dropped and created again, which fails while views or other objects use it",
							 psprintf("DROP %s %s;\n", kind_sql[k], id));
					recreated(d, kind, id);
				}
				d->routines = true;
				add_step(d, CREATE_OBJECT, b->detail->relid, label, NULL, psprintf("%s;\n", b->definition));
			}
			break;
		case KIND_ENUM:
			alter_enum(d, a, b);
			break;
		case KIND_DOMAIN:
			alter_domain(d, a, b);
			break;
		case KIND_COMPOSITE:
		case KIND_RANGE:
			{
				add_step(d, CREATE_OBJECT, b->detail->relid, label,
						 "the type is dropped and created again, which fails while anything uses it; ALTER TYPE can add, drop or alter attributes in place",
						 psprintf("DROP TYPE %s;\nCREATE TYPE %s AS %s;\n", id, id,
								  range_ddl(b->definition)));
				recreated(d, kind, id);
			}
			break;
		case KIND_TRIGGER:
		case KIND_RULE:
			alter_firing(d, a, b);
			break;
		case KIND_POLICY:
			alter_policy(d, a, b);
			break;
		case KIND_INDEX:
		case KIND_CONSTRAINT:
			/* dropped and added: its comment and CLUSTER ON go with it */
			removed(d, a);
			added(d, b);
			recreated_index(d, a, b);
			break;
		case KIND_COMMENT:
			set_comment(d, id, b, "changed");
			break;
		case KIND_PRIVILEGES:
			set_privileges(d, id, a, b, "changed");
			break;
		default:
			/* the rest: drop the old one, create the new one */
			removed(d, a);
			added(d, b);
			recreated(d, kind, id);
			break;
	}
}

/*
 * Objects the diff leaves alone: the schema, its comment and privileges.
 * The diff is of what is inside the schema.
 */
bool
diff_frame_object(SchemaModel *m, const char *kind, const char *identity)
{
	ObjKind		k = model_kind(kind);

	if (!m->framed)
		return false;
	return k == KIND_SCHEMA ||
		((k == KIND_COMMENT || k == KIND_PRIVILEGES) &&
		 strncmp(identity, "schema ", 7) == 0);
}

/* Whether a view's query names a relation: "name" then no name character */
static bool
mentions(const char *query, const char *name)
{
	size_t		len = strlen(name);

	for (const char *p = strstr(query, name); p; p = strstr(p + 1, name))
	{
		char		next = p[len];

		if (!(isalnum((unsigned char) next) || next == '_' || next == '$' || next == '"'))
			return true;
	}
	return false;
}

static bool
is_view_kind(const char *kind)
{
	ObjKind		k = model_kind(kind);

	return k == KIND_VIEW || k == KIND_MATVIEW;
}

/*
 * The views to drop and create again, whatever else changes: a changed view
 * (CREATE OR REPLACE VIEW cannot drop or retype a column), and every view
 * that reads a table whose column changes type, or a view that is dropped
 * or rebuilt (PostgreSQL refuses both while a view depends on them).
 * Reading is judged from the query text: a view names what it reads,
 * schema-qualified.
 */
static void
find_rebuilt(Diff *d)
{
	List	   *moved = NIL;	/* relations that views must let go of */
	bool		more = true;

	for (int i = 0; i < d->from->n; i++)
	{
		ModelObject *a = &d->from->objects[i];
		ModelObject *b;

		if (a->kindid == KIND_COLUMN && a->detail &&
			(b = model_find(d->to, "column", a->identity)) != NULL &&
			(!streq(a->detail->type, b->detail->type) ||
			 !streq(a->detail->collation, b->detail->collation) ||
			 !streq(a->detail->generated, b->detail->generated)))
			moved = lappend(moved, a->detail->table);
		else if (is_view_kind(a->kind))
		{
			b = model_find(d->to, a->kind, a->identity);
			if (b == NULL)
				moved = lappend(moved, a->identity);
			else if (strcmp(a->definition, b->definition) != 0)
			{
				moved = lappend(moved, a->identity);
				d->rebuilt = lappend(d->rebuilt, a->identity);
			}
		}
	}
	while (more)
	{
		more = false;
		for (int i = 0; i < d->from->n; i++)
		{
			ModelObject *a = &d->from->objects[i];
			ListCell   *lc;

			if (!is_view_kind(a->kind) || migrate_list_has(d->rebuilt, a->identity) ||
				model_find(d->to, a->kind, a->identity) == NULL)
				continue;
			foreach(lc, moved)
			{
				if (mentions(a->detail->query, lfirst(lc)))
				{
					d->rebuilt = lappend(d->rebuilt, a->identity);
					moved = lappend(moved, a->identity);
					more = true;
					break;
				}
			}
		}
	}
	/* rules hold on to what they read as views do */
	for (int i = lower_bound(d->from, "rule", ""); i < d->from->n; i++)
	{
		ModelObject *a = &d->from->objects[i];
		char	   *relation;
		char	   *name;
		ListCell   *lc;

		if (a->kindid != KIND_RULE)
			break;
		split_at(a->identity, ' ', &relation, &name);
		if (model_find(d->to, "rule", a->identity) == NULL ||
			migrate_list_has(d->rebuilt, relation))
			continue;			/* dropped anyway, or with its view */
		foreach(lc, moved)
		{
			if (mentions(a->definition, lfirst(lc)))
			{
				d->rerules = lappend(d->rerules, a->identity);
				break;
			}
		}
	}
}

/*
 * The objects of a relation in a model, by the prefix their identities
 * share ("t " for triggers and rules): what goes with a rebuilt view.
 */
static void
add_same(Diff *d, const char *kind, const char *relation)
{
	char	   *prefix = psprintf("%s ", relation);
	size_t		len = strlen(prefix);

	for (int i = lower_bound(d->to, kind, prefix); i < d->to->n; i++)
	{
		ModelObject *o = &d->to->objects[i];
		ModelObject *old;

		if (strcmp(o->kind, kind) != 0 || strncmp(o->identity, prefix, len) != 0)
			break;
		/* a changed one is created by its own change */
		old = model_find(d->from, kind, o->identity);
		if (old != NULL && strcmp(old->definition, o->definition) == 0)
			added(d, o);
	}
}

/*
 * Drop a view and create it again, with what went with it: its (INSTEAD
 * OF) triggers, rules and (for a materialized view) indexes; its comments
 * and privileges, and its columns', are set again with the others.
 */
static void
rebuild_view(Diff *d, ModelObject *a, ModelObject *b, bool changed)
{
	const char *label = psprintf("%s %s", b->kind, b->identity);
	ModelObject *o;

	add_step(d, DROP_VIEW, -(int64) a->detail->relid,
			 psprintf("%s: %s", label, changed ? "changed" : "rebuilt for a change it depends on"),
			 NULL, psprintf("DROP %s %s;\n", view_word(b->kind), b->identity));
	add_step(d, CREATE_VIEW, b->detail->relid, psprintf("%s: created again", label), NULL,
			 create_view(b));
	recreated(d, b->kind, b->identity);
	add_same(d, "trigger", b->identity);
	add_same(d, "rule", b->identity);
	for (int i = 0; b->kindid == KIND_MATVIEW && i < d->to->n; i++)
	{
		o = &d->to->objects[i];
		if (o->kindid == KIND_INDEX &&
			strcmp(index_relation(o->definition), b->identity) == 0 &&
			model_find(d->from, "index", o->identity) != NULL &&
			strcmp(model_find(d->from, "index", o->identity)->definition, o->definition) == 0)
		{
			add_step(d, CREATE_VIEW_INDEX, 0, psprintf("index %s: created again", o->identity),
					 NULL, psprintf("%s;\n", strip_suffix(o->definition, " (invalid)")));
			recreated(d, "index", o->identity);
		}
	}
}

/*
 * An enum value added in a transaction cannot be used in it: a script that
 * adds one and uses it (a default, a check, a view) fails.  Say so at the
 * step that adds it.
 */
static void
check_new_labels(Diff *d)
{
	ListCell   *ln;

	foreach(ln, d->new_labels)
	{
		NewLabel   *nl = lfirst(ln);
		ListCell   *ls;

		foreach(ls, d->steps)
		{
			Step	   *st = lfirst(ls);
			char	   *why;

			if (st == nl->step || strstr(st->text, nl->use) == NULL)
				continue;
			why = psprintf("the new value %s is used by %s, and PostgreSQL refuses that in the transaction that adds it: register the enum change as a revision of its own, pushed first",
						   nl->label, st->label);
			/* after the step's first line, its label */
			{
				char	   *text = nl->step->text;
				int			eol = strcspn(text, "\n") + 1;

				nl->step->text = psprintf("%.*s%s%s", eol, text,
										  comment_text("REVIEW: ", why), text + eol);
			}
			d->review = lappend(d->review, psprintf("%s: %s", nl->step->label, why));
			break;
		}
	}
}

/* Whether an object of a model is a comment or privileges */
static bool
is_annotation(const ModelObject *o)
{
	return o->kindid == KIND_COMMENT || o->kindid == KIND_PRIVILEGES;
}

/*
 * A comment or privileges of an object that is dropped and created again:
 * set from nothing (the new object has no comment, and the default
 * privileges).  Counted with the object's own change.
 */
static void
annotate_recreated(Diff *d, ModelObject *b)
{
	if (b == NULL)
		return;					/* went with the old object */
	if (b->kindid == KIND_COMMENT)
		set_comment(d, b->identity, b, "set again");
	else
		set_privileges(d, b->identity, NULL, b, "set again");
}

/*
 * One pass over both models, in step: the objects that are not comments
 * or privileges, or (annotations) only those.
 */
static void
diff_pass(Diff *d, bool annotations)
{
	SchemaModel *from = d->from;
	SchemaModel *to = d->to;
	int			i = 0;
	int			j = 0;

	while (i < from->n || j < to->n)
	{
		ModelObject *a = i < from->n ? &from->objects[i] : NULL;
		ModelObject *b = j < to->n ? &to->objects[j] : NULL;
		ModelObject *o;
		int			c;
		int			before = list_length(d->steps);

		if (a == NULL)
			c = 1;
		else if (b == NULL)
			c = -1;
		else
			c = cmp_key(a->kind, a->identity, b);
		if (c < 0)
			i++;
		else if (c > 0)
			j++;
		else
		{
			i++;
			j++;
		}
		o = c <= 0 ? a : b;
		if (is_annotation(o) != annotations || diff_frame_object(from, o->kind, o->identity))
			continue;
		if (annotations && on_recreated(d, o->identity))
		{
			annotate_recreated(d, c >= 0 ? b : NULL);
			continue;
		}
		if (c == 0 && is_view_kind(a->kind) && migrate_list_has(d->rebuilt, a->identity))
			rebuild_view(d, a, b, strcmp(a->definition, b->definition) != 0);
		else if (c == 0 && a->kindid == KIND_RULE && migrate_list_has(d->rerules, a->identity))
			rebuild_rule(d, a, b);
		else if (c < 0)
			removed(d, a);
		else if (c > 0)
			added(d, b);
		else if (strcmp(a->definition, b->definition) != 0)
			changed(d, a, b);
		/* an object that needs no statement of its own is no change */
		if (list_length(d->steps) > before)
			d->changes++;
	}
}

/*
 * The script that turns model "from" into model "to" (both from
 * model_read_schema() of the same schema name).
 */
DiffScript *
diff_script(SchemaModel *from, SchemaModel *to, const char *title)
{
	Diff		d;
	DiffScript *result = palloc0(sizeof(DiffScript));
	StringInfoData buf;
	ListCell   *lc;

	memset(&d, 0, sizeof(d));
	d.from = from;
	d.to = to;
	find_rebuilt(&d);
	/* comments and privileges last: they know what is created again */
	diff_pass(&d, false);
	diff_pass(&d, true);

	check_new_labels(&d);
	list_sort(d.steps, cmp_step);
	initStringInfo(&buf);
	append_comment(&buf, "", title);
	if (d.routines)
		appendStringInfoString(&buf,
							   "-- routine bodies may name tables created below, as in pg_dump\n"
							   "SET check_function_bodies = off;\n");
	foreach(lc, d.steps)
	{
		appendStringInfoChar(&buf, '\n');
		appendStringInfoString(&buf, ((Step *) lfirst(lc))->text);
	}
	result->sql = buf.data;
	result->changes = d.changes;
	result->review = d.review;
	return result;
}
