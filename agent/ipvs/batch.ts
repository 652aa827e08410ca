// IpvsChange (types.ts) to a validated netlink request, for NetlinkIpvsClient.applyBatch. The
// same checks and encoders as the one-at-a-time methods of client.ts, so a batch accepts and
// sends exactly what those would.
import { AttrWriter } from "../netlink/attrs.ts";
import { writeDestFull, writeDestKey } from "./codec-dest.ts";
import { encodeTimeouts } from "./codec-misc.ts";
import { encodeServiceFull, encodeServiceKey, writeServiceKey } from "./codec-service.ts";
import { K } from "./constants.ts";
import type { IpvsOp } from "./errors.ts";
import type { IpvsChange } from "./types.ts";
import { validateDestination, validateService, validateServiceKey, validateTimeouts } from "./validate.ts";

export interface EncodedChange {
  op: IpvsOp;
  cmd: number;
  attrs?: Buffer;
}

function destAttrs(svc: Parameters<typeof writeServiceKey>[1], fill: (w: AttrWriter) => void): Buffer {
  const w = new AttrWriter(256);
  writeServiceKey(w, svc);
  fill(w);
  return w.finish();
}

/** Validates and encodes one change; throws IpvsValidationError. null: nothing to send. */
export function encodeChange(c: IpvsChange): EncodedChange | null {
  switch (c.op) {
    case "createService":
      return { op: c.op, cmd: K.IPVS_CMD_NEW_SERVICE, attrs: encodeServiceFull(validateService(c.op, c.service)) };
    case "updateService":
      return { op: c.op, cmd: K.IPVS_CMD_SET_SERVICE, attrs: encodeServiceFull(validateService(c.op, c.service)) };
    case "deleteService":
      return { op: c.op, cmd: K.IPVS_CMD_DEL_SERVICE, attrs: encodeServiceKey(validateServiceKey(c.op, c.key)) };
    case "createDestination":
    case "updateDestination": {
      const v = validateDestination(c.op, c.service, c.destination);
      const cmd = c.op === "createDestination" ? K.IPVS_CMD_NEW_DEST : K.IPVS_CMD_SET_DEST;
      return { op: c.op, cmd, attrs: destAttrs(v.svc, (w) => writeDestFull(w, v.dest)) };
    }
    case "deleteDestination": {
      const k = validateServiceKey(c.op, c.service);
      return { op: c.op, cmd: K.IPVS_CMD_DEL_DEST, attrs: destAttrs(k, (w) => writeDestKey(w, c.key)) };
    }
    case "setTimeouts": {
      validateTimeouts(c.op, c.timeouts);
      const attrs = encodeTimeouts(c.timeouts);
      return attrs.length === 0 ? null : { op: c.op, cmd: K.IPVS_CMD_SET_CONFIG, attrs };
    }
    case "zero":
      return { op: c.op, cmd: K.IPVS_CMD_ZERO, attrs: c.key ? encodeServiceKey(validateServiceKey(c.op, c.key)) : undefined };
    case "flush":
      return { op: c.op, cmd: K.IPVS_CMD_FLUSH };
  }
}
