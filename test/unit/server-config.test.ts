// `npm start` options and the config file: flags over environment over defaults, token or
// tokenFile (exactly one), errors that say what is wrong; config directors are upserted.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfigFile, parseServerArgs, readAdminPassword } from "@/server/config.ts";
import { type TestServer, closeTestServer, startServer, tempDirs } from "./server-helpers.ts";

let s: TestServer | undefined;
const dirs = tempDirs("server-config-");
afterEach(async () => {
  await closeTestServer(s, []);
  s = undefined;
  dirs.removeAll();
});

const tmp = dirs.make;

describe("server options", () => {
  it("defaults, environment and flags", () => {
    expect(parseServerArgs([], {})).toEqual({
      host: "127.0.0.1", port: 3000, dataDir: ".data", configFile: null, secureCookies: false, publicOrigin: null,
      trustedProxies: [], secretKeyFile: null, metricsTokenFile: null, prometheus: null, sessionIdleMinutes: 60, sessionMaxHours: 12, adminUsername: "admin", adminPasswordFile: null,
    });
    expect(parseServerArgs([], { PORT: "8080", LVS_FLEET_DATA: "/d", LVS_FLEET_CONFIG: "/c.json" })).toMatchObject({
      host: "127.0.0.1", port: 8080, dataDir: "/d", configFile: "/c.json",
    });
    expect(parseServerArgs(["--host", "0.0.0.0", "--port=0", "--data", "x", "--config", "y.json"], { PORT: "1" })).toMatchObject({
      host: "0.0.0.0", port: 0, dataDir: "x", configFile: "y.json",
    });
    expect(() => parseServerArgs(["--port", "70000"], {})).toThrow(ConfigError);
    expect(() => parseServerArgs(["--bogus"], {})).toThrow(/unknown option --bogus/);
    expect(() => parseServerArgs(["--data"], {})).toThrow(/needs a value/);
  });

  it("access options: secure cookies, public origin, session limits, the first admin's password file", () => {
    const a = parseServerArgs(
      ["--secure-cookies", "--public-origin", "https://lvs.example.com", "--session-idle-minutes", "5", "--session-max-hours=2", "--admin-username", "root"],
      { LVS_FLEET_ADMIN_PASSWORD_FILE: "/run/pw" },
    );
    expect(a).toMatchObject({ secureCookies: true, publicOrigin: "https://lvs.example.com", sessionIdleMinutes: 5, sessionMaxHours: 2, adminUsername: "root", adminPasswordFile: "/run/pw" });
    expect(() => parseServerArgs(["--public-origin", "lvs.example.com"], {})).toThrow(/scheme/);
    expect(() => parseServerArgs(["--session-idle-minutes", "0"], {})).toThrow(/positive/);
    const d = tmp();
    writeFileSync(join(d, "pw"), "a long enough password\n");
    expect(readAdminPassword(join(d, "pw"))).toBe("a long enough password");
    writeFileSync(join(d, "short"), "short\n");
    expect(() => readAdminPassword(join(d, "short"))).toThrow(/not acceptable: at least 10/);
    expect(() => readAdminPassword(join(d, "missing"))).toThrow(ConfigError);
  });

  it("config file: token or tokenFile, validated, upserted at start", async () => {
    const d = tmp();
    writeFileSync(join(d, "tok"), "file-token\n");
    const file = join(d, "fleet.json");
    writeFileSync(file, JSON.stringify({ directors: [
      { name: "Dir 1", url: "ws://127.0.0.1:1", tokenFile: "tok", group: "ha" },
      { name: "RS 1", url: "ws://127.0.0.1:2", token: "inline", role: "realserver", addresses: ["10.0.0.11"] },
    ] }));
    const regs = loadConfigFile(file);
    expect(regs.map((r) => [r.name, r.token, r.group, r.role])).toEqual([["Dir 1", "file-token", "ha", "director"], ["RS 1", "inline", "", "realserver"]]);

    writeFileSync(file, JSON.stringify({ directors: [{ name: "x", url: "ws://a:1", token: "t", tokenFile: "tok" }] }));
    expect(() => loadConfigFile(file)).toThrow(/exactly one of token or tokenFile/);
    writeFileSync(file, JSON.stringify({ directors: [{ name: "x", url: "http://a:1", token: "t" }] }));
    expect(() => loadConfigFile(file)).toThrow(/directors.0.url/);
    writeFileSync(file, "{");
    expect(() => loadConfigFile(file)).toThrow(/cannot read config/);

    s = await startServer({ directors: regs });
    const ids = s.app.fleet.links().map((l) => l.id);
    expect(ids).toEqual(["dir-1", "rs-1"]);
    const dataDir = s.dataDir;
    await s.close();
    // a second start with a changed entry replaces it, keeps the others
    s = await startServer({ dataDir, directors: [{ ...regs[0]!, group: "new" }] });
    expect(s.app.fleet.get("dir-1").registration.group).toBe("new");
    expect(s.app.fleet.get("rs-1").registration.role).toBe("realserver");
  });
});
