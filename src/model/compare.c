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
#include "utils/snapmgr.h"

#include "model/model.h"

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
