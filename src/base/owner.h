/*-------------------------------------------------------------------------
 *
 * owner.h
 *	  The extension as this transaction finds it, the one way to act as
 *	  its owner, and who may read the text that can carry secrets.
 *
 * src/base/owner.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_OWNER_H
#define MIGRATE_OWNER_H

/* What owner_enter() saves, for owner_leave() */
typedef struct OwnerSwitch
{
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
} OwnerSwitch;

extern void owner_enter(OwnerSwitch *sw);
extern void owner_leave(OwnerSwitch *sw);

extern bool ext_installed(void);
extern Oid	ext_oid(void);
extern Oid	ext_catalog_schema(void);
/* no noreturn mark: PostgreSQL 18 spells it differently; callers return after */
extern void catalog_damaged(const char *what);
extern void ext_check_may_call(const char *fname);

/* What a column of text that may carry secrets shows to others */
#define MIGRATE_REDACTED	"<insufficient privilege>"

extern bool migrate_may_read_text(void);
extern void migrate_check_may_read_text(const char *what);

#endif							/* MIGRATE_OWNER_H */
