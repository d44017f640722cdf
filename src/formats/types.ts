import type { Report } from '../report/schema.js';

export interface FormatOptions {
  /** Colours for terminals (text only). */
  color: boolean;
  /** Box-drawing characters and symbols (text only); plain ASCII otherwise. */
  unicode: boolean;
  /** The evidence or config file that was audited, for formats that point at a file (SARIF). */
  artifactPath?: string | undefined;
  /** The directory the run's relative paths are relative to (the CLI's working directory): SARIF artifact URIs are relative to it. */
  workingDirectory?: string | undefined;
  /** SARIF `automationDetails.id` category (GitHub replaces the alerts of the same tool and category on each upload). */
  sarifCategory?: string | undefined;
  /** CSV: start with a UTF-8 byte order mark, so Excel reads the file as UTF-8. */
  csvBom?: boolean | undefined;
  /** OCSF schema version. */
  ocsfVersion?: string | undefined;
  /** Markdown: upper bound of the output in UTF-8 bytes (default 1 MiB, GitHub's job-summary limit). */
  maxBytes?: number | undefined;
}

/** One output format: turns a report into text. Writing it anywhere is someone else's job. */
export interface Formatter {
  id: string;
  description: string;
  extension: string;
  /**
   * The text in pieces of bounded size (tens of kilobytes; never the whole document), produced as
   * they are iterated, so a report of any size is written without one giant string.
   */
  chunks(report: Report, options: FormatOptions): Iterable<string>;
  /**
   * The same text in the pieces the format produces (not joined into chunks; some tiny, an empty one
   * is a turn for the writer): for a writer that encodes each piece where it goes.
   */
  pieces?(report: Report, options: FormatOptions): Iterable<string>;
  /** The chunks joined: a convenience for small reports and tests. */
  render(report: Report, options: FormatOptions): string;
}
