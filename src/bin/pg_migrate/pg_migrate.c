/*-------------------------------------------------------------------------
 *
 * pg_migrate.c
 *	  The command line of pg_migrate: options, help for every verb, and
 *	  the dispatch to the verb.
 *
 *	  pg_migrate [OPTION]... VERB [ARGUMENT]...
 *
 * Options may stand before or after the verb.  Options that belong to
 * some verbs only (--each, --yes, --allow-pending, --json) are refused
 * with the others, so a typo in a deploy script is never silently ignored.
 *
 * src/bin/pg_migrate/pg_migrate.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <limits.h>

#include "common/logging.h"
#include "getopt_long.h"

#include "pg_migrate.h"

PmOptions	pm_opts;

/* The options only some verbs take */
#define OPT_JSON		0x01
#define OPT_EACH		0x02
#define OPT_YES			0x04
#define OPT_PENDING		0x08
#define OPT_FLEET		0x10	/* runs on several targets */
#define OPT_DEV			0x20	/* --desired, --managed, --force */
#define OPT_DIFF		0x40	/* --desired, --managed */

typedef struct PmVerb
{
	const char *name;
	int			(*run) (void);
	int			min_args;
	int			max_args;
	int			options;		/* OPT_* it accepts */
	const char *usage;			/* after "pg_migrate " */
	const char *summary;		/* one line, for the global help */
	const char *help;			/* what it does, in full */
} PmVerb;

static const PmVerb pm_verbs[] = {
	{"init", verb_init, 0, 0, OPT_FLEET, "init",
		"create the extension (if allowed) and the migrations folder",
		"Runs CREATE EXTENSION IF NOT EXISTS migrate in the database, then\n"
		"creates the migrations folder if it does not exist.\n"},
	{"new", verb_new, 1, 1, 0, "new MESSAGE",
		"write a template revision file after the last one",
		"Writes NNNN_message.sql into the folder, numbered after the last file,\n"
		"with the message, the id of the previous file as its parent, and\n"
		"empty up and down sections to fill in.  Prints the file's path.\n"},
	{"dev", verb_dev, 1, 1, OPT_DEV, "dev MESSAGE --desired FILE|SCHEMA",
		"generate the migration to a desired state, write its file, apply it",
		"Registers and pushes the folder, then runs migrate_dev(): the up and\n"
		"down DDL from the managed schemas to the desired state, proved in a\n"
		"rolled-back subtransaction, registered and applied.  Its file is written\n"
		"into the folder, numbered after the last one, its id the file's name,\n"
		"before the transaction commits.  Review the file, and commit it.\n"
		"\n"
		"  --desired=FILE|SCHEMA  the desired state: a file of SQL (schema.sql, or\n"
		"                         a pg_dump --schema-only file), built in a\n"
		"                         scratch database (needs CREATEDB); or the name\n"
		"                         of a schema that holds one schema's state\n"
		"  --managed=SCHEMAS      the schemas to migrate, comma-separated (default:\n"
		"                         every managed schema; for --desired SCHEMA, public)\n"
		"  --force                keep a migration that needs a review\n"},
	{"diff", verb_diff, 0, 0, OPT_DIFF | OPT_JSON, "diff --desired FILE|SCHEMA",
		"show the migration to a desired state, proved, without applying it",
		"Runs migrate_diff(): the up and down DDL from the managed schemas to\n"
		"the desired state, proved in a rolled-back subtransaction.  Prints the\n"
		"up script, then what needs a review, what the proof found and what the\n"
		"lint finds in it (--json: the whole row).  Changes nothing, registers\n"
		"nothing.  Exit 0 when the database already matches the desired state,\n"
		"6 when it does not (or the proof fails): a CI step that schema.sql and\n"
		"the migrations agree.\n"
		"\n"
		"  --desired=FILE|SCHEMA  the desired state: a file of SQL (schema.sql, or\n"
		"                         a pg_dump --schema-only file), built in a\n"
		"                         scratch database (needs CREATEDB); or the name\n"
		"                         of a schema that holds one schema's state\n"
		"  --managed=SCHEMAS      the schemas to compare, comma-separated (default:\n"
		"                         every managed schema; for --desired SCHEMA, public)\n"},
	{"register", verb_register, 0, 0, OPT_FLEET, "register",
		"register every file of the folder (idempotent)",
		"Hands every .sql file of the folder, in name order, to\n"
		"migrate_add_file(), in one transaction: an unchanged file is a no-op,\n"
		"a changed file replaces a revision that is not applied, and changing\n"
		"an applied one is refused (and nothing is registered).\n"},
	{"push", verb_push, 0, 1, OPT_EACH | OPT_FLEET, "push [TARGET]",
		"register the folder, then apply what is pending",
		"Registers the folder, then applies every pending revision up to TARGET\n"
		"(default: heads) with migrate_push(), all in one transaction: all of\n"
		"it or nothing.  With --each, registers in a transaction of its own,\n"
		"then runs CALL migrate_deploy(TARGET), which commits after each\n"
		"revision (a rerun finishes what a failure left).\n"
		"\n"
		"  --each                 commit after each revision\n"},
	{"downgrade", verb_downgrade, 0, 1, OPT_FLEET, "downgrade [TARGET]",
		"run down scripts back to TARGET (default -1)",
		"Runs migrate_downgrade(TARGET): the down scripts of what is applied\n"
		"after TARGET, atomically.  TARGET: -N (the last N applied, default -1),\n"
		"base, or a revision.\n"},
	{"stamp", verb_stamp, 1, 1, OPT_FLEET, "stamp TARGET",
		"register the folder, mark revisions applied without running them",
		"Registers the folder, then runs migrate_stamp(TARGET): the revisions up\n"
		"to TARGET are marked applied (or unapplied) without running them, as a\n"
		"baseline for a database that already has the schema.\n"},
	{"status", verb_status, 0, 0, OPT_JSON | OPT_FLEET, "status",
		"every revision: applied or pending, head, current",
		"Prints migrate_status(): every registered revision in apply order.\n"
		"\n"
		"  --json                 one JSON array of objects\n"},
	{"history", verb_history, 0, 0, OPT_JSON | OPT_FLEET, "history",
		"every upgrade, downgrade, stamp and failure",
		"Prints migrate_history(), oldest first.\n"
		"\n"
		"  --json                 one JSON array of objects\n"},
	{"show", verb_show, 1, 1, 0, "show REV",
		"the message, parents and SQL of one revision",
		"Prints migrate_show(REV): REV is a revision id, a unique prefix of one,\n"
		"head, or a relative target.\n"},
	{"drift", verb_drift, 0, 0, OPT_JSON | OPT_FLEET, "drift",
		"how the schema differs from what the migrations left",
		"Prints migrate_drift(): one line per difference.  Exits 6 if there is\n"
		"any.\n"
		"\n"
		"  --json                 one JSON array of objects\n"},
	{"verify", verb_verify, 0, 1, OPT_JSON | OPT_FLEET, "verify [TARGET]",
		"prove every pending down script undoes its up (changes nothing)",
		"Registers the folder, runs migrate_verify(TARGET) (default: heads),\n"
		"and rolls everything back.  Exits 6 if a proof fails.\n"
		"\n"
		"  --json                 one JSON array of objects\n"},
	{"plan", verb_plan, 0, 1, OPT_JSON | OPT_FLEET, "plan [TARGET]",
		"dry run of the push: each statement's locks, rewrites, time and WAL",
		"Registers the folder, then runs migrate_plan(TARGET) (default: heads):\n"
		"the pending revisions run as push would run them, and each statement\n"
		"is measured: the locks it took, the tables and indexes it rewrote, its\n"
		"time, the WAL it wrote.  Everything is rolled back, the registrations\n"
		"too.  The numbers are this database's now: rows added before the push\n"
		"make it slower.  While it runs, the dry run holds the locks the push\n"
		"would hold: give --lock-timeout (a statement that waits longer fails\n"
		"the plan, naming who holds the lock), or run it off-peak.  The\n"
		"statements of a non-transactional revision are listed, not run.  Exits\n"
		"4 when a statement fails, as push would.\n"
		"\n"
		"  --json                 one JSON array of objects, every column\n"},
	{"script", verb_script, 0, 1, 0, "script [TARGET]",
		"offline SQL: the registrations and the push, for review or psql",
		"Prints one psql-runnable script: the registration of every file of the\n"
		"folder, then migrate_script(TARGET) (default: heads), the exact SQL of\n"
		"the push, bookkeeping included.  Nothing is changed in the database.\n"
		"Run the result with: psql -v ON_ERROR_STOP=1 -1 -f FILE\n"
		"When the push holds a non-transactional revision, the script commits\n"
		"in steps instead, as its first lines say: run it with psql -f FILE,\n"
		"without -1.\n"},
	{"reset", verb_reset, 0, 0, OPT_YES | OPT_FLEET, "reset --yes",
		"downgrade to base and push again: destroys data",
		"Registers the folder, then runs migrate_reset(true): every down script,\n"
		"then every up script, in one transaction.  This destroys the data of\n"
		"the managed schema, so it wants --yes.\n"
		"\n"
		"  --yes                  really do it\n"},
	{"export", verb_export, 0, 0, 0, "export",
		"write every registered revision into the folder as its file",
		"Writes migrate_export() into the folder (created if missing): one file\n"
		"per registered revision, named in apply order.  A file already there\n"
		"with the same text is left alone; one with other text is not\n"
		"overwritten, and the verb exits 5.\n"},
	{"check", verb_check, 0, 0, OPT_JSON | OPT_PENDING | OPT_FLEET, "check",
		"CI gate: folder and database agree, nothing pending, no drift",
		"Changes nothing.  Fails when a file differs from its registration\n"
		"(exit 10), a registered revision has no file (11), a file is not\n"
		"registered (12), the schema drifted (13), or a registered revision is\n"
		"not applied (14, unless --allow-pending).  With several failures, every\n"
		"one is printed and the exit code is the smallest.\n"
		"\n"
		"  --allow-pending        pending revisions are not a failure\n"
		"  --json                 one JSON object with every finding\n"},
	{NULL}
};

static const char *pm_exit_codes =
"Exit codes:\n"
"  0   success\n"
"  1   usage: unknown verb or option, missing or extra argument, a bad\n"
"      option value (--lock-timeout=abc or 25d, --jobs=0), reset without --yes\n"
"  2   could not connect to the server (or the connection was lost)\n"
"  3   the extension is missing, or older than this client\n"
"  4   the server refused: a failed revision, an unknown target, a timeout\n"
"      (nothing of the failed transaction is left)\n"
"  5   the migrations folder or a file in it cannot be used: missing,\n"
"      not UTF-8, not a regular file, refused by the extension at\n"
"      registration, or two files holding one revision (nothing is\n"
"      registered)\n"
"  6   drift, verify, diff: something was found\n"
"  7   fleet: targets were skipped after a failure, or the targets'\n"
"      fingerprints differ after every target succeeded; else a fleet\n"
"      exits with the code of its first target, in the order given, that\n"
"      failed\n"
"  10-14  check: a file differs from its registration (10), a registered\n"
"      revision has no file (11), a file is not registered (12), the schema\n"
"      drifted (13), a revision is pending (14)\n"
"With --json, a run that fails before printing its result (2 to 5, say)\n"
"prints one JSON object on stdout instead: {\"ok\": false, \"exit\": N,\n"
"\"error\", \"sqlstate\", \"detail\", \"hint\"} (null when absent); the\n"
"message still goes to stderr.  A fleet's summary gives these fields for\n"
"each target.\n";

static const char *pm_common_options =
"Options:\n"
"  -d, --dbname=CONNINFO     database name or connection string\n"
"  -h, --host=HOST           server host or socket directory\n"
"  -p, --port=PORT           server port\n"
"  -U, --username=USER       user name\n"
"      --dir=DIR             migrations folder (default: ./migrations)\n"
"      --retry-until=SECONDS keep trying to connect, with backoff, that long\n"
"      --lock-timeout=TIME   longest lock wait of each statement of a revision\n"
"                            (migrate.lock_timeout): a number, then ms, s,\n"
"                            min, h or d (e.g. 500ms, 5s; no unit: ms), less\n"
"                            than 25 days; a push that waits longer is rolled\n"
"                            back and retried\n"
"      --lock-retries=N      how many times (migrate.lock_retries, 0 to 1000)\n"
"      --statement-timeout=TIME  statement_timeout for the session (the same)\n"
"  -q, --quiet               no progress lines on stderr\n"
"\n"
"A fleet (-d given several times, or --targets):\n"
"      --targets=FILE        one connection string a line (- for stdin)\n"
"      --jobs=N              targets run at once (default 1)\n"
"      --canary=K            run the first K targets first; stop if one fails\n"
"      --keep-going          go on after a target fails (default: start no\n"
"                            other target)\n"
"  -V, --version             print the version and exit\n"
"  -?, --help                this help; after a verb, the verb's help\n"
"\n"
"The usual PG* environment variables (PGHOST, PGPORT, PGDATABASE, PGUSER,\n"
"PGPASSWORD, ...) apply.  Progress and errors go to stderr, results to stdout.\n";

static void
global_help(void)
{
	printf("pg_migrate deploys the revision files of a migrations folder with the\n"
		   "migrate extension.\n\n");
	printf("Usage:\n  pg_migrate [OPTION]... VERB [ARGUMENT]...\n\nVerbs:\n");
	for (const PmVerb *v = pm_verbs; v->name; v++)
		printf("  %-20s %s\n", v->usage, v->summary);
	printf("\n%s\n%s\n", pm_common_options, pm_exit_codes);
	printf("\"pg_migrate VERB --help\" tells more about a verb.\n");
}

static void
verb_help(const PmVerb *v)
{
	printf("pg_migrate %s: %s\n\n", v->name, v->summary);
	printf("Usage:\n  pg_migrate [OPTION]... %s\n\n", v->usage);
	printf("%s\n", v->help);
	printf("%s\n%s", pm_common_options, pm_exit_codes);
}

static const PmVerb *
find_verb(const char *name)
{
	for (const PmVerb *v = pm_verbs; v->name; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

static void
usage_error(void)
{
	pm_log_error_hint("Try \"pg_migrate --help\" for more information.");
	exit(PM_EXIT_USAGE);
}

/* A whole number of seconds, or a usage error */
static int
seconds_arg(const char *arg, const char *option)
{
	char	   *end;
	long		val;

	errno = 0;
	val = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || val < 0 || val > 86400)
	{
		pm_log_error("invalid value \"%s\" for option %s", arg, option);
		pm_log_error_detail("Give a whole number of seconds from 0 to 86400.");
		pm_log_error_hint("For example: %s=30", option);
		exit(PM_EXIT_USAGE);
	}
	return (int) val;
}

/*
 * A time for a session setting (migrate.lock_timeout, statement_timeout),
 * or a usage error before connecting: a number, optionally followed by one
 * of the server's units ms, s, min, h, d (without one, milliseconds), that
 * is at most INT_MAX milliseconds once rounded, as the server rounds it:
 * the range of both settings.  The client checks the range itself because
 * the server cannot be trusted to refuse: migrate.lock_timeout is only a
 * placeholder until the library loads, and a value out of range is then a
 * WARNING, with the setting left at 0 (no retry at all) for the push.
 */
static const char *
time_arg(const char *arg, const char *option, const char *setting)
{
	const char *const units[] = {"", "ms", "s", "min", "h", "d", NULL};
	const double ms_per[] = {1, 1, 1000, 60 * 1000, 3600 * 1000, 86400 * 1000};
	const char *p = arg;
	size_t		digits = strspn(p, "0123456789");

	p += digits;
	if (digits > 0 && *p == '.' && isdigit((unsigned char) p[1]))
		p += 1 + strspn(p + 1, "0123456789");
	while (digits > 0 && *p == ' ')
		p++;
	for (int i = 0; digits > 0 && units[i]; i++)
	{
		if (strcmp(p, units[i]) != 0)
			continue;
		/* the server rounds to the millisecond (half to even: INT_MAX is odd) */
		if (strtod(arg, NULL) * ms_per[i] < (double) INT_MAX + 0.5)
			return arg;
		pm_log_error("invalid value \"%s\" for option %s", arg, option);
		pm_log_error_detail("%s takes from 0 to %d milliseconds (24 days, 20 hours, 31 minutes and 23.647 seconds).",
							setting, INT_MAX);
		pm_log_error_hint("For example: %s=5s", option);
		exit(PM_EXIT_USAGE);
	}
	pm_log_error("invalid value \"%s\" for option %s", arg, option);
	pm_log_error_detail("Give a number, optionally followed by a unit: ms, s, min, h or d (no unit: milliseconds).");
	pm_log_error_hint("For example: %s=5s", option);
	exit(PM_EXIT_USAGE);
}

/* A whole number from min to max, or a usage error */
static int
count_arg(const char *arg, const char *option, int min, int max)
{
	char	   *end;
	long		val;

	errno = 0;
	val = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || val < min || val > max)
	{
		pm_log_error("invalid value \"%s\" for option %s", arg, option);
		pm_log_error_detail("Give a whole number from %d to %d.", min, max);
		pm_log_error_hint("For example: %s=%d", option, Min(max, 4));
		exit(PM_EXIT_USAGE);
	}
	return (int) val;
}

/* The fleet's targets: every -d, and the lines of --targets files */
static char **targets = NULL;
static int	ntargets = 0;

static void
add_target(const char *conninfo)
{
	targets = pg_realloc(targets, sizeof(char *) * (ntargets + 1));
	targets[ntargets++] = pg_strdup(conninfo);
}

/* One connection string a line; blank lines and lines starting "#" skipped */
static void
read_targets(const char *path)
{
	FILE	   *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char		line[4096];

	if (f == NULL)
	{
		pm_log_error("could not open targets file \"%s\": %m", path);
		exit(PM_EXIT_USAGE);
	}
	for (int lineno = 1; fgets(line, sizeof(line), f) != NULL; lineno++)
	{
		char	   *p = line;
		size_t		len = strlen(line);

		/* never cut a line into two targets */
		if (len == sizeof(line) - 1 && line[len - 1] != '\n' && !feof(f))
		{
			pm_log_error("line %d of targets file \"%s\" is too long", lineno, path);
			pm_log_error_detail("A line holds at most %d bytes.", (int) sizeof(line) - 2);
			exit(PM_EXIT_USAGE);
		}
		while (isspace((unsigned char) *p))
			p++;
		len = strlen(p);
		while (len > 0 && isspace((unsigned char) p[len - 1]))
			p[--len] = '\0';
		if (len > 0 && p[0] != '#')
			add_target(p);
	}
	if (f != stdin)
		fclose(f);
}

/* Refuse a verb-only option the verb does not take */
static void
check_verb_option(const PmVerb *v, bool given, int flag, const char *option)
{
	if (given && !(v->options & flag))
	{
		pm_log_error("option %s does not apply to verb \"%s\"", option, v->name);
		pm_log_error_hint("Try \"pg_migrate %s --help\" for its options.", v->name);
		exit(PM_EXIT_USAGE);
	}
}

/* Whether an option takes the next argument as its value */
static bool
takes_value(const char *arg)
{
	const char *const with_value[] = {"-d", "-h", "-p", "-U", "--dbname", "--host",
		"--port", "--username", "--dir", "--retry-until", "--lock-timeout",
	"--lock-retries", "--statement-timeout", "--targets", "--jobs", "--canary", "--desired", "--managed", NULL};

	for (int i = 0; with_value[i]; i++)
		if (strcmp(arg, with_value[i]) == 0)
			return true;
	return false;
}

/*
 * A relative target such as "-1" (downgrade -1) is an argument, not an
 * option: move such arguments after a "--" at the end, where getopt leaves
 * them to the verb (after the verb's other arguments, of which there are
 * none where a relative target is given).
 */
static char **
negatives_last(int *argc, char **argv)
{
	char	  **out = pg_malloc(sizeof(char *) * (*argc + 2));
	char	  **negatives = pg_malloc(sizeof(char *) * (*argc + 1));
	int			n = 0,
				nneg = 0,
				dash = 0;

	for (int i = 1; i < *argc && dash == 0; i++)
		if (strcmp(argv[i], "--") == 0)
			dash = i;
	out[n++] = argv[0];
	for (int i = 1; i < (dash ? dash : *argc); i++)
	{
		const char *a = argv[i];

		if (a[0] == '-' && a[1] != '\0' && strspn(a + 1, "0123456789") == strlen(a + 1) &&
			!takes_value(argv[i - 1]))
			negatives[nneg++] = argv[i];
		else
			out[n++] = argv[i];
	}
	if (nneg > 0 || dash)
	{
		out[n++] = pg_strdup("--");
		for (int i = 0; i < nneg; i++)
			out[n++] = negatives[i];
		for (int i = dash ? dash + 1 : *argc; i < *argc; i++)
			out[n++] = argv[i];
	}
	out[n] = NULL;
	*argc = n;
	return out;
}

int
main(int argc, char **argv)
{
	static struct option long_options[] = {
		{"dbname", required_argument, NULL, 'd'},
		{"host", required_argument, NULL, 'h'},
		{"port", required_argument, NULL, 'p'},
		{"username", required_argument, NULL, 'U'},
		{"quiet", no_argument, NULL, 'q'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 9},
		{"dir", required_argument, NULL, 1},
		{"retry-until", required_argument, NULL, 2},
		{"lock-timeout", required_argument, NULL, 3},
		{"statement-timeout", required_argument, NULL, 4},
		{"json", no_argument, NULL, 5},
		{"each", no_argument, NULL, 6},
		{"yes", no_argument, NULL, 7},
		{"allow-pending", no_argument, NULL, 8},
		{"targets", required_argument, NULL, 10},
		{"jobs", required_argument, NULL, 11},
		{"canary", required_argument, NULL, 12},
		{"keep-going", no_argument, NULL, 13},
		{"desired", required_argument, NULL, 14},
		{"managed", required_argument, NULL, 15},
		{"force", no_argument, NULL, 16},
		{"lock-retries", required_argument, NULL, 17},
		{NULL, 0, NULL, 0}
	};
	bool		help = false;
	bool		targets_file = false;
	const PmVerb *verb;
	int			c;

	pg_logging_init(argv[0]);
	pm_opts.dir = "migrations";
	pm_opts.jobs = 1;
	pm_opts.lock_retries = -1;

	/* "-?" is --help; getopt answers '?' for any unknown option */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-?") == 0)
			argv[i] = pg_strdup("--help");
	argv = negatives_last(&argc, argv);

	opterr = 0;					/* the messages below say it our way */
	while ((c = getopt_long(argc, argv, "d:h:p:U:qV", long_options, NULL)) != -1)
	{
		switch (c)
		{
			case 'd':
				pm_opts.dbname = optarg;
				add_target(optarg);
				break;
			case 'h':
				pm_opts.host = optarg;
				break;
			case 'p':
				pm_opts.port = optarg;
				break;
			case 'U':
				pm_opts.user = optarg;
				break;
			case 'q':
				pm_opts.quiet = true;
				break;
			case 'V':
				printf("pg_migrate (migrate) %s\n", PG_MIGRATE_VERSION);
				exit(PM_EXIT_OK);
			case 9:
				help = true;
				break;
			case 10:
				read_targets(optarg);
				targets_file = true;
				break;
			case 11:
				pm_opts.jobs = count_arg(optarg, "--jobs", 1, 64);
				break;
			case 12:
				pm_opts.canary = count_arg(optarg, "--canary", 1, 100000);
				break;
			case 13:
				pm_opts.keep_going = true;
				break;
			case 14:
				pm_opts.desired = optarg;
				break;
			case 15:
				pm_opts.managed = optarg;
				break;
			case 16:
				pm_opts.force = true;
				break;
			case 17:
				pm_opts.lock_retries = count_arg(optarg, "--lock-retries", 0, 1000);
				break;
			case 1:
				pm_opts.dir = optarg;
				break;
			case 2:
				pm_opts.retry_until = seconds_arg(optarg, "--retry-until");
				break;
			case 3:
				pm_opts.lock_timeout = time_arg(optarg, "--lock-timeout",
													"migrate.lock_timeout");
				break;
			case 4:
				pm_opts.statement_timeout = time_arg(optarg, "--statement-timeout",
														 "statement_timeout");
				break;
			case 5:
				pm_opts.json = true;
				break;
			case 6:
				pm_opts.each = true;
				break;
			case 7:
				pm_opts.yes = true;
				break;
			case 8:
				pm_opts.allow_pending = true;
				break;
			default:
				if (optopt != 0 && strchr("dhpU", optopt) != NULL)
					pm_log_error("option -%c needs a value", optopt);
				else
					pm_log_error("unknown option or missing value: \"%s\"", argv[optind - 1]);
				usage_error();
		}
	}

	if (optind >= argc)
	{
		if (help)
		{
			global_help();
			exit(PM_EXIT_OK);
		}
		pm_log_error("no verb given");
		usage_error();
	}
	pm_opts.verb = argv[optind];
	if (strcmp(pm_opts.verb, "help") == 0)
	{
		if (optind + 1 < argc && (verb = find_verb(argv[optind + 1])) != NULL)
			verb_help(verb);
		else
			global_help();
		exit(PM_EXIT_OK);
	}
	verb = find_verb(pm_opts.verb);
	if (verb == NULL)
	{
		pm_log_error("unknown verb \"%s\"", pm_opts.verb);
		usage_error();
	}
	if (help)
	{
		verb_help(verb);
		exit(PM_EXIT_OK);
	}
	pm_opts.args = argv + optind + 1;
	pm_opts.nargs = argc - optind - 1;
	if (pm_opts.nargs < verb->min_args)
	{
		pm_log_error("verb \"%s\" needs an argument", verb->name);
		pm_log_error_hint("Usage: pg_migrate %s", verb->usage);
		exit(PM_EXIT_USAGE);
	}
	if (pm_opts.nargs > verb->max_args)
	{
		pm_log_error("too many arguments for verb \"%s\" (first extra: \"%s\")",
					 verb->name, pm_opts.args[verb->max_args]);
		pm_log_error_hint("Usage: pg_migrate %s", verb->usage);
		exit(PM_EXIT_USAGE);
	}
	check_verb_option(verb, pm_opts.json, OPT_JSON, "--json");
	check_verb_option(verb, pm_opts.each, OPT_EACH, "--each");
	check_verb_option(verb, pm_opts.yes, OPT_YES, "--yes");
	check_verb_option(verb, pm_opts.allow_pending, OPT_PENDING, "--allow-pending");
	check_verb_option(verb, pm_opts.desired != NULL, OPT_DEV | OPT_DIFF, "--desired");
	check_verb_option(verb, pm_opts.managed != NULL, OPT_DEV | OPT_DIFF, "--managed");
	check_verb_option(verb, pm_opts.force, OPT_DEV, "--force");

	if (ntargets > 1 || targets_file)
	{
		if (!(verb->options & OPT_FLEET))
		{
			pm_log_error("verb \"%s\" runs on one database only", verb->name);
			pm_log_error_hint("Give one -d, and no --targets.");
			exit(PM_EXIT_USAGE);
		}
		if (ntargets == 0)
		{
			pm_log_error("the targets file names no database");
			exit(PM_EXIT_USAGE);
		}
		pm_exit(fleet_run((const char *const *) targets, ntargets, verb->run));
	}
	if (pm_opts.jobs > 1 || pm_opts.canary > 0 || pm_opts.keep_going)
	{
		pm_log_error("--jobs, --canary and --keep-going need several targets");
		pm_log_error_hint("Give -d several times, or --targets FILE.");
		exit(PM_EXIT_USAGE);
	}
	pm_exit(verb->run());
}
