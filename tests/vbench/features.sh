#!/bin/sh
# Feature checks for the virtual bench: prints the -D flags for the libraries
# found, so one tree builds on Debian 12 and 13. The Makefile and every script
# that compiles tests/vbench/muxd*.c add $(sh tests/vbench/features.sh).
#   libplist >= 2.3 (Debian 13: 2.6): plist_from_memory() takes a 4th argument.
flags=""
pkg-config --atleast-version=2.3 libplist-2.0 2>/dev/null && flags="$flags -DVB_PLIST_FROM_MEMORY_FORMAT"
echo $flags
