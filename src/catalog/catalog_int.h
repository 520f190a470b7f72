/*-------------------------------------------------------------------------
 *
 * catalog_int.h
 *	  What the two files of the catalog module share: running a query as
 *	  the owner, reading its result, whether rows are kept unwritten, and
 *	  writing rows without SQL.
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

/* direct.c: rows stored into a catalog table without SQL */
#define DIRECT_MAX_COLUMNS 20

typedef struct DirectColumn
{
	const char *name;
	Oid			type;
} DirectColumn;

typedef struct DirectWriter DirectWriter;

extern DirectWriter *direct_open(const char *relname, const DirectColumn *cols,
								 int ncols);
extern void direct_insert(DirectWriter *w, const Datum *values,
						  const bool *nulls);
extern void direct_close(DirectWriter *w);
extern bool direct_has_row(const char *relname, const char *colname,
						   const char *value);
extern int64 direct_max_int8(const char *relname, const char *colname);

#endif							/* MIGRATE_CATALOG_INT_H */
