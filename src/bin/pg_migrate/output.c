/*-------------------------------------------------------------------------
 *
 * output.c
 *	  Results on stdout: an aligned table for people, or with --json one
 *	  JSON array of objects for machines (booleans and numbers as JSON
 *	  ones, one-dimensional arrays as arrays, NULL as null, the rest as
 *	  strings).
 *
 * src/bin/pg_migrate/output.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include "pg_migrate.h"

/* type OIDs (pg_type.dat), for the JSON form of a value */
#define PM_BOOLOID		16
#define PM_INT8OID		20
#define PM_INT2OID		21
#define PM_INT4OID		23
#define PM_OIDOID		26
#define PM_FLOAT4OID	700
#define PM_FLOAT8OID	701
#define PM_NUMERICOID	1700
#define PM_TEXTARRAYOID 1009
#define PM_NAMEARRAYOID 1003

/* A string as a JSON string */
void
json_string(PQExpBuffer buf, const char *s)
{
	appendPQExpBufferChar(buf, '"');
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
	{
		switch (*p)
		{
			case '"':
				appendPQExpBufferStr(buf, "\\\"");
				break;
			case '\\':
				appendPQExpBufferStr(buf, "\\\\");
				break;
			case '\n':
				appendPQExpBufferStr(buf, "\\n");
				break;
			case '\r':
				appendPQExpBufferStr(buf, "\\r");
				break;
			case '\t':
				appendPQExpBufferStr(buf, "\\t");
				break;
			default:
				if (*p < 0x20)
					appendPQExpBuffer(buf, "\\u%04x", *p);
				else
					appendPQExpBufferChar(buf, (char) *p);
		}
	}
	appendPQExpBufferChar(buf, '"');
}

/* ,"key":"value" (or null); the first field of an object without the comma */
void
json_field(PQExpBuffer buf, const char *key, const char *value)
{
	if (buf->len > 0 && buf->data[buf->len - 1] != '{')
		appendPQExpBufferChar(buf, ',');
	json_string(buf, key);
	appendPQExpBufferChar(buf, ':');
	if (value)
		json_string(buf, value);
	else
		appendPQExpBufferStr(buf, "null");
}

/* A one-dimensional array literal ({a,"b c",NULL}) as a JSON array */
static void
json_array(PQExpBuffer buf, const char *lit)
{
	const char *p = lit;
	PQExpBufferData elem;
	bool		first = true;

	initPQExpBuffer(&elem);
	appendPQExpBufferChar(buf, '[');
	if (*p == '{')
		p++;
	while (*p && *p != '}')
	{
		bool		quoted = (*p == '"');

		resetPQExpBuffer(&elem);
		if (quoted)
		{
			for (p++; *p && *p != '"'; p++)
			{
				if (*p == '\\' && p[1])
					p++;
				appendPQExpBufferChar(&elem, *p);
			}
			if (*p == '"')
				p++;
		}
		else
			while (*p && *p != ',' && *p != '}')
				appendPQExpBufferChar(&elem, *p++);
		if (!first)
			appendPQExpBufferChar(buf, ',');
		first = false;
		if (!quoted && strcmp(elem.data, "NULL") == 0)
			appendPQExpBufferStr(buf, "null");
		else
			json_string(buf, elem.data);
		if (*p == ',')
			p++;
	}
	appendPQExpBufferChar(buf, ']');
	termPQExpBuffer(&elem);
}

/* One value of a result, in JSON */
static void
json_value(PQExpBuffer buf, const PGresult *res, int row, int col)
{
	const char *v = PQgetvalue(res, row, col);

	if (PQgetisnull(res, row, col))
	{
		appendPQExpBufferStr(buf, "null");
		return;
	}
	switch (PQftype(res, col))
	{
		case PM_BOOLOID:
			appendPQExpBufferStr(buf, v[0] == 't' ? "true" : "false");
			break;
		case PM_INT2OID:
		case PM_INT4OID:
		case PM_INT8OID:
		case PM_OIDOID:
		case PM_FLOAT4OID:
		case PM_FLOAT8OID:
		case PM_NUMERICOID:
			/* NaN and infinities are no JSON numbers */
			if (isdigit((unsigned char) v[strlen(v) - 1]))
				appendPQExpBufferStr(buf, v);
			else
				json_string(buf, v);
			break;
		case PM_TEXTARRAYOID:
		case PM_NAMEARRAYOID:
			json_array(buf, v);
			break;
		default:
			json_string(buf, v);
	}
}

/* The rows of a result as one JSON array of objects, on one line */
void
print_json(const PGresult *res)
{
	PQExpBufferData buf;

	initPQExpBuffer(&buf);
	appendPQExpBufferChar(&buf, '[');
	for (int r = 0; r < PQntuples(res); r++)
	{
		appendPQExpBufferStr(&buf, r ? ",{" : "{");
		for (int c = 0; c < PQnfields(res); c++)
		{
			if (c)
				appendPQExpBufferChar(&buf, ',');
			json_string(&buf, PQfname(res, c));
			appendPQExpBufferChar(&buf, ':');
			json_value(&buf, res, r, c);
		}
		appendPQExpBufferChar(&buf, '}');
	}
	appendPQExpBufferStr(&buf, "]\n");
	fputs(buf.data, stdout);
	pm_json_printed = true;
	termPQExpBuffer(&buf);
}

/* Characters on screen (UTF-8: the bytes that start a character) */
static int
display_width(const char *s)
{
	int			w = 0;

	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* A value on one line of a table */
static char *
cell(const PGresult *res, int row, int col)
{
	char	   *s = pg_strdup(PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));

	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return s;
}

/* The rows of a result as an aligned table, with a header */
void
print_table(const PGresult *res)
{
	int			nf = PQnfields(res);
	int			nt = PQntuples(res);
	int		   *width = pg_malloc0(sizeof(int) * Max(nf, 1));

	for (int c = 0; c < nf; c++)
	{
		width[c] = display_width(PQfname(res, c));
		for (int r = 0; r < nt; r++)
		{
			char	   *s = cell(res, r, c);

			width[c] = Max(width[c], display_width(s));
			free(s);
		}
	}
	for (int c = 0; c < nf; c++)
		printf("%s%s%*s", c ? "  " : "", PQfname(res, c),
			   c < nf - 1 ? width[c] - display_width(PQfname(res, c)) : 0, "");
	putchar('\n');
	for (int c = 0; c < nf; c++)
	{
		printf("%s", c ? "  " : "");
		for (int i = 0; i < width[c]; i++)
			putchar('-');
	}
	putchar('\n');
	for (int r = 0; r < nt; r++)
	{
		for (int c = 0; c < nf; c++)
		{
			char	   *s = cell(res, r, c);

			printf("%s%s%*s", c ? "  " : "", s,
				   c < nf - 1 ? width[c] - display_width(s) : 0, "");
			free(s);
		}
		putchar('\n');
	}
	free(width);
}

/* As --json says */
void
print_rows(const PGresult *res)
{
	if (pm_opts.json)
		print_json(res);
	else
		print_table(res);
}
