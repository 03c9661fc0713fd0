#!/usr/bin/env bash
# demo.sh: Cairn as a service mesh control plane, end to end on one machine.
#
#   envoy-examples/demo.sh [--keep]
#
# Starts Cairn (bin/cairn server, data in a temporary directory), two versions of an `api`
# service and a `web` service (envoy-examples/demo), registers them with their sidecars
# (register/*.json) and writes the config entries (config/*.json: subsets v1/v2, a 90/10 canary
# split, intentions). Then:
#   1. a proxyless gRPC client resolves xds:///api from Cairn and shows the 90/10 split,
#   2. the split is flipped to 50/50 and the client shows that,
#   3. an intention is flipped (web -> api denied, then allowed again): the intention check and
#      the RBAC that Cairn gives api's sidecar show it,
#   4. where `envoy` is on PATH, Envoy sidecars (and a front proxy) run from the bootstrap files
#      and curl goes through them: the split, and a 403 while web -> api is denied,
#   5. mTLS for proxyless gRPC: `cairn connect certs` writes the certificates of payments and
#      checkout; payments (registered Connect native) runs grpc-java's xDS server and checkout
#      its xDS client, both with a file_watcher certificate provider over those files. checkout's
#      calls go over mTLS (payments answers with the SPIFFE ID it saw), get PERMISSION_DENIED
#      while an intention denies checkout -> payments, and keep succeeding while the CA rotates
#      to a new root and every certificate is renewed ("N calls, 0 failed").
# Everything started is stopped on exit, unless --keep. Exits non-zero as soon as a step fails.
#
# Environment (defaults in brackets):
#   CAIRN_HTTP_PORT [8500], CAIRN_DNS_PORT [8600], CAIRN_XDS_PORT [18000]: Cairn's ports
#   DEMO_PORT_OFFSET [0]: added to every other port of the demo (services, sidecars, Envoy admin),
#     e.g. 20000 runs api v1 on 29001 instead of 9001 (and payments on 29003)
#   DEMO_CALLS [1000]: calls per run of the proxyless client
#   ENVOY [envoy]: the Envoy binary; empty or not found skips step 4
#   CAIRN_JAR, DEMO_JAR: use these jars instead of bin/cairn and a build of envoy-examples/demo
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
keep=false
for arg in "$@"; do
  case "$arg" in
    --keep) keep=true ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "demo: unknown argument '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

. "$root/bin/jdk.sh"
cairn_use_jdk21 || exit 1
java="$JAVA_HOME/bin/java"

http_port=${CAIRN_HTTP_PORT:-8500}
dns_port=${CAIRN_DNS_PORT:-8600}
xds_port=${CAIRN_XDS_PORT:-18000}
offset=${DEMO_PORT_OFFSET:-0}
calls=${DEMO_CALLS:-1000}
envoy=${ENVOY-envoy}
api="http://127.0.0.1:$http_port"
export CAIRN_HTTP_ADDR="$api" # for the cairn client commands

# The ports named in register/*.json and the bootstraps: all move by DEMO_PORT_OFFSET.
demo_ports="8000 8080 9001 9002 9003 9101 9102 9191 19000 19001 19002 19003 21000 21001 21002 21100"
p() { echo $(($1 + offset)); }

step() { printf '\n==> %s\n' "$*"; }
say() { printf '    %s\n' "$*"; }
fail() {
  printf '\ndemo: FAILED: %s\n' "$*" >&2
  exit 1
}
# Prints a command as the reader would type it (paths relative to the checkout).
show() {
  printf '$ %s\n' "$*" | sed -e "s|$root/||g" -e "s|$work/||g"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/cairn-demo.XXXXXX")
pids=()
names=()
cleanup() {
  local status=$?
  if $keep && [ "$status" -eq 0 ]; then
    step "Left running (--keep)"
    for i in "${!pids[@]}"; do say "${names[$i]}: pid ${pids[$i]}, log $work/${names[$i]}.log"; done
    say "try: CAIRN_HTTP_ADDR=$api bin/cairn services"
    say "     java -jar $demo_jar client --xds 127.0.0.1:$xds_port --calls 100"
    say "stop everything with: kill ${pids[*]}; rm -rf $work"
    return
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    for name in "${names[@]}"; do
      echo "--- last lines of $name.log" >&2
      tail -n 15 "$work/$name.log" >&2 || true
    done
  fi
  rm -rf "$work"
  [ "${#pids[@]}" -eq 0 ] || echo "demo: stopped ${#pids[@]} processes" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs a long-lived process in the background, its output in $work/NAME.log.
start() {
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
}

# wait_for SECONDS WHAT COMMAND...: retries COMMAND every 0.2 s until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    for i in "${!pids[@]}"; do
      kill -0 "${pids[$i]}" 2>/dev/null || fail "${names[$i]} exited (log: ${names[$i]}.log)"
    done
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for $what"
    sleep 0.2
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A file of envoy-examples with the demo's ports moved by the offset and Cairn's xDS port set.
shifted() {
  awk -v off="$offset" -v ports="$demo_ports" '
    BEGIN { n = split(ports, list, " "); for (i = 1; i <= n; i++) move[list[i]] = 1 }
    {
      out = ""
      while (match($0, /[0-9]+/)) {
        num = substr($0, RSTART, RLENGTH)
        out = out substr($0, 1, RSTART - 1) ((num in move) ? num + off : num)
        $0 = substr($0, RSTART + RLENGTH)
      }
      print out $0
    }' "$1" | sed -e "s/port_value: 18000 /port_value: $xds_port /"
}

# The jars: given, or built from this checkout when missing or older than their sources.
if [ -n "${CAIRN_JAR:-}" ]; then
  cairn_cmd=("$java" --enable-native-access=ALL-UNNAMED -jar "$CAIRN_JAR")
else
  cairn_cmd=("$root/bin/cairn")
fi
demo_jar=${DEMO_JAR:-$root/envoy-examples/demo/target/cairn-demo.jar}
if [ -z "${DEMO_JAR:-}" ] && { [ ! -f "$demo_jar" ] ||
  [ -n "$(find "$root/envoy-examples/demo/src/main" "$root/envoy-examples/demo/pom.xml" \
    -newer "$demo_jar" -print -quit)" ]; }; then
  step "Building the demo services (./mvnw package, tests skipped)"
  (cd "$root" && ./mvnw -q -B -DskipTests -pl envoy-examples/demo -am package) ||
    fail "the build failed"
  touch "$demo_jar"
fi
demo_cmd=("$java" --enable-native-access=ALL-UNNAMED -jar "$demo_jar")
cairn() { "${cairn_cmd[@]}" "$@"; }
demo() { "${demo_cmd[@]}" "$@"; }

for port in "$http_port" "$xds_port" $(for q in $demo_ports; do p "$q"; done); do
  port_free "$port" || fail "port $port is in use (set CAIRN_*_PORT or DEMO_PORT_OFFSET)"
done

step "Starting Cairn: admin API $api, DNS :$dns_port, xDS 127.0.0.1:$xds_port"
show cairn server --data-dir "$work/data" --http-port "$http_port" --dns-port "$dns_port" \
  --xds-port "$xds_port"
start cairn "${cairn_cmd[@]}" server --data-dir "$work/data" --http-port "$http_port" \
  --dns-port "$dns_port" --xds-port "$xds_port"
wait_for 120 "Cairn's /health" curl -sf "$api/health"
say "up: $(curl -sf "$api/health")"

step "Starting the services (envoy-examples/demo): api v1, api v2 and web"
start api-1 "${demo_cmd[@]}" server --name api --version v1 --id api-1 \
  --grpc-port "$(p 9001)" --http-port "$(p 9101)"
start api-2 "${demo_cmd[@]}" server --name api --version v2 --id api-2 \
  --grpc-port "$(p 9002)" --http-port "$(p 9102)"
start web-1 "${demo_cmd[@]}" server --name web --id web-1 --http-port "$(p 8080)" \
  --upstream "http://127.0.0.1:$(p 9191)/"
for name in api-1 api-2 web-1; do
  wait_for 30 "$name" grep -q ' on ' "$work/$name.log"
  say "$(grep ' on ' "$work/$name.log")"
done

step "Registering them, each with a sidecar (register/*.json)"
[ "$offset" -eq 0 ] || say "(every port in the files moved by DEMO_PORT_OFFSET=$offset)"
for f in web api-v1 api-v2 front-proxy; do
  show curl -X PUT "$api/v1/agent/service/register" -d @envoy-examples/register/$f.json
  shifted "$root/envoy-examples/register/$f.json" |
    curl -sSf -X PUT "$api/v1/agent/service/register" --data-binary @- >/dev/null ||
    fail "registering $f.json"
done

step "Writing the config entries (config/*.json)"
for f in "$root"/envoy-examples/config/*.json; do
  show curl -X PUT "$api/v1/config" -d @envoy-examples/config/"$(basename "$f")"
  curl -sSf -X PUT "$api/v1/config" --data-binary @"$f" >/dev/null ||
    fail "writing $(basename "$f")"
done
say "api: subsets v1 and v2 by Service.Meta.version; 90% to v1, 10% to v2; web may call api"

# passing SERVICE N: at least N instances of SERVICE pass every check.
passing() {
  [ "$(curl -sf "$api/v1/health/service/$1?passing" | grep -o '"Service":{"ID":' | wc -l)" -ge "$2" ]
}
step "Waiting for the health checks (gRPC health and HTTP) to pass"
wait_for 60 "api-1 and api-2 to pass their checks" passing api 2
show cairn health api
cairn health api
if command -v dig >/dev/null 2>&1; then
  say "and DNS answers with them:"
  show dig @127.0.0.1 -p "$dns_port" api.service.cairn SRV +short
  dig @127.0.0.1 -p "$dns_port" api.service.cairn SRV +short || fail "dig"
fi

step "1. A proxyless gRPC client: xds:///api, resolved from Cairn (grpc-java's xDS)"
show cairn-demo client --xds "127.0.0.1:$xds_port" --target xds:///api --calls "$calls" \
  --expect v1=90,v2=10
demo client --xds "127.0.0.1:$xds_port" --target xds:///api --calls "$calls" \
  --expect v1=90,v2=10 || fail "the proxyless client did not see the 90/10 split"

step "2. Flipping the canary to 50/50"
split='{"Kind": "service-splitter", "Name": "api",
 "Splits": [{"Weight": 50, "ServiceSubset": "v1"}, {"Weight": 50, "ServiceSubset": "v2"}]}'
show "cairn config write - <<< '$split'"
cairn config write - <<<"$split"
show cairn-demo client --xds "127.0.0.1:$xds_port" --calls "$calls" --expect v1=50,v2=50
demo client --xds "127.0.0.1:$xds_port" --calls "$calls" --expect v1=50,v2=50 ||
  fail "the proxyless client did not see the 50/50 split"

# check_intention SOURCE EXPECTED: runs `cairn intention check SOURCE api`, which must say EXPECTED.
check_intention() {
  show cairn intention check "$1" api
  local out
  out=$(cairn intention check "$1" api 2>&1) || true
  printf '%s\n' "$out"
  grep -q "^$2" <<<"$out" || fail "$1 => api should be $2"
}
rbac() {
  show cairn-demo rbac --xds "127.0.0.1:$xds_port" --node api-1-sidecar-proxy
  demo rbac --xds "127.0.0.1:$xds_port" --node api-1-sidecar-proxy || fail "reading api-1's RBAC"
}

step "3. Intentions: web may call api, nobody else may (config/api-intentions.json)"
check_intention web allowed
check_intention billing denied
say "api's sidecars enforce it as RBAC on their inbound listener, which Cairn serves them:"
rbac
say "Cairn knows a source by the SPIFFE ID of its client certificate, whatever its address."

step "3b. Denying web -> api"
show cairn intention deny web api
cairn intention deny web api
check_intention web denied
rbac

step "3c. Allowing web -> api again"
show cairn intention allow web api
cairn intention allow web api
check_intention web allowed

step "4. Envoy sidecars"
if [ -z "$envoy" ] || ! command -v "$envoy" >/dev/null 2>&1; then
  if [ -z "$envoy" ]; then
    say "ENVOY is empty: skipping the sidecars."
  else
    say "no Envoy here ('$envoy' is not on PATH): skipping the sidecars."
  fi
  say "With Envoy 1.34 on PATH this step runs web's and api's sidecars and a front proxy from"
  say "sidecar.yaml, sidecar-api-1.yaml, sidecar-api-2.yaml and front-proxy.yaml; with Docker,"
  say "docker-compose.yml runs the same mesh in containers."
else
  for b in sidecar sidecar-api-1 sidecar-api-2 front-proxy; do
    shifted "$root/envoy-examples/$b.yaml" >"$work/$b.yaml"
    show "$envoy" -c "envoy-examples/$b.yaml" --disable-hot-restart
    start "envoy-$b" "$envoy" -c "$work/$b.yaml" --disable-hot-restart --log-level warn
  done
  upstream="http://127.0.0.1:$(p 9191)/"
  status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true; }
  is_status() { [ "$(status_of "$1")" = "$2" ]; }
  wait_for 60 "web's sidecar to route api on $upstream" is_status "$upstream" 200
  say "web's sidecar, upstream api on $upstream (web -> its sidecar -> api's sidecars):"
  show "for i in \$(seq 100); do curl -s $upstream; done | sort | uniq -c"
  for _ in $(seq 100); do curl -s --max-time 5 "$upstream"; done | sort | uniq -c
  front="http://127.0.0.1:$(p 8000)/"
  wait_for 60 "the front proxy on $front" is_status "$front" 200
  show curl -s "$front"
  curl -s "$front"
  show cairn intention deny web api
  cairn intention deny web api
  wait_for 10 "api's sidecars to deny web (403)" is_status "$upstream" 403
  show curl -s -w ' %{http_code}' "$upstream"
  curl -s -w ' %{http_code}\n' "$upstream"
  show cairn intention allow web api
  cairn intention allow web api
  wait_for 10 "api's sidecars to allow web again" is_status "$upstream" 200
  show curl -s "$upstream"
  curl -s "$upstream"
  show curl "$api/v1/xds/proxies"
  curl -s "$api/v1/xds/proxies" | grep -o '"Node":"[^"]*","Cluster":"[^"]*","Kind":"[^"]*"' || true
fi

# The mesh with mTLS for proxyless gRPC: payments (a Connect-native server) and checkout (its
# client), each with its certificate from Cairn's CA, written and kept current by `cairn connect
# certs`.
certs="$work/certs"
# mesh_bootstrap SERVICE NODE: grpc-java's xDS bootstrap for SERVICE, with the file_watcher
# certificate provider `cairn` over SERVICE's certificate files, named in the node metadata.
mesh_bootstrap() {
  cat <<EOF
{"xds_servers": [{"server_uri": "127.0.0.1:$xds_port", "channel_creds": [{"type": "insecure"}],
                  "server_features": ["xds_v3"]}],
 "server_listener_resource_name_template": "grpc/server?xds.resource.listening_address=%s",
 "node": {"id": "$2", "cluster": "$1", "metadata": {"CAIRN_CERTIFICATE_PROVIDER": "cairn"}},
 "certificate_providers": {
   "cairn": {"plugin_name": "file_watcher",
             "config": {"certificate_file": "$certs/$1/cert.pem",
                        "private_key_file": "$certs/$1/key.pem",
                        "ca_certificate_file": "$certs/$1/ca.pem",
                        "refresh_interval": "1s"}}}}
EOF
}
# mesh_client ARGS...: cairn-demo mesh-client as checkout, shown then run.
mesh_client() {
  show GRPC_XDS_BOOTSTRAP=checkout.json cairn-demo mesh-client "$@"
  GRPC_XDS_BOOTSTRAP="$work/checkout.json" demo mesh-client "$@"
}
# cert_of SERVICE: a checksum of SERVICE's certificate file.
cert_of() { cksum <"$certs/$1/cert.pem"; }
# lines PATTERN FILE: how many lines of FILE match PATTERN.
lines() { grep -c "$1" "$2" || true; }
at_least() { [ "$(lines "$2" "$3")" -ge "$1" ]; }

step "5. The mesh with mTLS: checkout calls payments, a proxyless gRPC server (Connect native)"
for svc in payments checkout; do
  show cairn connect certs --service "$svc" --dir "certs/$svc" "&"
  start "certs-$svc" "${cairn_cmd[@]}" connect certs --service "$svc" --dir "$certs/$svc"
done
for svc in payments checkout; do
  wait_for 60 "$svc's certificate files" at_least 1 '^wrote key.pem' "$work/certs-$svc.log"
  sed "s/^/    $svc: /" "$work/certs-$svc.log"
done
for f in payments checkout; do
  show curl -X PUT "$api/v1/agent/service/register" -d @envoy-examples/register/$f.json
  shifted "$root/envoy-examples/register/$f.json" |
    curl -sSf -X PUT "$api/v1/agent/service/register" --data-binary @- >/dev/null ||
    fail "registering $f.json"
done
say "payments-1 is Connect native (\"Connect\": {\"Native\": true}): it speaks mTLS itself;"
say "checkout only calls, so it has no port."
mesh_bootstrap payments payments-1 >"$work/payments.json"
mesh_bootstrap checkout checkout-1 >"$work/checkout.json"
say "checkout's xDS bootstrap, checkout.json (payments.json is alike):"
sed -e "s|$work/||g" -e 's/^/    /' "$work/checkout.json"
show GRPC_XDS_BOOTSTRAP=payments.json cairn-demo mesh-server --name payments --id payments-1 \
  --port "$(p 9003)" "&"
start payments-1 env GRPC_XDS_BOOTSTRAP="$work/payments.json" "${demo_cmd[@]}" mesh-server \
  --name payments --id payments-1 --port "$(p 9003)"
wait_for 60 "payments-1 to get its listener from Cairn" grep -q ', serving$' "$work/payments-1.log"
say "$(grep ', serving$' "$work/payments-1.log")"
mesh_client --target xds:///payments --calls 3 ||
  fail "checkout could not call payments over mTLS"

step "5b. Denying checkout -> payments: payments' RBAC, from Cairn, refuses the calls"
show cairn intention deny checkout payments
cairn intention deny checkout payments
mesh_client --target xds:///payments --calls 3 --expect PERMISSION_DENIED ||
  fail "payments did not deny checkout"

step "5c. Allowing checkout -> payments again"
show cairn intention allow checkout payments
cairn intention allow checkout payments
mesh_client --target xds:///payments --calls 3 || fail "checkout -> payments was not allowed again"

step "5d. Rotating the CA's root while checkout keeps calling payments"
show GRPC_XDS_BOOTSTRAP=checkout.json cairn-demo mesh-client --target xds:///payments \
  --until-file stop "&"
start calls env GRPC_XDS_BOOTSTRAP="$work/checkout.json" "${demo_cmd[@]}" mesh-client \
  --target xds:///payments --until-file "$work/stop"
calls_pid=${pids[-1]}
wait_for 60 "checkout's first call" at_least 1 "^the server's certificate" "$work/calls.log"
old_payments=$(cert_of payments)
old_checkout=$(cert_of checkout)
rotation='{"Config": {"PrivateKeyType": "rsa", "PrivateKeyBits": 2048}}'
show curl -X PUT "$api/v1/connect/ca/configuration" -d "'$rotation'"
curl -sSf -X PUT "$api/v1/connect/ca/configuration" --data-binary "$rotation" >/dev/null ||
  fail "rotating the CA"
renewed() { [ "$(cert_of payments)" != "$old_payments" ] && [ "$(cert_of checkout)" != "$old_checkout" ]; }
wait_for 180 "cairn connect certs to write the renewed certificates" renewed
say "cairn connect certs wrote the new root and the leaves it signed:"
for svc in payments checkout; do
  wait_for 30 "$svc's renewed leaf" at_least 2 '^wrote key.pem' "$work/certs-$svc.log"
  tail -n +3 "$work/certs-$svc.log" | sed "s/^/    $svc: /"
done
wait_for 60 "payments to present its renewed certificate" \
  at_least 2 "^the server's certificate" "$work/calls.log"
wait_for 60 "checkout to present its renewed certificate" \
  at_least 2 '^call from' "$work/payments-1.log"
touch "$work/stop"
status=0
wait "$calls_pid" || status=$?
cat "$work/calls.log"
say "and payments saw checkout's certificates (its log):"
grep '^call from' "$work/payments-1.log" | sed 's/^/    /'
[ "$status" -eq 0 ] || fail "calls failed across the CA rotation"
grep -q '^[1-9][0-9]* calls, 0 failed' "$work/calls.log" || fail "no calls across the rotation"

step "Done: every step passed"
