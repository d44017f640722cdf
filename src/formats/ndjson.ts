import type { Formatter } from './types.js';

export const ndjson: Formatter = {
  id: 'ndjson',
  description: 'one finding object a line',
  extension: '.ndjson',
  render: (report) => report.findings.map((f) => `${JSON.stringify(f)}\n`).join(''),
};
