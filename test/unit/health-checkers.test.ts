// The real checkers against real sockets on 127.0.0.1 (port 0): TCP connect and refusal, HTTP
// status ranges, digest and regex, DNS over UDP with a hand-built answer, and the timeout
// reasons operators read.
import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { createServer as createHttp } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tcpCheck } from "@/agent/health/check-net.ts";
import { httpCheck } from "@/agent/health/check-http.ts";
import { buildDnsQuery, dnsCheck, judgeDnsReply } from "@/agent/health/check-dns.ts";
import { miscCheck } from "@/agent/health/check-misc.ts";
import { freePorts } from "@/lab/ports.ts";
import { HttpCheck } from "@/protocol/health.ts";

const closers: (() => void)[] = [];
afterAll(() => {
  for (const c of closers) c();
});

describe("TCP_CHECK", () => {
  it("connects, and names a refusal", async () => {
    const s = createServer((c) => c.end());
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    closers.push(() => s.close());
    const port = (s.address() as AddressInfo).port;
    expect(await tcpCheck({ address: "127.0.0.1", port, timeoutMs: 2000 })).toEqual({ ok: true, reason: "connected" });
    expect(await tcpCheck({ address: "127.0.0.1", port: (await freePorts(1))[0]!, timeoutMs: 2000 })).toEqual({ ok: false, reason: "connect refused" });
  });
});

describe("HTTP_GET", () => {
  let port = 0;
  beforeAll(async () => {
    const s = createHttp((req, res) => {
      if (req.url === "/slow") return; // never answers
      res.statusCode = req.url === "/down" ? 503 : 200;
      res.end(`hello ${req.headers.host}`);
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    closers.push(() => s.close());
    port = (s.address() as AddressInfo).port;
  });
  const t = () => ({ address: "127.0.0.1", port, timeoutMs: 300 });
  const check = (urls: unknown[], extra = {}) => HttpCheck.parse({ kind: "HTTP_GET", urls, ...extra });

  it("passes on 2xx, fails with the status otherwise", async () => {
    expect(await httpCheck(check([{ path: "/" }]), t())).toEqual({ ok: true, reason: "HTTP 200" });
    expect(await httpCheck(check([{ path: "/down" }]), t())).toEqual({ ok: false, reason: "HTTP 503" });
    expect((await httpCheck(check([{ path: "/down", statusCode: [{ from: 503, to: 503 }] }]), t())).ok).toBe(true);
  });

  it("checks the md5 digest and the regex of the body, with the virtualhost as Host", async () => {
    const digest = createHash("md5").update("hello www.example").digest("hex");
    expect((await httpCheck(check([{ path: "/", digest }], { virtualhost: "www.example" }), t())).ok).toBe(true);
    expect(await httpCheck(check([{ path: "/", digest }]), t())).toEqual({ ok: false, reason: "digest mismatch on /" });
    expect((await httpCheck(check([{ path: "/", regex: "^hello" }]), t())).ok).toBe(true);
    expect((await httpCheck(check([{ path: "/", regex: "^bye" }]), t())).reason).toBe("regex not matched on /");
  });

  it("times out with the timeout in the reason", async () => {
    expect(await httpCheck(check([{ path: "/slow" }]), t())).toEqual({ ok: false, reason: "timeout after 0.3 s" });
  });
});

describe("DNS_CHECK", () => {
  it("builds the query and accepts an answer with the same id and RCODE 0", async () => {
    const q = buildDnsQuery(0x1234, "example.org", "A");
    expect(q.toString("hex")).toBe("123401000001000000000000076578616d706c65036f72670000010001");
    expect(judgeDnsReply(0x1234, Buffer.from("12348180000100000000000000", "hex"))).toEqual({ ok: true, reason: "DNS answer" });
    expect(judgeDnsReply(0x1234, Buffer.from("12348183000100000000000000", "hex"))).toEqual({ ok: false, reason: "DNS rcode 3" });
    expect(judgeDnsReply(0x9999, Buffer.from("99990100000100000000000000", "hex"))).toBeNull(); // a query, not an answer
  });

  it("round-trips over UDP, and times out without a server", async () => {
    const s = createSocket("udp4");
    s.on("message", (m, r) => {
      const a = Buffer.from(m);
      a.writeUInt16BE(0x8180, 2);
      s.send(a, r.port, r.address);
    });
    await new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
    closers.push(() => s.close());
    const port = s.address().port;
    expect(await dnsCheck(".", "SOA", { address: "127.0.0.1", port, timeoutMs: 1000 })).toEqual({ ok: true, reason: "DNS answer" });
    const silent = createSocket("udp4");
    await new Promise<void>((r) => silent.bind(0, "127.0.0.1", r));
    closers.push(() => silent.close());
    expect(await dnsCheck("a.b", "A", { address: "127.0.0.1", port: silent.address().port, timeoutMs: 200 })).toEqual({ ok: false, reason: "timeout after 0.2 s" });
  });
});

describe("MISC_CHECK", () => {
  const me = process.getuid?.() === 0 ? "nobody" : (process.env.USER ?? "root");
  it("exit 0 is up, another code is down, a slow script is killed at misc_timeout", async () => {
    expect(await miscCheck(["/bin/true"], me, 2000)).toEqual({ ok: true, reason: "exit 0" });
    expect(await miscCheck(["/bin/sh", "-c", "exit 3"], me, 2000)).toEqual({ ok: false, reason: "exit 3" });
    expect(await miscCheck(["/bin/sleep", "5"], me, 200)).toEqual({ ok: false, reason: "timeout after 0.2 s" });
    expect(await miscCheck(["/bin/true"], "no-such-user-here", 200)).toEqual({ ok: false, reason: "no user no-such-user-here" });
  });
});
