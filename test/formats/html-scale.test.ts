/**
 * The HTML report at 10,000 findings (issue 11) in headless Chromium: it loads, filters and sorts in
 * under a second each, and stays one self-contained file. The figures are printed for the README and
 * the issue. The report comes from the bench generator (bench/lib/generate.ts), cut to 10,000 findings.
 * `npm test` runs this file after the parallel run, with the other scale tests, so that the figures are
 * not those of a machine busy with other test files.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { generateEvidence, offlineOptions } from '../../bench/lib/generate.js';
import { STATUSES } from '../../src/findings/status.js';
import { HTML_PAGE_SIZE, renderHtml } from '../../src/formats/html.js';
import type { Report } from '../../src/report/schema.js';
import { useChromium } from '../helpers/browser.js';
import { reportForEvidence } from '../helpers/report.js';

const FINDINGS = 10_000;
const BUDGET_MS = 1000;

function reportOf(findings: number): Report {
  const full = reportForEvidence(generateEvidence(offlineOptions(140)));
  expect(full.findings.length).toBeGreaterThanOrEqual(findings);
  const kept = full.findings.slice(0, findings);
  const arns = new Set(kept.map((f) => f.instanceArn));
  const counts = Object.fromEntries(STATUSES.map((s) => [s, kept.filter((f) => f.status === s).length])) as Report['summary']['counts'];
  return {
    ...full,
    findings: kept,
    instances: full.instances.filter((i) => arns.has(i.instanceArn)),
    hops: full.hops.filter((h) => arns.has(h.instanceArn)),
    summary: { ...full.summary, counts },
  };
}

/** Milliseconds from an action in the page until the browser has laid out and painted its result. */
async function timed(page: Page, action: string): Promise<number> {
  return page.evaluate(async (code) => {
    const start = performance.now();
    new Function(code)();
    void document.body.offsetHeight;
    await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - start;
  }, action);
}

describe(`html at ${FINDINGS.toLocaleString('en')} findings in a real browser`, () => {
  const session = useChromium('cna-html-scale-');
  const report = reportOf(FINDINGS);
  const text = renderHtml(report);

  it('loads, filters and sorts in under a second each', async () => {
    const file = join(session.dir, 'scale.html');
    writeFileSync(file, text);
    const bytes = statSync(file).size;
    const url = pathToFileURL(file).href;
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => requests.push(request.url()));

    // Three loads, the first with a cold file cache; the budget holds for the median.
    const loads: number[] = [];
    for (let n = 0; n < 3; n += 1) {
      const start = performance.now();
      await page.goto(url, { waitUntil: 'load' });
      await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
      loads.push(Math.round(performance.now() - start));
    }
    const load = [...loads].sort((a, b) => a - b)[1] ?? Number.NaN;
    const summary = page.locator('#filter-summary');
    expect(await summary.textContent()).toContain(`of ${FINDINGS} findings`);

    const filter = await timed(page, `var box = document.getElementById('filter-text'); box.value = 'ldaps'; box.dispatchEvent(new Event('input'));`);
    const matching = report.findings.filter((f) => JSON.stringify([f.ruleId, f.hop, f.resource.arn, f.message]).toLowerCase().includes('ldaps')).length;
    expect(matching).toBeGreaterThan(0);
    expect(await summary.textContent()).toContain(`Showing ${matching} of ${FINDINGS}`);
    const unfilter = await timed(page, `var box = document.getElementById('filter-text'); box.value = ''; box.dispatchEvent(new Event('input'));`);
    const sort = await timed(page, `document.querySelector('button[data-sort="resource"]').click();`);
    expect(await page.locator('th:has(button[data-sort="resource"])').getAttribute('aria-sort')).toBe('ascending');
    const resort = await timed(page, `document.querySelector('button[data-sort="resource"]').click();`);

    // One page of rows at a time; the next page continues the order.
    expect(await page.locator('tr.finding').count()).toBe(HTML_PAGE_SIZE);
    const firstPage = await page.locator('tr.finding').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id));
    await page.locator('#page-next').click();
    expect(await page.locator('#page-info').textContent()).toBe(`Rows ${HTML_PAGE_SIZE + 1}\u2013${2 * HTML_PAGE_SIZE} of ${FINDINGS} \u00b7 page 2 of ${Math.ceil(FINDINGS / HTML_PAGE_SIZE)}`);
    const secondPage = await page.locator('tr.finding').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id));
    expect(secondPage).toHaveLength(HTML_PAGE_SIZE);
    expect(secondPage.some((id) => firstPage.includes(id))).toBe(false);

    const figures = { findings: FINDINGS, instances: report.instances.length, bytes, loads, loadMs: load, filterMs: Math.round(filter), clearFilterMs: Math.round(unfilter), sortMs: Math.round(sort), reverseSortMs: Math.round(resort) };
    console.log(`html scale: ${JSON.stringify(figures)}`);
    expect(problems).toEqual([]);
    expect(requests).toEqual(loads.map(() => url));
    for (const [name, ms] of Object.entries(figures).filter(([name]) => name.endsWith('Ms'))) expect(ms, name).toBeLessThan(BUDGET_MS);
    expect(loads.every((ms) => ms < 1.5 * BUDGET_MS), 'no load far over the budget').toBe(true);
    await page.close();
  });
});
