#!/bin/sh
# Builds one director inside the guest: its own network namespace (IPVS is per namespace),
# linked to the guest's root namespace for the agent relay and a default route, and one bridge
# (br0) joining a client namespace and the real-server namespaces, as on a real LVS segment:
#   client 172.16.0.2/24 --br0-- director 172.16.0.1/24 + 10.0.0.1/24, VIPs .100 (NAT), .200 (DR)
#                            \--- real servers 10.0.0.11.. (default gw 10.0.0.1; DR VIP on lo)
# DR replies leave the real servers straight to the client (policy route for the VIP source);
# NAT replies go back through the director, which rewrites them.
# usage: director.sh NAME INDEX NUM_REAL_SERVERS
set -eu
D=$1; I=$2; NRS=$3
NAT_VIP=172.16.0.100; DR_VIP=172.16.0.200
W=/run/lab/www

ip netns add "$D"
ip link add "u$I" type veth peer name uplink netns "$D"
ip addr add "10.254.$I.1/24" dev "u$I"
ip link set "u$I" up
ip -n "$D" link set lo up
ip -n "$D" addr add "10.254.$I.2/24" dev uplink
ip -n "$D" link set uplink up
# A default route: the kernel refuses real servers whose address has no route.
ip -n "$D" route add default via "10.254.$I.1"
ip -n "$D" link add br0 type bridge
ip -n "$D" addr add 172.16.0.1/24 dev br0
ip -n "$D" addr add 10.0.0.1/24 dev br0
ip -n "$D" addr add "$NAT_VIP/32" dev br0
ip -n "$D" addr add "$DR_VIP/32" dev br0
ip -n "$D" link set br0 up
ip netns exec "$D" sysctl -qw net.ipv4.ip_forward=1
# Clients and servers share one segment: redirects would tell them to bypass the director.
ip netns exec "$D" sysctl -qw net.ipv4.conf.all.send_redirects=0
ip netns exec "$D" sysctl -qw net.ipv4.conf.br0.send_redirects=0

attach() { # attach NS IFNAME: a veth from br0 into namespace NS, named eth0 there
  ip netns add "$1"
  ip -n "$D" link add "$2" type veth peer name eth0 netns "$1"
  ip -n "$D" link set "$2" master br0 up
  ip -n "$1" link set lo up
  ip -n "$1" link set eth0 up
}

attach "$D-c" client
ip -n "$D-c" addr add 172.16.0.2/24 dev eth0
ip -n "$D-c" route add default via 172.16.0.1

mkdir -p "$W"
j=1
while [ "$j" -le "$NRS" ]; do
  R="$D-rs$j"
  attach "$R" "rs$j"
  if [ "$j" -eq 1 ]; then
    # A management link from the guest's root namespace to the first real server, as a real
    # site's management network: the lab relays its realserver-role agent to the host over it.
    ip link add "m$I" type veth peer name mgmt netns "$R"
    ip addr add "10.253.$I.1/30" dev "m$I"
    ip link set "m$I" up
    ip -n "$R" addr add "10.253.$I.2/30" dev mgmt
    ip -n "$R" link set mgmt up
  fi
  ip -n "$R" addr add "10.0.0.1$j/24" dev eth0
  ip -n "$R" route add default via 10.0.0.1
  # DR: the VIP on lo, never answered or announced over ARP.
  ip -n "$R" addr add "$DR_VIP/32" dev lo
  ip netns exec "$R" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
  ip netns exec "$R" sysctl -qw net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
  # Replies from the DR VIP go straight to the client segment, not through the director.
  ip -n "$R" rule add from "$DR_VIP" table 100
  ip -n "$R" route add 172.16.0.0/24 dev eth0 table 100
  mkdir -p "$W/$R"
  printf '%s\n' "$R" > "$W/$R/index.html"
  j=$((j + 1))
done
echo "director $D ready"
