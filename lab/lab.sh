#!/usr/bin/env bash
# Sluice lab: a client, a router, two load balancers and three backends in network namespaces,
# joined by veths and a bridge, with real HTTP / UDP servers and a tc-BPF tunnel decapsulator on
# the backends; a second bridge, the sync network, joins the two LBs and a third namespace (the
# rogue, for forged sync messages). Nothing leaves the namespaces the lab creates; the root
# namespace gets nothing.
#
#   lab/lab.sh up                       (re)build everything, attach decap, start the backends
#   lab/lab.sh down                     remove everything the lab made (also after a crash)
#   lab/lab.sh status                   what exists, what runs, decap counters
#   lab/lab.sh backends start [beN...]  start backend servers (all by default), wait until they answer
#   lab/lab.sh backends stop [beN...]   stop backend servers (all by default)
#   lab/lab.sh counters [beN...]        decap counters, one line per backend: "be1 decapsulated=3 ipip=1 ..."
#   lab/lab.sh ecmp VIP lb1,lb2         route VIP (an address, or a prefix, in the VIP ranges) on the router
#                                       over both LBs: a multipath route, layer-4 hash (lb1 = sl-lb, lb2 = sl-lb2)
#   lab/lab.sh ecmp VIP lb2             route VIP over one LB only (an LB taken out of the ECMP set)
#   lab/lab.sh ecmp VIP off             remove VIP's own route: it follows the VIP range's route to lb1 again
#   lab/lab.sh via VIP ADDRESS          route VIP (an address or prefix in the VIP ranges, or a whole range) on the
#                                       router via ADDRESS on the LAN, e.g. a VRRP virtual address 203.0.113.100:
#                                       whichever LB answers ARP / ND for it gets the traffic
#   lab/lab.sh via VIP off              undo: VIP's own route removed, a whole range routed to lb1 again
#   lab/lab.sh nat-route on [--via NEXT]... [beN...]
#                                       replies of NAT services through an LB: on each backend (all by default)
#                                       a policy rule sends traffic FROM its LAN addresses to table 100, which
#                                       holds the LAN prefix (on-link) and a default route via lb1; NEXT is lb1,
#                                       lb2 (both families) or a LAN address such as a VRRP virtual address
#                                       203.0.113.100 / 2001:db8:113::100 (that family only: a family no --via
#                                       names then keeps its ordinary routing). Replies from a VIP (DSR, tunnels)
#                                       still go to the router; asking again only changes the next hops
#   lab/lab.sh nat-route off [beN...]   remove the rules and table 100 again (nothing there is no error)
#   lab/lab.sh pmtu on [MTU]            the router's routes to the client's prefixes get a locked MTU (1280 by
#                                       default): a larger packet with DF from the LAN makes the router send
#                                       frag-needed / packet-too-big to its source; the client's link stays 1500
#   lab/lab.sh pmtu off                 the MTU lock removed; the path MTU the hosts learnt is forgotten
#
# Topology and addresses: lab/README.md. Environment: JAVA_HOME (a JDK 25; found under
# /usr/lib/jvm when unset), SLUICE_LAB_LOCK (lock file, default /run/lock/sluice-lab.lock),
# SLUICE_LAB_CACHE (compiled decap objects and backend classes, by content hash; default
# lab/target/lab-cache).
set -Eeuo pipefail

LAB_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="$LAB_HOME/run"
LOCK_FILE="${SLUICE_LAB_LOCK:-/run/lock/sluice-lab.lock}"
# What up builds from sources (the decap objects, the backend server's class) is kept here under
# a hash of its inputs, so an up after the first one compiles nothing; down leaves it.
CACHE_DIR="${SLUICE_LAB_CACHE:-$LAB_HOME/target/lab-cache}"
BACKEND_READY_TIMEOUT_S=60

NS_CLIENT=sl-client
NS_ROUTER=sl-router
NS_LAN=sl-lan
NS_LB=sl-lb
NS_LB2=sl-lb2
NS_ROGUE=sl-rogue
BACKENDS=(be1 be2 be3)
NAMESPACES=("$NS_CLIENT" "$NS_ROUTER" "$NS_LAN" "$NS_LB" sl-be1 sl-be2 sl-be3 "$NS_LB2" "$NS_ROGUE")

BRIDGE=sl-br0
CLIENT_IF=sl-cl0           # in sl-client, peer of ROUTER_CLIENT_IF
ROUTER_CLIENT_IF=sl-rt-cl  # in sl-router
ROUTER_LAN_IF=sl-rt0       # in sl-router, peer of sl-br-rt on the bridge
LB_IF=sl-lb0               # in sl-lb, peer of sl-br-lb on the bridge; DPDK's port, no kernel addresses
LB_MGMT_IF=sl-lb-mgmt      # in sl-lb, peer of sl-br-mgmt on the bridge; the LB host's kernel interface
LB2_IF=sl-lb2-lan          # in sl-lb2, peer of sl-br-lb2 on the bridge; the second LB's DPDK port
LB2_MGMT_IF=sl-lb2-mgmt    # in sl-lb2, peer of sl-br-mgmt2 on the bridge
SYNC_BRIDGE=sl-sync0       # in sl-lan: the sync network, apart from the LAN (no router on it)
LB_SYNC_IF=sl-lb-sync      # in sl-lb, peer of sl-bs-lb on the sync bridge
LB2_SYNC_IF=sl-lb2-sync    # in sl-lb2, peer of sl-bs-lb2 on the sync bridge
ROGUE_SYNC_IF=sl-rogue0    # in sl-rogue, peer of sl-bs-rogue on the sync bridge

CLIENT_IPV4=198.51.100.2
CLIENT_IPV6=2001:db8:c::2
ROUTER_CLIENT_IPV4=198.51.100.1
ROUTER_CLIENT_IPV6=2001:db8:c::1
ROUTER_LAN_IPV4=203.0.113.1
ROUTER_LAN_IPV6=2001:db8:113::1
LB_IPV4=203.0.113.2
LB_IPV6=2001:db8:113::2
LB_MGMT_IPV4=203.0.113.3   # the LB host's own kernel address: health checks and the API go this way
LB_MGMT_IPV6=2001:db8:113::3
LB2_IPV4=203.0.113.4       # the second daemon's, on sl-lb2-lan
LB2_IPV6=2001:db8:113::4
LB2_MGMT_IPV4=203.0.113.5
LB2_MGMT_IPV6=2001:db8:113::5
# The sync network uses the benchmarking range (RFC 2544): the documentation ranges are all taken.
LB_SYNC_IPV4=198.18.0.1
LB_SYNC_IPV6=2001:db8:18::1
LB2_SYNC_IPV4=198.18.0.2
LB2_SYNC_IPV6=2001:db8:18::2
ROGUE_SYNC_IPV4=198.18.0.3
ROGUE_SYNC_IPV6=2001:db8:18::3
VIP_RANGE_IPV4=192.0.2.0/24
VIP_RANGE_IPV6=2001:db8:100::/64
VIPS_IPV4=(192.0.2.10 192.0.2.11 192.0.2.12)
VIPS_IPV6=(2001:db8:100::10 2001:db8:100::11 2001:db8:100::12)
LAN_PREFIX_IPV4=203.0.113.0/24
LAN_PREFIX_IPV6=2001:db8:113::/64
CLIENT_PREFIX_IPV4=198.51.100.0/24
CLIENT_PREFIX_IPV6=2001:db8:c::/64
# The backends' HTTP ports: 80 for DSR and tunnel services, 8080 for NAT services beside them.
BACKEND_HTTP_PORTS=(80 8080)
# nat-route: the policy rule's preference and the routing table it points to, in each backend.
NAT_ROUTE_PREF=100
NAT_ROUTE_TABLE=100
PMTU_DEFAULT=1280

# Fixed, locally administered MACs, so captures and static neighbour entries read the same on
# every run: 02:00 then the /24 of the link (c6:33:64 = 198.51.100, cb:00:71 = 203.0.113,
# c6:12:00 = 198.18.0) and the host number.
CLIENT_MAC=02:00:c6:33:64:02
ROUTER_CLIENT_MAC=02:00:c6:33:64:01
ROUTER_LAN_MAC=02:00:cb:00:71:01
LB_MAC=02:00:cb:00:71:02
LB_MGMT_MAC=02:00:cb:00:71:03
LB2_MAC=02:00:cb:00:71:04
LB2_MGMT_MAC=02:00:cb:00:71:05
LB_SYNC_MAC=02:00:c6:12:00:01
LB2_SYNC_MAC=02:00:c6:12:00:02
ROGUE_SYNC_MAC=02:00:c6:12:00:03

if [ -t 1 ]; then BOLD=$'\033[1m' RED=$'\033[1;31m' PLAIN=$'\033[0m'; else BOLD='' RED='' PLAIN=''; fi
say() { printf '%s[lab]%s %s\n' "$BOLD" "$PLAIN" "$*"; }
die() { printf '%s[lab] error:%s %s\n' "$RED" "$PLAIN" "$*" >&2; exit 1; }

backend_index() { echo "${1#be}"; }
backend_ns() { echo "sl-$1"; }
backend_if() { echo "sl-$1-lan"; }
backend_ipv4() { echo "203.0.113.1$(backend_index "$1")"; }
backend_ipv6() { echo "2001:db8:113::1$(backend_index "$1")"; }
backend_mac() { printf '02:00:cb:00:71:%02x' "$((10 + $(backend_index "$1")))"; }

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
set_sysctl() { local ns=$1; shift; local kv; for kv in "$@"; do in_ns "$ns" sysctl -qw "$kv" >/dev/null; done; }

# ---------------------------------------------------------------------------------------------
# prerequisites, lock, JDK

require_root() { [ "$(id -u)" -eq 0 ] || die "the lab creates network namespaces: run as root"; }

require_commands() {
  local missing=() command package
  for command in "$@"; do
    command -v "$command" >/dev/null 2>&1 && continue
    case "$command" in
      ip|tc) package=iproute2 ;;
      sysctl) package=procps ;;
      ping) package=iputils-ping ;;
      setsid|flock) package=util-linux ;;
      *) package=$command ;;
    esac
    missing+=("$command (Debian package $package)")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]}. Install with apt-get install, or run ./sluice setup"
}

# One lab.sh at a time changes the lab: namespaces are machine-wide. Children started in the
# background close the lock's descriptor so they do not hold it.
take_lock() {
  require_commands flock
  exec 9>"$LOCK_FILE"
  flock -w 120 9 || die "another lab.sh has held $LOCK_FILE for 2 minutes"
}

find_java() {
  if [ -n "${JAVA_HOME:-}" ] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
    echo "$JAVA_HOME/bin/java"
    return 0
  fi
  local candidate
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/jdk-25* /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/java" ] && "$candidate/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
      echo "$candidate/bin/java"
      return 0
    fi
  done
  die "no JDK 25 found for the backend servers (JAVA_HOME='${JAVA_HOME:-}', nothing under /usr/lib/jvm)"
}

on_error() {
  printf '%s[lab] error:%s "%s" failed (lab.sh line %s). The partial lab is left for inspection: lab.sh status; lab.sh down (or up again, which cleans first).\n' \
    "$RED" "$PLAIN" "$2" "$1" >&2
}

# ---------------------------------------------------------------------------------------------
# down

# Stops backend servers by the pids in their pid files: SIGTERM to all, then wait (SIGKILL after
# 5 s). A pid is signalled only while it still is that backend's server (pids get reused).
stop_backends() {
  local name pid_file pid pids=()
  for name in "$@"; do
    pid_file="$RUN_DIR/$name.pid"
    [ -f "$pid_file" ] || continue
    pid=$(cat "$pid_file")
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qE "BackendServer(\.java)? --name $name( |\$)"; then
      say "backends: stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$pid_file"
  done
  for pid in "${pids[@]}"; do
    wait_gone "$pid" || { say "backends: pid $pid ignored SIGTERM, killing it"; kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" || true; }
  done
}

# A process that exited but is not reaped yet (a zombie, state Z) counts as gone.
is_running() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

wait_gone() {
  local pid=$1 tenths
  for ((tenths = 0; tenths < 50; tenths++)); do
    is_running "$pid" || return 0
    sleep 0.1
  done
  return 1
}

# A process still inside a lab namespace (a backend whose pid file is lost, a daemon started with
# ip netns exec sl-lb, a tcpdump) would keep the namespace alive after its name is deleted.
kill_namespace_processes() {
  local ns=$1 pids pid
  read -ra pids <<<"$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ' || true)"
  [ ${#pids[@]} -gt 0 ] || return 0
  say "down: stopping processes still running in $ns: ${pids[*]}"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for pid in "${pids[@]}"; do
    wait_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
  done
}

# Every link of the lab lives in a lab namespace (each veth is created with both ends inside
# namespaces, in one command), so deleting the namespaces deletes the veths, the bridge and the
# decap programs attached to them; the root namespace never holds anything of the lab.
down() {
  local ns
  stop_backends "${BACKENDS[@]}"
  for ns in "${NAMESPACES[@]}"; do
    [ -e "/run/netns/$ns" ] || continue
    kill_namespace_processes "$ns"
    say "down: deleting namespace $ns and every interface in it"
    ip netns delete "$ns"
  done
  rm -rf "$RUN_DIR"
}

# ---------------------------------------------------------------------------------------------
# up

create_namespace() {
  local ns=$1
  say "up: creating namespace $ns (loopback up, IPv6 duplicate address detection off)"
  ip netns add "$ns"
  in_ns "$ns" ip link set dev lo up
  # Addresses are usable at once (no tentative state), link-local ones included.
  set_sysctl "$ns" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# veth pair with one queue each way: af_xdp binds queue 0 only, and a frame arrives on the rx
# queue numbered like the tx queue its sender hashed it to (veth defaults to one per CPU).
create_veth() {
  local ns_a=$1 if_a=$2 mac_a=$3 ns_b=$4 if_b=$5 mac_b=$6
  local address_a=() address_b=()
  [ -z "$mac_a" ] || address_a=(address "$mac_a")
  [ -z "$mac_b" ] || address_b=(address "$mac_b")
  say "up: veth $ns_a/$if_a <-> $ns_b/$if_b"
  in_ns "$ns_a" ip link add "$if_a" "${address_a[@]}" numtxqueues 1 numrxqueues 1 type veth \
    peer name "$if_b" "${address_b[@]}" numtxqueues 1 numrxqueues 1 netns "$ns_b"
  disable_offloads "$ns_a" "$if_a"
  disable_offloads "$ns_b" "$if_b"
}

# Offloads off on every veth end. veth offloads checksums by default: a TCP or UDP frame a kernel
# sends carries only the pseudo-header sum (CHECKSUM_PARTIAL) and the real checksum is never
# written, because no hardware will finish it. AF_PACKET and AF_XDP (DPDK's net_af_packet and
# net_af_xdp) hand those bytes over as they are, so the LB would forward frames with wrong
# checksums and the receiver's kernel would drop them. TSO / GSO would hand AF_PACKET 64 KB
# super-frames, which do not fit an mbuf and are never segmented; GRO would merge received
# frames the same way. With rx off nothing marks a frame as already verified, so every kernel in
# the lab checks the checksums the dataplane writes.
disable_offloads() {
  in_ns "$1" ethtool -K "$2" tx off rx off gso off tso off gro off >/dev/null 2>&1 || \
    die "ethtool -K $2 tx off rx off gso off tso off gro off failed in $1"
}

build_lan() {
  say "up: bridge $BRIDGE in $NS_LAN (the LAN switch: no addresses, no IPv6, no multicast snooping)"
  set_sysctl "$NS_LAN" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  # Without snooping the bridge floods all multicast, so neighbour solicitations reach the LB,
  # which does not send MLD reports for its solicited-node groups.
  in_ns "$NS_LAN" ip link add "$BRIDGE" type bridge stp_state 0 mcast_snooping 0
  in_ns "$NS_LAN" ip link set dev "$BRIDGE" up
}

attach_to_bridge() {
  local port=$1 bridge=${2:-$BRIDGE}
  in_ns "$NS_LAN" ip link set dev "$port" master "$bridge"
  in_ns "$NS_LAN" ip link set dev "$port" up
}

build_client() {
  create_veth "$NS_CLIENT" "$CLIENT_IF" "$CLIENT_MAC" "$NS_ROUTER" "$ROUTER_CLIENT_IF" "$ROUTER_CLIENT_MAC"
  say "up: client $CLIENT_IPV4/24 $CLIENT_IPV6/64 on $CLIENT_IF, default routes via the router"
  in_ns "$NS_CLIENT" ip address add "$CLIENT_IPV4/24" dev "$CLIENT_IF"
  in_ns "$NS_CLIENT" ip address add "$CLIENT_IPV6/64" dev "$CLIENT_IF" nodad
  in_ns "$NS_CLIENT" ip link set dev "$CLIENT_IF" up
  in_ns "$NS_CLIENT" ip route add default via "$ROUTER_CLIENT_IPV4"
  in_ns "$NS_CLIENT" ip -6 route add default via "$ROUTER_CLIENT_IPV6"
}

build_router() {
  say "up: router forwards IPv4 and IPv6; reverse-path filter off; multipath routes hash on layer 4 (lab.sh ecmp)"
  set_sysctl "$NS_ROUTER" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1
  # ICMP errors are not rate-limited on the router, so a test that makes it send one (lab.sh pmtu:
  # frag-needed, packet too big; time exceeded; unreachable) gets it every time. Linux limits the
  # types of the ratemask per peer (ratelimit ms) and in all (msgs_per_sec, which at 0 would allow
  # none); an empty mask exempts every type from both. Frag-needed and packet too big are exempt
  # by default anyway.
  say "up: router sends ICMP errors without rate limit (icmp_ratemask empty, ratelimit 0, IPv4 and IPv6)"
  set_sysctl "$NS_ROUTER" net.ipv4.icmp_ratemask=0 net.ipv4.icmp_ratelimit=0 \
    net.ipv6.icmp.ratemask= net.ipv6.icmp.ratelimit=0
  create_veth "$NS_ROUTER" "$ROUTER_LAN_IF" "$ROUTER_LAN_MAC" "$NS_LAN" sl-br-rt ""
  attach_to_bridge sl-br-rt
  say "up: router $ROUTER_CLIENT_IPV4/24 $ROUTER_CLIENT_IPV6/64 on $ROUTER_CLIENT_IF, $ROUTER_LAN_IPV4/24 $ROUTER_LAN_IPV6/64 on $ROUTER_LAN_IF"
  in_ns "$NS_ROUTER" ip address add "$ROUTER_CLIENT_IPV4/24" dev "$ROUTER_CLIENT_IF"
  in_ns "$NS_ROUTER" ip address add "$ROUTER_CLIENT_IPV6/64" dev "$ROUTER_CLIENT_IF" nodad
  in_ns "$NS_ROUTER" ip address add "$ROUTER_LAN_IPV4/24" dev "$ROUTER_LAN_IF"
  in_ns "$NS_ROUTER" ip address add "$ROUTER_LAN_IPV6/64" dev "$ROUTER_LAN_IF" nodad
  in_ns "$NS_ROUTER" ip link set dev "$ROUTER_CLIENT_IF" up
  in_ns "$NS_ROUTER" ip link set dev "$ROUTER_LAN_IF" up
  say "up: router routes the VIPs $VIP_RANGE_IPV4 via $LB_IPV4 and $VIP_RANGE_IPV6 via $LB_IPV6 (the LB's LAN addresses)"
  in_ns "$NS_ROUTER" ip route add "$VIP_RANGE_IPV4" via "$LB_IPV4" dev "$ROUTER_LAN_IF"
  in_ns "$NS_ROUTER" ip -6 route add "$VIP_RANGE_IPV6" via "$LB_IPV6" dev "$ROUTER_LAN_IF"
}

# The LB's kernel must never answer for the port DPDK owns: no address, no ARP, no IPv6 (no
# link-local address, router solicitation or MLD report), no forwarding. The Sluice daemon,
# started with ip netns exec sl-lb (or sl-lb2), owns the LB's LAN addresses on it.
# Arguments: namespace, DPDK interface, its MAC, its bridge port, management interface, its MAC,
# its bridge port, management IPv4, management IPv6.
build_lb() {
  local ns=$1 if=$2 mac=$3 port=$4 mgmt_if=$5 mgmt_mac=$6 mgmt_port=$7 mgmt_ipv4=$8 mgmt_ipv6=$9
  say "up: LB namespace $ns: IPv6 off by default, forwarding off"
  set_sysctl "$ns" net.ipv6.conf.default.disable_ipv6=1 net.ipv4.ip_forward=0
  create_veth "$ns" "$if" "$mac" "$NS_LAN" "$port" ""
  attach_to_bridge "$port"
  say "up: $ns/$if ($mac) for DPDK: no kernel address, ARP off, IPv6 disabled"
  set_sysctl "$ns" "net.ipv6.conf.$if.disable_ipv6=1"
  in_ns "$ns" ip link set dev "$if" arp off
  in_ns "$ns" ip link set dev "$if" up
  # A production LB host reaches its backends through a kernel interface too: health checks
  # (TCP, HTTP, ICMP) are ordinary sockets. Here that is a second veth on the same LAN.
  create_veth "$ns" "$mgmt_if" "$mgmt_mac" "$NS_LAN" "$mgmt_port" ""
  attach_to_bridge "$mgmt_port"
  say "up: $ns/$mgmt_if ($mgmt_mac) for the LB host's kernel (health checks): $mgmt_ipv4/24 $mgmt_ipv6/64"
  set_sysctl "$ns" "net.ipv6.conf.$mgmt_if.disable_ipv6=0"
  in_ns "$ns" ip address add "$mgmt_ipv4/24" dev "$mgmt_if"
  in_ns "$ns" ip address add "$mgmt_ipv6/64" dev "$mgmt_if" nodad
  in_ns "$ns" ip link set dev "$mgmt_if" up
}

# The sync network: a bridge of its own, no router, one kernel interface in each LB (the DPDK
# port is invisible to the kernel, and sync is ordinary sockets) and one in the rogue namespace,
# which tests use to send forged and replayed sync messages.
build_sync() {
  say "up: bridge $SYNC_BRIDGE in $NS_LAN (the sync network: no addresses, no router, no multicast snooping)"
  in_ns "$NS_LAN" ip link add "$SYNC_BRIDGE" type bridge stp_state 0 mcast_snooping 0
  in_ns "$NS_LAN" ip link set dev "$SYNC_BRIDGE" up
  add_sync_member "$NS_LB" "$LB_SYNC_IF" "$LB_SYNC_MAC" sl-bs-lb "$LB_SYNC_IPV4" "$LB_SYNC_IPV6"
  add_sync_member "$NS_LB2" "$LB2_SYNC_IF" "$LB2_SYNC_MAC" sl-bs-lb2 "$LB2_SYNC_IPV4" "$LB2_SYNC_IPV6"
  add_sync_member "$NS_ROGUE" "$ROGUE_SYNC_IF" "$ROGUE_SYNC_MAC" sl-bs-rogue "$ROGUE_SYNC_IPV4" "$ROGUE_SYNC_IPV6"
}

add_sync_member() {
  local ns=$1 if=$2 mac=$3 port=$4 ipv4=$5 ipv6=$6
  create_veth "$ns" "$if" "$mac" "$NS_LAN" "$port" ""
  attach_to_bridge "$port" "$SYNC_BRIDGE"
  say "up: $ns/$if ($mac) on the sync network: $ipv4/24 $ipv6/64"
  set_sysctl "$ns" "net.ipv6.conf.$if.disable_ipv6=0"
  in_ns "$ns" ip address add "$ipv4/24" dev "$if"
  in_ns "$ns" ip address add "$ipv6/64" dev "$if" nodad
  in_ns "$ns" ip link set dev "$if" up
}

build_backend() {
  local name=$1 ns if ipv4 ipv6 vip
  ns=$(backend_ns "$name"); if=$(backend_if "$name"); ipv4=$(backend_ipv4 "$name"); ipv6=$(backend_ipv6 "$name")
  # DSR: the VIPs live on lo; arp_ignore=1 answers ARP only for addresses of the interface the
  # request came in on, arp_announce=2 never uses a VIP as the source of an ARP request. IPv6
  # needs nothing: Linux answers a neighbour solicitation only for an address of the receiving
  # interface (the lab tests check both). rp_filter off: a backend takes client packets whatever
  # way they came (strict filtering would pass in this topology, not on multi-homed backends).
  say "up: backend $name: arp_ignore=1, arp_announce=2, rp_filter off, forwarding off"
  set_sysctl "$ns" net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.default.arp_ignore=1 \
    net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.default.arp_announce=2 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
    net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
  create_veth "$ns" "$if" "$(backend_mac "$name")" "$NS_LAN" "sl-br-$name" ""
  attach_to_bridge "sl-br-$name"
  say "up: backend $name $ipv4/24 $ipv6/64 on $if, default routes via the router, VIPs ${VIPS_IPV4[*]} ${VIPS_IPV6[*]} on lo"
  in_ns "$ns" ip address add "$ipv4/24" dev "$if"
  in_ns "$ns" ip address add "$ipv6/64" dev "$if" nodad
  for vip in "${VIPS_IPV4[@]}"; do
    in_ns "$ns" ip address add "$vip/32" dev lo
  done
  for vip in "${VIPS_IPV6[@]}"; do
    in_ns "$ns" ip address add "$vip/128" dev lo nodad
  done
  in_ns "$ns" ip link set dev "$if" up
  in_ns "$ns" ip route add default via "$ROUTER_LAN_IPV4"
  in_ns "$ns" ip -6 route add default via "$ROUTER_LAN_IPV6"
}

ipv4_word() {
  local IFS=.
  # shellcheck disable=SC2086
  set -- $1
  printf '0x%02x%02x%02x%02x' "$1" "$2" "$3" "$4"
}

# Sets WORDS to an IPv6 address as four 32-bit words, host order: 2001:db8:113::11 gives
# 0x20010db8 0x01130000 0x00000000 0x00000011.
ipv6_words() {
  local address=$1 head tail groups=() i
  if [[ $address == *::* ]]; then head=${address%%::*}; tail=${address##*::}; else head=$address; tail=''; fi
  local -a head_groups=() tail_groups=()
  [ -z "$head" ] || IFS=: read -ra head_groups <<<"$head"
  [ -z "$tail" ] || IFS=: read -ra tail_groups <<<"$tail"
  groups=("${head_groups[@]}")
  for ((i = ${#head_groups[@]} + ${#tail_groups[@]}; i < 8; i++)); do groups+=(0); done
  groups+=("${tail_groups[@]}")
  [ ${#groups[@]} -eq 8 ] || die "cannot parse IPv6 address $address"
  WORDS=()
  for i in 0 2 4 6; do
    WORDS+=("$(printf '0x%04x%04x' "$((16#${groups[i]}))" "$((16#${groups[i + 1]}))")")
  done
}

# A hash of the given strings and files: the key of a cached build product.
content_hash() {
  local item
  for item in "$@"; do
    if [ -f "$item" ]; then cat "$item"; else printf '%s\n' "$item"; fi
  done | sha256sum | cut -c1-32
}

# The program is compiled once per backend with its LAN addresses as constants, so it
# decapsulates only what is addressed to that backend. The object is cached under a hash of the
# source, the compiler's version and the command line: it is compiled again only when one changes.
attach_decap() {
  local name=$1 ns if object cached
  ns=$(backend_ns "$name"); if=$(backend_if "$name"); object="$RUN_DIR/decap-$name.o"
  ipv6_words "$(backend_ipv6 "$name")"
  local compile=(clang -O2 -g -Wall -Werror -target bpf -I"/usr/include/$(uname -m)-linux-gnu"
    -DLAN_IPV4="$(ipv4_word "$(backend_ipv4 "$name")")"
    -DLAN_IPV6_0="${WORDS[0]}" -DLAN_IPV6_1="${WORDS[1]}" -DLAN_IPV6_2="${WORDS[2]}" -DLAN_IPV6_3="${WORDS[3]}"
    -c "$LAB_HOME/bpf/decap.bpf.c")
  cached="$CACHE_DIR/decap-$(content_hash "$LAB_HOME/bpf/decap.bpf.c" "$(clang --version | head -n 1)" "${compile[*]}").o"
  if [ -f "$cached" ]; then
    say "up: decap for $name ($(backend_ipv4 "$name"), $(backend_ipv6 "$name")): compiled before from the same source and flags, $cached"
  else
    say "up: compiling bpf/decap.bpf.c for $name ($(backend_ipv4 "$name"), $(backend_ipv6 "$name")) with clang -O2 -target bpf"
    mkdir -p "$CACHE_DIR"
    "${compile[@]}" -o "$cached.$$"
    mv -f "$cached.$$" "$cached"
  fi
  cp "$cached" "$object"
  say "up: attaching decap to tc ingress of $ns/$if (clsact qdisc, direct action)"
  in_ns "$ns" tc qdisc add dev "$if" clsact
  in_ns "$ns" tc filter add dev "$if" ingress bpf direct-action obj "$object" sec tc
  # The counters map lives as long as the program is attached, the run directory no longer (down
  # removes both): its id is noted once here, so that reading the counters is one bpftool call.
  decap_map_id "$name" >"$RUN_DIR/decap-$name.map"
}

# Sets BACKEND_COMMAND to how a backend server is started: its class, compiled once with javac
# into the cache (a JVM then starts in a fraction of the source launcher's time, which compiles
# the source on every start); the source launcher when there is no javac beside java.
backend_command() {
  local java=$1 javac classes
  javac="$(dirname "$java")/javac"
  BACKEND_COMMAND=("$java" -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
  if [ ! -x "$javac" ]; then
    BACKEND_COMMAND+=("$LAB_HOME/backend/BackendServer.java")
    return 0
  fi
  classes="$CACHE_DIR/backend-$(content_hash "$LAB_HOME/backend/BackendServer.java" "$javac" "$(dirname "$(dirname "$java")")/release")"
  if [ ! -f "$classes/BackendServer.class" ]; then
    say "backends: compiling backend/BackendServer.java into $classes"
    mkdir -p "$CACHE_DIR"
    rm -rf "$classes.$$"
    "$javac" -d "$classes.$$" "$LAB_HOME/backend/BackendServer.java"
    rm -rf "$classes"
    mv "$classes.$$" "$classes"
  fi
  BACKEND_COMMAND+=(-cp "$classes" BackendServer)
}

check_reachable() {
  local name address
  for name in "${BACKENDS[@]}"; do
    for address in "$(backend_ipv4 "$name")" "$(backend_ipv6 "$name")"; do
      in_ns "$NS_CLIENT" ping -q -n -c 1 -W 2 "$address" >/dev/null || die "the client cannot ping $name at $address through the router"
    done
  done
  say "up: the client pings every backend through the router (IPv4 and IPv6)"
}

check_sync() {
  local from to address
  for from in "$NS_LB:$LB2_SYNC_IPV4" "$NS_LB:$LB2_SYNC_IPV6" "$NS_ROGUE:$LB_SYNC_IPV4" "$NS_ROGUE:$LB2_SYNC_IPV6"; do
    to=${from#*:}; from=${from%%:*}
    in_ns "$from" ping -q -n -c 1 -W 2 "$to" >/dev/null || die "$from cannot ping $to on the sync network"
  done
  say "up: the sync network joins sl-lb, sl-lb2 and sl-rogue (IPv4 and IPv6)"
}

kernel_supports_family_change() {
  # bpf_skb_adjust_room's BPF_F_ADJ_ROOM_DECAP_L3_IPV4/IPV6 flags (needed to decapsulate IPv6 in
  # IPv4 or IPv4 in IPv6) arrived in Linux 6.3.
  local major minor
  IFS=. read -r major minor _ <<<"$(uname -r)"
  [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "${minor%%[^0-9]*}" -ge 3 ]; }
}

up() {
  if ! kernel_supports_family_change; then
    say "warning: kernel $(uname -r) is older than 6.3: the backends cannot decapsulate tunnels whose inner family differs from the outer one (GUE 6in4 / 4in6); same-family IPIP and GUE work"
  fi
  local name
  require_commands ip tc ethtool sysctl clang curl ping setsid
  [ -f /usr/include/bpf/bpf_helpers.h ] || die "missing /usr/include/bpf/bpf_helpers.h (Debian package libbpf-dev)"
  say "up: removing whatever an earlier lab left"
  down
  mkdir -p "$RUN_DIR"
  trap 'on_error $LINENO "$BASH_COMMAND"' ERR
  for name in "${NAMESPACES[@]}"; do
    create_namespace "$name"
  done
  build_lan
  build_client
  build_router
  build_lb "$NS_LB" "$LB_IF" "$LB_MAC" sl-br-lb "$LB_MGMT_IF" "$LB_MGMT_MAC" sl-br-mgmt "$LB_MGMT_IPV4" "$LB_MGMT_IPV6"
  build_lb "$NS_LB2" "$LB2_IF" "$LB2_MAC" sl-br-lb2 "$LB2_MGMT_IF" "$LB2_MGMT_MAC" sl-br-mgmt2 "$LB2_MGMT_IPV4" "$LB2_MGMT_IPV6"
  build_sync
  for name in "${BACKENDS[@]}"; do
    build_backend "$name"
    attach_decap "$name"
  done
  check_reachable
  check_sync
  start_backends "${BACKENDS[@]}"
  trap - ERR
  say "up: done. The LB ports are $LB_IF in $NS_LB and $LB2_IF in $NS_LB2: ip netns exec $NS_LB sluice run ... (vdev net_af_packet0,iface=$LB_IF)"
}

# ---------------------------------------------------------------------------------------------
# backends

start_backends() {
  local java name ns pid deadline answer port
  java=$(find_java)
  backend_command "$java"
  mkdir -p "$RUN_DIR"
  for name in "$@"; do
    ns=$(backend_ns "$name")
    [ -e "/run/netns/$ns" ] || die "namespace $ns does not exist: run lab.sh up first"
    stop_backends "$name"
    say "backends: starting $name in $ns (HTTP on ports ${BACKEND_HTTP_PORTS[*]}, UDP echo on port 53; log $RUN_DIR/$name.log)"
    # setsid: the server outlives this script and the terminal; 9>&- drops the lab lock.
    setsid ip netns exec "$ns" "${BACKEND_COMMAND[@]}" --name "$name" --http-port "$(IFS=,; echo "${BACKEND_HTTP_PORTS[*]}")" \
      </dev/null >"$RUN_DIR/$name.log" 2>&1 9>&- &
    echo $! >"$RUN_DIR/$name.pid"
  done
  deadline=$((SECONDS + BACKEND_READY_TIMEOUT_S))
  for name in "$@"; do
    pid=$(cat "$RUN_DIR/$name.pid")
    for port in "${BACKEND_HTTP_PORTS[@]}"; do
      while :; do
        answer=$(in_ns "$(backend_ns "$name")" curl -s --max-time 1 "http://$(backend_ipv4 "$name"):$port/" 2>/dev/null || true)
        [ "$answer" != "$name" ] || break
        is_running "$pid" || die "backend $name exited: $(tail -n 20 "$RUN_DIR/$name.log")"
        [ "$SECONDS" -lt "$deadline" ] || die "backend $name does not answer on port $port after ${BACKEND_READY_TIMEOUT_S}s: $(tail -n 20 "$RUN_DIR/$name.log")"
        sleep 0.2
      done
    done
    say "backends: $name answers on http://$(backend_ipv4 "$name"):{$(IFS=,; echo "${BACKEND_HTTP_PORTS[*]}")}/ (pid $pid)"
  done
}

# Sets SELECTED to the backends named (all when none is), refusing unknown names.
select_backends() {
  local name
  SELECTED=("${BACKENDS[@]}")
  [ $# -gt 0 ] || return 0
  for name in "$@"; do
    [[ " ${BACKENDS[*]} " == *" $name "* ]] || die "unknown backend '$name' (backends: ${BACKENDS[*]})"
  done
  SELECTED=("$@")
}

backends() {
  local action=${1:-}
  [ $# -gt 0 ] && shift
  select_backends "$@"
  case "$action" in
    start) require_commands curl; start_backends "${SELECTED[@]}" ;;
    stop) stop_backends "${SELECTED[@]}" ;;
    *) die "usage: lab.sh backends start|stop [${BACKENDS[*]}]" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# counters and status

# tc ingress of the backend's interface -> program id -> its maps -> the id of the one named
# decap_stats; nothing when no program is attached.
decap_map_id() {
  local name=$1 ns if prog_id map_id
  ns=$(backend_ns "$name"); if=$(backend_if "$name")
  prog_id=$(in_ns "$ns" bpftool -j net show dev "$if" 2>/dev/null | jq -r '.[0].tc[]? | select(.kind == "clsact/ingress") | .id' | head -n 1)
  [ -n "$prog_id" ] || return 0
  map_id=$(bpftool -j prog show id "$prog_id" | jq -r '.map_ids[]' | while read -r id; do
    bpftool -j map show id "$id" | jq -r 'select(.name == "decap_stats") | .id'
  done | head -n 1)
  [ -n "$map_id" ] || die "program $prog_id on $ns/$if has no decap_stats map"
  echo "$map_id"
}

# The map id noted when up attached the program, else looked up now.
decap_counters() {
  local name=$1 map_id=''
  [ ! -s "$RUN_DIR/decap-$name.map" ] || map_id=$(cat "$RUN_DIR/decap-$name.map")
  [ -n "$map_id" ] || map_id=$(decap_map_id "$name")
  [ -n "$map_id" ] || { echo "$name decap=not-attached"; return 0; }
  bpftool -j map dump id "$map_id" | jq -r --arg name "$name" \
    '.[0].formatted.value | $name + " " + (to_entries | map(.key + "=" + (.value | tostring)) | join(" "))'
}

counters() {
  local name
  require_commands bpftool jq
  select_backends "$@"
  for name in "${SELECTED[@]}"; do
    [ -e "/run/netns/$(backend_ns "$name")" ] || die "namespace $(backend_ns "$name") does not exist: run lab.sh up first"
    decap_counters "$name"
  done
}

status() {
  local ns name pid state
  for ns in "${NAMESPACES[@]}"; do
    if [ -e "/run/netns/$ns" ]; then
      say "$ns:"
      in_ns "$ns" ip -br address show | grep -v '^lo ' | sed 's/^/      /' || true
    else
      say "$ns: absent"
    fi
  done
  for name in "${BACKENDS[@]}"; do
    state=stopped
    if [ -f "$RUN_DIR/$name.pid" ]; then
      pid=$(cat "$RUN_DIR/$name.pid")
      if is_running "$pid"; then state="running (pid $pid)"; else state="dead (pid $pid, log $RUN_DIR/$name.log)"; fi
    fi
    say "backend $name: $state"
  done
  for name in "${BACKENDS[@]}"; do
    [ -e "/run/netns/$(backend_ns "$name")" ] && say "nat-route $(nat_route_state "$name")"
  done
  [ -e "/run/netns/$NS_ROUTER" ] && say "pmtu $(pmtu_state)"
  if command -v bpftool >/dev/null && command -v jq >/dev/null; then
    for name in "${BACKENDS[@]}"; do
      [ -e "/run/netns/$(backend_ns "$name")" ] && say "decap $(decap_counters "$name")"
    done
  fi
  return 0
}

# ---------------------------------------------------------------------------------------------
# ECMP on the router (active-active)

# The LAN address of an LB by its name (lb1 = sl-lb, lb2 = sl-lb2) and family (-4 or -6).
lb_lan_address() {
  case "$1$2" in
    lb1-4) echo "$LB_IPV4" ;;
    lb1-6) echo "$LB_IPV6" ;;
    lb2-4) echo "$LB2_IPV4" ;;
    lb2-6) echo "$LB2_IPV6" ;;
    *) die "unknown load balancer '$1' (load balancers: lb1 lb2)" ;;
  esac
}

# The route up installs (VIP range via lb1) stays: a VIP's own route is more specific, so it wins
# while it exists, and removing it gives the VIP back to the range route. The router hashes flows
# over a multipath route by addresses, ports and protocol (fib_multipath_hash_policy=1, set by
# up), so each TCP or UDP flow stays on one LB and different flows spread.
ecmp() {
  local vip=${1:-} set=${2:-} family prefix names name address nexthops=() seen=' '
  [ $# -eq 2 ] && [ -n "$vip" ] && [ -n "$set" ] || die "usage: lab.sh ecmp VIP lb1,lb2|lb1|lb2|off"
  [ -e "/run/netns/$NS_ROUTER" ] || die "namespace $NS_ROUTER does not exist: run lab.sh up first"
  if [[ $vip == *:* ]]; then
    family=-6; prefix=$vip; [[ $vip == */* ]] || prefix="$vip/128"
    # 2001:db8:100::/64 -> 2001:db8:100: (every address of the range starts so)
    [[ $vip == "${VIP_RANGE_IPV6%:/64}"* ]] || die "$vip is not in the VIP range $VIP_RANGE_IPV6"
  else
    family=-4; prefix=$vip; [[ $vip == */* ]] || prefix="$vip/32"
    # 192.0.2.0/24 -> 192.0.2.
    [[ $vip == "${VIP_RANGE_IPV4%0/24}"* ]] || die "$vip is not in the VIP range $VIP_RANGE_IPV4"
  fi
  if [ "$set" = off ]; then
    if [ -n "$(in_ns "$NS_ROUTER" ip "$family" route show exact "$prefix")" ]; then
      in_ns "$NS_ROUTER" ip "$family" route del "$prefix"
    fi
    say "ecmp: $prefix has no route of its own: it follows the VIP range's route (lb1)"
    return 0
  fi
  IFS=, read -ra names <<<"$set"
  for name in "${names[@]}"; do
    [[ $seen != *" $name "* ]] || die "load balancer '$name' named twice in '$set'"
    seen+="$name "
    address=$(lb_lan_address "$name" "$family")
    nexthops+=(nexthop via "$address" dev "$ROUTER_LAN_IF")
  done
  [ ${#names[@]} -gt 0 ] || die "usage: lab.sh ecmp VIP lb1,lb2|lb1|lb2|off"
  if [ ${#names[@]} -eq 1 ]; then
    in_ns "$NS_ROUTER" ip "$family" route replace "$prefix" via "$address" dev "$ROUTER_LAN_IF"
  else
    in_ns "$NS_ROUTER" ip "$family" route replace "$prefix" "${nexthops[@]}"
  fi
  say "ecmp: the router sends $prefix to ${names[*]}: $(in_ns "$NS_ROUTER" ip "$family" route show exact "$prefix" | tr -s ' \t\n' ' ')"
}

# The LAN's prefixes as the ranges' test below reads them: 203.0.113.0/24 -> 203.0.113.
lan_prefix() {
  case "$1" in
    -4) echo "${ROUTER_LAN_IPV4%.*}." ;;
    -6) echo "${ROUTER_LAN_IPV6%::*}:" ;;
  esac
}

# A VIP, a prefix of the VIP ranges or a whole range gets a route via one next hop on the LAN: an
# address no LB owns for good, such as a VRRP virtual address, which the router resolves with ARP /
# ND, so the LB that answers for it now gets the traffic. "off" gives a VIP's own route up (the VIP
# follows its range again) and a whole range its route to lb1 back, as up made it.
via() {
  local vip=${1:-} next=${2:-} family prefix range lb1
  [ $# -eq 2 ] && [ -n "$vip" ] && [ -n "$next" ] || die "usage: lab.sh via RANGE-OR-VIP ADDRESS|off"
  [ -e "/run/netns/$NS_ROUTER" ] || die "namespace $NS_ROUTER does not exist: run lab.sh up first"
  if [[ $vip == *:* ]]; then
    family=-6; range=$VIP_RANGE_IPV6; lb1=$LB_IPV6; prefix=$vip; [[ $vip == */* ]] || prefix="$vip/128"
    [[ $vip == "${VIP_RANGE_IPV6%:/64}"* ]] || die "$vip is not in the VIP range $VIP_RANGE_IPV6"
  else
    family=-4; range=$VIP_RANGE_IPV4; lb1=$LB_IPV4; prefix=$vip; [[ $vip == */* ]] || prefix="$vip/32"
    [[ $vip == "${VIP_RANGE_IPV4%0/24}"* ]] || die "$vip is not in the VIP range $VIP_RANGE_IPV4"
  fi
  if [ "$next" = off ]; then
    if [ "$prefix" = "$range" ]; then
      in_ns "$NS_ROUTER" ip "$family" route replace "$range" via "$lb1" dev "$ROUTER_LAN_IF"
      say "via: $range goes to lb1 ($lb1) again, as up made it"
    else
      if [ -n "$(in_ns "$NS_ROUTER" ip "$family" route show exact "$prefix")" ]; then
        in_ns "$NS_ROUTER" ip "$family" route del "$prefix"
      fi
      say "via: $prefix has no route of its own: it follows the VIP range's route"
    fi
    return 0
  fi
  if [[ $next == *:* ]]; then [ "$family" = -6 ] || die "$next is IPv6, $vip is IPv4: give a next hop of the VIP's family"
  else [ "$family" = -4 ] || die "$next is IPv4, $vip is IPv6: give a next hop of the VIP's family"; fi
  [[ $next != */* && $next == "$(lan_prefix "$family")"* ]] || die "$next is not an address on the LAN ($ROUTER_LAN_IPV4/24, $ROUTER_LAN_IPV6/64)"
  in_ns "$NS_ROUTER" ip "$family" route replace "$prefix" via "$next" dev "$ROUTER_LAN_IF"
  say "via: the router sends $prefix to $next, whoever answers ARP / ND for it: $(in_ns "$NS_ROUTER" ip "$family" route show exact "$prefix" | tr -s ' \t\n' ' ')"
}

# nat-route and pmtu, for the NAT tests: functions of this script kept in a file of their own.
# shellcheck source=lab-nat.sh
source "$LAB_HOME/lab-nat.sh"

usage() {
  sed -n '2,/^set -/p' "$0" | sed -e '/^set -/d' -e 's/^# \{0,1\}//'
  exit "${1:-0}"
}

main() {
  local command=${1:-}
  [ $# -gt 0 ] && shift
  case "$command" in
    up) require_root; take_lock; up ;;
    down) require_root; take_lock; down; say "down: the lab is gone" ;;
    status) require_root; status ;;
    backends) require_root; take_lock; backends "$@" ;;
    counters) require_root; counters "$@" ;;
    ecmp) require_root; take_lock; ecmp "$@" ;;
    via) require_root; take_lock; via "$@" ;;
    nat-route) require_root; take_lock; nat_route "$@" ;;
    pmtu) require_root; take_lock; pmtu "$@" ;;
    -h|--help|help) usage 0 ;;
    *) usage 2 ;;
  esac
}

main "$@"
