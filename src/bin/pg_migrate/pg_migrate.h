/*-------------------------------------------------------------------------
 *
 * pg_migrate.h
 *	  Declarations shared by the files of pg_migrate, the command-line
 *	  client of the migrate extension.
 *
 * The client is thin: it reads revision files from a folder, hands their
 * text to the extension's SQL functions (which alone know the file format
 * and the rules), relays the server's progress, prints results and returns
 * exit codes a CI job can trust.
 *
 *	  pg_migrate.c	options, help, dispatch to a verb
 *	  conn.c		connecting (retry, session settings), running queries,
 *					relaying notices, reporting server errors
 *	  folder.c		the migrations folder: reading it, naming a new file
 *	  output.c		results as aligned text or JSON
 *	  register.c	registering the folder with migrate_add_file()
 *	  verbs.c		the verbs, each a call of the extension's SQL
 *	  check.c		the CI gate
 *	  fleet.c		one verb on many databases, in parallel
 *
 * src/bin/pg_migrate/pg_migrate.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_MIGRATE_H
#define PG_MIGRATE_H

#include "libpq-fe.h"
#include "pqexpbuffer.h"

/*
 * A function that does not return: 18 replaced the trailing
 * pg_attribute_noreturn() with the leading pg_noreturn (C11 _Noreturn).
 * The client's one version difference (the extension's are in
 * src/base/compat.h).
 */
#ifdef pg_noreturn
#define PM_NORETURN pg_noreturn
#define PM_NORETURN_AFTER
#else
#define PM_NORETURN
#define PM_NORETURN_AFTER pg_attribute_noreturn()
#endif

/*
 * Exit codes: documented in --help and in the README.  Check's own codes
 * are ordered by weight; with several failures it exits with the smallest.
 */
#define PM_EXIT_OK				0
#define PM_EXIT_USAGE			1	/* bad command line */
#define PM_EXIT_CONNECT			2	/* no connection, or it was lost */
#define PM_EXIT_EXTENSION		3	/* extension missing or too old */
#define PM_EXIT_SERVER			4	/* the server refused: a failed revision,
									 * a bad target, a timeout */
#define PM_EXIT_FILES			5	/* the folder or a file cannot be used */
#define PM_EXIT_FOUND			6	/* drift found, or a proof failed */
#define PM_EXIT_FLEET			7	/* fleet: targets skipped, or their
									 * fingerprints differ */
#define PM_EXIT_CHECK_CHANGED	10	/* a file differs from its registration */
#define PM_EXIT_CHECK_MISSING	11	/* a registered revision has no file */
#define PM_EXIT_CHECK_UNREG		12	/* a file is not registered */
#define PM_EXIT_CHECK_DRIFT		13	/* the schema drifted */
#define PM_EXIT_CHECK_PENDING	14	/* a registered revision is not applied */

/* The command line, once parsed */
typedef struct PmOptions
{
	const char *verb;
	int			nargs;			/* the verb's arguments */
	char	  **args;
	const char *dir;			/* the migrations folder */
	const char *dbname;			/* a database name or a connection string */
	const char *host;
	const char *port;
	const char *user;
	int			retry_until;	/* seconds to keep trying to connect */
	const char *lock_timeout;	/* migrate.lock_timeout */
	int			lock_retries;	/* migrate.lock_retries; -1: the server's */
	const char *statement_timeout;
	bool		json;
	bool		each;
	bool		yes;
	bool		allow_pending;
	bool		quiet;
	int			jobs;			/* fleet: targets run at once */
	int			canary;			/* fleet: targets run first, alone */
	bool		keep_going;		/* fleet: go on after a failure */
	const char *desired;		/* dev: a file of SQL, or a schema */
	const char *managed;		/* dev: the managed schema */
	bool		force;			/* dev: generate what needs a review */
} PmOptions;

extern PmOptions pm_opts;

/* One revision file */
typedef struct PmFile
{
	char	   *name;			/* its name in the folder */
	char	   *content;		/* its bytes, NUL-terminated */
} PmFile;

/* The .sql files of the folder, in name order */
typedef struct PmFolder
{
	int			nfiles;
	PmFile	   *files;
} PmFolder;

/* conn.c */
extern void pm_connect(void);
extern void pm_require_extension(void);
extern const char *pm_fn(const char *name);
extern bool pm_connected(void);
extern PGresult *pm_try(const char *sql, int nparams, const char *const *params);
extern PGresult *pm_query(const char *sql, int nparams, const char *const *params);
extern void pm_exec(const char *sql);
extern void pm_report_error(const PGresult *res);
extern PM_NORETURN void pm_fail(PGresult *res, int code, const char *where) PM_NORETURN_AFTER;
extern char *pm_literal(const char *text);
extern PM_NORETURN void pm_exit(int code) PM_NORETURN_AFTER;
extern double pm_now(void);
extern bool pm_notices;
extern int	pm_report_fd;
extern int	pm_applied;

/*
 * An error for stderr, as pg_log_error() and its detail and hint, that is
 * also kept: with --json, pm_exit() prints the first error of a failed run
 * as one JSON object on stdout (conn.c).
 */
extern void pm_log(int part, const char *fmt,...) pg_attribute_printf(2, 3);
#define pm_log_error(...) pm_log(0, __VA_ARGS__)
#define pm_log_error_detail(...) pm_log(1, __VA_ARGS__)
#define pm_log_error_hint(...) pm_log(2, __VA_ARGS__)
extern void pm_error_fields(PQExpBuffer buf);
extern bool pm_json_printed;

/* folder.c */
extern PmFolder *folder_read(const char *dir, bool must_exist);
extern char *folder_read_file(const char *path);
extern bool folder_write_new(const char *path, const char *content);
extern char *folder_new_name(const PmFolder *folder, const char *message);

/* output.c */
extern void print_table(const PGresult *res);
extern void print_json(const PGresult *res);
extern void print_rows(const PGresult *res);
extern void json_string(PQExpBuffer buf, const char *s);
extern void json_field(PQExpBuffer buf, const char *key, const char *value);

/* register.c */
extern char **register_batch(const PmFolder *folder);
extern void check_twins(const PmFolder *folder, char **ids);
extern char **register_folder(const PmFolder *folder, char ***previous);

/* verbs.c */
extern int	verb_init(void);
extern int	verb_new(void);
extern int	verb_register(void);
extern int	verb_push(void);
extern int	verb_downgrade(void);
extern int	verb_stamp(void);
extern int	verb_status(void);
extern int	verb_history(void);
extern int	verb_show(void);
extern int	verb_drift(void);
extern int	verb_verify(void);
extern int	verb_plan(void);
extern int	verb_script(void);
extern int	verb_reset(void);
extern int	verb_export(void);
extern int	verb_dev(void);
extern int	verb_diff(void);

/* fleet.c */
extern int	fleet_run(const char *const *conninfos, int n, int (*run) (void));

/* check.c */
extern int	verb_check(void);

#endif							/* PG_MIGRATE_H */
