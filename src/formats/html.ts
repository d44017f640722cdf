/**
 * One self-contained HTML file for auditors: summary, per instance an SVG diagram of both documented
 * paths with each hop coloured by status (click a hop to list its findings), and a sortable, filterable
 * findings table. No external resource of any kind: CSS and script are inline and a Content Security
 * Policy forbids every network request. Account values are HTML-escaped where they are written into
 * the page; the report itself is embedded as JSON with `<` escaped, and the script only ever puts its
 * strings into the page as text.
 */
import { SEVERITIES, severityRank, STATUSES, statusRank, type Severity, type Status } from '../findings/status.js';
import { DOCUMENTED_HOPS, NETWORK_PATHS_DOC, findHop, type DocumentedHopId } from '../paths/hops.js';
import type { ErrorEntry, HopResult, InstanceInfo, Report } from '../report/schema.js';
import { escapeHtml, httpsUrl, INVISIBLE_SOURCE, scriptSafe } from './escape.js';
import { STATUS_COLOURS, STATUS_SYMBOLS } from './mermaid.js';
import { hopsOf, indexReport, mapped, reportJsonChunks, streamingFormatter } from './stream.js';

const esc = escapeHtml;

export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const STATUS_MEANING: Readonly<Record<Status, string>> = {
  FAIL: 'the rule does not hold',
  ERROR: 'the evidence could not be read',
  WAIVED: 'a FAIL or ERROR under an unexpired waiver',
  PASS: 'the rule holds',
  MANAGED: "AWS's side: nothing to configure",
  NOT_APPLICABLE: 'the hop does not exist for this instance',
};

const SEVERITY_COLOURS: Readonly<Record<Severity, string>> = {
  critical: '#a40e26',
  high: '#bc4c00',
  medium: '#9a6700',
  low: '#57606a',
  info: '#57606a',
};

// ---------------------------------------------------------------------------------------------------
// The diagram: both documented paths, laid out like the AWS page (main chain left to right, side
// branches below). Coordinates are in the SVG's viewBox; the SVG scales to the page width.

const VIEW_WIDTH = 1012;
const NODE_W = 136;
const NODE_H = 52;
const COLUMNS = [16, 298, 580, 862] as const;

interface NodeBox {
  x: number;
  y: number;
  w: number;
  h: number;
  lines: readonly string[];
}

type Direction = 'right' | 'up' | 'down';

interface EdgeShape {
  hop: DocumentedHopId;
  /** SVG path of the line. */
  d: string;
  heads: ReadonlyArray<{ x: number; y: number; direction: Direction }>;
  /** Where the labels go: `middle` centres them above (name) and below (status) the point; `start` stacks them to its right. */
  label: { x: number; y: number; anchor: 'middle' | 'start' | 'below' };
}

interface Band {
  title: string;
  height: number;
  nodes: readonly NodeBox[];
  edges: readonly EdgeShape[];
}

const col = (i: 0 | 1 | 2 | 3): number => COLUMNS[i];
const mainY = 30;
const cy = mainY + NODE_H / 2;
const bottom = mainY + NODE_H;

function box(x: number, y: number, lines: readonly string[], h = NODE_H): NodeBox {
  return { x, y, w: NODE_W, h, lines };
}

/** A left-to-right edge between main-row columns `from` and `from + 1`. */
function across(hop: DocumentedHopId, from: 0 | 1 | 2): EdgeShape {
  const x1 = col(from) + NODE_W + 4;
  const x2 = col((from + 1) as 1 | 2 | 3) - 5;
  return { hop, d: `M ${x1} ${cy} H ${x2}`, heads: [{ x: x2, y: cy, direction: 'right' }], label: { x: (x1 + x2) / 2, y: cy, anchor: 'middle' } };
}

/** A vertical edge down from the main row to a node at `toY`, with heads at both ends when two-way. */
function down(hop: DocumentedHopId, x: number, toY: number, twoWay: boolean): EdgeShape {
  const y1 = bottom + 5;
  const y2 = toY - 5;
  const heads = [{ x, y: y2, direction: 'down' as const }, ...(twoWay ? [{ x, y: y1, direction: 'up' as const }] : [])];
  return { hop, d: `M ${x} ${y1} V ${y2}`, heads, label: { x: x + 10, y: (y1 + y2) / 2, anchor: 'start' } };
}

const BRANCH_Y = 150;
const CCP_Y = 176;

const BANDS: readonly Band[] = [
  {
    title: 'Voice calls',
    height: BRANCH_Y + 46 + 14,
    nodes: [
      box(col(0), mainY, ['Agent browser']),
      box(col(1), mainY, ['Amazon Connect']),
      box(col(2), mainY, ['S3 bucket', 'call recordings']),
      box(col(3), mainY, ['At rest', 'SSE-KMS key']),
      box(col(0), BRANCH_Y, ['Softphone', 'WebRTC media'], 46),
      box(col(1), BRANCH_Y, ['Telecom carriers', 'PSTN'], 46),
    ],
    edges: [
      across('voice.agent-browser-to-connect', 0),
      down('voice.webrtc-media', col(0) + NODE_W / 2, BRANCH_Y, true),
      down('voice.pstn-carrier', col(1) + NODE_W / 2, BRANCH_Y, true),
      across('voice.recording-to-s3', 1),
      across('voice.recording-at-rest', 2),
    ],
  },
  {
    title: 'Agent authentication',
    height: CCP_Y + 46 + 14,
    nodes: [
      box(col(0), mainY, ['Agent browser']),
      box(col(1), mainY, ['OAuth gateway', 'login page']),
      box(col(2), mainY, ['AD Connector']),
      box(col(3), mainY, ['Active Directory', 'customer']),
      box(col(0), CCP_Y, ['Contact Control', 'Panel (CCP)'], 46),
    ],
    edges: [
      across('auth.browser-to-oauth-gateway', 0),
      across('auth.oauth-gateway-to-ad-connector', 1),
      across('auth.ad-connector-to-active-directory', 2),
      {
        // The OAuth ticket goes back from the gateway to the browser: a curve under the first link.
        hop: 'auth.oauth-ticket-to-browser',
        d: `M ${col(1) + 40} ${bottom + 5} C ${col(1) + 40} ${bottom + 52}, ${col(0) + 104} ${bottom + 52}, ${col(0) + 104} ${bottom + 6}`,
        heads: [{ x: col(0) + 104, y: bottom + 5, direction: 'up' }],
        label: { x: (col(0) + 104 + col(1) + 40) / 2, y: bottom + 56, anchor: 'below' },
      },
      down('auth.ccp-load', col(0) + 34, CCP_Y, false),
    ],
  },
];

const BAND_GAP = 14;
const VIEW_HEIGHT = BANDS.reduce((sum, b) => sum + b.height, 0) + BAND_GAP * (BANDS.length - 1);

function arrowHead({ x, y, direction }: { x: number; y: number; direction: Direction }): string {
  switch (direction) {
    case 'right':
      return `M ${x} ${y} l -10 -5.5 v 11 z`;
    case 'down':
      return `M ${x} ${y} l -5.5 -10 h 11 z`;
    case 'up':
      return `M ${x} ${y} l -5.5 10 h 11 z`;
  }
}

/** Splits a hop name at hyphens into lines of at most `width` characters. */
function wrapName(name: string, width = 18): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of name.split(/(?<=-)/)) {
    if (line && line.length + part.length > width) {
      lines.push(line);
      line = part;
    } else {
      line += part;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function statusText(status: Status | undefined): string {
  return status ? `${STATUS_SYMBOLS[status]} ${status}` : '? no result';
}

function hopTitle(hopId: string, hop: HopResult | undefined): string {
  const model = findHop(hopId);
  const route = model ? `${model.from} → ${model.to}; documented protection: ${model.protection}; responsibility: ${model.responsibility}. ` : '';
  return `${hopId}: ${hop ? hop.status : 'no result'}. ${route}Select to list its findings.`;
}

function edgeSvg(edge: EdgeShape, instance: InstanceInfo, hop: HopResult | undefined): string {
  const name = edge.hop.replace(/^[a-z]+\./, '');
  const nameLines = wrapName(name);
  const status = hop?.status;
  const { x, y, anchor } = edge.label;
  let labels: string;
  if (anchor === 'below') {
    labels =
      `<text class="hop-name" x="${x}" y="${y}" text-anchor="middle">${nameLines.map((l, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : 13}">${esc(l)}</tspan>`).join('')}</text>` +
      `<text class="hop-status" x="${x}" y="${y + 13 * nameLines.length + 3}" text-anchor="middle">${esc(statusText(status))}</text>`;
  } else if (anchor === 'middle') {
    const nameTop = y - 9 - 13 * (nameLines.length - 1);
    labels =
      `<text class="hop-name" x="${x}" y="${nameTop}" text-anchor="middle">${nameLines.map((l, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : 13}">${esc(l)}</tspan>`).join('')}</text>` +
      `<text class="hop-status" x="${x}" y="${y + 19}" text-anchor="middle">${esc(statusText(status))}</text>`;
  } else {
    const top = y - 6 - 13 * (nameLines.length - 1) / 2;
    labels =
      `<text class="hop-name" x="${x}" y="${top}">${nameLines.map((l, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : 13}">${esc(l)}</tspan>`).join('')}</text>` +
      `<text class="hop-status" x="${x}" y="${top + 13 * nameLines.length + 3}">${esc(statusText(status))}</text>`;
  }
  const heads = edge.heads.map((h) => `<path class="head" d="${arrowHead(h)}"/>`).join('');
  return (
    `<g class="hop selectable" tabindex="0" role="button" aria-pressed="false" data-instance="${esc(instance.instanceArn)}" data-hop="${esc(edge.hop)}" data-status="${esc(status ?? '')}">` +
    // The <title> child is the group's accessible name (SVG-AAM) as well as its tooltip.
    `<title>${esc(hopTitle(edge.hop, hop))}</title>` +
    `<path class="hit" d="${edge.d}"/><path class="edge" d="${edge.d}"/>${heads}${labels}</g>`
  );
}

function nodeSvg(node: NodeBox): string {
  const cx = node.x + node.w / 2;
  const first = node.y + node.h / 2 + 4.5 - (node.lines.length - 1) * 7.5;
  const text = node.lines
    .map((line, i) => `<tspan x="${cx}" y="${first + i * 15}"${i > 0 ? ' class="sub"' : ''}>${esc(line)}</tspan>`)
    .join('');
  return `<rect class="node" x="${node.x}" y="${node.y}" width="${node.w}" height="${node.h}" rx="8"/><text class="node-label" text-anchor="middle">${text}</text>`;
}

function diagramSvg(instance: InstanceInfo, hops: ReadonlyMap<string, HopResult>, titleId: string): string {
  let offset = 0;
  const bands = BANDS.map((band) => {
    const y = offset;
    offset += band.height + BAND_GAP;
    return (
      `<g transform="translate(0 ${y})">` +
      `<rect class="band" x="1" y="1" width="${VIEW_WIDTH - 2}" height="${band.height - 2}" rx="10"/>` +
      `<text class="band-title" x="16" y="20">${esc(band.title)}</text>` +
      band.nodes.map(nodeSvg).join('') +
      band.edges.map((edge) => edgeSvg(edge, instance, hops.get(edge.hop))).join('') +
      '</g>'
    );
  });
  return (
    `<svg class="diagram" viewBox="0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}" role="group" aria-labelledby="${titleId}">` +
    bands.join('') +
    '</svg>'
  );
}

// ---------------------------------------------------------------------------------------------------
// Page parts.

function instanceName(instance: InstanceInfo): string {
  return instance.instanceAlias || instance.instanceId;
}

/** Escaped, with line-break opportunities after `:` and `/` so ARNs wrap at their separators. */
function breakable(value: string): string {
  return esc(value).replace(/[:/]+/g, '$&<wbr>');
}

function badge(status: Status): string {
  return `<span class="badge" data-status="${status}">${esc(statusText(status))}</span>`;
}

function fact(term: string, value: string): string {
  return `<div><dt>${esc(term)}</dt><dd>${value}</dd></div>`;
}

/** Statuses that need someone's attention: an instance with none of them is collapsed. */
const ATTENTION: ReadonlySet<Status> = new Set<Status>(['FAIL', 'ERROR', 'WAIVED']);

function instanceSection(instance: InstanceInfo, index: number, hops: readonly HopResult[]): string {
  const byHop = new Map(hops.map((h) => [h.hop, h]));
  const titleId = `instance-${index}-title`;
  const facts = [
    fact('Account', esc(instance.accountId)),
    fact('Region', esc(instance.region)),
    fact('Identity', esc(instance.identityManagementType)),
    ...(instance.directory ? [fact('Directory', `${esc(instance.directory.directoryId)} <span class="muted">(${esc(instance.directory.resolvedBy)})</span>`)] : []),
    fact('Access URL', instance.accessUrl ? `<span class="mono">${esc(instance.accessUrl)}</span>` : '<span class="muted">none</span>'),
  ];
  const documented = new Set<string>(DOCUMENTED_HOPS.map((h) => h.id));
  const others = hops.filter((h) => !documented.has(h.hop));
  const chips = others.length
    ? `<div class="storage-hops"><span class="muted">Other contact data in customer storage:</span> ${others
        .map(
          (h) =>
            `<button type="button" class="chip selectable" aria-pressed="false" data-instance="${esc(instance.instanceArn)}" data-hop="${esc(h.hop)}" data-status="${esc(h.status)}" title="${esc(hopTitle(h.hop, h))}">` +
            `<span class="mono">${esc(h.hop.replace(/^storage\./, ''))}</span> <b>${esc(statusText(h.status))}</b></button>`,
        )
        .join(' ')}</div>`
    : '';
  // All-pass instances start closed; the browser still finds text inside them (and opens them) on search.
  const attention = hops.some((h) => ATTENTION.has(h.status));
  const verdict = attention ? '' : ` <span class="all-pass">${badge('PASS')} every hop passes <span class="muted">(select to show)</span></span>`;
  return (
    `<details class="instance" data-attention="${attention}"${attention ? ' open' : ''}>` +
    `<summary><h2 id="${titleId}">${esc(instanceName(instance))} <span class="arn mono">${breakable(instance.instanceArn)}</span>${verdict}</h2></summary>` +
    `<dl class="facts">${facts.join('')}</dl>` +
    `<div class="diagram-wrap">${diagramSvg(instance, byHop, titleId)}</div>` +
    chips +
    '</details>'
  );
}

function legend(): string {
  return (
    '<ul class="legend" aria-label="Hop status colours">' +
    STATUSES.map((s) => `<li><span class="swatch" data-status="${s}" aria-hidden="true"></span>${badge(s)} <span class="muted">${esc(STATUS_MEANING[s])}</span></li>`).join('') +
    '</ul>'
  );
}

const COLUMNS_OF_TABLE: ReadonlyArray<{ key: string; label: string }> = [
  { key: 'status', label: 'Status' },
  { key: 'severity', label: 'Severity' },
  { key: 'rule', label: 'Rule' },
  { key: 'hop', label: 'Hop' },
  { key: 'instance', label: 'Instance' },
  { key: 'resource', label: 'Resource' },
  { key: 'message', label: 'Message' },
];

/** Rows drawn at once: the table is paged so that 10,000 findings load, filter and sort in well under a second. */
export const HTML_PAGE_SIZE = 250;

function* findingsSection(report: Report): Iterable<string> {
  const options = [
    '<option value="">All statuses</option>',
    '<option value="attention">Needs attention (FAIL, ERROR, WAIVED)</option>',
    ...STATUSES.map((s) => `<option value="${s}">${s} (${report.summary.counts[s]})</option>`),
  ];
  // A print has no use for sort buttons: it shows the plain label in each repeated header instead.
  const head = COLUMNS_OF_TABLE.map(
    (c) => `<th scope="col" aria-sort="none"><button type="button" data-sort="${c.key}">${esc(c.label)}</button><span class="print-label">${esc(c.label)}</span></th>`,
  ).join('');
  const pager =
    '<nav class="pager" aria-label="Pages of findings" hidden>' +
    '<button type="button" id="page-prev">‹ Previous</button> <span id="page-info"></span> <button type="button" id="page-next">Next ›</button>' +
    '</nav>';
  yield '<section id="findings" aria-labelledby="findings-title">' +
    `<h2 id="findings-title">Findings <span class="muted">(${report.findings.length})</span></h2>` +
    '<p class="hint muted">FAIL first, then ERROR, WAIVED and the rest, the most severe first within each status. Select a column header to sort by it.</p>' +
    '<div class="controls">' +
    '<label>Search <input type="search" id="filter-text" autocomplete="off" placeholder="rule, hop, resource, message…"></label>' +
    `<label>Status <select id="filter-status">${options.join('')}</select></label>` +
    '<button type="button" id="show-all">Show all</button>' +
    '<p id="filter-summary" role="status" aria-live="polite"></p>' +
    '</div>' +
    pager +
    '<div class="table-wrap findings-wrap">' +
    '<table id="findings-table">' +
    `<thead><tr>${head}</tr></thead>` +
    '<tbody></tbody>' +
    '</table>' +
    '</div>' +
    '<noscript><p>The findings table is drawn by the page script from the embedded JSON report (the <code>report-data</code> element).</p></noscript>' +
    '<p id="no-match" class="muted" hidden>No finding matches these filters.</p>' +
    '</section>';
}

function* errorsSection(errors: readonly ErrorEntry[], warnings: readonly string[]): Iterable<string> {
  if (warnings.length > 0) {
    yield '<section aria-labelledby="warnings-title"><h2 id="warnings-title">Warnings</h2><ul class="warnings">';
    for (const w of warnings) yield `<li>${esc(w)}</li>`;
    yield '</ul></section>';
  }
  if (errors.length > 0) {
    yield '<section aria-labelledby="errors-title"><h2 id="errors-title">Calls that failed</h2>' +
      '<div class="table-wrap"><table class="plain"><thead><tr><th scope="col">Call</th><th scope="col">Resource</th><th scope="col">Code</th><th scope="col">Message</th><th scope="col">Grant</th></tr></thead>' +
      '<tbody>';
    for (const e of errors) {
      yield `<tr><td class="mono">${esc(e.service)}:${esc(e.operation)}</td><td class="mono small">${esc(e.resource)}</td><td>${esc(e.code)}</td><td>${esc(e.message)}</td><td class="mono">${esc(e.iamAction ?? '')}</td></tr>`;
    }
    yield '</tbody></table></div></section>';
  }
}

function header(report: Report): string {
  const { summary, run, tool } = report;
  const resultStatus: Status = summary.result === 'PASS' ? 'PASS' : summary.result === 'FAIL' ? 'FAIL' : 'ERROR';
  const source = run.source ? ` of <span class="mono">${esc(run.source)}</span>` : '';
  const counts = STATUSES.map(
    (s) =>
      `<button type="button" class="count" data-status="${s}" aria-pressed="false" title="Show ${s} findings"><span class="n">${summary.counts[s]}</span>${badge(s)}</button>`,
  ).join('');
  return (
    '<header>' +
    '<h1>Amazon Connect network-path audit</h1>' +
    `<p class="muted">${esc(tool.name)} ${esc(tool.version)} · ${esc(run.mode)}${source} · ${report.instances.length} instance(s) · started ${esc(run.startedAt)} · finished ${esc(run.finishedAt)}</p>` +
    '</header>' +
    '<div class="summary-bar">' +
    `<div class="result" data-status="${resultStatus}"><strong>${esc(summary.result)}</strong><span>exit code ${summary.exitCode}<br>fail on ${esc(summary.failOn)}</span></div>` +
    `<nav class="counts" aria-label="Findings by status (select to filter the table)">${counts}</nav>` +
    '</div>'
  );
}

// ---------------------------------------------------------------------------------------------------
// Style and behaviour, inline (the CSP allows nothing else).

function styles(): string {
  const statusVars = STATUSES.map((s) => `[data-status="${s}"]{--c:${STATUS_COLOURS[s]}}`).join('');
  const severityRules = SEVERITIES.map((s) => `.sev[data-severity="${s}"]{color:${SEVERITY_COLOURS[s]}}`).join('');
  return `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d0d7de;--soft:#f6f8fa;--accent:#0969da;print-color-adjust:exact;-webkit-print-color-adjust:exact}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:#fff}
main{max-width:1240px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px}
.muted{color:var(--muted)}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.small{font-size:12px}
.nowrap{white-space:nowrap}
${statusVars}
.summary-bar{display:flex;flex-wrap:wrap;gap:12px;align-items:stretch;margin:16px 0 0}
.result{border:2px solid var(--c);border-radius:10px;padding:6px 16px;display:flex;align-items:center;gap:12px}
.result strong{font-size:26px;color:var(--c);line-height:1.2}
.result span{color:var(--muted);font-size:12.5px;line-height:1.35}
.counts{display:flex;flex-wrap:wrap;gap:8px}
.count{display:flex;align-items:center;gap:8px;border:1px solid var(--line);border-left:5px solid var(--c);background:#fff;border-radius:8px;padding:6px 12px;font:inherit;cursor:pointer;color:var(--fg)}
.count .n{font-size:20px;font-weight:600;min-width:1.5em;text-align:right}
.count:hover,.count[aria-pressed="true"]{background:var(--soft);box-shadow:0 0 0 2px var(--c) inset}
.badge{display:inline-block;background:var(--c);color:#fff;border-radius:999px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap;line-height:20px}
.legend{list-style:none;padding:0;margin:8px 0 0;display:flex;flex-wrap:wrap;gap:6px 18px}
.legend li{display:flex;align-items:center;gap:6px;font-size:12.5px}
.swatch{display:inline-block;width:26px;height:0;border-top:4px solid var(--c);border-radius:2px}
.swatch[data-status="NOT_APPLICABLE"]{border-top-style:dashed}
.swatch[data-status="ERROR"]{border-top-width:5px;border-image:repeating-linear-gradient(to right,var(--c) 0 8px,#0000 8px 10px,var(--c) 10px 12px,#0000 12px 14px) 1}
.hint{margin:6px 0 0;font-size:12.5px}
/* Off-screen instances are neither laid out nor painted until scrolled to (hundreds of diagrams load in no time); find-in-page still searches them. */
.instance{border-top:1px solid var(--line);margin-top:24px;content-visibility:auto;contain-intrinsic-size:auto 640px}
.instance>summary{cursor:pointer;list-style-position:outside;margin-left:1.1em}
.instance>summary h2{display:inline;margin:0}
.instance>summary{padding:20px 0 8px;overflow-wrap:anywhere}
.instance h2 .arn{font-weight:400;color:var(--muted);font-size:12.5px;margin-left:8px;overflow-wrap:anywhere}
.all-pass{font-size:13px;font-weight:400;margin-left:8px;white-space:nowrap}
.facts{display:flex;flex-wrap:wrap;gap:4px 24px;margin:0 0 12px}
.facts div{display:flex;gap:6px;min-width:0}
.facts dt{color:var(--muted)}
.facts dd{margin:0;overflow-wrap:anywhere;min-width:0}
.diagram-wrap{overflow-x:auto}
.diagram{width:100%;min-width:960px;height:auto;display:block;max-width:1100px}
.diagram .band{fill:#fff;stroke:var(--line)}
.diagram .band-title{font-size:13px;font-weight:600;fill:var(--fg)}
.diagram .node{fill:var(--soft);stroke:#8c959f;stroke-width:1.2}
.diagram .node-label{font-size:13px;fill:var(--fg);font-weight:600}
.diagram .node-label .sub{font-size:11.5px;font-weight:400;fill:var(--muted)}
.hop{cursor:pointer;outline:none}
.hop .edge{fill:none;stroke:var(--c,#8c959f);stroke-width:3.5}
.hop[data-status="NOT_APPLICABLE"] .edge{stroke-dasharray:7 5}
.hop[data-status="FAIL"] .edge,.hop[data-status="ERROR"] .edge{stroke-width:5.5}
.hop[data-status="ERROR"] .edge{stroke-dasharray:12 3 3 3}
.hop[data-status="FAIL"] .hop-status,.hop[data-status="ERROR"] .hop-status{font-size:13px}
.hop .head{fill:var(--c,#8c959f)}
.hop .hit{fill:none;stroke:var(--c,#8c959f);stroke-opacity:0;stroke-width:22;pointer-events:stroke}
.hop text{font-size:11.5px}
.hop .hop-name{fill:var(--fg);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11px}
.hop .hop-status{fill:var(--c,#59636e);font-weight:700}
.hop:hover .hit{stroke-opacity:.12}
.hop.selected .hit{stroke-opacity:.22}
.hop:focus-visible{outline:3px solid var(--accent);outline-offset:3px}
.hop:focus-visible .hit{stroke-opacity:.12}
.hop.selected .hop-name{text-decoration:underline}
.storage-hops{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:10px 0 0;font-size:12.5px}
.chip{font:inherit;font-size:12px;border:1px solid var(--line);border-left:4px solid var(--c);border-radius:6px;background:#fff;padding:2px 8px;cursor:pointer;color:var(--fg)}
.chip b{color:var(--c)}
.chip:hover,.chip[aria-pressed="true"]{background:var(--soft);box-shadow:0 0 0 2px var(--c) inset}
button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.controls{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:center;margin:0 0 10px}
.controls label{display:flex;flex-wrap:wrap;gap:6px;align-items:center;color:var(--muted);max-width:100%}
.controls input,.controls select{font:inherit;color:var(--fg);border:1px solid #8c959f;border-radius:6px;padding:4px 8px;background:#fff;max-width:100%}
.controls input{width:20em}
#show-all{font:inherit;border:1px solid #8c959f;border-radius:6px;background:var(--soft);padding:4px 12px;cursor:pointer;color:var(--fg)}
#filter-summary{margin:0;color:var(--muted)}
.table-wrap{overflow-x:auto}
.findings-wrap{overflow-x:visible}
@media (max-width:900px){.findings-wrap{overflow-x:auto}thead th{position:static}}
.pager{display:flex;gap:10px;align-items:center;margin:0 0 8px}
.pager button{font:inherit;border:1px solid #8c959f;border-radius:6px;background:var(--soft);padding:2px 10px;cursor:pointer;color:var(--fg)}
.pager button:disabled{opacity:.5;cursor:default}
th .print-label{display:none}
td.message{overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
thead th{background:var(--soft);position:sticky;top:0;z-index:1;white-space:nowrap}
th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;color:var(--fg)}
th button::after{content:" ↕";color:#8c959f}
th[aria-sort="ascending"] button::after{content:" ▲";color:var(--fg)}
th[aria-sort="descending"] button::after{content:" ▼";color:var(--fg)}
tr.finding:hover{background:#f6f8fa}
td.small{min-width:12em}
.expand{border:1px solid var(--line);background:#fff;border-radius:4px;width:22px;height:22px;padding:0;cursor:pointer;color:var(--fg);line-height:1}
.expand[aria-expanded="true"]{transform:rotate(90deg)}
.sev{font-weight:600}
${severityRules}
tr.detail td{background:#f6f8fa}
tr.detail dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:4px 0}
tr.detail dt{color:var(--muted)}
tr.detail dd{margin:0;overflow-wrap:anywhere}
tr.detail pre{margin:0;white-space:pre-wrap;font-size:12px;max-height:24em;overflow:auto;background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px}
a{color:var(--accent)}
footer{margin-top:32px;padding-top:12px;border-top:1px solid var(--line);font-size:12.5px}
@media screen{tr.detail.print-only{display:none}}
@media print{
.controls,.expand,#show-all,.pager,th button,.hint,.instance>summary .muted{display:none}
th .print-label{display:inline}
thead{display:table-header-group}
thead th{position:static}
.instance{content-visibility:visible}
.instance,.count,tr.finding,tr.detail{break-inside:avoid}
.findings-wrap,.table-wrap,.diagram-wrap{overflow:visible}
.diagram{min-width:0}
tr.detail pre{max-height:none}
}
`;
}

/**
 * Plain ES2017 (and a Unicode property escape), no template literals: sorting, filtering, hop selection
 * and finding details. Account strings taken from the embedded JSON go into the page as text, with
 * invisible format characters shown as escapes, as the formatter does (`revealInvisible`).
 */
const SCRIPT = `
(function () {
  'use strict';
  var INVISIBLE = new RegExp(${JSON.stringify(INVISIBLE_SOURCE)}, 'gu');
  function visible(text) {
    return String(text).replace(INVISIBLE, function (c) {
      var code = c.codePointAt(0).toString(16);
      return code.length > 4 ? '\\\\u{' + code + '}' : '\\\\u' + ('000' + code).slice(-4);
    });
  }
  var SYMBOLS = ${JSON.stringify(STATUS_SYMBOLS)};
  var STATUS_RANK = ${JSON.stringify(Object.fromEntries(STATUSES.map((s) => [s, statusRank(s)])))};
  var SEVERITY_RANK = ${JSON.stringify(Object.fromEntries(SEVERITIES.map((s) => [s, severityRank(s)])))};
  var ATTENTION = { FAIL: true, ERROR: true, WAIVED: true };
  var PRINT_DETAILS = { FAIL: true, ERROR: true };
  var PAGE_SIZE = ${HTML_PAGE_SIZE};
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var all = data.findings;
  var names = new Map();
  data.instances.forEach(function (i) { names.set(i.instanceArn, i.instanceAlias || i.instanceId); });
  function nameOf(f) { return names.get(f.instanceArn) || f.instanceArn; }
  /** Plan mode: the file, line and resource name (Terraform address or logical id) the finding is written at. */
  function sourceOf(f) {
    if (!f.source) return '';
    var name = f.source.address || f.source.logicalId;
    return f.source.file + ':' + f.source.line + (name ? ' (' + name + ')' : '');
  }
  var KEY = {
    status: function (f) { return STATUS_RANK[f.status]; },
    severity: function (f) { return SEVERITY_RANK[f.severity]; },
    rule: function (f) { return f.ruleId; },
    hop: function (f) { return f.hop; },
    instance: nameOf,
    resource: function (f) { return f.resource.arn; },
    message: function (f) { return f.message; }
  };
  var haystack = all.map(function (f) {
    return visible([f.status, f.severity, f.ruleId, f.hop, nameOf(f), f.resource.arn, sourceOf(f), f.message].join('\\n')).toLowerCase();
  });
  // The default order: FAIL, ERROR, WAIVED, then the rest; the most severe first within a status.
  var base = all.map(function (f, i) { return i; }).sort(function (a, b) {
    return STATUS_RANK[all[a].status] - STATUS_RANK[all[b].status] || SEVERITY_RANK[all[a].severity] - SEVERITY_RANK[all[b].severity] || a - b;
  });
  var position = new Int32Array(all.length);
  base.forEach(function (i, p) { position[i] = p; });
  var order = base;
  var view = base;

  var table = document.getElementById('findings-table');
  var tbody = table.tBodies[0];
  var textBox = document.getElementById('filter-text');
  var statusBox = document.getElementById('filter-status');
  var summary = document.getElementById('filter-summary');
  var noMatch = document.getElementById('no-match');
  var pager = document.querySelector('.pager');
  var pageInfo = document.getElementById('page-info');
  var prev = document.getElementById('page-prev');
  var next = document.getElementById('page-next');
  var state = { instance: null, hop: null, sortKey: null, dir: 1, page: 0, printing: false };
  var open = new Set();
  var collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

  function matches(i) {
    var f = all[i];
    if (state.hop !== null && (f.hop !== state.hop || f.instanceArn !== state.instance)) return false;
    var s = statusBox.value;
    if (s === 'attention' ? !ATTENTION[f.status] : (s !== '' && f.status !== s)) return false;
    var q = textBox.value.trim().toLowerCase();
    return q === '' || haystack[i].indexOf(q) !== -1;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = visible(text);
    return el;
  }

  function badge(status) {
    var span = element('span', 'badge', SYMBOLS[status] + ' ' + status);
    span.setAttribute('data-status', status);
    return span;
  }

  /** An ARN with line-break opportunities after its separators. */
  function breakable(cell, value) {
    String(value).split(/([:/]+)/).forEach(function (part, n) {
      if (part === '') return;
      cell.appendChild(document.createTextNode(visible(part)));
      if (n % 2 === 1) cell.appendChild(document.createElement('wbr'));
    });
  }

  function rowFor(i) {
    var f = all[i];
    var tr = element('tr', 'finding');
    tr.dataset.index = String(i);
    tr.dataset.id = f.id;
    tr.dataset.status = f.status;
    tr.dataset.severity = f.severity;
    tr.dataset.instance = f.instanceArn;
    tr.dataset.hop = f.hop;
    var first = element('td', 'nowrap');
    var button = element('button', 'expand', '\\u25b8');
    button.type = 'button';
    button.setAttribute('aria-expanded', open.has(i) ? 'true' : 'false');
    button.setAttribute('aria-label', visible('Details of ' + f.ruleId + ' on ' + f.resource.arn));
    first.appendChild(button);
    first.appendChild(document.createTextNode(' '));
    first.appendChild(badge(f.status));
    tr.appendChild(first);
    var sev = element('td');
    var sevText = element('span', 'sev', f.severity);
    sevText.setAttribute('data-severity', f.severity);
    sev.appendChild(sevText);
    tr.appendChild(sev);
    tr.appendChild(element('td', 'mono', f.ruleId));
    tr.appendChild(element('td', 'mono', f.hop));
    tr.appendChild(element('td', '', nameOf(f)));
    var resource = element('td', 'mono small');
    breakable(resource, f.resource.arn);
    if (f.source) resource.appendChild(element('div', 'source muted', sourceOf(f)));
    tr.appendChild(resource);
    tr.appendChild(element('td', 'message', f.message));
    return tr;
  }

  function addItem(dl, term, value) {
    dl.appendChild(element('dt', '', term));
    var dd = document.createElement('dd');
    if (typeof value === 'string') dd.textContent = visible(value); else dd.appendChild(value);
    dl.appendChild(dd);
  }

  function detailFor(i, printOnly) {
    var f = all[i];
    var detail = element('tr', printOnly ? 'detail print-only' : 'detail');
    detail.id = 'detail-' + i;
    var cell = document.createElement('td');
    cell.colSpan = 7;
    var dl = document.createElement('dl');
    addItem(dl, 'Rule', f.title + ' (' + f.ruleId + ')');
    addItem(dl, 'Message', f.message);
    if (f.waiver) addItem(dl, 'Waiver', 'until ' + f.waiver.expires + ', was ' + f.waiver.originalStatus + (f.waiver.ticket ? ', ' + f.waiver.ticket : '') + ': ' + f.waiver.reason);
    addItem(dl, 'Remediation', f.remediation);
    addItem(dl, 'Resource', f.resource.arn + ' (' + f.resource.type + ', account ' + f.resource.accountId + ', ' + f.resource.region + ')');
    if (f.source) addItem(dl, 'Source', sourceOf(f));
    if (f.compliance.length > 0) {
      addItem(dl, 'Compliance', f.compliance.map(function (c) { return c.framework + ': ' + c.controls.join(', '); }).join('; '));
    }
    if (f.references.length > 0) {
      var list = document.createElement('ul');
      f.references.forEach(function (url) {
        var li = document.createElement('li');
        if (/^https:\\/\\/[^\\s]+$/i.test(url)) {
          var a = element('a', '', url);
          a.href = url;
          a.rel = 'noreferrer';
          a.target = '_blank';
          li.appendChild(a);
        } else {
          li.textContent = visible(url);
        }
        list.appendChild(li);
      });
      addItem(dl, 'References', list);
    }
    addItem(dl, 'Evidence', element('pre', '', JSON.stringify(f.evidence, null, 2)));
    addItem(dl, 'Finding id', f.id);
    cell.appendChild(dl);
    detail.appendChild(cell);
    return detail;
  }

  /** Draws the current page of the view (every row of it when printing, with the FAIL and ERROR details). */
  function render() {
    var pages = Math.max(1, Math.ceil(view.length / PAGE_SIZE));
    if (state.page >= pages) state.page = pages - 1;
    var from = state.printing ? 0 : state.page * PAGE_SIZE;
    var to = state.printing ? view.length : Math.min(view.length, from + PAGE_SIZE);
    var fragment = document.createDocumentFragment();
    for (var n = from; n < to; n += 1) {
      var i = view[n];
      fragment.appendChild(rowFor(i));
      if (open.has(i)) fragment.appendChild(detailFor(i, false));
      else if (state.printing && PRINT_DETAILS[all[i].status]) fragment.appendChild(detailFor(i, true));
    }
    tbody.textContent = '';
    tbody.appendChild(fragment);
    noMatch.hidden = view.length !== 0;
    pager.hidden = pages <= 1;
    pageInfo.textContent = 'Rows ' + (view.length === 0 ? 0 : from + 1) + '\\u2013' + to + ' of ' + view.length + ' \\u00b7 page ' + (state.page + 1) + ' of ' + pages;
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
  }

  function apply() {
    view = order.filter(matches);
    state.page = 0;
    render();
    var parts = ['Showing ' + view.length + ' of ' + all.length + ' findings'];
    if (state.hop !== null) parts.push('hop ' + state.hop + ' of ' + visible(names.get(state.instance) || state.instance));
    if (statusBox.value !== '') parts.push('status ' + (statusBox.value === 'attention' ? 'FAIL, ERROR or WAIVED' : statusBox.value));
    if (textBox.value.trim() !== '') parts.push('matching \\u201c' + textBox.value.trim() + '\\u201d');
    summary.textContent = parts.join(' \\u00b7 ');
    Array.prototype.forEach.call(document.querySelectorAll('.selectable'), function (el) {
      var on = el.getAttribute('data-hop') === state.hop && el.getAttribute('data-instance') === state.instance;
      el.classList.toggle('selected', on);
      el.setAttribute('aria-pressed', on ? 'true' : 'false');
    });
    Array.prototype.forEach.call(document.querySelectorAll('.count'), function (el) {
      el.setAttribute('aria-pressed', el.getAttribute('data-status') === statusBox.value ? 'true' : 'false');
    });
  }

  function selectHop(el) {
    var hop = el.getAttribute('data-hop');
    var instance = el.getAttribute('data-instance');
    var same = state.hop === hop && state.instance === instance;
    state.hop = same ? null : hop;
    state.instance = same ? null : instance;
    apply();
    if (!same) document.getElementById('findings').scrollIntoView({ block: 'start' });
  }

  function sortBy(key) {
    state.dir = state.sortKey === key ? -state.dir : 1;
    state.sortKey = key;
    var keyOf = KEY[key];
    var values = all.map(keyOf);
    var numeric = typeof values[0] === 'number';
    order = base.slice().sort(function (a, b) {
      var c = numeric ? values[a] - values[b] : collator.compare(values[a], values[b]);
      return c !== 0 ? c * state.dir : position[a] - position[b];
    });
    Array.prototype.forEach.call(table.tHead.querySelectorAll('th'), function (th) {
      var button = th.querySelector('[data-sort]');
      var active = button && button.getAttribute('data-sort') === key;
      th.setAttribute('aria-sort', active ? (state.dir === 1 ? 'ascending' : 'descending') : 'none');
    });
    apply();
  }

  function toggleDetails(tr) {
    var i = Number(tr.dataset.index);
    var button = tr.querySelector('button.expand');
    var shown = tr.nextElementSibling;
    if (shown && shown.id === 'detail-' + i) shown.remove();
    if (open.has(i)) {
      open.delete(i);
      button.setAttribute('aria-expanded', 'false');
      button.removeAttribute('aria-controls');
      return;
    }
    open.add(i);
    tr.parentNode.insertBefore(detailFor(i, false), tr.nextSibling);
    button.setAttribute('aria-expanded', 'true');
    button.setAttribute('aria-controls', 'detail-' + i);
  }

  function printing(on) {
    if (state.printing === on) return;
    state.printing = on;
    render();
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var hop = target.closest('.selectable');
    if (hop) { selectHop(hop); return; }
    var count = target.closest('.count');
    if (count) {
      var status = count.getAttribute('data-status');
      statusBox.value = statusBox.value === status ? '' : status;
      apply();
      return;
    }
    var sort = target.closest('button[data-sort]');
    if (sort) { sortBy(sort.getAttribute('data-sort')); return; }
    var expand = target.closest('button.expand');
    if (expand) toggleDetails(expand.closest('tr'));
  });
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    if (target instanceof Element && target.matches('g.selectable') && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      selectHop(target);
    }
  });
  prev.addEventListener('click', function () { state.page -= 1; render(); });
  next.addEventListener('click', function () { state.page += 1; render(); });
  textBox.addEventListener('input', apply);
  statusBox.addEventListener('change', apply);
  document.getElementById('show-all').addEventListener('click', function () {
    state.hop = null;
    state.instance = null;
    textBox.value = '';
    statusBox.value = '';
    apply();
  });
  // A print shows every row of the view, with the details of its FAIL and ERROR findings.
  var print = window.matchMedia('print');
  print.addEventListener('change', function (event) { printing(event.matches); });
  window.addEventListener('beforeprint', function () { printing(true); });
  window.addEventListener('afterprint', function () { printing(print.matches); });
  apply();
})();
`;

function* htmlChunks(report: Report): Iterable<string> {
  const title = `Connect network paths: ${report.summary.result}`;
  const doc = httpsUrl(NETWORK_PATHS_DOC);
  yield [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<link rel="icon" href="data:,">',
    `<title>${esc(title)}</title>`,
    `<style>${styles()}</style>`,
    '</head>',
    '<body>',
    '<main>',
    header(report),
    '<section aria-labelledby="paths-title">',
    '<h2 id="paths-title">Network paths</h2>',
    legend(),
    '<p class="hint muted">Each arrow is a documented hop, coloured by the worst status of its findings. Select a hop (click, or Tab and Enter) to list its findings below; select it again or use “Show all” to clear.</p>',
    '',
  ].join('\n');
  const index = indexReport(report);
  for (const [i, instance] of report.instances.entries()) yield instanceSection(instance, i, hopsOf(index, instance.instanceArn));
  if (report.instances.length === 0) yield '<p class="muted">No Connect instance was audited.</p>';
  yield '\n</section>\n';
  yield* findingsSection(report);
  yield '\n';
  yield* errorsSection(report.errors, report.warnings ?? []);
  yield [
    '',
    '<footer class="muted">',
    `Generated by ${esc(report.tool.name)} ${esc(report.tool.version)}. Hop model: ${doc ? `<a href="${esc(doc)}" rel="noreferrer">Detailed network paths for Amazon Connect</a>` : 'Detailed network paths for Amazon Connect'} (AWS documentation). `,
    'The whole JSON report is embedded in this file, in the <code>report-data</code> script element.',
    '</footer>',
    '</main>',
    '<script type="application/json" id="report-data">',
  ].join('\n');
  yield* mapped(reportJsonChunks(report), scriptSafe);
  yield ['</script>', `<script>${SCRIPT}</script>`, '</body>', '</html>', ''].join('\n');
}

export const html = streamingFormatter(
  {
    id: 'html',
    description: 'one self-contained HTML file: SVG diagram of both paths per instance, sortable and filterable findings table',
    extension: '.html',
  },
  htmlChunks,
);

export function renderHtml(report: Report): string {
  return html.render(report, { color: false, unicode: false });
}
