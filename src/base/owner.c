/*-------------------------------------------------------------------------
 *
 * owner.c
 *	  The extension as this transaction finds it (its OID, owner and
 *	  catalog schema), the one way to act as its owner, and who may read
 *	  the text that can carry secrets.
 *
 * src/base/owner.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "base/compat.h"
#include "base/owner.h"

/*
 * The extension as this transaction found it: its OID, its owner, and its
 * catalog schema, looked up from pg_extension and pg_depend -- by OID, never
 * by a name a caller could create or rename -- once per transaction, or
 * where the server has a syscache on pg_extension, once until an extension
 * or a schema changes (still_holds).
 */
typedef struct ExtensionFacts
{
	LocalTransactionId lxid;	/* looked up in; InvalidLocalTransactionId:
								 * not looked up, or forgotten */
	Oid			extoid;
	Oid			owner;
	Oid			catalog_nsp;	/* the schema the extension created */
} ExtensionFacts;

static ExtensionFacts ext = {InvalidLocalTransactionId};

/*
 * The catalog schema outlives the transaction: finding it scans every
 * member of the extension in pg_depend, which in autocommit (each DDL
 * statement logged in a transaction of its own) cost more than the rest of
 * the look-up.  It is kept for the extension of OID schema_ext, and
 * forgotten when any schema changes (a syscache invalidation of
 * pg_namespace: a schema created, renamed, dropped or given another owner,
 * here or in another session; dropping the extension drops its schema).
 * The extension is still looked up by name every transaction (and after a
 * schema changed), so a new extension of the same name is never taken for
 * the old one.
 */
static Oid	schema_ext = InvalidOid;
static Oid	schema_nsp = InvalidOid;
static uint64 schema_invalidations = 0;
static bool schema_callback_registered = false;

static LocalTransactionId ext_checked_lxid = InvalidLocalTransactionId;

/*
 * Whether what was looked up in transaction lxid (InvalidLocalTransactionId:
 * nothing, or forgotten since) still holds: in that transaction, and where
 * the server invalidates its syscache on pg_extension (compat.h), in any
 * later one too until forget_catalog_schema runs, as an extension created,
 * dropped or given another owner anywhere invalidates that cache.
 */
static bool
still_holds(LocalTransactionId lxid)
{
	return lxid != InvalidLocalTransactionId &&
		(COMPAT_EXTENSION_CACHE >= 0 || lxid == compat_my_lxid());
}

static void
forget_catalog_schema(Datum arg, int cacheid, uint32 hashvalue)
{
	schema_ext = InvalidOid;
	schema_invalidations++;
	/* and the extension itself: see lookup_extension */
	ext.lxid = InvalidLocalTransactionId;
	ext_checked_lxid = InvalidLocalTransactionId;
}

/*
 * The member of extension extoid of catalog classid that pick accepts (or
 * the last one, when pick is NULL), by a scan of pg_depend: by OID, never by
 * a name a caller could create or rename.
 */
static Oid
find_member(Oid extoid, Oid classid, bool (*pick) (Oid objid, const void *arg),
			const void *arg)
{
	Relation	rel = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			result = InvalidOid;

	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(ExtensionRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(extoid));
	scan = systable_beginscan(rel, DependReferenceIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

		if (dep->classid == classid && dep->deptype == DEPENDENCY_EXTENSION &&
			(pick == NULL || pick(dep->objid, arg)))
			result = dep->objid;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/*
 * Whether the extension is installed: looked up by name once per
 * transaction (or once until an extension changes, see still_holds), and
 * again after any schema changed (a CREATE or DROP EXTENSION creates or
 * drops the catalog schema), into ext.extoid and ext.owner (InvalidOid: not
 * installed).
 */
static bool
lookup_extension(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;

	if (!schema_callback_registered)
	{
		CacheRegisterSyscacheCallback(NAMESPACEOID, forget_catalog_schema,
									  (Datum) 0);
		if (COMPAT_EXTENSION_CACHE >= 0)
			CacheRegisterSyscacheCallback(COMPAT_EXTENSION_CACHE,
										  forget_catalog_schema, (Datum) 0);
		schema_callback_registered = true;
	}
	if (still_holds(ext_checked_lxid))
		return OidIsValid(ext.extoid);

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("migrate"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	ext.extoid = InvalidOid;
	ext.owner = InvalidOid;
	if (HeapTupleIsValid(tuple))
	{
		Form_pg_extension form = (Form_pg_extension) GETSTRUCT(tuple);

		ext.extoid = form->oid;
		ext.owner = form->extowner;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	ext_checked_lxid = compat_my_lxid();
	return OidIsValid(ext.extoid);
}

static const ExtensionFacts *
extension_facts(void)
{
	if (still_holds(ext.lxid))
		return &ext;

	if (!lookup_extension())
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"migrate\" is not installed in this database"),
				 errhint("Run CREATE EXTENSION migrate.")));
	if (schema_ext != ext.extoid)
	{
		uint64		seen = schema_invalidations;

		schema_ext = InvalidOid;
		schema_nsp = find_member(ext.extoid, NamespaceRelationId, NULL, NULL);
		if (!OidIsValid(schema_nsp))
			catalog_damaged("its schema is missing");
		/* kept only if no schema changed while it was looked up */
		if (seen == schema_invalidations)
			schema_ext = ext.extoid;
	}
	ext.catalog_nsp = schema_nsp;
	ext.lxid = compat_my_lxid();
	return &ext;
}

/*
 * Whether the extension is installed now: for the event triggers, which
 * stand aside while it is being dropped.  Once per transaction, not per
 * DDL statement, as a dropped extension drops its schema, which makes it
 * looked up again.
 */
bool
ext_installed(void)
{
	return lookup_extension();
}

/* The OID of the extension, as this transaction finds it */
Oid
ext_oid(void)
{
	return extension_facts()->extoid;
}

/*
 * The extension's own catalog lacks what it was created with: what (e.g.
 * "table migrate.revision is missing") is reported, with the way out.
 */
void
catalog_damaged(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("the catalog of extension \"migrate\" is damaged: %s", what),
			 errhint("Restore it from a backup, or DROP EXTENSION migrate and create it again.")));
}

/*
 * The OID of the catalog schema, after checking that the name "migrate"
 * still leads to it.  Catalog queries are SQL text that name
 * "migrate.revision" and the like; only the extension's owner can rename
 * that schema, and migrate_diff refuses to rename it, so the check is a
 * second wall: if the name ever led anywhere else, no query runs.
 */
Oid
ext_catalog_schema(void)
{
	Oid			nsp = extension_facts()->catalog_nsp;

	if (get_namespace_oid("migrate", true) != nsp)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_SCHEMA_NAME),
				 errmsg("schema \"migrate\" is not the catalog of extension \"migrate\""),
				 errdetail("The extension's catalog schema is now named \"%s\".",
						   get_namespace_name(nsp)),
				 errhint("Rename it back to \"migrate\".")));
	return nsp;
}

static bool
function_named(Oid objid, const void *name)
{
	char	   *fname = get_func_name(objid);

	return fname != NULL && strcmp(fname, (const char *) name) == 0;
}

/* The OID of the function of this extension named "name", or InvalidOid */
static Oid
ext_member_function(const char *name)
{
	return find_member(extension_facts()->extoid, ProcedureRelationId,
					   function_named, name);
}

/*
 * Whether function objid is one that registers or runs scripts and the
 * current user may call it: such a role sees the scripts anyway (it writes
 * them, or they run in its session, where its own settings can print them).
 */
static bool
runs_scripts(Oid objid, const void *arg)
{
	static const char *const names[] = {
		"migrate_add", "migrate_add_file", "migrate_adopt", "migrate_push", "migrate_downgrade",
		"migrate_deploy", "migrate_reset", "migrate_verify", "migrate_dev", NULL
	};
	char	   *fname = get_func_name(objid);

	for (int i = 0; fname && names[i]; i++)
		if (strcmp(fname, names[i]) == 0)
			return compat_proc_aclcheck(objid, GetUserId(), ACL_EXECUTE) == ACLCHECK_OK;
	return false;
}

/*
 * Whether the current user may read the text that can carry secrets: the
 * scripts, the statements of the DDL log, the error messages of the
 * history.  Those are superusers, the extension's owner and the roles that
 * act as it, members of pg_read_all_stats (who may read every session's
 * query text already), and the roles that may register or run scripts (who
 * see them anyway).  Everyone else sees ids, messages, states, times and
 * roles only.  The functions are found as members of the extension, by
 * OID, not by a name a caller could shadow.
 */
bool
migrate_may_read_text(void)
{
	Oid			user = GetUserId();
	const ExtensionFacts *e = extension_facts();

	if (superuser() || has_privs_of_role(user, e->owner) ||
		has_privs_of_role(user, ROLE_PG_READ_ALL_STATS))
		return true;
	return find_member(e->extoid, ProcedureRelationId, runs_scripts, NULL) !=
		InvalidOid;
}

/* The error of a function that shows nothing but such text */
void
migrate_check_may_read_text(const char *what)
{
	if (!migrate_may_read_text())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to read %s", what),
				 errdetail("Migration scripts, logged statements and error messages can carry secrets."),
				 errhint("They are shown to roles that may register or run revisions, and to members of pg_read_all_stats.")));
}

/*
 * Refuse, as calling it would, a caller that may not run the extension's
 * function fname: for a function that does what fname does on its own
 * (migrate_dev registers and pushes).
 */
void
ext_check_may_call(const char *fname)
{
	Oid			fn = ext_member_function(fname);

	if (!OidIsValid(fn))
		elog(ERROR, "function %s of extension \"migrate\" is missing", fname);
	if (compat_proc_aclcheck(fn, GetUserId(), ACL_EXECUTE) != ACLCHECK_OK)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_FUNCTION, fname);
}

/*
 * The one way in which code of this extension acts as the extension's owner.
 *
 * While switched: the user is the owner, in a security-restricted operation
 * (no SET ROLE, no temporary objects, no deferred work of the caller's);
 * search_path is "pg_catalog, pg_temp", so every unqualified function,
 * operator and type resolves in pg_catalog alone (pg_temp is never searched
 * for functions and operators, and comes last for relations); and the name
 * "migrate" has been checked to lead to the extension's own catalog schema.
 * What a caller can create, rename or shadow is therefore out of reach: no
 * name resolved here can lead to it.  Every caller of owner_enter() says at
 * the call why what it runs as the owner is safe.
 */
void
owner_enter(OwnerSwitch *sw)
{
	const ExtensionFacts *e = extension_facts();

	(void) ext_catalog_schema();
	GetUserIdAndSecContext(&sw->save_userid, &sw->save_sec_context);
	SetUserIdAndSecContext(e->owner, sw->save_sec_context |
						   SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	sw->save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

void
owner_leave(OwnerSwitch *sw)
{
	AtEOXact_GUC(true, sw->save_nestlevel);
	SetUserIdAndSecContext(sw->save_userid, sw->save_sec_context);
}
