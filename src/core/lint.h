/*-------------------------------------------------------------------------
 *
 * lint.h
 *	  Hazards in a script, judged with what the server knows: the tables'
 *	  sizes, the defaults' volatility, the lock each command takes.
 *
 * src/core/lint.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_LINT_H
#define MIGRATE_LINT_H

#include "nodes/pg_list.h"

/* What migrate.lint makes of a hazard at registration */
typedef enum LintMode
{
	LINT_OFF,
	LINT_WARN,
	LINT_ERROR
} LintMode;

/* One finding: a rule a statement breaks */
typedef struct LintFinding
{
	const char *rule;
	const char *severity;		/* "hazard" or "advice" */
	int			statement;		/* 1-based, as script.c counts */
	int			line;
	char	   *text;			/* the statement, on one line, shortened */
	char	   *message;
	char	   *detail;
	char	   *hint;
} LintFinding;

extern void lint_init(void);
extern List *lint_script(const char *sql, bool transactional,
						 int lock_timeout);
extern List *lint_check_allow(List *allow);
extern void lint_registration(const char *id, const char *sql,
							  bool transactional, int lock_timeout,
							  List *allow);
extern int	lint_rule_count(void);
extern void lint_rule_at(int i, const char **name, const char **severity,
						 const char **summary);

#endif							/* MIGRATE_LINT_H */
