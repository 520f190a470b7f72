# Makefile for the migrate extension (PGXS)
#
#   make / make install     build and install into the server found by pg_config
#   make test               install what is missing, build with warnings as
#                           errors, install, run every suite on a throwaway cluster
#   make demo               the same set-up, then a real migration session in psql
#   make bench              the same set-up, then every benchmark in test/bench
#   make installcheck       pg_regress, isolation and TAP against a server you run
#                           yourself (TAP tests start their own servers)

EXTENSION = migrate
# The version lives in migrate.control only.
EXTVERSION = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(EXTENSION).control)

MODULE_big = migrate
OBJS = \
	src/migrate.o \
	src/script.o \
	src/graph.o \
	src/catalog.o \
	src/register.o \
	src/apply.o \
	src/offline.o \
	src/ddl_log.o \
	src/schema_model.o \
	src/model_relations.o \
	src/model_others.o \
	src/drift.o \
	src/info.o \
	src/diff.o \
	src/autogen.o
PGFILEDESC = "migrate - schema migrations inside PostgreSQL"

DATA = sql/migrate--$(EXTVERSION).sql

# pg_regress suites: sql/<topic>.sql, expected/<topic>.out
REGRESS = register targets push push_rows downgrade stamp info security attack deploy merge reset offline bad_input ddl_log guard adopt drift autogen
# isolation suites: test/specs/<name>.spec, test/expected/<name>.out
ISOLATION = concurrent_push guard_concurrent
ISOLATION_OPTS = --inputdir=test
# TAP suites: test/t/*.pl with PostgreSQL::Test::Cluster (they start their
# own servers, so they need a user PostgreSQL accepts: not root)
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every object depends on the shared header
$(OBJS): src/migrate.h

.PHONY: test demo bench
test:
	bash test/run-tests.sh

demo:
	bash test/demo.sh

bench:
	bash test/bench/run.sh
