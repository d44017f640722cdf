import type { Report } from '../report/schema.js';

export interface FormatOptions {
  /** Colours for terminals (text only). */
  color: boolean;
  /** Box-drawing characters and symbols (text only); plain ASCII otherwise. */
  unicode: boolean;
  /** The evidence or config file that was audited, for formats that point at a file (SARIF). */
  artifactPath?: string | undefined;
  /** OCSF schema version. */
  ocsfVersion?: string | undefined;
}

/** One output format: turns a report into text. Writing it anywhere is someone else's job. */
export interface Formatter {
  id: string;
  description: string;
  extension: string;
  render(report: Report, options: FormatOptions): string;
  /** The same text as `render`, in pieces, so a large report is written without one giant string. */
  chunks?(report: Report, options: FormatOptions): Iterable<string>;
}
