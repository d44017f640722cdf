/** `rules`, `explain` and `paths`: what the tool checks, from the rule registry and the path model. */
import { InputError } from '../../errors.js';
import { pathsMermaid } from '../../formats/mermaid.js';
import { DOCUMENTED_HOPS, EXTRA_STORAGE_HOPS, findHop, storageHop, STORAGE_RESOURCE_TYPES } from '../../paths/hops.js';
import { findRule, REMOVED_RULES, RENAMED_RULES, ruleCoversHop, RULES } from '../../rules/index.js';
import type { Rule } from '../../rules/types.js';
import { writeStdout } from '../output.js';

const indented = (text: string): string[] => text.split('\n').map((line) => `  ${line}`);

function ruleSummary(rule: Rule) {
  const { id, title, hops, severity, compliance } = rule.meta;
  return { id, title, hops: [...hops], severity, frameworks: compliance.map((c) => c.framework) };
}

export async function runRules(format: 'text' | 'json'): Promise<void> {
  if (format === 'json') {
    await writeStdout(`${JSON.stringify(RULES.map((r) => ({ ...ruleSummary(r), compliance: r.meta.compliance })), null, 2)}\n`);
    return;
  }
  const width = Math.max(...RULES.map((r) => r.meta.id.length));
  const lines = RULES.map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(8)}  ${r.meta.hops.join(', ')}\n${' '.repeat(width + 12)}${r.meta.title}`);
  await writeStdout(`${lines.join('\n')}\n`);
}

function explainRule(rule: Rule): string {
  const m = rule.meta;
  const lines = [
    `${m.id} (${m.severity})`,
    m.title,
    '',
    `Hops: ${m.hops.join(', ')}`,
    '',
    'Why it matters:',
    `  ${m.rationale}`,
    '',
    `Evidence used: ${m.evidenceUsed.length > 0 ? m.evidenceUsed.join(', ') : 'none (AWS managed)'}`,
    '',
    'Remediation:',
    `  ${m.remediation.summary}`,
    ...m.remediation.console.map((step, i) => `  ${i + 1}. ${step}`),
    ...(m.remediation.cli ? ['', 'AWS CLI:', ...indented(m.remediation.cli)] : []),
    ...(m.remediation.terraform ? ['', 'Terraform:', ...indented(m.remediation.terraform)] : []),
    '',
    'Compliance:',
    ...m.compliance.map((c) => `  ${c.framework}: ${c.controls.join(', ')}`),
    '',
    'References:',
    ...m.references.map((r) => `  ${r}`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function runExplain(id: string): Promise<void> {
  const renamedTo = RENAMED_RULES[id];
  const rule = findRule(renamedTo ?? id);
  if (rule) return writeStdout(`${renamedTo ? `(${id} is now ${renamedTo})\n` : ''}${explainRule(rule)}`);
  const replacements = REMOVED_RULES[id];
  if (replacements) return writeStdout(`${id} was removed. Its findings now come from:\n${replacements.map((r) => `  ${r}: ${findRule(r)?.meta.title ?? ''}`).join('\n')}\n`);
  const hop = findHop(id);
  if (!hop) throw new InputError(`explain ${id}: no rule or hop has this id (see \`rules\` and \`paths\`)`);
  const rules = RULES.filter((r) => ruleCoversHop(r, hop.id));
  const lines = [
    `${hop.id}: ${hop.from} → ${hop.to}`,
    `Protection: ${hop.protection}`,
    `Controlled by: ${hop.controlledBy} (responsibility: ${hop.responsibility})`,
    `Verified: ${hop.verifies}`,
    ...('directoryOnly' in hop && hop.directoryOnly ? ['Applies only to instances with IdentityManagementType EXISTING_DIRECTORY.'] : []),
    `Reference: ${hop.reference}`,
    '',
    'Rules:',
    ...rules.map((r) => `  ${r.meta.id} (${r.meta.severity}): ${r.meta.title}`),
  ];
  await writeStdout(`${lines.join('\n')}\n`);
}

export async function runPaths(format: 'text' | 'mermaid'): Promise<void> {
  if (format === 'mermaid') return writeStdout(pathsMermaid());
  const width = 40;
  const row = (h: { id: string; from: string; to: string; protection: string; responsibility: string }) =>
    `  ${h.id.padEnd(width)} ${h.from} → ${h.to}\n  ${' '.repeat(width)} ${h.protection} · ${h.responsibility}`;
  const lines = [
    'Voice calls',
    ...DOCUMENTED_HOPS.filter((h) => h.path === 'voice').map(row),
    '',
    'Authentication (judged for EXISTING_DIRECTORY instances; NOT_APPLICABLE for SAML and CONNECT_MANAGED)',
    ...DOCUMENTED_HOPS.filter((h) => h.path === 'auth').map(row),
    '',
    'Other contact data in customer storage (one pair per storage resource type)',
    ...STORAGE_RESOURCE_TYPES.filter((t) => t !== 'CALL_RECORDINGS').flatMap((t) => [row(storageHop(t, 'transfer')), row(storageHop(t, 'at-rest'))]),
    ...EXTRA_STORAGE_HOPS.map(row),
  ];
  await writeStdout(`${lines.join('\n')}\n`);
}
