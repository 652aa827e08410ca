// The dashboard contract between server/ and the browser (app/, components/): REST payloads,
// the live WebSocket's messages and the string keys that name services and real servers in
// URLs and in keyed maps. Live views are keyed objects (not arrays) so that a JSON merge
// patch (protocol/merge-patch.ts) can express a change as a small delta.
// This entry re-exports the topic modules (protocol/dashboard/*.ts) so importers keep one path;
// the lists are explicit so that a module's internal helper never leaks into the contract.
export {
  DirectorId,
  destinationKeyString,
  directorIdOf,
  parseDestinationKeyString,
  parseServiceKeyString,
  serviceKeyString,
} from "./keys.ts";
export {
  AgentRole,
  BaseVersions,
  DestinationView,
  DirectorDetailView,
  DirectorView,
  FleetView,
  LinkState,
  SPARKLINE_POINTS,
  ServiceView,
  TableVersion,
  TrafficPoint,
  VersionConflictDetails,
  sparklineValues,
} from "./views.ts";
export {
  DrainJob,
  DrainRequest,
  DrainStatus,
  DrainTarget,
  DrainTargetStatus,
  DrainsView,
} from "./drains.ts";
export {
  AdoptRequest,
  DesiredDestination,
  DesiredService,
  DesiredSource,
  DesiredSummary,
  DirectorHaView,
  DriftStatus,
  GroupChangeRefusal,
  GroupDetailView,
  GroupDrift,
  GroupMemberView,
  GroupVersionConflict,
  GroupView,
  GroupsView,
  HaLinkStatus,
  HaTransitionAudit,
  KeepalivedView,
  MakeIdenticalRequest,
  MakeIdenticalResult,
  MemberDrift,
  MemberIdentical,
  VrrpInstanceView,
} from "./ha.ts";
export { History, HistoryRange, HistorySourceView, SeriesColumns, ServiceLiveView } from "./history.ts";
export { LIVE_CLOSE, LiveClientMessage, LiveServerMessage, Topic } from "./live.ts";
export {
  AUDIT_INTERRUPTED_RESULT,
  AuditEntry,
  AuditExportFormat,
  type AuditOutcome,
  auditErrorMessage,
  auditOutcome,
} from "./audit.ts";
export {
  DirectorCreate,
  DirectorCreated,
  DirectorInfo,
  DirectorPatch,
  DirectorRegistration,
  DirectorSettings,
  DirectorTrust,
  IssuedToken,
  TrustAccept,
} from "./directors.ts";
export {
  ApiError,
  ConnsStreamLine,
  ReadinessEntry,
  ReadinessFixRequest,
  ReadinessFixResult,
  ReadinessView,
  RulesTextRequest,
} from "./rest.ts";
export {
  LoginRequest,
  Password,
  Role,
  SessionView,
  SetupRequest,
  UserCreate,
  UserPatch,
  UserView,
  Username,
} from "./auth.ts";
