/*-------------------------------------------------------------------------
 *
 * migrate.h
 *	  Declarations shared by the files of the migrate extension.
 *
 * The pieces, one file each:
 *	  script.c	 migration text: statements, validation, checksum
 *	  graph.c	 the revision graph and target resolution
 *	  catalog.c	 every read and write of the tables in schema "migrate"
 *	  apply.c	 running revisions: push, downgrade, stamp
 *	  info.c	 the functions that only look: status, history, show
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_H
#define MIGRATE_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"

struct ReturnSetInfo;

/* Largest id accepted; ids match [A-Za-z0-9][A-Za-z0-9_.-]{0,63} */
#define MIGRATE_ID_MAXLEN	64

/* Longest message accepted, in characters: a commit message, not a file */
#define MIGRATE_MESSAGE_MAXLEN	1000

/* ----------------------------------------------------------------
 * migrate.c: settings
 * ----------------------------------------------------------------
 */
extern int	migrate_max_script_size;	/* kB */

typedef enum MigrateGuard
{
	MIGRATE_GUARD_OFF,
	MIGRATE_GUARD_LOG,
	MIGRATE_GUARD_WARN,
	MIGRATE_GUARD_ERROR
} MigrateGuard;

extern int	migrate_guard;		/* MigrateGuard */
extern char *migrate_managed_schemas;

extern char *migrate_join(List *items, const char *sep, const char *prefix);
extern bool migrate_list_has(List *items, const char *s);

/* ----------------------------------------------------------------
 * ddl_log.c
 * ----------------------------------------------------------------
 */
extern void ddl_log_init(void);

/* ----------------------------------------------------------------
 * script.c
 * ----------------------------------------------------------------
 */

/* One statement of a script, as the server's raw parser split it */
typedef struct MigrateStmt
{
	int			number;			/* 1-based, counting every statement written */
	int			offset;			/* byte offset of its first token */
	int			len;			/* byte length, without the ';' */
	int			line;			/* 1-based line of its first token */
} MigrateStmt;

typedef struct MigrateScript
{
	const char *what;			/* "up" or "down", for messages */
	const char *text;			/* the script as registered */
	int			nstmts;			/* statements to run (wrapper excluded) */
	MigrateStmt *stmts;
	bool		wrapper;		/* an outer BEGIN; ... COMMIT; was dropped */
} MigrateScript;

extern MigrateScript *script_parse(const char *text, const char *what);
extern void script_check_size(const char *text, const char *what);
extern char *script_checksum(const char *up, const char *down);
extern int	script_line_at(const char *text, int byteoffset);
extern char *script_requalify(const char *text, const char *from,
							  const char *to);

/* ----------------------------------------------------------------
 * graph.c
 * ----------------------------------------------------------------
 */

typedef struct RevNode
{
	char	   *id;
	char	   *message;
	int64		position;		/* registration order */
	int			nparents;
	int		   *parents;		/* indexes into RevGraph.nodes */
	int			nchildren;
	int		   *children;
	bool		applied;
	bool		reversible;		/* has a down script */
	TimestampTz applied_at;		/* valid when applied */
	char	   *applied_by;		/* valid when applied */
} RevNode;

typedef struct RevGraph
{
	int			n;
	RevNode    *nodes;			/* sorted by position */
	int		   *order;			/* topological order, ties by position */
	struct HTAB *byid;			/* id -> index */
} RevGraph;

extern RevGraph *graph_build(int n, RevNode *nodes, List **parent_ids);
extern int	graph_find(RevGraph *g, const char *id);
extern int	graph_lookup(RevGraph *g, const char *spec);
extern List *graph_heads(RevGraph *g);
extern bool graph_is_head(RevGraph *g, int idx);
extern bool graph_is_current(RevGraph *g, int idx);
extern bool graph_is_ancestor(RevGraph *g, int ancestor, int idx);
extern List *graph_plan_push(RevGraph *g, const char *target);
extern List *graph_plan_downgrade(RevGraph *g, const char *target);
extern void graph_plan_stamp(RevGraph *g, const char *target,
							 List **mark, List **unmark);
extern char *graph_id_list(RevGraph *g, List *idxs);
extern void graph_assume_state(RevGraph *g, const char *from);
extern bool graph_target_is_backward(RevGraph *g, const char *target);

/* ----------------------------------------------------------------
 * catalog.c
 * ----------------------------------------------------------------
 */

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
} RevisionRow;

/* What owner_enter() saves, for owner_leave() */
typedef struct OwnerSwitch
{
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
} OwnerSwitch;

extern void owner_enter(OwnerSwitch *sw);
extern void owner_leave(OwnerSwitch *sw);
extern Oid	catalog_schema(void);
extern bool catalog_may_read_text(void);
extern void catalog_check_may_read_text(const char *what);

/* What a column of text that may carry secrets shows to others */
#define MIGRATE_REDACTED	"<insufficient privilege>"
extern void catalog_lock(void);
extern Oid	catalog_extension_owner(void);
extern RevGraph *catalog_load_graph(void);
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
extern void catalog_flush(void);
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

extern char *migrate_registration_file(RevisionRow *row, const char *filename);
extern void catalog_save_snapshot(const char *fingerprint, const char *objects);
extern char *catalog_snapshot_fingerprint(void);
extern text *catalog_load_snapshot(void);
extern struct HTAB *catalog_ddl_since_snapshot(void);

/* ----------------------------------------------------------------
 * schema_model.c: the canonical model of the managed schemas
 * ----------------------------------------------------------------
 */

/* One object of the model: what drift compares */
typedef struct ModelObject
{
	const char *kind;			/* "table", "column", "index", ... */
	char	   *identity;		/* schema-qualified, unique within kind */
	char	   *definition;		/* normalized: equal iff the objects match */
	int			rank;			/* of kind among the kinds, while sorting */
	struct ModelDetail *detail; /* for the diff engine, or NULL */
} ModelObject;

/*
 * A sorted set of OIDs that says where an OID is in it by counting bits:
 * a bit per OID from the smallest on, and the count of set bits before
 * each 64.  Past a span of 64 million OIDs (8 MB of bits), a binary search.
 */
typedef struct OidIndex
{
	int			n;
	Oid		   *oids;			/* sorted */
	Oid			min;
	uint32		span;
	uint64	   *bits;			/* NULL: binary search */
	uint32	   *ranks;
} OidIndex;

/*
 * What the diff engine needs of a table, column, sequence or view besides
 * its definition: the facts it writes DDL from.  Only a model read for a
 * diff (model_read_schema) has them.
 */
typedef struct ModelDetail
{
	Oid			relid;			/* relations, types, routines: the OID,
								 * whose order is the order of creation */
	char		relkind;
	char		persistence;
	bool		rls;
	bool		rls_forced;
	char	   *options;		/* reloptions as "{a=b}", or NULL */
	char	   *partkey;		/* partitioned table: "RANGE (a)" */
	char	   *partbound;		/* partition: "FOR VALUES ..." */
	char	   *parents;		/* partition or inheritance parents */
	char	   *query;			/* view and materialized view */
	char	   *server;			/* foreign table: "SERVER s OPTIONS (...)" */
	char	   *seqparams;		/* sequence: "AS integer START WITH 1 ..." */
	char	   *owned_by;		/* sequence: "public.t.c" */
	bool		seq_identity;	/* sequence of an identity column */
	/* columns */
	char	   *table;			/* qualified name of its table */
	char	   *column;			/* its quoted name */
	int			attnum;
	char	   *type;			/* with modifier */
	Oid			typid;
	int32		typmod;
	char	   *collation;		/* qualified, or NULL for the type's own */
	bool		notnull;
	char	   *dflt;			/* default expression, or NULL */
	char	   *generated;		/* generation expression, or NULL */
	char		identity;		/* attidentity */
	bool		inherited;		/* from a parent (not attislocal) */
} ModelDetail;

/* A managed relation, as model_read_relations() found it */
typedef struct RelInfo
{
	Oid			relid;			/* hash key */
	Oid			nspid;
	char		relkind;
	char	   *qualname;		/* quoted, schema-qualified */
	int			natts;
	char	  **attnames;		/* [attnum - 1]; NULL for dropped columns */
	char	  **defaults;		/* [attnum - 1]: deparsed default or generation
								 * expression of a table's column, or NULL */
	char	   *relkey;			/* the column names, for model_deparse */
	struct ModelDetail *detail; /* read for a diff: facts for its DDL */
} RelInfo;

typedef struct SchemaModel
{
	int			n;
	int			cap;
	ModelObject *objects;		/* sorted by kind, identity once built */

	/* while reading the catalogs */
	struct HTAB *managed;		/* OIDs of the managed schemas */
	struct HTAB *members;		/* (classid, objid) of extension members */
	RelInfo   **rels;			/* managed relations, by relid once indexed */
	int			nrels;
	int			maxrels;
	struct HTAB *exprs;			/* deparsed expressions, by node string */
	struct HTAB *names;			/* role names by OID */
	Oid			last_role;		/* the last one looked up */
	const char *last_role_name;
	Oid			last_relid;		/* model_relation's last answer */
	RelInfo    *last_rel;
	MemoryContext scratch;		/* reset after each deparse */
	bool		for_diff;		/* keep details, leave owners out */
	OidIndex	relindex;		/* of rels[], once they are all known */
} SchemaModel;

extern struct HTAB *model_hash(const char *name, Size keysize, Size entrysize);
extern SchemaModel *model_read(void);
extern SchemaModel *model_read_empty(void);
extern SchemaModel *model_read_schema(const char *nspname);
extern bool model_reading_for_diff(void);
extern ModelDetail *model_detail(SchemaModel *m);
extern void model_add(SchemaModel *m, const char *kind, char *identity,
					  char *definition);
extern bool model_is_managed(SchemaModel *m, Oid nspid);
extern bool model_is_member(SchemaModel *m, Oid classid, Oid objid);
extern char *model_deparse(SchemaModel *m, const char *nodestring,
						   Oid relid, const char *relkey);
extern char *model_qualified(Oid nspid, const char *name);
extern char *model_alloc_string(Size len);
extern char *model_string(struct StringInfoData *buf);
extern RelInfo *model_relation(SchemaModel *m, Oid relid);
extern RelInfo *model_new_relation(SchemaModel *m, Oid relid);
extern void model_build_oid_index(OidIndex *index, Oid *oids, int n);
extern int	model_find_oid(const OidIndex *index, Oid oid);
extern void model_index_relations(SchemaModel *m);
extern const char *model_role_name(SchemaModel *m, Oid roleid);
extern char *model_acl(Datum acl, ObjectType objtype, Oid owner);
extern char *model_fingerprint(SchemaModel *m);
extern char *model_serialize(SchemaModel *m);
extern SchemaModel *model_deserialize_in_place(char *data, Size len);

/* The readers, one family of object kinds each (model_*.c) */
extern void model_read_relations(SchemaModel *m);
extern void model_read_others(SchemaModel *m);

/* ----------------------------------------------------------------
 * drift.c
 * ----------------------------------------------------------------
 */
extern void migrate_save_snapshot(void);

/* One difference between two models */
typedef struct ModelChange
{
	const char *kind;
	const char *identity;
	const char *change;			/* "added", "removed", "changed" */
	const char *expected;
	const char *actual;
} ModelChange;

extern List *model_compare(SchemaModel *expected, SchemaModel *actual);
extern SchemaModel *model_read_now(void);

/* ----------------------------------------------------------------
 * diff.c: DDL from one model to another
 * ----------------------------------------------------------------
 */
typedef struct DiffScript
{
	char	   *sql;			/* the statements, with comments */
	int			changes;		/* objects changed */
	List	   *review;			/* char *: what needs a human, and why */
} DiffScript;

extern DiffScript *diff_script(SchemaModel *from, SchemaModel *to,
							   const char *title);
extern bool diff_frame_object(const char *kind, const char *identity);

/* ----------------------------------------------------------------
 * autogen.c: the desired state, migrate_diff, migrate_dev, migrate_verify
 * ----------------------------------------------------------------
 */
extern bool migrate_in_scratch(void);

/* ----------------------------------------------------------------
 * apply.c
 * ----------------------------------------------------------------
 */
extern bool migrate_in_migration(void);
extern const char *migrate_running_revision(void);
extern void migrate_check_not_nested(void);
extern void migrate_check_can_change(void);
extern void migrate_check_reversible(RevGraph *g, List *plan);
extern char *migrate_current_role(void);
extern char *migrate_text_arg(FunctionCallInfo fcinfo, int argno,
							  const char *name);
extern int64 migrate_run_script(const char *id, const char *message,
								MigrateScript *script, const char *verb);

#endif							/* MIGRATE_H */
