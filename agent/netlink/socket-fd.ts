// Finds the file descriptor behind a netlink socket of the npm `netlink` addon, which does not
// expose it: /proc/net/netlink maps the socket's port id to its inode, and /proc/self/fd maps
// the inode to our descriptor. With it the transport reads and writes synchronously (see
// channel.ts). Any doubt answers null, and the transport keeps the addon's asynchronous path.
import { fstatSync, readFileSync, readdirSync, readlinkSync } from "node:fs";

/** The inode of our netlink socket of `protocol` bound to `portId`, from /proc/net/netlink. */
export function netlinkSocketInode(table: string, protocol: number, portId: number): number | null {
  // columns: sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
  for (const line of table.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || Number(f[1]) !== protocol || Number(f[2]) !== portId) continue;
    const inode = Number(f[9]);
    return Number.isSafeInteger(inode) && inode > 0 ? inode : null;
  }
  return null;
}

/** Our descriptor of the netlink socket `protocol`/`portId`, or null when it cannot be proven. */
export function findNetlinkSocketFd(protocol: number, portId: number): number | null {
  try {
    const inode = netlinkSocketInode(readFileSync("/proc/net/netlink", "utf8"), protocol, portId);
    if (inode === null) return null;
    const want = `socket:[${inode}]`;
    for (const name of readdirSync("/proc/self/fd")) {
      let target: string;
      try {
        target = readlinkSync(`/proc/self/fd/${name}`);
      } catch {
        continue; // closed while we looked (readdir's own descriptor, for one)
      }
      if (target !== want) continue;
      const fd = Number(name);
      const st = fstatSync(fd);
      return st.isSocket() && st.ino === inode ? fd : null;
    }
  } catch {
    // no /proc, or another view of it: the asynchronous path still works
  }
  return null;
}
