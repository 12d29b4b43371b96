#!/usr/bin/env bash
# Tests image/nginx/guichet-hub.conf, the nginx example of docs/hub-operations.md, with nginx alone in a
# temporary directory (its own nginx.conf, pid, logs and temporary files; /etc/nginx is never read):
#   nginx_example_test.sh GUICHET_HUB syntax   nginx -t accepts the example, and the guide shows it
#   nginx_example_test.sh GUICHET_HUB live     nginx runs it in front of two real hubs: health, a kiosk's
#                                              batch, the fleet page kept out, a too-large body, one hub down
# The example's addresses, port and certificate are replaced by two hubs on 127.0.0.1, a port of
# 127.0.0.1 and a self-signed certificate; nothing listens beyond 127.0.0.1 and nothing is left running.
set -euo pipefail
hub_binary=${1:?usage: nginx_example_test.sh GUICHET_HUB syntax|live}
mode=${2:?usage: nginx_example_test.sh GUICHET_HUB syntax|live}
example=$(cd "$(dirname "$0")/../.." && pwd)/image/nginx/guichet-hub.conf
fail() { echo "nginx example: $*" >&2; exit 1; }
command -v nginx >/dev/null || fail "nginx is not installed (scripts/install-deps.sh)"

tmp=$(mktemp -d /tmp/guichet-nginx-XXXXXX)
chmod 0755 "$tmp" # as root, nginx's workers run as nobody and keep large bodies under $tmp/temp
pids=()
cleanup() {
  set +e
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for FILE: until a hub has written its port file (5 s at most).
wait_for() {
  for _ in $(seq 50); do
    [ -s "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

# The example with this test's ports and certificate. Each substitution must have matched, or the test
# would check something other than the example.
configure() {
  local port=$1 hub_a=$2 hub_b=$3
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
  sed -e "s|^\( *listen \)443 ssl;|\1127.0.0.1:$port ssl;|" \
    -e "s|/etc/ssl/guichet-hub/fullchain.pem|$tmp/cert.pem|" \
    -e "s|/etc/ssl/guichet-hub/privkey.pem|$tmp/key.pem|" \
    -e "s|server 10.0.0.11:8480|server $hub_a|" \
    -e "s|server 10.0.0.12:8480|server $hub_b|" "$example" > "$tmp/guichet-hub.conf"
  for expected in "listen 127.0.0.1:$port ssl;" "$tmp/cert.pem;" "$tmp/key.pem;" "server $hub_a " "server $hub_b "; do
    grep -qF "$expected" "$tmp/guichet-hub.conf" || fail "the example no longer has the line this test replaces with '$expected'"
  done
  [ "$(grep -c '^ *listen ' "$tmp/guichet-hub.conf")" -eq 1 ] || fail "the example listens on more than the one address this test replaces"
  mkdir -p "$tmp/temp"
  cat > "$tmp/nginx.conf" << EOF
pid $tmp/nginx.pid;
error_log $tmp/error.log;
worker_processes 1;
events {
    worker_connections 64;
}
http {
    access_log $tmp/access.log;
    client_body_temp_path $tmp/temp/body;
    proxy_temp_path $tmp/temp/proxy;
    fastcgi_temp_path $tmp/temp/fastcgi;
    uwsgi_temp_path $tmp/temp/uwsgi;
    scgi_temp_path $tmp/temp/scgi;
    include $tmp/guichet-hub.conf;
}
EOF
  nginx -t -q -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf" || { cat "$tmp/error.log" >&2; fail "nginx -t refused the example"; }
}

if [ "$mode" = syntax ]; then
  configure "$(free_port)" 127.0.0.1:1 127.0.0.1:2
  echo "nginx example: nginx -t accepts it"
  # docs/hub-operations.md shows the example without its comments: the same directives.
  directives() { grep -v -e '^ *#' -e '^ *$'; }
  diff <(sed -n '/^```nginx$/,/^```$/p' "$(dirname "$example")/../../docs/hub-operations.md" | grep -v '^```' | directives) \
    <(directives < "$example") || fail "docs/hub-operations.md shows other directives than $example"
  echo "nginx example: docs/hub-operations.md shows the same directives"
  exit 0
fi
[ "$mode" = live ] || fail "unknown mode '$mode'"

# Two hubs with the same enrolled kiosk: one SQLite file enrolled once, then copied (a test stand-in for
# the PostgreSQL both would share; what is checked here is nginx's part).
token=$("$hub_binary" enroll nginx-test --db "$tmp/a.sqlite" 2>/dev/null)
cp "$tmp/a.sqlite" "$tmp/b.sqlite"
for name in a b; do
  "$hub_binary" serve --db "$tmp/$name.sqlite" --listen 127.0.0.1:0 --port-file "$tmp/$name.port" 2> "$tmp/$name.log" &
  pids+=($!)
  eval "hub_pid_$name=$!"
  wait_for "$tmp/$name.port" || { cat "$tmp/$name.log" >&2; fail "hub $name did not start"; }
done
port=$(free_port)
configure "$port" "127.0.0.1:$(cat "$tmp/a.port")" "127.0.0.1:$(cat "$tmp/b.port")"
nginx -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf" -g 'daemon off;' &
pids+=($!)
base="https://127.0.0.1:$port"
fetch() { curl -sS --cacert "$tmp/cert.pem" --max-time 10 "$@"; }
for _ in $(seq 50); do
  fetch -o /dev/null "$base/v1/health" 2>/dev/null && break
  sleep 0.1
done
health=$(fetch -f "$base/v1/health") || { cat "$tmp/error.log" >&2; fail "no health answer through nginx"; }
echo "GET /v1/health through nginx: $health"

batch() {
  printf '{"kiosk":"nginx-test","items":[{"id":"%s","procedure":"p","version":1,"created_at":"2024-05-01T09:30:00Z","sealed":"AAAA"}]}' \
    "$(cat /proc/sys/kernel/random/uuid)"
}
post() {
  fetch -w '\n%{http_code}' -H "Authorization: Bearer $token" -H "Content-Type: application/json" "$@" "$base/v1/submissions"
}
answer=$(post --data-binary "$(batch)")
[ "$(tail -n 1 <<< "$answer")" = 200 ] && grep -q '"stored"' <<< "$answer" || fail "a kiosk's batch through nginx: $answer"
echo "a kiosk's batch through nginx: stored"
stored=$(("$("$hub_binary" export --db "$tmp/a.sqlite" 2>/dev/null | wc -l)" + "$("$hub_binary" export --db "$tmp/b.sqlite" 2>/dev/null | wc -l)"))
[ "$stored" -eq 1 ] || fail "the two hubs hold $stored submissions, not 1"

[ "$(fetch -o /dev/null -w '%{http_code}' "$base/")" = 404 ] || fail "the fleet page is served through nginx"
head -c $((8 * 1024 * 1024 + 1)) /dev/zero > "$tmp/large"
# nginx's own refusal (HTML), not the hub's (JSON): no hub reads the body.
answer=$(post --data-binary @"$tmp/large")
[ "$(tail -n 1 <<< "$answer")" = 413 ] && grep -q '<center>nginx' <<< "$answer" || fail "nginx passed on a body over 8 MiB: $answer"
echo "the fleet page is kept out (404), a body over 8 MiB is refused (413)"

# One hub down: nginx sends everything to the other.
kill "$hub_pid_a"
wait "$hub_pid_a" 2>/dev/null || true
for _ in 1 2 3; do
  fetch -f -o /dev/null "$base/v1/health" || fail "GET /v1/health failed with one hub down"
  answer=$(post --data-binary "$(batch)")
  [ "$(tail -n 1 <<< "$answer")" = 200 ] && grep -q '"stored"' <<< "$answer" || fail "a batch with one hub down: $answer"
done
echo "with one hub down, health and batches still go through"
