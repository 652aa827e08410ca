// /api/auth/tokens: the signed-in user's personal API tokens (lvsctl --server). Listed with
// their last use, created (the token is in this one answer only) and revoked; a browser
// session is required (auth/api-tokens.ts SESSION_ONLY_ROUTES). Creation and revocation are
// audited by token name and id, never with the token.
import { bodySchemaOf } from "@/protocol/dashboard/route-bodies.ts";
import type { ApiTokenCreated } from "@/protocol/dashboard/tokens.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { Dashboard } from "../dashboard.ts";
import { audited } from "./audited.ts";
import { readJson } from "./respond.ts";
import { type Router, reply } from "./router.ts";

function tokenIdParam(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new ProtocolError("bad_request", `"${s}" is not a token id`);
  return n;
}

export function tokenRoutes(router: Router, app: Dashboard): void {
  const tokens = app.auth.tokens;
  router
    .on("GET /api/auth/tokens", ({ principal }) => tokens.list(principal!.user.id))
    .on("POST /api/auth/tokens", async ({ req, principal }) => {
      const p = principal!;
      const body = await readJson(req, bodySchemaOf("POST /api/auth/tokens"), "API token");
      let secret = "";
      const view = await audited(app, p, { action: "token.create", director: null, target: body.name, request: body }, async () => {
        const created = tokens.create(p.user, body);
        secret = created.token;
        return created.view;
      });
      return reply(201, { token: secret, view } satisfies ApiTokenCreated);
    })
    .on("DELETE /api/auth/tokens/:id", async ({ params, principal }) => {
      const p = principal!;
      const id = tokenIdParam(params.id!);
      return audited(app, p, { action: "token.revoke", director: null, target: String(id), request: { id } }, async () => tokens.revoke(p.user.id, id));
    });
}
