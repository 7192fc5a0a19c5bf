# ibench — text-mode repair console for iPhones and iPads.
# Plain make + pkg-config. Everything builds into $(BUILD).

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BUILD     ?= build
CC        ?= cc
PKGS      := ncursesw libusb-1.0 libimobiledevice-1.0 libusbmuxd-2.0 libplist-2.0 \
             libcurl libzip jansson libcrypto zlib
VB_PKGS   := umockdev-1.0 glib-2.0 gio-2.0 gio-unix-2.0 libplist-2.0 libcrypto
# Library API differences between Debian 12 and 13, as -D flags (pkg-config versions).
VB_FEATURES := $(shell sh tests/vbench/features.sh)

WARN      := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iinclude -I$(BUILD)/gen \
             -DIBENCH_VERSION='"$(VERSION)"' -DIBENCH_DATADIR='"$(PREFIX)/share/ibench"' \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS       = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

SRC       := $(filter-out src/main.c,$(wildcard src/*.c))
OBJ       := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRC)) $(BUILD)/obj/models_table.o
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
VB_SRC    := $(wildcard tests/vbench/*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)

.PHONY: all deps run demo check test asan fuzz bench install uninstall clean tools check-debian13

all: $(BUILD)/ibench

deps:
	@sh tests/deps.sh

$(BUILD)/gen/models_table.c: src/models.tsv src/gen_models.awk
	@mkdir -p $(dir $@)
	awk -f src/gen_models.awk src/models.tsv > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/models_table.o: $(BUILD)/gen/models_table.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libibench.a: $(OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/ibench: src/main.c $(BUILD)/libibench.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libibench.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/libibench.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libibench.a $(LIBS)

# The virtual bench: emulated devices for tests and the demo (never linked into ibench).
$(BUILD)/vbench: $(VB_SRC) $(wildcard tests/vbench/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) -Wno-deprecated-declarations $(CFLAGS) $(VB_FEATURES) \
	    $(shell pkg-config --cflags $(VB_PKGS)) -o $@ $(VB_SRC) $(shell pkg-config --libs $(VB_PKGS))

# The USB emulator is built when its entry point is present.
VB_BIN    := $(if $(wildcard tests/vbench/vbench_main.c),$(BUILD)/vbench)
tools: $(BUILD)/ibench $(VB_BIN) $(UNIT_BIN)

run: deps $(BUILD)/ibench
	$(BUILD)/ibench

demo: deps $(BUILD)/ibench $(VB_BIN)
	@sh tests/demo.sh $(BUILD)

# Every test: unit tests (also under ASan/UBSan), integration tests on the virtual bench.
check: deps
	@$(MAKE) --no-print-directory tools
	@$(MAKE) --no-print-directory BUILD=build-asan \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    build-asan/ibench $(patsubst $(BUILD)/%,build-asan/%,$(UNIT_BIN))
	@sh tests/run.sh $(BUILD) build-asan

test: check

# Every test again on Debian 13 (as root): a trixie root built once with
# debootstrap into DEBIAN13_ROOT, the project's packages installed there by
# tests/deps.sh, the checkout copied in and `make check` run inside it.
DEBIAN13_ROOT ?= $(or $(XDG_CACHE_HOME),$(if $(HOME),$(HOME)/.cache,/var/cache))/ibench/debian13-root
check-debian13:
	@sh tests/debian13.sh "$(DEBIAN13_ROOT)"

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    build-asan/ibench $(patsubst $(BUILD)/%,build-asan/%,$(UNIT_BIN))
	@sh tests/run.sh --unit-only build-asan

# Fuzz every parser of outside input for FUZZ_SECONDS each (libFuzzer, clang).
FUZZ_SECONDS ?= 20
fuzz: deps
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: deps tools
	@sh tests/bench/run.sh $(BUILD)

install: $(BUILD)/ibench
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/ibench
	install -m 755 $(BUILD)/ibench $(DESTDIR)$(PREFIX)/bin/ibench
	install -m 644 man/ibench.1 $(DESTDIR)$(PREFIX)/share/man/man1/ibench.1
	install -m 644 src/models.tsv $(DESTDIR)$(PREFIX)/share/ibench/models.tsv

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/ibench $(DESTDIR)$(PREFIX)/share/man/man1/ibench.1
	rm -rf $(DESTDIR)$(PREFIX)/share/ibench

clean:
	rm -rf build build-asan build-fuzz
