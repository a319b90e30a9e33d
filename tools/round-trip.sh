#!/usr/bin/env bash
# Round trip of issue 3: the paper model with stated level noise simulates a panel (sample mode),
# fit-model refits every submodel on it, and both models simulate the same start-up firms again;
# prints a markdown table of every aggregate stock after 10 years, original vs refit.
# Usage: tools/round-trip.sh [FIRMS]   (after mvn -B package -DskipTests)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
firms=${1:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
  -cp "trainer/target/trainer.jar:trainer/target/lib/*" \
  io.firmsim.trainer.modelfit.StatedLevelNoise "$work/original.json" 0.1 2.0
./firmsim simulate --model "$work/original.json" --firms "$firms" --years 11 --burn-in 5 \
  --seed 5 --panel csv --out "$work/panel" --quiet >/dev/null
./firmsim fit-model --panel "$work/panel/panel.csv" --out "$work/refit.json" >"$work/fit.log" \
  || echo "(fit-model exit $?: $(grep -c 'NOT CONVERGED' "$work/fit.log") submodel(s) not converged)" >&2
grep -E 'NOT CONVERGED|not estimated|^fitted' "$work/fit.log" >&2 || true
for m in original refit; do
  ./firmsim simulate --model "$work/$m.json" --firms "$firms" --years 10 --burn-in 5 --seed 5 \
    --out "$work/$m" --quiet >/dev/null
done
paste -d, <(tail -1 "$work/original/aggregates.csv") <(tail -1 "$work/refit/aggregates.csv") |
awk -F, -v header="$(head -1 "$work/original/aggregates.csv")" '
  BEGIN { n = split(header, h, ",") }
  {
    print "| stock | original | refit | difference |"
    print "| --- | --- | --- | --- |"
    for (i = 3; i <= 21; i++) {
      a = $i; b = $(i + n)
      d = (a != 0) ? sprintf("%+.2f%%", 100 * (b - a) / a) : "n/a"
      printf "| %s | %.4g | %.4g | %s |\n", h[i], a, b, d
      if (h[i] == "CA" || h[i] == "MA" || h[i] == "BU" || h[i] == "OFA") { ta += a; tb += b }
      if (h[i] == "MA" || h[i] == "BU" || h[i] == "OFA") { fa += a; fb += b }
    }
    printf "| total assets | %.4g | %.4g | %+.2f%% |\n", ta, tb, 100 * (tb - ta) / ta
    printf "| total fixed assets (MA+BU+OFA) | %.4g | %.4g | %+.2f%% |\n", fa, fb, 100 * (fb - fa) / fa
  }'
