#!/usr/bin/env bash
# Benchmark the read path (territory page, active-notices API) under gunicorn, on SQLite and
# PostgreSQL; appends a dated section to bench/RESULTS.md. See bench/README.md.
#   bench/run.sh                                    # full run, about 3 minutes
#   bench/run.sh --databases sqlite --duration 5    # quick look
set -euo pipefail
cd "$(dirname "$0")/.."
bin/setup
exec .venv/bin/python bench/read_path.py "$@"
