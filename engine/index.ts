// The engine's public API: run DALiuGE physical graphs in process, serve them over the
// manager REST API, or deploy them to any DALiuGE-compatible manager.

export { DropState, AppState, SessionState, LinkType, ExecutionMode, isFinalSessionState, sessionStateName, dropStateName } from '../kernel/states.ts';
export { EngineError, DropFailure } from './errors.ts';

// Drops
export type { DropSpec, ArgField } from './drops/spec.ts';
export { parseBool, defaultHumanKey } from './drops/spec.ts';
export type { Drop, DropEvent, DropHost, LogRecord, LogLevel } from './drops/drop.ts';
export { AppDrop } from './drops/app.ts';
export { DataDrop, MemoryDrop, NullDrop, EndDrop } from './drops/data.ts';
export { FileDrop, defaultFileName } from './drops/file.ts';
export { resolveDropClass, implementedClasses, type DropClass } from './drops/registry.ts';

// Python apps and Python values
export { PythonPool, type PythonOptions, type CallHandle } from './drops/apps/python/pool.ts';
export { PythonAppDrop, PyFuncApp, PythonBranch } from './drops/apps/python/apps.ts';
export { pickleDumps } from './pyvalue/pickle-write.ts';
export { pickleLoads, looksLikePickle, NotBuiltinPickle } from './pyvalue/pickle-read.ts';
export { pydataOf, initialContent } from './pyvalue/pydata.ts';
export { PyBytes, PyList, PyTuple, PyDict, PySet, pyRepr, pyStr, pyTruthy, type PyValue } from './pyvalue/value.ts';

// Sessions
export { Session, type SessionOptions, type StatusSummary, type DropStatus } from './session/session.ts';
export { Scheduler } from './session/scheduler.ts';
export { readGraphInput, rootOids, leafOids, type GraphInput } from './session/graph-input.ts';
export type { RemoteEvent, RemoteEventSink, PeerLink, Relation } from './session/remote.ts';

// Managers
export type { DropManager, NodeOperations, SessionListEntry, SessionInfo, DropLogs } from './managers/manager.ts';
export { NodeManager, defaultDlgRoot, type NodeManagerOptions } from './managers/node/node-manager.ts';
export { createNodeServer, registerNodeRoutes } from './managers/node/rest.ts';
export { createRestServer, registerManagerRoutes, postOnly, DEFAULT_MAX_BODY, type RestOptions } from './managers/rest/server.ts';
export { HttpEventSink, HttpPeerLink, type PeerLinkOptions } from './managers/node/event-sink.ts';
export { CompositeManager, type CompositeOptions, type CompositeRole } from './managers/composite/composite-manager.ts';
export { createCompositeServer, registerCompositeRoutes } from './managers/composite/rest.ts';
export { parseAddress, parseAddressList, type ManagerAddress, NODE_PORT, ISLAND_PORT, MASTER_PORT, DAEMON_PORT } from './managers/address.ts';
export {
  applySecurity,
  addSecurityOptions,
  securityFromCli,
  exposureWarning,
  queryToken,
  DEFAULT_ALLOW_ORIGINS,
  DEFAULT_SECURITY,
  type SecurityOptions,
  type SecurityCliOptions,
} from './managers/rest/security.ts';

// Clients
export { ManagerClient, ManagerError, ConnectionError } from './client/client.ts';
export { submit, waitForSession, defaultSessionId, flattenStatus, overallStatus, type Progress } from './client/deploy.ts';
export { runEmbedded, type EmbeddedOptions, type EmbeddedResult } from './client/embedded.ts';
export { translateForDeploy, TranslateFailed, managerLayout, hierarchyMapper, type IslandLayout } from './client/translate.ts';

// HPC (dlg-deploy --slurm)
export { selectFacility, shippedFacilities, parseFacilities, FacilityError, type Facility } from './hpc/facility.ts';
export { renderScript, isSlurmTime, ScriptError, type SlurmJob } from './hpc/script.ts';
export { deploySlurm, buildJob, SlurmUsageError, type SlurmCliOptions } from './hpc/slurm-deploy.ts';
export { watchJob, tunnelCommand, type WatchOptions } from './hpc/watch.ts';
export { JobDriver, type DriverOptions } from './hpc/job/driver.ts';
export type { Summary, Progress as JobProgress } from './hpc/job/summary.ts';
