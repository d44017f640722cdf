/**
 * (i) Plan mode at scale: a generated Terraform plan of 5,000 managed resources (`terraform show
 * -json` format, https://developer.hashicorp.com/terraform/internals/json-format) and the `.tf` files
 * it was planned from, judged by `audit --terraform-plan plan.json --format json > FILE` end to end
 * as a child process (the report written once, as in (b)). Target: under 2 s (issue 13).
 *
 * The plan holds 100 Connect instances, each with 50 resources: the instance, an approved origin,
 * five buckets (recordings, chat transcripts, scheduled reports, screen recordings, attachments) each
 * with its split policy, encryption, public access block and ownership controls resources, a KMS key
 * and alias per bucket, three Kinesis streams (contact trace records, agent events, real-time voice
 * segments), two log groups (the instance's flow logs and another) and eight storage configs.
 * Even-numbered instances and their resources are created (`["create"]`: ids and ARNs unknown until
 * apply, links only through the configuration's references, as a real first plan), odd-numbered ones
 * exist already (`["no-op"]`, every value known). A deterministic share is misconfigured (a bucket
 * policy without the TLS deny, SSE-S3 instead of a KMS key, a key without rotation), so the audit
 * has failures to write.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, round, run, summarise, type Summary } from './measure.js';
import { BIN, PROBE_MODULE, ROOT } from './paths.js';
import { table } from './table.js';

/** A value known only after apply: omitted from `after`, `true` in `after_unknown`. */
const UNKNOWN = Symbol('known after apply');
type Value = string | number | boolean | null | typeof UNKNOWN | Value[] | { [key: string]: Value };

/** A configuration expression: a literal, a reference (`aws_s3_bucket.rec.id`), or nested blocks. */
type Expression = { literal: string | number | boolean } | { ref: string } | { blocks: Array<Record<string, Expression>> };

interface Resource {
  type: string;
  name: string;
  /** Planned values; UNKNOWN where the provider computes the value at apply. */
  values: Record<string, Value>;
  /** The block as written: what `configuration` records and the `.tf` file holds. */
  config: Record<string, Expression>;
}

export const PLAN_FORMAT_VERSION = '1.2';
const TERRAFORM_VERSION = '1.9.8';
const PROVIDER = 'registry.terraform.io/hashicorp/aws';
const REGION = 'eu-west-2';
const ACCOUNT = '123456789012';

const S3_TYPES = ['CALL_RECORDINGS', 'CHAT_TRANSCRIPTS', 'SCHEDULED_REPORTS', 'SCREEN_RECORDINGS', 'ATTACHMENTS'] as const;
const STREAM_TYPES = ['CONTACT_TRACE_RECORDS', 'AGENT_EVENTS', 'REAL_TIME_CONTACT_ANALYSIS_VOICE_SEGMENTS'] as const;
/** Resources per instance (see the module comment). */
export const RESOURCES_PER_INSTANCE = 1 + 1 + S3_TYPES.length * 5 + S3_TYPES.length * 2 + STREAM_TYPES.length + 2 + S3_TYPES.length + STREAM_TYPES.length;

const literal = (value: string | number | boolean): Expression => ({ literal: value });
const ref = (traversal: string): Expression => ({ ref: traversal });
const blocks = (...list: Array<Record<string, Expression>>): Expression => ({ blocks: list });

/** A stable id of the right shape (`xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx`) from a name. */
function uuid(name: string): string {
  let h = 2166136261;
  const hex: string[] = [];
  for (let part = 0; part < 4; part++) {
    for (const c of `${name}/${part}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

function tlsPolicy(bucket: string, denyInsecure: boolean): string {
  const statements = [
    { Sid: 'ConnectWrites', Effect: 'Allow', Principal: { Service: 'connect.amazonaws.com' }, Action: ['s3:PutObject', 's3:GetBucketLocation'], Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] },
    ...(denyInsecure
      ? [{ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]
      : []),
  ];
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** The 50 resources of instance `n`. */
function instanceResources(n: number): Resource[] {
  const created = n % 2 === 0;
  const known = <T extends Value>(value: T): T | typeof UNKNOWN => (created ? UNKNOWN : value);
  const alias = `acme-${String(n).padStart(3, '0')}`;
  const id = uuid(`instance-${n}`);
  const c = `c${n}`;
  const instanceArn = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${id}`;
  /** An association of this instance: its planned values and configuration around the storage_config block. */
  const storageConfig = (resourceType: string, values: Record<string, Value>, config: Record<string, Expression>): Resource => ({
    type: 'aws_connect_instance_storage_config',
    name: `${c}_${resourceType.toLowerCase()}`,
    values: {
      instance_id: known(id),
      resource_type: resourceType,
      association_id: known(uuid(`assoc-${n}-${resourceType}`)),
      id: known(`${id}:${uuid(`assoc-${n}-${resourceType}`)}:${resourceType}`),
      storage_config: [values],
    },
    config: { instance_id: ref(`aws_connect_instance.${c}.id`), resource_type: literal(resourceType), storage_config: blocks(config) },
  });
  const out: Resource[] = [
    {
      type: 'aws_connect_instance',
      name: c,
      values: {
        instance_alias: alias,
        identity_management_type: 'CONNECT_MANAGED',
        inbound_calls_enabled: true,
        outbound_calls_enabled: true,
        contact_flow_logs_enabled: true,
        contact_lens_enabled: true,
        early_media_enabled: true,
        auto_resolve_best_voices_enabled: true,
        multi_party_conference_enabled: false,
        directory_id: null,
        id: known(id),
        arn: known(instanceArn),
        service_role: known(`arn:aws:iam::${ACCOUNT}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_${n}`),
        status: known('ACTIVE'),
      },
      config: {
        instance_alias: literal(alias),
        identity_management_type: literal('CONNECT_MANAGED'),
        inbound_calls_enabled: literal(true),
        outbound_calls_enabled: literal(true),
        contact_flow_logs_enabled: literal(true),
        contact_lens_enabled: literal(true),
      },
    },
    {
      type: 'aws_connect_approved_origin',
      name: `${c}_origin`,
      values: { instance_id: known(id), origin: `https://agents-${alias}.example.com`, id: known(`${id}:https://agents-${alias}.example.com`) },
      config: { instance_id: ref(`aws_connect_instance.${c}.id`), origin: literal(`https://agents-${alias}.example.com`) },
    },
  ];
  const keyRef = (j: number) => `aws_kms_key.${c}_k${j}`;
  for (const [j] of S3_TYPES.entries()) {
    const keyId = uuid(`key-${n}-${j}`);
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`;
    const rotation = (n * 5 + j) % 9 !== 4;
    out.push(
      {
        type: 'aws_kms_key',
        name: `${c}_k${j}`,
        values: {
          description: `${alias} ${S3_TYPES[j]?.toLowerCase() ?? ''}`,
          key_usage: 'ENCRYPT_DECRYPT',
          customer_master_key_spec: 'SYMMETRIC_DEFAULT',
          is_enabled: true,
          enable_key_rotation: rotation,
          rotation_period_in_days: rotation ? 365 : null,
          deletion_window_in_days: 30,
          multi_region: false,
          key_id: known(keyId),
          id: known(keyId),
          arn: known(keyArn),
          policy: created ? UNKNOWN : JSON.stringify({ Version: '2012-10-17', Id: 'key-default-1', Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] }),
        },
        config: {
          description: literal(`${alias} ${S3_TYPES[j]?.toLowerCase() ?? ''}`),
          enable_key_rotation: literal(rotation),
          ...(rotation ? { rotation_period_in_days: literal(365) } : {}),
          deletion_window_in_days: literal(30),
        },
      },
      {
        type: 'aws_kms_alias',
        name: `${c}_k${j}`,
        values: { name: `alias/${alias}-${j}`, target_key_id: known(keyId), target_key_arn: known(keyArn), arn: known(`arn:aws:kms:${REGION}:${ACCOUNT}:alias/${alias}-${j}`), id: `alias/${alias}-${j}` },
        config: { name: literal(`alias/${alias}-${j}`), target_key_id: ref(`${keyRef(j)}.key_id`) },
      },
    );
  }
  for (const [j, resourceType] of S3_TYPES.entries()) {
    const bucket = `${alias}-${resourceType.toLowerCase().replace(/_/g, '-')}`;
    const b = `aws_s3_bucket.${c}_b${j}`;
    const kms = (n + j) % 7 !== 5;
    const deny = (n * 3 + j) % 10 !== 3;
    out.push(
      {
        type: 'aws_s3_bucket',
        name: `${c}_b${j}`,
        values: { bucket, force_destroy: false, id: known(bucket), arn: known(`arn:aws:s3:::${bucket}`), bucket_domain_name: known(`${bucket}.s3.amazonaws.com`), region: REGION },
        config: { bucket: literal(bucket), force_destroy: literal(false) },
      },
      {
        type: 'aws_s3_bucket_policy',
        name: `${c}_b${j}`,
        values: { bucket: known(bucket), policy: tlsPolicy(bucket, deny), id: known(bucket) },
        config: { bucket: ref(`${b}.id`), policy: literal(tlsPolicy(bucket, deny)) },
      },
      {
        type: 'aws_s3_bucket_server_side_encryption_configuration',
        name: `${c}_b${j}`,
        values: {
          bucket: known(bucket),
          expected_bucket_owner: '',
          id: known(bucket),
          rule: [{ bucket_key_enabled: true, apply_server_side_encryption_by_default: [{ sse_algorithm: kms ? 'aws:kms' : 'AES256', kms_master_key_id: kms ? known(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${uuid(`key-${n}-${j}`)}`) : '' }] }],
        },
        config: {
          bucket: ref(`${b}.id`),
          rule: blocks({
            bucket_key_enabled: literal(true),
            apply_server_side_encryption_by_default: blocks(kms ? { sse_algorithm: literal('aws:kms'), kms_master_key_id: ref(`${keyRef(j)}.arn`) } : { sse_algorithm: literal('AES256') }),
          }),
        },
      },
      {
        type: 'aws_s3_bucket_public_access_block',
        name: `${c}_b${j}`,
        values: { bucket: known(bucket), block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true, id: known(bucket) },
        config: { bucket: ref(`${b}.id`), block_public_acls: literal(true), block_public_policy: literal(true), ignore_public_acls: literal(true), restrict_public_buckets: literal(true) },
      },
      {
        type: 'aws_s3_bucket_ownership_controls',
        name: `${c}_b${j}`,
        values: { bucket: known(bucket), rule: [{ object_ownership: 'BucketOwnerEnforced' }], id: known(bucket) },
        config: { bucket: ref(`${b}.id`), rule: blocks({ object_ownership: literal('BucketOwnerEnforced') }) },
      },
      storageConfig(
        resourceType,
        {
          storage_type: 'S3',
          kinesis_firehose_config: [],
          kinesis_stream_config: [],
          kinesis_video_stream_config: [],
          s3_config: [{ bucket_name: known(bucket), bucket_prefix: `connect/${alias}`, encryption_config: [{ encryption_type: 'KMS', key_id: known(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${uuid(`key-${n}-${j}`)}`) }] }],
        },
        {
          storage_type: literal('S3'),
          s3_config: blocks({ bucket_name: ref(`${b}.id`), bucket_prefix: literal(`connect/${alias}`), encryption_config: blocks({ encryption_type: literal('KMS'), key_id: ref(`${keyRef(j)}.arn`) }) }),
        },
      ),
    );
  }
  for (const [j, resourceType] of STREAM_TYPES.entries()) {
    const name = `${alias}-${resourceType.toLowerCase().replace(/_/g, '-')}`;
    const streamArn = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
    out.push(
      {
        type: 'aws_kinesis_stream',
        name: `${c}_s${j}`,
        values: {
          name,
          shard_count: 1,
          retention_period: 24,
          encryption_type: 'KMS',
          kms_key_id: known(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${uuid(`key-${n}-0`)}`),
          stream_mode_details: [{ stream_mode: 'PROVISIONED' }],
          arn: known(streamArn),
          id: known(streamArn),
        },
        config: { name: literal(name), shard_count: literal(1), retention_period: literal(24), encryption_type: literal('KMS'), kms_key_id: ref(`${keyRef(0)}.arn`), stream_mode_details: blocks({ stream_mode: literal('PROVISIONED') }) },
      },
      storageConfig(
        resourceType,
        { storage_type: 'KINESIS_STREAM', kinesis_firehose_config: [], kinesis_video_stream_config: [], s3_config: [], kinesis_stream_config: [{ stream_arn: known(streamArn) }] },
        { storage_type: literal('KINESIS_STREAM'), kinesis_stream_config: blocks({ stream_arn: ref(`aws_kinesis_stream.${c}_s${j}.arn`) }) },
      ),
    );
  }
  for (const [j, name] of [`/aws/connect/${alias}`, `/acme/${alias}/integrations`].entries()) {
    out.push({
      type: 'aws_cloudwatch_log_group',
      name: `${c}_logs${j}`,
      values: { name, retention_in_days: 365, log_group_class: 'STANDARD', kms_key_id: known(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${uuid(`key-${n}-1`)}`), skip_destroy: false, arn: known(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`), id: known(name) },
      config: { name: literal(name), retention_in_days: literal(365), kms_key_id: ref(`${keyRef(1)}.arn`) },
    });
  }
  return out;
}

/** Splits planned values into what is known (`after`, unknown leaves left out; list elements kept as null) and `after_unknown`. */
function split(value: Value, inList = false): { known: unknown; unknown: unknown } {
  if (value === UNKNOWN) return { known: inList ? null : undefined, unknown: true };
  if (Array.isArray(value)) {
    const parts = value.map((v) => split(v, true));
    return { known: parts.map((p) => p.known), unknown: parts.map((p) => p.unknown ?? false) };
  }
  if (value !== null && typeof value === 'object') {
    const known: Record<string, unknown> = {};
    const unknown: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const part = split(v);
      if (part.known !== undefined) known[k] = part.known;
      if (part.unknown === true || (typeof part.unknown === 'object' && part.unknown !== null)) unknown[k] = part.unknown;
    }
    return { known, unknown };
  }
  return { known: value, unknown: undefined };
}

/** The references Terraform records for a traversal: the full one, then each shorter prefix down to the resource. */
function references(traversal: string): string[] {
  const parts = traversal.split('.');
  return Array.from({ length: parts.length - 1 }, (_, i) => parts.slice(0, parts.length - i).join('.'));
}

function configExpressions(config: Record<string, Expression>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, e]) => [key, 'literal' in e ? { constant_value: e.literal } : 'ref' in e ? { references: references(e.ref) } : e.blocks.map(configExpressions)]),
  );
}

function hclBody(config: Record<string, Expression>, indent: string): string[] {
  return Object.entries(config).flatMap(([key, e]) => {
    if ('literal' in e) return [`${indent}${key} = ${typeof e.literal === 'string' ? JSON.stringify(e.literal).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{') : String(e.literal)}`];
    if ('ref' in e) return [`${indent}${key} = ${e.ref}`];
    return e.blocks.flatMap((block) => [`${indent}${key} {`, ...hclBody(block, `${indent}  `), `${indent}}`]);
  });
}

export interface GeneratedPlan {
  plan: Record<string, unknown>;
  /** `.tf` files relative to the plan's directory. */
  files: Array<{ path: string; text: string }>;
  /** Managed resources in the plan. */
  resources: number;
  instances: number;
  byType: Record<string, number>;
}

export function generateTerraformPlan(instances: number): GeneratedPlan {
  const changes: unknown[] = [];
  const planned: unknown[] = [];
  const configured: unknown[] = [];
  const files: GeneratedPlan['files'] = [
    {
      path: 'providers.tf',
      text: `terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 6.0"\n    }\n  }\n}\n\nprovider "aws" {\n  region = "${REGION}"\n}\n\ndata "aws_caller_identity" "current" {}\n`,
    },
  ];
  const byType: Record<string, number> = {};
  for (let n = 0; n < instances; n++) {
    const lines: string[] = [];
    for (const resource of instanceResources(n)) {
      const address = `${resource.type}.${resource.name}`;
      byType[resource.type] = (byType[resource.type] ?? 0) + 1;
      const { known, unknown } = split(resource.values);
      const created = n % 2 === 0;
      changes.push({
        address,
        mode: 'managed',
        type: resource.type,
        name: resource.name,
        provider_name: PROVIDER,
        change: {
          actions: [created ? 'create' : 'no-op'],
          before: created ? null : known,
          after: known,
          after_unknown: unknown,
          before_sensitive: created ? false : {},
          after_sensitive: {},
        },
      });
      planned.push({ address, mode: 'managed', type: resource.type, name: resource.name, provider_name: PROVIDER, schema_version: 0, values: known, sensitive_values: {} });
      configured.push({ address, mode: 'managed', type: resource.type, name: resource.name, provider_config_key: 'aws', expressions: configExpressions(resource.config), schema_version: 0 });
      lines.push(`resource "${resource.type}" "${resource.name}" {`, ...hclBody(resource.config, '  '), '}', '');
    }
    files.push({ path: `connect_${String(n).padStart(3, '0')}.tf`, text: lines.join('\n') });
  }
  const identity = { account_id: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:role/terraform`, id: ACCOUNT, user_id: 'AROAEXAMPLE:terraform' };
  const plan = {
    format_version: PLAN_FORMAT_VERSION,
    terraform_version: TERRAFORM_VERSION,
    planned_values: { root_module: { resources: planned } },
    resource_changes: changes,
    prior_state: {
      format_version: '1.0',
      terraform_version: TERRAFORM_VERSION,
      values: {
        root_module: {
          resources: [{ address: 'data.aws_caller_identity.current', mode: 'data', type: 'aws_caller_identity', name: 'current', provider_name: PROVIDER, schema_version: 0, values: identity, sensitive_values: {} }],
        },
      },
    },
    configuration: {
      provider_config: { aws: { name: 'aws', full_name: PROVIDER, version_constraint: '~> 6.0', expressions: { region: { constant_value: REGION } } } },
      root_module: {
        resources: [{ address: 'data.aws_caller_identity.current', mode: 'data', type: 'aws_caller_identity', name: 'current', provider_config_key: 'aws', schema_version: 0 }, ...configured],
      },
    },
    relevant_attributes: [],
    timestamp: '2026-12-01T12:00:00Z',
    applyable: true,
    complete: true,
    errored: false,
  };
  return { plan, files, resources: changes.length, instances, byType };
}

/** Writes the plan (`plan.json`) and its `.tf` files into `dir`; returns the plan file. */
export function writeTerraformPlan(dir: string, generated: GeneratedPlan): string {
  mkdirSync(dir, { recursive: true });
  for (const file of generated.files) writeFileSync(join(dir, file.path), file.text);
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, `${JSON.stringify(generated.plan)}\n`);
  return planFile;
}

export interface PlanResult {
  runs: number;
  command: string;
  instances: number;
  resources: number;
  byType: Record<string, number>;
  planBytes: number;
  tfFiles: number;
  reportBytes: number;
  findings: number;
  located: number;
  exitCode: number | null;
  wallMs: Summary;
  maxRssMiB: Summary;
  target: string;
  targetMet: boolean;
}

export const PLAN_INSTANCES = 100;
export const PLAN_TARGET_MS = 2000;

export async function benchPlan(runs: number, instances: number, dir: string, log: (line: string) => void): Promise<PlanResult> {
  const generated = generateTerraformPlan(instances);
  const planDir = join(dir, 'plan');
  const planFile = writeTerraformPlan(planDir, generated);
  const reportFile = join(dir, 'plan-report.json');
  const probeFile = join(dir, 'plan-probe.json');
  const walls: number[] = [];
  const rss: number[] = [];
  let exitCode: number | null = null;
  // One warm-up run (file cache), not counted.
  for (let i = -1; i < runs; i++) {
    const result = await run(process.execPath, [BIN, 'audit', '--terraform-plan', planFile, '--format', 'json'], {
      cwd: ROOT,
      env: baseEnv(),
      stdoutFile: reportFile,
      probe: { module: PROBE_MODULE, file: probeFile },
    });
    // The generated plan has failures: exit 1 is the expected verdict.
    if (result.code !== 1) throw new Error(`audit --terraform-plan of ${generated.resources} resources exited ${result.code}: ${result.stderr}`);
    if (!result.probe) throw new Error('the probe wrote nothing');
    exitCode = result.code;
    if (i < 0) continue;
    walls.push(result.wallMs);
    rss.push(result.probe.maxRssKiB / 1024);
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { run: { mode: string }; instances: unknown[]; findings: Array<{ source?: unknown }> };
  if (report.run.mode !== 'plan') throw new Error(`the report's run.mode is ${report.run.mode}, not plan`);
  if (report.instances.length !== instances) throw new Error(`the report lists ${report.instances.length} instances, the plan has ${instances}`);
  const result: PlanResult = {
    runs,
    command: 'node dist/src/cli/bin.js audit --terraform-plan plan.json --format json > report.json',
    instances,
    resources: generated.resources,
    byType: generated.byType,
    planBytes: statSync(planFile).size,
    tfFiles: generated.files.length,
    reportBytes: statSync(reportFile).size,
    findings: report.findings.length,
    located: report.findings.filter((f) => f.source !== undefined).length,
    exitCode,
    wallMs: summarise(walls),
    maxRssMiB: summarise(rss),
    target: `${generated.resources.toLocaleString('en-US')}-resource plan judged in under ${PLAN_TARGET_MS / 1000} s`,
    targetMet: false,
  };
  result.targetMet = result.wallMs.median < PLAN_TARGET_MS;
  log(`plan ${result.resources} resources: median ${result.wallMs.median} ms, peak RSS ${result.maxRssMiB.median} MiB, ${result.findings} findings (${result.located} located)`);
  return result;
}

export function printPlan(result: PlanResult): void {
  const mib = (bytes: number) => `${round(bytes / 2 ** 20, 1)} MiB`;
  const rows = [
    [
      `${result.resources.toLocaleString('en-US')} (${result.instances} instances)`,
      mib(result.planBytes),
      String(result.tfFiles),
      `${result.findings.toLocaleString('en-US')} (${result.located.toLocaleString('en-US')} located)`,
      `${Math.round(result.wallMs.median).toLocaleString('en-US')} ms`,
      `${Math.round(result.wallMs.p25).toLocaleString('en-US')} – ${Math.round(result.wallMs.p75).toLocaleString('en-US')} ms`,
      `${result.maxRssMiB.median.toFixed(0)} MiB`,
    ],
  ];
  process.stdout.write(
    `${table(`(i) plan mode: audit --terraform-plan --format json, median of ${result.runs} runs`, ['resources', 'plan', '.tf files', 'findings', 'median', 'p25 – p75', 'peak RSS'], rows, [
      `target: ${result.target} — ${result.targetMet ? 'met' : 'MISSED'}`,
    ])}\n`,
  );
}
