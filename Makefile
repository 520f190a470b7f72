# Makefile for the migrate extension (PGXS)
#
#   make / make install     build and install into the server found by pg_config,
#                           the extension and its client pg_migrate
#                           (src/bin/pg_migrate, its own PGXS Makefile)
#   make test               install what is missing, build with warnings as
#                           errors, install, run every suite on a throwaway cluster
#   make demo               the same set-up, then a real migration session in psql
#   make bench              the same set-up, then every benchmark in test/bench
#                           (BENCH_LARGE=1: drift at 100,000 tables too)
#   make test-all           make test inside a cached Debian root for each of
#                           PostgreSQL 15, 17 and 18 (test/matrix.sh; as root)
#   make installcheck       pg_regress, isolation and TAP against a server you run
#                           yourself (TAP tests start their own servers)
#   make install-releases   install the install scripts of the released
#                           versions too, from git (the update test needs them)

EXTENSION = migrate
# The version lives in migrate.control only.
EXTVERSION = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(EXTENSION).control)

MODULE_big = migrate
# The layers, bottom up; each file calls only files of the layers above it
# in this list (see README "Code map").
OBJS = \
	src/base/compat.o \
	src/base/util.o \
	src/base/session.o \
	src/base/owner.o \
	src/base/runner.o \
	src/core/script.o \
	src/core/graph.o \
	src/core/locksafe.o \
	src/core/lint.o \
	src/catalog/queries.o \
	src/catalog/writes.o \
	src/catalog/direct.o \
	src/catalog/steps.o \
	src/model/model.o \
	src/model/oidindex.o \
	src/model/fingerprint.o \
	src/model/relations.o \
	src/model/routines.o \
	src/model/types.o \
	src/model/others.o \
	src/model/compare.o \
	src/model/transfer.o \
	src/diff/diff.o \
	src/core/snapshot.o \
	src/core/registry.o \
	src/core/migration.o \
	src/core/worker.o \
	src/core/dryrun.o \
	src/core/desired.o \
	src/core/revfile.o \
	src/sql/register.o \
	src/sql/apply.o \
	src/sql/offline.o \
	src/sql/ddl_log.o \
	src/sql/drift.o \
	src/sql/info.o \
	src/sql/autogen.o \
	src/sql/lint.o \
	src/migrate.o
PG_CPPFLAGS = -I$(srcdir)/src
PGFILEDESC = "migrate - schema migrations inside PostgreSQL"

# The current install script and every upgrade script
# (sql/migrate--<from>--<to>.sql), so that ALTER EXTENSION migrate UPDATE
# finds a path from any released version.
DATA = sql/migrate--$(EXTVERSION).sql $(wildcard sql/migrate--*--*.sql)

# The released versions (sql/releases) are frozen, and their install scripts
# live in git only, at their tags. make install-releases writes them from git
# into build/releases/ (test/release-script.sh) and installs them next to the
# current one, so that test/t/011_extension_update.pl can create the
# extension at each of them and update it; make install leaves them out.
RELEASES = $(filter-out $(EXTVERSION),$(shell bash test/release-script.sh --list))
RELEASE_SCRIPTS = $(RELEASES:%=build/releases/$(EXTENSION)--%.sql)
EXTRA_CLEAN = build/releases

# pg_regress suites: sql/<topic>.sql, expected/<topic>.out
REGRESS = register targets push push_rows downgrade stamp info security attack deploy merge reset offline files bad_input ddl_log guard catalog_writes adopt drift autogen coverage versions nontransactional lint plan
# isolation suites: test/specs/<name>.spec, test/expected/<name>.out
ISOLATION = concurrent_push guard_concurrent concurrent_index lock_retry
ISOLATION_OPTS = --inputdir=test
# TAP suites: test/t/*.pl with PostgreSQL::Test::Cluster (they start their
# own servers, so they need a user PostgreSQL accepts: not root)
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

PG_CONFIG ?= pg_config
# A syscache on pg_extension.oid, which later minor releases of 15, 16 and
# 17 added and 18 has: with it the extension's facts outlive the transaction
# (src/base/owner.c).  No PG_VERSION_NUM tells a minor release, so the
# server's headers are asked.
INCLUDEDIR_SERVER := $(shell $(PG_CONFIG) --includedir-server)
ifneq ($(shell grep -s -l -w EXTENSIONOID $(INCLUDEDIR_SERVER)/utils/syscache.h $(INCLUDEDIR_SERVER)/catalog/syscache_ids.h),)
PG_CPPFLAGS += -DMIGRATE_HAVE_EXTENSIONOID
endif
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every object depends on the headers
$(OBJS): $(wildcard src/*/*.h)

.PHONY: test test-all demo bench releases install-releases uninstall-releases
releases: $(RELEASE_SCRIPTS)

build/releases/$(EXTENSION)--%.sql: sql/releases test/release-script.sh
	@mkdir -p build/releases
	bash test/release-script.sh $* > $@.tmp
	mv $@.tmp $@

install-releases: $(RELEASE_SCRIPTS) installdirs
	$(if $(RELEASES),$(INSTALL_DATA) $(RELEASE_SCRIPTS) '$(DESTDIR)$(datadir)/$(datamoduledir)/')

uninstall: uninstall-releases
uninstall-releases:
	$(if $(RELEASES),rm -f $(RELEASES:%='$(DESTDIR)$(datadir)/$(datamoduledir)/$(EXTENSION)--%.sql'))

# The client, pg_migrate: built, installed and cleaned with the extension
CLIENT_DIR = src/bin/pg_migrate
.PHONY: client install-client uninstall-client clean-client
all: client
client:
	$(MAKE) -C $(CLIENT_DIR) PG_CONFIG=$(PG_CONFIG) all
install: install-client
install-client: client
	$(MAKE) -C $(CLIENT_DIR) PG_CONFIG=$(PG_CONFIG) install
uninstall: uninstall-client
uninstall-client:
	$(MAKE) -C $(CLIENT_DIR) PG_CONFIG=$(PG_CONFIG) uninstall
clean: clean-client
clean-client:
	$(MAKE) -C $(CLIENT_DIR) PG_CONFIG=$(PG_CONFIG) clean

test:
	bash test/run-tests.sh

test-all:
	bash test/matrix.sh $(PG)

demo:
	bash test/demo.sh

bench:
	bash test/bench/run.sh
