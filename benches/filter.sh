#!/usr/bin/env bash
# Throughput of `qc filter` beside jq (and jaq, when it is installed) on the
# same generated conversations, in one run: each tool filters the file
# RUNS times (default 3), the best wall-clock time counts, and MB/s is the
# file's size over that time. All must print the same number of lines.
#
#   benches/filter.sh            # 100,000 conversations (about 80 MB)
#   N=10000 RUNS=5 benches/filter.sh
#
# The data is written by benches/conversations.py under target/bench-filter/.
set -euo pipefail
cd "$(dirname "$0")/.."

n=${N:-100000}
runs=${RUNS:-3}
data=target/bench-filter/conversations-$n.jsonl
mkdir -p target/bench-filter
[ -s "$data" ] || python3 benches/conversations.py "$n" >"$data"
cargo build --release --quiet --bin qc
qc=target/release/qc

query='state = open AND source.author.email ENDS WITH "acme.com" AND statistics.count_reopens >= 2'
# The same, for jq and jaq (every generated line has these fields).
jq_filter='select(.state == "open" and (.source.author.email | endswith("acme.com")) and .statistics.count_reopens >= 2)'

bytes=$(wc -c <"$data")
calc() { python3 -c "print($1)"; }
best() { # best wall time in seconds of running "$@" $runs times, output to $out
  local t best=
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" >"$out" 2>/dev/null
    end=$(date +%s.%N)
    t=$(calc "round($end - $start, 3)")
    if [ -z "$best" ] || [ "$(calc "int($t < $best)")" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

out=target/bench-filter/out.qc
t_qc=$(best "$qc" filter "$query" "$data")
lines_qc=$(wc -l <"$out")
out=target/bench-filter/out.jq
t_jq=$(best jq -c "$jq_filter" "$data")
lines_jq=$(wc -l <"$out")

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores"
echo "data: $n conversations, $bytes bytes; query: $query"
mbs() { calc "round($bytes / $1 / 1e6, 1)"; }
printf '%-6s %8s s %8s MB/s  %s lines\n' qc "$t_qc" "$(mbs "$t_qc")" "$lines_qc"
printf '%-6s %8s s %8s MB/s  %s lines  (%s)\n' jq "$t_jq" "$(mbs "$t_jq")" "$lines_jq" "$(jq --version)"
status=0
[ "$lines_qc" = "$lines_jq" ] || { echo "qc and jq disagree"; status=1; }
if command -v jaq >/dev/null; then
  out=target/bench-filter/out.jaq
  t_jaq=$(best jaq -c "$jq_filter" "$data")
  lines_jaq=$(wc -l <"$out")
  printf '%-6s %8s s %8s MB/s  %s lines  (%s)\n' jaq "$t_jaq" "$(mbs "$t_jaq")" "$lines_jaq" "$(jaq --version)"
  [ "$lines_qc" = "$lines_jaq" ] || { echo "qc and jaq disagree"; status=1; }
  echo "qc / jaq: $(calc "round($t_jaq / $t_qc, 2)")x"
fi
echo "qc / jq: $(calc "round($t_jq / $t_qc, 2)")x"
exit $status
