# Part of lab/lab.sh, sourced by it (not a command of its own): the commands that prepare the lab
# for NAT forwarding tests. "nat-route" gives the backends source-based return routing through an
# LB; "pmtu" makes the router's path to the client smaller than the LAN's. Both change only the
# lab's namespaces, so lab.sh down (and up) removes whatever they did. Usage: the header of lab.sh
# and lab/README.md.
# shellcheck shell=bash

# ---------------------------------------------------------------------------------------------
# NAT return routing on the backends

# Refuses an address that is not on the LAN of its family.
require_lan_address() {
  local family=$1 address=$2
  [[ $address != */* && $address == "$(lan_prefix "$family")"* ]] || \
    die "$address is not an address on the LAN ($LAN_PREFIX_IPV4, $LAN_PREFIX_IPV6)"
}

# In nat mode the LB rewrites only the destination, so a backend answers the client from its own
# LAN address and the answer must pass the LB again to get the VIP back as its source. The main
# table stays as up made it (default via the router): DSR and tunnel replies leave from a VIP and
# must keep going to the router. A rule picks traffic by its source, the backend's LAN address, and
# sends it to a table of its own that routes the LAN on-link (health checks from the LB hosts,
# the router and the other backends stay direct) and everything else via the LB. Only the local
# table (rule 0) comes first, so traffic to the backend's own addresses stays local.
nat_route() {
  local action=${1:-} via4='' via6='' next name names=()
  local usage="usage: lab.sh nat-route on [--via lb1|lb2|ADDRESS]... [beN...] | lab.sh nat-route off [beN...]"
  [ $# -gt 0 ] && shift
  case "$action" in on|off) ;; *) die "$usage" ;; esac
  while [ $# -gt 0 ]; do
    case "$1" in
      --via)
        [ "$action" = on ] && [ $# -ge 2 ] || die "$usage"
        next=$2
        shift 2
        case "$next" in
          lb1|lb2) via4=$(lb_lan_address "$next" -4); via6=$(lb_lan_address "$next" -6) ;;
          *:*) require_lan_address -6 "$next"; via6=$next ;;
          *) require_lan_address -4 "$next"; via4=$next ;;
        esac
        ;;
      -*) die "unknown option $1 ($usage)" ;;
      *) names+=("$1"); shift ;;
    esac
  done
  if [ "$action" = on ] && [ -z "$via4$via6" ]; then
    via4=$LB_IPV4
    via6=$LB_IPV6
  fi
  select_backends "${names[@]}"
  for name in "${SELECTED[@]}"; do
    [ -e "/run/netns/$(backend_ns "$name")" ] || die "namespace $(backend_ns "$name") does not exist: run lab.sh up first"
    nat_route_family "$name" -4 "$via4"
    nat_route_family "$name" -6 "$via6"
    say "nat-route: $(nat_route_state "$name")"
  done
}

# One backend, one family: the table's routes replaced (so that asking again, or for another next
# hop, changes them in place and the rule never points at an empty table) and the rule added once;
# without a next hop the rule and the table are removed.
nat_route_family() {
  local name=$1 family=$2 via=$3 ns if address prefix
  ns=$(backend_ns "$name"); if=$(backend_if "$name")
  if [ "$family" = -4 ]; then address=$(backend_ipv4 "$name"); prefix=$LAN_PREFIX_IPV4
  else address=$(backend_ipv6 "$name"); prefix=$LAN_PREFIX_IPV6; fi
  if [ -z "$via" ]; then
    while in_ns "$ns" ip "$family" rule del pref "$NAT_ROUTE_PREF" 2>/dev/null; do :; done
    # Flushing an IPv4 table that never existed is an error; an empty one is not.
    if in_ns "$ns" ip "$family" route show table "$NAT_ROUTE_TABLE" 2>/dev/null | grep -q .; then
      in_ns "$ns" ip "$family" route flush table "$NAT_ROUTE_TABLE"
    fi
    return 0
  fi
  in_ns "$ns" ip "$family" route replace "$prefix" dev "$if" src "$address" table "$NAT_ROUTE_TABLE"
  in_ns "$ns" ip "$family" route replace default via "$via" dev "$if" table "$NAT_ROUTE_TABLE"
  if [ -z "$(in_ns "$ns" ip "$family" rule show pref "$NAT_ROUTE_PREF")" ]; then
    in_ns "$ns" ip "$family" rule add pref "$NAT_ROUTE_PREF" from "$address" table "$NAT_ROUTE_TABLE"
  fi
}

# "be1 ipv4=203.0.113.2 ipv6=2001:db8:113::2": the next hop of the traffic from each LAN address,
# "off" for a family without the rule.
nat_route_state() {
  local name=$1 ns family state=$1 via
  ns=$(backend_ns "$name")
  for family in -4 -6; do
    via=off
    if [ -n "$(in_ns "$ns" ip "$family" rule show pref "$NAT_ROUTE_PREF")" ]; then
      via=$(in_ns "$ns" ip "$family" route show default table "$NAT_ROUTE_TABLE" | awk '{ print $3; exit }')
    fi
    state+=" ipv${family#-}=${via:-none}"
  done
  echo "$state"
}

# ---------------------------------------------------------------------------------------------
# A smaller MTU on the path to the client

# A locked route MTU limits what the router forwards on that route (a route's MTU, unlike a
# device's, is applied to forwarded packets only when locked), so a packet from the LAN larger
# than it, with DF set (IPv6: always), gets frag-needed / packet too big from the router's LAN
# address, sent to the packet's source. The client's interface keeps MTU 1500, so the MSS the
# client announces does not hide the problem. IPv4: the kernel's prefix route itself gets the
# lock (no metric wins over its 0) and gets it removed again; IPv6: a route of its own with
# metric 1, ahead of the kernel's 256, removed again. A veth's own MTU is no substitute: veth
# drops a frame longer than its peer's MTU silently, with no ICMP.
pmtu() {
  local action=${1:-} mtu=${2:-$PMTU_DEFAULT} lock=()
  case "$action" in
    on) [ $# -le 2 ] ;;
    off) [ $# -eq 1 ] ;;
    *) false ;;
  esac || die "usage: lab.sh pmtu on [MTU] | lab.sh pmtu off"
  [[ $mtu =~ ^[0-9]+$ ]] && [ "$mtu" -ge 1280 ] && [ "$mtu" -lt 1500 ] || \
    die "the path MTU is 1280 (the IPv6 minimum) to 1499, not '$mtu'"
  [ -e "/run/netns/$NS_ROUTER" ] || die "namespace $NS_ROUTER does not exist: run lab.sh up first"
  if [ "$action" = on ]; then
    lock=(mtu lock "$mtu")
    in_ns "$NS_ROUTER" ip -6 route replace "$CLIENT_PREFIX_IPV6" dev "$ROUTER_CLIENT_IF" metric 1 "${lock[@]}"
  elif [ -n "$(in_ns "$NS_ROUTER" ip -6 route show exact "$CLIENT_PREFIX_IPV6" metric 1)" ]; then
    in_ns "$NS_ROUTER" ip -6 route del "$CLIENT_PREFIX_IPV6" dev "$ROUTER_CLIENT_IF" metric 1
  fi
  in_ns "$NS_ROUTER" ip route replace "$CLIENT_PREFIX_IPV4" dev "$ROUTER_CLIENT_IF" proto kernel scope link \
    src "$ROUTER_CLIENT_IPV4" "${lock[@]}"
  forget_path_mtu
  say "pmtu: $(pmtu_state)"
}

# Every lab host forgets the path MTUs it learnt (IPv4 and IPv6 route exceptions), so that each
# test starts from the device MTU whatever an earlier one left.
forget_path_mtu() {
  local ns
  for ns in "${NAMESPACES[@]}"; do
    [ -e "/run/netns/$ns" ] && [ "$ns" != "$NS_LAN" ] || continue
    in_ns "$ns" ip route flush cache
    in_ns "$ns" ip -6 route flush cache
  done
}

# "ipv4=1280 ipv6=1280" (the locked MTUs of the router's routes to the client), "off" for none.
pmtu_state() {
  local ipv4 ipv6
  ipv4=$(in_ns "$NS_ROUTER" ip route show exact "$CLIENT_PREFIX_IPV4" | sed -n 's/.* mtu lock \([0-9]*\).*/\1/p' | head -n 1)
  ipv6=$(in_ns "$NS_ROUTER" ip -6 route show exact "$CLIENT_PREFIX_IPV6" | sed -n 's/.* mtu lock \([0-9]*\).*/\1/p' | head -n 1)
  echo "ipv4=${ipv4:-off} ipv6=${ipv6:-off}"
}
