// DNS_CHECK: one query over UDP (node:dgram), built by hand; up when an answer with the same
// id, the QR bit and RCODE 0 arrives within connect_timeout (keepalived's check_dns.c rule).
import { createSocket } from "node:dgram";
import { randomInt } from "node:crypto";
import type { DNS_TYPES } from "@/protocol/health.ts";
import { type CheckOutcome, type CheckTarget, errorReason, timeoutReason } from "./check-net.ts";

const TYPE_CODE: Record<(typeof DNS_TYPES)[number], number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28 };

/** A standard query with recursion desired, one question of class IN. */
export function buildDnsQuery(id: number, name: string, type: (typeof DNS_TYPES)[number]): Buffer {
  const labels = name === "." ? [] : name.replace(/\.$/, "").split(".");
  const qname = Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "ascii")])), Buffer.from([0])]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4); // QDCOUNT
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(TYPE_CODE[type], 0);
  tail.writeUInt16BE(1, 2); // IN
  return Buffer.concat([header, qname, tail]);
}

/** null = not our answer (keep waiting), else the outcome. */
export function judgeDnsReply(id: number, reply: Buffer): CheckOutcome | null {
  if (reply.length < 12 || reply.readUInt16BE(0) !== id) return null;
  const flags = reply.readUInt16BE(2);
  if ((flags & 0x8000) === 0) return null;
  const rcode = flags & 0x000f;
  return rcode === 0 ? { ok: true, reason: "DNS answer" } : { ok: false, reason: `DNS rcode ${rcode}` };
}

export function dnsCheck(name: string, type: (typeof DNS_TYPES)[number], t: CheckTarget): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const id = randomInt(0, 65536);
    const sock = createSocket(t.address.includes(":") ? "udp6" : "udp4");
    const timer = setTimeout(() => finish({ ok: false, reason: timeoutReason(t.timeoutMs) }), t.timeoutMs);
    let settled = false;
    function finish(o: CheckOutcome) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.close();
      resolve(o);
    }
    sock.on("error", (e) => finish({ ok: false, reason: errorReason(e) }));
    sock.on("message", (msg) => {
      const o = judgeDnsReply(id, msg);
      if (o) finish(o);
    });
    const send = () => sock.send(buildDnsQuery(id, name, type), t.port, t.address, (e) => e && finish({ ok: false, reason: errorReason(e) }));
    if (t.bindto) sock.bind({ address: t.bindto, port: 0 }, send);
    else send();
  });
}
