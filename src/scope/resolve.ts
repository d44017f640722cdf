/** Flags + config file → what to audit and how. All validation of user input happens here. */
import type { Config } from '../config/schema.js';
import { parseResourceTypeOrThrow } from '../config/load.js';
import { InputError } from '../errors.js';
import { SEVERITIES, type Severity } from '../findings/status.js';
import type { Waiver } from '../findings/waivers.js';
import { parseResourceType, STORAGE_RESOURCE_TYPES, type StorageResourceType } from '../paths/hops.js';
import { FRAMEWORKS, parseFramework } from '../rules/frameworks.js';
import { RULES } from '../rules/index.js';
import { DEFAULT_RULE_SETTINGS, type Rule, type RuleSettings } from '../rules/types.js';

export interface ScopeFlags {
  instanceId?: string[];
  region?: string[];
  directoryId?: string;
  resourceTypes?: string;
  failOn?: string;
  framework?: string;
}

export interface Scope {
  instanceIds: string[];
  regions: string[];
  resourceTypes: StorageResourceType[];
  /** Where `resourceTypes` came from: a snapshot's recorded scope applies only when neither flag nor config chose. */
  resourceTypesFrom: 'flag' | 'config' | 'default';
  directoryPins: Record<string, string>;
  failOn: Severity;
  rules: Rule[];
  severityOverrides: Record<string, Severity>;
  waivers: Waiver[];
  settings: RuleSettings;
}

const INSTANCE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANCE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}$/i;

export function parseSeverity(text: string, flag: string): Severity {
  const severity = SEVERITIES.find((s) => s === text.toLowerCase());
  if (!severity) throw new InputError(`${flag} ${text}: expected one of ${SEVERITIES.join(', ')}`);
  return severity;
}

export function parseInstanceId(text: string): string {
  if (!INSTANCE_ID.test(text) && !INSTANCE_ARN.test(text)) throw new InputError(`--instance-id ${text}: not a Connect instance id or instance ARN`);
  return text;
}

export function resolveScope(flags: ScopeFlags, config: Config | undefined): Scope {
  const instanceIds = (flags.instanceId ?? []).map(parseInstanceId);
  const fromFlag = flags.resourceTypes?.split(',').map((t) => t.trim()).filter(Boolean);
  if (fromFlag?.length === 0) throw new InputError(`--resource-types ${JSON.stringify(flags.resourceTypes)}: no resource type named`);
  const typesText = fromFlag ?? config?.resourceTypes;
  const resourceTypes = typesText ? [...new Set(typesText.map((t) => parseResourceTypeOrThrow(t, '--resource-types')))] : [...STORAGE_RESOURCE_TYPES];
  const resourceTypesFrom = fromFlag ? 'flag' : config?.resourceTypes ? 'config' : 'default';
  const failOn = flags.failOn ? parseSeverity(flags.failOn, '--fail-on') : (config?.failOn ?? 'low');
  const directoryPins: Record<string, string> = { ...(config?.directories ?? {}) };
  if (flags.directoryId) {
    if (!/^d-[0-9a-f]{10}$/.test(flags.directoryId) && !/^arn:aws[a-z-]*:ds:/.test(flags.directoryId)) {
      throw new InputError(`--directory-id ${flags.directoryId}: not a directory id (d-xxxxxxxxxx) or directory ARN`);
    }
    // Without --instance-id the pin applies to every instance of the run.
    for (const id of instanceIds.length > 0 ? instanceIds : ['*']) directoryPins[id] = flags.directoryId;
  }
  let rules = RULES.filter((rule) => config?.rules?.[rule.meta.id]?.enabled !== false);
  if (flags.framework) {
    const framework = parseFramework(flags.framework);
    if (!framework) throw new InputError(`--framework ${flags.framework}: expected one of ${Object.keys(FRAMEWORKS).join(', ')}`);
    rules = rules.filter((rule) => rule.meta.compliance.some((c) => c.framework === FRAMEWORKS[framework]));
  }
  const severityOverrides: Record<string, Severity> = {};
  for (const [id, setting] of Object.entries(config?.rules ?? {})) if (setting.severity) severityOverrides[id] = setting.severity;
  return {
    instanceIds,
    regions: flags.region ?? [],
    resourceTypes,
    resourceTypesFrom,
    directoryPins,
    failOn,
    rules,
    severityOverrides,
    waivers: config?.waivers ?? [],
    settings: {
      trustedKeyAccounts: [...new Set(config?.trustedKeyAccounts ?? [])],
      keyRotationMaxDays: config?.keyRotationMaxDays ?? DEFAULT_RULE_SETTINGS.keyRotationMaxDays,
    },
  };
}

/**
 * The storage types to judge in an evidence file. A file collected with `--resource-types` records
 * them, and is judged on them when neither the flag nor the config file chose. Asking for a type the
 * file does not hold is an input error (exit 2), not ERROR findings: those could sit below
 * `--fail-on` and let a gate pass on evidence nobody collected.
 */
export function snapshotResourceTypes(scope: Scope, collected: readonly string[] | undefined, file: string): StorageResourceType[] {
  if (collected === undefined) return scope.resourceTypes;
  // A type this version does not know cannot be judged anyway; only the known ones matter.
  const held = collected.map(parseResourceType).filter((t): t is StorageResourceType => t !== undefined);
  if (scope.resourceTypesFrom === 'default') return STORAGE_RESOURCE_TYPES.filter((t) => held.includes(t));
  const missing = scope.resourceTypes.filter((t) => !held.includes(t));
  if (missing.length > 0) {
    const where = scope.resourceTypesFrom === 'flag' ? '--resource-types' : 'the config file\'s resourceTypes';
    throw new InputError(`${where} asks for ${missing.join(', ')}, which ${file} does not hold (it was collected with --resource-types ${held.join(',')}); collect again with those types`);
  }
  return scope.resourceTypes;
}
