import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SEVERITIES, severityRank, STATUSES, statusRank, type Status } from '../../src/findings/status.js';
import { escapeHtml, revealInvisible, scriptJson } from '../../src/formats/escape.js';
import { HTML_CSP, html, renderHtml } from '../../src/formats/html.js';
import { findFormatter } from '../../src/formats/index.js';
import { STATUS_COLOURS } from '../../src/formats/mermaid.js';
import type { FormatOptions } from '../../src/formats/types.js';
import { DOCUMENTED_HOPS } from '../../src/paths/hops.js';
import type { Finding, Report } from '../../src/report/schema.js';
import { findChromium, SYSTEM_CHROMIUM, useChromium } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';
import { DEMO_EVIDENCE, INJECTION_EVIDENCE, reportFor } from '../helpers/report.js';
import { cases, HOSTILE, HOSTILE_WAIVERS, INVISIBLE_CHARACTERS } from './cases.js';

const OPTIONS: FormatOptions = { color: false, unicode: true };
const SCREENSHOT = resolve(ROOT, 'test-artifacts/html-report.png');

/** Breaks out of text, attributes, the JSON block and the script if anything is left unescaped. */
const EVIL = `</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">' " & <!-- ]]> \u2028 ${HOSTILE.mermaid} \u202erev\u202c\u200b`;

/** The table's first order: FAIL, ERROR, WAIVED, then the rest, the most severe first within a status. */
function inAttentionOrder(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => statusRank(a.status) - statusRank(b.status) || severityRank(a.severity) - severityRank(b.severity));
}

/** Every start tag with its attributes (values unescaped as a browser would read them). */
function startTags(text: string): Array<{ name: string; attributes: Map<string, string> }> {
  const tags: Array<{ name: string; attributes: Map<string, string> }> = [];
  for (const match of text.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attributes = new Map<string, string>();
    for (const attribute of (match[2] ?? '').matchAll(/([^\s=>]+)(?:="([^"]*)")?/g)) {
      attributes.set((attribute[1] ?? '').toLowerCase(), attribute[2] ?? '');
    }
    tags.push({ name: (match[1] ?? '').toLowerCase(), attributes });
  }
  return tags;
}

const OUR_TAGS = ['html', 'head', 'meta', 'link', 'title', 'style', 'body', 'main', 'header', 'h1', 'h2', 'p', 'span', 'strong', 'br', 'div', 'nav', 'button', 'b', 'section', 'ul', 'li', 'dl', 'dt', 'dd', 'svg', 'g', 'rect', 'text', 'tspan', 'path', 'label', 'input', 'select', 'option', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'wbr', 'footer', 'a', 'code', 'script', 'details', 'summary', 'noscript'];

/** The page without the embedded JSON, which is checked on its own. */
function withoutData(text: string): string {
  return text.replace(/<script type="application\/json" id="report-data">[^<]*<\/script>/, '');
}

function hostileReport(): Report {
  const report = structuredClone(reportFor(DEMO_EVIDENCE));
  for (const instance of report.instances) {
    instance.instanceAlias = `${instance.instanceAlias ?? ''}${EVIL}`;
    instance.accessUrl = `javascript:alert(1)//${EVIL}`;
  }
  report.findings = report.findings.map((f) => ({
    ...f,
    message: `${f.message} ${EVIL}`,
    remediation: EVIL,
    resource: { ...f.resource, arn: `${f.resource.arn}${EVIL}` },
    references: [...f.references, 'javascript:alert(1)', `http://insecure.example/${EVIL}`],
    evidence: { ...f.evidence, injected: EVIL },
  }));
  report.errors = [{ service: 'connect', operation: 'ListApprovedOrigins', resource: EVIL, code: EVIL, message: EVIL, iamAction: EVIL }];
  report.warnings = [EVIL];
  return report;
}

describe('html: the file itself', () => {
  const report = reportFor(DEMO_EVIDENCE);
  const text = html.render(report, OPTIONS);

  it('is registered as a format', () => {
    expect(findFormatter('html')).toBe(html);
    expect(html.extension).toBe('.html');
    expect(text).toBe(renderHtml(report));
  });

  it('is one document with a strict Content Security Policy and no external resource', () => {
    expect(text.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(text).toContain(`<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`);
    expect(HTML_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:");
    for (const tag of startTags(text)) {
      expect(tag.attributes.has('src'), `<${tag.name}> loads nothing`).toBe(false);
      for (const name of ['href', 'xlink:href', 'action', 'formaction', 'poster', 'data', 'srcset']) {
        const value = tag.attributes.get(name);
        if (value === undefined) continue;
        if (tag.name === 'link') {
          expect(value, 'only the empty data: icon').toBe('data:,');
        } else {
          // Reference links are anchors a person may follow; they are never loaded by the page.
          expect(tag.name, `${name}=${value}`).toBe('a');
          expect(value).toMatch(/^https:\/\//);
          expect(tag.attributes.get('rel')).toBe('noreferrer');
        }
      }
    }
    expect(text).not.toMatch(/@import|url\(|<iframe|<object|<embed|<base/i);
    expect(text.match(/<script/g)).toHaveLength(2);
  });

  it('has no button in a table header when printed: each has a plain label beside its sort button', () => {
    for (const th of text.matchAll(/<th scope="col" aria-sort="none">(.*?)<\/th>/g)) {
      expect(th[1]).toMatch(/^<button type="button" data-sort="[a-z]+">([A-Za-z]+)<\/button><span class="print-label">\1<\/span>$/);
    }
  });

  it('embeds the whole report as JSON that cannot close its script element', () => {
    const match = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(text);
    expect(match).not.toBeNull();
    expect(JSON.parse(match?.[1] ?? '')).toEqual(report);
  });

  it('draws the 10 documented hops per instance and one table row per finding', () => {
    const tags = startTags(text);
    const hops = tags.filter((t) => t.name === 'g' && t.attributes.get('class') === 'hop selectable');
    expect(hops).toHaveLength(report.instances.length * DOCUMENTED_HOPS.length);
    for (const instance of report.instances) {
      for (const hop of DOCUMENTED_HOPS) {
        const drawn = hops.filter((t) => t.attributes.get('data-instance') === instance.instanceArn && t.attributes.get('data-hop') === hop.id);
        const result = report.hops.find((h) => h.instanceArn === instance.instanceArn && h.hop === hop.id);
        expect(drawn).toHaveLength(1);
        expect(drawn[0]?.attributes.get('data-status')).toBe(result?.status);
        expect(drawn[0]?.attributes.get('tabindex')).toBe('0');
      }
    }
    // The rows are drawn by the script, a page at a time, from the embedded report (issue 11: 10,000 findings).
    expect(tags.filter((t) => t.name === 'tr' && t.attributes.get('class') === 'finding')).toHaveLength(0);
    expect(text).toContain('<tbody></tbody>');
  });

  it('collapses the instances where every hop passes, and only those', () => {
    const sections = [...text.matchAll(/<details class="instance" data-attention="(true|false)"( open)?>/g)];
    expect(sections).toHaveLength(report.instances.length);
    for (const [i, instance] of report.instances.entries()) {
      const attention = report.hops.some((h) => h.instanceArn === instance.instanceArn && ['FAIL', 'ERROR', 'WAIVED'].includes(h.status));
      expect(sections[i]?.[1]).toBe(String(attention));
      expect(sections[i]?.[2] !== undefined).toBe(attention);
    }
    expect(sections.some((m) => m[1] === 'false')).toBe(true);
  });
});

describe.each([...cases(), { name: 'report with hostile strings everywhere', report: hostileReport() }])('html for the $name', ({ report }) => {
  const text = html.render(report, OPTIONS);
  const page = withoutData(text);

  it('escapes every account string: no tag, attribute or script comes from the account', () => {
    expect(text.match(/<script/gi)).toHaveLength(2);
    expect(text.match(/<\/script/gi)).toHaveLength(2);
    // Only the elements and attributes the formatter writes: none named by an account string.
    for (const tag of startTags(page)) {
      expect(OUR_TAGS, `<${tag.name}>`).toContain(tag.name);
      for (const name of tag.attributes.keys()) {
        expect(name, `<${tag.name} ${name}>`).toMatch(/^(?:class|id|lang|charset|http-equiv|content|name|rel|href|type|role|tabindex|title|colspan|scope|autocomplete|placeholder|value|hidden|viewbox|x|y|width|height|rx|d|transform|text-anchor|dy|open|aria-[a-z]+|data-[a-z]+)$/);
      }
    }
    expect(page).not.toContain('<!--');
    expect(page).not.toMatch(INVISIBLE_CHARACTERS);
    const data = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(text)?.[1] ?? '';
    expect(data).toBe(scriptJson(report));
    expect(JSON.parse(data)).toEqual(report);
    for (const instance of report.instances) {
      expect(page).toContain(escapeHtml(instance.instanceAlias || instance.instanceId));
    }
  });
});

describe('html in a real browser (Chromium, headless)', () => {
  const session = useChromium('cna-html-');

  interface Opened {
    page: Page;
    url: string;
    problems: string[];
    requests: string[];
  }

  async function open(report: Report, name: string): Promise<Opened> {
    const file = join(session.dir, name);
    writeFileSync(file, html.render(report, OPTIONS));
    const url = pathToFileURL(file).href;
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const opened: Opened = { page, url, problems: [], requests: [] };
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') opened.problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => opened.problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      opened.problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('request', (request) => opened.requests.push(request.url()));
    await page.goto(url, { waitUntil: 'load' });
    return opened;
  }

  /** Rows of the findings table the user can see. */
  async function visibleRows(page: Page): Promise<Array<{ id: string; status: string; severity: string; hop: string; instance: string }>> {
    return page.locator('tr.finding').evaluateAll((rows) =>
      rows
        .filter((row) => (row as HTMLElement).offsetParent !== null)
        .map((row) => {
          const data = (row as HTMLElement).dataset;
          return { id: data.id ?? '', status: data.status ?? '', severity: data.severity ?? '', hop: data.hop ?? '', instance: data.instance ?? '' };
        }),
    );
  }

  /** WCAG contrast ratio of two computed colours (`rgb(…)`). */
  function contrast(a: string, b: string): number {
    const luminance = (colour: string) => {
      const [r, g, bl] = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
        const c = Number(v) / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
    };
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return ((x ?? 0) + 0.05) / ((y ?? 0) + 0.05);
  }

  function rgb(hex: string): string {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return `rgb(${r}, ${g}, ${b})`;
  }

  it('loads with no errors and no request but the file; draws every hop in the colour of its status; filters, sorts; screenshot', async () => {
    const report = reportFor(DEMO_EVIDENCE);
    const { page, url, problems, requests } = await open(report, 'demo.html');

    // Every documented hop of every instance, coloured by its status (line, arrow head and status text).
    const drawn = await page.locator('svg.diagram g.hop').evaluateAll((groups) =>
      groups.map((g) => {
        const style = (selector: string) => getComputedStyle(g.querySelector(selector) as Element);
        return {
          instance: g.getAttribute('data-instance'),
          hop: g.getAttribute('data-hop'),
          status: g.getAttribute('data-status'),
          stroke: style('.edge').stroke,
          head: style('.head').fill,
          label: style('.hop-status').fill,
          dashed: style('.edge').strokeDasharray,
          visible: (g as SVGGraphicsElement).getBBox().width > 0,
        };
      }),
    );
    expect(drawn).toHaveLength(report.instances.length * DOCUMENTED_HOPS.length);
    for (const instance of report.instances) {
      for (const hop of DOCUMENTED_HOPS) {
        const status = report.hops.find((h) => h.instanceArn === instance.instanceArn && h.hop === hop.id)?.status as Status;
        const element = drawn.find((d) => d.instance === instance.instanceArn && d.hop === hop.id);
        expect(element, `${instance.instanceAlias} ${hop.id}`).toMatchObject({ status, stroke: rgb(STATUS_COLOURS[status]), head: rgb(STATUS_COLOURS[status]), label: rgb(STATUS_COLOURS[status]), visible: true });
        if (status === 'NOT_APPLICABLE') expect(element?.dashed).not.toBe('none');
      }
    }
    expect(new Set(drawn.map((d) => d.stroke)).size).toBeGreaterThanOrEqual(4);
    // Each hop is a button named by its <title> (hop, status, route), once per instance shown: the
    // all-pass instance starts collapsed and shows its diagram when opened.
    const hopButtons = async (hop: string) => page.getByRole('button', { name: new RegExp(`^${hop.replace(/\./g, '\\.')}: [A-Z_]+\\. .*Select to list its findings\\.$`) }).count();
    const collapsed = page.locator('details.instance:not([open])');
    expect(await collapsed.count()).toBe(1);
    for (const hop of DOCUMENTED_HOPS) expect(await hopButtons(hop.id), hop.id).toBe(report.instances.length - 1);
    expect(await collapsed.locator('summary').textContent()).toMatch(/^acme-compliant .*every hop passes/);
    await collapsed.locator('summary').click();
    expect(await page.locator('details.instance:not([open])').count()).toBe(0);
    for (const hop of DOCUMENTED_HOPS) expect(await hopButtons(hop.id), hop.id).toBe(report.instances.length);
    // The legend shows every status in its colour.
    const legend = await page.locator('.legend .swatch').evaluateAll((swatches) => swatches.map((s) => [s.getAttribute('data-status'), getComputedStyle(s).borderTopColor]));
    expect(legend).toEqual(STATUSES.map((s) => [s, rgb(STATUS_COLOURS[s])]));

    const ordered = inAttentionOrder(report.findings);
    const all = await visibleRows(page);
    expect(all.map((r) => r.id)).toEqual(ordered.map((f) => f.id));
    await expect.poll(() => page.locator('#filter-summary').textContent()).toBe(`Showing ${report.findings.length} of ${report.findings.length} findings`);

    // Clicking a hop filters the table to that instance and hop.
    const legacy = report.instances.find((i) => i.instanceAlias === 'acme-legacy');
    expect(legacy).toBeDefined();
    const arn = legacy?.instanceArn ?? '';
    const hop = page.locator(`g.hop[data-hop="voice.recording-to-s3"][data-instance="${arn}"]`);
    await hop.click();
    const expected = ordered.filter((f) => f.instanceArn === arn && f.hop === 'voice.recording-to-s3');
    expect(expected.length).toBeGreaterThan(1);
    let rows = await visibleRows(page);
    expect(rows.map((r) => r.id)).toEqual(expected.map((f) => f.id));
    expect(await hop.getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#filter-summary').textContent()).toContain('hop voice.recording-to-s3 of acme-legacy');

    // A storage hop (listed beside the diagram) filters the same way.
    const storageHop = report.hops.find((h) => h.hop.startsWith('storage.'));
    expect(storageHop).toBeDefined();
    await page.locator(`button.chip[data-hop="${storageHop?.hop}"][data-instance="${storageHop?.instanceArn}"]`).click();
    rows = await visibleRows(page);
    expect(rows.map((r) => r.id)).toEqual(ordered.filter((f) => f.instanceArn === storageHop?.instanceArn && f.hop === storageHop?.hop).map((f) => f.id));

    // "Show all" resets; the keyboard selects a hop too (Tab to it, Enter).
    await page.locator('#show-all').click();
    expect(await visibleRows(page)).toHaveLength(report.findings.length);
    const saml = report.instances.find((i) => i.identityManagementType === 'SAML')?.instanceArn ?? '';
    const directoryHop = page.locator(`g.hop[data-hop="auth.ad-connector-to-active-directory"][data-instance="${saml}"]`);
    await directoryHop.focus();
    await page.keyboard.press('Enter');
    rows = await visibleRows(page);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.instance === saml && r.hop === 'auth.ad-connector-to-active-directory' && r.status === 'NOT_APPLICABLE')).toBe(true);
    await page.keyboard.press('Enter');
    expect(await visibleRows(page)).toHaveLength(report.findings.length);

    // Status select and text box.
    await page.locator('#filter-status').selectOption('FAIL');
    rows = await visibleRows(page);
    expect(rows).toHaveLength(report.summary.counts.FAIL);
    expect(rows.every((r) => r.status === 'FAIL')).toBe(true);
    await page.locator('#filter-status').selectOption('attention');
    expect(await visibleRows(page)).toHaveLength(report.summary.counts.FAIL + report.summary.counts.ERROR + report.summary.counts.WAIVED);
    await page.locator('#filter-text').fill('ldaps');
    rows = await visibleRows(page);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(report.findings.length);
    await page.locator('#filter-text').fill('no finding says this');
    expect(await visibleRows(page)).toHaveLength(0);
    expect(await page.locator('#no-match').isVisible()).toBe(true);
    await page.locator('#show-all').click();

    // Sorting by a header, then the other way round.
    const severityHeader = page.locator('th:has(button[data-sort="severity"])');
    await page.locator('button[data-sort="severity"]').click();
    let ranks = (await visibleRows(page)).map((r) => SEVERITIES.indexOf(r.severity as (typeof SEVERITIES)[number]));
    expect(ranks).toHaveLength(report.findings.length);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(ranks[0]).toBe(0);
    expect(await severityHeader.getAttribute('aria-sort')).toBe('ascending');
    await page.locator('button[data-sort="severity"]').click();
    ranks = (await visibleRows(page)).map((r) => SEVERITIES.indexOf(r.severity as (typeof SEVERITIES)[number]));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(await severityHeader.getAttribute('aria-sort')).toBe('descending');
    await page.locator('button[data-sort="status"]').click();
    const statuses = (await visibleRows(page)).map((r) => STATUSES.indexOf(r.status as Status));
    expect(statuses).toEqual([...statuses].sort((a, b) => a - b));
    expect((await visibleRows(page))[0]?.status).toBe('FAIL');

    // Details of a finding come from the embedded JSON, its references as plain links.
    await page.locator('tr.finding button.expand').first().click();
    const detail = page.locator('tr.detail');
    await expect.poll(() => detail.count()).toBe(1);
    const links = await detail.locator('a').evaluateAll((anchors) => anchors.map((a) => [a.getAttribute('href'), a.getAttribute('rel')]));
    expect(links.length).toBeGreaterThan(0);
    for (const [href, rel] of links) {
      expect(href).toMatch(/^https:\/\//);
      expect(rel).toBe('noreferrer');
    }
    await page.locator('tr.finding button.expand').first().click();
    await expect.poll(() => detail.count()).toBe(0);
    await page.locator('#show-all').click();

    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);

    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });

  it('runs in the Chromium the lookup names: CHROMIUM_PATH, else /usr/bin/chromium, else the packaged one (CHROMIUM_PACKAGED=1 forces it)', async () => {
    expect(session.choice.source).toBe(process.env.CHROMIUM_PATH ? 'CHROMIUM_PATH' : process.env.CHROMIUM_PACKAGED === '1' || !existsSync(SYSTEM_CHROMIUM) ? 'packaged' : 'system');
    expect(await findChromium({ CHROMIUM_PATH: process.execPath })).toEqual({ executablePath: process.execPath, source: 'CHROMIUM_PATH', env: {} });
    await expect(findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).rejects.toThrow(/does not exist/);
    const packaged = await findChromium({ CHROMIUM_PACKAGED: '1' });
    expect(packaged.source).toBe('packaged');
    expect(packaged.executablePath).toBe(join(tmpdir(), 'chromium'));
    // The package's own NSS and expat libraries and fonts: nothing from the system but libc.
    expect(packaged.env.LD_LIBRARY_PATH?.split(':')[0]).toBe(join(tmpdir(), 'al2023', 'lib'));
    expect(existsSync(join(tmpdir(), 'al2023', 'lib', 'libnss3.so'))).toBe(true);
    expect(existsSync(join(packaged.env.FONTCONFIG_PATH ?? '', 'fonts.conf'))).toBe(true);
  });

  /** A report with FAIL, ERROR and WAIVED findings, and a documented hop of each status drawn. */
  function mixedReport(): Report {
    const report = reportFor(INJECTION_EVIDENCE, { waivers: HOSTILE_WAIVERS });
    const hop = report.hops.find((h) => h.hop === 'voice.recording-to-s3' && h.status !== 'ERROR');
    if (hop) hop.status = 'ERROR';
    return report;
  }

  it('lists FAIL, ERROR, WAIVED, then the rest, the most severe first within each, and draws an ERROR hop as visibly as a FAIL', async () => {
    const report = mixedReport();
    for (const status of ['FAIL', 'ERROR', 'WAIVED'] as const) expect(report.summary.counts[status], status).toBeGreaterThan(0);
    const { page, problems } = await open(report, 'mixed.html');
    const rows = await visibleRows(page);
    expect(rows.map((r) => r.id)).toEqual(inAttentionOrder(report.findings).map((f) => f.id));
    const ranks = rows.map((r) => [statusRank(r.status as Status), severityRank(r.severity as (typeof SEVERITIES)[number])] as const);
    for (let i = 1; i < ranks.length; i += 1) {
      const [[s0, v0], [s1, v1]] = [ranks[i - 1] ?? [0, 0], ranks[i] ?? [0, 0]];
      expect(s0 < s1 || (s0 === s1 && v0 <= v1), `row ${i}`).toBe(true);
    }
    expect(rows.slice(0, report.summary.counts.FAIL).every((r) => r.status === 'FAIL')).toBe(true);

    const edge = async (status: Status) =>
      page.locator(`details.instance[open] g.hop[data-status="${status}"]`).first().evaluate((g) => {
        const line = getComputedStyle(g.querySelector('.edge') as Element);
        return { width: parseFloat(line.strokeWidth), dash: line.strokeDasharray, colour: line.stroke, label: g.querySelector('.hop-status')?.textContent ?? '' };
      });
    const [fail, error, pass, na] = [await edge('FAIL'), await edge('ERROR'), await edge('PASS'), await edge('NOT_APPLICABLE')];
    expect(error.width).toBeGreaterThanOrEqual(fail.width);
    expect(fail.width).toBeGreaterThan(pass.width);
    // Not by colour alone: its own dash pattern (not the NOT_APPLICABLE one) and the symbol in its label.
    expect(error.dash).not.toBe('none');
    expect(error.dash).not.toBe(na.dash);
    expect(error.label).toBe('! ERROR');
    expect(fail.label).toBe('✖ FAIL');
    for (const line of [fail, error]) expect(contrast(line.colour, 'rgb(255, 255, 255)')).toBeGreaterThanOrEqual(3);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a focus ring of at least 3:1 against its background on everything the keyboard reaches', async () => {
    const { page, problems } = await open(mixedReport(), 'focus.html');
    await page.locator('button[data-sort="status"]').click();
    const selectors = ['button.count', 'details.instance > summary', 'details.instance[open] g.hop', 'button.chip', '#filter-text', '#filter-status', '#show-all', 'th button[data-sort]', 'tr.finding button.expand'];
    for (const selector of selectors) {
      const target = page.locator(selector).first();
      await page.keyboard.press('Tab');
      await target.focus();
      const ring = await target.evaluate((el) => {
        const style = getComputedStyle(el);
        let background = 'rgba(0, 0, 0, 0)';
        for (let node: Element | null = el.parentElement; node && /rgba\(.*, 0\)$|transparent/.test(background); node = node.parentElement) {
          background = getComputedStyle(node).backgroundColor;
        }
        return { focusVisible: el.matches(':focus-visible'), style: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor, background };
      });
      expect(ring.focusVisible, selector).toBe(true);
      expect(ring.style, selector).toBe('solid');
      expect(ring.width, selector).toBeGreaterThanOrEqual(2);
      expect(contrast(ring.colour, ring.background), `${selector}: ${ring.colour} on ${ring.background}`).toBeGreaterThanOrEqual(3);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('prints headers on every page without buttons, instances unbroken, status colours kept, FAIL and ERROR details', async () => {
    const report = mixedReport();
    const { page, problems } = await open(report, 'print.html');
    await page.emulateMedia({ media: 'print' });
    await expect.poll(() => page.locator('tr.finding').count()).toBe(report.findings.length);
    const printed = await page.evaluate(() => {
      const shown = (el: Element) => getComputedStyle(el).display !== 'none' && (el as HTMLElement).offsetParent !== null;
      const ths = Array.from(document.querySelectorAll('#findings-table thead th'));
      const badge = document.querySelector('.badge') as Element;
      return {
        thead: getComputedStyle(document.querySelector('#findings-table thead') as Element).display,
        buttonsInHeaders: ths.flatMap((th) => Array.from(th.querySelectorAll('button'))).filter(shown).length,
        labels: ths.map((th) => (Array.from(th.querySelectorAll('.print-label')).find(shown)?.textContent ?? '')),
        breakInside: Array.from(document.querySelectorAll('.instance')).map((el) => getComputedStyle(el).breakInside),
        colourAdjust: [getComputedStyle(badge).getPropertyValue('print-color-adjust'), getComputedStyle(badge).getPropertyValue('-webkit-print-color-adjust')],
        details: Array.from(document.querySelectorAll('tr.detail')).filter(shown).map((tr) => (tr.previousElementSibling as HTMLElement).dataset.id),
        controls: Array.from(document.querySelectorAll('.controls, .pager, button.expand')).filter(shown).length,
      };
    });
    expect(printed.thead).toBe('table-header-group');
    expect(printed.buttonsInHeaders).toBe(0);
    expect(printed.labels).toEqual(['Status', 'Severity', 'Rule', 'Hop', 'Instance', 'Resource', 'Message']);
    expect(new Set(printed.breakInside)).toEqual(new Set(['avoid']));
    expect(printed.colourAdjust).toEqual(['exact', 'exact']);
    const failing = inAttentionOrder(report.findings).filter((f) => f.status === 'FAIL' || f.status === 'ERROR');
    expect(printed.details).toEqual(failing.map((f) => f.id));
    expect(printed.controls).toBe(0);
    // Back on screen: the details were for the print only.
    await page.emulateMedia({ media: 'screen' });
    await expect.poll(() => page.locator('tr.detail').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fits a phone (390 px): the diagram scrolls at a legible size, the table scrolls inside its box', async () => {
    const report = mixedReport();
    const file = join(session.dir, 'phone.html');
    writeFileSync(file, html.render(report, OPTIONS));
    const page = await session.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const layout = await page.evaluate(() => {
      const scroller = document.scrollingElement as Element;
      const wrap = document.querySelector('details.instance[open] .diagram-wrap') as HTMLElement;
      const svg = wrap.querySelector('svg') as SVGSVGElement;
      const name = svg.querySelector('.hop-name') as SVGTextElement;
      const table = document.querySelector('.findings-wrap') as HTMLElement;
      return {
        pageWidth: scroller.scrollWidth,
        diagramScrolls: wrap.scrollWidth > wrap.clientWidth && getComputedStyle(wrap).overflowX === 'auto',
        hopNamePx: parseFloat(getComputedStyle(name).fontSize) * (svg.getBoundingClientRect().width / svg.viewBox.baseVal.width),
        tableBox: table.getBoundingClientRect().width,
        tableScrolls: table.scrollWidth > table.clientWidth && getComputedStyle(table).overflowX === 'auto',
      };
    });
    expect(layout.pageWidth).toBeLessThanOrEqual(390 + 1);
    expect(layout.diagramScrolls).toBe(true);
    expect(layout.hopNamePx).toBeGreaterThanOrEqual(10);
    expect(layout.tableBox).toBeLessThanOrEqual(390);
    expect(layout.tableScrolls).toBe(true);
    await page.close();
  });

  it('shows hostile account strings as text: no script runs, nothing is loaded', async () => {
    const report = hostileReport();
    const { page, url, problems, requests } = await open(report, 'hostile.html');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    const first = report.instances[0];
    const heading = await page.locator('details.instance h2').first().textContent();
    expect(heading).toContain(revealInvisible(first?.instanceAlias ?? ''));
    expect(heading).not.toMatch(INVISIBLE_CHARACTERS);
    // Details render the hostile evidence and references as text; only https references become links.
    await page.locator('tr.finding button.expand').first().click();
    const detail = page.locator('tr.detail');
    expect(await detail.textContent()).toContain('</script><script>window.__pwned=1</script>');
    // Invisible characters from the embedded JSON are shown as escapes there too, evidence included.
    expect(await detail.textContent()).toContain('\\u202erev\\u202c\\u200b');
    expect(await detail.textContent()).not.toMatch(INVISIBLE_CHARACTERS);
    expect(await detail.locator('pre').textContent()).toContain('\\u202erev');
    const hrefs = await detail.locator('a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.every((href) => href.startsWith('https://'))).toBe(true);
    await page.locator('details.instance[open] g.hop').first().click();
    expect(await visibleRows(page)).not.toHaveLength(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });
});
