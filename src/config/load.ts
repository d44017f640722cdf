import { InputError } from '../errors.js';
import { parseWith, readJson } from '../evidence/snapshot.js';
import { parseResourceType, type StorageResourceType } from '../paths/hops.js';
import { findRule, REMOVED_RULES, RENAMED_RULES } from '../rules/index.js';
import { configSchema, matchesEveryResource, type Config } from './schema.js';

/** Renamed rule ids in rule settings and waivers, rewritten to their new ids with a warning each; removed ones dropped with a warning. */
function renameRules(config: Config, file: string, warn: (line: string) => void): Config {
  const renamed = (id: string): string => {
    const next = RENAMED_RULES[id];
    if (next) warn(`${file}: rule ${id} is now ${next}; update the config file`);
    return next ?? id;
  };
  const kept = (id: string): boolean => {
    const replacements = REMOVED_RULES[id];
    if (replacements) warn(`${file}: rule ${id} was removed; its findings now come from ${replacements.join(', ')}; update the config file (this entry is ignored)`);
    return !replacements;
  };
  return {
    ...config,
    ...(config.rules ? { rules: Object.fromEntries(Object.entries(config.rules).filter(([id]) => kept(id)).map(([id, setting]) => [renamed(id), setting])) } : {}),
    ...(config.waivers ? { waivers: config.waivers.filter((waiver) => kept(waiver.rule)).map((waiver) => ({ ...waiver, rule: renamed(waiver.rule) })) } : {}),
  };
}

export function loadConfig(file: string, warn: (line: string) => void = () => undefined): Config {
  const config = renameRules(parseWith(configSchema, readJson(file, 'config file'), file, 'config'), file, warn);
  const unknownRules = [...Object.keys(config.rules ?? {}), ...(config.waivers ?? []).map((w) => w.rule)].filter((id) => !findRule(id));
  if (unknownRules.length > 0) throw new InputError(`${file}: unknown rule id ${unknownRules[0]} (see \`connect-netpath-audit rules\`)`);
  for (const type of config.resourceTypes ?? []) parseResourceTypeOrThrow(type, file);
  for (const waiver of config.waivers ?? []) {
    if (matchesEveryResource(waiver.resource)) warn(`${file}: the waiver of ${waiver.rule} covers every resource (allResources), until ${waiver.expires}`);
  }
  return config;
}

export function parseResourceTypeOrThrow(text: string, where: string): StorageResourceType {
  const type = parseResourceType(text);
  if (!type) throw new InputError(`${where}: unknown storage resource type ${JSON.stringify(text)}`);
  return type;
}
