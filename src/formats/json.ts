import { reportJsonChunks, streamingFormatter } from './stream.js';

/** Exactly `JSON.stringify(report, null, 2)` and a newline, one finding at a time. */
export const json = streamingFormatter(
  { id: 'json', description: 'the JSON report of SPEC §5 (schema: `schema report`)', extension: '.json' },
  function* (report) {
    yield* reportJsonChunks(report, 2);
    yield '\n';
  },
);
