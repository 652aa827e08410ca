// @peculiar/x509 resolves its providers through tsyringe, which refuses to load without the
// Reflect metadata API (normally the reflect-metadata package, not installed here). This is the
// small part of that API tsyringe and TypeScript's decorator helpers use, installed only when
// absent. Imported for its side effect, before @peculiar/x509.
type MetaMap = Map<unknown, unknown>;
const store = new WeakMap<object, Map<PropertyKey | undefined, MetaMap>>();

function own(target: object, prop: PropertyKey | undefined, create: boolean): MetaMap | undefined {
  let byProp = store.get(target);
  if (!byProp) {
    if (!create) return undefined;
    byProp = new Map();
    store.set(target, byProp);
  }
  let meta = byProp.get(prop);
  if (!meta && create) {
    meta = new Map();
    byProp.set(prop, meta);
  }
  return meta;
}

const api = {
  defineMetadata(key: unknown, value: unknown, target: object, prop?: PropertyKey): void {
    own(target, prop, true)!.set(key, value);
  },
  getOwnMetadata(key: unknown, target: object, prop?: PropertyKey): unknown {
    return own(target, prop, false)?.get(key);
  },
  getMetadata(key: unknown, target: object, prop?: PropertyKey): unknown {
    // like reflect-metadata: walk the prototype chain
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      const m = own(t, prop, false);
      if (m?.has(key)) return m.get(key);
    }
    return undefined;
  },
  hasMetadata(key: unknown, target: object, prop?: PropertyKey): boolean {
    return api.getMetadata(key, target, prop) !== undefined;
  },
  hasOwnMetadata(key: unknown, target: object, prop?: PropertyKey): boolean {
    return own(target, prop, false)?.has(key) ?? false;
  },
  metadata(key: unknown, value: unknown) {
    return (target: object, prop?: PropertyKey) => api.defineMetadata(key, value, target, prop);
  },
};

const R = Reflect as unknown as Record<string, unknown>;
if (typeof R.getMetadata !== "function") {
  for (const [name, fn] of Object.entries(api)) R[name] = fn;
}
