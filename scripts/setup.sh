#!/usr/bin/env bash
# Create .venv with everything: PyTorch pinned to the local CPU wheel first, then the package
# with all extras under constraints.txt so nothing can pull a newer torch.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# GPU users: GOVREPORT_TORCH_INDEX=https://download.pytorch.org/whl/cu128 ./scripts/setup.sh takes the CUDA
# build of the same torch version from that index (constraints.txt pins the version, not the build).
if [ -n "${GOVREPORT_TORCH_INDEX:-}" ]; then
  .venv/bin/python -m pip install -q torch==2.13.0 --index-url "$GOVREPORT_TORCH_INDEX"
else
  .venv/bin/python -m pip install -q torch==2.13.0
fi
.venv/bin/python -m pip install -q -c constraints.txt -e ".[all]"
# .doc files are read with antiword (a Debian package); without it they fail with a clear error
if ! command -v antiword >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    { apt-get install -y -qq antiword || { apt-get update -qq && apt-get install -y -qq antiword; }; } >/dev/null 2>&1 \
      || echo "warning: could not install antiword; .doc files will not be read" >&2
  else
    echo "warning: antiword is missing (apt-get install antiword); .doc files will not be read" >&2
  fi
fi
.venv/bin/python -c "import torch, nlp; assert torch.__version__.startswith('2.13.0'), torch.__version__"
echo "setup done: $(.venv/bin/govreport --help >/dev/null && echo 'govreport ready')"
