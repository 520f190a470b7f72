/*-------------------------------------------------------------------------
 *
 * script.c
 *	  Migration text: split into statements, validated, checksummed.
 *
 * A script is split with the server's own raw parser, exactly as CREATE
 * EXTENSION splits its scripts: only raw parsing can happen before anything
 * runs, since statement N+1 may depend on what statement N creates.  Each
 * statement keeps its byte offset and line so that an error, at registration
 * or while it runs, can say where it is.
 *
 * Validation refuses, before anything is stored, what could never run inside
 * a push: transaction control (every revision runs inside the
 * caller's transaction), statements that refuse to run inside a transaction
 * block, COPY to or from the client, psql meta-commands, and changes of
 * standard_conforming_strings (they would change how the rest of the text
 * scans).  One outer "BEGIN; ... COMMIT;" pair, as hand-written and Sqitch
 * files often have, is accepted and skipped.  A non-transactional revision
 * (script_parse_mode) accepts CREATE INDEX CONCURRENTLY and its family,
 * each statement a step of its own, and no BEGIN/COMMIT pair.
 *
 * The checksum is a SHA-256 over the scanner's tokens, not over the text:
 * whitespace, comments, the case of keywords and unquoted identifiers and a
 * dropped wrapper all leave it unchanged, so reformatting a file never reads
 * as a change to an applied revision.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "common/cryptohash.h"
#include "common/sha2.h"
#include "commands/defrem.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "parser/scanner.h"
#include "parser/scansup.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "base/util.h"
#include "core/script.h"

/* migrate.max_script_size: the largest up or down script accepted, in kB */
static int	migrate_max_script_size = 1024;

void
script_init(void)
{
	DefineCustomIntVariable("migrate.max_script_size",
							"Largest up or down script that migrate_add() accepts.",
							NULL,
							&migrate_max_script_size,
							1024, 1, MAX_KILOBYTES,
							PGC_SUSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);
}

/* What the error context callback needs to place an error in a script */
typedef struct ScriptErrorArg
{
	const char *what;
	const char *text;
} ScriptErrorArg;

/* Token start offsets of a whole script, from one scanner pass */
typedef struct TokenList
{
	int			n;
	int			cap;
	int		   *starts;
	int			backslash;		/* offset of the first '\\' token, or -1 */
} TokenList;

typedef void (*token_callback) (int code, core_YYSTYPE *val, int start,
								void *arg);

static void script_error_callback(void *arg);
static void script_scan(const char *text, token_callback cb, void *arg);
static void collect_token(int code, core_YYSTYPE *val, int start, void *arg);
static int	first_token_at(TokenList *tokens, int offset);
static bool is_wrapper_begin(Node *stmt);
static bool is_wrapper_commit(Node *stmt);
static void check_statement(MigrateScript *script, MigrateStmt *stmt,
							Node *node, bool transactional);
static bool defelem_is_false(List *options, const char *name);

/*
 * Convert a 1-based character position in text into a line and a column.
 */
static void
position_to_line_column(const char *text, int charpos, int *line, int *column)
{
	const char *p = text;
	int			l = 1;
	int			c = 1;

	while (*p && --charpos > 0)
	{
		if (*p == '\n')
		{
			l++;
			c = 1;
		}
		else
			c++;
		p += pg_mblen(p);
	}
	*line = l;
	*column = c;
}

/* Newlines among the first len bytes of text */
static int
count_newlines(const char *text, int len)
{
	int			n = 0;

	for (int i = 0; i < len && text[i]; i++)
		if (text[i] == '\n')
			n++;
	return n;
}

/*
 * The 1-based line on which a byte offset of text falls.
 */
static int
script_line_at(const char *text, int byteoffset)
{
	return 1 + count_newlines(text, byteoffset);
}

/*
 * Error context while scanning or parsing a script at registration: turn the
 * position of a syntax error, which counts characters of the script, into a
 * line and column, and drop the position itself, which psql would otherwise
 * point into the caller's query.
 */
static void
script_error_callback(void *arg)
{
	ScriptErrorArg *e = (ScriptErrorArg *) arg;
	int			pos = geterrposition();

	if (pos > 0)
	{
		int			line;
		int			column;

		position_to_line_column(e->text, pos, &line, &column);
		errposition(0);
		errcontext("%s script, line %d, column %d", e->what, line, column);
	}
	else
		errcontext("%s script", e->what);
}

/*
 * pg_dump 15.14 and later (and every newer major) wrap a plain-text dump in
 * "\restrict KEY" and "\unrestrict KEY" lines: psql meta-commands that keep
 * a malicious server from slipping other meta-commands into what psql
 * replays.  The server runs a migration, not psql, so they mean nothing
 * here: such lines, alone on their line, are read as blank.  The copy keeps
 * every other byte where it was, so offsets into it are offsets into text.
 * Returns text itself when it has none.
 */
static const char *
without_restrict_lines(const char *text)
{
	char	   *copy = NULL;
	const char *line = text;

	while (*line)
	{
		const char *eol = strchr(line, '\n');
		const char *p = line;
		const char *word;
		int			len = eol ? eol - line : strlen(line);

		while (p < line + len && (*p == ' ' || *p == '\t'))
			p++;
		word = p;
		if (*p == '\\' &&
			(strncmp(p + 1, "restrict", 8) == 0 || strncmp(p + 1, "unrestrict", 10) == 0))
		{
			const char *cmd_end = p + 1 + (p[1] == 'r' ? 8 : 10);
			const char *q = cmd_end;
			const char *key;
			const char *key_end;

			while (q < line + len && (*q == ' ' || *q == '\t'))
				q++;
			key = q;
			while (q < line + len && !isspace((unsigned char) *q))
				q++;
			key_end = q;
			while (q < line + len && isspace((unsigned char) *q))
				q++;
			/* "\restrict", a space, one word (the key), nothing after */
			if (q == line + len && key > cmd_end && key_end > key)
			{
				if (copy == NULL)
					copy = pstrdup(text);
				memset(copy + (word - text), ' ', (line + len) - word);
			}
		}
		line = eol ? eol + 1 : line + len;
	}
	return copy ? copy : text;
}

/*
 * Run the core scanner over text, calling cb for every token.
 */
static void
script_scan(const char *text, token_callback cb, void *arg)
{
	core_yyscan_t scanner;
	core_yy_extra_type extra;
	core_YYSTYPE val;
	int			loc;
	int			code;

	text = without_restrict_lines(text);
	scanner = scanner_init(text, &extra, &ScanKeywords, ScanKeywordTokens);
	/* raw_parser warns about nonstandard escapes already */
	extra.escape_string_warning = false;

	while ((code = core_yylex(&val, &loc, scanner)) != 0)
		cb(code, &val, loc, arg);

	scanner_finish(scanner);
}

/*
 * The kinds of token this file tells apart.  Their numbers come from the
 * grammar's gram.h, which differs between major versions and which
 * PostgreSQL 16 and later no longer install: learn them once per backend by
 * scanning a sample that holds one token of each kind, in this order.
 */
typedef enum TokenKind
{
	TOK_IDENT,
	TOK_UIDENT,
	TOK_FCONST,
	TOK_ICONST,
	TOK_SCONST,
	TOK_USCONST,
	TOK_BCONST,
	TOK_XCONST,
	TOK_PARAM,
	TOK_OP,
	TOK_TYPECAST,
	TOK_DOT_DOT,
	TOK_COLON_EQUALS,
	TOK_EQUALS_GREATER,
	TOK_LESS_EQUALS,
	TOK_GREATER_EQUALS,
	TOK_NOT_EQUALS,
	TOK_NKINDS
} TokenKind;

static const char *const token_sample =
"x U&\"x\" 1.5 1 's' U&'s' b'1' x'1' $1 || :: .. := => <= >= <>";

static int	token_codes[TOK_NKINDS];
static int	token_codes_seen = -1;	/* -1: not learned yet */

static void
learn_token_code(int code, core_YYSTYPE *val, int start, void *arg)
{
	if (token_codes_seen < TOK_NKINDS)
		token_codes[token_codes_seen] = code;
	token_codes_seen++;
}

static void
learn_token_codes(void)
{
	if (token_codes_seen == TOK_NKINDS)
		return;
	token_codes_seen = 0;
	script_scan(token_sample, learn_token_code, NULL);
	if (token_codes_seen != TOK_NKINDS)
	{
		token_codes_seen = -1;
		elog(ERROR, "could not learn the scanner's token codes");
	}
	/* each kind a grammar token of its own (not a single character) */
	for (int i = 0; i < TOK_NKINDS; i++)
	{
		bool		ok = token_codes[i] >= 256;

		for (int j = 0; ok && j < i; j++)
			ok = token_codes[i] != token_codes[j];
		if (!ok)
		{
			token_codes_seen = -1;
			elog(ERROR, "could not learn the scanner's token codes");
		}
	}
}

/* The kind of a token code, or -1 for a keyword or a single character */
static int
token_kind(int code)
{
	if (code < 256)
		return -1;
	for (int i = 0; i < TOK_NKINDS; i++)
		if (token_codes[i] == code)
			return i;
	return -1;
}

static void
collect_token(int code, core_YYSTYPE *val, int start, void *arg)
{
	TokenList  *tokens = (TokenList *) arg;

	if (tokens->n == tokens->cap)
	{
		tokens->cap *= 2;
		tokens->starts = repalloc(tokens->starts, sizeof(int) * tokens->cap);
	}
	tokens->starts[tokens->n++] = start;

	/*
	 * A backslash outside quotes is a psql meta-command (\i, \set, \gexec
	 * ...): the server's grammar would only say "syntax error".  Say what it
	 * is.
	 */
	if (code == '\\' && tokens->backslash < 0)
		tokens->backslash = start;
}

/* Index of the first token starting at or after offset, or -1 */
static int
first_token_at(TokenList *tokens, int offset)
{
	int			lo = 0;
	int			hi = tokens->n;

	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (tokens->starts[mid] < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < tokens->n ? lo : -1;
}

/*
 * Split and validate a script of a transactional revision (see
 * script_parse_mode).
 */
MigrateScript *
script_parse(const char *text, const char *what)
{
	return script_parse_mode(text, what, true);
}

/*
 * Split and validate a script.  Errors name the script ("up" or "down"), the
 * statement and its line.  A script made only of comments, or only of a
 * BEGIN/COMMIT pair, comes back with nstmts = 0: the caller decides whether
 * that is acceptable.  A script of a non-transactional revision
 * (transactional false) may hold the statements that must run outside a
 * transaction block (no_transaction_block's "step" family), and no
 * BEGIN/COMMIT pair.
 */
static MigrateScript *
parse_script(const char *text, const char *what, bool transactional)
{
	MigrateScript *script = palloc0(sizeof(MigrateScript));
	ErrorContextCallback errcb;
	ScriptErrorArg errarg;
	TokenList	tokens;
	List	   *raw;
	ListCell   *lc;
	int			textlen = strlen(text);
	int			n = 0;
	int			first = 0;
	int			last;
	int			line = 1;
	int			line_offset = 0;

	script->what = what;
	script->text = text;

	errarg.what = what;
	errarg.text = text;
	errcb.callback = script_error_callback;
	errcb.arg = &errarg;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	/* one scanner pass: token positions, and psql meta-commands */
	tokens.n = 0;
	tokens.cap = 64;
	tokens.starts = palloc(sizeof(int) * tokens.cap);
	tokens.backslash = -1;
	script_scan(text, collect_token, &tokens);

	if (tokens.backslash >= 0)
	{
		int			start = tokens.backslash;
		int			end = start + 1;

		{

			while (text[end] && !isspace((unsigned char) text[end]) &&
				   end - start < 32)
				end++;
			error_context_stack = errcb.previous;
			ereport(ERROR,
					(errcode(ERRCODE_SYNTAX_ERROR),
					 errmsg("psql meta-commands are not supported in a migration script"),
					 errdetail("The %s script has \"%.*s\" at line %d.",
							   what, end - start, text + start,
							   script_line_at(text, start)),
					 errhint("The server runs the script, not psql: write the SQL itself instead.")));
		}
	}

	raw = raw_parser(without_restrict_lines(text), RAW_PARSE_DEFAULT);

	error_context_stack = errcb.previous;

	script->stmts = palloc0(sizeof(MigrateStmt) * Max(list_length(raw), 1));
	foreach(lc, raw)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		MigrateStmt *st = &script->stmts[n];
		int			end;
		int			t;

		CHECK_FOR_INTERRUPTS();
		end = rs->stmt_len > 0 ? rs->stmt_location + rs->stmt_len : textlen;
		t = first_token_at(&tokens, rs->stmt_location);
		st->number = n + 1;
		st->offset = t >= 0 ? tokens.starts[t] : rs->stmt_location;
		st->len = end - st->offset;
		/* lines counted on from the previous statement: linear in the text */
		line += count_newlines(text + line_offset, st->offset - line_offset);
		line_offset = st->offset;
		st->line = line;
		/* as the server names it to a client, from the raw tree as it does */
		st->command = CreateCommandName(rs->stmt);
		st->parsetree = rs->stmt;
		n++;
	}
	script->nstmts = n;

	/* one outer BEGIN; ... COMMIT; pair is dropped */
	last = n - 1;
	if (n >= 2 && transactional &&
		is_wrapper_begin(linitial_node(RawStmt, raw)->stmt) &&
		is_wrapper_commit(llast_node(RawStmt, raw)->stmt))
	{
		script->wrapper = true;
		first = 1;
		last = n - 2;
	}

	n = 0;
	foreach(lc, raw)
	{
		RawStmt    *rs = lfirst_node(RawStmt, lc);
		int			i = foreach_current_index(lc);

		if (i < first || i > last)
			continue;
		check_statement(script, &script->stmts[i], rs->stmt, transactional);
		script->stmts[n++] = script->stmts[i];
	}
	script->nstmts = n;

	return script;
}

/*
 * The scripts parsed last, kept while the memory they were parsed into
 * lives: registering a revision reads its up script three times (checked,
 * hashed, linted), each with the same text, which is one parse, not three.
 * An entry is the same text (the same string, unchanged), name and mode;
 * a reset callback of its memory context forgets it.  Nothing changes a
 * parsed script after it is made.
 */
#define SCRIPT_MEMO_SIZE 4

typedef struct ScriptMemo
{
	const char *text;			/* the string parsed; NULL: empty */
	char	   *copy;			/* its text then, in cxt */
	size_t		len;
	char		what[16];
	bool		transactional;
	MigrateScript *script;
	MemoryContext cxt;
} ScriptMemo;

static ScriptMemo script_memo[SCRIPT_MEMO_SIZE];
static int	script_memo_next = 0;

static void
script_memo_forget(void *arg)
{
	MemoryContext cxt = (MemoryContext) arg;

	for (int i = 0; i < SCRIPT_MEMO_SIZE; i++)
		if (script_memo[i].cxt == cxt)
			script_memo[i].text = NULL;
}

MigrateScript *
script_parse_mode(const char *text, const char *what, bool transactional)
{
	size_t		len = strlen(text);
	ScriptMemo *m;
	MemoryContextCallback *cb;

	for (int i = 0; i < SCRIPT_MEMO_SIZE; i++)
	{
		m = &script_memo[i];
		if (m->text == text && m->len == len &&
			m->transactional == transactional &&
			strcmp(m->what, what) == 0 &&
			memcmp(m->copy, text, len) == 0)
			return m->script;
	}
	if (strlen(what) >= sizeof(m->what))
		return parse_script(text, what, transactional);
	m = &script_memo[script_memo_next];
	script_memo_next = (script_memo_next + 1) % SCRIPT_MEMO_SIZE;
	m->text = NULL;
	m->script = parse_script(text, what, transactional);
	m->copy = pnstrdup(text, len);
	cb = palloc(sizeof(MemoryContextCallback));
	cb->func = script_memo_forget;
	cb->arg = CurrentMemoryContext;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, cb);
	m->len = len;
	strlcpy(m->what, what, sizeof(m->what));
	m->transactional = transactional;
	m->cxt = CurrentMemoryContext;
	m->text = text;
	return m->script;
}

static bool
is_wrapper_begin(Node *stmt)
{
	TransactionStmt *ts = (TransactionStmt *) stmt;

	return IsA(stmt, TransactionStmt) &&
		(ts->kind == TRANS_STMT_BEGIN || ts->kind == TRANS_STMT_START) &&
		ts->options == NIL;
}

static bool
is_wrapper_commit(Node *stmt)
{
	TransactionStmt *ts = (TransactionStmt *) stmt;

	return IsA(stmt, TransactionStmt) &&
		ts->kind == TRANS_STMT_COMMIT && !ts->chain;
}

/* true if options holds "name = false" (or off, 0) */
static bool
defelem_is_false(List *options, const char *name)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *d = lfirst_node(DefElem, lc);

		if (strcmp(d->defname, name) == 0)
			return d->arg != NULL && !defGetBoolean(d);
	}
	return false;
}

/*
 * The statements that PreventInTransactionBlock() refuses when called from
 * SPI, which never runs at top level: checked on the raw parse tree, so that
 * registration refuses them instead of a push failing later.  Returns the
 * statement's name and a hint, or NULL if it can run in a migration.
 *
 * *step is set for the family a non-transactional revision accepts, each
 * statement a step run on its own at top level: the concurrent index
 * builds and drops, REINDEX CONCURRENTLY, DETACH PARTITION CONCURRENTLY and
 * VACUUM, the online schema changes of a live table.  The others (databases,
 * tablespaces, ALTER SYSTEM, subscriptions, whole-schema or whole-database
 * maintenance, DISCARD ALL) are not schema migrations and stay refused.
 */
static const char *
no_transaction_block(Node *node, const char **hint, bool *step)
{
	static const char *elsewhere = "Run it outside the migration, before or after the push.";

	*hint = elsewhere;
	*step = false;
	switch (nodeTag(node))
	{
		case T_IndexStmt:
			if (((IndexStmt *) node)->concurrent)
			{
				*hint = "Create the index without CONCURRENTLY, or create it outside the migration.";
				*step = true;
				return "CREATE INDEX CONCURRENTLY";
			}
			break;
		case T_DropStmt:
			if (((DropStmt *) node)->concurrent)
			{
				*hint = "Drop the index without CONCURRENTLY, or drop it outside the migration.";
				*step = true;
				return "DROP INDEX CONCURRENTLY";
			}
			break;
		case T_ReindexStmt:
			{
				ReindexStmt *rs = (ReindexStmt *) node;
				ListCell   *lc;

				foreach(lc, rs->params)
				{
					DefElem    *d = lfirst_node(DefElem, lc);

					if (strcmp(d->defname, "concurrently") == 0 &&
						(d->arg == NULL || defGetBoolean(d)))
					{
						*hint = "Reindex without CONCURRENTLY, or outside the migration.";
						*step = true;
				return "REINDEX CONCURRENTLY";
					}
				}
				if (rs->kind == REINDEX_OBJECT_SCHEMA ||
					rs->kind == REINDEX_OBJECT_SYSTEM ||
					rs->kind == REINDEX_OBJECT_DATABASE)
				{
					*hint = "Reindex the tables or indexes one by one, or outside the migration.";
					return rs->kind == REINDEX_OBJECT_SCHEMA ? "REINDEX SCHEMA" :
						rs->kind == REINDEX_OBJECT_SYSTEM ? "REINDEX SYSTEM" :
						"REINDEX DATABASE";
				}
			}
			break;
		case T_VacuumStmt:
			if (((VacuumStmt *) node)->is_vacuumcmd)
			{
				*hint = "Run VACUUM outside the migration; ANALYZE is allowed inside.";
				*step = true;
				return "VACUUM";
			}
			break;
		case T_ClusterStmt:
			if (((ClusterStmt *) node)->relation == NULL)
			{
				*hint = "Name the table (CLUSTER table USING index), or run it outside the migration.";
				return "CLUSTER without a table";
			}
			break;
		case T_CreatedbStmt:
			return "CREATE DATABASE";
		case T_DropdbStmt:
			return "DROP DATABASE";
		case T_CreateTableSpaceStmt:
			return "CREATE TABLESPACE";
		case T_DropTableSpaceStmt:
			return "DROP TABLESPACE";
		case T_AlterSystemStmt:
			return "ALTER SYSTEM";
		case T_AlterDatabaseStmt:
			{
				ListCell   *lc;

				foreach(lc, ((AlterDatabaseStmt *) node)->options)
					if (strcmp(lfirst_node(DefElem, lc)->defname, "tablespace") == 0)
						return "ALTER DATABASE SET TABLESPACE";
			}
			break;
		case T_AlterTableStmt:
			{
				ListCell   *lc;

				foreach(lc, ((AlterTableStmt *) node)->cmds)
				{
					AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

					if (cmd->subtype == AT_DetachPartition &&
						((PartitionCmd *) cmd->def)->concurrent)
					{
						*hint = "Detach the partition without CONCURRENTLY, or outside the migration.";
						*step = true;
				return "ALTER TABLE ... DETACH PARTITION CONCURRENTLY";
					}
				}
			}
			break;
		case T_CreateSubscriptionStmt:
			{
				List	   *opts = ((CreateSubscriptionStmt *) node)->options;

				if (!defelem_is_false(opts, "connect") &&
					!defelem_is_false(opts, "create_slot"))
				{
					*hint = "Create it WITH (create_slot = false), or outside the migration.";
					return "CREATE SUBSCRIPTION";
				}
			}
			break;
		case T_AlterSubscriptionStmt:
			{
				AlterSubscriptionStmt *as = (AlterSubscriptionStmt *) node;

				if (as->kind == ALTER_SUBSCRIPTION_REFRESH ||
					((as->kind == ALTER_SUBSCRIPTION_SET_PUBLICATION ||
					  as->kind == ALTER_SUBSCRIPTION_ADD_PUBLICATION ||
					  as->kind == ALTER_SUBSCRIPTION_DROP_PUBLICATION) &&
					 !defelem_is_false(as->options, "refresh")))
				{
					*hint = "Use WITH (refresh = false) and refresh outside the migration.";
					return "ALTER SUBSCRIPTION with refresh";
				}
			}
			break;
		case T_DiscardStmt:
			if (((DiscardStmt *) node)->target == DISCARD_ALL)
			{
				*hint = "Use DISCARD PLANS, SEQUENCES or TEMP instead.";
				return "DISCARD ALL";
			}
			break;
		default:
			break;
	}
	return NULL;
}

/* true if a statement would drop or change the migrate extension itself */
/*
 * SET standard_conforming_strings to the value the script is read with: a
 * no-op, as pg_dump writes at the top of every dump (on, the default since
 * PostgreSQL 9.1).  Any other value, RESET or DEFAULT would change how the
 * rest of the text scans.
 */
static bool
sets_scs_as_read(VariableSetStmt *stmt)
{
	char	   *value;
	bool		on;

	if (stmt->kind != VAR_SET_VALUE)
		return false;
	value = ExtractSetVariableArgs(stmt);
	return value != NULL && parse_bool(value, &on) &&
		on == standard_conforming_strings;
}

static bool
touches_migrate(Node *node)
{
	if (IsA(node, DropStmt))
	{
		DropStmt   *ds = (DropStmt *) node;
		ListCell   *lc;

		if (ds->removeType != OBJECT_EXTENSION && ds->removeType != OBJECT_SCHEMA)
			return false;
		foreach(lc, ds->objects)
			if (IsA(lfirst(lc), String) && strcmp(strVal(lfirst(lc)), "migrate") == 0)
				return true;
		return false;
	}
	if (IsA(node, AlterExtensionStmt))
		return strcmp(((AlterExtensionStmt *) node)->extname, "migrate") == 0;
	if (IsA(node, AlterExtensionContentsStmt))
		return strcmp(((AlterExtensionContentsStmt *) node)->extname, "migrate") == 0;
	return false;
}

/*
 * Refuse a statement that can never run inside a migration.
 */
static void
check_statement(MigrateScript *script, MigrateStmt *stmt, Node *node,
				bool transactional)
{
	const char *name;
	const char *hint;
	bool		step;

	if (IsA(node, TransactionStmt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("transaction control is not allowed in a migration script"),
				 errdetail("Statement %d of the %s script, at line %d, is %s.",
						   stmt->number, script->what, stmt->line,
						   CreateCommandName(node)),
				 transactional ?
				 errhint("A push commits or rolls back as a whole: split the work into revisions instead. One BEGIN; ... COMMIT; pair around the whole script is accepted.") :
				 errhint("Each statement of a non-transactional revision runs and commits on its own: remove the transaction control.")));

	if (IsA(node, CopyStmt) && ((CopyStmt *) node)->filename == NULL &&
		!((CopyStmt *) node)->is_program)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("COPY to or from the client is not supported in a migration script"),
				 errdetail("Statement %d of the %s script, at line %d, is COPY %s.",
						   stmt->number, script->what, stmt->line,
						   ((CopyStmt *) node)->is_from ? "FROM STDIN" : "TO STDOUT"),
				 errhint("Load the data with INSERT statements, or COPY from a file on the server.")));

	if (IsA(node, VariableSetStmt) && ((VariableSetStmt *) node)->name != NULL &&
		pg_strcasecmp(((VariableSetStmt *) node)->name,
					  "standard_conforming_strings") == 0 &&
		!sets_scs_as_read((VariableSetStmt *) node))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("a migration script cannot change standard_conforming_strings"),
				 errdetail("Statement %d of the %s script, at line %d, sets it.",
						   stmt->number, script->what, stmt->line),
				 errhint("The setting changes how the rest of the script is read: remove the statement.")));

	if (touches_migrate(node))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("a migration script cannot drop or alter the migrate extension"),
				 errdetail("Statement %d of the %s script, at line %d, is %s.",
						   stmt->number, script->what, stmt->line,
						   CreateCommandName(node)),
				 errhint("The push records its work in the extension's catalog; change the extension outside the migration.")));

	if ((name = no_transaction_block(node, &hint, &step)) != NULL)
	{
		if (step && !transactional)
			return;				/* a step of its own, at top level */
		if (step)
			ereport(ERROR,
					(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
					 errmsg("%s cannot run inside a transactional revision", name),
					 errdetail("Statement %d of the %s script, at line %d, cannot run inside a transaction block, and a transactional revision runs inside one.",
							   stmt->number, script->what, stmt->line),
					 errhint("Only a non-transactional revision can run it: migrate_add(..., transactional => false), or the line \"-- transaction: no\" in its file. Such a revision is applied one statement at a time, outside a transaction block.")));
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("%s cannot run inside a migration", name),
				 transactional ?
				 errdetail("Statement %d of the %s script, at line %d, cannot run inside a transaction block, and every revision runs inside one.",
						   stmt->number, script->what, stmt->line) :
				 errdetail("Statement %d of the %s script, at line %d, is not a schema change a non-transactional revision runs.",
						   stmt->number, script->what, stmt->line),
				 errhint("%s", hint)));
	}
}

/*
 * Refuse a script larger than migrate.max_script_size before parsing it.
 */
void
script_check_size(const char *text, const char *what)
{
	size_t		len = strlen(text);

	if (len > (size_t) migrate_max_script_size * 1024)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the %s script is too large", what),
				 errdetail("It has %zu bytes; migrate.max_script_size allows %d kB.",
						   len, migrate_max_script_size),
				 errhint("Split the work into several revisions, or raise migrate.max_script_size.")));
}

/* ----------------------------------------------------------------
 * Checksum
 * ----------------------------------------------------------------
 */

typedef struct HashState
{
	pg_cryptohash_ctx *ctx;
	MigrateScript *script;
	int			stmt;			/* index of the statement being hashed */
} HashState;

static void
hash_bytes(HashState *h, const void *data, size_t len)
{
	if (pg_cryptohash_update(h->ctx, data, len) < 0)
		elog(ERROR, "could not update checksum: %s",
			 pg_cryptohash_error(h->ctx));
}

/*
 * Hash one token if it belongs to a statement that runs.  The encoding is
 * independent of the server build (token numbers change between major
 * versions, byte order between machines): a tag letter and the token's text
 * as the scanner decoded it.  Keywords and identifiers are both words, so a
 * word that becomes a keyword in a later version hashes the same.  A marker
 * ends each statement, so "a; b" and "a b" differ while a trailing
 * semicolon does not count.
 */
static void
hash_token(int code, core_YYSTYPE *val, int start, void *arg)
{
	HashState  *h = (HashState *) arg;
	MigrateScript *s = h->script;
	const char *tag;
	const char *text = NULL;
	char		buf[32];

	while (h->stmt < s->nstmts &&
		   start >= s->stmts[h->stmt].offset + s->stmts[h->stmt].len)
	{
		hash_bytes(h, ";", 1);
		h->stmt++;
	}
	if (h->stmt >= s->nstmts || start < s->stmts[h->stmt].offset)
		return;

	switch (token_kind(code))
	{
		case TOK_IDENT:
		case TOK_UIDENT:
			tag = "W";
			text = val->str;
			break;
		case TOK_FCONST:
		case TOK_ICONST:
			tag = "N";
			if (code == token_codes[TOK_ICONST])
				snprintf(buf, sizeof(buf), "%d", val->ival);
			text = code == token_codes[TOK_ICONST] ? buf : val->str;
			break;
		case TOK_SCONST:
		case TOK_USCONST:
			tag = "S";
			text = val->str;
			break;
		case TOK_BCONST:
			tag = "B";
			text = val->str;
			break;
		case TOK_XCONST:
			tag = "X";
			text = val->str;
			break;
		case TOK_PARAM:
			tag = "P";
			snprintf(buf, sizeof(buf), "%d", val->ival);
			text = buf;
			break;
		case TOK_OP:
			tag = "O";
			text = val->str;
			break;
		case TOK_TYPECAST:
			tag = "O";
			text = "::";
			break;
		case TOK_DOT_DOT:
			tag = "O";
			text = "..";
			break;
		case TOK_COLON_EQUALS:
			tag = "O";
			text = ":=";
			break;
		case TOK_EQUALS_GREATER:
			tag = "O";
			text = "=>";
			break;
		case TOK_LESS_EQUALS:
			tag = "O";
			text = "<=";
			break;
		case TOK_GREATER_EQUALS:
			tag = "O";
			text = ">=";
			break;
		case TOK_NOT_EQUALS:
			tag = "O";
			text = "<>";
			break;
		default:
			if (code < 256)
			{
				/* a single character: ( ) , ; and the like */
				tag = "C";
				buf[0] = (char) code;
				buf[1] = '\0';
				text = buf;
			}
			else
			{
				/* a keyword: the scanner gives its lower-case text */
				tag = "W";
				text = val->keyword;
			}
			break;
	}
	hash_bytes(h, tag, 1);
	hash_bytes(h, text, strlen(text) + 1);
}

static void
hash_script(pg_cryptohash_ctx *ctx, const char *label, const char *text,
			bool transactional)
{
	HashState	h;

	h.ctx = ctx;
	h.stmt = 0;
	hash_bytes(&h, label, strlen(label) + 1);
	if (text == NULL)
		return;
	h.script = script_parse_mode(text, label, transactional);
	learn_token_codes();
	script_scan(text, hash_token, &h);
	/* end the statements the scan did not close */
	for (; h.stmt < h.script->nstmts; h.stmt++)
		hash_bytes(&h, ";", 1);
}

/*
 * The checksum of a revision's scripts, as 64 hex digits.  A missing down
 * script (irreversible) hashes differently from an empty one.  A
 * non-transactional revision's scripts are read by other rules and run
 * otherwise, so the mark is part of what is hashed (after the scripts,
 * and only when set: the checksum of every transactional revision is what
 * it always was).
 */
char *
script_checksum(const char *up, const char *down, bool transactional)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	char	   *hex = palloc(PG_SHA256_DIGEST_LENGTH * 2 + 1);

	if (pg_cryptohash_init(ctx) < 0)
		elog(ERROR, "could not initialize checksum: %s",
			 pg_cryptohash_error(ctx));
	hash_script(ctx, "up", up, transactional);
	hash_script(ctx, down ? "down" : "no down", down, transactional);
	if (!transactional)
	{
		static const char mark[] = "not transactional";

		if (pg_cryptohash_update(ctx, (const uint8 *) mark, sizeof(mark)) < 0)
			elog(ERROR, "could not update checksum: %s",
				 pg_cryptohash_error(ctx));
	}
	if (pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not finish checksum: %s",
			 pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);

	hex_encode((const char *) digest, sizeof(digest), hex);
	hex[PG_SHA256_DIGEST_LENGTH * 2] = '\0';
	return hex;
}

/* ----------------------------------------------------------------
 * Names as a script writes them
 * ----------------------------------------------------------------
 */

/* The byte length of the identifier that starts at p, quoted or not */
static int
script_name_length(const char *p)
{
	const char *q = p;

	if (*q == '"')
	{
		for (q++; *q; q++)
		{
			if (*q == '"' && q[1] == '"')
				q++;
			else if (*q == '"')
				return q + 1 - p;
		}
		return q - p;
	}
	while (*q && (isalnum((unsigned char) *q) || *q == '_' || *q == '$' ||
				  IS_HIGHBIT_SET(*q)))
		q++;
	return q - p;
}

/*
 * The name a token that starts at p stands for, if it is a name (an
 * identifier or a keyword used as one), or NULL; *len gets its length.
 */
static char *
name_token(const char *p, int *len)
{
	*len = script_name_length(p);
	if (*len == 0 || isdigit((unsigned char) *p))
		return NULL;
	if (*p != '"')
		return downcase_identifier(p, *len, false, false);
	else
	{
		StringInfoData buf;

		initStringInfo(&buf);
		for (int i = 1; i < *len - 1; i++)
		{
			appendStringInfoChar(&buf, p[i]);
			if (p[i] == '"')
				i++;
		}
		return buf.data;
	}
}

/* Operator characters, as the scanner reads them */
#define OP_CHARS "+-*/<>=~!@#%^&|`?"

/*
 * The name that starts at p, as SQL wrote it, the way the catalog has it:
 * an identifier (unquoted, or folded to lower case) or an operator.
 */
char *
script_name_at(const char *p)
{
	int			len;
	char	   *name = name_token(p, &len);

	if (name != NULL)
		return name;
	return pnstrdup(p, strspn(p, OP_CHARS));
}
