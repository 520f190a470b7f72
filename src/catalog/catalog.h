/*-------------------------------------------------------------------------
 *
 * catalog.h
 *	  Every read and write of the tables in schema "migrate".
 *
 * src/catalog/catalog.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_CATALOG_H
#define MIGRATE_CATALOG_H

#include "core/graph.h"
#include "datatype/timestamp.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"

struct ReturnSetInfo;
struct HTAB;

/* A revision's row, as migrate_add compares and writes it */
typedef struct RevisionRow
{
	char	   *id;
	char	   *message;
	List	   *parents;		/* of char * */
	char	   *up_sql;
	char	   *down_sql;		/* NULL: irreversible */
	char	   *checksum;
	TimestampTz created_at;
	char	   *created_by;
	bool		applied;
	TimestampTz applied_at;
	bool		transactional;	/* false: its statements run one at a time,
								 * each committed on its own */
	int			lock_timeout;	/* ms; -1: the session's migrate.lock_timeout */
	int			lock_retries;	/* -1: the session's migrate.lock_retries */
	List	   *allow;			/* "rule: reason", lint rules it may break */
} RevisionRow;

extern void catalog_lock(void);
extern RevGraph *catalog_load_graph(void);
extern bool catalog_revision_exists(const char *id);
extern RevisionRow *catalog_get_revision(const char *id);
extern void catalog_insert_revision(RevisionRow *row);
extern void catalog_update_revision(RevisionRow *row);
extern void catalog_mark_applied(const char *id, const char *role,
								 TimestampTz at, const Interval *duration);
extern void catalog_unmark_applied(const char *id);
/* What the history keeps of a failed revision */
typedef struct HistoryFailure
{
	const char *message;
	const char *sqlstate;
	int			statement;		/* 0: not inside a statement */
	int			line;
} HistoryFailure;

extern void catalog_log_history(const char *id, const char *action,
								const char *role, TimestampTz started,
								const Interval *duration,
								const char *checksum,
								const HistoryFailure *failure);
extern bool catalog_parents_applied(const char *id);
extern bool catalog_children_applied(const char *id);
extern void catalog_select_into(const char *sql, int nargs, Oid *argtypes,
								Datum *args, const char *argnulls,
								struct ReturnSetInfo *rsinfo);

/* One row of migrate.ddl_log, as an event trigger saw it */
typedef struct DdlLogRow
{
	TimestampTz logged_at;
	char	   *session_role;
	char	   *run_by;
	char	   *application_name;
	char	   *command_tag;
	char	   *object_type;
	char	   *object_identity;
	char	   *schema_name;
	bool		dropped;
	char	   *statement;
	char	   *revision;		/* NULL: out of band */
} DdlLogRow;

extern void catalog_log_ddl(List *rows);
extern void catalog_defer_writes(bool on);
extern List *catalog_get_scripts(List *ids);
extern List *catalog_unadopted_statements(List **seqs);
extern void catalog_attribute_ddl(List *seqs, const char *revision);

/* The newest out-of-band DDL on an object, by object identity */
#define DDL_LOG_KEYLEN 256
typedef struct DdlLogEntry
{
	char		identity[DDL_LOG_KEYLEN];
	TimestampTz logged_at;
	char	   *role;
	char	   *statement;
} DdlLogEntry;

extern void catalog_save_snapshot(const char *fingerprint, const char *objects);
extern char *catalog_snapshot_fingerprint(void);
extern text *catalog_load_snapshot(void);
extern struct HTAB *catalog_ddl_since_snapshot(void);

/* The same bookkeeping as SQL text, for the offline script */
extern void catalog_script_start(StringInfo buf, List *applied, List *ids,
								 List *checksums);
extern void catalog_script_recheck(StringInfo buf, List *applied, List *ids,
								   List *checksums);
extern void catalog_script_bookkeeping(StringInfo buf, const char *id,
									   bool upgrade, const char *checksum);

/* One step of a non-transactional revision: a row of migrate.step */
typedef struct StepRow
{
	int			step;			/* the statement's number in its script */
	int			line;
	char	   *statement;
	char	   *checksum;
	char	   *search_path;
	char	   *run_by;
	char	   *state;			/* pending, running, done, failed */
	int			attempts;
	TimestampTz started_at;		/* 0: never started */
	TimestampTz finished_at;	/* 0: not finished */
	int			backend_pid;	/* 0: none */
	uint64		xid;			/* 0: none */
	char	   *sqlstate;
	char	   *error;
	char	   *detail;
} StepRow;

/* A revision whose steps in one direction are not all done */
typedef struct StepSummary
{
	char	   *id;
	bool		upgrade;
	bool		failed;
	bool		running;
} StepSummary;

extern List *catalog_get_steps(const char *id, bool upgrade);
extern void catalog_make_steps(const char *id, bool upgrade, List *steps,
							   const char *checksum, const char *search_path,
							   const char *run_by);
extern void catalog_resume_steps(const char *id, bool upgrade,
								 const char *search_path, const char *run_by);
extern void catalog_step_running(const char *id, bool upgrade, int step);
extern void catalog_step_xid(const char *id, bool upgrade, int step);
extern void catalog_step_done(const char *id, bool upgrade, int step);
extern void catalog_step_failed(const char *id, bool upgrade, int step,
								const char *sqlstate, const char *message,
								const char *detail);
extern void catalog_forget_steps(const char *id, bool upgrade, bool both);
extern void catalog_select_steps(const char *id, struct ReturnSetInfo *rsinfo);
extern List *catalog_unfinished_steps(void);

#endif							/* MIGRATE_CATALOG_H */
