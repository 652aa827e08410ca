// One IpvsChange through the ordinary one-request-at-a-time client methods: the path for
// undo steps and for clients without applyBatch.
import type { IpvsChange, IpvsClient } from "../ipvs/types.ts";

export function runChange(client: IpvsClient, c: IpvsChange): Promise<void> {
  switch (c.op) {
    case "createService":
      return client.createService(c.service);
    case "updateService":
      return client.updateService(c.service);
    case "deleteService":
      return client.deleteService(c.key);
    case "createDestination":
      return client.createDestination(c.service, c.destination);
    case "updateDestination":
      return client.updateDestination(c.service, c.destination);
    case "deleteDestination":
      return client.deleteDestination(c.service, c.key);
    case "setTimeouts":
      return client.setTimeouts(c.timeouts);
    case "zero":
      return client.zero(c.key);
    case "flush":
      return client.flush();
  }
}
