# Stage 2, PID 1 inside the guest (busybox sh, from the read-only checkout): kernel modules,
# the guest network, the persistent share, then the lab control daemon. PID 1 must never exit
# (the kernel would panic), so it ends in a loop that reaps orphans.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
echo "lab-stage2: guest $LAB_GUEST"
# /tmp stays the overlay's (writable, in RAM): a tmpfs over it would hide a checkout under /tmp.
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/lab/logs /run/netns /lib/modules /var/lib/lvs-lab
mount --bind "$LAB_KERNEL_DIR/lib/modules" /lib/modules
mount -t 9p -o trans=virtio,version=9p2000.L persist /var/lib/lvs-lab || echo "lab-stage2: no persistent share"
MODS="virtio_net veth bridge dummy ipip ip6_tunnel fou fou6 ip_gre ip6_gre nf_conntrack
  ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh
  ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh ip_vs_pe_sip"
for m in $MODS; do modprobe "$m" || echo "lab-stage2: modprobe $m failed"; done
hostname "$LAB_GUEST"
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
echo "lab-stage2: modules loaded, network up; starting the control daemon"
cd "$LAB_REPO"
node "$LAB_CONTROL_JS" > /run/lab/logs/control.log 2>&1 &
( sleep 60; grep -q listening /run/lab/logs/control.log || { echo "lab-stage2: control daemon failed:"; cat /run/lab/logs/control.log; } ) &
while :; do wait; sleep 1; done
