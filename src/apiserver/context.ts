import type { KubeObject } from '../kube/index.ts';
import type { ResourceDef } from './resource.ts';
import type { ResourceRegistry } from './registry.ts';
import type { ObjectStore } from './store.ts';
import type { AcceptInfo, Req, Res } from './http.ts';
import type { ResourceRequest } from './paths.ts';

/** An authenticated caller. `readOnly` callers may only get, list and watch. */
export interface UserInfo {
  name: string;
  groups: string[];
  readOnly?: boolean;
}

/** Resolves a bearer token to a user; undefined means 401. */
export type Authenticator = (token: string) => UserInfo | undefined | Promise<UserInfo | undefined>;

/** One logical cluster served under /kubernetes/<name>/. */
export interface ClusterState {
  name: string;
  registry: ResourceRegistry;
}

/** Everything a request handler needs. */
export interface RequestContext {
  store: ObjectStore;
  cluster: ClusterState;
  req: Req;
  res: Res;
  query: URLSearchParams;
  accept: AcceptInfo;
  user: UserInfo;
  /** Set for resource requests. */
  path?: ResourceRequest;
  def?: ResourceDef;
  /** Server-wide hooks for watch and aggregation. */
  server: ServerHooks;
  /** The request path and query without the /kubernetes/<cluster> prefix (what a backend sees). */
  relativeUrl: string;
}

export interface ServerHooks {
  /** Milliseconds between watch bookmarks. */
  bookmarkIntervalMs: number;
  /** Default watch lifetime is randomised in [min, 2×min] seconds so clients spread their re-watches. */
  minRequestTimeoutSeconds: number;
  /** Resolves the hostname:port clients used, for /api serverAddressByClientCIDRs. */
  serverAddress(req: Req): string;
  /** Aborted when the server shuts down (ends open watches). */
  shutdown: AbortSignal;
  /** Encoded watch event lines shared by watchers of the same resource (fan-out encodes once). */
  watchLines: Map<string, string>;
  /** Proxies a request for an aggregated group/version to its backend (503 when unavailable). */
  proxy(ctx: RequestContext, group: string, version: string): Promise<void>;
}

export type ObjectFilter = (obj: KubeObject) => boolean;
