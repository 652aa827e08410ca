#!/bin/sh
# Traffic generator, run in a director's client namespace: HTTP GETs at about RATE requests
# per second, spread over the given targets (VIP:PORT ...). Busybox keeps it cheap under TCG.
# (Debian 12's static busybox wget segfaults with -T, and when run inside busybox sh: so plain
# sh runs the loop and `timeout` bounds each request.)
# usage: traffic.sh RATE TARGET...
RATE=$1; shift
[ "$RATE" -gt 0 ] 2>/dev/null || { echo "traffic: rate must be a positive integer" >&2; exit 2; }
PAUSE=$((1000000 / RATE))
while :; do
  for t in "$@"; do
    busybox timeout 3 busybox wget -q -O /dev/null "http://$t/" || echo "traffic: $t failed at $(date +%T)"
    busybox usleep "$PAUSE"
  done
done
