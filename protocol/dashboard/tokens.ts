// Personal API tokens (lvsctl --server): created and revoked by their user on the account page
// with a browser session, shown once, kept on the server as a SHA-256 only. A token acts as its
// user with the lower of the user's current role and the role it was created with; it is sent
// as `Authorization: Bearer <token>` and needs no cookie and no CSRF header.
import { z } from "zod";
import { Role } from "./auth.ts";

/** "lvsf_" and 43 base64url characters (32 random bytes): recognisable in a leaked file. */
export const API_TOKEN_PATTERN = /^lvsf_[A-Za-z0-9_-]{43}$/;

export const ApiTokenName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._@:-]*$/, "letters, digits, spaces and . _ @ : - (starting with a letter or digit)");

/** POST /api/auth/tokens: a name, optionally a lower role than the user's and a lifetime. */
export const ApiTokenCreate = z
  .object({
    name: ApiTokenName,
    role: Role.optional(),
    /** days until it stops working; absent: until revoked */
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type ApiTokenCreate = z.infer<typeof ApiTokenCreate>;

export const ApiTokenView = z.object({
  id: z.number().int(),
  name: z.string(),
  /** the role it was created with (acts with at most the user's role of the moment) */
  role: Role,
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
  lastUsedAddress: z.string().nullable(),
});
export type ApiTokenView = z.infer<typeof ApiTokenView>;

/** The answer to a creation: the token itself, this once. */
export const ApiTokenCreated = z.object({ token: z.string(), view: ApiTokenView });
export type ApiTokenCreated = z.infer<typeof ApiTokenCreated>;
