/** The config file (SPEC §9). `schema config` prints its JSON Schema. */
import { z } from 'zod';
import { SEVERITIES } from '../findings/status.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a real date');

/** A resource pattern of stars alone matches every resource of the rule. */
export const matchesEveryResource = (resource: string): boolean => /^\*+$/.test(resource.trim());

export const waiverSchema = z
  .strictObject({
    rule: z.string().min(1).describe('rule id, as listed by `connect-netpath-audit rules`'),
    resource: z.string().min(1).describe('resource or instance ARN; * matches any run of characters'),
    allResources: z.boolean().optional().describe('required (true) for resource "*": the waiver covers the rule on every resource'),
    reason: z.string().min(1),
    expires: isoDate.describe('last day the waiver applies (UTC); required'),
    ticket: z.string().optional(),
  })
  .superRefine((waiver, ctx) => {
    const everything = matchesEveryResource(waiver.resource);
    if (everything && waiver.allResources !== true) {
      ctx.addIssue({ code: 'custom', path: ['allResources'], message: 'resource "*" waives the rule on every resource: say so with "allResources": true, or name the resources' });
    }
    if (!everything && waiver.allResources === true) {
      ctx.addIssue({ code: 'custom', path: ['allResources'], message: '"allResources": true goes with resource "*" only' });
    }
  });

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  failOn: z.enum(SEVERITIES).optional(),
  rules: z
    .record(z.string(), z.strictObject({ enabled: z.boolean().optional(), severity: z.enum(SEVERITIES).optional() }))
    .optional()
    .describe('per rule id: enable/disable and severity override'),
  directories: z.record(z.string(), z.string()).optional().describe('instance id or ARN → directory id'),
  resourceTypes: z.array(z.string()).optional().describe('storage resource types in scope, e.g. CALL_RECORDINGS or call-recordings'),
  waivers: z.array(waiverSchema).optional(),
  trustedKeyAccounts: z
    .array(z.string().regex(/^\d{12}$/, 'an AWS account id has 12 digits'))
    .optional()
    .describe("accounts besides the instance's own whose customer managed KMS keys count as customer-owned"),
  keyRotationMaxDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe('cryptoperiod in days: the longest a KMS key may go without new key material (default 365)'),
});
export type Config = z.infer<typeof configSchema>;

export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { target: 'draft-2020-12' });
}
