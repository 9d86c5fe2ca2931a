#!/usr/bin/env bash
# The Sluice demo: the real daemon in the lab, real HTTP through its VIPs. Run by ./sluice demo,
# which installs what is missing and builds first. Everything it starts is stopped on exit,
# whatever happens.
set -euo pipefail

SLUICE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB="$SLUICE_HOME/lab/lab.sh"
RUN="$SLUICE_HOME/lab/run"
CONFIG="$RUN/sluice.yaml"
STATS=/dev/shm/sluice-lab.stats
REQUESTS="${SLUICE_DEMO_REQUESTS:-18}"
DAEMON_PID=""
FAILED=0

if [ -t 1 ]; then B=$'\033[1m' G=$'\033[32m' R=$'\033[31m' N=$'\033[0m'; else B='' G='' R='' N=''; fi
step() { printf '\n%s==> %s%s\n' "$B" "$*" "$N"; }
info() { printf '    %s\n' "$*"; }

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -f "$RUN/daemon.log" ]; then
    step "The daemon's log (last 40 lines), kept in /tmp/sluice-demo-daemon.log"
    cp "$RUN/daemon.log" /tmp/sluice-demo-daemon.log
    tail -40 "$RUN/daemon.log" | sed 's/^/    | /'
  fi
  step "Tearing down"
  if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    info "stopping the daemon (SIGTERM, pid $DAEMON_PID)"
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  "$LAB" down >/dev/null 2>&1 || true
  info "lab removed"
  exit "$status"
}
trap cleanup EXIT

stat_once() { "$SLUICE_HOME/sluice" stat --once --file "$STATS"; }

curl_vip() { # curl_vip VIP SOURCE-PORT: HTTP GET from sl-client; prints the backend's name or FAILED
  ip netns exec sl-client curl -s -g --max-time 3 --local-port "$2" "http://$1/" 2>/dev/null || echo FAILED
}

wait_for() { # wait_for DESCRIPTION SECONDS COMMAND...: also gives up when the daemon died
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [ -n "$DAEMON_PID" ] && ! kill -0 "$DAEMON_PID" 2>/dev/null; then
      printf '%s    the daemon exited while waiting for %s%s\n' "$R" "$what" "$N"
      return 1
    fi
    sleep 0.1
  done
  printf '%s    gave up waiting for %s%s\n' "$R" "$what" "$N"
  return 1
}

PORT_BASE=40000
requests() { # requests VIP LABEL
  local vip=$1 label=$2 answer
  PORT_BASE=$((PORT_BASE + 1000))
  declare -A seen=()
  step "$REQUESTS HTTP requests from sl-client to $vip ($label), each a new TCP connection"
  info "client source ports $((PORT_BASE + 1))..$((PORT_BASE + REQUESTS)) (one range per VIP, fixed, so the same flows meet the same backends on every run)"
  for i in $(seq 1 "$REQUESTS"); do
    answer=$(curl_vip "$vip" $((PORT_BASE + i)) | tr -d '\r\n')
    if [ "$answer" = FAILED ] || [ -z "$answer" ]; then
      printf '    request %2d -> %sFAILED%s\n' "$i" "$R" "$N"
      FAILED=$((FAILED + 1))
    else
      printf '    request %2d -> %s\n' "$i" "$answer"
      seen[$answer]=$(( ${seen[$answer]:-0} + 1 ))
    fi
  done
  local summary=""
  for backend in $(printf '%s\n' "${!seen[@]}" | sort); do summary+="$backend: ${seen[$backend]}  "; done
  info "answered by: ${summary:-nobody}"
  for backend in be1 be2 be3; do
    if [ -z "${seen[$backend]:-}" ]; then
      printf '    %s%s served none of these requests%s\n' "$R" "$backend" "$N"
      FAILED=$((FAILED + 1))
    fi
  done
}

counters_add_up() {
  local line
  line=$(stat_once | awk '/^WORKER/ {getline; print}')
  read -r worker rx tx forwarded replied punted dropped _ <<<"$line"
  if [ "$rx" -eq $((forwarded + replied + punted + dropped)) ]; then
    info "${G}counters add up${N}: worker $worker received $rx = $forwarded forwarded + $replied replied + $punted punted + $dropped dropped"
  else
    printf '    %scounters do not add up%s: rx %s, forwarded %s, replied %s, punted %s, dropped %s\n' \
      "$R" "$N" "$rx" "$forwarded" "$replied" "$punted" "$dropped"
    FAILED=$((FAILED + 1))
  fi
}

step "Building the lab: client, router, LB and three backends in network namespaces (lab/README.md)"
"$LAB" up | sed 's/^/    /'

step "Starting the Sluice daemon in sl-lb on sl-lb0 (DPDK net_af_packet), DSR VIPs 192.0.2.10 and [2001:db8:100::10]"
mkdir -p "$RUN"
rm -f "$STATS"
cp "$SLUICE_HOME/lab/configs/demo-dsr.yaml" "$CONFIG"
ip netns exec sl-lb "$SLUICE_HOME/sluice" run --config "$CONFIG" > "$RUN/daemon.log" 2>&1 &
DAEMON_PID=$!
info "daemon pid $DAEMON_PID, log in lab/run/daemon.log"
wait_for "the daemon's stats file" 30 test -s "$STATS" || { tail -20 "$RUN/daemon.log"; exit 1; }
sed 's/^/    | /' "$RUN/daemon.log" | grep -v "^    | $" | head -20
wait_for "the LB to resolve the backends and answer" 15 sh -c "ip netns exec sl-client curl -s --max-time 1 http://192.0.2.10/ | grep -q be"

requests 192.0.2.10 "DSR: only the MAC is rewritten, backends answer the client directly"
requests "[2001:db8:100::10]" "DSR over IPv6"

step "Counters (sluice stat --once)"
stat_once | sed 's/^/    /'
counters_add_up

step "Reconfiguring the running daemon: adding an IPIP VIP (weights 1:2:3) and a GUE VIP (SIGHUP)"
cp "$SLUICE_HOME/lab/configs/demo-tunnel.yaml" "$CONFIG"
kill -HUP "$DAEMON_PID"
wait_for "generation 2" 10 sh -c "'$SLUICE_HOME/sluice' stat --once --file '$STATS' | grep -q '^generation.* 2\$\|generation 2'"
grep -i "generation\|applied\|reload" "$RUN/daemon.log" | tail -3 | sed 's/^/    | /'

requests 192.0.2.11 "IPIP: the backend's tc-BPF program decapsulates"
requests 192.0.2.12 "GUE: IP in UDP port 6080, decapsulated on the backend"

step "Decapsulation counters on the backends (tc-BPF maps)"
for be in be1 be2 be3; do info "$("$LAB" counters "$be" | head -1)"; done

step "Counters after the tunnel requests (sluice stat --once)"
stat_once | sed 's/^/    /'
counters_add_up

client_seen() { # client_seen VIP: the address and port the backend saw for one request (its X-Client header)
  ip netns exec sl-client curl -s -g -D - -o /dev/null --max-time 3 "http://$1/" 2>/dev/null | tr -d '\r' | awk -F': ' 'tolower($1) == "x-client" {print $2}'
}

step "Routing the backends' replies from their own addresses through the LB, for the nat VIP (lab.sh nat-route on)"
"$LAB" nat-route on | sed 's/^/    /'

step "Reconfiguring the running daemon: adding a nat VIP and a fullnat VIP, both to the backends' port 8080 (SIGHUP)"
cp "$SLUICE_HOME/lab/configs/demo-nat.yaml" "$CONFIG"
kill -HUP "$DAEMON_PID"
wait_for "generation 3" 10 sh -c "'$SLUICE_HOME/sluice' stat --once --file '$STATS' | grep -q 'generation 3'"

requests 192.0.2.13 "nat: the destination becomes backend:8080, the replies come back through the LB"
info "the backend saw the client as: $(client_seen 192.0.2.13) (nat keeps the client's address)"
requests 192.0.2.14 "fullnat: from the LB's NAT address 203.0.113.20 to backend:8080, nothing set up on the backends"
info "the backend saw the client as: $(client_seen 192.0.2.14) (fullnat: the LB's NAT address and a port of its pool)"

step "Counters after the NAT requests (sluice stat --once)"
stat_once | sed 's/^/    /'
counters_add_up

if [ "$FAILED" -eq 0 ]; then
  step "${G}Demo passed${N}: every request was answered, every backend served, the counters add up"
else
  step "${R}Demo failed${N}: $FAILED failure(s) above"
  exit 1
fi
