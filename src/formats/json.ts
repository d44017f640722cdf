import type { Formatter } from './types.js';

export const json: Formatter = {
  id: 'json',
  description: 'the JSON report of SPEC §5 (schema: `schema report`)',
  extension: '.json',
  render: (report) => `${JSON.stringify(report, null, 2)}\n`,
};
