#!/usr/bin/env bash
# Chromium side of Guichet's start-up comparison: how long and how much memory a stock Chromium needs
# to show welcome.html, a static page equivalent to the app's welcome screen, on this machine.
#
#   bench_chromium.sh [runs=10] [memory_runs=3]
#
# Time: each run execs `chromium --headless ... --screenshot` on the page with a fresh, empty profile
# and measures the wall time from exec to process exit (the page loaded, its fonts loaded, laid out,
# painted, the PNG written, the browser shut down). The PNG's write time is also reported, from its
# mtime, and the CPU time the browser's processes used. One untimed warm-up run comes first so that
# every timed run starts with a warm page cache, as a kiosk that has booted once would; its time is
# printed separately.
#
# Memory: each run starts chromium headless on the page without --screenshot but with
# --remote-debugging-port=0, so it stays up, in its own session. It waits for the DevTools endpoint
# (loopback only) to list the page under its title, then SETTLE seconds (default 3) for the load,
# fonts and first paint, and sums Pss and Rss from /proc/<pid>/smaps_rollup over every process of that
# session (browser, zygotes, renderers, GPU and utility processes) and the two crash handlers it
# started (they detach into sessions of their own), then kills the session. PSS is only meaningful
# with no other Chromium running: shared pages are split between all the processes that map them.
#
# Only the local page and the Noto fonts under /usr/share/fonts are loaded; background networking,
# component updates, sync and QUIC are disabled. CHROMIUM overrides the browser command.
set -euo pipefail

runs=${1:-10}
memory_runs=${2:-3}
settle=${SETTLE:-3}
chromium=${CHROMIUM:-chromium}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
page="$here/welcome.html"
url="file://$page"

[[ -f $page ]] || { echo "missing $page" >&2; exit 1; }
command -v "$chromium" >/dev/null || { echo "no '$chromium' on PATH (apt-get install --no-install-recommends chromium)" >&2; exit 1; }
[[ $runs =~ ^[1-9][0-9]*$ && $memory_runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [runs] [memory_runs]" >&2; exit 2; }

common=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
    --disable-component-update --disable-sync --window-size=1920,1080)

work=$(mktemp -d /tmp/bench-chromium.XXXXXX)
session_pid=""
cleanup() {
    if [[ -n $session_pid ]]; then
        kill -KILL -- "-$session_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE # so that the EXIT trap still stops a browser left running

# "seconds.fraction" (from $EPOCHREALTIME or stat) to ns; the wall clock, the same as file mtimes.
to_ns() {
    local s=${1%.*} f=${1#*.}000000000
    echo $((s * 1000000000 + 10#${f:0:9}))
}

# Median, min and max of integers given one per line; prints "median min max".
stats() {
    sort -n | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%d %d %d\n", m, v[1], v[NR] }'
}

# One screenshot run; prints "exit_ms png_ms cpu_ms".
screenshot_run() {
    local dir
    dir=$(mktemp -d "$work/run.XXXXXX")
    local start end png
    start=$EPOCHREALTIME
    XDG_CONFIG_HOME="$dir/config" "$chromium" "${common[@]}" --user-data-dir="$dir/profile" --screenshot="$dir/shot.png" "$url" \
        >"$dir/log" 2>&1 || { echo "chromium failed, see its output:" >&2; cat "$dir/log" >&2; exit 1; }
    end=$EPOCHREALTIME
    [[ -s $dir/shot.png ]] || { echo "chromium wrote no screenshot" >&2; cat "$dir/log" >&2; exit 1; }
    start=$(to_ns "$start") end=$(to_ns "$end")
    png=$(to_ns "$(stat -c %.9Y "$dir/shot.png")")
    cp "$dir/shot.png" "$work/last-shot.png"
    rm -rf "$dir"
    # CPU used by this subshell's children (chromium and its helpers, plus a mktemp and a stat),
    # less sensitive than wall time to other work on the machine.
    local cpu times_file="$work/times.$BASHPID"
    times >"$times_file" # not in $(...): that would be a subshell without children
    cpu=$(sed -n 2p "$times_file" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); n += a[1] * 60 + a[2] } printf "%d", n * 1000 }')
    echo $(( (end - start) / 1000000 )) $(( (png - start) / 1000000 )) "$cpu"
}

echo "chromium: $("$chromium" --version 2>/dev/null | head -n1), $(nproc) cores, page $url"
echo "chromium: load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the times)"

read -r warm_exit warm_png _ < <(screenshot_run)
echo "chromium: warm-up run (not counted): exec to exit $warm_exit ms, PNG written at $warm_png ms"

exit_times=() png_times=() cpu_times=()
for ((i = 1; i <= runs; i++)); do
    read -r e p c < <(screenshot_run)
    exit_times+=("$e") png_times+=("$p") cpu_times+=("$c")
done
read -r med lo hi < <(printf '%s\n' "${exit_times[@]}" | stats)
read -r pmed plo phi < <(printf '%s\n' "${png_times[@]}" | stats)
echo "chromium: exec to screenshot (${runs} runs): median ${med} ms, min ${lo} ms, max ${hi} ms (exec to process exit)"
echo "chromium: exec to screenshot file written (${runs} runs): median ${pmed} ms, min ${plo} ms, max ${phi} ms (PNG mtime)"
read -r cmed clo chi < <(printf '%s\n' "${cpu_times[@]}" | stats)
echo "chromium: CPU time per run, user + system, all processes (${runs} runs): median ${cmed} ms, min ${clo} ms, max ${chi} ms"
echo "chromium: all exit times (ms): ${exit_times[*]}"
cp "$work/last-shot.png" /tmp/chromium-welcome.png
echo "chromium: last screenshot copied to /tmp/chromium-welcome.png"

# Processes of session $1, one pid per line (the browser made itself the leader with setsid).
session_pids() {
    local stat rest
    for stat in /proc/[0-9]*/stat; do
        rest=$(cat "$stat" 2>/dev/null) || continue
        rest=${rest##*) } # skip "pid (comm) ", comm may hold spaces
        read -r _ _ _ sid _ <<<"$rest"
        [[ $sid == "$1" ]] && echo "${stat//[^0-9]/}"
    done
    return 0
}

# Chromium's crash handlers, one pid per line. They daemonize into sessions of their own, so they are
# found by executable: the ones that appear after a launch belong to that browser.
crashpad_pids() {
    local d
    for d in /proc/[0-9]*; do
        [[ $(readlink "$d/exe" 2>/dev/null) == */chrome_crashpad_handler ]] && echo "${d#/proc/}"
    done
    return 0
}

# Chromium processes running before a launch (none, normally), one pid per line.
other_chromiums() {
    local d
    for d in /proc/[0-9]*; do
        [[ $(readlink "$d/exe" 2>/dev/null) == /usr/lib/chromium/* ]] && echo "${d#/proc/}"
    done
    return 0
}

pss_list=() rss_list=() count_list=()
for ((i = 1; i <= memory_runs; i++)); do
    # PSS splits shared pages between the processes that map them: another browser still running
    # (even the crash handlers of the last one, which linger a second or two) would lower ours.
    for ((t = 0; t < 50; t++)); do
        [[ -z $(crashpad_pids) ]] && break
        sleep 0.1
    done
    others=$(other_chromiums)
    [[ -z $others ]] || echo "chromium: warning: other Chromium processes are running (pids $(echo $others)); they share pages and lower the PSS measured" >&2
    dir=$(mktemp -d "$work/mem.XXXXXX")
    crashpad_before=$(crashpad_pids)
    XDG_CONFIG_HOME="$dir/config" setsid "$chromium" "${common[@]}" --user-data-dir="$dir/profile" --remote-debugging-port=0 "$url" \
        >"$dir/log" 2>&1 &
    session_pid=$!
    # DevToolsActivePort holds the port chromium picked; the page target appears in /json/list.
    port="" listed=""
    for ((t = 0; t < 300; t++)); do
        if [[ -z $port && -s $dir/profile/DevToolsActivePort ]]; then
            port=$(head -n1 "$dir/profile/DevToolsActivePort")
        fi
        if [[ -n $port ]] && curl -s --max-time 1 "http://127.0.0.1:$port/json/list" 2>/dev/null \
            | grep -q '"title": *"Guichet'; then
            listed=yes
            break
        fi
        kill -0 "$session_pid" 2>/dev/null || { echo "chromium exited early:" >&2; cat "$dir/log" >&2; exit 1; }
        sleep 0.1
    done
    [[ -n $listed ]] || { echo "the page never showed up in DevTools" >&2; exit 1; }
    sleep "$settle"

    crashpad_ours=$(comm -13 <(sort <<<"$crashpad_before") <(crashpad_pids | sort))
    pss=0 rss=0 count=0 types=""
    while read -r pid; do
        rollup=$(cat "/proc/$pid/smaps_rollup" 2>/dev/null) || continue
        p=$(awk '/^Pss:/ { print $2 }' <<<"$rollup")
        r=$(awk '/^Rss:/ { print $2 }' <<<"$rollup")
        [[ -n $p ]] || continue # kernel threads have no mappings
        # Chromium rewrites its children's command lines into one space-separated string.
        type=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -o -- '--type=[a-z-]*\|--utility-sub-type=[a-zA-Z]*\|--top-chrome-webui\|chrome_crashpad_handler' | head -n2 | tr '\n' ' ') || true
        type=${type//--type=/} type=${type//--utility-sub-type=/} type=${type//--top-chrome-webui/webui} type=${type//chrome_crashpad_handler/crashpad}
        type=${type% } type=${type// /\/}
        types+="${type:-browser}:$((p / 1024)) "
        pss=$((pss + p)) rss=$((rss + r)) count=$((count + 1))
    done < <(session_pids "$session_pid"; printf '%s\n' $crashpad_ours)
    kill -TERM -- "-$session_pid" 2>/dev/null || true
    for ((t = 0; t < 50; t++)); do
        kill -0 "$session_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$session_pid" 2>/dev/null || true
    wait "$session_pid" 2>/dev/null || true
    session_pid=""
    for pid in $crashpad_ours; do # they leave with their browser; make sure, before the next run
        for ((t = 0; t < 50; t++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$dir"
    echo "chromium: memory run $i: PSS $((pss / 1024)) MB, RSS $((rss / 1024)) MB over $count processes (${types% })"
    pss_list+=("$pss") rss_list+=("$rss") count_list+=("$count")
done
read -r pmed plo phi < <(printf '%s\n' "${pss_list[@]}" | stats)
read -r rmed rlo rhi < <(printf '%s\n' "${rss_list[@]}" | stats)
read -r cmed _ _ < <(printf '%s\n' "${count_list[@]}" | stats)
awk -v m="$pmed" -v lo="$plo" -v hi="$phi" -v n="$cmed" -v runs="$memory_runs" -v s="$settle" 'BEGIN {
    printf "chromium: summed PSS after loading the page: %.1f MB (%d processes; median of %d runs, min %.1f, max %.1f; %s s after load)\n",
        m / 1024, n, runs, lo / 1024, hi / 1024, s }'
awk -v m="$rmed" -v lo="$rlo" -v hi="$rhi" -v runs="$memory_runs" 'BEGIN {
    printf "chromium: summed RSS after loading the page: %.1f MB (median of %d runs, min %.1f, max %.1f; a shared page counts in every process that maps it)\n",
        m / 1024, runs, lo / 1024, hi / 1024 }'
echo "chromium: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
