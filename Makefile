# Builds the release binary and installs scimrecon (scripts/install.sh does the work).
#   make release                      the toolchain-free binary: .build/release/scimrecon
#   make install [PREFIX=/usr/local] [DESTDIR=/tmp/stage] [SCHEDULER=systemd|cron|none]
#   make install BINARY=path/to/scimrecon   install a binary built elsewhere
PREFIX ?= /usr/local
DESTDIR ?=
SCHEDULER ?=
BINARY ?= .build/release/scimrecon

.PHONY: release install

# --static-swift-stdlib links the Swift runtime and Foundation into the binary, so it runs on a
# machine without the Swift toolchain (it still needs libsqlite3 and libxml2 from the system).
release:
	swift build -c release --static-swift-stdlib --product scimrecon

install:
	@test -x "$(BINARY)" || { echo "make: no binary at $(BINARY); run make release first, or pass BINARY=" >&2; exit 1; }
	scripts/install.sh --binary "$(BINARY)" --prefix "$(PREFIX)" $(if $(DESTDIR),--destdir "$(DESTDIR)") \
		$(if $(SCHEDULER),--scheduler "$(SCHEDULER)")
