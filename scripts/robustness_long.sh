#!/usr/bin/env bash
# The long robustness checks of issue 21 (the README's test command runs short versions):
#   1. the property-based tests with Hypothesis's long profile (2000 random examples per property,
#      not derandomized: every run tries new input; a failure prints the example to add to the tests);
#   2. scripts/kill_test.py: align translate on 50 articles killed with SIGKILL at 20 random moments;
#   3. scripts/kill_test.py --concurrent: two processes on overlapping articles, one folder, one memory.
# Takes 10-30 minutes on two cores. Exit status: non-zero if any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
HYPOTHESIS_PROFILE=long python3 -m pytest -q -p no:cacheprovider tests/test_properties.py || status=1
python3 scripts/kill_test.py --articles 50 --kills 20 --seed "${SEED:-$RANDOM}" || status=1
python3 scripts/kill_test.py --concurrent --articles 30 || status=1
exit "$status"
