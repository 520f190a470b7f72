/*-------------------------------------------------------------------------
 *
 * fleet.c
 *	  One verb on many databases: -d given several times, or --targets
 *	  FILE (one connection string a line).  Each target runs in a child
 *	  process of its own, at most --jobs at a time, with its own connection;
 *	  its output is kept and printed, each line marked with the target,
 *	  when it ends, and it reports its exit code, the revisions it applied
 *	  and the fingerprint of its schema (migrate_fingerprint()) through a
 *	  pipe.  --canary K runs the first K targets first and stops if any of
 *	  them fails; without --keep-going no target starts after a failure.
 *	  At the end a table, one row a target, and an exit code: 0 only if
 *	  every target succeeded and every fingerprint agrees.
 *
 * src/bin/pg_migrate/fleet.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <unistd.h>
#include <sys/wait.h>

#include "common/logging.h"

#include "pg_migrate.h"

typedef enum TargetState
{
	TARGET_WAITING,
	TARGET_RUNNING,
	TARGET_DONE,
	TARGET_SKIPPED
} TargetState;

typedef struct Target
{
	const char *conninfo;
	char	   *label;			/* host:port/dbname, never a password */
	TargetState state;
	pid_t		pid;
	FILE	   *out;			/* the child's stdout and stderr */
	FILE	   *err;
	int			report;			/* read end of the child's report pipe */
	double		started;
	double		seconds;
	int			rc;
	int			applied;
	char	   *fingerprint;
	char	   *json;			/* with --json: what the target printed */
	char	   *error;			/* its error's JSON fields (pm_error_fields) */
} Target;

/* What a connection string names, without its password */
static char *
target_label(const char *conninfo, int i)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	const char *host = NULL,
			   *port = NULL,
			   *dbname = NULL;
	char	   *label;

	/* a bare database name, as -d takes it (libpq's test) */
	if (strchr(conninfo, '=') == NULL && strncmp(conninfo, "postgresql://", 13) != 0 &&
		strncmp(conninfo, "postgres://", 11) != 0)
	{
		if (opts)
			PQconninfoFree(opts);
		return pg_strdup(conninfo);
	}
	if (opts == NULL)
		return psprintf("target %d", i + 1);
	for (PQconninfoOption *o = opts; o->keyword; o++)
	{
		if (o->val == NULL || o->val[0] == '\0')
			continue;
		if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "dbname") == 0)
			dbname = o->val;
	}
	label = psprintf("%s%s%s%s%s", host ? host : "", port ? ":" : "", port ? port : "",
					 host || port ? "/" : "", dbname ? dbname : "(default)");
	PQconninfoFree(opts);
	return label;
}

/* Start target t in a child process */
static void
start_target(Target *t, int (*run) (void))
{
	int			pipefd[2];

	t->out = tmpfile();
	t->err = tmpfile();
	if (t->out == NULL || t->err == NULL || pipe(pipefd) != 0)
	{
		pm_log_error("could not make the files of a target: %m");
		exit(PM_EXIT_USAGE);
	}
	fflush(stdout);
	fflush(stderr);
	t->started = pm_now();
	t->pid = fork();
	if (t->pid < 0)
	{
		pm_log_error("could not fork: %m");
		exit(PM_EXIT_USAGE);
	}
	if (t->pid == 0)
	{
		close(pipefd[0]);
		dup2(fileno(t->out), STDOUT_FILENO);
		dup2(fileno(t->err), STDERR_FILENO);
		pm_report_fd = pipefd[1];
		pm_opts.dbname = t->conninfo;
		pm_exit(run());
	}
	close(pipefd[1]);
	t->report = pipefd[0];
	t->state = TARGET_RUNNING;
}

/* Copy a child's output, each line marked with its target */
static void
relay_output(FILE *from, FILE *to, const char *label)
{
	char		line[8192];
	bool		at_start = true;

	rewind(from);
	while (fgets(line, sizeof(line), from) != NULL)
	{
		if (at_start)
			fprintf(to, "[%s] ", label);
		fputs(line, to);
		at_start = strchr(line, '\n') != NULL;
	}
	if (!at_start)
		fputc('\n', to);
	fclose(from);
}

/* A child's output, whole, without its final newline; NULL if empty */
static char *
read_output(FILE *from)
{
	PQExpBufferData buf;
	char		chunk[8192];
	size_t		n;

	initPQExpBuffer(&buf);
	rewind(from);
	while ((n = fread(chunk, 1, sizeof(chunk), from)) > 0)
		appendBinaryPQExpBuffer(&buf, chunk, n);
	fclose(from);
	while (buf.len > 0 && buf.data[buf.len - 1] == '\n')
		buf.data[--buf.len] = '\0';
	if (buf.len == 0)
	{
		termPQExpBuffer(&buf);
		return NULL;
	}
	return buf.data;
}

/* Wait for one child to end, and take in its report */
static Target *
reap_one(Target *targets, int n)
{
	int			status;
	pid_t		pid = wait(&status);
	Target	   *t = NULL;
	PQExpBufferData report;
	char		chunk[4096];
	char	   *buf;
	ssize_t		len;

	if (pid < 0)
	{
		pm_log_error("could not wait for a target: %m");
		exit(PM_EXIT_USAGE);
	}
	for (int i = 0; i < n; i++)
		if (targets[i].state == TARGET_RUNNING && targets[i].pid == pid)
			t = &targets[i];
	if (t == NULL)
		return NULL;
	t->seconds = pm_now() - t->started;
	t->state = TARGET_DONE;
	t->rc = WIFEXITED(status) ? WEXITSTATUS(status) : PM_EXIT_CONNECT;
	/* "applied\tfingerprint\n", then the error's JSON fields and "\n" */
	initPQExpBuffer(&report);
	while ((len = read(t->report, chunk, sizeof(chunk))) > 0)
		appendBinaryPQExpBuffer(&report, chunk, len);
	close(t->report);
	buf = report.data;
	if (report.len > 0)
	{
		char	   *tab = strchr(buf, '\t');
		char	   *nl;

		t->applied = atoi(buf);
		if (tab && (nl = strchr(tab + 1, '\n')) != NULL)
		{
			char	   *end = strchr(nl + 1, '\n');

			*nl = '\0';
			if (tab[1] != '\0')
				t->fingerprint = pg_strdup(tab + 1);
			if (end != NULL && end > nl + 1)
			{
				*end = '\0';
				t->error = pg_strdup(nl + 1);
			}
		}
	}
	termPQExpBuffer(&report);
	fflush(stdout);
	if (pm_opts.json)
		t->json = read_output(t->out);
	else
		relay_output(t->out, stdout, t->label);
	relay_output(t->err, stderr, t->label);
	fflush(stdout);
	return t;
}

/*
 * Run targets [from, to) at most jobs at a time; stop starting new ones
 * after a failure unless keep_going.  Returns whether all of them that
 * ran succeeded.
 */
static bool
run_batch(Target *targets, int n, int from, int to, int (*run) (void), bool keep_going)
{
	int			running = 0;
	bool		ok = true;
	int			next = from;

	while (next < to || running > 0)
	{
		if (next < to && running < pm_opts.jobs && (ok || keep_going))
		{
			start_target(&targets[next++], run);
			running++;
			continue;
		}
		if (running == 0)
			break;
		{
			Target	   *t = reap_one(targets, n);

			if (t == NULL)
				continue;
			running--;
			if (t->rc != PM_EXIT_OK)
				ok = false;
		}
	}
	return ok;
}

/* The name of an exit code, for the summary */
static const char *
result_name(const Target *t)
{
	if (t->state == TARGET_SKIPPED)
		return "skipped";
	switch (t->rc)
	{
		case PM_EXIT_OK:
			return "ok";
		case PM_EXIT_CONNECT:
			return "no connection";
		case PM_EXIT_EXTENSION:
			return "no extension";
		case PM_EXIT_SERVER:
			return "failed";
		case PM_EXIT_FILES:
			return "bad files";
		case PM_EXIT_FOUND:
			return "found";
		default:
			return t->rc >= PM_EXIT_CHECK_CHANGED ? "check failed" : "error";
	}
}

/* The summary: one row a target */
static void
print_summary_table(const Target *targets, int n, int width)
{
	printf("%-*s  %-13s  %4s  %7s  %8s  %s\n", width, "target", "result", "exit",
		   "applied", "seconds", "fingerprint");
	for (int i = 0; i < width; i++)
		putchar('-');
	printf("  -------------  ----  -------  --------  ------------\n");
	for (int i = 0; i < n; i++)
	{
		const Target *t = &targets[i];

		if (t->state == TARGET_SKIPPED)
			printf("%-*s  %-13s\n", width, t->label, "skipped");
		else
			printf("%-*s  %-13s  %4d  %7d  %8.3f  %.12s\n", width, t->label,
				   result_name(t), t->rc, t->applied, t->seconds,
				   t->fingerprint ? t->fingerprint : "");
	}
}

/*
 * The summary with --json: {"exit", "fingerprints_agree", "targets":
 * [{"target", "result", "exit", "applied", "seconds", "fingerprint",
 * "output"}]}, output being the JSON the target printed (or null).  On
 * stdout, one line; the count follows it on stderr.
 */
static void
print_summary_json(const Target *targets, int n, int rc, bool agree)
{
	PQExpBufferData buf;

	initPQExpBuffer(&buf);
	appendPQExpBuffer(&buf, "{\"exit\":%d,\"fingerprints_agree\":%s,\"targets\":[",
					  rc, agree ? "true" : "false");
	for (int i = 0; i < n; i++)
	{
		const Target *t = &targets[i];
		bool		ran = t->state != TARGET_SKIPPED;

		appendPQExpBufferStr(&buf, i ? ",{" : "{");
		json_field(&buf, "target", t->label);
		json_field(&buf, "result", result_name(t));
		if (ran)
			appendPQExpBuffer(&buf, ",\"exit\":%d,\"applied\":%d,\"seconds\":%.3f",
							  t->rc, t->applied, t->seconds);
		else
			appendPQExpBufferStr(&buf, ",\"exit\":null,\"applied\":null,\"seconds\":null");
		json_field(&buf, "fingerprint", t->fingerprint);
		/* a failed target's error, as its own --json would print it */
		if (t->error && t->rc != PM_EXIT_OK)
			appendPQExpBuffer(&buf, ",%s", t->error);
		else
			appendPQExpBufferStr(&buf, ",\"error\":null,\"sqlstate\":null,\"detail\":null,\"hint\":null");
		appendPQExpBuffer(&buf, ",\"output\":%s}", t->json ? t->json : "null");
	}
	appendPQExpBufferStr(&buf, "]}\n");
	fputs(buf.data, stdout);
	pm_json_printed = true;
	termPQExpBuffer(&buf);
}

/*
 * The verb on every target; returns 0 if every target succeeded and their
 * fingerprints agree, else the exit code of the first target (in the order
 * given) that failed, else 7 (targets skipped, or fingerprints that differ).
 */
int
fleet_run(const char *const *conninfos, int n, int (*run) (void))
{
	Target	   *targets = pg_malloc0(sizeof(Target) * n);
	int			canary = Min(pm_opts.canary, n);
	int			width = strlen("target");
	bool		ok = true;
	const char *first_fp = NULL;
	bool		agree = true;
	int			rc = PM_EXIT_OK;
	int			succeeded = 0,
				failed = 0,
				skipped = 0;

	for (int i = 0; i < n; i++)
	{
		targets[i].conninfo = conninfos[i];
		targets[i].label = target_label(conninfos[i], i);
		width = Max(width, (int) strlen(targets[i].label));
	}

	if (canary > 0)
	{
		ok = run_batch(targets, n, 0, canary, run, true);
		if (!ok)
			pm_log_error("a canary target failed: the %d other targets are not started",
						 n - canary);
	}
	if (ok)
		ok = run_batch(targets, n, canary, n, run, pm_opts.keep_going);
	for (int i = 0; i < n; i++)
		if (targets[i].state == TARGET_WAITING)
			targets[i].state = TARGET_SKIPPED;

	for (int i = 0; i < n; i++)
	{
		Target	   *t = &targets[i];
		const char *fp = t->fingerprint ? t->fingerprint : "";

		if (t->state == TARGET_SKIPPED)
		{
			skipped++;
			if (rc == PM_EXIT_OK)
				rc = PM_EXIT_FLEET;
		}
		else if (t->rc != PM_EXIT_OK)
		{
			failed++;
			if (rc == PM_EXIT_OK)
				rc = t->rc;
		}
		else
		{
			succeeded++;
			if (first_fp == NULL)
				first_fp = fp;
			else if (strcmp(first_fp, fp) != 0)
				agree = false;
		}
	}
	if (rc == PM_EXIT_OK && !agree)
		rc = PM_EXIT_FLEET;

	if (pm_opts.json)
		print_summary_json(targets, n, rc, agree);
	else
		print_summary_table(targets, n, width);
	fprintf(pm_opts.json ? stderr : stdout,
			"%d targets: %d succeeded, %d failed, %d skipped; fingerprints %s\n",
			n, succeeded, failed, skipped, agree ? "agree" : "differ");
	if (!agree)
		pm_log_error("the targets' fingerprints differ: their schemas are not the same");
	return rc;
}
