#!/usr/bin/env bash
# Makes sure what the AppHost starts without a container runtime is installed: redis-server and the PostgreSQL
# binaries; with --with-browser (test.sh, CI) also Chromium, which the console's browser tests drive (Playwright with
# the system browser, never a downloaded one). Installs them with apt-get when it can (root, or sudo without a
# password); otherwise says what to run.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
# The console's browser tests (tests/AspireRouter.CostLedger.Tests/SpendConsole) look for /usr/bin/chromium or CHROMIUM_PATH.
if [ "${1:-}" = "--with-browser" ] && [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  missing+=(chromium)
fi
command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required: https://dot.net/download" >&2; exit 1; }

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "Missing: ${missing[*]}. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${missing[*]}, and there is no apt-get here: install them with your package manager." >&2
  exit 1
fi

echo "Installing ${missing[*]} (apt-get)…"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
# Debian starts a system-wide redis-server on 6379 after installing it; the AppHost runs its own, so stop that one.
if command -v service >/dev/null 2>&1; then $sudo service redis-server stop >/dev/null 2>&1 || true; fi
