// Free TCP ports on the host's loopback, for QEMU's hostfwd.
import { createServer } from "node:net";

function onePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => (addr && typeof addr === "object" ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** n distinct free ports (they are free now; QEMU binds them moments later). */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await onePort());
  return [...ports];
}
