#!/usr/bin/env bash
# Benchmark of the forecasters (issue 10) on M3 or Tourism: for each frequency, train the ensemble
# of examples/forecast/DATASET-FREQ.yaml with the orchestrator (timed), forecast the test horizon
# from every training series, and score all frequencies together with forecast-eval (sMAPE, MAPE,
# MASE, OWA against Naive2; the "all" row weights every forecast point equally, as the published
# averages do).
#
# Usage: tools/bench-forecast.sh m3|tourism [SUFFIX]   (after mvn -B package -DskipTests)
#   SUFFIX picks other configurations: examples/forecast/DATASET-FREQ-SUFFIX.yaml (e.g. "single",
#   "lstm"); their artifacts are named accordingly.
# Environment:
#   FORECAST_DATA   the data folder (default ../shared/data/forecasting beside the repository)
#   BENCH_OUT       where models, forecasts and the report go (default out/bench-forecast)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dataset=${1:?usage: tools/bench-forecast.sh m3|tourism [SUFFIX]}
suffix=${2:-}
data=${FORECAST_DATA:-../shared/data/forecasting}
out=${BENCH_OUT:-out/bench-forecast}
case "$dataset" in
  m3) prefix=M3; freqs="Yearly:1 Quarterly:4 Monthly:12 Other:1" ;;
  tourism) prefix=Tourism; freqs="Yearly:1 Quarterly:4 Monthly:12" ;;
  *) echo "unknown dataset $dataset (m3 or tourism)" >&2; exit 2 ;;
esac
tag=${suffix:+-$suffix}
mkdir -p "$out/forecasts"
eval_args=()
for f in $freqs; do
  freq=${f%:*}
  m=${f#*:}
  lower=$(echo "$freq" | tr '[:upper:]' '[:lower:]')
  config=examples/forecast/$dataset-$lower$tag.yaml
  name=$dataset-$lower$tag
  start=$(date +%s.%N)
  ./firmsim train "$config"
  end=$(date +%s.%N)
  printf '%s: trained in %.1f s\n' "$name" "$(echo "$end - $start" | bc)"
  ./firmsim forecast --model "$name" --models-dir out/models --series "$data/$prefix-$freq-train.csv" \
    --out "$out/forecasts/$name.csv" --overwrite
  eval_args+=(--actuals "$data/$prefix-$freq-test.csv" --train "$data/$prefix-$freq-train.csv"
    --seasonality "$m")
done
# one forecast file for all frequencies (forecast-eval matches series by id): the header of the
# longest horizon, shorter rows padded with empty cells as in the M4 layout
all="$out/forecasts/$dataset$tag-all.csv"
files=()
for f in $freqs; do
  lower=$(echo "${f%:*}" | tr '[:upper:]' '[:lower:]')
  files+=("$out/forecasts/$dataset-$lower$tag.csv")
done
awk -F, 'FNR == 1 { if (NF - 1 > h) h = NF - 1; next } { rows[++n] = $0; nf[n] = NF }
  END {
    printf "id"; for (j = 1; j <= h; j++) printf ",V%d", j; printf "\n"
    for (i = 1; i <= n; i++) { printf "%s", rows[i]; for (j = nf[i]; j <= h; j++) printf ","; printf "\n" }
  }' "${files[@]}" > "$all"
./firmsim forecast-eval --naive2-baseline --forecasts "$all" "${eval_args[@]}" \
  --out "$out/$dataset$tag-report.csv" --overwrite
