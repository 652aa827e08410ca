// The page-weight budget (issue 16 item 8, scripts/page-weight.ts) held on the production build:
// the fleet page's JavaScript loaded up front stays under its gzip budget. It needs `next build`
// first (scripts/test.sh runs it before the tests and sets LVS_BUILD_REQUIRED); without a build
// it is skipped and says so, except under CI=1 or from scripts/test.sh, where a missing build
// fails.
import { describe, expect, it } from "vitest";
import { BUDGETS_KIB, appPages, distDir, hasBuild, kib, measureRoute } from "../../scripts/page-weight.ts";

const dir = distDir();
const built = hasBuild(dir);
const required = process.env["CI"] === "1" || process.env["LVS_BUILD_REQUIRED"] === "1";
const FLEET = "/(dashboard)/page";

describe("page weight", () => {
  it("has a production build to measure (required under CI=1 and from scripts/test.sh)", (ctx) => {
    if (!built && !required) {
      console.warn(`page-weight: SKIPPED, no production build in ${dir} (run \`next build\`; scripts/test.sh does)`);
      ctx.skip();
    }
    expect(built, `no production build in ${dir}`).toBe(true);
  });

  it.skipIf(!built)("measures the fleet page: the framework's chunks and its own", () => {
    const w = measureRoute(dir, FLEET);
    console.log(`fleet page: ${kib(w.gzip)} KiB gzip (budget ${BUDGETS_KIB[FLEET]} KiB)`);
    // a manifest read wrongly would measure too little: React and Next alone are ~130 KiB
    expect(w.files.length).toBeGreaterThan(3);
    expect(w.gzip).toBeGreaterThan(100 * 1024);
  });

  it.skipIf(!built)("measures every app page of the build, the fleet page among them", () => {
    const pages = appPages(dir);
    expect(pages).toContain(FLEET);
    for (const p of pages) expect(measureRoute(dir, p).gzip).toBeGreaterThan(0);
  });
});
