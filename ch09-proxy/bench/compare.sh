#!/usr/bin/env bash
# Side by side on loopback: direct to the backend, through kubelab's userspace proxy, through
# socat, through HAProxy, and through HAProxy with splice(2). Two measures per contender:
#   bulk   one iperf3 stream for BULK_SECONDS after one omitted second (-O 1), MB/s received;
#   conns  ConnRateClient: CLIENTS threads looping connect, 1 KiB echo, close against EchoServer,
#          connections per second over CONN_SECONDS after one uncounted second.
# Fair by construction:
#   - every copying proxy gets the same buffer as kubelab's ProxyWorkers.BUFFER_SIZE (read from the
#     source below): socat -b, HAProxy tune.bufsize; haproxy-splice moves bytes with splice(2)
#     (zero copy, what Go's io.Copy between two TCPConns does on Linux) and is an extra row;
#   - every contender is warmed up (one unmeasured bulk and conns run each) before round 1;
#   - each round runs the contenders in a fresh random order (SEED makes it repeatable);
#   - any client error fails the run: an iperf3 failure, or a single failed connection;
#   - the report gives min, median and max over ROUNDS rounds, and the load average throughout.
# Installs socat, haproxy and iperf3 from Debian if they are missing (needs root for apt-get).
#
#   ch09-proxy/bench/compare.sh        # ROUNDS=3 BULK_SECONDS=5 CONN_SECONDS=5 CLIENTS=64
set -euo pipefail
shopt -s inherit_errexit

ROUNDS=${ROUNDS:-3}
BULK_SECONDS=${BULK_SECONDS:-5}
CONN_SECONDS=${CONN_SECONDS:-5}
CLIENTS=${CLIENTS:-64}
SEED=${SEED:-$RANDOM}
# Between runs, so the previous contender's connections finish closing and its threads go idle.
# It does not wait out TIME_WAIT (60 s on Linux); the run relies on tcp_tw_reuse, checked below.
PAUSE=${PAUSE:-2}
BASE=${BASE_PORT:-23000}  # below the ephemeral range, so no client connection can hold these

MODULE=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(cd "$MODULE/.." && pwd)
WORK=$(mktemp -d /tmp/ch09-compare.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { # the reason, then the end of every log a backend or contender wrote
  echo "compare.sh: $*" >&2
  for log in "$WORK"/*.log; do
    [[ -s $log ]] && { echo "--- $(basename "$log")" >&2; tail -5 "$log" >&2; }
  done
  exit 1
}

need=()
for tool in socat haproxy iperf3; do command -v "$tool" >/dev/null || need+=("$tool"); done
if ((${#need[@]})); then
  echo "installing ${need[*]} from Debian" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

# One buffer size for every copying proxy: kubelab's, as written in its source.
BUFFER=$(($(sed -n 's/.*static final int BUFFER_SIZE = \(.*\);/\1/p' \
  "$MODULE/src/main/java/io/kubelab/proxy/ProxyWorkers.java")))
((BUFFER > 0)) || fail "could not read ProxyWorkers.BUFFER_SIZE"

# Short connections at thousands per second cycle through client ports much faster than TIME_WAIT
# (60 s) releases them: more than the ephemeral range holds. The side that closes first keeps the
# TIME_WAIT: the client, and each proxy on its backend connection; both are connect() sides, which
# tcp_tw_reuse lets take a port back from TIME_WAIT (1: always, 2: on loopback, with timestamps).
tw_reuse=$(cat /proc/sys/net/ipv4/tcp_tw_reuse)
timestamps=$(cat /proc/sys/net/ipv4/tcp_timestamps)
port_range=$(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range)
echo "net.ipv4.tcp_tw_reuse=$tw_reuse net.ipv4.tcp_timestamps=$timestamps" \
  "net.ipv4.ip_local_port_range=$port_range" >&2
if [[ $tw_reuse == 0 || $timestamps == 0 ]]; then
  fail "connection runs need net.ipv4.tcp_tw_reuse (1 or 2) and tcp_timestamps; set them with" \
    "sysctl -w net.ipv4.tcp_tw_reuse=2 net.ipv4.tcp_timestamps=1, or expect connect() errors"
fi

echo "building ch09-proxy test classes" >&2
(cd "$ROOT" && ./mvnw -B -q install -DskipTests -Djmh.skip=true -Dspotless.check.skip=true -pl ch09-proxy -am >&2)
(cd "$ROOT" && ./mvnw -B -q -pl ch09-proxy dependency:build-classpath \
   -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >&2)
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$WORK/cp.txt")"
JAVA=(java -Xms256m -Xmx512m -cp "$CP")

ECHO_PORT=$((BASE + 1));   IPERF_PORT=$((BASE + 2))
KL_ECHO=$((BASE + 11));    KL_IPERF=$((BASE + 12))
SOCAT_ECHO=$((BASE + 21)); SOCAT_IPERF=$((BASE + 22))
HA_ECHO=$((BASE + 31));    HA_IPERF=$((BASE + 32))
HS_ECHO=$((BASE + 41));    HS_IPERF=$((BASE + 42))
CONTENDERS=(direct kubelab socat haproxy haproxy-splice)
declare -A BULK_PORT=([direct]=$IPERF_PORT [kubelab]=$KL_IPERF [socat]=$SOCAT_IPERF
  [haproxy]=$HA_IPERF [haproxy-splice]=$HS_IPERF)
declare -A CONN_PORT=([direct]=$ECHO_PORT [kubelab]=$KL_ECHO [socat]=$SOCAT_ECHO
  [haproxy]=$HA_ECHO [haproxy-splice]=$HS_ECHO)

start() { "$@" >"$WORK/$(basename "$1").$RANDOM.log" 2>&1 & PIDS+=($!); }

wait_port() { # listening yet? Asked of the kernel: a probe connection would reach iperf3
  for _ in $(seq 1 300); do
    [[ -n "$(ss -Hltn "sport = :$1")" ]] && return 0
    sleep 0.1
  done
  fail "port $1 never opened"
}

haproxy_cfg() { # name echo-port iperf-port extra-defaults-line
  # maxconn is far above the 64 clients' needs and low enough that HAProxy's file descriptors
  # (two per connection, and two per pipe when splicing) fit a 20000 limit.
  cat <<CFG
global
  maxconn 4096
  tune.bufsize $BUFFER
  stats socket $WORK/$1.sock mode 600
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  $4
frontend echo
  bind 127.0.0.1:$2
  default_backend echo
backend echo
  server e1 127.0.0.1:$ECHO_PORT
frontend iperf
  bind 127.0.0.1:$3
  default_backend iperf
backend iperf
  server i1 127.0.0.1:$IPERF_PORT
CFG
}

# Backends.
start "${JAVA[@]}" io.kubelab.proxy.bench.EchoServer "$ECHO_PORT"
start iperf3 -s -p "$IPERF_PORT"
# Contenders.
start "${JAVA[@]}" io.kubelab.proxy.bench.ProxyMain "$KL_ECHO:$ECHO_PORT" "$KL_IPERF:$IPERF_PORT"
for pair in "$SOCAT_ECHO:$ECHO_PORT" "$SOCAT_IPERF:$IPERF_PORT"; do
  start socat -b "$BUFFER" "TCP-LISTEN:${pair%%:*},bind=127.0.0.1,fork,reuseaddr,backlog=1024" \
    "TCP:127.0.0.1:${pair##*:}"
done
haproxy_cfg haproxy "$HA_ECHO" "$HA_IPERF" "" >"$WORK/haproxy.cfg"
haproxy_cfg haproxy-splice "$HS_ECHO" "$HS_IPERF" "option splice-auto" >"$WORK/haproxy-splice.cfg"
start haproxy -db -f "$WORK/haproxy.cfg"
start haproxy -db -f "$WORK/haproxy-splice.cfg"
for name in "${CONTENDERS[@]}"; do
  wait_port "${BULK_PORT[$name]}"
  wait_port "${CONN_PORT[$name]}"
done

bulk() { # port seconds -> MB/s received over one stream, after one omitted second
  local out="$WORK/iperf.json"
  for _ in 1 2 3; do
    if iperf3 -c 127.0.0.1 -p "$1" -O 1 -t "$2" -J >"$out"; then
      python3 -c 'import json,sys; print("%.0f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 8e6))' "$out" ||
        fail "iperf3 through port $1: no result in its report"
      return 0
    fi
    # The one retry allowed: the previous test's control connection still closing.
    grep -q 'the server is busy' "$out" || fail "iperf3 through port $1: $(grep -o '"error":.*' "$out")"
    sleep 2
  done
  fail "iperf3 server on port $1 stayed busy"
}
conns() { # port seconds -> connections per second; any client error fails the run
  local line
  line=$("${JAVA[@]}" io.kubelab.proxy.bench.ConnRateClient 127.0.0.1 "$1" "$CLIENTS" "$2" 1024 \
    2>"$WORK/conns.err") || fail "connection errors through port $1: $line $(cat "$WORK/conns.err")"
  echo "${line#conns_per_s=}" | cut -d' ' -f1
}
load() { cut -d' ' -f1 /proc/loadavg; }
time_wait() { ss -Htan state time-wait | wc -l; }
shuffled() { # seed names... -> the names in a random order fixed by the seed
  python3 -c 'import random,sys; r=random.Random(sys.argv[1]); l=sys.argv[2:]; r.shuffle(l); print(*l)' "$@"
}

LOADS=("$(load)")
echo "seed $SEED; warming up every contender" >&2
for name in $(shuffled "$SEED-warm" "${CONTENDERS[@]}"); do
  bulk "${BULK_PORT[$name]}" 2 >/dev/null; sleep "$PAUSE"
  conns "${CONN_PORT[$name]}" 2 >/dev/null; sleep "$PAUSE"
done

declare -A BULK_ALL CONNS_ALL
for round in $(seq 1 "$ROUNDS"); do
  order=$(shuffled "$SEED-$round" "${CONTENDERS[@]}")
  echo "round $round order: $order" >&2
  for name in $order; do
    tw_before=$(time_wait)
    b=$(bulk "${BULK_PORT[$name]}" "$BULK_SECONDS"); sleep "$PAUSE"
    c=$(conns "${CONN_PORT[$name]}" "$CONN_SECONDS"); sleep "$PAUSE"
    BULK_ALL[$name]="${BULK_ALL[$name]:-} $b"
    CONNS_ALL[$name]="${CONNS_ALL[$name]:-} $c"
    LOADS+=("$(load)")
    echo "round $round $name: $b MB/s, $c conns/s, load $(load)," \
      "TIME_WAIT sockets $tw_before before, $(time_wait) after" >&2
  done
done
echo "haproxy-splice pipes: $(echo 'show info' | socat - "UNIX-CONNECT:$WORK/haproxy-splice.sock" |
  grep -E '^(MaxPipes|PipesUsed|PipesFree):' | tr '\n' ' ')" >&2

stats() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print v[1], v[int((NR+1)/2)], v[NR]}'; }
declare -A BULK_MED CONNS_MED
ratio() { python3 -c "print('%.2f' % ($1 / $2 if $2 else 0))"; }

echo
echo "machine: $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)," \
  "$(haproxy -v | head -1 | cut -d' ' -f1-3), socat $(socat -V | sed -n 's/^socat version \([^ ]*\).*/\1/p'), $(iperf3 --version | head -1 | cut -d' ' -f1-2)"
echo "buffer $BUFFER bytes for kubelab, socat -b and HAProxy tune.bufsize; seed $SEED;" \
  "$ROUNDS rounds; load average (1 min) from $(printf '%s\n' "${LOADS[@]}" | sort -n | head -1)" \
  "to $(printf '%s\n' "${LOADS[@]}" | sort -n | tail -1)"
printf '%-15s %22s %22s %12s %14s\n' name "bulk MB/s min/med/max" "conns/s min/med/max" \
  bulk/direct conns/haproxy
for name in "${CONTENDERS[@]}"; do
  read -r bmin bmed bmax <<<"$(echo "${BULK_ALL[$name]}" | stats)"
  read -r cmin cmed cmax <<<"$(echo "${CONNS_ALL[$name]}" | stats)"
  BULK_MED[$name]=$bmed; CONNS_MED[$name]=$cmed
done
for name in "${CONTENDERS[@]}"; do
  read -r bmin bmed bmax <<<"$(echo "${BULK_ALL[$name]}" | stats)"
  read -r cmin cmed cmax <<<"$(echo "${CONNS_ALL[$name]}" | stats)"
  printf '%-15s %22s %22s %12s %14s\n' "$name" "$bmin/$bmed/$bmax" "$cmin/$cmed/$cmax" \
    "$(ratio "$bmed" "${BULK_MED[direct]}")" "$(ratio "$cmed" "${CONNS_MED[haproxy]}")"
done
echo
echo "kubelab (medians): bulk $(ratio "${BULK_MED[kubelab]}" "${BULK_MED[socat]}")x socat," \
  "$(ratio "${BULK_MED[kubelab]}" "${BULK_MED[haproxy]}")x haproxy," \
  "$(ratio "${BULK_MED[kubelab]}" "${BULK_MED[haproxy-splice]}")x haproxy-splice," \
  "$(ratio "${BULK_MED[kubelab]}" "${BULK_MED[direct]}")x direct;" \
  "conns $(ratio "${CONNS_MED[kubelab]}" "${CONNS_MED[socat]}")x socat," \
  "$(ratio "${CONNS_MED[kubelab]}" "${CONNS_MED[haproxy]}")x haproxy"
echo
echo "name,round_values_bulk_MBps,round_values_conns_per_s"
for name in "${CONTENDERS[@]}"; do
  echo "$name,$(echo ${BULK_ALL[$name]} | tr ' ' ';'),$(echo ${CONNS_ALL[$name]} | tr ' ' ';')"
done
