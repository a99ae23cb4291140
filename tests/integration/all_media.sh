#!/usr/bin/env bash
# Every shared clip analyses cleanly (slow; -Dtestdata_tests=true).
source "$(dirname "$0")/common.sh" "$@"
for f in "$VIDEO"/*; do
  check "$(basename "$f")" "$AVA" analyze "$f" -o "$SCRATCH/out" -q
done
finish
