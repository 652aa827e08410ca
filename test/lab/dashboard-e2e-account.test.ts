// In Debian's Chromium against the lab: personal API tokens on /account (issue 13 item 1) and
// the plaintext badge of ws:// agent links (issue 14 item 5). A token is shown once, a REST
// call with it as Bearer acts with its user's role (a viewer's token reads but its mutation is
// 403 and changes no kernel; an admin's sets a weight that ipvsadm -S -n then shows), and
// once revoked in the page the same call is 401. The lab's agents run --insecure-plaintext on
// ws://127.0.0.1 (QEMU's host forwards): their rows carry the loopback badge; the same agent
// registered by a host name is refused without `insecure` and then badged as clear text.
import { hostname } from "node:os";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, labDirectorsForDashboard } from "@/lab/dashboard.ts";
import { NAT_VIP } from "@/lab/directors.ts";
import { type DashboardSession, GROUP, openDashboardSession, screenshot, signIn } from "./dashboard-harness.ts";
import { director, ipvsadm, labState, resetRules } from "./lab.ts";

const DIR = "dir1";
const RS = "10.0.0.11:80";
const DEST = `/api/directors/${DIR}/services/${encodeURIComponent(`tcp:${NAT_VIP}:80`)}/destinations/${encodeURIComponent(RS)}`;
const VIEWER = { username: "viewer1", password: "viewer-password-1" };

let session: DashboardSession;
let dash: Dashboard;
let page: Page;
let browser: Browser;

/** a REST call with only the API token (no cookie, no CSRF header: what lvsctl --server sends) */
async function bearer(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${dash.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
}

async function kernelWeight(): Promise<number | null> {
  const m = new RegExp(`^-a -t ${NAT_VIP.replace(/\./g, "\\.")}:80 -r ${RS.replace(/\./g, "\\.")} \\S+ -w (\\d+)`, "m").exec(await ipvsadm(DIR, "-S", "-n"));
  return m ? Number(m[1]) : null;
}

/** Creates a token on /account and returns the secret the page showed (once). */
async function createToken(p: Page, name: string): Promise<string> {
  await p.goto(`${dash.url}/account`);
  const form = p.getByRole("form", { name: "New API token" });
  await form.getByLabel("Name (where it is used)").fill(name);
  await form.getByRole("button", { name: "Create token" }).click();
  const shown = p.getByTestId("new-token");
  await shown.waitFor({ timeout: 15_000 });
  expect(await shown.textContent()).toContain(`The token "${name}": copy it now, it is not shown again.`);
  const token = ((await shown.locator("code").textContent()) ?? "").trim();
  expect(token.length).toBeGreaterThanOrEqual(20);
  await p.getByTestId(`token-${name}`).waitFor({ timeout: 15_000 });
  // shown once: after a reload the row is listed, the secret is nowhere on the page
  await p.reload();
  await p.getByTestId(`token-${name}`).waitFor({ timeout: 15_000 });
  expect(await p.content()).not.toContain(token);
  return token;
}

async function revokeToken(p: Page, name: string): Promise<void> {
  p.once("dialog", (d) => void d.accept());
  await p.getByTestId(`token-${name}`).getByRole("button", { name: "Revoke" }).click();
  await expect.poll(async () => await p.getByTestId(`token-${name}`).count(), { timeout: 15_000 }).toBe(0);
}

beforeAll(async () => {
  await resetRules(DIR);
  session = await openDashboardSession();
  ({ dash, page, browser } = session);
}, 240_000);

afterAll(async () => {
  await session?.close();
  await resetRules(DIR);
}, 120_000);

describe("API tokens on /account", () => {
  it("an admin's token mutates as the admin, and is 401 once revoked", async () => {
    const token = await createToken(page, "lab-admin");
    const list = await bearer(token, "GET", "/api/directors");
    expect(list.status).toBe(200);
    expect(list.text).toContain(`"${DIR}"`);
    const set = await bearer(token, "PATCH", DEST, { weight: 3 });
    expect(set.status, set.text).toBe(200);
    expect(await kernelWeight()).toBe(3);
    expect((await bearer(token, "PATCH", DEST, { weight: 1 })).status).toBe(200);
    expect(await kernelWeight()).toBe(1);
    await screenshot(page, "account-tokens");

    await revokeToken(page, "lab-admin");
    const after = await bearer(token, "GET", "/api/directors");
    expect(after.status, after.text).toBe(401);
    expect((await bearer(token, "PATCH", DEST, { weight: 5 })).status).toBe(401);
    expect(await kernelWeight()).toBe(1);
    // a token that never existed, of the same shape, is 401 too
    const wrong = token.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    expect((await bearer(wrong, "GET", "/api/directors")).status).toBe(401);
  }, 120_000);

  it("a viewer's token reads but cannot mutate (403), and is 401 once revoked", async () => {
    await page.goto(`${dash.url}/users`);
    const form = page.getByRole("form", { name: "New user" });
    await form.getByLabel("Username").fill(VIEWER.username);
    await form.getByLabel("Password (at least 10 characters)").fill(VIEWER.password);
    await form.getByLabel("Role").selectOption("viewer");
    await form.getByRole("button", { name: "Create user" }).click();
    await expect.poll(async () => (await page.textContent("body")) ?? "", { timeout: 15_000 }).toContain(VIEWER.username);

    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const vp = await ctx.newPage();
      await signIn(vp, { ...dash, admin: VIEWER }, "/account");
      const token = await createToken(vp, "lab-viewer");
      expect(await vp.getByTestId("token-lab-viewer").locator("td").nth(1).textContent()).toBe("viewer");
      const read = await bearer(token, "GET", `/api/directors/${DIR}`);
      expect(read.status, read.text).toBe(200);
      const write = await bearer(token, "PATCH", DEST, { weight: 4 });
      expect(write.status, write.text).toBe(403);
      expect(await kernelWeight()).toBe(1);
      await revokeToken(vp, "lab-viewer");
      expect((await bearer(token, "GET", `/api/directors/${DIR}`)).status).toBe(401);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});

describe("plaintext agent links are marked", () => {
  const LOOPBACK_TITLE = "ws:// without TLS, to a loopback address: the agent's token does not leave this host";
  const CLEAR_TITLE = "ws:// without TLS: the agent's token crosses the network in clear (registered as insecure)";

  it("the lab's ws://127.0.0.1 agents carry the loopback badge on the fleet and director pages", async () => {
    expect(director(1).agentUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    await page.goto(`${dash.url}/`);
    // every agent the lab registered (directors and real-server agents) has its row badged
    const agents = labDirectorsForDashboard(labState(), GROUP);
    expect(agents.length).toBeGreaterThanOrEqual(2);
    for (const a of agents) {
      // real-server agents have their own section on the fleet page (issue 16 item 3)
      const b = page.getByTestId(a.role === "realserver" ? `rs-agent-row-${a.name}` : `director-row-${a.name}`).getByTestId("plaintext-badge");
      await b.waitFor({ timeout: 30_000 });
      expect(await b.textContent()).toBe("plaintext (loopback)");
      expect(await b.getAttribute("title")).toBe(LOOPBACK_TITLE);
    }
    await page.goto(`${dash.url}/directors/${DIR}`);
    const one = page.getByTestId("plaintext-badge");
    await one.first().waitFor({ timeout: 30_000 });
    expect(await one.first().getAttribute("title")).toBe(LOOPBACK_TITLE);
    await screenshot(page, "director-plaintext-badge");
  }, 120_000);

  it("a ws:// agent by host name: refused without insecure, then badged as clear text", async () => {
    const port = new URL(director(1).agentUrl).port;
    const url = `ws://${hostname()}:${port}`;
    const registration = { name: "dir1-byname", url, token: director(1).agentToken };
    const adminToken = await createToken(page, "lab-register");
    const refused = await bearer(adminToken, "POST", "/api/directors", registration);
    expect(refused.status, refused.text).toBe(400);
    expect(refused.text).toMatch(/insecure/);
    const made = await bearer(adminToken, "POST", "/api/directors", { ...registration, insecure: true });
    expect(made.status, made.text).toBeLessThan(300);
    await page.goto(`${dash.url}/directors/dir1-byname`);
    const badge = page.getByTestId("plaintext-badge");
    await badge.first().waitFor({ timeout: 30_000 });
    expect(await badge.first().textContent()).toBe("plaintext");
    expect(await badge.first().getAttribute("title")).toBe(CLEAR_TITLE);
    await screenshot(page, "director-plaintext-clear");
    await page.goto(`${dash.url}/account`);
    await revokeToken(page, "lab-register");
  }, 120_000);
});
