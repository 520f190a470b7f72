/*-------------------------------------------------------------------------
 *
 * fingerprint.c
 *	  A model's fingerprint (a SHA-256 over its sorted objects) and its text
 *	  form, saved in migrate.snapshot and read back in place.
 *
 * src/model/fingerprint.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/transam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "common/cryptohash.h"
#include "common/hashfn.h"
#include "common/sha2.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "port/pg_crc32c.h"
#include "storage/proc.h"
#include "utils/memutils.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/varlena.h"

#include "model/model_int.h"

/* Feed len bytes to the hash through a buffer of FINGERPRINT_BUFFER bytes */
#define FINGERPRINT_BUFFER 65536

static void
fingerprint_feed(pg_cryptohash_ctx *ctx, char *buf, int *used,
				 const char *data, size_t len)
{
	if (*used + len > FINGERPRINT_BUFFER)
	{
		if (pg_cryptohash_update(ctx, (const uint8 *) buf, *used) < 0)
			elog(ERROR, "could not update fingerprint: %s", pg_cryptohash_error(ctx));
		*used = 0;
		if (len > FINGERPRINT_BUFFER)
		{
			if (pg_cryptohash_update(ctx, (const uint8 *) data, len) < 0)
				elog(ERROR, "could not update fingerprint: %s", pg_cryptohash_error(ctx));
			return;
		}
	}
	memcpy(buf + *used, data, len);
	*used += len;
}

/*
 * The fingerprint: SHA-256 over every object, in order, as 64 hex digits.
 * Each object is its kind, identity and definition, each with its
 * terminating zero byte; they reach the hash in 64 kB pieces, not three
 * calls an object.
 */
char *
model_fingerprint(SchemaModel *m)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	char	   *hex = palloc(PG_SHA256_DIGEST_LENGTH * 2 + 1);
	char	   *buf = palloc(FINGERPRINT_BUFFER);
	int			used = 0;

	if (pg_cryptohash_init(ctx) < 0)
		elog(ERROR, "could not initialize fingerprint: %s", pg_cryptohash_error(ctx));
	for (int i = 0; i < m->n; i++)
	{
		ModelObject *o = &m->objects[i];

		fingerprint_feed(ctx, buf, &used, o->kind, strlen(o->kind) + 1);
		fingerprint_feed(ctx, buf, &used, o->identity, strlen(o->identity) + 1);
		fingerprint_feed(ctx, buf, &used, o->definition, strlen(o->definition) + 1);
	}
	if (pg_cryptohash_update(ctx, (const uint8 *) buf, used) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not finish fingerprint: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	pfree(buf);
	hex_encode((const char *) digest, sizeof(digest), hex);
	hex[PG_SHA256_DIGEST_LENGTH * 2] = '\0';
	return hex;
}

/* Append s with tab, newline and backslash escaped */
static void
append_escaped(StringInfo buf, const char *s)
{
	for (; *s; s++)
	{
		switch (*s)
		{
			case '\t':
				appendStringInfoString(buf, "\\t");
				break;
			case '\n':
				appendStringInfoString(buf, "\\n");
				break;
			case '\\':
				appendStringInfoString(buf, "\\\\");
				break;
			default:
				appendStringInfoChar(buf, *s);
		}
	}
}

/*
 * The model as text, one object a line: kind, identity and definition
 * separated by tabs.  What migrate.snapshot keeps.
 */
char *
model_serialize(SchemaModel *m)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < m->n; i++)
	{
		append_escaped(&buf, m->objects[i].kind);
		appendStringInfoChar(&buf, '\t');
		append_escaped(&buf, m->objects[i].identity);
		appendStringInfoChar(&buf, '\t');
		append_escaped(&buf, m->objects[i].definition);
		appendStringInfoChar(&buf, '\n');
	}
	return buf.data;
}

/* Undo append_escaped in place, up to end; returns the string */
static char *
unescape(char *s, char *end)
{
	char	   *w = memchr(s, '\\', end - s);

	/* most fields have nothing escaped */
	if (w == NULL)
	{
		*end = '\0';
		return s;
	}
	for (char *r = w; r < end; r++)
	{
		if (*r == '\\' && r + 1 < end)
		{
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
		}
		else
			*w++ = *r;
	}
	*w = '\0';
	return s;
}

/*
 * The model model_serialize() wrote, from len bytes at data, which it
 * overwrites: the objects point into it, which saves a copy of a saved
 * model of many megabytes.
 */
SchemaModel *
model_deserialize_in_place(char *data, Size len)
{
	SchemaModel *m = model_read_empty();
	char	   *line = data;
	char	   *end = data + len;
	Size		lines = 0;

	/* each field is ended in place, the last one at its newline */
	if (len > 0 && data[len - 1] != '\n')
	{
		line = palloc(len + 1);
		memcpy(line, data, len);
		line[len] = '\0';
		end = line + len;
	}
	/* one object a line: size the array once */
	for (char *p = line; (p = memchr(p, '\n', end - p)) != NULL; p++)
		lines++;
	if (lines > m->cap)
	{
		m->cap = lines + 1;
		m->objects = repalloc_huge(m->objects, sizeof(ModelObject) * m->cap);
	}

	while (line < end)
	{
		char	   *nl = memchr(line, '\n', end - line);
		char	   *t1;
		char	   *t2;
		bool		more;

		if (nl == NULL)
			nl = end;
		more = nl < end;
		t1 = memchr(line, '\t', nl - line);
		t2 = t1 ? memchr(t1 + 1, '\t', nl - t1 - 1) : NULL;
		if (t2 == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the saved schema snapshot is damaged")));
		model_add(m, unescape(line, t1), unescape(t1 + 1, t2),
				  unescape(t2 + 1, nl));
		/* unescape() ended the definition at the newline */
		line = more ? nl + 1 : nl;
	}
	return m;
}
