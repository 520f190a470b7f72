/*-------------------------------------------------------------------------
 *
 * verbs.c
 *	  The verbs of pg_migrate, each a thin call of the extension's SQL:
 *	  the folder is registered (register.c), then the verb's function
 *	  runs, in the same transaction where it changes something, so that a
 *	  failure leaves nothing behind.  Results go to stdout, progress and
 *	  errors to stderr.  check.c and fleet.c hold the gate and the fleet.
 *
 * src/bin/pg_migrate/verbs.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <sys/stat.h>
#include <unistd.h>

#include "common/logging.h"

#include "pg_migrate.h"

/* The verb's argument i, or a default */
static const char *
arg_or(int i, const char *dflt)
{
	return pm_opts.nargs > i ? pm_opts.args[i] : dflt;
}

/* Connect, and insist on the extension */
static void
connect_ready(void)
{
	pm_connect();
	pm_require_extension();
}

/* The folder, which must exist; a warning if it holds no file */
static PmFolder *
read_folder(void)
{
	PmFolder   *folder = folder_read(pm_opts.dir, true);

	if (folder->nfiles == 0 && !pm_opts.quiet)
		pg_log_warning("migrations folder \"%s\" holds no .sql file", pm_opts.dir);
	return folder;
}

/* How many revisions are registered, and how many of them applied */
static void
count_revisions(int *registered, int *applied)
{
	PGresult   *res = pm_query(psprintf("SELECT pg_catalog.count(*), "
										"pg_catalog.count(*) FILTER (WHERE state = 'applied') "
										"FROM %s()", pm_fn("migrate_status")), 0, NULL);

	*registered = atoi(PQgetvalue(res, 0, 0));
	*applied = atoi(PQgetvalue(res, 0, 1));
	PQclear(res);
}

/*
 * init: the extension (if this role may create it) and the folder.
 */
int
verb_init(void)
{
	PGresult   *res;
	struct stat st;

	pm_connect();
	res = pm_try("CREATE EXTENSION IF NOT EXISTS migrate", 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		pm_fail(res, PM_EXIT_EXTENSION, NULL);
	PQclear(res);
	pm_require_extension();
	if (stat(pm_opts.dir, &st) == 0)
	{
		if (!S_ISDIR(st.st_mode))
		{
			pm_log_error("\"%s\" exists and is not a folder", pm_opts.dir);
			return PM_EXIT_FILES;
		}
	}
	/* another target of a fleet may have made it meanwhile */
	else if (mkdir(pm_opts.dir, 0777) != 0 &&
			 !(errno == EEXIST && stat(pm_opts.dir, &st) == 0 && S_ISDIR(st.st_mode)))
	{
		pm_log_error("could not create migrations folder \"%s\": %m", pm_opts.dir);
		return PM_EXIT_FILES;
	}
	printf("extension migrate ready; migrations folder \"%s\"\n", pm_opts.dir);
	return PM_EXIT_OK;
}

/*
 * The id the extension reads from a file placed after previous, or exit
 * with code and its error
 */
static char *
parsed_id(const PmFile *file, const char *previous, int code)
{
	const char *params[3] = {file->name, file->content, previous};
	PGresult   *res = pm_try(psprintf("SELECT id FROM %s($1, $2, $3)",
									  pm_fn("migrate_parse_file")), 3, params);
	char	   *id;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		pm_fail(res, code,
				psprintf("while reading file \"%s/%s\"", pm_opts.dir, file->name));
	id = pg_strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return id;
}

/*
 * new MESSAGE: a template file after the last one, its parent written
 * out (the id the extension reads from the last file).
 */
int
verb_new(void)
{
	const char *message = pm_opts.args[0];
	PmFolder   *folder;
	char	   *previous = NULL;
	PmFile		file;
	PQExpBufferData buf;
	char	   *path;

	if (strspn(message, " \t\r\n") == strlen(message))
	{
		pm_log_error("the message of a new revision must not be empty");
		return PM_EXIT_USAGE;
	}
	folder = folder_read(pm_opts.dir, true);
	connect_ready();
	for (int i = 0; i < folder->nfiles; i++)
		previous = parsed_id(&folder->files[i], previous, PM_EXIT_FILES);

	initPQExpBuffer(&buf);
	for (const char *line = message; line;)
	{
		const char *eol = strchr(line, '\n');

		appendPQExpBuffer(&buf, "-- message: %.*s\n",
						  (int) (eol ? eol - line : strlen(line)), line);
		line = eol ? eol + 1 : NULL;
	}
	appendPQExpBuffer(&buf, "-- revises: %s\n", previous ? previous : "none");
	appendPQExpBufferStr(&buf,
						 "-- migrate:up\n"
						 "\n"
						 "-- migrate:down\n"
						 "\n");
	file.name = folder_new_name(folder, message);
	file.content = buf.data;
	/*
	 * the extension must read it back (the message, the parent); a message
	 * it refuses is a bad argument
	 */
	(void) parsed_id(&file, previous, PM_EXIT_USAGE);

	path = psprintf("%s/%s", pm_opts.dir, file.name);
	if (!folder_write_new(path, buf.data))
		return PM_EXIT_FILES;
	printf("%s\n", path);
	return PM_EXIT_OK;
}

/*
 * register: the whole folder, in one transaction.
 */
int
verb_register(void)
{
	PmFolder   *folder = read_folder();
	int			before,
				after,
				applied;

	connect_ready();
	count_revisions(&before, &applied);
	pm_exec("BEGIN");
	(void) register_folder(folder, NULL);
	pm_exec("COMMIT");
	count_revisions(&after, &applied);
	printf("%d files, %d new revisions registered\n", folder->nfiles, after - before);
	return PM_EXIT_OK;
}

/*
 * Whether a revision in the state the query's condition names is
 * non-transactional: its statements run one at a time in a background
 * worker, which only CALL migrate_deploy() (and migrate_deploy_downgrade())
 * starts.
 */
static bool
any_nontransactional(const char *condition)
{
	PGresult   *res = pm_query(psprintf("SELECT count(*) FROM %s() WHERE NOT transactional AND %s",
										pm_fn("migrate_status"), condition), 0, NULL);
	bool		any = strcmp(PQgetvalue(res, 0, 0), "0") != 0;

	PQclear(res);
	return any;
}

/*
 * push [TARGET]: register, then migrate_push(TARGET) in the same
 * transaction; with --each, or when a pending revision is non-transactional
 * (its statements must run outside a transaction block), register, commit,
 * CALL migrate_deploy(): a revision at a time, the non-transactional ones
 * in the server's background worker, whose progress comes as NOTICEs.
 */
int
verb_push(void)
{
	PmFolder   *folder = read_folder();
	const char *target = arg_or(0, "heads");
	PGresult   *res;
	int			registered,
				before,
				after;

	connect_ready();
	pm_exec("BEGIN");
	(void) register_folder(folder, NULL);
	if (!pm_opts.each && any_nontransactional("state <> 'applied'"))
	{
		fprintf(stderr, "pg_migrate: a pending revision is non-transactional: deploying a revision at a time, as with --each\n");
		pm_opts.each = true;
	}
	if (pm_opts.each)
	{
		pm_exec("COMMIT");
		count_revisions(&registered, &before);
		PQclear(pm_query(psprintf("CALL %s($1)", pm_fn("migrate_deploy")), 1, &target));
		count_revisions(&registered, &after);
		pm_applied = after - before;
		printf("%d revisions applied\n", after - before);
		return PM_EXIT_OK;
	}
	res = pm_query(psprintf("SELECT revision, message, duration FROM %s($1)",
							pm_fn("migrate_push")), 1, &target);
	pm_exec("COMMIT");
	pm_applied = PQntuples(res);
	if (PQntuples(res) > 0)
		print_table(res);
	printf("%d revisions applied\n", PQntuples(res));
	PQclear(res);
	return PM_EXIT_OK;
}

/*
 * downgrade [TARGET]: migrate_downgrade(TARGET), default -1; when an
 * applied revision is non-transactional, CALL migrate_deploy_downgrade():
 * a revision at a time, its down statements in the background worker.
 */
int
verb_downgrade(void)
{
	const char *target = arg_or(0, "-1");
	PGresult   *res;

	connect_ready();
	if (any_nontransactional("state <> 'pending'"))
	{
		int			registered,
					before,
					after;

		fprintf(stderr, "pg_migrate: an applied revision is non-transactional: downgrading a revision at a time\n");
		count_revisions(&registered, &before);
		PQclear(pm_query(psprintf("CALL %s($1)", pm_fn("migrate_deploy_downgrade")), 1, &target));
		count_revisions(&registered, &after);
		printf("%d revisions downgraded\n", before - after);
		return PM_EXIT_OK;
	}
	res = pm_query(psprintf("SELECT revision, message, duration FROM %s($1::text)",
							pm_fn("migrate_downgrade")), 1, &target);
	if (PQntuples(res) > 0)
		print_table(res);
	printf("%d revisions downgraded\n", PQntuples(res));
	PQclear(res);
	return PM_EXIT_OK;
}

/*
 * stamp TARGET: register, then migrate_stamp(TARGET).
 */
int
verb_stamp(void)
{
	PmFolder   *folder = read_folder();
	const char *target = pm_opts.args[0];
	PGresult   *res;

	connect_ready();
	pm_exec("BEGIN");
	(void) register_folder(folder, NULL);
	res = pm_query(psprintf("SELECT revision, message, action FROM %s($1)",
							pm_fn("migrate_stamp")), 1, &target);
	pm_exec("COMMIT");
	if (PQntuples(res) > 0)
		print_table(res);
	printf("%d revisions stamped\n", PQntuples(res));
	PQclear(res);
	return PM_EXIT_OK;
}

/* Print a set-returning function: every column with --json, some without */
static int
print_function(const char *fn, const char *columns, bool found_fails)
{
	PGresult   *res;
	int			rows;

	connect_ready();
	res = pm_query(psprintf("SELECT %s FROM %s()", pm_opts.json ? "*" : columns,
							pm_fn(fn)), 0, NULL);
	print_rows(res);
	rows = PQntuples(res);
	PQclear(res);
	return found_fails && rows > 0 ? PM_EXIT_FOUND : PM_EXIT_OK;
}

int
verb_status(void)
{
	return print_function("migrate_status",
						  "revision, message, state, is_head, is_current, applied_at, applied_by",
						  false);
}

int
verb_history(void)
{
	return print_function("migrate_history",
						  "seq, revision, action, started_at, duration, run_by, sqlstate, error",
						  false);
}

int
verb_drift(void)
{
	return print_function("migrate_drift",
						  "kind, identity, change, changed_at, changed_by", true);
}

/*
 * show REV: the header of the revision, then its up and down scripts.
 */
int
verb_show(void)
{
	const char *target = pm_opts.args[0];
	PGresult   *res;
	const char *labels[] = {"revision", "message", "parents", "checksum",
	"created", "applied"};

	connect_ready();
	res = pm_query(psprintf("SELECT revision, message, "
							"pg_catalog.array_to_string(parents, ', '), checksum, "
							"created_at || ' by ' || created_by, applied_at, up, down "
							"FROM %s($1)", pm_fn("migrate_show")), 1, &target);
	for (int c = 0; c < 6; c++)
		printf("%-9s %s\n", labels[c],
			   PQgetisnull(res, 0, c) ? (c == 5 ? "no" : "") : PQgetvalue(res, 0, c));
	printf("-- up\n%s\n", PQgetvalue(res, 0, 6));
	if (PQgetisnull(res, 0, 7))
		printf("-- down: none (irreversible)\n");
	else
		printf("-- down\n%s\n", PQgetvalue(res, 0, 7));
	PQclear(res);
	return PM_EXIT_OK;
}

/*
 * verify [TARGET]: register, migrate_verify(TARGET), roll back.
 */
int
verb_verify(void)
{
	PmFolder   *folder = read_folder();
	const char *target = arg_or(0, "heads");
	PGresult   *res;
	int			failed = 0;

	connect_ready();
	pm_exec("BEGIN");
	(void) register_folder(folder, NULL);
	res = pm_query(psprintf("SELECT %s FROM %s($1)",
							pm_opts.json ? "*" : "revision, ok, problem",
							pm_fn("migrate_verify")), 1, &target);
	pm_exec("ROLLBACK");
	for (int r = 0; r < PQntuples(res); r++)
		if (strcmp(PQgetvalue(res, r, 1), "f") == 0)
			failed++;
	print_rows(res);
	PQclear(res);
	if (failed && !pm_opts.json)
		pm_log_error("%d of the revisions failed their proof", failed);
	return failed ? PM_EXIT_FOUND : PM_EXIT_OK;
}

/*
 * plan [TARGET]: register, migrate_plan(TARGET), roll back.  The table
 * shows the locks and rewrites as lists, the time in ms and the WAL in
 * bytes, kB, MB; a statement the dry run did not run says so.  A line
 * after it says what the numbers are.
 */
int
verb_plan(void)
{
	PmFolder   *folder = read_folder();
	const char *target = arg_or(0, "heads");
	PGresult   *res;

	connect_ready();
	pm_exec("BEGIN");
	(void) register_folder(folder, NULL);
	res = pm_query(psprintf("SELECT %s FROM %s($1)",
							pm_opts.json ? "*" :
							"revision, statement, line, command, "
							"CASE WHEN duration IS NULL THEN 'not run: non-transactional'"
							" ELSE pg_catalog.array_to_string(locks, ', ') END AS locks, "
							"pg_catalog.array_to_string(rewritten, ', ') AS rewritten, "
							"pg_catalog.to_char(EXTRACT(epoch FROM duration) OPERATOR(pg_catalog.*) 1000, 'FM9999999990.0') AS ms, "
							"pg_catalog.pg_size_pretty(wal_bytes) AS wal",
							pm_fn("migrate_plan")), 1, &target);
	pm_exec("ROLLBACK");
	print_rows(res);
	if (!pm_opts.json)
		printf("%d statements; measured on this database now, then rolled back: nothing was applied\n",
			   PQntuples(res));
	PQclear(res);
	return PM_EXIT_OK;
}

/* A dollar-quote tag that does not occur in text */
static char *
dollar_tag(const char *text)
{
	char	   *tag = pg_strdup("$file$");

	for (int i = 1; strstr(text, tag) != NULL; i++)
	{
		free(tag);
		tag = psprintf("$file%d$", i);
	}
	return tag;
}

/*
 * Whether a script migrate_script() wrote commits in steps (its plan holds a
 * non-transactional revision): its first line that is not a comment is then
 * psql's "\set ON_ERROR_STOP on", where a one-transaction script starts with
 * its LOCK.  Only the header, which no revision's text reaches, is read.
 */
static bool
script_in_steps(const char *script)
{
	const char *p = script;

	while (*p == '\n' || strncmp(p, "--", 2) == 0)
	{
		p = strchr(p, '\n');
		if (p == NULL)
			return false;
		p++;
	}
	return strncmp(p, "\\set ", 5) == 0;
}

/*
 * script [TARGET]: the registrations and migrate_script(TARGET) as one
 * psql-runnable script; the registrations are rolled back here.  A script
 * for "psql -1 -f" registers inside its one transaction; one that commits
 * in steps registers in a transaction of its own first.
 */
int
verb_script(void)
{
	PmFolder   *folder = read_folder();
	const char *target = arg_or(0, "heads");
	PGresult   *res;
	char	  **previous;
	bool		steps;

	connect_ready();
	pm_exec("BEGIN");
	(void) register_folder(folder, &previous);
	res = pm_query(psprintf("SELECT %s($1)", pm_fn("migrate_script")), 1, &target);
	pm_exec("ROLLBACK");
	steps = script_in_steps(PQgetvalue(res, 0, 0));
	printf("-- pg_migrate script: the %d files of \"%s\" registered, then the push to %s\n",
		   folder->nfiles, pm_opts.dir, target);
	if (steps)
		printf("-- run it with psql -f FILE, not with -1: it commits in steps (see below);\n"
			   "-- the registrations commit first, in one transaction\n"
			   "\\set ON_ERROR_STOP on\n\n"
			   "BEGIN;\n");
	else
		printf("-- run it in one transaction: psql -v ON_ERROR_STOP=1 -1 -f FILE\n\n");
	for (int i = 0; i < folder->nfiles; i++)
	{
		char	   *tag = dollar_tag(folder->files[i].content);
		char	   *name = pm_literal(folder->files[i].name);
		char	   *prev = previous[i] ? pm_literal(previous[i]) : pg_strdup("NULL");

		printf("SELECT %s(%s, %s%s%s, %s);\n", pm_fn("migrate_add_file"),
			   name, tag, folder->files[i].content, tag, prev);
		free(tag);
	}
	if (steps)
		printf("COMMIT;\n");
	printf("\n%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return PM_EXIT_OK;
}

/*
 * reset --yes: register, then migrate_reset(true).
 */
int
verb_reset(void)
{
	PmFolder   *folder;
	PGresult   *res;

	if (!pm_opts.yes)
	{
		pm_log_error("reset downgrades every revision and pushes them again, destroying data");
		pm_log_error_hint("Give --yes if that is what you want.");
		return PM_EXIT_USAGE;
	}
	folder = read_folder();
	connect_ready();
	pm_exec("BEGIN");
	(void) register_folder(folder, NULL);
	res = pm_query(psprintf("SELECT revision, message, action, duration FROM %s(true)",
							pm_fn("migrate_reset")), 0, NULL);
	pm_exec("COMMIT");
	print_table(res);
	PQclear(res);
	return PM_EXIT_OK;
}

/* Whether the file at path holds exactly content */
static bool
same_content(const char *path, const char *content)
{
	FILE	   *f = fopen(path, "rb");
	size_t		len = strlen(content);
	char	   *buf;
	bool		same;

	if (f == NULL)
		return false;
	buf = pg_malloc(len + 1);
	same = fread(buf, 1, len + 1, f) == len && memcmp(buf, content, len) == 0;
	fclose(f);
	free(buf);
	return same;
}

/*
 * export: every registered revision written into the folder as its file
 * (migrate_export), so that a catalog built with psql moves to files.
 * A file already there with the same text is left alone; one with other
 * text is not overwritten (exit 5, after the others are written).
 */
int
verb_export(void)
{
	PGresult   *res;
	struct stat st;
	int			written = 0,
				kept = 0,
				clashes = 0;

	connect_ready();
	if (stat(pm_opts.dir, &st) != 0 && mkdir(pm_opts.dir, 0777) != 0 && errno != EEXIST)
	{
		pm_log_error("could not create migrations folder \"%s\": %m", pm_opts.dir);
		return PM_EXIT_FILES;
	}
	res = pm_query(psprintf("SELECT filename, content FROM %s()", pm_fn("migrate_export")),
				   0, NULL);
	for (int r = 0; r < PQntuples(res); r++)
	{
		const char *content = PQgetvalue(res, r, 1);
		char	   *path = psprintf("%s/%s", pm_opts.dir, PQgetvalue(res, r, 0));

		if (same_content(path, content))
		{
			kept++;
			continue;
		}
		if (stat(path, &st) == 0)
		{
			pm_log_error("file \"%s\" exists with other text; not overwritten", path);
			clashes++;
			continue;
		}
		if (!folder_write_new(path, content))
			return PM_EXIT_FILES;
		printf("%s\n", path);
		written++;
	}
	PQclear(res);
	if (!pm_opts.quiet)
		fprintf(stderr, "pg_migrate: %d files written, %d already there\n", written, kept);
	return clashes ? PM_EXIT_FILES : PM_EXIT_OK;
}

/*
 * The desired state for dev: the text of the file it names, or else the
 * name of a schema
 */
static char *
desired_state(const char *arg)
{
	struct stat st;

	if (stat(arg, &st) == 0 && S_ISREG(st.st_mode))
		return folder_read_file(arg);
	return pg_strdup(arg);
}

/*
 * diff --desired FILE|SCHEMA: migrate_diff() of the desired state, printed;
 * nothing is registered or applied.  Exit 0 when nothing differs, 6 when
 * something does or the proof fails.
 */
int
verb_diff(void)
{
	const char *params[2];
	PGresult   *res;
	int			changes;
	bool		ok;

	if (pm_opts.desired == NULL)
	{
		pm_log_error("diff needs the desired state: --desired FILE or --desired SCHEMA");
		return PM_EXIT_USAGE;
	}
	params[0] = desired_state(pm_opts.desired);
	params[1] = pm_opts.managed;	/* NULL: every managed schema */
	connect_ready();
	res = pm_query(psprintf(pm_opts.json ?
							"SELECT up, down, changes, review, ok, problems, lint FROM %s($1, $2)" :
							"SELECT up, down, changes, pg_catalog.array_to_string(review, E'\\n'), ok, "
							"pg_catalog.array_to_string(problems, E'\\n'), "
							"pg_catalog.array_to_string(lint, E'\\n') FROM %s($1, $2)",
							pm_fn("migrate_diff")), 2, params);
	changes = atoi(PQgetvalue(res, 0, 2));
	ok = strcmp(PQgetvalue(res, 0, 4), "t") == 0;
	if (pm_opts.json)
		print_rows(res);
	else
	{
		const char *lists[] = {"review", "problems", "lint"};
		const int	columns[] = {3, 5, 6};

		printf("%s", PQgetvalue(res, 0, 0));
		for (int i = 0; i < lengthof(columns); i++)
		{
			char	   *v = pg_strdup(PQgetvalue(res, 0, columns[i]));
			char	   *line;

			for (line = strtok(v, "\n"); line != NULL; line = strtok(NULL, "\n"))
				printf("-- %s: %s\n", lists[i], line);
			pg_free(v);
		}
	}
	PQclear(res);
	if (!ok)
		pm_log_error("the generated migration fails its proof: see problems");
	if (changes > 0 || !ok)
		return PM_EXIT_FOUND;
	return PM_EXIT_OK;
}

/*
 * dev MESSAGE --desired FILE|SCHEMA: register and push the folder, then
 * migrate_dev(): the migration from the live schema to the desired state,
 * generated, proved, registered and applied; its file is written into
 * the folder (named after the last one, its id the file's name) before
 * the transaction commits, and removed if the commit fails.
 */
int
verb_dev(void)
{
	const char *message = pm_opts.args[0];
	PmFolder   *folder;
	char	   *name;
	char	   *path;
	const char *params[5];
	PGresult   *res;
	const char *content;
	int			registered,
				applied;

	if (pm_opts.desired == NULL)
	{
		pm_log_error("dev needs the desired state: --desired FILE or --desired SCHEMA");
		return PM_EXIT_USAGE;
	}
	folder = folder_read(pm_opts.dir, true);
	connect_ready();
	name = folder_new_name(folder, message);
	path = psprintf("%s/%s", pm_opts.dir, name);
	params[0] = message;
	params[1] = desired_state(pm_opts.desired);
	params[2] = pm_opts.managed;	/* NULL: every managed schema */
	params[3] = pnstrdup(name, strlen(name) - 4);
	params[4] = pm_opts.force ? "true" : "false";

	pm_exec("BEGIN");
	(void) register_folder(folder, NULL);
	count_revisions(&registered, &applied);
	if (applied < registered)
		PQclear(pm_query(psprintf("SELECT %s('heads')", pm_fn("migrate_push")), 0, NULL));
	res = pm_query(psprintf("SELECT %s($1, $2, $3, $4, $5::boolean)", pm_fn("migrate_dev")),
				   5, params);
	content = PQgetvalue(res, 0, 0);
	if (!folder_write_new(path, content))
		return PM_EXIT_FILES;
	PQclear(res);
	res = pm_try("COMMIT", 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		unlink(path);
		pm_fail(res, PM_EXIT_SERVER, psprintf("file \"%s\" removed again", path));
	}
	PQclear(res);
	printf("%s\n", path);
	return PM_EXIT_OK;
}
