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

/* The registered revisions, as migrate_status() and migrate_show() say */
typedef struct Registered
{
	int			n;
	char	  **id;
	char	  **state;
	char	  **message;
	char	  **parents;
	char	  **checksum;		/* of pending revisions only, else NULL */
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

/*
 * Every registered revision, in apply order; the checksum of the pending
 * ones only (migrate_show() reads the graph each time: an applied revision
 * refuses a changed file on its own)
 */
static Registered *
load_registered(void)
{
	Registered *reg = pg_malloc0(sizeof(Registered));
	PGresult   *res = pm_query(psprintf("SELECT s.revision, s.state, s.message, s.parents::text,"
										" CASE WHEN s.state <> 'applied'"
										" THEN (SELECT v.checksum FROM %s(s.revision) v) END"
										" FROM %s() s",
										pm_fn("migrate_show"), pm_fn("migrate_status")),
							   0, NULL);
	char	 ***cols[] = {&reg->id, &reg->state, &reg->message, &reg->parents, &reg->checksum};

	reg->n = PQntuples(res);
	for (int c = 0; c < 5; c++)
	{
		*cols[c] = pg_malloc0(sizeof(char *) * (reg->n + 1));
		for (int i = 0; i < reg->n; i++)
			if (!PQgetisnull(res, i, c))
				(*cols[c])[i] = pg_strdup(PQgetvalue(res, i, c));
	}
	reg->has_file = pg_malloc0(sizeof(bool) * (reg->n + 1));
	PQclear(res);
	return reg;
}

/*
 * One file a savepoint, when the folder in one statement failed: the ids
 * into ids, and for a file an applied revision refuses, the server's
 * reason into why.  A file the extension refuses for itself exits 5.
 */
static void
register_each(const PmFolder *folder, const Registered *reg, char **ids, char **why)
{
	const char *add = psprintf("SELECT %s($1, $2, $3)", pm_fn("migrate_add_file"));
	const char *parse = psprintf("SELECT id FROM %s($1, $2, $3)", pm_fn("migrate_parse_file"));

	for (int i = 0; i < folder->nfiles; i++)
	{
		const PmFile *file = &folder->files[i];
		const char *params[3] = {file->name, file->content, i > 0 ? ids[i - 1] : NULL};
		PGresult   *res;
		PGresult   *parsed;

		pm_exec("SAVEPOINT pg_migrate_file");
		res = pm_try(add, 3, params);
		if (PQresultStatus(res) == PGRES_TUPLES_OK)
		{
			ids[i] = pg_strdup(PQgetvalue(res, 0, 0));
			PQclear(res);
			pm_exec("RELEASE SAVEPOINT pg_migrate_file");
			continue;
		}
		if (!pm_connected())
			pm_fail(res, PM_EXIT_CONNECT, NULL);
		pm_exec("ROLLBACK TO SAVEPOINT pg_migrate_file");
		parsed = pm_try(parse, 3, params);
		if (PQresultStatus(parsed) != PGRES_TUPLES_OK ||
			find_registered(reg, PQgetvalue(parsed, 0, 0)) < 0)
		{
			/* a file the extension refuses on its own */
			pm_notices = true;
			pm_fail(res, PM_EXIT_FILES,
					psprintf("while registering file \"%s/%s\"", pm_opts.dir, file->name));
		}
		ids[i] = pg_strdup(PQgetvalue(parsed, 0, 0));
		why[i] = pg_strdup(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
		PQclear(parsed);
		PQclear(res);
	}
}

/* How a registered revision differs after its file is registered again */
static const char *
difference(const Registered *before, int b, const Registered *after, int a)
{
	if (strcmp(before->message[b], after->message[a]) != 0)
		return "The file's message differs from the registered one.";
	if (strcmp(before->parents[b], after->parents[a]) != 0)
		return "The file's parents differ from the registered ones.";
	if (before->checksum[b] && after->checksum[a] &&
		strcmp(before->checksum[b], after->checksum[a]) != 0)
		return "The file's scripts differ from the registered ones.";
	return NULL;
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
	Registered *after;
	PQExpBufferData json;
	char	  **ids;
	char	  **why = pg_malloc0(sizeof(char *) * (folder->nfiles + 1));
	PGresult   *res;
	int			rc = PM_EXIT_OK;

	pm_connect();
	pm_require_extension();
	initPQExpBuffer(&json);
	appendPQExpBufferChar(&json, '[');

	pm_exec("BEGIN");
	reg = load_registered();
	/* the extension's notices about replacing revisions would mislead */
	pm_notices = false;
	ids = register_batch(folder);
	if (ids == NULL)
	{
		ids = pg_malloc0(sizeof(char *) * (folder->nfiles + 1));
		register_each(folder, reg, ids, why);
	}
	after = load_registered();
	pm_notices = true;
	check_twins(folder, ids);

	for (int i = 0; i < folder->nfiles; i++)
	{
		int			b = find_registered(reg, ids[i]);
		const char *changed;

		if (b < 0)
		{
			finding(&json, "unregistered", folder->files[i].name, ids[i], NULL);
			found(&rc, PM_EXIT_CHECK_UNREG);
			continue;
		}
		reg->has_file[b] = true;
		changed = why[i] ? why[i] : difference(reg, b, after, find_registered(after, ids[i]));
		if (changed)
		{
			finding(&json, "changed", folder->files[i].name, ids[i], changed);
			found(&rc, PM_EXIT_CHECK_CHANGED);
		}
	}

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
	{
		printf("{\"ok\":%s,\"exit\":%d,\"files\":%d,\"registered\":%d,\"findings\":%s}\n",
			   rc == PM_EXIT_OK ? "true" : "false", rc, folder->nfiles, reg->n, json.data);
		pm_json_printed = true;
	}
	else if (rc == PM_EXIT_OK)
		printf("check passed: %d files, %d revisions registered%s, no drift\n",
			   folder->nfiles, reg->n,
			   pm_opts.allow_pending ? "" : " and applied");
	else
		printf("check failed (exit %d)\n", rc);
	termPQExpBuffer(&json);
	return rc;
}
