// The GET_DEST request of a listing is built from the service's reply bytes (no address
// formatting and re-parsing): it must be what encodeServiceKey would send for that service.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeServiceFull, encodeServiceKey } from "../../agent/ipvs/codec-service.ts";
import { serviceKeyAttrsFromMessage } from "../../agent/ipvs/codec-service-fast.ts";
import { encodeStats64 } from "../../agent/ipvs/codec-stats.ts";
import { K } from "../../agent/ipvs/constants.ts";
import { AttrWriter } from "../../agent/netlink/attrs.ts";
import { genlMessage } from "./ipvs-fake.ts";
import { service, stats } from "./ipvs-arbitraries.ts";

describe("serviceKeyAttrsFromMessage", () => {
  it("copies exactly the key attributes encodeServiceKey writes, whatever follows them", () => {
    fc.assert(
      fc.property(service, stats, (svc, st) => {
        const full = encodeServiceFull(svc);
        const w = new AttrWriter();
        encodeStats64(w, K.IPVS_SVC_ATTR_STATS64, st);
        const body = Buffer.concat([full.subarray(4), w.finish()]);
        const head = Buffer.alloc(4);
        head.writeUInt16LE(body.length + 4, 0);
        head.writeUInt16LE(K.IPVS_CMD_ATTR_SERVICE, 2);
        const msg = genlMessage(7, K.IPVS_CMD_NEW_SERVICE, Buffer.concat([head, body]));
        expect(serviceKeyAttrsFromMessage(msg).equals(encodeServiceKey(svc.key))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a reply without a SERVICE container or with a broken attribute", () => {
    expect(() => serviceKeyAttrsFromMessage(genlMessage(7, K.IPVS_CMD_NEW_SERVICE, Buffer.alloc(0)))).toThrow(/without a SERVICE/);
    const broken = Buffer.from([12, 0, K.IPVS_CMD_ATTR_SERVICE, 0, 40, 0, 1, 0, 2, 0, 0, 0]);
    expect(() => serviceKeyAttrsFromMessage(genlMessage(7, K.IPVS_CMD_NEW_SERVICE, broken))).toThrow(/length 40/);
  });
});
