#!/usr/bin/env sh
# Installs the browser the browser tests drive: Debian's chromium, at /usr/bin/chromium.
# playwright-core never downloads a browser; set CHROMIUM_PATH to use another binary.
set -eu
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  echo "chromium: $(chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
chromium --version
