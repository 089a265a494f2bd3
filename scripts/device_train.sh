#!/usr/bin/env bash
# Train several configs at once on one GPU machine with no network, and export each run's EMA weights.
#
#   scripts/device_train.sh OUT_DIR CONFIG [CONFIG ...]      (extra `--set` overrides: ADCRAFT_SET="k=v k=v")
#
# Runs in the repository root there, with data/products (and its .embeddings.safetensors, which stands in
# for the text encoder: configs say encoder: cache:...) and, where the machine lacks diffusers, its wheels
# in .whl/. The small `base` UNet leaves a large GPU mostly idle, so the runs share it side by side.
# Each run's model (fp16), config, resolved train config and loss curve land in OUT_DIR/<config name>/.
# Wheels for a machine without diffusers (Python 3.12 there), fetched where pip works:
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux2014_x86_64 -d .whl diffusers==0.42.1 importlib_metadata
set -euo pipefail
out=$1; shift
[ $# -ge 1 ] || { echo "usage: $0 OUT_DIR CONFIG [CONFIG ...]" >&2; exit 2; }
[ -f data/products/.embeddings.safetensors ] || { echo "data/products/.embeddings.safetensors is missing: build the dataset and embed its captions first" >&2; exit 2; }
export PYTHONPATH=src PYTHONUNBUFFERED=1
if ! python3 -c "import diffusers" 2>/dev/null; then
  [ -d .whl ] || { echo "diffusers is not installed and .whl/ holds no wheels" >&2; exit 2; }
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH=src:/tmp/site
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
# The library directly, not the CLI: the machine's typer may not be the one the CLI was written against.
train='import logging, sys
from adcraft.training.config import load_train_config
from adcraft.training.loop import train
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
cfg = load_train_config(sys.argv[1], sys.argv[2:])
if cfg.threads:  # the entry point owns process settings
    import torch
    torch.set_num_threads(cfg.threads)
result = train(cfg)
print(f"{sys.argv[1]}: step {result.steps}, loss {result.final_loss:.4f}, {result.wall_time_s:.0f} s")'
export_='import sys
from adcraft.diffusion.checkpoint import export_model
export_model(sys.argv[1], sys.argv[2], sys.argv[3])'
pids=()
mkdir -p runs
for cfg in "$@"; do
  name=$(basename "$cfg" .yaml)
  # shellcheck disable=SC2086  # ADCRAFT_SET is a space-separated list of key=value overrides
  python3 -c "$train" "$cfg" "out_dir=runs/$name" ${ADCRAFT_SET:-} >"runs/$name.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { status=1; echo "run $(basename "${@:$((i + 1)):1}" .yaml) failed:" >&2; }
done
for cfg in "$@"; do
  name=$(basename "$cfg" .yaml)
  tail -n 5 "runs/$name.log"
  [ -f "runs/$name/checkpoint/config.json" ] || continue
  python3 -c "$export_" "runs/$name/checkpoint" "$out/$name" "adcraft-$name"
  rm -f "$out/$name/vocabulary.json"   # the dataset's vocabulary: rebuilt where the model is installed
  cp "runs/$name/metrics.jsonl" "runs/$name/train_config.json" "$out/$name/"
done
exit $status
