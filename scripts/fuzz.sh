#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset) and runs each one (docs/fuzzing.md).
#
#   scripts/fuzz.sh                    the CI smoke: every regression input once, then each target for a few
#                                      seconds from its seeds on a fixed seed (about a minute and a half in all)
#   scripts/fuzz.sh --long SECONDS     each target SECONDS long, growing its corpus in build/fuzz/corpus/
#   options: --jobs N (targets at a time, default 1), --no-build, and target names (fuzz_expression…) to run
#            only those
#
# Fails when any target crashes, leaks, hangs or trips a sanitizer; the input is kept in build/fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

long=0
jobs=1
build=1
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --long) long="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    fuzz_*) only+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# target  max_len  dictionary  seed files beyond fuzz/seeds/<target> (globs, from the repository root)
# The lengths bound each input near the largest real one: a shipped procedure is 32 KB, a configuration
# 4 KB; the parsers' own limits (and the known deep-nesting problems, docs/fuzzing.md) lie above them.
targets=(
  "fuzz_procedure      65536 json       assets/procedures/*.json tests/procedures/minimal.json"
  "fuzz_expression      2048 expression"
  "fuzz_field_check     1024 json"
  "fuzz_config          8192 toml       assets/config/guichet.toml"
  "fuzz_script         16384 script     assets/demo/*.gsc tests/procedures/*.gsc tests/ui/*.gsc* tests/accessibility/*.gsc"
  "fuzz_pack_envelope  65536 json"
  "fuzz_pack_manifest  65536 json"
  "fuzz_hub_batch      65536 json"
  "fuzz_hub_heartbeat   8192 json"
  "fuzz_sealed_payload 65536 json"
  "fuzz_kiosk_answers  65536 json"
)
smoke_seconds=5

if [ "$build" = 1 ]; then
  nice -n 10 cmake --preset fuzz >/dev/null
  nice -n 10 cmake --build --preset fuzz -j "${FUZZ_BUILD_JOBS:-2}"
fi

out="$root/build/fuzz"
bin="$out/fuzz"
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
for symbolizer in /usr/lib/llvm-19/bin/llvm-symbolizer /usr/bin/llvm-symbolizer; do
  [ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer" && break
done

# One target: its regression inputs (each must pass), then a run from the seeds (and, in a long run, the
# corpus grown so far). Prints "<target> <executions> <crashes> <corpus files> <seconds>" last.
run_target() {
  local name="$1" max_len="$2" dict="$3"
  shift 3
  local log="$out/logs/$name.log" crashes="$out/crashes/$name"
  mkdir -p "$out/logs" "$crashes"
  local seeds=("$root/fuzz/seeds/${name#fuzz_}")
  local pattern file
  for pattern in "$@"; do
    for file in $root/$pattern; do [ -f "$file" ] && seeds+=("$file"); done
  done
  local corpus
  if [ "$long" -gt 0 ]; then
    corpus="$out/corpus/$name"
  else
    corpus=$(mktemp -d "${TMPDIR:-/tmp}/guichet-$name.XXXXXX")
  fi
  mkdir -p "$corpus"
  local regressions="$root/fuzz/regressions/$name"
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    if ! "$bin/$name" "$regressions"/* >"$log.regressions" 2>&1; then
      echo "$name: a regression input fails again (see $log.regressions)" >&2
      echo "$name 0 1 0 0"
      return 1
    fi
  fi
  local seconds=$smoke_seconds
  [ "$long" -gt 0 ] && seconds=$long
  local start=$SECONDS status=0
  # The seed list is written out so a target with hundreds of seed files keeps a short command line.
  local seed_dir
  seed_dir=$(mktemp -d "${TMPDIR:-/tmp}/guichet-seeds-$name.XXXXXX")
  local n=0
  for file in "${seeds[@]}"; do
    n=$((n + 1))
    if [ -d "$file" ]; then cp "$file"/* "$seed_dir"/; else cp "$file" "$seed_dir/$n-$(basename "$file")"; fi
  done
  "$bin/$name" -seed=1 -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=1536 \
    -dict="$root/fuzz/dict/$dict.dict" -artifact_prefix="$crashes/" -print_final_stats=1 \
    "$corpus" "$seed_dir" >"$log" 2>&1 || status=$?
  rm -rf "$seed_dir"
  local executions crash_count=0 files
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ "$status" -ne 0 ] && crash_count=1
  files=$(find "$corpus" -type f | wc -l)
  [ "$long" -gt 0 ] || rm -rf "$corpus"
  if [ "$status" -ne 0 ]; then
    echo "$name: exit $status, input kept in $crashes/ (see $log):" >&2
    grep -m3 -E 'ERROR|SUMMARY|what\(\)' "$log" | sed 's/^/  /' >&2 || true
  fi
  echo "$name ${executions:-0} $crash_count $files $((SECONDS - start))"
  return "$status"
}

selected=()
for entry in "${targets[@]}"; do
  read -r name _ <<<"$entry"
  if [ ${#only[@]} -eq 0 ] || [[ " ${only[*]} " == *" $name "* ]]; then
    selected+=("$entry")
  fi
done

export -f run_target
export root out bin long smoke_seconds
results="$out/results.txt"
mkdir -p "$out"
: >"$results"
started=$SECONDS
failed=0
# Kind to a shared machine: nice 19 for a long run, 10 for the smoke.
niceness=10
[ "$long" -gt 0 ] && niceness=19
printf '%s\n' "${selected[@]}" \
  | xargs -P "$jobs" -L 1 nice -n "$niceness" bash -c 'run_target "$@"' _ >>"$results" || failed=1

printf '%-20s %12s %8s %8s %8s\n' target executions crashes corpus seconds
sort "$results" | while read -r name executions crashes files seconds; do
  printf '%-20s %12s %8s %8s %8s\n' "$name" "$executions" "$crashes" "$files" "$seconds"
done
awk '{ e += $2; c += $3 } END { printf "%-20s %12d %8d\n", "all", e, c }' "$results"
echo "fuzz: $((SECONDS - started)) s"
exit "$failed"
