/**
 * The fields of `terraform show -json tfplan` (and OpenTofu's, the same format) this reader uses, as
 * documented at https://developer.hashicorp.com/terraform/internals/json-format and emitted by
 * hashicorp/terraform internal/command/jsonplan. Objects are loose: "Ignore any object properties with
 * unrecognized names to remain forward-compatible with future minor versions."
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError, jsonPath } from '../../../errors.js';

/** `{"constant_value": …}` (no references) or `{"references": ["aws_s3_bucket.rec.id", "aws_s3_bucket.rec"]}`. */
const expressionSchema = z.looseObject({ constant_value: z.unknown().optional(), references: z.array(z.string()).optional() });
export type Expression = z.infer<typeof expressionSchema>;
/** Block expressions: attribute → expression, nested block → array (list/set) or object (single/map). */
export type Expressions = Record<string, unknown>;

const configResource = z.looseObject({
  address: z.string(),
  mode: z.string(),
  type: z.string(),
  name: z.string(),
  provider_config_key: z.string().optional(),
  expressions: z.record(z.string(), z.unknown()).optional(),
  count_expression: expressionSchema.optional(),
  for_each_expression: expressionSchema.optional(),
});
export type ConfigResource = z.infer<typeof configResource>;

export interface ConfigModule {
  resources?: ConfigResource[] | undefined;
  module_calls?: Record<string, ModuleCall> | undefined;
  outputs?: Record<string, { expression?: Expression | undefined }> | undefined;
  variables?: Record<string, { default?: unknown }> | undefined;
}
export interface ModuleCall {
  source?: string | undefined;
  expressions?: Record<string, unknown> | undefined;
  count_expression?: Expression | undefined;
  for_each_expression?: Expression | undefined;
  module?: ConfigModule | undefined;
}
const configModule: z.ZodType<ConfigModule> = z.lazy(() =>
  z.looseObject({
    resources: z.array(configResource).optional(),
    module_calls: z.record(z.string(), moduleCall).optional(),
    outputs: z.record(z.string(), z.looseObject({ expression: expressionSchema.optional() })).optional(),
    variables: z.record(z.string(), z.looseObject({ default: z.unknown().optional() })).optional(),
  }),
);
const moduleCall: z.ZodType<ModuleCall> = z.lazy(() =>
  z.looseObject({
    source: z.string().optional(),
    expressions: z.record(z.string(), z.unknown()).optional(),
    count_expression: expressionSchema.optional(),
    for_each_expression: expressionSchema.optional(),
    module: configModule.optional(),
  }),
);

const providerConfig = z.looseObject({
  name: z.string().optional(),
  full_name: z.string().optional(),
  alias: z.string().optional(),
  module_address: z.string().optional(),
  expressions: z.record(z.string(), z.unknown()).optional(),
});
export type ProviderConfig = z.infer<typeof providerConfig>;

const indexKey = z.union([z.number(), z.string()]);
export type IndexKey = z.infer<typeof indexKey>;

const valuesResource = z.looseObject({
  address: z.string(),
  mode: z.string(),
  type: z.string(),
  name: z.string(),
  index: indexKey.optional(),
  provider_name: z.string().optional(),
  values: z.record(z.string(), z.unknown()).optional(),
});
export type ValuesResource = z.infer<typeof valuesResource>;
export interface ValuesModule {
  address?: string | undefined;
  resources?: ValuesResource[] | undefined;
  child_modules?: ValuesModule[] | undefined;
}
const valuesModule: z.ZodType<ValuesModule> = z.lazy(() =>
  z.looseObject({ address: z.string().optional(), resources: z.array(valuesResource).optional(), child_modules: z.array(valuesModule).optional() }),
);

const resourceChange = z.looseObject({
  address: z.string(),
  module_address: z.string().optional(),
  mode: z.string(),
  type: z.string(),
  name: z.string(),
  index: indexKey.optional(),
  provider_name: z.string().optional(),
  /** Set when the change is for a deposed object (create_before_destroy leftovers): never judged. */
  deposed: z.string().optional(),
  change: z.looseObject({
    actions: z.array(z.string()),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    after_unknown: z.unknown().optional(),
  }),
});
export type ResourceChange = z.infer<typeof resourceChange>;

const planSchema = z.looseObject({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  variables: z.record(z.string(), z.looseObject({ value: z.unknown().optional() })).optional(),
  planned_values: z.looseObject({ root_module: valuesModule.optional() }).optional(),
  resource_changes: z.array(resourceChange).optional(),
  prior_state: z.looseObject({ values: z.looseObject({ root_module: valuesModule.optional() }).optional() }).optional(),
  configuration: z
    .looseObject({ provider_config: z.record(z.string(), providerConfig).optional(), root_module: configModule.optional() })
    .optional(),
  errored: z.boolean().optional(),
  complete: z.boolean().optional(),
});
export type Plan = z.infer<typeof planSchema>;

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Reads and validates a plan file: every problem is an InputError of one line naming the file. */
export async function readPlanFile(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read the Terraform plan (${oneLine((error as Error).message)})`);
  }
  return parsePlan(text, file);
}

function parsePlan(text: string, file: string): Plan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = text.trim() === '' ? 'the file is empty' : /end of (JSON )?input|Unterminated/i.test((error as Error).message) ? 'truncated JSON' : 'not valid JSON';
    throw new InputError(`${file}: ${reason} (${oneLine((error as Error).message)}); expected the output of terraform show -json`);
  }
  const looksLikePlan = typeof json === 'object' && json !== null && !Array.isArray(json) && 'format_version' in json && ('planned_values' in json || 'resource_changes' in json || 'configuration' in json);
  if (!looksLikePlan) {
    const state = typeof json === 'object' && json !== null && 'values' in json && 'format_version' in json;
    throw new InputError(`${file} is not a Terraform plan (terraform show -json)${state ? ': it looks like a state file (terraform show -json without a plan file)' : ''}`);
  }
  const version = (json as { format_version: unknown }).format_version;
  // "We will increment the major version, e.g. "2.0", for changes that are not backward-compatible.
  // Reject any input which reports an unsupported major version." (json-format page). 0.x (Terraform
  // before 1.0) predates that promise: rejected too, rather than read with a format it may not follow.
  const major = typeof version === 'string' ? /^(\d+)\.\d+/.exec(version)?.[1] : undefined;
  if (major !== '1') throw new InputError(`${file}: unsupported format_version ${oneLine(JSON.stringify(version) ?? String(version))} (this reader supports 1.x)`);
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}: malformed Terraform plan at ${jsonPath(issue?.path ?? [])}: ${oneLine(issue?.message ?? 'invalid')}`);
  }
  return parsed.data;
}
