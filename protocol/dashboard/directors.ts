// Dashboard director registrations: what registers a director (its token never leaves the
// server), the REST shapes that create, read and patch one, its generated token, and the
// trust of its TLS certificate (pinned vs presented fingerprint).
import { IpAddress } from "../ipvs.ts";
import { DirectorId } from "./keys.ts";
import { AgentRole, DirectorView } from "./views.ts";
import { z } from "zod";

/** What registers a director (UI form or config file). The token never leaves the server. */
export const DirectorRegistration = z.object({
  name: z.string().trim().min(1).max(64),
  url: z
    .string()
    .url()
    .refine((u) => /^wss?:\/\//.test(u), { message: "agent URL must start with ws:// or wss://" }),
  token: z.string().min(1).max(512),
  /** HA pair or any grouping; "" = no group */
  group: z.string().trim().max(64).default(""),
  role: AgentRole.default("director"),
  /** realserver agents: the real-server addresses (RIPs) this host answers for, so the
   * dashboard can match a DR service's real servers to the agent that checks their ARP setup */
  addresses: z.array(IpAddress).max(16).default([]),
  /** pinned SHA-256 fingerprint of the agent's TLS certificate ("AB:CD:...") */
  fingerprint256: z.string().max(200).optional(),
  /** true: a ws:// URL to a host that is not loopback is accepted (the token crosses the
   * network in clear); the server refuses such a URL without it (protocol/plaintext.ts) */
  insecure: z.boolean().optional(),
});
export type DirectorRegistration = z.infer<typeof DirectorRegistration>;

/** A registration as the browser may see it: everything but the token. */
export const DirectorSettings = DirectorRegistration.omit({ token: true }).extend({ id: DirectorId });
export type DirectorSettings = z.infer<typeof DirectorSettings>;

/** The agent's certificate as the server sees it: the pin (set by the admin or on first use)
 * and, while the link is "untrusted", the different fingerprint the agent presents. */
export const DirectorTrust = z.object({
  pinned: z.string().nullable(),
  presented: z.string().nullable(),
});
export type DirectorTrust = z.infer<typeof DirectorTrust>;

/** GET/PATCH /api/directors/:id and POST /api/directors answer this. */
export const DirectorInfo = z.object({ director: DirectorView, settings: DirectorSettings, trust: DirectorTrust.optional() });
export type DirectorInfo = z.infer<typeof DirectorInfo>;

/** POST /api/directors: a registration whose token may be left out: the server then generates
 * one and returns it once, in DirectorCreated.issued. */
export const DirectorCreate = DirectorRegistration.extend({ token: DirectorRegistration.shape.token.optional() });
export type DirectorCreate = z.input<typeof DirectorCreate>;

/** A generated agent token, shown once: it is never readable again (GET returns no token). */
export const IssuedToken = z.object({ token: z.string(), installCommand: z.string() });
export type IssuedToken = z.infer<typeof IssuedToken>;

export const DirectorCreated = DirectorInfo.extend({ issued: IssuedToken.optional() });
export type DirectorCreated = z.infer<typeof DirectorCreated>;

/** POST /api/directors/:id/trust (admin): accept the certificate the agent now presents. The
 * fingerprint the admin saw is sent back so a certificate that changed again is not accepted. */
export const TrustAccept = z.object({ fingerprint256: z.string().min(1).max(200) }).strict();
export type TrustAccept = z.infer<typeof TrustAccept>;

/** PATCH /api/directors/:id: any registration field; absent fields keep their value (the id
 * never changes, even with a new name). */
export const DirectorPatch = z
  .object({
    name: DirectorRegistration.shape.name,
    url: DirectorRegistration.shape.url,
    token: DirectorRegistration.shape.token,
    group: z.string().trim().max(64),
    role: AgentRole,
    addresses: z.array(IpAddress).max(16),
    fingerprint256: z.string().max(200).nullable(),
    insecure: z.boolean(),
  })
  .partial()
  .strict();
export type DirectorPatch = z.infer<typeof DirectorPatch>;
