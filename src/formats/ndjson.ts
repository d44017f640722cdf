import { streamingFormatter } from './stream.js';

export const ndjson = streamingFormatter({ id: 'ndjson', description: 'one finding object a line', extension: '.ndjson' }, function* (report) {
  for (const finding of report.findings) yield `${JSON.stringify(finding)}\n`;
});
