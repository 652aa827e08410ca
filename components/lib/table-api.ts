// Where the service and real-server forms send a table's changes: one director's table, or an
// HA group's desired table (applied to every member, rolled back on all if one refuses). The
// same six calls of the typed client (api-client.ts) on either set of routes.
import type { RouteBody } from "@/protocol/dashboard/route-types.ts";
import { api } from "./api-client.ts";

type ServiceCreate = RouteBody<"POST /api/directors/:id/services">;
type ServiceUpdate = RouteBody<"PATCH /api/directors/:id/services/:service">;
type DestCreate = RouteBody<"POST /api/directors/:id/services/:service/destinations">;
type DestUpdate = RouteBody<"PATCH /api/directors/:id/services/:service/destinations/:dest">;
type Based = RouteBody<"DELETE /api/directors/:id/services/:service">;

/** Service keys and real-server keys as serviceKeyString()/destinationKeyString() write them. */
export interface TableApi {
  createService(body: ServiceCreate): Promise<unknown>;
  updateService(service: string, body: ServiceUpdate): Promise<unknown>;
  removeService(service: string, body?: Based): Promise<unknown>;
  createDestination(service: string, body: DestCreate): Promise<unknown>;
  updateDestination(service: string, dest: string, body: DestUpdate): Promise<unknown>;
  removeDestination(service: string, dest: string, body?: Based): Promise<unknown>;
}

export function directorTable(id: string): TableApi {
  return {
    createService: (body) => api.services.create({ params: { id }, body }),
    updateService: (service, body) => api.services.update({ params: { id, service }, body }),
    removeService: (service, body) => api.services.remove({ params: { id, service }, body }),
    createDestination: (service, body) => api.destinations.create({ params: { id, service }, body }),
    updateDestination: (service, dest, body) => api.destinations.update({ params: { id, service, dest }, body }),
    removeDestination: (service, dest, body) => api.destinations.remove({ params: { id, service, dest }, body }),
  };
}

export function groupTable(group: string): TableApi {
  return {
    createService: (body) => api.groupServices.create({ params: { group }, body }),
    updateService: (service, body) => api.groupServices.update({ params: { group, service }, body }),
    removeService: (service, body) => api.groupServices.remove({ params: { group, service }, body }),
    createDestination: (service, body) => api.groupDestinations.create({ params: { group, service }, body }),
    updateDestination: (service, dest, body) => api.groupDestinations.update({ params: { group, service, dest }, body }),
    removeDestination: (service, dest, body) => api.groupDestinations.remove({ params: { group, service, dest }, body }),
  };
}
