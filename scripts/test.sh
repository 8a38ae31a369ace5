#!/usr/bin/env bash
# The test command: starts a throw-away local PostgreSQL when one can be started (for the
# PostgreSQL store tests, skipped otherwise), runs the whole suite offline, stops the server it
# started however the run ends, and exits with pytest's status.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
if [ -z "${GOVREPORT_PG_URL:-}" ] && [ -x scripts/start-postgres.sh ]; then
  # A cluster of this run's own (own folder, free port), unless GOVREPORT_PG_DIR names one.
  export GOVREPORT_PG_DIR="${GOVREPORT_PG_DIR:-$(mktemp -d /tmp/govreport-pg.XXXXXX)}"
  if [ ! -f "$GOVREPORT_PG_DIR/data/postmaster.pid" ]; then  # not running yet: ours to stop
    trap 'scripts/start-postgres.sh --stop >/dev/null 2>&1 || true' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
  fi
  if url=$(scripts/start-postgres.sh 2>/tmp/govreport-pg.log); then
    export GOVREPORT_PG_URL="$url"
  else
    echo "PostgreSQL could not be started (see /tmp/govreport-pg.log); its tests will be skipped" >&2
  fi
fi
# The HTML page tests drive Debian's chromium (never a browser downloaded by Playwright) and
# need a CJK font to render the reports; installed here when missing and running as root.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (for the page tests)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/tmp/govreport-apt.log 2>&1 \
      || echo "could not install ${missing[*]} (see /tmp/govreport-apt.log); the browser tests will be skipped" >&2
  fi
fi
status=0
.venv/bin/python -m pytest "$@" || status=$?
exit "$status"
