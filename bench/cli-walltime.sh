#!/usr/bin/env bash
# Wall time of one `sluice ctl` call, before and after the CLI start-up work (bench/README.md,
# "CLI wall time").
#
#   bench/cli-walltime.sh [--runs N] [--server unix:PATH|HOST:PORT] [--before COMMIT]
#
# Without --server it starts a daemon of its own (as root: DPDK, hugepages): a net_null port, one
# service of two backends, the API on a Unix socket (the daemon's default way) and a stats file
# under a temporary directory.
# Its worker busy-polls one core; the script puts that one thread at SCHED_IDLE so that it does not
# compete with the calls measured (the daemon's API threads keep their normal priority).
#
# It times, interleaved round by round so that a change of load hits every variant alike:
#   before   the launcher of COMMIT (default: the last commit before this work), on today's jar
#   after    ./sluice ctl as it is now (with its start-up cache; made first when missing)
#   floor    a bare JVM start (`java -version`), the least any JVM-based CLI can take
# each for `ctl list`, `ctl --help` and `ctl list` against a port where nothing listens, and prints
# the median and the 90th percentile of the wall time, and the median CPU time (user + system).
set -euo pipefail

RUNS=20
SERVER=
BEFORE=6d84939
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --server) SERVER=$2; shift 2 ;;
    --before) BEFORE=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--server HOST:PORT] [--before COMMIT]" >&2; exit 2 ;;
  esac
done

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HOME_DIR"
WORK=$(mktemp -d /tmp/sluice-cli-bench.XXXXXX)
OLD_LAUNCHER="$HOME_DIR/.cli-bench-launcher-$$"
DAEMON_PID=
cleanup() {
  if [ -n "$DAEMON_PID" ]; then
    kill "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
    rm -f "/run/sluice/net_null_clibench$$.lock"   # the daemon's device lock file, released by now
  fi
  rm -f "$OLD_LAUNCHER"
  rm -rf "$WORK"
}
trap cleanup EXIT

# The old launcher must sit in the repository root: it finds the jar next to itself.
git show "$BEFORE:sluice" > "$OLD_LAUNCHER"
chmod +x "$OLD_LAUNCHER"
# The first call builds the jar if it is missing and starts making the start-up cache; wait for it.
./sluice ctl --help >/dev/null
for i in $(seq 300); do
  compgen -G 'controlplane/target/sluice-cli-*.aot' >/dev/null && break
  compgen -G 'controlplane/target/sluice-cli-*.failed' >/dev/null && break
  sleep 1
done
compgen -G 'controlplane/target/sluice-cli-*.aot' >/dev/null || echo "warning: no start-up cache was made" >&2
source <(sed -n '/^is_jdk25()/,/^}/p;/^find_jdk()/,/^}/p' sluice)
die() { echo "$*" >&2; exit 1; }
find_jdk

start_daemon() {
  [ "$(id -u)" -eq 0 ] || die "without --server this needs root (it starts a DPDK daemon)"
  cat > "$WORK/sluice.yaml" <<EOF
dataplane:
  device: "net_null_clibench$$"
  workers: 1
  mac: 02:00:00:00:00:01
  promiscuous: false
  flowTable: { capacity: 16384 }
network:
  addresses: [203.0.113.2]
services:
  - vip: 192.0.2.10
    port: 80
    protocol: tcp
    mode: dsr
    backends:
      - { address: 203.0.113.11, weight: 1 }
      - { address: 203.0.113.12, weight: 2 }
stats:
  file: $WORK/bench.stats
api: { socket: $WORK/api.sock }
EOF
  ./sluice run --config "$WORK/sluice.yaml" > "$WORK/daemon.log" 2>&1 &
  DAEMON_PID=$!
  local i
  for i in $(seq 120); do
    grep -q "gRPC API on" "$WORK/daemon.log" && break
    kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$WORK/daemon.log" >&2; die "the daemon did not start"; }
    sleep 0.5
  done
  grep -q "gRPC API on" "$WORK/daemon.log" || die "the daemon's API did not come up"
  local task
  for task in /proc/"$DAEMON_PID"/task/*; do
    if [ "$(cat "$task/comm")" = sluice-worker-0 ]; then
      chrt --idle -p 0 "${task##*/}"
    fi
  done
  SERVER=unix:$WORK/api.sock
}

[ -n "$SERVER" ] || start_daemon

declare -A WALL CPU
measure() {  # measure LABEL COMMAND...: one timed run
  local label=$1 t=$WORK/time
  shift
  /usr/bin/time -o "$t" -f "%e %U %S" "$@" >/dev/null 2>&1 || true
  local w u s
  read -r w u s < <(tail -1 "$t")
  WALL[$label]+="$w "
  CPU[$label]+="$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') "
}
quantile() {  # quantile Q VALUES: the nearest-rank quantile
  printf '%s\n' $2 | sort -n | awk -v q="$1" '{ a[NR] = $1 } END { i = int(q * NR + 0.999999); if (i < 1) i = 1; print a[i] }'
}

CASES=("list|ctl --server $SERVER list" "help|ctl --help" "refused|ctl --server 127.0.0.1:1 list")
for round in $(seq "$RUNS"); do
  for case in "${CASES[@]}"; do
    name=${case%%|*}
    read -r -a args <<< "${case#*|}"
    measure "before $name" "$OLD_LAUNCHER" "${args[@]}"
    measure "after $name" ./sluice "${args[@]}"
  done
  measure "floor java -version" "$JAVA_HOME/bin/java" -version
done

echo "sluice ctl wall time, $RUNS runs each (seconds; CPU = user + system)"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %8s %8s %8s\n' variant median p90 cpu
for label in "before list" "after list" "before help" "after help" "before refused" "after refused" "floor java -version"; do
  printf '%-22s %8s %8s %8s\n' "$label" "$(quantile 0.5 "${WALL[$label]}")" "$(quantile 0.9 "${WALL[$label]}")" \
    "$(quantile 0.5 "${CPU[$label]}")"
done
