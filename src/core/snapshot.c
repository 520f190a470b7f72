/*-------------------------------------------------------------------------
 *
 * snapshot.c
 *	  The expected state: the live model, saved after every call that
 *	  changes what is applied.
 *
 * src/core/snapshot.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/catalog.h"
#include "core/snapshot.h"
#include "model/model.h"

/*
 * Save the live model as the expected state, and its fingerprint in the
 * history rows this transaction wrote.  The caller holds the SPI connection
 * and the migration lock.
 */
void
migrate_save_snapshot(void)
{
	/* as the scripts left it: model_read_now() reads under a new snapshot */
	SchemaModel *m = model_read_now();

	catalog_save_snapshot(model_fingerprint(m), model_serialize(m));
}
