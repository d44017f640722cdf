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
  /**
   * Plan mode: the Terraform arguments and CloudFormation properties that decide the rule, most
   * specific first; a finding sits on the first of them its resource's block writes (else the block).
   */
  decidedBy?: readonly string[];
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
  /** Replaces the rule's remediation summary where the generic fix does not apply to this resource. */
  remediation?: string;
}

/** Judgement settings from the config file that rules read. */
export interface RuleSettings {
  /** Accounts besides the instance's own whose customer managed keys count as customer-owned. */
  trustedKeyAccounts: readonly string[];
  /** Cryptoperiod: the longest a key may go without new key material. */
  keyRotationMaxDays: number;
}

export const DEFAULT_RULE_SETTINGS: RuleSettings = { trustedKeyAccounts: [], keyRotationMaxDays: 365 };

/** Everything a rule may read about one instance. No clock, no I/O: `now` is given. */
export interface InstanceContext {
  account: AccountEvidence;
  region: RegionEvidence;
  instanceId: string;
  instanceArn: string;
  /** ARN partition of the instance (`aws`, `aws-us-gov`, `aws-cn`): every ARN the rules build uses it. */
  partition: string;
  evidence: ConnectInstanceEvidence;
  /** The DescribeInstance answer, when the call succeeded. */
  instance: ConnectInstance | undefined;
  /** Storage resource types in scope for this run. */
  resourceTypes: readonly StorageResourceType[];
  /** Directory id pinned for this instance (flag or config), if any. */
  directoryPin: string | undefined;
  /** Directory pinned for each other instance of the region (instance id → directory id or ARN). */
  regionDirectoryPins?: Readonly<Record<string, string>>;
  settings: RuleSettings;
  now: Date;
}

export interface Rule {
  meta: RuleMeta;
  evaluate(ctx: InstanceContext): Outcome[];
}
