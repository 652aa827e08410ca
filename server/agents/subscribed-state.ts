// What a director's state of one agent subscription (ha.subscribe, health.subscribe) has in
// common: the last status the agent sent, or why there is none. An agent without the feature
// answers `unsupported`: that is "none", not an error, and nothing is retried until the next link.
import { ProtocolError } from "@/protocol/errors.ts";

type Common = "pending" | "none" | "error";

export abstract class SubscribedState<Status extends string, Last> {
  status: Status | Common = "pending";
  error: string | null = null;
  last: Last | null = null;

  /** A new link: the status is unknown again until the agent answers. */
  relinked(): void {
    this.status = "pending";
    this.error = null;
  }

  /** The subscribe request failed. */
  failed(err: unknown): void {
    if (err instanceof ProtocolError && err.code === "unsupported") {
      this.status = "none";
      this.error = null;
      this.last = null;
      return;
    }
    this.status = "error";
    this.error = (err as Error).message;
  }
}
