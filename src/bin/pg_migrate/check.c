/*-------------------------------------------------------------------------
 *
 * check.c
 *	  The CI gate: the folder and the database agree, nothing is pending,
 *	  nothing drifted.  It changes nothing: in one transaction it rolls
 *	  back, every file is registered again, each in a savepoint, and a
 *	  registered revision whose checksum that changes, or which refuses the
 *	  file (an applied one), differs from its file.  The extension alone
 *	  judges, as for a real registration.
 *
 * Findings and their exit codes (the smallest wins):
 *	  10 changed		a file differs from its registration
 *	  11 missing		a registered revision has no file
 *	  12 unregistered	a file is not registered
 *	  13 drift			the schema differs from what the migrations left
 *	  14 pending		a registered revision is not applied
 *
 * src/bin/pg_migrate/check.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include "common/logging.h"

#include "pg_migrate.h"

/* The registered revisions before the check registers anything */
typedef struct Registered
{
	int			n;
	char	  **id;
	char	  **state;
	char	  **checksum;
	bool	   *has_file;
} Registered;

static int
find_registered(const Registered *reg, const char *id)
{
	for (int i = 0; i < reg->n; i++)
		if (strcmp(reg->id[i], id) == 0)
			return i;
	return -1;
}

/* Every registered revision, its state and checksum, in apply order */
static Registered *
load_registered(void)
{
	Registered *reg = pg_malloc0(sizeof(Registered));
	PGresult   *res = pm_query(psprintf("SELECT s.revision, s.state, v.checksum "
										"FROM %s() s CROSS JOIN LATERAL %s(s.revision) v",
										pm_fn("migrate_status"), pm_fn("migrate_show")),
							   0, NULL);

	reg->n = PQntuples(res);
	reg->id = pg_malloc0(sizeof(char *) * (reg->n + 1));
	reg->state = pg_malloc0(sizeof(char *) * (reg->n + 1));
	reg->checksum = pg_malloc0(sizeof(char *) * (reg->n + 1));
	reg->has_file = pg_malloc0(sizeof(bool) * (reg->n + 1));
	for (int i = 0; i < reg->n; i++)
	{
		reg->id[i] = pg_strdup(PQgetvalue(res, i, 0));
		reg->state[i] = pg_strdup(PQgetvalue(res, i, 1));
		reg->checksum[i] = pg_strdup(PQgetvalue(res, i, 2));
	}
	PQclear(res);
	return reg;
}

/* The checksum registered for id now */
static char *
checksum_now(const char *id)
{
	PGresult   *res = pm_query(psprintf("SELECT checksum FROM %s($1)", pm_fn("migrate_show")),
							   1, &id);
	char	   *sum = pg_strdup(PQgetvalue(res, 0, 0));

	PQclear(res);
	return sum;
}

/* A finding: one line on stderr, one entry of the JSON list */
static void
finding(PQExpBuffer json, const char *kind, const char *file, const char *id,
		const char *why)
{
	if (pm_opts.json)
		;
	else if (file == NULL && id == NULL)
		fprintf(stderr, "pg_migrate: check: %s: %s\n", kind, why);
	else
	{
		fprintf(stderr, "pg_migrate: check: %s: %s%s%s%s%s\n", kind,
				file ? "file " : "", file ? file : "",
				file && id ? ", " : "", id ? "revision " : "", id ? id : "");
		if (why)
			fprintf(stderr, "    %s\n", why);
	}
	if (json->len > 1)
		appendPQExpBufferChar(json, ',');
	appendPQExpBufferChar(json, '{');
	json_field(json, "kind", kind);
	json_field(json, "file", file);
	json_field(json, "revision", id);
	json_field(json, "detail", why);
	appendPQExpBufferChar(json, '}');
}

/* Exit 5 if a file before file i holds revision id too */
static void
check_twins(const PmFolder *folder, char **ids, int i, const char *id)
{
	for (int j = 0; j < i; j++)
		if (strcmp(ids[j], id) == 0)
		{
			pg_log_error("files \"%s\" and \"%s\" both hold revision \"%s\"",
						 folder->files[j].name, folder->files[i].name, id);
			pg_log_error_hint("Give each file an id of its own (its name, or an \"-- id:\" line).");
			pm_exit(PM_EXIT_FILES);
		}
}

static void
found(int *rc, int code)
{
	if (*rc == PM_EXIT_OK || code < *rc)
		*rc = code;
}

/*
 * check [--allow-pending]: every finding printed, the smallest code
 * returned; --json prints {"ok":..., "exit":..., "findings":[...]}.
 */
int
verb_check(void)
{
	PmFolder   *folder = folder_read(pm_opts.dir, true);
	Registered *reg;
	PQExpBufferData json;
	const char *add = NULL;
	const char *parse = NULL;
	char	   *previous = NULL;
	char	  **ids = pg_malloc0(sizeof(char *) * (folder->nfiles + 1));
	PGresult   *res;
	int			rc = PM_EXIT_OK;

	pm_connect();
	pm_require_extension();
	add = psprintf("SELECT %s($1, $2, $3)", pm_fn("migrate_add_file"));
	parse = psprintf("SELECT id FROM %s($1, $2, $3)", pm_fn("migrate_parse_file"));
	initPQExpBuffer(&json);
	appendPQExpBufferChar(&json, '[');

	pm_exec("BEGIN");
	reg = load_registered();
	/* the extension's notices about replacing revisions would mislead */
	pm_notices = false;
	for (int i = 0; i < folder->nfiles; i++)
	{
		const PmFile *file = &folder->files[i];
		const char *params[3] = {file->name, file->content, previous};
		char	   *id;
		int			at;

		pm_exec("SAVEPOINT pg_migrate_file");
		res = pm_try(add, 3, params);
		if (PQresultStatus(res) == PGRES_TUPLES_OK)
		{
			id = pg_strdup(PQgetvalue(res, 0, 0));
			PQclear(res);
			check_twins(folder, ids, i, id);
			at = find_registered(reg, id);
			if (at < 0)
			{
				finding(&json, "unregistered", file->name, id, NULL);
				found(&rc, PM_EXIT_CHECK_UNREG);
			}
			else
			{
				char	   *sum = checksum_now(id);

				reg->has_file[at] = true;
				if (strcmp(sum, reg->checksum[at]) != 0)
				{
					finding(&json, "changed", file->name, id,
							"The file's scripts differ from the registered ones.");
					found(&rc, PM_EXIT_CHECK_CHANGED);
				}
			}
			pm_exec("RELEASE SAVEPOINT pg_migrate_file");
		}
		else
		{
			char	   *why = pg_strdup(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ?
										PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : "");
			PGresult   *parsed;

			if (!pm_connected())
				pm_fail(res, PM_EXIT_CONNECT, NULL);
			pm_exec("ROLLBACK TO SAVEPOINT pg_migrate_file");
			parsed = pm_try(parse, 3, params);
			if (PQresultStatus(parsed) != PGRES_TUPLES_OK ||
				(at = find_registered(reg, PQgetvalue(parsed, 0, 0))) < 0)
			{
				/* a file the extension refuses on its own */
				pm_notices = true;
				pm_fail(res, PM_EXIT_FILES,
						psprintf("while registering file \"%s/%s\"", pm_opts.dir, file->name));
			}
			id = pg_strdup(PQgetvalue(parsed, 0, 0));
			PQclear(parsed);
			PQclear(res);
			check_twins(folder, ids, i, id);
			reg->has_file[at] = true;
			finding(&json, "changed", file->name, id, why);
			found(&rc, PM_EXIT_CHECK_CHANGED);
		}
		ids[i] = previous = id;
	}
	pm_notices = true;

	for (int i = 0; i < reg->n; i++)
		if (!reg->has_file[i])
		{
			finding(&json, "missing", NULL, reg->id[i],
					"The revision is registered, and no file of the folder holds it.");
			found(&rc, PM_EXIT_CHECK_MISSING);
		}
	pm_exec("ROLLBACK");

	res = pm_query(psprintf("SELECT kind, identity, change FROM %s()", pm_fn("migrate_drift")),
				   0, NULL);
	for (int i = 0; i < PQntuples(res); i++)
	{
		char	   *what = psprintf("%s %s %s", PQgetvalue(res, i, 0),
									PQgetvalue(res, i, 1), PQgetvalue(res, i, 2));

		finding(&json, "drift", NULL, NULL, what);
		found(&rc, PM_EXIT_CHECK_DRIFT);
		free(what);
	}
	PQclear(res);

	for (int i = 0; i < reg->n; i++)
		if (strcmp(reg->state[i], "applied") != 0 && !pm_opts.allow_pending)
		{
			finding(&json, "pending", NULL, reg->id[i], NULL);
			found(&rc, PM_EXIT_CHECK_PENDING);
		}

	appendPQExpBufferChar(&json, ']');
	if (pm_opts.json)
		printf("{\"ok\":%s,\"exit\":%d,\"files\":%d,\"registered\":%d,\"findings\":%s}\n",
			   rc == PM_EXIT_OK ? "true" : "false", rc, folder->nfiles, reg->n, json.data);
	else if (rc == PM_EXIT_OK)
		printf("check passed: %d files, %d revisions registered%s, no drift\n",
			   folder->nfiles, reg->n,
			   pm_opts.allow_pending ? "" : " and applied");
	else
		printf("check failed (exit %d)\n", rc);
	termPQExpBuffer(&json);
	return rc;
}
