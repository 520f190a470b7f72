/*-------------------------------------------------------------------------
 *
 * transfer.c
 *	  A model read for a diff, details included, as bytes and back: how the
 *	  desired state read in a scratch database reaches the backend that
 *	  diffs it.
 *
 * The snapshot's text form (fingerprint.c) keeps kind, identity and
 * definition only; the diff engine also needs each object's details
 * (ModelDetail).  This form keeps everything: per object its three strings
 * and, when it has details, every field of them.  Strings are a 4-byte
 * length (-1 for NULL) and their bytes; numbers are 4 bytes in the host's
 * order (both ends are processes of one server).  A field added to
 * ModelDetail must be added to both functions here.
 *
 * src/model/transfer.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "model/model_int.h"

static void
put_int(StringInfo buf, int32 v)
{
	appendBinaryStringInfo(buf, (const char *) &v, sizeof(v));
}

static void
put_str(StringInfo buf, const char *s)
{
	if (s == NULL)
	{
		put_int(buf, -1);
		return;
	}
	put_int(buf, (int32) strlen(s));
	appendBinaryStringInfo(buf, s, strlen(s));
}

/* The model m, read with model_read_set(), as bytes: *len of them */
char *
model_transfer_out(SchemaModel *m, Size *len)
{
	StringInfoData buf;

	initStringInfo(&buf);
	put_int(&buf, m->n);
	put_int(&buf, m->framed ? 1 : 0);
	for (int i = 0; i < m->n; i++)
	{
		ModelObject *o = &m->objects[i];
		ModelDetail *d = o->detail;

		put_str(&buf, o->kind);
		put_str(&buf, o->identity);
		put_str(&buf, o->definition);
		put_int(&buf, d != NULL ? 1 : 0);
		if (d == NULL)
			continue;
		put_int(&buf, (int32) d->relid);
		put_int(&buf, d->relkind);
		put_int(&buf, d->persistence);
		put_int(&buf, d->rls);
		put_int(&buf, d->rls_forced);
		put_str(&buf, d->options);
		put_str(&buf, d->partkey);
		put_str(&buf, d->partbound);
		put_str(&buf, d->parents);
		put_str(&buf, d->query);
		put_str(&buf, d->server);
		put_str(&buf, d->seqparams);
		put_str(&buf, d->owned_by);
		put_int(&buf, d->seq_identity);
		put_str(&buf, d->table);
		put_str(&buf, d->column);
		put_int(&buf, d->attnum);
		put_str(&buf, d->type);
		put_int(&buf, (int32) d->typid);
		put_int(&buf, d->typmod);
		put_str(&buf, d->collation);
		put_int(&buf, d->notnull);
		put_str(&buf, d->dflt);
		put_str(&buf, d->generated);
		put_int(&buf, d->identity);
		put_int(&buf, d->inherited);
		put_str(&buf, d->cluster);
		put_int(&buf, d->inhcount);
		put_int(&buf, d->stattarget);
		put_str(&buf, d->typext);
	}
	*len = buf.len;
	return buf.data;
}

/* Where model_transfer_in() reads */
typedef struct Reader
{
	const char *p;
	const char *end;
} Reader;

static void
damaged(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("the model of the desired state arrived damaged")));
}

static int32
get_int(Reader *r)
{
	int32		v;

	if (r->end - r->p < (ptrdiff_t) sizeof(v))
		damaged();
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	return v;
}

static char *
get_str(Reader *r)
{
	int32		len = get_int(r);
	char	   *s;

	if (len == -1)
		return NULL;
	if (len < 0 || r->end - r->p < len)
		damaged();
	s = palloc(len + 1);
	memcpy(s, r->p, len);
	s[len] = '\0';
	r->p += len;
	return s;
}

/* The model model_transfer_out() wrote, in len bytes at data */
SchemaModel *
model_transfer_in(const char *data, Size len)
{
	SchemaModel *m = model_read_empty();
	Reader		r = {data, data + len};
	int32		n = get_int(&r);

	if (n < 0)
		damaged();
	m->framed = get_int(&r) != 0;
	for (int i = 0; i < n; i++)
	{
		char	   *kind = get_str(&r);
		char	   *identity = get_str(&r);
		char	   *definition = get_str(&r);
		ModelDetail *d;

		if (kind == NULL || identity == NULL)
			damaged();
		model_add(m, kind, identity, definition);
		if (get_int(&r) == 0)
			continue;
		d = palloc0(sizeof(ModelDetail));
		m->objects[m->n - 1].detail = d;
		d->relid = (Oid) get_int(&r);
		d->relkind = (char) get_int(&r);
		d->persistence = (char) get_int(&r);
		d->rls = get_int(&r) != 0;
		d->rls_forced = get_int(&r) != 0;
		d->options = get_str(&r);
		d->partkey = get_str(&r);
		d->partbound = get_str(&r);
		d->parents = get_str(&r);
		d->query = get_str(&r);
		d->server = get_str(&r);
		d->seqparams = get_str(&r);
		d->owned_by = get_str(&r);
		d->seq_identity = get_int(&r) != 0;
		d->table = get_str(&r);
		d->column = get_str(&r);
		d->attnum = get_int(&r);
		d->type = get_str(&r);
		d->typid = (Oid) get_int(&r);
		d->typmod = get_int(&r);
		d->collation = get_str(&r);
		d->notnull = get_int(&r) != 0;
		d->dflt = get_str(&r);
		d->generated = get_str(&r);
		d->identity = (char) get_int(&r);
		d->inherited = get_int(&r) != 0;
		d->cluster = get_str(&r);
		d->inhcount = get_int(&r);
		d->stattarget = get_int(&r);
		d->typext = get_str(&r);
	}
	if (r.p != r.end)
		damaged();
	return m;
}
