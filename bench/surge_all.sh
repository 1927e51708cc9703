#!/usr/bin/env bash
# Surge, mixed surge and fan-out scaling, one after the other; each appends to bench/RESULTS.md.
# See bench/README.md, "Surge, mixed surge and fan-out scaling". Options are not passed through.
set -euo pipefail
cd "$(dirname "$0")/.."
bin/setup
.venv/bin/python bench/surge.py
.venv/bin/python bench/mixed.py --wait-quiet 60
.venv/bin/python bench/fanout_scaling.py --wait-quiet 60
