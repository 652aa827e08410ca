#!/bin/busybox sh
# Stage 1, inside the initramfs: load the virtio/9p/overlay modules, mount the host's root
# read-only over 9p with a tmpfs overlay on top, and switch_root into it. Stage 2 then runs from
# the checkout (lab/guest/stage2.sh). LAB_* variables come from the kernel command line.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "lab-init: stage 1"
# Order matters: virtio before virtio_ring fails with unknown symbols.
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay; do
  insmod "/modules/$m.ko" || echo "lab-init: insmod $m failed"
done
mkdir -p /lower /rw /newroot
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,${LAB_9P_MSIZE:+msize=$LAB_9P_MSIZE,}cache=${LAB_9P_CACHE:-loose} hostroot /lower; then
  echo "lab-init: FATAL cannot mount the host root over 9p"; sleep 2; echo o > /proc/sysrq-trigger
fi
mount -t tmpfs -o size=70% tmpfs /rw
mkdir -p /rw/upper /rw/work
if ! mount -t overlay overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /newroot; then
  echo "lab-init: FATAL overlay mount failed"; sleep 2; echo o > /proc/sysrq-trigger
fi
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/busybox sh "$LAB_REPO/lab/guest/stage2.sh"
