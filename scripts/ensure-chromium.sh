#!/usr/bin/env bash
# Installs Debian's Chromium for the web UI's browser tests when it is missing and we may install it.
set -eu
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
    echo "chromium not found and not root: the browser tests will be skipped" >&2
fi
