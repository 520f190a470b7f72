/*-------------------------------------------------------------------------
 *
 * revfile.c
 *	  A revision as a file: the psql-runnable registration call that
 *	  migrate_export() and migrate_dev() write, so that the catalog
 *	  round-trips through files kept in git.
 *
 * src/core/revfile.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "base/util.h"
#include "core/revfile.h"
#include "core/script.h"

/* A dollar-quote tag, based on name, that does not occur in text */
static char *
dollar_tag(const char *text, const char *name)
{
	char	   *tag = psprintf("$%s$", name);

	for (int n = 1; strstr(text, tag) != NULL; n++)
		tag = psprintf("$%s%d$", name, n);
	return tag;
}

/* text on one line, for a comment */
char *
revfile_one_line(const char *text)
{
	char	   *s = pstrdup(text);

	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return s;
}

static void
append_dollar_quoted(StringInfo buf, const char *text, const char *name)
{
	char	   *tag = dollar_tag(text, name);

	appendStringInfo(buf, "%s%s%s", tag, text, tag);
}

/*
 * The registration file of one revision.  A merge (no statements, several
 * parents) is written as a migrate_merge() call.
 */
char *
revfile_write(RevisionRow *row, const char *filename)
{
	StringInfoData buf;
	MigrateScript *up = script_parse(row->up_sql, "up");

	initStringInfo(&buf);
	appendStringInfo(&buf, "-- migrate revision %s: %s\n", row->id,
					 revfile_one_line(row->message));
	appendStringInfo(&buf,
					 "-- Register it with: psql -v ON_ERROR_STOP=1 -f %s\n"
					 "-- (replaying it is a no-op), then apply with SELECT migrate_push();\n",
					 filename);
	if (up->nstmts == 0 && list_length(row->parents) >= 2)
	{
		appendStringInfo(&buf, "SELECT migrate_merge(\n    id      => '%s',\n",
						 row->id);
		appendStringInfo(&buf, "    message => %s,\n",
						 quote_literal_cstr(row->message));
		appendStringInfoString(&buf, "    revises => ");
		migrate_append_id_array(&buf, row->parents);
		appendStringInfoString(&buf, ");\n");
		return buf.data;
	}
	appendStringInfo(&buf, "SELECT migrate_add(\n    id      => '%s',\n", row->id);
	appendStringInfo(&buf, "    message => %s,\n", quote_literal_cstr(row->message));
	appendStringInfoString(&buf, "    revises => ");
	migrate_append_id_array(&buf, row->parents);
	appendStringInfoString(&buf, ",\n    up      => ");
	append_dollar_quoted(&buf, row->up_sql, "up");
	appendStringInfoString(&buf, ",\n    down    => ");
	if (row->down_sql)
		append_dollar_quoted(&buf, row->down_sql, "down");
	else
		appendStringInfoString(&buf, "NULL");
	appendStringInfoString(&buf, ");\n");
	return buf.data;
}
