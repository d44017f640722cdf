/** The terminal report: per instance, a diagram of both paths, every hop, failing findings, summary. */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Status } from '../findings/status.js';
import type { Finding, HopResult, InstanceInfo, Report } from '../report/schema.js';
import { terminalText } from './escape.js';
import { sourceLabel } from './source.js';
import { groupBy } from '../collections.js';
import { findingsOf, hopsOf, indexReport, streamingFormatter } from './stream.js';
import type { FormatOptions } from './types.js';

const SYMBOLS: Record<Status, { unicode: string; ascii: string }> = {
  PASS: { unicode: '✔', ascii: 'ok' },
  FAIL: { unicode: '✖', ascii: 'XX' },
  ERROR: { unicode: '!', ascii: '!!' },
  WAIVED: { unicode: '~', ascii: '~~' },
  MANAGED: { unicode: '◆', ascii: 'aws' },
  NOT_APPLICABLE: { unicode: '·', ascii: '--' },
};

function paint(chalk: ChalkInstance, status: Status, text: string): string {
  switch (status) {
    case 'PASS':
      return chalk.green(text);
    case 'FAIL':
      return chalk.red.bold(text);
    case 'ERROR':
      return chalk.magenta.bold(text);
    case 'WAIVED':
      return chalk.yellow(text);
    case 'MANAGED':
      return chalk.cyan(text);
    case 'NOT_APPLICABLE':
      return chalk.gray(text);
  }
}

interface Chain {
  title: string;
  nodes: string[];
  /** hop between nodes[i] and nodes[i+1] */
  links: string[];
  branches: Array<{ from: number; hop: string; to: string }>;
}

const CHAINS: Chain[] = [
  {
    title: 'voice',
    nodes: ['Agent browser', 'Connect', 'S3 bucket', 'At rest (KMS)'],
    links: ['voice.agent-browser-to-connect', 'voice.recording-to-s3', 'voice.recording-at-rest'],
    branches: [
      { from: 0, hop: 'voice.webrtc-media', to: 'Softphone (SRTP)' },
      { from: 1, hop: 'voice.pstn-carrier', to: 'PSTN carriers' },
    ],
  },
  {
    title: 'auth',
    nodes: ['Agent browser', 'OAuth gateway', 'AD Connector', 'Active Directory'],
    links: ['auth.browser-to-oauth-gateway', 'auth.oauth-gateway-to-ad-connector', 'auth.ad-connector-to-active-directory'],
    branches: [
      { from: 1, hop: 'auth.oauth-ticket-to-browser', to: 'Browser (ticket)' },
      { from: 0, hop: 'auth.ccp-load', to: 'CCP' },
    ],
  },
];

class TextWriter {
  lines: string[] = [];
  constructor(
    readonly chalk: ChalkInstance,
    readonly unicode: boolean,
  ) {}

  /** The lines written since the last flush, each ending in a newline. */
  flush(): string {
    const text = this.lines.map((line) => `${line}\n`).join('');
    this.lines = [];
    return text;
  }

  symbol(status: Status | undefined): string {
    if (!status) return this.unicode ? '?' : '??';
    return paint(this.chalk, status, this.unicode ? SYMBOLS[status].unicode : SYMBOLS[status].ascii);
  }

  link(status: Status | undefined): string {
    const bar = this.unicode ? '━' : '-';
    const head = this.unicode ? '▶' : '>';
    return ` ${bar}${this.symbol(status)}${bar}${head} `;
  }

  diagram(hops: Map<string, HopResult>): void {
    for (const chain of CHAINS) {
      const line = chain.nodes.map((node, i) => {
        const hop = chain.links[i];
        return hop ? `${node}${this.link(hops.get(hop)?.status)}` : node;
      });
      this.lines.push(`  ${chain.title.padEnd(6)}${line.join('')}`);
      for (const branch of chain.branches) {
        const indent = ' '.repeat(8 + this.offsetOf(chain, branch.from, hops));
        const corner = this.unicode ? '┗' : '\\';
        this.lines.push(`${indent}${corner}${this.link(hops.get(branch.hop)?.status).trimStart()}${branch.to}`);
      }
    }
  }

  /** Column where node `index` starts in the rendered (uncoloured) chain. */
  private offsetOf(chain: Chain, index: number, hops: Map<string, HopResult>): number {
    let offset = 0;
    for (let i = 0; i < index; i++) {
      const status = hops.get(chain.links[i] ?? '')?.status ?? 'NOT_APPLICABLE';
      const symbol = this.unicode ? SYMBOLS[status].unicode : SYMBOLS[status].ascii;
      offset += (chain.nodes[i] ?? '').length + symbol.length + 5;
    }
    return offset + 2;
  }
}

const clean = terminalText;

function renderInstance(w: TextWriter, instance: InstanceInfo, hops: readonly HopResult[], findings: readonly Finding[]): void {
  const { chalk } = w;
  const name = instance.instanceAlias ? `${clean(instance.instanceAlias)} ` : '';
  w.lines.push(chalk.bold(`${name}${clean(instance.instanceArn)}`));
  const directory = instance.directory ? `, directory ${clean(instance.directory.directoryId)} (${instance.directory.resolvedBy})` : '';
  w.lines.push(`  ${instance.accountId} ${instance.region} · identity ${clean(instance.identityManagementType)}${directory} · ${clean(instance.accessUrl || 'no access URL')}`);
  w.lines.push('');
  w.diagram(new Map(hops.map((h) => [h.hop, h])));
  w.lines.push('');
  const byHop = groupBy(
    findings.filter((f) => f.status === 'FAIL' || f.status === 'ERROR' || f.status === 'WAIVED'),
    (f) => f.hop,
  );
  for (const hop of hops) {
    w.lines.push(`  ${w.symbol(hop.status)} ${paint(chalk, hop.status, hop.status.padEnd(14))} ${hop.hop.padEnd(40)} ${chalk.dim(hop.protection)}`);
    for (const f of byHop.get(hop.hop) ?? []) {
      w.lines.push(`      ${paint(chalk, f.status, f.status)} ${chalk.bold(f.severity)} ${f.ruleId}: ${clean(f.message)}`);
      const at = sourceLabel(f.source);
      if (at !== undefined) w.lines.push(`        at ${clean(at)}`);
      if (f.status === 'WAIVED' && f.waiver) w.lines.push(chalk.dim(`        waived until ${f.waiver.expires}: ${clean(f.waiver.reason)}`));
      else w.lines.push(chalk.dim(`        fix: ${clean(f.remediation)}`));
    }
  }
  w.lines.push('');
}

function* textChunks(report: Report, options: FormatOptions): Iterable<string> {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const w = new TextWriter(chalk, options.unicode);
  const index = indexReport(report);
  w.lines.push(chalk.bold(`connect-netpath-audit ${report.tool.version} · ${report.run.mode}${report.run.source ? ` · ${clean(report.run.source)}` : ''}`));
  w.lines.push('');
  for (const instance of report.instances) {
    renderInstance(w, instance, hopsOf(index, instance.instanceArn), findingsOf(index, instance.instanceArn));
    yield w.flush();
  }
  const audited = new Set(report.instances.map((i) => i.instanceArn));
  const orphans = report.findings.filter((f) => !audited.has(f.instanceArn));
  for (const f of orphans) {
    const at = sourceLabel(f.source);
    w.lines.push(`${w.symbol(f.status)} ${paint(chalk, f.status, f.status)} ${f.ruleId}: ${clean(f.message)}${at === undefined ? '' : ` (at ${clean(at)})`}`);
    yield w.flush();
  }
  if (report.errors.length > 0) {
    w.lines.push(chalk.bold('Calls that failed'));
    for (const e of report.errors) {
      const grant = e.iamAction ? ` (grant ${e.iamAction})` : '';
      w.lines.push(`  ${e.service}:${e.operation} ${clean(e.resource)}: ${clean(e.code)}${grant}`);
      yield w.flush();
    }
    w.lines.push('');
  }
  for (const warning of report.warnings ?? []) w.lines.push(chalk.yellow(`warning: ${clean(warning)}`));
  const c = report.summary.counts;
  const counts = (['FAIL', 'ERROR', 'WAIVED', 'PASS', 'MANAGED', 'NOT_APPLICABLE'] as const).map((s) => paint(chalk, s, `${c[s]} ${s}`)).join(', ');
  const result = report.summary.result === 'PASS' ? chalk.green.bold('PASS') : report.summary.result === 'FAIL' ? chalk.red.bold('FAIL') : chalk.magenta.bold('INCOMPLETE');
  w.lines.push(`${chalk.bold('Summary')}: ${result} (fail-on ${report.summary.failOn}, exit ${report.summary.exitCode}) · ${report.instances.length} instance(s) · ${counts}`);
  yield w.flush();
}

export const text = streamingFormatter(
  { id: 'text', description: 'human-readable terminal report with a diagram of both paths (default)', extension: '.txt' },
  textChunks,
);
