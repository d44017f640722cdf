import { InputError } from '../errors.js';
import { parseWith, readJson } from '../evidence/snapshot.js';
import { parseResourceType, type StorageResourceType } from '../paths/hops.js';
import { findRule } from '../rules/index.js';
import { configSchema, type Config } from './schema.js';

export function loadConfig(file: string): Config {
  const config = parseWith(configSchema, readJson(file, 'config file'), file, 'config');
  const unknownRules = [...Object.keys(config.rules ?? {}), ...(config.waivers ?? []).map((w) => w.rule)].filter((id) => !findRule(id));
  if (unknownRules.length > 0) throw new InputError(`${file}: unknown rule id ${unknownRules[0]} (see \`connect-netpath-audit rules\`)`);
  for (const type of config.resourceTypes ?? []) parseResourceTypeOrThrow(type, file);
  return config;
}

export function parseResourceTypeOrThrow(text: string, where: string): StorageResourceType {
  const type = parseResourceType(text);
  if (!type) throw new InputError(`${where}: unknown storage resource type ${JSON.stringify(text)}`);
  return type;
}
