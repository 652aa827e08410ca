// /api/users (admin): list, create with a role, change the role, reset the password, delete.
// A role change, a password reset or a deletion ends the user's sessions (and live sockets).
import { bodySchemaOf } from "@/protocol/dashboard/route-bodies.ts";
import type { UserView } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { Dashboard } from "../dashboard.ts";
import { hashPassword } from "../auth/passwords.ts";
import { userView } from "../auth/users.ts";
import { audited } from "./audited.ts";
import { readJson } from "./respond.ts";
import { type Router, reply } from "./router.ts";

function userIdParam(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new ProtocolError("bad_request", `"${s}" is not a user id`);
  return n;
}

export function userRoutes(router: Router, app: Dashboard): void {
  const users = app.auth.users;
  const existing = (id: number): UserView => {
    const u = users.get(id);
    if (!u) throw new ProtocolError("not_found", `no user ${id}`);
    return userView(u);
  };
  const endSessions = (id: number) => {
    app.auth.sessions.deleteForUser(id);
    app.hub.revalidate();
  };

  router
    .on("GET /api/users", () => users.list())
    .on("POST /api/users", async ({ req, principal }) => {
      const body = await readJson(req, bodySchemaOf("POST /api/users"), "user");
      const hash = await hashPassword(body.password);
      const created = await audited(app, principal, { action: "user.create", director: null, target: body.username, request: { username: body.username, role: body.role } }, async () =>
        userView(users.create(body.username, hash, body.role)),
      );
      return reply(201, created);
    })
    .on("PATCH /api/users/:id", async ({ req, params, principal }) => {
      const id = userIdParam(params.id!);
      const before = existing(id);
      const patch = await readJson(req, bodySchemaOf("PATCH /api/users/:id"), "user patch");
      const hash = patch.password === undefined ? undefined : await hashPassword(patch.password);
      const request = { ...(patch.role ? { role: patch.role } : {}), ...(hash ? { password: "(reset)" } : {}) };
      return audited(app, principal, { action: "user.update", director: null, target: before.username, request, state: () => existing(id) }, async () => {
        if (patch.role !== undefined) users.setRole(id, patch.role);
        if (hash !== undefined) users.setPasswordHash(id, hash);
        if (patch.role !== undefined || hash !== undefined) endSessions(id);
        return existing(id);
      });
    })
    .on("DELETE /api/users/:id", async ({ params, principal }) => {
      const id = userIdParam(params.id!);
      const before = existing(id);
      await audited(app, principal, { action: "user.delete", director: null, target: before.username, request: null, state: () => users.get(id) && existing(id) }, async () => {
        users.delete(id);
        app.hub.revalidate();
      });
      return { ok: true };
    });
}
