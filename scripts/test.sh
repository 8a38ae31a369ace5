#!/usr/bin/env bash
# The test command: starts a throw-away local PostgreSQL when one can be started (for the
# PostgreSQL store tests, skipped otherwise), then runs the whole suite offline.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
if [ -z "${GOVREPORT_PG_URL:-}" ] && [ -x scripts/start-postgres.sh ]; then
  if url=$(scripts/start-postgres.sh 2>/tmp/govreport-pg.log); then
    export GOVREPORT_PG_URL="$url"
  else
    echo "PostgreSQL could not be started (see /tmp/govreport-pg.log); its tests will be skipped" >&2
  fi
fi
exec .venv/bin/python -m pytest "$@"
