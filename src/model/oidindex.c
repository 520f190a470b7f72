/*-------------------------------------------------------------------------
 *
 * oidindex.c
 *	  A sorted set of OIDs that says where an OID is in it by counting
 *	  bits.
 *
 * src/model/oidindex.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "port/pg_bitutils.h"

#include "model/model_int.h"

/*
 * An OID index over n OIDs in ascending order, which it keeps.
 */
void
model_build_oid_index(OidIndex *index, Oid *oids, int n)
{
	int			nwords;

	index->n = n;
	index->oids = oids;
	index->bits = NULL;
	index->ranks = NULL;
	if (n == 0 || oids[n - 1] - oids[0] >= 64 * 1024 * 1024)
		return;
	index->min = oids[0];
	index->span = oids[n - 1] - oids[0] + 1;
	nwords = index->span / 64 + 1;
	index->bits = palloc0(sizeof(uint64) * nwords);
	index->ranks = palloc(sizeof(uint32) * nwords);
	for (int i = 0; i < n; i++)
	{
		uint32		off = oids[i] - index->min;

		index->bits[off / 64] |= UINT64CONST(1) << (off % 64);
	}
	for (int w = 0, count = 0; w < nwords; w++)
	{
		index->ranks[w] = count;
		count += pg_popcount64(index->bits[w]);
	}
}

/* Where oid is in the index, or -1 */
int
model_find_oid(const OidIndex *index, Oid oid)
{
	if (index->bits != NULL)
	{
		/* a bit per OID; the set bits before it count the OIDs before */
		uint32		off = oid - index->min;
		uint64		word;
		uint64		bit;

		if (oid < index->min || off >= index->span)
			return -1;
		word = index->bits[off / 64];
		bit = UINT64CONST(1) << (off % 64);
		if ((word & bit) == 0)
			return -1;
		return index->ranks[off / 64] + pg_popcount64(word & (bit - 1));
	}
	else
	{
		int			lo = 0;
		int			hi = index->n - 1;

		while (lo <= hi)
		{
			int			mid = lo + (hi - lo) / 2;

			if (index->oids[mid] == oid)
				return mid;
			if (index->oids[mid] < oid)
				lo = mid + 1;
			else
				hi = mid - 1;
		}
		return -1;
	}
}
