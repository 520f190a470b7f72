/*-------------------------------------------------------------------------
 *
 * registry.c
 *	  Registering revisions: the rules for ids, messages, scripts and
 *	  parents, and storing them.
 *
 * Both scripts are parsed and validated (core/script.c) before the catalog
 * is touched, so bad input stores nothing.  Registering is idempotent, so
 * that files kept in git can be replayed:
 *
 *	  same id, same message, parents and checksum	no-op
 *	  same id, anything else, not applied			replaced, with a NOTICE
 *	  same id, anything else, applied				error: applied history is
 *													immutable
 *
 * A new revision's parents default to the single head (a first revision is a
 * root); with several heads they must be named.  For an existing id they
 * default to its current parents, so a replayed file without "revises" stays
 * where it was.
 *
 * src/core/registry.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "base/session.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "core/graph.h"
#include "core/lint.h"
#include "core/registry.h"
#include "core/script.h"
#include "core/snapshot.h"

/* Longest message accepted, in characters: a commit message, not a file */
#define MIGRATE_MESSAGE_MAXLEN	1000

/*
 * Ids are [A-Za-z0-9][A-Za-z0-9_.-]{0,63} and not a target keyword, so that
 * an id never reads as "head", "base" or a relative target like -1.
 */
void
registry_check_id(const char *id)
{
	size_t		len = strlen(id);
	bool		ok = len > 0 && len <= MIGRATE_ID_MAXLEN &&
		isalnum((unsigned char) id[0]);

	for (size_t i = 0; ok && i < len; i++)
		ok = isalnum((unsigned char) id[i]) || id[i] == '_' ||
			id[i] == '.' || id[i] == '-';
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid revision id \"%s\"", id),
				 errdetail("A revision id is 1 to %d letters, digits, \"_\", \".\" or \"-\", starting with a letter or digit.",
						   MIGRATE_ID_MAXLEN)));
	/* in any case: "HEADS" next to "heads" would only confuse */
	if (pg_strcasecmp(id, "head") == 0 || pg_strcasecmp(id, "heads") == 0 ||
		pg_strcasecmp(id, "base") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_RESERVED_NAME),
				 errmsg("revision id \"%s\" is reserved", id),
				 errdetail("\"head\", \"heads\" and \"base\" name targets.")));
}

/* 12 random hex digits not yet taken */
static char *
generate_id(RevGraph *g)
{
	for (;;)
	{
		uint8		bytes[6];
		char	   *id = palloc(13);

		if (!pg_strong_random(bytes, sizeof(bytes)))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not generate a random revision id")));
		hex_encode((const char *) bytes, sizeof(bytes), id);
		id[12] = '\0';
		if (graph_find(g, id) < 0)
			return id;
	}
}

static int
cmp_str(const ListCell *a, const ListCell *b)
{
	return strcmp(lfirst(a), lfirst(b));
}

/* Parents as sets: order does not matter */
static bool
same_parents(List *a, List *b)
{
	ListCell   *la;
	ListCell   *lb;

	if (list_length(a) != list_length(b))
		return false;
	a = list_copy(a);
	b = list_copy(b);
	list_sort(a, cmp_str);
	list_sort(b, cmp_str);
	forboth(la, a, lb, b)
		if (strcmp(lfirst(la), lfirst(lb)) != 0)
		return false;
	return true;
}


/*
 * Parents must not build on one another: naming a revision and one of its
 * ancestors says nothing more than naming the revision alone.
 */
static void
check_independent_parents(RevGraph *g, List *parents, bool merge)
{
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, parents)
		foreach(lc2, parents)
		{
			int			a = graph_find(g, lfirst(lc));
			int			b = graph_find(g, lfirst(lc2));

			if (a != b && graph_is_ancestor(g, a, b))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 merge ?
						 errmsg("cannot merge \"%s\" with \"%s\", which builds on it",
								g->nodes[a].id, g->nodes[b].id) :
						 errmsg("parent \"%s\" is redundant: \"%s\" builds on it",
								g->nodes[a].id, g->nodes[b].id),
						 merge ?
						 errhint("Merge the heads of separate branches; see migrate_heads().") :
						 errhint("Name only the revisions nothing else named builds on.")));
		}
}

/*
 * A replaced revision must not end up building on itself.
 */
static void
check_no_cycle(RevGraph *g, const char *id, List *parents)
{
	int			self = graph_find(g, id);
	ListCell   *lc;

	if (self < 0)
		return;
	foreach(lc, parents)
	{
		int			pi = graph_find(g, lfirst(lc));

		if (graph_is_ancestor(g, self, pi))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("revision \"%s\" cannot revise \"%s\", which builds on it",
							id, (char *) lfirst(lc)),
					 errdetail("The revision graph would have a cycle.")));
	}
}

/*
 * The parents of the revision being registered, checked against the graph.
 * revises_given distinguishes "revises => '{}'" (a new root) from no
 * argument (the single head).
 */
static List *
choose_parents(RevGraph *g, const char *id, bool revises_given,
			   List *revises, RevisionRow *old)
{
	ListCell   *lc;
	List	   *heads;
	List	   *parents = NIL;
	if (!revises_given && old != NULL)
		return old->parents;

	if (revises_given)
	{
		foreach(lc, revises)
		{
			const char *parent = lfirst(lc);
			int			pi = graph_find(g, parent);

			if (strcmp(parent, id) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("revision \"%s\" cannot revise itself", id)));
			if (pi < 0)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("parent revision \"%s\" does not exist", parent),
						 errhint("Register the parent first. Parents are named by their full id.")));
		}
		check_no_cycle(g, id, revises);
		check_independent_parents(g, revises, false);
		return revises;
	}

	heads = graph_heads(g);
	if (list_length(heads) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot choose a parent: there are %d heads",
						list_length(heads)),
				 errdetail("The heads are %s.", graph_id_list(g, heads)),
				 errhint("Name the parent with revises => ARRAY['...'], or register a merge that revises every head.")));
	foreach(lc, heads)
		parents = lappend(parents, g->nodes[lfirst_int(lc)].id);
	return parents;
}

/*
 * Store a checked revision: insert it, leave an identical one alone, replace
 * an unapplied one, refuse to change an applied one.  Takes the lock and
 * reads the graph; parents come from choose (below) given that graph.
 * Returns the id, allocated in the caller's memory context.
 */
typedef List *(*parents_chooser) (RevGraph *g, const char *id, RevisionRow *old,
								  void *arg);

/* Whether two rows carry the same lock settings and lint allowances */
static bool
same_settings(RevisionRow *a, RevisionRow *b)
{
	ListCell   *la;
	ListCell   *lb;

	if (a->lock_timeout != b->lock_timeout || a->lock_retries != b->lock_retries ||
		list_length(a->allow) != list_length(b->allow))
		return false;
	forboth(la, a->allow, lb, b->allow)
		if (strcmp(lfirst(la), lfirst(lb)) != 0)
			return false;
	return true;
}

/* The hazards of a new or replaced revision, as migrate.lint says */
static void
lint_row(RevisionRow *row, bool lint)
{
	if (lint)
		lint_registration(row->id, row->up_sql, row->transactional,
						  row->lock_timeout, row->allow);
}

static char *
store_revision(RevisionRow *row, const char *id, parents_chooser choose,
			   void *arg, bool explicit_given, List *explicit_parents,
			   bool lint)
{
	MemoryContext caller = CurrentMemoryContext;
	RevisionRow *old;
	RevGraph   *g;
	char	   *result;

	row->created_by = migrate_current_role();
	migrate_check_can_change();
	SPI_connect();
	catalog_lock();
	old = id ? catalog_get_revision(id) : NULL;

	/*
	 * Files replayed in order name their id and parents: the common cases
	 * need no graph, which would make registering n revisions quadratic.  An
	 * unchanged revision is a no-op; a new one with at most one parent
	 * cannot close a cycle or name a redundant parent.
	 */
	if (id && explicit_given)
	{
		if (old != NULL && strcmp(old->checksum, row->checksum) == 0 &&
			strcmp(old->message, row->message) == 0 &&
			same_parents(old->parents, explicit_parents) &&
			same_settings(old, row))
		{
			result = MemoryContextStrdup(caller, id);
			SPI_finish();
			return result;
		}
		if (old == NULL && list_length(explicit_parents) <= 1)
		{
			if (explicit_parents != NIL)
			{
				const char *parent = linitial(explicit_parents);

				if (strcmp(parent, id) == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("revision \"%s\" cannot revise itself", id)));
				if (!catalog_revision_exists(parent))
					ereport(ERROR,
							(errcode(ERRCODE_UNDEFINED_OBJECT),
							 errmsg("parent revision \"%s\" does not exist", parent),
							 errhint("Register the parent first. Parents are named by their full id.")));
			}
			row->id = pstrdup(id);
			row->parents = explicit_parents;
			lint_row(row, lint);
			catalog_insert_revision(row);
			result = MemoryContextStrdup(caller, id);
			SPI_finish();
			return result;
		}
	}

	g = catalog_load_graph();
	row->id = id ? pstrdup(id) : generate_id(g);
	row->parents = choose(g, row->id, old, arg);

	if (old == NULL)
	{
		lint_row(row, lint);
		catalog_insert_revision(row);
	}
	else if (strcmp(old->checksum, row->checksum) != 0 ||
			 strcmp(old->message, row->message) != 0 ||
			 !same_parents(old->parents, row->parents) ||
			 !same_settings(old, row))
	{
		if (old->applied)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("revision \"%s\" is applied and cannot be changed", row->id),
					 old->transactional != row->transactional ?
					 errdetail(old->transactional ?
							   "It is registered as transactional, and is given as non-transactional." :
							   "It is registered as non-transactional, and is given as transactional.") :
					 strcmp(old->checksum, row->checksum) != 0 ?
					 errdetail("Its scripts differ from the registered ones (checksum %.12s, given %.12s).",
							   old->checksum, row->checksum) :
					 strcmp(old->message, row->message) != 0 ?
					 errdetail("Its message differs from the registered one.") :
					 !same_settings(old, row) ?
					 errdetail("Its lock settings or lint allowances differ from the registered ones.") :
					 errdetail("Its parents differ from the registered ones."),
					 errhint("Applied history is immutable: register the change as a new revision.")));
		lint_row(row, lint);
		catalog_update_revision(row);
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 errmsg("replaced revision \"%s\", which was not applied", row->id)));
	}

	result = MemoryContextStrdup(caller, row->id);
	SPI_finish();
	return result;
}

/*
 * A revision's message: not NULL, not blank, and a commit message's size.
 * Every way to make a revision checks it here, so the rule and its errors
 * are one.
 */
void
registry_check_message(const char *message)
{
	int			len;

	if (message == NULL || message[strspn(message, " \t\r\n")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a revision needs a message"),
				 errhint("Say what the revision changes, as in a commit message.")));
	len = pg_mbstrlen(message);
	if (len > MIGRATE_MESSAGE_MAXLEN)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the message is too long"),
				 errdetail("It has %d characters; a message has at most %d.",
						   len, MIGRATE_MESSAGE_MAXLEN),
				 errhint("Say what the revision changes in a line or two, and explain the rest in a comment of the up script.")));
}

typedef struct AddArgs
{
	bool		revises_given;
	List	   *revises;
} AddArgs;

static List *
add_parents(RevGraph *g, const char *id, RevisionRow *old, void *arg)
{
	AddArgs    *a = (AddArgs *) arg;

	return choose_parents(g, id, a->revises_given, a->revises, old);
}

/*
 * The parents of a merge: the revisions named, or all heads; at least two,
 * none built on another.  Named revisions need not be heads any more, so
 * that exported files replay in apply order, where a later branch may
 * already build on a merged revision.
 */
typedef struct MergeArgs
{
	bool		named_given;	/* revises => ... was passed, maybe {} */
	List	   *named;
} MergeArgs;

static List *
merge_parents(RevGraph *g, const char *id, RevisionRow *old, void *arg)
{
	MergeArgs  *m = (MergeArgs *) arg;
	List	   *named = m->named;
	List	   *parents = NIL;
	ListCell   *lc;

	if (old != NULL && (!m->named_given || same_parents(old->parents, named)))
		return old->parents;

	if (!m->named_given)
	{
		foreach(lc, graph_heads(g))
			parents = lappend(parents, g->nodes[lfirst_int(lc)].id);
	}
	else
	{
		foreach(lc, named)
		{
			int			idx = graph_lookup(g, lfirst(lc));

			if (strcmp(g->nodes[idx].id, id) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("revision \"%s\" cannot merge itself", id)));
			if (!migrate_list_has(parents, g->nodes[idx].id))
				parents = lappend(parents, g->nodes[idx].id);
		}
	}
	if (list_length(parents) < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a merge needs at least two heads"),
				 !m->named_given ?
				 errdetail_plural("There is %d head.", "There are %d heads.",
								  list_length(parents), list_length(parents)) :
				 parents == NIL ?
				 errdetail("No revision was named.") :
				 errdetail("Only one distinct revision was named."),
				 !m->named_given ?
				 errhint("Nothing needs merging while there is a single head.") :
				 errhint("Name two or more revisions, or none to merge every head.")));
	check_no_cycle(g, id, parents);
	check_independent_parents(g, parents, true);
	return parents;
}

/*
 * The scripts of a revision to add: the size limit, then the parser's
 * checks, before the catalog is touched; a dropped BEGIN/COMMIT pair says
 * so.  An empty up script is refused: a revision must change something.
 */
static void
check_scripts(RevisionRow *row)
{
	MigrateScript *up;
	MigrateScript *down = NULL;

	script_check_size(row->up_sql, "up");
	if (row->down_sql)
		script_check_size(row->down_sql, "down");
	up = script_parse_mode(row->up_sql, "up", row->transactional);
	if (up->nstmts == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the up script has no statements"),
				 errhint("Empty migrations are refused: a revision must change something.")));
	if (row->down_sql != NULL)
		down = script_parse_mode(row->down_sql, "down", row->transactional);
	if (up->wrapper)
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 errmsg("dropped the BEGIN/COMMIT pair around the up script"),
				 errdetail("A revision always runs atomically: in the transaction of the push, or in its own when deployed.")));
	if (down && down->wrapper)
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 errmsg("dropped the BEGIN/COMMIT pair around the down script"),
				 errdetail("A revision always runs atomically: in the transaction of the push, or in its own when deployed.")));
	row->checksum = script_checksum(row->up_sql, row->down_sql,
									row->transactional);
}

/* A new row with a checked message, its id (if given) checked too */
static void
new_row(RevisionRow *row, const char *message, const char *id)
{
	memset(row, 0, sizeof(*row));
	row->transactional = true;
	row->lock_timeout = -1;
	row->lock_retries = -1;
	registry_check_message(message);
	if (id != NULL)
		registry_check_id(id);
	row->message = pstrdup(message);
}

/*
 * Register a revision: message, up and down scripts (down NULL: it is
 * irreversible), its id (NULL: a new random one), and its parents (when
 * revises_given; else the single head, or its parents if it exists).
 * Returns the id.
 */
char *
registry_add(const char *message, const char *up, const char *down,
			 const char *id, bool revises_given, List *revises,
			 bool transactional, const RevisionOptions *opts)
{
	RevisionRow row;
	AddArgs		args;

	new_row(&row, message, id);
	row.transactional = transactional;
	if (opts)
	{
		row.allow = lint_check_allow(opts->allow);
		row.lock_timeout = opts->lock_timeout;
		row.lock_retries = opts->lock_retries;
		/* the background worker runs its steps with no lock timeout */
		if (!transactional && (opts->lock_timeout >= 0 || opts->lock_retries >= 0))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("a non-transactional revision cannot have its own lock_timeout or lock_retries"),
					 errdetail("Its steps run one at a time in a background worker, which waits for its locks as CREATE INDEX CONCURRENTLY does, and does not retry."),
					 errhint("Leave them out, or split the statements that need them into a transactional revision.")));
	}
	row.up_sql = pstrdup(up);
	row.down_sql = down ? pstrdup(down) : NULL;
	/* everything about the scripts is checked before the catalog is read */
	check_scripts(&row);
	args.revises_given = revises_given;
	args.revises = revises;
	return store_revision(&row, id, add_parents, &args, revises_given, revises,
						  true);
}

/*
 * Register a merge of the revisions named (when named_given), or of every
 * head.  A merge has no SQL of its own; pushing it only records that both
 * branches are in.  Returns its id.
 */
char *
registry_merge(const char *message, const char *id, bool named_given,
			   List *named)
{
	RevisionRow row;
	MergeArgs	args;

	new_row(&row, message, id);
	row.up_sql = "-- merge: no SQL of its own";
	row.down_sql = row.up_sql;
	row.checksum = script_checksum(row.up_sql, row.down_sql, true);
	args.named_given = named_given;
	args.named = named;
	return store_revision(&row, id, merge_parents, &args, false, NIL, false);
}

/*
 * Adopt: register a new revision made of the
 * out-of-band DDL logged since the last migration (the newest history row):
 * a hotfix made by hand becomes history instead of drift.  The revision
 * builds on the current revisions and is recorded as applied (history
 * action "adopt"); the log rows it covers are attributed to it.
 */
char *
registry_adopt(const char *message, const char *down)
{
	MemoryContext caller = CurrentMemoryContext;
	RevisionRow row;
	MigrateScript *up;
	StringInfoData buf;
	List	   *statements;
	List	   *seqs;
	ListCell   *lc;
	RevGraph   *g;
	char	   *result;

	new_row(&row, message, NULL);
	row.down_sql = down ? pstrdup(down) : NULL;
	if (row.down_sql)
	{
		script_check_size(row.down_sql, "down");
		(void) script_parse(row.down_sql, "down");
	}
	row.created_by = migrate_current_role();

	migrate_check_can_change();
	SPI_connect();
	catalog_lock();
	g = catalog_load_graph();

	statements = catalog_unadopted_statements(&seqs);
	if (statements == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("there is no out-of-band schema change to adopt"),
				 errdetail("migrate.ddl_log has no DDL outside a migration since the last migration."),
				 errhint("migrate_ddl_log(out_of_band_only => true) lists what was logged.")));

	initStringInfo(&buf);
	foreach(lc, statements)
		appendStringInfo(&buf, "%s;\n", (char *) lfirst(lc));
	row.up_sql = buf.data;
	script_check_size(row.up_sql, "up");
	up = script_parse(row.up_sql, "up");
	if (up->nstmts == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("there is no out-of-band schema change to adopt")));
	row.checksum = script_checksum(row.up_sql, row.down_sql, true);

	row.id = generate_id(g);
	row.parents = NIL;
	for (int k = 0; k < g->n; k++)
		if (graph_is_current(g, g->order[k]))
			row.parents = lappend(row.parents, g->nodes[g->order[k]].id);

	catalog_insert_revision(&row);
	catalog_mark_applied(row.id, row.created_by, GetCurrentTimestamp(), NULL);
	catalog_log_history(row.id, "adopt", row.created_by, GetCurrentTimestamp(),
						NULL, row.checksum, NULL);
	catalog_attribute_ddl(seqs, row.id);
	migrate_save_snapshot();

	result = MemoryContextStrdup(caller, row.id);
	SPI_finish();
	return result;
}
