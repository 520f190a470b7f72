/*-------------------------------------------------------------------------
 *
 * compare.c
 *	  Two models compared, and the live one read as this transaction now
 *	  sees it.
 *
 * src/model/compare.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/regproc.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"

#include "base/compat.h"
#include "base/util.h"
#include "model/model_int.h"

/*
 * The live model, as this transaction's last command left it.  The deparser
 * reads some catalogs (view rules) through SPI with the active snapshot,
 * which may predate what the caller just did: read under a new one.
 */
SchemaModel *
model_read_now(void)
{
	SchemaModel *m;

	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	m = model_read();
	PopActiveSnapshot();
	return m;
}

/* Both models' objects, compared in one pass over the sorted lists */
List *
model_compare(SchemaModel *expected, SchemaModel *actual)
{
	List	   *result = NIL;
	int			i = 0;
	int			j = 0;

	while (i < expected->n || j < actual->n)
	{
		ModelObject *e = i < expected->n ? &expected->objects[i] : NULL;
		ModelObject *a = j < actual->n ? &actual->objects[j] : NULL;
		int			c;
		ModelChange *d;

		if (e == NULL)
			c = 1;
		else if (a == NULL)
			c = -1;
		else
		{
			c = strcmp(e->kind, a->kind);
			if (c == 0)
				c = strcmp(e->identity, a->identity);
		}

		if (c == 0)
		{
			i++;
			j++;
			if (strcmp(e->definition, a->definition) == 0)
				continue;
		}
		d = palloc0(sizeof(ModelChange));
		if (c < 0)
		{
			d->kind = e->kind;
			d->identity = e->identity;
			d->change = "removed";
			d->expected = e->definition;
			i++;
		}
		else if (c > 0)
		{
			d->kind = a->kind;
			d->identity = a->identity;
			d->change = "added";
			d->actual = a->definition;
			j++;
		}
		else
		{
			d->kind = e->kind;
			d->identity = e->identity;
			d->change = "changed";
			d->expected = e->definition;
			d->actual = a->definition;
		}
		result = lappend(result, d);
	}
	return result;
}

/* An object of a model (sorted by kind, then identity), or NULL */
ModelObject *
model_find(SchemaModel *m, const char *kind, const char *identity)
{
	int			lo = 0;
	int			hi = m->n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(kind, m->objects[mid].kind);

		if (c == 0)
			c = strcmp(identity, m->objects[mid].identity);
		if (c == 0)
			return &m->objects[mid];
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The parents a table definition names ("... inherits (a, b) ..."), or NIL */
static List *
definition_parents(const char *definition)
{
	const char *p = strstr(definition, " inherits (");
	List	   *result = NIL;
	bool		quoted = false;
	const char *start;

	if (p == NULL)
		return NIL;
	start = p += strlen(" inherits (");
	for (; *p; p++)
	{
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == ',' || *p == ')'))
		{
			result = lappend(result, pnstrdup(start, p - start));
			if (*p == ')')
				break;
			start = p + 2;
		}
	}
	return result;
}

static int
cmp_change_identity(const void *a, const void *b)
{
	return strcmp((*(ModelChange *const *) a)->identity,
				  (*(ModelChange *const *) b)->identity);
}

/*
 * Leave out of a list of changes (model_compare's) those of a column of a
 * partition or an inheritance child that only repeat the same change of
 * the parent's column: one ALTER TABLE on a partitioned table changes every
 * partition, and is one difference.  A child's column that changed in its
 * own way still counts.
 */
List *
model_fold_inherited(List *changes, SchemaModel *expected, SchemaModel *actual)
{
	ModelChange **columns = palloc(sizeof(ModelChange *) * Max(list_length(changes), 1));
	int			n = 0;
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, changes)
	{
		ModelChange *c = lfirst(lc);

		if (strcmp(c->kind, "column") == 0)
			columns[n++] = c;
	}
	if (n == 0)
		return changes;
	/* model_compare lists them in identity order already; be sure */
	qsort(columns, n, sizeof(ModelChange *), cmp_change_identity);
	foreach(lc, changes)
	{
		ModelChange *c = lfirst(lc);
		int			dot;
		char	   *table;
		ModelObject *t;
		ListCell   *lp;
		bool		repeated = false;

		if (strcmp(c->kind, "column") != 0 ||
			(dot = migrate_last_unquoted(c->identity, '.')) < 0)
		{
			result = lappend(result, c);
			continue;
		}
		table = pnstrdup(c->identity, dot);
		t = model_find(c->actual ? actual : expected, "table", table);
		foreach(lp, t ? definition_parents(t->definition) : NIL)
		{
			ModelChange key;
			ModelChange *keyp = &key;
			ModelChange **hit;

			key.identity = psprintf("%s%s", (char *) lfirst(lp), c->identity + dot);
			hit = bsearch(&keyp, columns, n, sizeof(ModelChange *), cmp_change_identity);
			if (hit != NULL && strcmp((*hit)->change, c->change) == 0 &&
				(c->expected == NULL || strcmp(c->expected, (*hit)->expected) == 0) &&
				(c->actual == NULL || strcmp(c->actual, (*hit)->actual) == 0))
				repeated = true;
		}
		if (!repeated)
			result = lappend(result, c);
	}
	return result;
}

/*
 * A view's definition as 0.1's library wrote it on 15: the same, but with
 * the query as pg_get_viewdef() deparses it there (columns qualified).
 */
static bool
same_but_view_text(const char *expected, const char *actual, const char *identity)
{
	Oid			relid = DatumGetObjectId(DirectFunctionCall1(regclassin,
															 CStringGetDatum(identity)));
	int			nestlevel = model_pin_settings();
	char	   *now = compat_view_query(relid);
	char	   *then = TextDatumGetCString(DirectFunctionCall1(pg_get_viewdef,
															   ObjectIdGetDatum(relid)));
	size_t		alen = strlen(actual);
	size_t		nlen = strlen(now);

	AtEOXact_GUC(true, nestlevel);
	if (strcmp(now, then) == 0 || alen < nlen || strcmp(actual + alen - nlen, now) != 0)
		return false;
	return strcmp(expected, psprintf("%.*s%s", (int) (alen - nlen), actual, then)) == 0;
}

/*
 * An ACL's text without the items a role grants itself ("r=arwdDxt/r"): 0.1's
 * library kept the owner's default item, which 0.2's leaves out.
 */
static char *
without_self_grants(const char *acl)
{
	StringInfoData buf;
	char	   *copy = pstrdup(acl);
	char	   *save = NULL;

	initStringInfo(&buf);
	for (char *item = strtok_r(copy, " ", &save); item; item = strtok_r(NULL, " ", &save))
	{
		char	   *eq = strchr(item, '=');
		char	   *slash = strrchr(item, '/');

		if (eq != NULL && slash != NULL && eq > item &&
			eq - item == strlen(slash + 1) && strncmp(item, slash + 1, eq - item) == 0)
			continue;
		if (buf.len > 0)
			appendStringInfoChar(&buf, ' ');
		appendStringInfoString(&buf, item);
	}
	return buf.data;
}

/*
 * The kinds 0.1's library did not read: a saved model of 0.1 has none of
 * them, which says nothing about the database (a label, for the comments
 * and privileges on them: "extension hstore").
 */
static const char *const kinds_new_in_0_2[] = {
	"extension", "collation", "event trigger", "publication", "statistics",
	"rule", NULL
};

static bool
new_in_0_2(ModelObject *o)
{
	for (int k = 0; kinds_new_in_0_2[k]; k++)
	{
		size_t		len = strlen(kinds_new_in_0_2[k]);

		if (strcmp(o->kind, kinds_new_in_0_2[k]) == 0 ||
			((o->kindid == KIND_COMMENT || o->kindid == KIND_PRIVILEGES) &&
			 strncmp(o->identity, kinds_new_in_0_2[k], len) == 0 &&
			 o->identity[len] == ' '))
			return true;
	}
	return false;
}

/*
 * Settle an expected model that 0.1's library saved: where an object's
 * definition differs from the live one only in how that library wrote it
 * (a view's query deparsed the 15 way, the owner's default item kept in a
 * grant list), take the live definition; the objects of kinds 0.1 did not
 * read (extensions, collations, event triggers, publications) are taken as
 * they are live, when the saved model has
 * none of them.  Any other difference, real drift, is left alone.  Returns
 * how many objects were settled.
 */
int
model_settle(SchemaModel *expected, SchemaModel *actual)
{
	int			settled = 0;
	int			i = 0;
	int			j = 0;
	bool		has_new = false;

	for (int k = 0; k < expected->n && !has_new; k++)
		has_new = new_in_0_2(&expected->objects[k]);
	if (!has_new)
	{
		int			n = expected->n;

		for (int k = 0; k < actual->n; k++)
			if (new_in_0_2(&actual->objects[k]))
			{
				model_add(expected, actual->objects[k].kind,
						  actual->objects[k].identity,
						  actual->objects[k].definition);
				settled++;
			}
		if (expected->n > n)
			model_sort(expected);
	}

	while (i < expected->n && j < actual->n)
	{
		ModelObject *e = &expected->objects[i];
		ModelObject *a = &actual->objects[j];
		int			c = strcmp(e->kind, a->kind);
		bool		same = false;

		if (c == 0)
			c = strcmp(e->identity, a->identity);
		if (c < 0)
		{
			i++;
			continue;
		}
		if (c > 0)
		{
			j++;
			continue;
		}
		i++;
		j++;
		if (strcmp(e->definition, a->definition) == 0)
			continue;
		if (e->kindid == KIND_VIEW || e->kindid == KIND_MATVIEW)
			same = same_but_view_text(e->definition, a->definition, e->identity);
		else if (e->kindid == KIND_PRIVILEGES)
			same = strcmp(without_self_grants(e->definition),
						  without_self_grants(a->definition)) == 0;
		if (same)
		{
			e->definition = a->definition;
			settled++;
		}
	}
	return settled;
}

/*
 * The live model, read in a subtransaction that is rolled back, so that the
 * locks the deparser takes (ACCESS SHARE on every view and what it reads,
 * on every partition) end with the call.  For the functions open to every
 * role: held to the end of a caller's transaction, those locks would let a
 * role that may not even see a view stall every change to it.
 */
SchemaModel *
model_read_released(void)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	SchemaModel *volatile m = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		m = model_read();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		ReThrowError(edata);
	}
	PG_END_TRY();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	return m;
}
