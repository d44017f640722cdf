/** Reading a JSON report (`diff`, `merge`): any problem is an InputError naming the file and the JSON path. */
import { parseWith, readJson } from '../evidence/snapshot.js';
import { reportSchema, type Report } from './schema.js';

export function loadReport(file: string): Report {
  return parseWith(reportSchema, readJson(file, 'report'), file, 'report');
}
