/*-------------------------------------------------------------------------
 *
 * catalog_int.h
 *	  What the two files of the catalog module share: running a query as
 *	  the owner, reading its result, and whether rows are kept unwritten.
 *	  Nothing outside src/catalog includes it.
 *
 * src/catalog/catalog_int.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_CATALOG_INT_H
#define MIGRATE_CATALOG_INT_H

extern void catalog_exec_kept(const char *sql, int nargs, Oid *types,
							  Datum *values, const char *nulls, int expected);
extern void catalog_exec(const char *sql, int nargs, Oid *types,
						 Datum *values, const char *nulls, int expected);
extern char *catalog_get_text(int r, int i);
extern Datum catalog_get_datum(int r, int i, bool *isnull);
extern bool catalog_pending_rows(void);
extern void catalog_flush(void);

#endif							/* MIGRATE_CATALOG_INT_H */
