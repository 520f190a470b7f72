/*
 * compat.h
 *		What differs between the PostgreSQL major versions migrate builds
 *		against (15, 16, 17, 18), in one place.
 *
 * Every PG_VERSION_NUM test of the C code lives here; the rest of src/
 * calls these names only.  What changed, and where it matters:
 *
 *   16  pg_proc_aclcheck() and pg_namespace_ownercheck() became
 *       object_aclcheck() and object_ownercheck() with a catalog argument.
 *   16  ExecInitRangeTable() takes the permission entries of the range
 *       table (RTEPermissionInfo); 18 the set of unpruned relations too.
 *   16  parser/gram.h is no longer installed: core/script.c learns the
 *       scanner's token numbers at run time instead (no guard needed).
 *   17  PGPROC's local transaction id moved into PGPROC.vxid.
 *   17  pg_attribute.attstattarget became a nullable int2 (NULL for the
 *       default) at the end of the row, where it was an int4 (-1).
 *   18  PortalRun() lost its run_once argument.
 *   18  ResultRelInfo.ri_ConstraintExprs became ri_CheckConstraintExprs, a
 *       CHECK constraint can be NOT ENFORCED (ConstrCheck.ccenforced), and
 *       a column can be a virtual generated one.
 *   18  a syscache on pg_extension.oid (EXTENSIONOID), which later minor
 *       releases of 15 to 17 have too: the Makefile finds it in the
 *       server's headers, as no PG_VERSION_NUM tells a minor release.
 *   18  NOT NULL constraints are pg_constraint rows (contype 'n'); the
 *       model reads NOT NULL from pg_attribute.attnotnull on every version
 *       and skips those rows (see model/relations.c).
 *
 * 16 is not in any Debian suite this project can test in; the 16 branches
 * below follow the server's release notes and headers and are built only
 * by someone with a 16 installation (README "PostgreSQL versions").
 */
#ifndef MIGRATE_COMPAT_H
#define MIGRATE_COMPAT_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "storage/proc.h"
#include "utils/acl.h"

#if PG_VERSION_NUM < 150000
#error "migrate needs PostgreSQL 15 or later"
#endif

/* May the role execute the function? */
#if PG_VERSION_NUM >= 160000
#define compat_proc_aclcheck(fn, role, mode) \
	object_aclcheck(ProcedureRelationId, (fn), (role), (mode))
#define compat_namespace_ownercheck(nsp, role) \
	object_ownercheck(NamespaceRelationId, (nsp), (role))
#define compat_namespace_usable(nsp) \
	(object_aclcheck(NamespaceRelationId, (nsp), GetUserId(), ACL_USAGE) == ACLCHECK_OK)
#else
#define compat_proc_aclcheck(fn, role, mode) \
	pg_proc_aclcheck((fn), (role), (mode))
#define compat_namespace_ownercheck(nsp, role) \
	pg_namespace_ownercheck((nsp), (role))
#define compat_namespace_usable(nsp) \
	(pg_namespace_aclcheck((nsp), GetUserId(), ACL_USAGE) == ACLCHECK_OK)
#endif

/* This backend's local transaction id: tells one transaction from the next */
#if PG_VERSION_NUM >= 170000
#define compat_my_lxid() (MyProc->vxid.lxid)
#else
#define compat_my_lxid() (MyProc->lxid)
#endif

/*
 * A pg_attribute row's statistics target (ALTER COLUMN SET STATISTICS), or
 * -1 for the default (base/compat.c).
 */
extern int	compat_attstattarget(HeapTuple tup, TupleDesc desc);

/* The backend slot of a virtual transaction id (17 renamed it) */
#if PG_VERSION_NUM >= 170000
#define compat_vxid_proc(vxid) ((vxid).procNumber)
#else
#define compat_vxid_proc(vxid) ((vxid).backendId)
#endif

/* Run a portal (18 dropped PortalRun's run_once argument) */
#if PG_VERSION_NUM >= 180000
#define compat_portal_run(portal, count, toplevel, dest, altdest, qc) \
	PortalRun((portal), (count), (toplevel), (dest), (altdest), (qc))
#else
#define compat_portal_run(portal, count, toplevel, dest, altdest, qc) \
	PortalRun((portal), (count), (toplevel), true, (dest), (altdest), (qc))
#endif

/*
 * Is this pg_constraint row a NOT NULL constraint?  17 stores a domain's NOT
 * NULL as such a row, 18 a column's too; the model reads NOT NULL from
 * pg_type.typnotnull and pg_attribute.attnotnull on every version and skips
 * these rows, so one schema has one model (and one fingerprint) everywhere.
 */
#ifdef CONSTRAINT_NOTNULL
#define compat_is_notnull_constraint(contype) ((contype) == CONSTRAINT_NOTNULL)
#else
#define compat_is_notnull_constraint(contype) (false)
#endif

/*
 * The query of a view or materialized view as pg_get_viewdef(oid) writes it
 * on 16 and later.  Up to 15 a view's stored query keeps two unused range
 * table entries (OLD and NEW), so every column comes out qualified with its
 * table name ("users.id"); 16 dropped them (and qualifies only when two
 * tables are read).  On 15 the entries are removed from a copy of the query
 * before it is deparsed, so both write the same text (base/compat.c).
 */
extern char *compat_view_query(Oid viewoid);

/*
 * The options of CREATE DATABASE that give a new database the encoding and
 * locale of database dboid (DefElem *, for createdb())
 */
extern List *compat_database_locale_options(Oid dboid);

/*
 * A pg_collation row's options as CREATE COLLATION takes them:
 * "provider = icu, locale = 'und-u-ks-level2', deterministic = false"
 */
extern char *compat_collation_options(HeapTuple tup);

/* The type a type name (with modifier) names here, or InvalidOid */
extern Oid	compat_type_named(const char *name, int32 *typmod);

/*
 * Give the memory malloc holds free back to the operating system, where the
 * C library can (glibc's malloc_trim): after a large context is dropped,
 * its blocks stay in the process, resident, and count in its size until
 * something reuses them.
 */
extern void compat_return_free_memory(void);

/*
 * The syscache on pg_extension.oid, whose invalidations say that an
 * extension changed, or -1 where the server has none
 */
#ifdef MIGRATE_HAVE_EXTENSIONOID
#define COMPAT_EXTENSION_CACHE EXTENSIONOID
#else
#define COMPAT_EXTENSION_CACHE (-1)
#endif

/*
 * Give an executor state made by hand (not from a plan) a range table of
 * one relation, rte, as the executor's checks and error messages expect
 * (catalog/direct.c)
 */
struct EState;
struct RangeTblEntry;
extern void compat_init_range_table(struct EState *estate,
									struct RangeTblEntry *rte);

/*
 * The prepared CHECK constraints of a result relation (one per
 * constr->check entry, NULL for one not enforced), which the executor makes
 * when they are NULL; and whether a CHECK constraint is enforced (18 has
 * NOT ENFORCED ones, which it skips) (catalog/direct.c)
 */
#if PG_VERSION_NUM >= 180000
#define compat_rri_check_exprs(rri) ((rri)->ri_CheckConstraintExprs)
#define compat_check_enforced(cc) ((cc)->ccenforced)
#else
#define compat_rri_check_exprs(rri) ((rri)->ri_ConstraintExprs)
#define compat_check_enforced(cc) (true)
#endif

/*
 * Whether a table has virtual generated columns (18 has them; the
 * executor expands them in a CHECK constraint before preparing it)
 */
#if PG_VERSION_NUM >= 180000
#define compat_has_generated_virtual(constr) ((constr)->has_generated_virtual)
#else
#define compat_has_generated_virtual(constr) (false)
#endif

#endif							/* MIGRATE_COMPAT_H */
