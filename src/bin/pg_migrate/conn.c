/*-------------------------------------------------------------------------
 *
 * conn.c
 *	  The connection of pg_migrate: connecting with retry and backoff,
 *	  the session's settings, the extension's presence and version,
 *	  running queries, relaying the server's notices as progress lines
 *	  and reporting its errors with their SQLSTATE, detail and hint.
 *
 * src/bin/pg_migrate/conn.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <sys/time.h>
#include <unistd.h>

#include "common/logging.h"

#include "pg_migrate.h"

static PGconn *pm_conn = NULL;
static char *pm_schema = NULL;	/* the extension's schema, quoted */

/* Whether the server's notices are relayed to stderr */
bool		pm_notices = true;

/* In a fleet's child: where to report to the parent (fleet.c) */
int			pm_report_fd = -1;

/* The revisions this run applied, for the fleet's summary */
int			pm_applied = 0;

/* Whether a JSON result is on stdout already (output.c, check.c, fleet.c) */
bool		pm_json_printed = false;

/*
 * The first error of the run, for --json: its message, and the SQLSTATE,
 * detail and hint that came with it.  Only what went to stderr is kept, so
 * what stderr keeps back (a connection string that may hold a password,
 * check_conninfo()) stays out of stdout too.
 */
static char *pm_err_msg = NULL;
static char *pm_err_state = NULL;
static char *pm_err_detail = NULL;
static char *pm_err_hint = NULL;
static bool pm_err_open = false;	/* a detail or hint belongs to it */

/* An error on stderr, kept if it is the first one (pg_migrate.h) */
void
pm_log(int part, const char *fmt,...)
{
	int			save_errno = errno;
	char		text[2048];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (part == 0)
	{
		pm_err_open = pm_err_msg == NULL;
		if (pm_err_open)
			pm_err_msg = pg_strdup(text);
	}
	else if (pm_err_open && part == 1 && pm_err_detail == NULL)
		pm_err_detail = pg_strdup(text);
	else if (pm_err_open && part == 2 && pm_err_hint == NULL)
		pm_err_hint = pg_strdup(text);
	errno = save_errno;
	va_start(ap, fmt);
	pg_log_generic_v(PG_LOG_ERROR,
					 part == 0 ? PG_LOG_PRIMARY : part == 1 ? PG_LOG_DETAIL : PG_LOG_HINT,
					 fmt, ap);
	va_end(ap);
}

/* "error", "sqlstate", "detail", "hint" of the first error (or nulls) */
void
pm_error_fields(PQExpBuffer buf)
{
	json_field(buf, "error", pm_err_msg);
	json_field(buf, "sqlstate", pm_err_state);
	json_field(buf, "detail", pm_err_detail);
	json_field(buf, "hint", pm_err_hint);
}

/*
 * With --json, a run that fails before it printed its result prints one
 * object instead: {"ok": false, "exit": N, "error", "sqlstate", "detail",
 * "hint"}, so what reads stdout never gets empty input.
 */
static void
print_error_json(int code)
{
	PQExpBufferData buf;

	initPQExpBuffer(&buf);
	appendPQExpBuffer(&buf, "{\"ok\":false,\"exit\":%d", code);
	pm_error_fields(&buf);
	appendPQExpBufferStr(&buf, "}\n");
	fputs(buf.data, stdout);
	termPQExpBuffer(&buf);
	pm_json_printed = true;
}

/*
 * In a fleet's child, the report to the parent: "applied\tfingerprint\n",
 * the fingerprint empty when it cannot be had.
 */
static void
report_to_parent(void)
{
	PQExpBufferData buf;
	PQExpBufferData fields;
	const char *fp = "";
	PGresult   *res = NULL;

	if (pm_conn && PQstatus(pm_conn) == CONNECTION_OK && pm_schema &&
		PQtransactionStatus(pm_conn) == PQTRANS_IDLE)
	{
		res = PQexec(pm_conn, psprintf("SELECT %s()", pm_fn("migrate_fingerprint")));
		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
			fp = PQgetvalue(res, 0, 0);
	}
	initPQExpBuffer(&buf);
	appendPQExpBuffer(&buf, "%d\t%s\n", pm_applied, fp);
	/* the error's fields, for the fleet's --json summary */
	initPQExpBuffer(&fields);
	pm_error_fields(&fields);
	appendPQExpBuffer(&buf, "%s\n", fields.data);
	termPQExpBuffer(&fields);
	if (write(pm_report_fd, buf.data, buf.len) != buf.len)
		pg_log_warning("could not report to the fleet: %m");
	termPQExpBuffer(&buf);
	PQclear(res);
	close(pm_report_fd);
	pm_report_fd = -1;
}

/* Close the connection (what a transaction left open is rolled back) */
void
pm_exit(int code)
{
	if (code != PM_EXIT_OK && pm_opts.json && !pm_json_printed)
		print_error_json(code);
	if (pm_report_fd >= 0)
		report_to_parent();
	if (pm_conn)
		PQfinish(pm_conn);
	pm_conn = NULL;
	fflush(stdout);
	fflush(stderr);
	exit(code);
}

/* Seconds since the epoch, to the microsecond */
double
pm_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1000000.0;
}

/* libpq's message without its final newline */
static char *
one_message(const char *msg)
{
	char	   *s = pg_strdup(msg ? msg : "");
	size_t		len = strlen(s);

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
	return s;
}

/*
 * A notice as one progress line on stderr: "applied revision "r1": create
 * users (took 2.311 ms)"; its detail, if any, in parentheses.
 */
static void
notice_receiver(void *arg, const PGresult *res)
{
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	bool		progress = severity == NULL ||
		strcmp(severity, "NOTICE") == 0 || strcmp(severity, "INFO") == 0;

	/* -q drops the progress lines, never a warning */
	if (!pm_notices || msg == NULL || (pm_opts.quiet && progress))
		return;
	if (!progress)
		fprintf(stderr, "%s: %s: %s", "pg_migrate",
				strcmp(severity, "WARNING") == 0 ? "warning" : "notice", msg);
	else
		fprintf(stderr, "%s: %s", "pg_migrate", msg);
	if (detail)
	{
		char	   *d = one_message(detail);
		size_t		len = strlen(d);

		if (len > 0 && d[len - 1] == '.')
			d[len - 1] = '\0';
		if (d[0] >= 'A' && d[0] <= 'Z' && !(d[1] >= 'A' && d[1] <= 'Z'))
			d[0] += 'a' - 'A';
		fprintf(stderr, " (%s)", d);
		free(d);
	}
	fputc('\n', stderr);
}

/* Set one setting for the session, through a parameter */
static void
set_session(const char *name, const char *value)
{
	const char *params[2] = {name, value};

	PQclear(pm_query("SELECT pg_catalog.set_config($1, $2, false)", 2, params));
}

/*
 * A connection string (libpq's test: a URI, or a "=") that libpq cannot
 * parse stops here, exit 2.  libpq's message quotes the string, a URI
 * whole and of a keyword list the word before a missing "=", and either may
 * be a password: when the string may hold one (a "password" keyword, or a
 * URI's "user:password@"), the message is not shown.
 */
static void
check_conninfo(const char *conninfo)
{
	char	   *err = NULL;
	PQconninfoOption *opts;
	bool		uri = strncmp(conninfo, "postgresql://", 13) == 0 ||
		strncmp(conninfo, "postgres://", 11) == 0;

	if (!uri && strchr(conninfo, '=') == NULL)
		return;					/* a database name */
	opts = PQconninfoParse(conninfo, &err);
	if (opts != NULL)
	{
		PQconninfoFree(opts);
		return;
	}
	pm_log_error("invalid connection string");
	if (strstr(conninfo, "password") != NULL || (uri && strchr(conninfo, '@') != NULL))
		pm_log_error_detail("libpq's message is not shown: it quotes the string, which may hold a password.");
	else if (err != NULL)
		pm_log_error_detail("%s", one_message(err));
	if (err != NULL)
		PQfreemem(err);
	pm_exit(PM_EXIT_CONNECT);
}

/*
 * Connect, as the options and the PG* variables say.  With --retry-until,
 * a failed attempt is retried with a growing pause (0.1 s doubling up to
 * 2 s) until that many seconds have passed: a database container may be
 * starting.  Exits 2 when there is no connection in the end.
 */
void
pm_connect(void)
{
	const char *keywords[8];
	const char *values[8];
	int			n = 0;
	double		deadline = pm_now() + pm_opts.retry_until;
	int			pause_ms = 100;

#define PM_PARAM(k, v) do { keywords[n] = (k); values[n] = (v); n++; } while (0)
	if (pm_opts.host)
		PM_PARAM("host", pm_opts.host);
	if (pm_opts.port)
		PM_PARAM("port", pm_opts.port);
	if (pm_opts.user)
		PM_PARAM("user", pm_opts.user);
	PM_PARAM("fallback_application_name", "pg_migrate");
	/* revision files are UTF-8 */
	PM_PARAM("client_encoding", "UTF8");
	/* last, so a connection string in it may override the others */
	if (pm_opts.dbname)
		PM_PARAM("dbname", pm_opts.dbname);
	PM_PARAM(NULL, NULL);
#undef PM_PARAM

	if (pm_opts.dbname)
		check_conninfo(pm_opts.dbname);

	for (;;)
	{
		char	   *msg;
		double		left;

		pm_conn = PQconnectdbParams(keywords, values, true);
		if (pm_conn == NULL)
		{
			pm_log_error("out of memory");
			pm_exit(PM_EXIT_CONNECT);
		}
		if (PQstatus(pm_conn) == CONNECTION_OK)
			break;
		msg = one_message(PQerrorMessage(pm_conn));
		PQfinish(pm_conn);
		pm_conn = NULL;
		left = deadline - pm_now();
		if (left <= 0)
		{
			pm_log_error("could not connect to the database: %s", msg);
			if (pm_opts.retry_until > 0)
				pm_log_error_detail("Gave up after trying for %d seconds.",
									pm_opts.retry_until);
			pm_exit(PM_EXIT_CONNECT);
		}
		if (pause_ms / 1000.0 > left)
			pause_ms = (int) (left * 1000) + 1;
		if (!pm_opts.quiet)
			fprintf(stderr, "pg_migrate: could not connect yet (%.*s); trying again in %.1f s\n",
					(int) strcspn(msg, "\n"), msg, pause_ms / 1000.0);
		free(msg);
		pg_usleep(pause_ms * 1000L);
		pause_ms = Min(pause_ms * 2, 2000);
	}

	PQsetNoticeReceiver(pm_conn, notice_receiver, NULL);
	/*
	 * The extension's lock timeout, not the session's lock_timeout: a
	 * revision's statement that waits longer is rolled back and retried,
	 * and the error names the blocker (README "Deploying without stalling
	 * production").  A placeholder until the library loads, which then
	 * only warns about a value out of range and keeps 0: the range was
	 * checked with the command line (time_arg).
	 */
	if (pm_opts.lock_timeout)
		set_session("migrate.lock_timeout", pm_opts.lock_timeout);
	if (pm_opts.lock_retries >= 0)
	{
		char		n[16];

		snprintf(n, sizeof(n), "%d", pm_opts.lock_retries);
		set_session("migrate.lock_retries", n);
	}
	if (pm_opts.statement_timeout)
		set_session("statement_timeout", pm_opts.statement_timeout);
}

/* "1.10" > "1.9": dotted numbers compared part by part */
static int
compare_versions(const char *a, const char *b)
{
	while (*a || *b)
	{
		long		x = strtol(a, (char **) &a, 10);
		long		y = strtol(b, (char **) &b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if ((*a && !isdigit((unsigned char) *a)) || (*b && !isdigit((unsigned char) *b)))
			return strcmp(a, b);
	}
	return 0;
}

/*
 * The extension must be there, and not older than the client: find its
 * schema (every call is qualified with it).  Exits 3 otherwise.
 */
void
pm_require_extension(void)
{
	PGresult   *res;
	const char *version;

	res = pm_query("SELECT e.extversion, pg_catalog.quote_ident(n.nspname), "
				   "pg_catalog.current_database() "
				   "FROM pg_catalog.pg_extension e "
				   "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
				   "WHERE e.extname = 'migrate'", 0, NULL);
	if (PQntuples(res) == 0)
	{
		PQclear(res);
		res = pm_query("SELECT pg_catalog.current_database()", 0, NULL);
		pm_log_error("extension \"migrate\" is not installed in database \"%s\"",
					 PQgetvalue(res, 0, 0));
		pm_log_error_hint("Run \"pg_migrate init\", or CREATE EXTENSION migrate as a role allowed to.");
		pm_exit(PM_EXIT_EXTENSION);
	}
	version = PQgetvalue(res, 0, 0);
	if (compare_versions(version, PG_MIGRATE_VERSION) < 0)
	{
		pm_log_error("extension \"migrate\" is version %s in database \"%s\", older than this client (%s)",
					 version, PQgetvalue(res, 0, 2), PG_MIGRATE_VERSION);
		pm_log_error_hint("Run ALTER EXTENSION migrate UPDATE in that database.");
		pm_exit(PM_EXIT_EXTENSION);
	}
	pm_schema = pg_strdup(PQgetvalue(res, 0, 1));
	PQclear(res);
}

/* A function of the extension, qualified with its schema */
const char *
pm_fn(const char *name)
{
	return psprintf("%s.%s", pm_schema ? pm_schema : "public", name);
}

/*
 * A server error, in full: "pg_migrate: error: MESSAGE (SQLSTATE XXXXX)",
 * then its detail, hint and context, each on its own line.
 */
void
pm_report_error(const PGresult *res)
{
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	const char *context = PQresultErrorField(res, PG_DIAG_CONTEXT);

	if (msg == NULL)
	{
		char	   *m = one_message(pm_conn ? PQerrorMessage(pm_conn) : "");

		pm_log_error("%s", *m ? m : "the query failed");
		free(m);
		return;
	}
	if (pm_err_msg == NULL)
	{
		pm_err_msg = pg_strdup(msg);
		pm_err_state = state ? pg_strdup(state) : NULL;
		pm_err_detail = detail ? pg_strdup(detail) : NULL;
		pm_err_hint = hint ? pg_strdup(hint) : NULL;
	}
	if (state)
		pm_log_error("%s (SQLSTATE %s)", msg, state);
	else
		pm_log_error("%s", msg);
	if (detail)
		pm_log_error_detail("%s", detail);
	if (hint)
		pm_log_error_hint("%s", hint);
	if (context)
		fprintf(stderr, "CONTEXT:  %s\n", context);
}

/* Whether the connection is still there */
bool
pm_connected(void)
{
	return pm_conn != NULL && PQstatus(pm_conn) == CONNECTION_OK;
}

/* Run a query with text parameters; the result, failed or not */
PGresult *
pm_try(const char *sql, int nparams, const char *const *params)
{
	return PQexecParams(pm_conn, sql, nparams, NULL, params, NULL, NULL, 0);
}

/*
 * A failed query: report the server's error (and where it happened, if
 * where is not NULL) and exit, with 2 when the
 * connection is gone, code otherwise (the server rolls back what the
 * connection had open).
 */
void
pm_fail(PGresult *res, int code, const char *where)
{
	pm_report_error(res);
	PQclear(res);
	if (where)
		fprintf(stderr, "pg_migrate: %s\n", where);
	if (PQstatus(pm_conn) != CONNECTION_OK)
	{
		pm_log_error_detail("The connection to the server was lost.");
		pm_exit(PM_EXIT_CONNECT);
	}
	pm_exit(code);
}

/* Run a query; on failure, exit as pm_fail() does, with 4 */
PGresult *
pm_query(const char *sql, int nparams, const char *const *params)
{
	PGresult   *res = pm_try(sql, nparams, params);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
		pm_fail(res, PM_EXIT_SERVER, NULL);
	return res;
}

/* text as an SQL string literal */
char *
pm_literal(const char *text)
{
	char	   *lit = PQescapeLiteral(pm_conn, text, strlen(text));
	char	   *copy;

	if (lit == NULL)
	{
		pm_log_error("%s", PQerrorMessage(pm_conn));
		pm_exit(PM_EXIT_SERVER);
	}
	copy = pg_strdup(lit);
	PQfreemem(lit);
	return copy;
}

/* A statement without parameters or rows (BEGIN, COMMIT, ...) */
void
pm_exec(const char *sql)
{
	PQclear(pm_query(sql, 0, NULL));
}
