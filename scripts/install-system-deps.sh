#!/usr/bin/env bash
# Install the Debian/Ubuntu packages Carnet needs, only those missing.
#   runtime: what `make run` needs (Python's venv, Qt's libraries)
#   test:    runtime + a real Secret Service for the keyring tests (gnome-keyring, D-Bus),
#            e2fsprogs and mount for the disk-image wipe test (loop-mounted ext4)
#            and exiftool, the external judge of stripped copies (libimage-exiftool-perl),
#            strace for the proof that the desktop app opens no network socket,
#            xvfb for the X11 selection test (offscreen Qt has no selection),
#            nodejs and npm for the Node reference tus server (tests/interop/tus-node),
#            microsocks, the SOCKS5 proxy of the Tor/proxy transport tests
#   bench:   test + the tools the benchmarks compare against (age; curl for the upload;
#            sha256sum and shred from
#            coreutils, tar: present on any Debian, listed so a trimmed image says so)
# Uses apt-get as root, or through sudo. On other systems it says what to install.
set -euo pipefail
what=${1:-runtime}

runtime_pkgs=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
              libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0)
test_pkgs=(gnome-keyring dbus-daemon libimage-exiftool-perl e2fsprogs mount strace xvfb
           nodejs npm microsocks)
bench_pkgs=(age coreutils tar curl)

missing=()
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
want=("${runtime_pkgs[@]}")
[ "$what" = test ] || [ "$what" = bench ] && want+=("${test_pkgs[@]}")
[ "$what" = bench ] && want+=("${bench_pkgs[@]}")
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${want[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] && continue
    # Ubuntu 24.04 renamed some libraries (…t64): accept the renamed package.
    status=$(dpkg-query -W -f='${Status}' "${pkg}t64" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] && continue
    if [ "$pkg" = dbus-daemon ] && command -v dbus-run-session >/dev/null 2>&1; then continue; fi
    # Some nodejs builds (NodeSource's) ship npm inside the nodejs package.
    if [ "$pkg" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    missing+=("$pkg")
  done
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Carnet needs these system packages (or your system's equivalents): ${missing[*]}" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Please install as root: apt-get install ${missing[*]}" >&2; exit 1
  fi
fi
echo "Installing system packages: ${missing[*]}" >&2
if ! log=$($sudo apt-get update -qq 2>&1); then echo "$log" >&2; exit 1; fi
# dbus-daemon is its own package on newer releases; older ones ship it in 'dbus'.
if printf '%s\n' "${missing[@]}" | grep -qx dbus-daemon && ! apt-cache show dbus-daemon >/dev/null 2>&1; then
  missing=("${missing[@]/dbus-daemon/dbus}")
fi
if ! log=$(DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      --no-install-recommends "${missing[@]}" 2>&1); then
  echo "$log" >&2
  exit 1
fi
