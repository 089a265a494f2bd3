#!/usr/bin/env bash
# Install torch's CPU build into the Python named by $1 (default python3), before anything that needs torch:
# PyPI's default torch for Linux is the multi-GB CUDA build, which a CPU-only tool never uses.
# 1. a torch wheel that pip finds without any index (pip's find-links, as on the project's machines),
#    its small pure-Python dependencies then from the usual index;
# 2. otherwise the CPU wheel index TORCH_INDEX.
set -euo pipefail
PY=${1:-python3}
TORCH_VERSION=${TORCH_VERSION:-2.13.0}
TORCH_INDEX=${TORCH_INDEX:-https://download.pytorch.org/whl/cpu}

if "$PY" -c "import sys, torch; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" 2>/dev/null; then
    exit 0  # already there
fi
if "$PY" -m pip install --no-index --no-deps "torch==$TORCH_VERSION" >/dev/null 2>&1; then
    exec "$PY" -m pip install "torch==$TORCH_VERSION"
fi
exec "$PY" -m pip install "torch==$TORCH_VERSION" --index-url "$TORCH_INDEX"
