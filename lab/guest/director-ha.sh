#!/bin/sh
# Builds the `ha` topology inside one guest: two directors dir1 and dir2 on ONE shared L2
# segment (bridge br0 in namespace `lan`) with a client and the real servers, as a real LVS
# pair is wired. Each director keeps its own management uplink (agent relay, default route)
# apart from the segment. The VIPs are not added here: keepalived floats them.
#   guest root ns -- u<n> 10.254.<n>.1 == uplink 10.254.<n>.2 -- dir<n>   (management)
#   lan: br0 --- d<n>  (dir<n>'s eth1: 172.16.0.1<n>/24, 10.0.0.<n+1>/24)
#            --- c1    client1 172.16.0.2/24
#            --- rs<j> rs<j> 10.0.0.1<j>/24, default via 10.0.0.1 (the floating internal VIP)
# usage: director-ha.sh NUM_REAL_SERVERS
set -eu
NRS=$1
DR_VIP=172.16.0.200
W=/run/lab/www

ip netns add lan
ip -n lan link set lo up
ip -n lan link add br0 type bridge
ip -n lan link set br0 up

port() { # port NS PEER_IN_LAN: a veth from br0 into NS, named $3 there (default eth0)
  ip -n lan link add "$2" type veth peer name "${3:-eth0}" netns "$1"
  ip -n lan link set "$2" master br0 up
  ip -n "$1" link set lo up
  ip -n "$1" link set "${3:-eth0}" up
}

for n in 1 2; do
  D="dir$n"
  ip netns add "$D"
  ip link add "u$n" type veth peer name uplink netns "$D"
  ip addr add "10.254.$n.1/24" dev "u$n"
  ip link set "u$n" up
  ip -n "$D" addr add "10.254.$n.2/24" dev uplink
  port "$D" "d$n" eth1
  ip -n "$D" link set uplink up
  # A default route: the kernel refuses real servers whose address has no route.
  ip -n "$D" route add default via "10.254.$n.1"
  ip -n "$D" addr add "172.16.0.1$n/24" dev eth1
  ip -n "$D" addr add "10.0.0.$((n + 1))/24" dev eth1
  ip netns exec "$D" sysctl -qw net.ipv4.ip_forward=1
  # Clients and servers share the segment: redirects would tell them to bypass the director.
  ip netns exec "$D" sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.eth1.send_redirects=0
done

ip netns add client1
port client1 c1
ip -n client1 addr add 172.16.0.2/24 dev eth0

mkdir -p "$W"
j=1
while [ "$j" -le "$NRS" ]; do
  R="rs$j"
  ip netns add "$R"
  port "$R" "rs$j"
  if [ "$j" -eq 1 ]; then
    # the realserver-role agent's management link, as in director.sh
    ip link add m1 type veth peer name mgmt netns "$R"
    ip addr add 10.253.1.1/30 dev m1
    ip link set m1 up
    ip -n "$R" addr add 10.253.1.2/30 dev mgmt
    ip -n "$R" link set mgmt up
  fi
  ip -n "$R" addr add "10.0.0.1$j/24" dev eth0
  ip -n "$R" route add default via 10.0.0.1
  # DR: the VIP on lo, never answered or announced over ARP.
  ip -n "$R" addr add "$DR_VIP/32" dev lo
  ip netns exec "$R" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
  ip netns exec "$R" sysctl -qw net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
  # Replies from the DR VIP go straight to the client segment, not through a director.
  ip -n "$R" rule add from "$DR_VIP" table 100
  ip -n "$R" route add 172.16.0.0/24 dev eth0 table 100
  mkdir -p "$W/$R"
  printf '%s\n' "$R" > "$W/$R/index.html"
  # a large file for slow downloads that must survive a failover (4 MiB)
  head -c 4194304 /dev/zero > "$W/$R/big"
  j=$((j + 1))
done
echo "ha pair ready"
