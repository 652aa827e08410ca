// Rule export, the save file, diff and import of a service whose scheduler the domain model
// does not know ("twos"), over the message-level fake kernel: export and save print the
// kernel's name as ipvsadm -S does, a diff of the unchanged table is empty, and an import
// that would write the name is refused with its line before anything is sent.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NetlinkIpvsClient } from "@/agent/ipvs/client.ts";
import { encodeDestFull } from "@/agent/ipvs/codec-dest.ts";
import { encodeServiceFull } from "@/agent/ipvs/codec-service.ts";
import { K } from "@/agent/ipvs/constants.ts";
import { diffSource, exportRules, importRules } from "@/agent/rules/import.ts";
import { saveRules } from "@/agent/rules/save-file.ts";
import { withSaveFile } from "@/agent/rules/saving-client.ts";
import { AttrMap, AttrWriter } from "@/agent/netlink/attrs.ts";
import type { Destination, Service } from "@/protocol/ipvs.ts";
import { CATALOG } from "@/protocol/agent/catalog.ts";
import type { RulesSource } from "@/protocol/agent/rules.ts";
import { doneMessage, errorMessage, FakeTransport, familyReply, genlMessage, NLM_F_MULTI } from "./ipvs-fake.ts";

const FAMILY = 41;
const cfg = { scheduler: "rr" as const, schedulerFlags: [], persistence: null, pe: null, onePacket: false };
const web: Service = { key: { protocol: "tcp", address: "10.1.1.1", port: 80 }, config: cfg };
const dns: Service = { key: { protocol: "udp", address: "10.1.1.2", port: 53 }, config: { ...cfg, scheduler: "twos" as "rr", onePacket: true } };
const dnsServer: Destination = {
  key: { address: "10.0.0.9", port: 53 },
  config: { forwarding: "masq", weight: 2, upperThreshold: 0, lowerThreshold: 0, tunnel: null },
};
const MUTATING = new Set<number>([
  K.IPVS_CMD_NEW_SERVICE, K.IPVS_CMD_SET_SERVICE, K.IPVS_CMD_DEL_SERVICE,
  K.IPVS_CMD_NEW_DEST, K.IPVS_CMD_SET_DEST, K.IPVS_CMD_DEL_DEST, K.IPVS_CMD_FLUSH,
]);

/** The DEST container as the kernel sends it: the config plus the connection counters. */
function destAttr(d: Destination): Buffer {
  const w = new AttrWriter();
  w.u32(K.IPVS_DEST_ATTR_ACTIVE_CONNS, 0).u32(K.IPVS_DEST_ATTR_INACT_CONNS, 0).u32(K.IPVS_DEST_ATTR_PERSIST_CONNS, 0);
  const body = Buffer.concat([encodeDestFull(d).subarray(4), w.finish()]);
  const h = Buffer.alloc(4);
  h.writeUInt16LE(body.length + 4, 0);
  h.writeUInt16LE(K.IPVS_CMD_ATTR_DEST, 2);
  return Buffer.concat([h, body]);
}

/** A kernel with "web" (rr) and "dns" (twos, one server); every change is acknowledged. */
function kernel(): FakeTransport {
  return new FakeTransport((req) => {
    if (req.type === 0x10) return [familyReply(FAMILY), errorMessage(req.raw, 0)];
    if (req.cmd === K.IPVS_CMD_GET_SERVICE)
      return [
        genlMessage(FAMILY, K.IPVS_CMD_NEW_SERVICE, encodeServiceFull(web), NLM_F_MULTI),
        genlMessage(FAMILY, K.IPVS_CMD_NEW_SERVICE, encodeServiceFull(dns), NLM_F_MULTI),
        doneMessage(),
      ];
    if (req.cmd === K.IPVS_CMD_GET_DEST) {
      const port = new AttrMap(req.attrs).nested(K.IPVS_CMD_ATTR_SERVICE).u16be(K.IPVS_SVC_ATTR_PORT);
      return [...(port === 53 ? [genlMessage(FAMILY, K.IPVS_CMD_NEW_DEST, destAttr(dnsServer), NLM_F_MULTI)] : []), doneMessage()];
    }
    return [errorMessage(req.raw, 0)];
  });
}

const text = (t: string): RulesSource => ({ format: "ipvsadm", text: t });
const EXPORTED = "-A -t 10.1.1.1:80 -s rr\n-A -u 10.1.1.2:53 -s twos -o\n-a -u 10.1.1.2:53 -r 10.0.0.9:53 -m -w 2\n";

async function open() {
  const t = kernel();
  return { t, c: await NetlinkIpvsClient.open({ transport: t }) };
}
const sentChanges = (t: FakeTransport) => t.seen.filter((r) => r.type === FAMILY && MUTATING.has(r.cmd)).map((r) => r.cmd);

describe("export and save of a scheduler the domain model does not know", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "lvs-rules-twos-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("rules.export prints the kernel's name, as ipvsadm -S -n does; JSON carries the placeholder", async () => {
    const { c } = await open();
    expect(await exportRules(c, "ipvsadm")).toEqual({ format: "ipvsadm", text: EXPORTED });
    const json = CATALOG["rules.export"].output.parse(await exportRules(c, "json"));
    expect(json.format === "json" && json.rules.services.map((s) => s.config.scheduler)).toEqual(["rr", "none"]);
  });

  it("the save file prints it too, listed from the kernel or written from an import's table", async () => {
    const { c } = await open();
    const path = join(dir, "rules");
    await saveRules(c, path);
    expect(await readFile(path, "utf8")).toContain("\n-A -u 10.1.1.2:53 -s twos -o\n");
    // after an import the file is written from the plan's table instead of a new listing
    const saveErrors: unknown[] = [];
    const saving = withSaveFile(c, join(dir, "after-import"), (e) => saveErrors.push(e), 1);
    const r = await importRules(saving, text("-a -t 10.1.1.1:80 -r 10.0.0.5:80 -m -w 1"), "merge", false);
    expect(r).toMatchObject({ applied: true, errors: [] });
    await saving.saved();
    expect(saveErrors).toEqual([]);
    const saved = await readFile(join(dir, "after-import"), "utf8");
    expect(saved).toContain("\n-A -u 10.1.1.2:53 -s twos -o\n");
    expect(saved).toContain("\n-a -t 10.1.1.1:80 -r 10.0.0.5:80 -m -w 1\n");
  });
});

describe("diff and import of such a service", () => {
  it("a diff of the exported text against the same table is empty", async () => {
    const { c } = await open();
    const exported = await exportRules(c, "ipvsadm");
    expect(exported).toEqual(text(EXPORTED));
    expect(await diffSource(c, exported)).toEqual([]);
    expect(await diffSource(c, text(EXPORTED))).toEqual([]);
  });

  it("the old placeholder text (-s none) shows as a scheduler change, in the protocol's terms", async () => {
    const { c } = await open();
    const changes = await diffSource(c, text(EXPORTED.replace("-s twos", "-s none")));
    expect(changes.map((x) => [x.action, x.service, x.fields])).toEqual([["update", dns.key, ["scheduler"]]]);
    // the wire has no name for "twos": both sides travel as the placeholder
    const wire = CATALOG["rules.diff"].output.parse({ changes });
    expect(wire.changes[0]).toMatchObject({ before: { scheduler: "none" }, after: { scheduler: "none" } });
  });

  it("an import that would write the name is refused with its line, and nothing is sent", async () => {
    const { t, c } = await open();
    const replace = await importRules(c, await exportRules(c, "ipvsadm"), "replace", false);
    expect(replace).toMatchObject({ applied: false, changes: [] });
    expect(replace.errors).toEqual([{ line: 2, message: expect.stringMatching(/^the scheduler "twos" cannot be set through lvs-fleet/) }]);
    // an edit without -s keeps the live scheduler: writing it back is refused the same way
    const edit = await importRules(c, text("-E -u 10.1.1.2:53 -p 30"), "merge", false);
    expect(edit.errors).toEqual([{ line: 1, message: expect.stringContaining('"twos"') }]);
    expect(sentChanges(t)).toEqual([]);
  });

  it("an edit naming a known scheduler, and a replace without the service, go through", async () => {
    const { t, c } = await open();
    const edit = await importRules(c, text("-E -u 10.1.1.2:53 -s wrr"), "merge", false);
    expect(edit).toMatchObject({ applied: true, errors: [] });
    expect(edit.changes.map((x) => x.fields)).toEqual([["scheduler"]]);
    expect(sentChanges(t)).toEqual([K.IPVS_CMD_SET_SERVICE]);
    const dry = await importRules(c, text("-A -t 10.1.1.1:80 -s rr"), "replace", true);
    expect(dry.errors).toEqual([]);
    const wire = CATALOG["rules.import"].output.parse(dry);
    expect(wire.changes.map((x) => [x.action, x.service.protocol, x.destination ? "server" : x.before])).toEqual([
      ["delete", "udp", "server"],
      ["delete", "udp", { ...dns.config, scheduler: "none" }],
    ]);
  });
});
