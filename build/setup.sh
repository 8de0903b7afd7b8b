#!/usr/bin/env bash
# Installs what building and testing Mizan needs, idempotently and non-interactively:
# Debian packages (cmake and libsimde-dev for the QuickJS engine, Chromium for browser tests)
# and the npm workspace's packages. Safe to run on every `make`; it does nothing when
# everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake libsimde-dev chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: reinstall when the lockfile changed since the last install.
stamp=node_modules/.mizan-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
