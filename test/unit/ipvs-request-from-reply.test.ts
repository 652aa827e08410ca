// The GET_DEST request of a listing is built from the service's reply bytes (no address
// formatting and re-parsing), written in place into the listing's request block: it must be
// what encodeServiceKey would send for that service.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeServiceFull, encodeServiceKey } from "@/agent/ipvs/codec-service.ts";
import { SERVICE_KEY_CONTAINER_MAX, writeServiceKeyContainer } from "@/agent/ipvs/codec-service-fast.ts";
import { encodeStats64 } from "@/agent/ipvs/codec-stats.ts";
import { K } from "@/agent/ipvs/constants.ts";
import { AttrWriter } from "@/agent/netlink/attrs.ts";
import { service, stats } from "./ipvs-arbitraries.ts";

describe("writeServiceKeyContainer", () => {
  it("copies exactly the key attributes encodeServiceKey writes, whatever follows them, at any offset", () => {
    fc.assert(
      fc.property(service, stats, fc.integer({ min: 0, max: 64 }), (svc, st, offset) => {
        const full = encodeServiceFull(svc);
        const w = new AttrWriter();
        encodeStats64(w, K.IPVS_SVC_ATTR_STATS64, st);
        // a reply's SERVICE container payload: the full service, then its counters
        const body = Buffer.concat([full.subarray(4), w.finish()]);
        const out = Buffer.alloc(offset + SERVICE_KEY_CONTAINER_MAX, 0xee);
        const end = writeServiceKeyContainer(body, 0, body.length, out, offset);
        expect(out.subarray(offset, end).equals(encodeServiceKey(svc.key))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a broken attribute and key attributes that would not fit", () => {
    const broken = Buffer.from([40, 0, 1, 0, 2, 0, 0, 0]);
    expect(() => writeServiceKeyContainer(broken, 0, broken.length, Buffer.alloc(64), 0)).toThrow(/length 40/);
    const fwmark = Buffer.from([8, 0, K.IPVS_SVC_ATTR_FWMARK, 0, 1, 0, 0, 0]);
    const repeated = Buffer.concat(Array(8).fill(fwmark));
    expect(() => writeServiceKeyContainer(repeated, 0, repeated.length, Buffer.alloc(128), 0)).toThrow(/too long/);
  });
});
