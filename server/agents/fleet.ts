// The fleet: every registered director with its live link. Registration changes go to the
// store first, then the link is (re)started with the new settings.
import { DirectorRegistration, directorIdOf } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { downgradeRefusal, plaintextRefusal } from "@/protocol/plaintext.ts";
import type { DirectorStore } from "../store/directors.ts";
import { DirectorLink, type LinkListener, type LinkOptions } from "./link.ts";

export const DirectorPatch = DirectorRegistration.partial();

export class Fleet {
  readonly #links = new Map<string, DirectorLink>();

  constructor(
    readonly store: DirectorStore,
    readonly linkOptions: LinkOptions,
    readonly listener: LinkListener,
  ) {}

  /** Starts a link for every stored director. */
  start(): void {
    for (const d of this.store.list()) this.#startLink(d.id, d.registration);
  }

  stop(): void {
    for (const l of this.#links.values()) l.stop();
    this.#links.clear();
  }

  #startLink(id: string, reg: DirectorRegistration): DirectorLink {
    this.#links.get(id)?.stop();
    const link = new DirectorLink(id, reg, this.linkOptions, this.listener, { pin: (fp) => this.#pinFirstUse(id, fp) });
    this.#links.set(id, link);
    link.start();
    this.listener.changed(id);
    return link;
  }

  links(): DirectorLink[] {
    return [...this.#links.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  find(id: string): DirectorLink | undefined {
    return this.#links.get(id);
  }

  get(id: string): DirectorLink {
    const l = this.#links.get(id);
    if (!l) throw new ProtocolError("not_found", `no director "${id}"`);
    return l;
  }

  register(reg: DirectorRegistration): DirectorLink {
    const id = directorIdOf(reg.name);
    if (id === "") throw new ProtocolError("bad_request", "the name must contain a letter or digit");
    refusePlaintext(reg);
    this.store.insert(id, reg);
    return this.#startLink(id, reg);
  }

  /** Config-file directors: replaced on every start. */
  upsert(reg: DirectorRegistration): string {
    const id = directorIdOf(reg.name);
    if (id === "") throw new ProtocolError("bad_request", `director name "${reg.name}" has no letter or digit`);
    refusePlaintext(reg);
    // a config entry without a fingerprint keeps the one pinned on first use (or accepted by an
    // admin) for the same URL: re-pinning at every start would defeat the pin
    const stored = this.store.get(id)?.registration;
    if (!reg.fingerprint256 && stored?.fingerprint256 && stored.url === reg.url) {
      reg = { ...reg, fingerprint256: stored.fingerprint256 };
    }
    this.store.upsert(id, reg);
    if (this.#links.has(id)) this.#startLink(id, reg);
    return id;
  }

  update(id: string, patch: Partial<DirectorRegistration>): DirectorLink {
    const current = this.store.get(id);
    if (!current) throw new ProtocolError("not_found", `no director "${id}"`);
    const next = DirectorRegistration.parse({ ...current.registration, ...patch });
    const was = current.registration;
    const downgrade = downgradeRefusal(was.url, next.url, Boolean(was.fingerprint256));
    if (downgrade) throw new ProtocolError("conflict", `director ${id}: ${downgrade}`);
    // a row stored before these checks keeps working until its URL or flag is edited
    if (next.url !== was.url || next.insecure !== was.insecure) refusePlaintext(next);
    this.store.update(id, next);
    return this.#startLink(id, next);
  }

  /** Trust on first use: stores the fingerprint the link saw first, without restarting it. */
  #pinFirstUse(id: string, fingerprint256: string): void {
    const current = this.store.get(id);
    if (!current || current.registration.fingerprint256) return;
    this.store.update(id, { ...current.registration, fingerprint256 });
    this.listener.changed(id);
  }

  /**
   * A new token for the director, stored now; the open link keeps running (the agent keeps
   * authenticated links when its token file changes) and the next connection uses it.
   */
  rotateToken(id: string, token: string): DirectorLink {
    const current = this.store.get(id);
    if (!current) throw new ProtocolError("not_found", `no director "${id}"`);
    const next = { ...current.registration, token };
    this.store.update(id, next);
    const link = this.get(id);
    link.registration = { ...link.registration, token };
    return link;
  }

  remove(id: string): void {
    this.store.delete(id);
    this.#links.get(id)?.stop();
    this.#links.delete(id);
    this.listener.changed(id);
  }
}

/** A ws:// URL to anything but loopback only when the registration says insecure: true. */
function refusePlaintext(reg: DirectorRegistration): void {
  const why = plaintextRefusal(reg.url, reg.insecure);
  if (why) throw new ProtocolError("bad_request", `director ${reg.name}: ${why}`);
}
