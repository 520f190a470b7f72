/*-------------------------------------------------------------------------
 *
 * revfile.c
 *	  A revision as a file, one per revision in a migrations folder: the
 *	  format, written (migrate_export, migrate_dev) and read
 *	  (migrate_parse_file, migrate_add_file) here only, so that psql and
 *	  the client agree.
 *
 * A file is a header of "-- key: value" comment lines, then the up
 * section, then, after a line "-- migrate:down", the down section:
 *
 *	  -- message: create users
 *	  -- id: 0001_create_users
 *	  -- revises: none
 *	  -- migrate:up
 *	  CREATE TABLE users (id bigint PRIMARY KEY);
 *	  -- migrate:down
 *	  DROP TABLE users;
 *
 * Every line is optional:
 *	  message		the file's name without its leading number, "_" and "-"
 *					read as spaces ("0001_create_users.sql": "create users");
 *					several message lines make a message of several lines
 *	  id			the file's name without ".sql"
 *	  revises		the previous file of the folder in name order (the
 *					caller says which); "none" for a root; ids separated by
 *					commas for a merge
 *	  transaction	"yes" (the default) or "no": a revision whose
 *					statements must run outside a transaction block, one
 *					at a time (migrate_add(..., transactional => false));
 *					written for such a revision only
 *	  lock_timeout	the revision's own migrate.lock_timeout ("2s", "500ms")
 *	  lock_retries	the revision's own migrate.lock_retries
 *	  allow			"rule: reason": a lint rule the revision breaks on
 *					purpose, and why (core/lint.c); one line per rule
 *	  -- migrate:up	where the up section starts; without it, after the
 *					header
 *	  -- migrate:down	where the down section starts; without it the
 *					revision is irreversible (an empty one is a no-op)
 * A merge is a file with two or more parents and no statements.  Other
 * comment lines are comments; a key this format does not know is an error
 * (a typo must not be taken for a comment).  The marker lines must be
 * alone on their line, and at most once each, up before down.
 *
 * src/core/revfile.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "base/util.h"
#include "core/locksafe.h"
#include "core/revfile.h"
#include "core/script.h"

#define UP_MARKER		"-- migrate:up"
#define DOWN_MARKER		"-- migrate:down"
#define MERGE_UP		"-- merge: no SQL of its own"

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

/* Whether text has a line that is marker, but for blanks around it */
static bool
has_marker_line(const char *text, const char *marker)
{
	const char *p = text;

	while (*p)
	{
		const char *eol = strchr(p, '\n');
		int			len = eol ? eol - p : strlen(p);

		while (len > 0 && isspace((unsigned char) *p))
		{
			p++;
			len--;
		}
		while (len > 0 && isspace((unsigned char) p[len - 1]))
			len--;
		if (len == strlen(marker) && strncmp(p, marker, len) == 0)
			return true;
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	return false;
}

/*
 * A section: the script as it is, and the newline that ends its last line
 * (reading takes that one newline off again, so a script comes back
 * exactly as it was written)
 */
static void
append_section(StringInfo buf, const char *text)
{
	appendStringInfoString(buf, text);
	appendStringInfoChar(buf, '\n');
}

/*
 * The file of one revision, in the format above, with every line of the
 * header written out, so that its place in the folder does not matter.
 */
char *
revfile_write(RevisionRow *row)
{
	StringInfoData buf;
	MigrateScript *up = script_parse_mode(row->up_sql, "up", row->transactional);
	bool		merge = up->nstmts == 0 && list_length(row->parents) >= 2;
	char	   *message = pstrdup(row->message);
	char	   *line;
	char	   *next;
	ListCell   *lc;

	if (has_marker_line(row->up_sql, UP_MARKER) || has_marker_line(row->up_sql, DOWN_MARKER) ||
		(row->down_sql && (has_marker_line(row->down_sql, UP_MARKER) ||
						   has_marker_line(row->down_sql, DOWN_MARKER))))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("revision \"%s\" cannot be written as a file", row->id),
				 errdetail("A line of its scripts reads \"%s\" or \"%s\", which a file uses to mark its sections.",
						   UP_MARKER, DOWN_MARKER)));

	initStringInfo(&buf);
	for (line = message; line; line = next)
	{
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		appendStringInfo(&buf, "-- message: %s\n", line);
	}
	appendStringInfo(&buf, "-- id: %s\n", row->id);
	appendStringInfo(&buf, "-- revises: %s\n",
					 row->parents ? migrate_join(row->parents, ", ", "") : "none");
	if (merge)
		return buf.data;
	if (!row->transactional)
		appendStringInfoString(&buf, "-- transaction: no\n");
	if (row->lock_timeout >= 0)
		appendStringInfo(&buf, "-- lock_timeout: %dms\n", row->lock_timeout);
	if (row->lock_retries >= 0)
		appendStringInfo(&buf, "-- lock_retries: %d\n", row->lock_retries);
	foreach(lc, row->allow)
		appendStringInfo(&buf, "-- allow: %s\n", revfile_one_line(lfirst(lc)));
	appendStringInfoString(&buf, UP_MARKER "\n");
	append_section(&buf, row->up_sql);
	if (row->down_sql)
	{
		appendStringInfoString(&buf, DOWN_MARKER "\n");
		append_section(&buf, row->down_sql);
	}
	return buf.data;
}

/* ----------------------------------------------------------------
 * Reading a file
 * ----------------------------------------------------------------
 */

/* Where a file's reading is, for the error context */
typedef struct FileRead
{
	const char *name;
	int			line;
} FileRead;

static void
file_error_callback(void *arg)
{
	FileRead   *fr = arg;

	if (fr->line > 0)
		errcontext("file \"%s\", line %d", fr->name, fr->line);
	else
		errcontext("file \"%s\"", fr->name);
}

/* The file's name without its folder and ".sql" */
static char *
file_stem(const char *name)
{
	const char *base = strrchr(name, '/');
	char	   *stem = pstrdup(base ? base + 1 : name);
	size_t		len = strlen(stem);

	if (len > 4 && pg_strcasecmp(stem + len - 4, ".sql") == 0)
		stem[len - 4] = '\0';
	return stem;
}

/* "0001_create_users" reads "create users" */
static char *
stem_message(const char *stem)
{
	char	   *msg = pstrdup(stem + strspn(stem, "0123456789_-. "));

	for (char *p = msg; *p; p++)
		if (*p == '_' || *p == '-')
			*p = ' ';
	return msg;
}

/* A line, trimmed of blanks at both ends */
static char *
trimmed(const char *line, int len)
{
	while (len > 0 && isspace((unsigned char) *line))
	{
		line++;
		len--;
	}
	while (len > 0 && isspace((unsigned char) line[len - 1]))
		len--;
	return pnstrdup(line, len);
}

/* The ids of a "revises" line: "none", or ids separated by commas */
static List *
revises_value(const char *value)
{
	List	   *ids = NIL;
	const char *p = value;

	if (strcmp(value, "none") == 0)
		return NIL;
	for (;;)
	{
		const char *comma = strchr(p, ',');
		char	   *id = trimmed(p, comma ? comma - p : strlen(p));

		if (*id == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the revises line has an empty id"),
					 errhint("Write the ids of the parents separated by commas, or \"none\" for a root.")));
		if (!migrate_list_has(ids, id))
			ids = lappend(ids, id);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return ids;
}

/*
 * Read a file: name is its name (for the defaults and the messages),
 * previous the id of the file before it in the folder, or NULL.
 */
RevisionFile *
revfile_parse(const char *name, const char *content, const char *previous)
{
	RevisionFile *f = palloc0(sizeof(RevisionFile));
	StringInfoData message;
	StringInfoData up;
	StringInfoData down;
	StringInfo	section = &up;
	bool		in_header = true;
	bool		seen_up = false;
	bool		seen_down = false;
	bool		seen_id = false;
	bool		seen_revises = false;
	bool		seen_transaction = false;
	bool		seen_timeout = false;
	bool		seen_retries = false;
	FileRead	fr = {name, 0};
	ErrorContextCallback cb;
	const char *p = content;

	cb.callback = file_error_callback;
	cb.arg = &fr;
	cb.previous = error_context_stack;
	error_context_stack = &cb;

	initStringInfo(&message);
	initStringInfo(&up);
	initStringInfo(&down);
	f->transactional = true;
	f->lock_timeout = -1;
	f->lock_retries = -1;
	/* a byte order mark, as some editors on Windows write, is not text */
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (*p)
	{
		const char *eol = strchr(p, '\n');
		int			len = eol ? eol - p : strlen(p);
		char	   *line = trimmed(p, len);

		fr.line++;
		if (strcmp(line, UP_MARKER) == 0)
		{
			if (seen_up || seen_down)
				ereport(ERROR,
						(errcode(ERRCODE_SYNTAX_ERROR),
						 errmsg(seen_down ? "the up section must come before the down section" :
								"the file marks its up section twice")));
			seen_up = true;
			in_header = false;
		}
		else if (strcmp(line, DOWN_MARKER) == 0)
		{
			if (seen_down)
				ereport(ERROR,
						(errcode(ERRCODE_SYNTAX_ERROR),
						 errmsg("the file marks its down section twice")));
			seen_down = true;
			in_header = false;
			section = &down;
		}
		else if (in_header && (line[0] == '\0' || strncmp(line, "--", 2) == 0))
		{
			/* "-- key: value", or a comment */
			const char *q = line + 2 + strspn(line + 2, " \t");
			int			klen = strspn(q, "abcdefghijklmnopqrstuvwxyz_");
			char	   *key;
			char	   *value;

			if (klen == 0 || q[klen] != ':' || strncmp(line, "--", 2) != 0)
			{
				appendBinaryStringInfo(section, p, len);
				appendStringInfoChar(section, '\n');
				p = eol ? eol + 1 : p + len;
				continue;
			}
			key = pnstrdup(q, klen);
			value = trimmed(q + klen + 1, strlen(q + klen + 1));
			if (strcmp(key, "message") == 0)
				appendStringInfo(&message, "%s%s", message.len ? "\n" : "", value);
			else if (strcmp(key, "id") == 0 && !seen_id)
			{
				f->id = value;
				seen_id = true;
			}
			else if (strcmp(key, "revises") == 0 && !seen_revises)
			{
				f->revises = revises_value(value);
				seen_revises = true;
			}
			else if (strcmp(key, "transaction") == 0 && !seen_transaction)
			{
				if (pg_strcasecmp(value, "no") == 0 || pg_strcasecmp(value, "off") == 0 ||
					pg_strcasecmp(value, "false") == 0)
					f->transactional = false;
				else if (!(pg_strcasecmp(value, "yes") == 0 || pg_strcasecmp(value, "on") == 0 ||
						   pg_strcasecmp(value, "true") == 0))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid value for transaction: \"%s\"", value),
							 errhint("Write \"transaction: no\" for a revision that runs outside a transaction block, or leave the line out.")));
				seen_transaction = true;
			}
			else if (strcmp(key, "lock_timeout") == 0 && !seen_timeout)
			{
				f->lock_timeout = locksafe_parse_timeout(value, "lock_timeout");
				seen_timeout = true;
			}
			else if (strcmp(key, "lock_retries") == 0 && !seen_retries)
			{
				int			n;
				char	   *end;

				errno = 0;
				n = (int) strtol(value, &end, 10);
				if (*value == '\0' || *end != '\0' || errno != 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid value for lock_retries: \"%s\"", value),
							 errhint("Write a whole number from 0 to 1000.")));
				f->lock_retries = locksafe_check_retries(n, "lock_retries");
				seen_retries = true;
			}
			else if (strcmp(key, "allow") == 0)
				f->allow = lappend(f->allow, value);
			else if (strcmp(key, "id") == 0 || strcmp(key, "revises") == 0 ||
					 strcmp(key, "transaction") == 0 ||
					 strcmp(key, "lock_timeout") == 0 ||
					 strcmp(key, "lock_retries") == 0)
				ereport(ERROR,
						(errcode(ERRCODE_SYNTAX_ERROR),
						 errmsg("the header says \"%s\" twice", key)));
			else if (strcmp(key, "migrate") == 0)
				ereport(ERROR,
						(errcode(ERRCODE_SYNTAX_ERROR),
						 errmsg("unknown section marker \"%s\"", line),
						 errhint("The markers are \"" UP_MARKER "\" and \"" DOWN_MARKER "\", alone on their line.")));
			else
				ereport(ERROR,
						(errcode(ERRCODE_SYNTAX_ERROR),
						 errmsg("unknown header line \"%s\"", key),
						 errhint("The header knows message, id, revises, transaction, lock_timeout, lock_retries and allow; write other comments without a colon after their first word.")));
		}
		else
		{
			in_header = false;
			appendBinaryStringInfo(section, p, len);
			appendStringInfoChar(section, '\n');
		}
		p = eol ? eol + 1 : p + len;
	}
	fr.line = 0;

	if (f->id == NULL)
		f->id = file_stem(name);
	f->message = message.len ? message.data : stem_message(file_stem(name));
	if (!seen_revises)
		f->revises = previous ? list_make1(pstrdup(previous)) : NIL;
	f->revises_given = true;
	/* the newline that ends a section's last line is not the script's */
	if (up.len > 0 && up.data[up.len - 1] == '\n')
		up.data[--up.len] = '\0';
	if (down.len > 0 && down.data[down.len - 1] == '\n')
		down.data[--down.len] = '\0';
	f->up = up.data;
	f->down = seen_down ? down.data : NULL;
	f->merge = list_length(f->revises) >= 2 &&
		script_parse_mode(f->up, "up", f->transactional)->nstmts == 0 &&
		(f->down == NULL ||
		 script_parse_mode(f->down, "down", f->transactional)->nstmts == 0);
	error_context_stack = cb.previous;
	return f;
}
