// The helper-thread plumbing of listServices on the host's generic netlink (no IPVS here):
// the worker boots from TypeScript, talks netlink on its own sockets and reports kernel
// errors back as NetlinkError with the errno.
import { describe, expect, it } from "vitest";
import { DestDumpPool } from "../../agent/ipvs/dest-dump-pool.ts";
import { NetlinkError } from "../../agent/netlink/genl.ts";

describe("DestDumpPool", () => {
  it("runs a share in a worker and returns kernel errors with their errno", async () => {
    // nlctrl (0x10) does not implement command 8 (GET_DEST's number): EOPNOTSUPP comes back.
    const pool = new DestDumpPool(1, 0x10, 1, 5000);
    try {
      const err = await pool.run(0, [Buffer.alloc(0)], ["ipv4"]).catch((e) => e);
      expect(err).toBeInstanceOf(NetlinkError);
      expect(err.errno).toBeGreaterThan(0);
      expect(["EOPNOTSUPP", "EINVAL", "ENOENT"]).toContain(err.code);
    } finally {
      pool.close();
    }
  });
});
