import type { KubeObject } from "../object/types.ts";
import type { StoreTransaction } from "../store/transaction.ts";
import type { FieldError } from "../validation/field-errors.ts";
import type { NameRule } from "../validation/object-meta.ts";

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export interface SubresourceDefinition {
  name: string;
  verbs: readonly Verb[];
  /** The kind the subresource speaks (Scale for scale, Eviction for eviction …); absent: the parent's. */
  kind?: { group: string; version: string; kind: string };
}

/** What a strategy hook may use besides the object: the clock, the write transaction, the request. */
export interface StrategyContext {
  now: Date;
  clusterId: string;
  /** The open write transaction (absent in pure validation). */
  tx?: StoreTransaction;
  /** A dry run computes everything and persists nothing. */
  dryRun: boolean;
}

/**
 * How one kind behaves on writes, in the spirit of kube-apiserver's RESTCreateStrategy /
 * RESTUpdateStrategy (pkg/registry/<group>/<kind>/strategy.go). Every hook is optional; the
 * generic strategy gives what most kinds need.
 */
export interface Strategy {
  /** A spec/status split: main-resource writes keep the stored status, /status writes keep the rest. */
  hasStatusSubresource: boolean;
  /** metadata.generation starts at 1 and increases on every spec change. */
  tracksGeneration: boolean;
  /** Scheme defaulting (SetDefaults_*): applied to every object that is written. */
  applyDefaults?(obj: KubeObject): void;
  /** PrepareForCreate: reset what a client may not set (status, …). */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void;
  /** PrepareForUpdate: carry over what this write may not change. */
  prepareForUpdate?(next: KubeObject, prev: KubeObject, ctx: StrategyContext): void;
  /** Validate: field errors of a new object (metadata is validated generically). */
  validate?(obj: KubeObject, ctx: StrategyContext): FieldError[];
  /** ValidateUpdate: including immutability. */
  validateUpdate?(next: KubeObject, prev: KubeObject, ctx: StrategyContext): FieldError[];
  /**
   * The status strategy's ValidateUpdate, for /status writes: they keep the stored spec, so only
   * what they may change is checked. Without it, validateUpdate runs.
   */
  validateStatusUpdate?(next: KubeObject, prev: KubeObject, ctx: StrategyContext): FieldError[];
  /** Work needing the store, inside the write transaction (allocations, references). */
  beforeCreate?(obj: KubeObject, ctx: StrategyContext & { tx: StoreTransaction }): Promise<void>;
  beforeUpdate?(
    next: KubeObject,
    prev: KubeObject,
    ctx: StrategyContext & { tx: StoreTransaction },
  ): Promise<void>;
  /**
   * CheckGracefulDelete: how many seconds the object stays (with deletionTimestamp) before it goes,
   * given the grace the client asked for; 0 deletes at once. Only Pods wait: their kubelet stops
   * the containers and then removes the pod.
   */
  gracefulDeleteSeconds?(obj: KubeObject, requested: number | undefined): number;
  /** After the object is gone: release allocations. */
  afterDelete?(obj: KubeObject, ctx: StrategyContext & { tx: StoreTransaction }): Promise<void>;
  /** Names may be any path segment instead of a DNS subdomain (e.g. RBAC roles). */
  nameValidation?: NameRule;
}

/** One resource of one served group-version. */
export interface ResourceDefinition {
  group: string;
  version: string;
  /** Plural, as in the URL. */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly Verb[];
  subresources: readonly SubresourceDefinition[];
  /** Where its objects are stored: versions of one resource share one storage and convert. */
  storage: { group: string; resource: string; version: string };
  /** Conversion between this version and the storage version (absent: the same shape). */
  conversion?: {
    toStorage(obj: KubeObject): KubeObject;
    fromStorage(obj: KubeObject): KubeObject;
  };
  strategy: Strategy;
}

export type { FieldError, KubeObject };
