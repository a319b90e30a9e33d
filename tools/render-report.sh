#!/usr/bin/env bash
# Renders a scenario report (report.html) to a PNG screenshot in headless Chromium, so that a
# person can look at it as a browser shows it (issue 11). Chromium is Debian's package:
#   apt-get install -y chromium
# Usage: tools/render-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]   (default 1400x6000: a report of 3 variants and 2 shock kinds is about 5,100 px tall)
# Example, with the synthetic report of the tests (after mvn -B -o -pl simulator -am test-compile):
#   mvn -B -o -q -pl simulator dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
#     -Dmdep.includeScope=test
#   java -cp simulator/target/test-classes:simulator/target/classes:$(cat simulator/target/cp.txt) \
#     io.firmsim.simulator.report.SyntheticReportData /tmp/report
#   tools/render-report.sh /tmp/report/report.html /tmp/report.png
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT]" >&2
  exit 2
fi
report=$1
out=$2
size=${3:-1400x6000}
if [[ ! -f $report ]]; then
  echo "$0: no such file: $report" >&2
  exit 2
fi
browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then
    browser=$candidate
    break
  fi
done
if [[ -z $browser ]]; then
  echo "$0: Chromium not found; install it with: apt-get install -y chromium" >&2
  exit 3
fi
abs_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
abs_out=$(mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd)/$(basename "$out")
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# No network is needed: the report embeds its charts and CSS. --no-sandbox because CI and
# containers often run as root.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${size/x/,}" --screenshot="$abs_out" "file://$abs_report" >/dev/null 2>&1
if [[ ! -s $abs_out ]]; then
  echo "$0: $browser wrote no screenshot to $abs_out" >&2
  exit 1
fi
echo "$abs_out"
