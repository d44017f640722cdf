/** The reports every format test renders: the demo evidence, and the hostile-strings evidence with hostile waivers. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Waiver } from '../../src/findings/waivers.js';
import type { Report } from '../../src/report/schema.js';
import { DEMO_EVIDENCE, INJECTION_EVIDENCE, reportFor } from '../helpers/report.js';

/** Every hostile string of the injection fixture is built from these pieces. */
export const HOSTILE = {
  ansi: '\u001b[31m',
  script: '<script>alert(1)</script>',
  formula: '=HYPERLINK("http://evil","x")',
  mermaid: '"]-->x[(',
  xml: `&<>"'`,
} as const;

/** A waiver reason and ticket are user text too: one FAIL and one ERROR are waived with hostile ones. */
export const HOSTILE_WAIVERS: Waiver[] = [
  { rule: 'directory-active', resource: '*', reason: `${HOSTILE.ansi}${HOSTILE.formula} ${HOSTILE.script}\n${HOSTILE.mermaid}${HOSTILE.xml}`, expires: '2099-12-31', ticket: `-SEC-1|${HOSTILE.script}` },
  { rule: 'connect-instances-discovered', resource: 'arn:aws:connect:eu-west-2:*', reason: '@accepted: region not used', expires: '2099-12-31' },
];

export interface Case {
  name: string;
  report: Report;
}

export function cases(): Case[] {
  return [
    { name: 'demo evidence', report: reportFor(DEMO_EVIDENCE) },
    { name: 'injection evidence', report: reportFor(INJECTION_EVIDENCE, { waivers: HOSTILE_WAIVERS }) },
    // Plan mode: findings located in code whose resource names are hostile too (no file is read).
    { name: 'injection evidence in plan mode', report: located(reportFor(INJECTION_EVIDENCE, { waivers: HOSTILE_WAIVERS }), '/srv/connect repo', { hostile: true }) },
  ];
}

/** C0 and C1 control characters other than tab, LF and CR. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Invisible format characters (bidirectional controls, zero-width characters, tags): shown as `\\u202e` by the text formats. */
export const INVISIBLE_CHARACTERS = /\p{Cf}/u;

/** Invisible characters the injection fixture carries in account strings (instance alias, origin, directory, call error). */
export const INVISIBLE = { override: '\u202e', isolate: '\u2066', zeroWidth: '\u200b', bom: '\ufeff', tag: '\u{e0041}' } as const;

/** The files a plan-mode report's findings point at, relative to its source root (a space and a non-ASCII letter: URIs must encode them). */
export const SOURCE_FILES = ['main.tf', 'modules/recordings/main.tf', 'stacks/connect stäck.template.yaml'] as const;
/** Lines each source file has, so every line a finding names exists. */
const SOURCE_LINES = 80;

/** Writes {@link SOURCE_FILES} under `sourceRoot`, each {@link SOURCE_LINES} lines long. */
export function writeSourceFiles(sourceRoot: string): void {
  for (const file of SOURCE_FILES) {
    mkdirSync(dirname(join(sourceRoot, file)), { recursive: true });
    writeFileSync(join(sourceRoot, file), Array.from({ length: SOURCE_LINES }, (_, i) => `# line ${i + 1}`).join('\n'));
  }
}

/**
 * A report as plan mode reports it: `run.mode` plan, `run.sourceRoot` the given directory, and every
 * finding but each fifth located at a line of one of {@link SOURCE_FILES} (a Terraform address in
 * the `.tf` files, a logical id in the template). `hostile`: addresses and logical ids built from
 * {@link HOSTILE} pieces, as code under audit could name them.
 */
export function located(report: Report, sourceRoot: string, { hostile = false }: { hostile?: boolean } = {}): Report {
  const evil = hostile ? `${HOSTILE.script}${HOSTILE.ansi}${HOSTILE.formula}${HOSTILE.xml}${HOSTILE.mermaid}|\`` : '';
  const findings = report.findings.map((finding, i) => {
    if (i % 5 === 4) return finding;
    const file = SOURCE_FILES[i % SOURCE_FILES.length] ?? 'main.tf';
    const line = 1 + ((i * 7) % SOURCE_LINES);
    const named = file.endsWith('.tf') ? { address: i % 2 === 0 ? `aws_s3_bucket_policy.rec_${i}${evil}` : `module.recordings.aws_kms_key.this["k${i}${evil}"]` } : { logicalId: `RecordingsBucket${i}${evil}` };
    return { ...finding, source: { file, line, ...named } };
  });
  return { ...report, run: { ...report.run, mode: 'plan', source: 'plan.json', sourceRoot }, findings };
}

/** The demo report in plan mode, its source files written under `sourceRoot`. */
export function sourcedReport(sourceRoot: string): Report {
  writeSourceFiles(sourceRoot);
  return located(reportFor(DEMO_EVIDENCE), sourceRoot);
}
