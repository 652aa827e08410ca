// Dashboard users and sessions: roles, credentials, the session view and the user REST
// bodies. The session cookie is httpOnly; mutations send X-CSRF-Token.
import { z } from "zod";

/** viewer: reads only; operator: changes the IPVS tables, sysctls, drains, imports;
 * admin: also users and directors (agent tokens). */
export const Role = z.enum(["viewer", "operator", "admin"]);
export type Role = z.infer<typeof Role>;

export const Username = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, "letters, digits and . _ @ - (starting with a letter or digit)");
/** Long passphrases welcome; the upper bound keeps hashing bounded. */
export const Password = z.string().min(10, "at least 10 characters").max(1024);

export const UserView = z.object({
  id: z.number().int(),
  username: z.string(),
  role: Role,
  createdAt: z.number(),
});
export type UserView = z.infer<typeof UserView>;

/** POST /api/auth/login */
export const LoginRequest = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();
/** POST /api/auth/setup: the first admin, only while no user exists; `code` is the one-time
 * setup code the server prints at start. */
export const SetupRequest = z.object({ username: Username, password: Password, code: z.string().min(1).max(200) }).strict();

/** GET /api/auth/session (public): who is signed in; setupNeeded while no user exists. */
export const SessionView = z.object({
  user: UserView.nullable(),
  /** the token to send as X-CSRF-Token on every mutation (also in the lvs_csrf cookie) */
  csrfToken: z.string().nullable(),
  setupNeeded: z.boolean(),
  /** when the session ends at the latest (ms) */
  expiresAt: z.number().nullable(),
});
export type SessionView = z.infer<typeof SessionView>;

/** POST /api/users (admin) */
/** POST /api/auth/password: one's own password, the current one first. */
export const PasswordChange = z.object({ current: z.string().min(1).max(1024), password: Password }).strict();

export const UserCreate = z.object({ username: Username, password: Password, role: Role }).strict();
/** PATCH /api/users/:id (admin): role and/or a new password (ends the user's sessions) */
export const UserPatch = z.object({ role: Role, password: Password }).partial().strict();
export type UserPatch = z.infer<typeof UserPatch>;
