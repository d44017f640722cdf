/**
 * The JSON report (SPEC §5): the contract SIEMs and scripts read. `schema report` prints the JSON
 * Schema generated from this zod schema. Renaming a field is a breaking change: bump the version.
 */
import { z } from 'zod';
import { SEVERITIES, STATUSES } from '../findings/status.js';
import { shardRecordSchema } from '../scope/shard.js';

export const REPORT_SCHEMA_VERSION = '1.0';

/** live: read from AWS; snapshot: an evidence file; plan: a Terraform plan or CloudFormation templates, before apply. */
export const RUN_MODES = ['live', 'snapshot', 'plan'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export const statusSchema = z.enum(STATUSES);
export const severitySchema = z.enum(SEVERITIES);
const ruleStatusSchema = z.enum(['FAIL', 'ERROR', 'PASS', 'MANAGED', 'NOT_APPLICABLE']);

export const complianceSchema = z.object({ framework: z.string(), controls: z.array(z.string()) });

export const resourceSchema = z.object({
  arn: z.string(),
  type: z.string(),
  accountId: z.string(),
  region: z.string(),
});

export const findingSchema = z.object({
  id: z.string().describe('stable fingerprint of rule + hop + resource + instance'),
  ruleId: z.string(),
  title: z.string(),
  hop: z.string(),
  status: statusSchema,
  severity: severitySchema,
  instanceArn: z.string(),
  resource: resourceSchema,
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  remediation: z.string(),
  references: z.array(z.string()),
  compliance: z.array(complianceSchema),
  source: z
    .object({
      file: z.string().describe('relative to run.sourceRoot, with forward slashes'),
      line: z.number().int().min(1),
      address: z.string().optional().describe('Terraform resource address'),
      logicalId: z.string().optional().describe('CloudFormation logical id'),
    })
    .optional()
    .describe('plan mode: the file and line of the resource whose value decided the finding'),
  waiver: z
    .object({ reason: z.string(), expires: z.string(), originalStatus: ruleStatusSchema, ticket: z.string().optional() })
    .optional(),
});
export type Finding = z.infer<typeof findingSchema>;

export const hopResultSchema = z.object({
  instanceArn: z.string(),
  hop: z.string(),
  status: statusSchema,
  protection: z.string(),
  responsibility: z.enum(['aws', 'customer', 'shared']),
  findingIds: z.array(z.string()),
});
export type HopResult = z.infer<typeof hopResultSchema>;

export const instanceSchema = z.object({
  accountId: z.string(),
  region: z.string(),
  instanceId: z.string(),
  instanceArn: z.string(),
  instanceAlias: z.string().optional(),
  identityManagementType: z.string(),
  accessUrl: z.string(),
  directory: z
    .object({ directoryId: z.string(), resolvedBy: z.enum(['pinned', 'inferred']) })
    .optional()
    .describe('the directory the directory hops were judged against'),
});
export type InstanceInfo = z.infer<typeof instanceSchema>;

export const errorEntrySchema = z.object({
  service: z.string(),
  operation: z.string(),
  resource: z.string(),
  code: z.string(),
  message: z.string(),
  iamAction: z.string().optional(),
});
export type ErrorEntry = z.infer<typeof errorEntrySchema>;

export const countsSchema = z.object({
  PASS: z.number().int(),
  FAIL: z.number().int(),
  ERROR: z.number().int(),
  NOT_APPLICABLE: z.number().int(),
  MANAGED: z.number().int(),
  WAIVED: z.number().int(),
});

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('connect-netpath-audit'), version: z.string() }),
  run: z.object({
    startedAt: z.string(),
    finishedAt: z.string(),
    mode: z.enum(RUN_MODES),
    source: z.string().optional().describe('the evidence file audited (snapshot mode), or the plan or templates (plan mode)'),
    sourceRoot: z
      .string()
      .optional()
      .describe('plan mode: the directory finding source files are relative to (the repository root, else the working directory)'),
    shard: shardRecordSchema
      .extend({ audited: z.array(z.string()).describe('the accounts (or regions) this report audited: `selected`, or one account of it (collect --out-dir)') })
      .optional()
      .describe('--shard K/N: which part of the scope this run audited'),
    shards: z
      .object({
        count: z.number().int(),
        by: z.enum(['account', 'region']),
        merged: z.array(z.number().int()).describe('the shards whose reports were merged'),
        missing: z.array(z.number().int()).describe('shards of which no report, or only part, was merged: the report does not cover them'),
        duplicated: z.array(z.number().int()).describe('shards given more than once (each finding keeps its worse verdict)'),
      })
      .optional()
      .describe('merge of sharded reports: which shards it joined'),
  }),
  summary: z.object({
    result: z.enum(['PASS', 'FAIL', 'INCOMPLETE']),
    exitCode: z.number().int(),
    failOn: severitySchema,
    counts: countsSchema,
  }),
  instances: z.array(instanceSchema),
  hops: z.array(hopResultSchema),
  findings: z.array(findingSchema),
  errors: z.array(errorEntrySchema),
  warnings: z.array(z.string()).optional(),
});
export type Report = z.infer<typeof reportSchema>;

export function reportJsonSchema(): unknown {
  return z.toJSONSchema(reportSchema, { target: 'draft-2020-12' });
}
