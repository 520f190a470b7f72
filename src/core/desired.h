/*-------------------------------------------------------------------------
 *
 * desired.h
 *	  The desired state of the whole database, built from SQL in a scratch
 *	  database and read back as a model.
 *
 * src/core/desired.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_DESIRED_H
#define MIGRATE_DESIRED_H

#include "model/model.h"

extern SchemaModel *desired_read_database(const char *sql, List *schemas,
										  bool framed);

#endif							/* MIGRATE_DESIRED_H */
