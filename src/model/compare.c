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
#include "utils/resowner.h"
#include "utils/snapmgr.h"

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
