#!/usr/bin/env bash
# Instruction counts of compile and of its baseline (callgrind), which,
# unlike times, do not move with whatever else the machine runs.
#
# For each benchmark case: the instructions of one compile (query text to
# JSON text) and of one baseline (serde_json parsing that JSON into a Value
# and writing it again), each from `examples/compile_loop.rs` run 1,000
# times less a run of 0, and their ratio (target: at most 0.5). Then the
# `and` sweep from 10 KB to 10 MB: the instructions of one compile at each
# size, and the growth per 10x of input (target: at most 12x).
#
# Needs valgrind. Run from anywhere: benches/instructions.sh
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || {
  echo "error: valgrind is needed (apt-get install valgrind)" >&2
  exit 1
}
cargo build --release --example compile_loop --quiet
loop=${CARGO_TARGET_DIR:-target}/release/examples/compile_loop

# Instructions of a run of compile_loop with these arguments.
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$loop" "$@" 2>&1 >/dev/null |
    sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}

runs=1000
echo "case         compile   baseline  ratio"
for case in design_card medium largest; do
  compile=$(( ($(count "$case" "$runs") - $(count "$case" 0)) / runs ))
  baseline=$(( ($(count "$case" "$runs" baseline) - $(count "$case" 0 baseline)) / runs ))
  awk -v c="$case" -v a="$compile" -v b="$baseline" \
    'BEGIN { printf "%-12s %9d %9d  %.3f\n", c, a, b, a / b }'
done

echo
echo "and sweep    instructions  growth"
previous=
for size in 10000 100000 1000000 10000000; do
  n=$(( $(count "and=$size" 1) - $(count "and=$size" 0) ))
  if [ -n "$previous" ]; then
    awk -v s="$size" -v n="$n" -v p="$previous" \
      'BEGIN { printf "%-12s %12d  %.1fx\n", s, n, n / p }'
  else
    printf "%-12s %12d\n" "$size" "$n"
  fi
  previous=$n
done
