#!/bin/sh
# Installs the Debian 12 or 13 packages ibench needs to build, run and test.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -e
PKGS="make gcc pkg-config libncurses-dev libusb-1.0-0-dev zlib1g-dev libirecovery-1.0-dev
libimobiledevice-dev libusbmuxd-dev libplist-dev libcurl4-openssl-dev libzip-dev
libjansson-dev libssl-dev libumockdev-dev umockdev tmux irecovery
libimobiledevice-utils idevicerestore clang libclang-rt-dev zip unzip
libarchive-tools man-db iproute2 python3 util-linux procps ca-certificates time curl strace"
[ "$1" = "--list" ] && { echo $PKGS; exit 0; }
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "ibench: installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "ibench: missing packages. Run:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
