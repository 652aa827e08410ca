// How the REST fuzz routes are split over files (so vitest runs them in parallel).
/** directors, services and real servers */
export const isTableRoute = (route: string): boolean => /^\S+ \/api\/directors(\/:id(\/services(\/:service(\/destinations(\/:dest)?)?)?)?)?$/.test(route);
/** rules, history, conns, sysctls of a director */
export const isHostRoute = (route: string): boolean => /^\S+ \/api\/directors\/:id\/(rules|history|conns|sysctls)/.test(route);
/** HA groups (/api/groups...) */
export const isGroupRoute = (route: string): boolean => /^\S+ \/api\/groups/.test(route);
/** health checks of a director (/api/directors/:id/health...) */
export const isHealthRoute = (route: string): boolean => /^\S+ \/api\/directors\/:id\/health/.test(route);
/** lvsctl --server's routes: API tokens, /api/directors/:id/ipvsadm and /api/groups/:group/ipvsadm */
export const isLvsctlRoute = (route: string): boolean => /^\S+ \/api\/(auth\/tokens|directors\/:id\/ipvsadm|groups\/:group\/ipvsadm)/.test(route);
