/**
 * Reports built in-process from an evidence file, the way `audit --snapshot FILE` builds them (every
 * rule, every storage resource type, `--fail-on low`), with a fixed clock so output is reproducible.
 */
import { resolve } from 'node:path';
import type { EvidenceDocument } from '../../src/evidence/model.js';
import { loadEvidence } from '../../src/evidence/snapshot.js';
import type { Waiver } from '../../src/findings/waivers.js';
import { audit } from '../../src/index.js';
import { STORAGE_RESOURCE_TYPES } from '../../src/paths/hops.js';
import type { Report } from '../../src/report/schema.js';
import { RULES } from '../../src/rules/index.js';
import { ROOT } from './cli.js';

export const DEMO_EVIDENCE = resolve(ROOT, 'fixtures/demo-evidence.json');
export const INJECTION_EVIDENCE = resolve(ROOT, 'fixtures/injection-evidence.json');

export interface ReportOptions {
  /** Defaults to 2026-11-28T12:00:00Z; `now` (for waiver expiry and certificate dates) is the same instant. */
  startedAt?: Date;
  /** Defaults to one second after `startedAt`. */
  finishedAt?: Date;
  waivers?: Waiver[];
  /** Defaults to `snapshot`. */
  mode?: 'live' | 'snapshot';
}

export function reportFor(fixturePath: string, options: ReportOptions = {}): Report {
  return reportForEvidence(loadEvidence(fixturePath), options, fixturePath);
}

export function reportForEvidence(evidence: EvidenceDocument, options: ReportOptions = {}, source?: string): Report {
  const startedAt = options.startedAt ?? new Date('2026-11-28T12:00:00.000Z');
  const finishedAt = options.finishedAt ?? new Date(startedAt.getTime() + 1000);
  return audit({
    evidence,
    mode: options.mode ?? 'snapshot',
    source,
    startedAt,
    now: startedAt,
    failOn: 'low',
    rules: RULES,
    resourceTypes: STORAGE_RESOURCE_TYPES,
    instanceIds: [],
    directoryPins: {},
    severityOverrides: {},
    waivers: options.waivers ?? [],
    clock: () => finishedAt,
  });
}

/** JSON with every object's keys sorted: equal text means equal documents. */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sorted(x)])) : v;
  return JSON.stringify(sorted(value));
}

/** A report as canonical JSON without its `run` (timestamps, source, shards): what must match across runs. */
export const apartFromRun = (report: Report): string => canonicalJson({ ...report, run: null });
