# Makes IPVS connection entries quickly (benchmarks 3 and 4): one UDP datagram per
# (source address, source port) to a UDP virtual service, written on a raw socket so no
# socket has to be bound per port (Node.js has no raw sockets, hence Python). Each new
# source address:port becomes one entry on the director. Run in the client namespace:
#   python3 udp-conns.py VIP VPORT COUNT SRC1[,SRC2...] [FIRST_INDEX]
# Entries are numbered: index i uses source SRC[i // 64512], port 1024 + i % 64512, so a
# later run with FIRST_INDEX continues the sequence (or repeats it to fill gaps).
import socket
import struct
import sys

PORTS = 65536 - 1024

vip, vport, count, sources = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",")
first = int(sys.argv[5]) if len(sys.argv) > 5 else 0
if first + count > PORTS * len(sources):
    sys.exit(f"need more source addresses: {first + count} entries, {PORTS} ports each")

dst = socket.inet_aton(vip)
# IPPROTO_RAW implies IP_HDRINCL; the kernel fills in the total length, id and checksum.
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
payload = b"x"
for i in range(first, first + count):
    src = socket.inet_aton(sources[i // PORTS])
    udp = struct.pack("!HHHH", 1024 + i % PORTS, vport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 0, 0, 0, 64, 17, 0, src, dst)
    s.sendto(ip + udp, (vip, 0))
print(count)
