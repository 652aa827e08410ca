// type -> handler table. Modules (ipvs, stats, conns, sysctl, rules) each contribute a
// HandlerMap; types nobody registered answer `unsupported` at dispatch time.
import type { RequestType } from "@/protocol/agent/catalog.ts";
import type { Handler, HandlerMap } from "./context.ts";

export class HandlerRegistry {
  readonly #handlers: HandlerMap = {};

  register<T extends RequestType>(type: T, handler: Handler<T>): this {
    if (this.#handlers[type]) throw new Error(`handler for ${type} registered twice`);
    (this.#handlers as Record<T, Handler<T>>)[type] = handler;
    return this;
  }

  /** Register every handler of a module. */
  use(map: HandlerMap): this {
    for (const type of Object.keys(map) as RequestType[]) {
      const h = map[type];
      if (h) this.register(type, h as Handler<typeof type>);
    }
    return this;
  }

  get<T extends RequestType>(type: T): Handler<T> | undefined {
    return this.#handlers[type] as Handler<T> | undefined;
  }

  types(): RequestType[] {
    return Object.keys(this.#handlers) as RequestType[];
  }
}
