/*-------------------------------------------------------------------------
 *
 * session.c
 *	  What this backend is doing now: running a revision's script, or
 *	  rolled-back work (a desired state, a proof), and the checks that
 *	  follow from it.
 *
 * "Inside a migration" is this backend-local state, set only by the C code
 * that runs a script: no setting can fake it.  The DDL log uses it to
 * attribute statements to their revision (and to skip rolled-back work);
 * the changing functions use it to refuse being called from a script.
 *
 * src/base/session.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "miscadmin.h"

#include "base/session.h"

/* The revision whose script runs now, or NULL */
static const char *running_revision = NULL;
static bool running = false;

/* Depth of the rolled-back work under way */
static int	scratch_depth = 0;

void
session_script_begin(const char *id)
{
	running_revision = id;
	running = true;
}

void
session_script_end(void)
{
	running_revision = NULL;
	running = false;
}

bool
migrate_in_migration(void)
{
	return running;
}

/* The id of the revision whose script is running, or NULL */
const char *
migrate_running_revision(void)
{
	return running_revision;
}

void
session_scratch_enter(void)
{
	scratch_depth++;
}

void
session_scratch_leave(void)
{
	Assert(scratch_depth > 0);
	scratch_depth--;
}

bool
migrate_in_scratch(void)
{
	return scratch_depth > 0;
}

/*
 * Refuse to change the catalog from inside a migration script: a push that
 * pushed would apply revisions twice.
 */
static void
migrate_check_not_nested(void)
{
	if (running)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot change migrations from inside a migration script"),
				 errhint("Register, push, downgrade or stamp from the top level, not from a revision's script.")));
	/* the desired state's SQL, or a script migrate_diff is proving */
	if (scratch_depth > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot change migrations from inside a desired state or a proof"),
				 errhint("The desired state is only DDL: register and push from the top level.")));
}

/*
 * The conditions every function that changes the catalog needs.
 */
void
migrate_check_can_change(void)
{
	migrate_check_not_nested();
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("migrations cannot run under %s isolation",
						IsolationIsSerializable() ? "SERIALIZABLE" : "REPEATABLE READ"),
				 errdetail("The transaction's snapshot could predate the migration lock and miss a concurrent push."),
				 errhint("Run it in a READ COMMITTED transaction.")));
	if (XactReadOnly)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot change migrations in a read-only transaction"),
				 RecoveryInProgress() ?
				 errhint("The server is a standby: run migrations on the primary.") : 0));
}
