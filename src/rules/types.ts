/** What a rule is: metadata beside a pure function of the evidence of one Connect instance. */
import type {
  AccountEvidence,
  ConnectInstance,
  ConnectInstanceEvidence,
  RegionEvidence,
} from '../evidence/model.js';
import type { OperationKey } from '../evidence/operations.js';
import type { RuleStatus, Severity } from '../findings/status.js';
import type { StorageResourceType } from '../paths/hops.js';

export interface ComplianceMapping {
  framework: string;
  controls: string[];
}

export interface RuleMeta {
  id: string;
  title: string;
  /** Hop ids the rule judges; `storage.*.transfer` / `storage.*.at-rest` stand for every storage type. */
  hops: readonly string[];
  severity: Severity;
  rationale: string;
  /** The API calls whose answers the rule reads. */
  evidenceUsed: readonly OperationKey[];
  remediation: { summary: string; console: readonly string[]; cli?: string; terraform?: string };
  references: readonly string[];
  compliance: readonly ComplianceMapping[];
}

export interface Resource {
  arn: string;
  type: string;
  accountId: string;
  region: string;
}

/** Why a rule could not decide: the failed call, named so a person can fix it. */
export interface OutcomeError {
  operation: OperationKey;
  resource: string;
  code: string;
  message: string;
}

export interface Outcome {
  hop: string;
  status: RuleStatus;
  resource: Resource;
  message: string;
  evidence: Record<string, unknown>;
  error?: OutcomeError;
}

/** Everything a rule may read about one instance. No clock, no I/O: `now` is given. */
export interface InstanceContext {
  account: AccountEvidence;
  region: RegionEvidence;
  instanceId: string;
  instanceArn: string;
  evidence: ConnectInstanceEvidence;
  /** The DescribeInstance answer, when the call succeeded. */
  instance: ConnectInstance | undefined;
  /** Storage resource types in scope for this run. */
  resourceTypes: readonly StorageResourceType[];
  /** Directory id pinned for this instance (flag or config), if any. */
  directoryPin: string | undefined;
  now: Date;
}

export interface Rule {
  meta: RuleMeta;
  evaluate(ctx: InstanceContext): Outcome[];
}
