// Folder boundaries (docs/architecture.md) as allow-lists: each folder names what it may
// import; anything else is an error ("not-in-allowed"), so a new folder or a new cross-folder
// import is refused until this table says it may exist. Run by `npm run lint` (and npm test).
const NPM = ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-bundled", "npm-no-pkg"];
const CORE = ["core"];
// protocol/ apart from protocol/node/ is isomorphic: schemas and pure code that components/
// (the browser) may load; protocol/node/ holds the Node-only agent client and TLS code.
const ISOMORPHIC = "^protocol/(?!node/)";
const PROTOCOL = "^protocol/";

/** `folder` may import itself and `paths`, npm packages, and Node's modules when `core`. */
function may(folder, paths, core) {
  const from = { path: folder };
  const rules = [{ from, to: { path: [folder, ...paths] } }, { from, to: { dependencyTypes: NPM } }];
  if (core) rules.push({ from, to: { dependencyTypes: CORE } });
  return rules;
}

module.exports = {
  allowed: [
    ...may(ISOMORPHIC, [], false),
    ...may("^protocol/node/", [PROTOCOL], true),
    ...may("^agent/", [PROTOCOL], true),
    ...may("^cli/", [PROTOCOL], true),
    ...may("^server/", [PROTOCOL], true),
    ...may("^components/", [ISOMORPHIC], false),
    ...may("^app/", ["^components/", ISOMORPHIC], false),
    // lab/ builds the agent bundle it boots (scripts/build-agent.ts)
    ...may("^lab/", [PROTOCOL, "^scripts/build-agent[.]ts$"], true),
    ...may("^scripts/", [PROTOCOL, "^lab/", "^server/"], true),
    // benches reuse the tests' fakes and harnesses
    ...may("^bench/", [PROTOCOL, "^lab/", "^agent/", "^test/(unit|lab)/[^/]+-(fakes|harness)[.]ts$"], true),
    // tests reach into every folder they test
    ...may("^test/", ["^agent/", "^app/", "^cli/", "^components/", PROTOCOL, "^server/", "^lab/", "^scripts/"], true),
    // root config files (next.config.ts, vitest.config.ts); bin/lvsctl.mjs starts cli/
    ...may("^[^/]+$", [], true),
    ...may("^bin/", ["^cli/"], true),
  ],
  allowedSeverity: "error",
  forbidden: [
    { name: "not-resolvable", comment: "an import that names no file", severity: "error", from: {}, to: { couldNotResolve: true } },
    // an import circle hides which file is the lower layer (issue 15 broke the last ones)
    { name: "no-circular", comment: "files that import each other, directly or round a loop", severity: "error", from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|[.]next|[.]cache|test-results)|^next-env[.]d[.]ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
