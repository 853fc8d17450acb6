#!/bin/sh
# Runs the benchmark from the repository root with the project's venv; arguments pass through (e.g. --quick).
cd "$(dirname "$0")/.." && exec .venv/bin/python -m bench "$@"
