#!/usr/bin/env bash
# Side-by-side on loopback: direct to the backend, through kubelab's userspace proxy, through
# socat, through HAProxy. Bulk throughput of one stream (iperf3) and short connections per second
# (connect, 1 KiB echo, close) with 64 concurrent clients (ConnRateClient against EchoServer).
# Installs socat, haproxy and iperf3 from Debian if they are missing (needs root for apt-get).
# The last lines are one CSV row per contender: name,bulk_MBps,conns_per_s.
#
#   ch09-proxy/bench/compare.sh            # BULK_SECONDS=5 CONN_SECONDS=5 CLIENTS=64 by default
set -euo pipefail

ROUNDS=${ROUNDS:-3}    # contenders take turns; each reports its median over the rounds
BULK_SECONDS=${BULK_SECONDS:-5}
CONN_SECONDS=${CONN_SECONDS:-5}
CLIENTS=${CLIENTS:-64}
PAUSE=${PAUSE:-3}      # between runs, so one contender's TIME_WAIT sockets do not hurt the next
BASE=${BASE_PORT:-23000}  # below the ephemeral range (32768-60999)

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

need=()
for tool in socat haproxy iperf3; do command -v "$tool" >/dev/null || need+=("$tool"); done
if ((${#need[@]})); then
  echo "installing ${need[*]} from Debian" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

echo "building ch09-proxy test classes" >&2
(cd "$ROOT" && ./mvnw -B -q install -DskipTests -Djmh.skip=true -pl ch09-proxy -am >&2)
(cd "$ROOT" && ./mvnw -B -q -pl ch09-proxy dependency:build-classpath \
   -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >&2)
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$WORK/cp.txt")"
JAVA=(java -Xms256m -Xmx512m -cp "$CP")

ECHO_PORT=$((BASE + 1));   IPERF_PORT=$((BASE + 2))
KL_ECHO=$((BASE + 11));    KL_IPERF=$((BASE + 12))
SOCAT_ECHO=$((BASE + 21)); SOCAT_IPERF=$((BASE + 22))
HA_ECHO=$((BASE + 31));    HA_IPERF=$((BASE + 32))

start() { "$@" >"$WORK/$(basename "$1").$RANDOM.log" 2>&1 & PIDS+=($!); }

wait_port() { # listening yet? Asked of the kernel: a probe connection would reach iperf3
  for _ in $(seq 1 300); do
    [[ -n "$(ss -Hltn "sport = :$1")" ]] && return 0
    sleep 0.1
  done
  echo "port $1 never opened" >&2
  exit 1
}

# Backends.
start "${JAVA[@]}" io.kubelab.proxy.bench.EchoServer "$ECHO_PORT"
start iperf3 -s -p "$IPERF_PORT"
# Contenders.
start "${JAVA[@]}" io.kubelab.proxy.bench.ProxyMain "$KL_ECHO:$ECHO_PORT" "$KL_IPERF:$IPERF_PORT"
start socat "TCP-LISTEN:$SOCAT_ECHO,bind=127.0.0.1,fork,reuseaddr,backlog=1024" "TCP:127.0.0.1:$ECHO_PORT"
start socat "TCP-LISTEN:$SOCAT_IPERF,bind=127.0.0.1,fork,reuseaddr,backlog=1024" "TCP:127.0.0.1:$IPERF_PORT"
cat >"$WORK/haproxy.cfg" <<CFG
global
  maxconn 8000
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend echo
  bind 127.0.0.1:$HA_ECHO
  default_backend echo
backend echo
  server e1 127.0.0.1:$ECHO_PORT
frontend iperf
  bind 127.0.0.1:$HA_IPERF
  default_backend iperf
backend iperf
  server i1 127.0.0.1:$IPERF_PORT
CFG
start haproxy -db -f "$WORK/haproxy.cfg"
for p in $ECHO_PORT $IPERF_PORT $KL_ECHO $KL_IPERF $SOCAT_ECHO $SOCAT_IPERF $HA_ECHO $HA_IPERF; do
  wait_port "$p"
done

bulk() { # port -> MB/s received over one stream; retried if iperf3 reports the server busy
  for _ in 1 2 3; do
    iperf3 -c 127.0.0.1 -p "$1" -t "$BULK_SECONDS" -J >"$WORK/iperf.json" || true
    if python3 -c 'import json,sys; print("%.0f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 8e6))' "$WORK/iperf.json" 2>/dev/null; then
      return 0
    fi
    echo "iperf3 failed: $(grep -o '"error":.*' "$WORK/iperf.json" || true); retrying" >&2
    sleep 2
  done
  echo 0
}
conns() { # port -> connections per second
  "${JAVA[@]}" io.kubelab.proxy.bench.ConnRateClient 127.0.0.1 "$1" "$CLIENTS" "$CONN_SECONDS" 1024 |
    tee -a "$WORK/conns.log" | sed -n 's/^conns_per_s=\([0-9]*\).*/\1/p'
}

median() { tr ' ' '\n' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

declare -A BULK CONNS BULK_ALL CONNS_ALL
for round in $(seq 1 "$ROUNDS"); do
  for entry in "direct $IPERF_PORT $ECHO_PORT" "kubelab $KL_IPERF $KL_ECHO" \
               "socat $SOCAT_IPERF $SOCAT_ECHO" "haproxy $HA_IPERF $HA_ECHO"; do
    read -r name bport cport <<<"$entry"
    b=$(bulk "$bport"); sleep "$PAUSE"
    c=$(conns "$cport"); sleep "$PAUSE"
    BULK_ALL[$name]="${BULK_ALL[$name]:-} $b"
    CONNS_ALL[$name]="${CONNS_ALL[$name]:-} $c"
    echo "round $round $name: $b MB/s, $c conns/s ($(tail -1 "$WORK/conns.log")), load $(cut -d' ' -f1 /proc/loadavg)" >&2
  done
done
for name in direct kubelab socat haproxy; do
  BULK[$name]=$(echo ${BULK_ALL[$name]} | median)
  CONNS[$name]=$(echo ${CONNS_ALL[$name]} | median)
done

ratio() { python3 -c "print('%.2f' % ($1 / $2 if $2 else 0))"; }
echo
echo "machine: $(nproc) cores, $(uname -sr), $(java -version 2>&1 | head -1)"
printf '%-8s %10s %12s %14s %14s\n' name bulk_MBps conns_per_s bulk/direct conns/haproxy
for name in direct kubelab socat haproxy; do
  printf '%-8s %10s %12s %14s %14s\n' "$name" "${BULK[$name]}" "${CONNS[$name]}" \
    "$(ratio "${BULK[$name]}" "${BULK[direct]}")" "$(ratio "${CONNS[$name]}" "${CONNS[haproxy]}")"
done
echo
echo "goals: kubelab/socat bulk $(ratio "${BULK[kubelab]}" "${BULK[socat]}") (>1)," \
  "conns $(ratio "${CONNS[kubelab]}" "${CONNS[socat]}") (>1);" \
  "kubelab/direct bulk $(ratio "${BULK[kubelab]}" "${BULK[direct]}") (>=0.5);" \
  "kubelab/haproxy conns $(ratio "${CONNS[kubelab]}" "${CONNS[haproxy]}") (>=0.5)"
echo
echo "name,bulk_MBps,conns_per_s"
for name in direct kubelab socat haproxy; do
  echo "$name,${BULK[$name]},${CONNS[$name]}"
done
