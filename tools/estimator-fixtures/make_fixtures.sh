#!/usr/bin/env bash
# Regenerate all estimator fixtures (datasets + reference fits). Idempotent: fixed seeds,
# deterministic fits; rerunning rewrites byte-identical files.
#
# Needs the Debian packages (Debian's /usr/bin/python3, not a pyenv/venv python):
#   apt-get update && apt-get install -y python3-statsmodels r-base-core r-cran-aer r-cran-mass
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
PY=/usr/bin/python3
RSCRIPT=/usr/bin/Rscript

"$PY" -c 'import numpy, scipy, statsmodels' || {
  echo "missing python3-statsmodels for $PY (apt-get install -y python3-statsmodels)" >&2; exit 1; }
"$RSCRIPT" -e 'for (p in c("MASS", "AER", "jsonlite")) if (!requireNamespace(p, quietly = TRUE)) stop("missing R package ", p)' || {
  echo "missing R packages (apt-get install -y r-base-core r-cran-aer r-cran-mass)" >&2; exit 1; }

echo "== generate_data.py"; "$PY" generate_data.py
echo "== fit_r.R";           "$RSCRIPT" fit_r.R
echo "== fit_statsmodels.py"; "$PY" fit_statsmodels.py
echo "== summarize.py";      "$PY" summarize.py
