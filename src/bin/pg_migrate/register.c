/*-------------------------------------------------------------------------
 *
 * register.c
 *	  Registering the migrations folder: its files handed to the
 *	  extension's migrate_add_file() in name order, each with the id of the
 *	  file before it, so that the extension alone applies the format's
 *	  defaults and the registration rules.  The whole folder goes in one
 *	  statement; when that fails, one statement a file tells which file.
 *
 * src/bin/pg_migrate/register.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include "common/logging.h"

#include "pg_migrate.h"

/* The names or the contents of the folder's files as one array literal */
static char *
array_literal(const PmFolder *folder, bool contents)
{
	PQExpBufferData buf;

	initPQExpBuffer(&buf);
	appendPQExpBufferChar(&buf, '{');
	for (int i = 0; i < folder->nfiles; i++)
	{
		const char *v = contents ? folder->files[i].content : folder->files[i].name;

		appendPQExpBufferStr(&buf, i ? ",\"" : "\"");
		for (; *v; v++)
		{
			if (*v == '"' || *v == '\\')
				appendPQExpBufferChar(&buf, '\\');
			appendPQExpBufferChar(&buf, *v);
		}
		appendPQExpBufferChar(&buf, '"');
	}
	appendPQExpBufferChar(&buf, '}');
	if (PQExpBufferBroken(&buf))
	{
		pm_log_error("out of memory");
		pm_exit(PM_EXIT_FILES);
	}
	return buf.data;
}

/*
 * Register the files one statement each, so that an error names its file
 * (exit 5); the ids into ids.
 */
static void
register_one_by_one(const PmFolder *folder, char **ids)
{
	const char *sql = psprintf("SELECT %s($1, $2, $3)", pm_fn("migrate_add_file"));

	for (int i = 0; i < folder->nfiles; i++)
	{
		const char *params[3] = {folder->files[i].name, folder->files[i].content,
		i > 0 ? ids[i - 1] : NULL};
		PGresult   *res = pm_try(sql, 3, params);

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			pm_fail(res, PM_EXIT_FILES,
					psprintf("while registering file \"%s/%s\" (nothing of the folder is registered)",
							 pm_opts.dir, folder->files[i].name));
		ids[i] = pg_strdup(PQgetvalue(res, 0, 0));
		PQclear(res);
	}
}

/*
 * Register every file of the folder in one statement (a recursive query
 * passes each file's id to the next as its previous one), so that a
 * folder of a thousand files costs one round trip; in a savepoint of the
 * caller's transaction.  Returns the ids, one per file, or NULL when the
 * statement failed, rolled back to the savepoint.
 */
char **
register_batch(const PmFolder *folder)
{
	char	  **ids = pg_malloc0(sizeof(char *) * (folder->nfiles + 1));
	const char *params[2];
	PGresult   *res;

	if (folder->nfiles == 0)
		return ids;
	params[0] = array_literal(folder, false);
	params[1] = array_literal(folder, true);
	pm_exec("SAVEPOINT pg_migrate_register");
	res = pm_try(psprintf("WITH RECURSIVE r(i, id) AS ("
						  " SELECT 0, NULL::text"
						  " UNION ALL"
						  " SELECT r.i + 1, %s(($1::text[])[r.i + 1], ($2::text[])[r.i + 1], r.id)"
						  " FROM r WHERE r.i < pg_catalog.cardinality($1::text[]))"
						  " SELECT id FROM r WHERE i > 0 ORDER BY i",
						  pm_fn("migrate_add_file")), 2, params);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == folder->nfiles)
	{
		for (int i = 0; i < folder->nfiles; i++)
			ids[i] = pg_strdup(PQgetvalue(res, i, 0));
		PQclear(res);
		pm_exec("RELEASE SAVEPOINT pg_migrate_register");
		return ids;
	}
	if (!pm_connected())
		pm_fail(res, PM_EXIT_CONNECT, NULL);
	PQclear(res);
	pm_exec("ROLLBACK TO SAVEPOINT pg_migrate_register");
	free(ids);
	return NULL;
}

/* Exit 5 if two files hold one revision */
void
check_twins(const PmFolder *folder, char **ids)
{
	for (int i = 0; i < folder->nfiles; i++)
		for (int j = 0; j < i; j++)
			if (ids[i] && ids[j] && strcmp(ids[j], ids[i]) == 0)
			{
				pm_log_error("files \"%s\" and \"%s\" both hold revision \"%s\"",
							 folder->files[j].name, folder->files[i].name, ids[i]);
				pm_log_error_hint("Give each file an id of its own (its name, or an \"-- id:\" line).");
				pm_exit(PM_EXIT_FILES);
			}
}

/*
 * Register every file of the folder, in name order, each with the id of
 * the file before it (the extension applies the format's defaults and the
 * registration rules), in the caller's transaction.  Returns the ids, one
 * per file; *previous, if not NULL, gets the id each file was registered
 * after (NULL for the first).  A refused file, or two files holding one
 * revision, exit 5; the caller's transaction goes with the connection.
 * The files go in one statement; when it fails, they are registered again
 * one statement each, for an error that names its file.
 */
char **
register_folder(const PmFolder *folder, char ***previous)
{
	char	  **ids = register_batch(folder);

	if (ids == NULL)
	{
		ids = pg_malloc0(sizeof(char *) * (folder->nfiles + 1));
		/* the notices of the files before the failing one were said */
		pm_notices = false;
		register_one_by_one(folder, ids);
		pm_notices = true;
	}
	if (previous)
	{
		*previous = pg_malloc0(sizeof(char *) * (folder->nfiles + 1));
		for (int i = 1; i < folder->nfiles; i++)
			(*previous)[i] = ids[i - 1];
	}
	check_twins(folder, ids);
	return ids;
}
