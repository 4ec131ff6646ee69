#!/usr/bin/env bash
# The language-model barrier (docs/alignment-results.md shows a run's table): two tiny llamas trained
# from different seeds on the same real text (fortunes + python3-doc through `fusion dataset text`), then
# `fusion connect --text` on the held-out text along the linear path between them, naive, after weight
# matching and after activation matching on training-text windows (the llama permutation spec: residual
# stream, FFN units, attention heads). Writes
# <name>.json and <name>.png per row and table.md under OUT. Needs deploy/local/prerequisites (fortunes,
# python3-doc), jq and a built fusion (dotnet build src/FusionCluster.Cli -c Release), or FUSION=...
#
#   deploy/experiments/lm-connect.sh [OUT]     # OUT defaults to .fusion-local/experiments/lm-connect
#
# Knobs (environment): CORPUS_BYTES (300KB per domain), STEPS (400), LR (3e-3), LAYERS (2), HIDDEN (64),
# HEADS (4), KV_HEADS (2), FFN (172), CONTEXT (64), POINTS (11), SEED_A (1), SEED_B (2), THREADS (2),
# MATCH_SAMPLES (500: training-text windows of CONTEXT tokens activation matching measures on).
# Results already in OUT are kept (delete a file to redo it), so a stopped run resumes.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fusion=${FUSION:-$repo/src/FusionCluster.Cli/bin/Release/net10.0/fusion}
out=${1:-$repo/.fusion-local/experiments/lm-connect}
corpus_bytes=${CORPUS_BYTES:-300KB}
steps=${STEPS:-400}
lr=${LR:-3e-3}
points=${POINTS:-11}
threads=${THREADS:-2}
match_samples=${MATCH_SAMPLES:-500}
seed_a=${SEED_A:-1}
seed_b=${SEED_B:-2}
shape=(--layers "${LAYERS:-2}" --hidden "${HIDDEN:-64}" --heads "${HEADS:-4}" --kv-heads "${KV_HEADS:-2}" --ffn "${FFN:-172}" --context "${CONTEXT:-64}")

[[ -x $fusion ]] || { echo "lm-connect.sh: no fusion at $fusion; build it (dotnet build src/FusionCluster.Cli -c Release) or set FUSION" >&2; exit 1; }
command -v jq >/dev/null || { echo "lm-connect.sh: jq is needed for the table (apt-get install jq)" >&2; exit 1; }
mkdir -p "$out"

[[ -f $out/corpus/train.txt ]] || "$fusion" dataset text --out "$out/corpus" --max-bytes "$corpus_bytes"

train() { # name seed
  [[ -f $out/$1/model.safetensors ]] || "$fusion" train --arch llama --text "$out/corpus/train.txt" --out "$out/$1" \
    --seed "$2" --steps "$steps" --lr "$lr" --threads "$threads" --overwrite "${shape[@]}"
}
train lm-a "$seed_a"
train lm-b "$seed_b"

connect() { # name args...
  local name=$1
  shift
  [[ -s $out/$name.json ]] && return
  echo "lm-connect.sh: $name" >&2
  "$fusion" connect "$out/lm-a" "$out/lm-b" --text "$out/corpus/validation.txt" --points "$points" --json \
    --plot "$out/$name.png" "$@" > "$out/$name.json"
}
connect lm-none --align none
connect lm-weight_matching --align weight_matching
connect lm-activation_matching --align activation_matching --match-text "$out/corpus/train.txt" --statistics-samples "$match_samples"

{
  echo "| models | method | ppl(α=0) | ppl(α=1) | ppl(α=0.5) | loss(α=0.5) | loss barrier | perplexity barrier |"
  echo "|---|---|---|---|---|---|---|---|"
  for name in lm-none lm-weight_matching lm-activation_matching; do
    jq -r '[.points[0].perplexity, .points[-1].perplexity, (.points | min_by((.alpha - 0.5) | fabs) | .perplexity, .loss), .loss_barrier, .perplexity_barrier] as $v
      | "| tiny llama, seeds '"$seed_a"'/'"$seed_b"' | \(.label) | " + ($v | map(. * 1000 | round / 1000 | tostring) | join(" | ")) + " |"' "$out/$name.json"
  done
} | tee "$out/table.md"
