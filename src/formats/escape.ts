/** Escaping of values that come from the account, one function per target syntax. */

/**
 * Invisible format characters (Unicode general category Cf): the bidirectional embeddings, overrides
 * and isolates (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C) that make text read
 * differently from what it holds ("Trojan Source", CVE-2021-42574), the zero-width characters (U+200B–
 * U+200D, U+2060, U+FEFF), the soft hyphen, and the tag characters (U+E0000–U+E007F) that hide text.
 * One source for the formatters and the HTML report's script.
 */
export const INVISIBLE_SOURCE = '\\p{Cf}';
const INVISIBLE = new RegExp(INVISIBLE_SOURCE, 'gu');

/** Makes every invisible format character visible as its escape: U+202E → `\u202e`, U+E0041 → `\u{e0041}`. */
export function revealInvisible(value: string): string {
  return value.replace(INVISIBLE, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * Terminal control sequences (ECMA-48, as xterm reads them), each removed whole:
 * - CSI: `ESC [` or C1 0x9b, parameter bytes 0x30–0x3f, intermediate bytes 0x20–0x2f, a final byte
 *   0x40–0x7e (colours, cursor moves, `ESC[2J`, `ESC[>c`);
 * - control strings: OSC (`ESC ]` or 0x9d; OSC 8 hyperlinks, OSC 52 clipboard writes, window titles),
 *   DCS (`ESC P`, 0x90), SOS (`ESC X`, 0x98), PM (`ESC ^`, 0x9e) and APC (`ESC _`, 0x9f), up to BEL or
 *   ST (`ESC \` or 0x9c) — payload and all, as a terminal shows none of it;
 * - the other escape sequences: `ESC`, intermediate bytes 0x20–0x2f, a final byte 0x30–0x7e (`ESC c`
 *   reset, `ESC 7`, `ESC ( B`). An unterminated control string loses only its introducer here, so its
 *   payload stays visible as plain text rather than hiding the rest of the value.
 */
const CONTROL_SEQUENCE =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)|\u001b[ -/]*[0-~]/g;

/** C0 and C1 control characters, DEL included, other than tab, LF and CR. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** The sources of both, for code that runs elsewhere (the HTML report's script) and must strip alike: `new RegExp(source, 'g')`. */
export const CONTROL_SEQUENCE_SOURCE = CONTROL_SEQUENCE.source;
export const CONTROL_CHARACTER_SOURCE = CONTROL_CHARACTER.source;

/**
 * The one control-character stripper of every format: terminal control sequences removed whole (see
 * {@link CONTROL_SEQUENCE}), then every remaining C0/C1 control character removed. Tab, LF and CR
 * become spaces (one line of text), or are kept with `keepLineBreaks`.
 */
export function stripControl(value: string, { keepLineBreaks = false }: { keepLineBreaks?: boolean } = {}): string {
  const stripped = value.replace(CONTROL_SEQUENCE, '').replace(CONTROL_CHARACTER, '');
  return keepLineBreaks ? stripped : stripped.replace(/[\t\n\r]/g, ' ');
}

/** Terminal text: as `stripControl`, and invisible format characters shown as escapes (`revealInvisible`). */
export function terminalText(value: string): string {
  return revealInvisible(stripControl(value));
}

/** One line of text: as `stripControl`, and the Unicode line/paragraph separators become spaces too. */
export function oneLine(value: string): string {
  return stripControl(value).replace(/[\u2028\u2029]/g, ' ');
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Inline GitHub-flavoured Markdown, safe in a paragraph, a heading, a list item or a table cell: one
 * line; invisible format characters as visible escapes; `&`, `<`, `>` as entities so no HTML tag or `<…>` autolink can open; the characters that
 * could start emphasis, code, a link or image, a heading, a table cell, strikethrough or math
 * backslash-escaped.
 */
export function escapeMarkdown(value: string): string {
  return revealInvisible(oneLine(value))
    .replace(/[&<>]/g, (c) => HTML_ENTITIES[c] ?? c)
    .replace(/[\\`*_[\]#|~$]/g, '\\$&');
}

/**
 * Account-controlled text as a GFM code span, where nothing is Markdown: no emphasis, link, HTML or
 * autolink (GFM turns `http://…`, `www.…` and e-mail addresses in plain text into links, whatever is
 * escaped around them). One line (`oneLine`), invisible characters as escapes; the fence is one
 * backtick longer than the longest run of backticks inside, with a space inside each end when the text
 * starts or ends with a backtick or a space (CommonMark strips one such pair). Not for table cells: a
 * pipe there ends the cell even inside a code span, and renderers disagree on `\\|` (cmark-gfm keeps
 * the pipe in the cell, micromark splits it). Empty text gives an empty string (two backticks are no span).
 */
export function markdownCode(value: string): string {
  const text = revealInvisible(oneLine(value));
  if (text === '') return '';
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * HTML text and (quoted) attribute values: terminal sequences and control characters removed (see
 * `stripTerminal`), invisible format characters as visible escapes, `& < > " '` as entities.
 */
export function escapeHtml(value: string): string {
  return revealInvisible(stripTerminal(value)).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` as `\u003c`-style escapes (so
 * `</script>` or `<!--` inside a string cannot end or change the block), as are U+2028, U+2029, DEL and C1.
 */
export function scriptJson(value: unknown): string {
  return scriptSafe(JSON.stringify(value));
}

/**
 * The escapes of {@link scriptJson} applied to (a piece of) JSON text: character by character, so
 * pieces can be escaped one at a time. DEL and the C1 controls, which `JSON.stringify` leaves raw
 * (and HTML parsers report as errors), are escaped too.
 */
export function scriptSafe(jsonText: string): string {
  return jsonText.replace(/[<>&\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * An `https:` URL fit for a link target in Markdown or HTML, or undefined: anything else (other
 * schemes, relative or malformed URLs) is refused. Parentheses, quotes, angle brackets, backticks and
 * spaces are percent-encoded so the URL cannot end a Markdown link or an attribute.
 */
export function httpsUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return undefined;
  return url.href.replace(/[()'"<>`\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** {@link stripControl} keeping tab, newline and carriage return: for formats that hold multi-line text (HTML, XML, CSV). */
export function stripTerminal(value: string): string {
  return stripControl(value, { keepLineBreaks: true });
}

/** Code units XML 1.0 forbids even as character references: lone surrogates, U+FFFE and U+FFFF. */
const XML_ILLEGAL = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/**
 * XML 1.0 character data (element text): terminal sequences and characters illegal in XML 1.0 removed,
 * invisible format characters as visible escapes, `& < > " '` escaped, carriage returns kept as `&#13;`
 * so parsers do not normalise them away.
 */
export function xmlText(value: string): string {
  return revealInvisible(stripTerminal(value))
    .replace(XML_ILLEGAL, '')
    .replace(/[&<>"'\r]/g, (c) => XML_ENTITIES[c] ?? c);
}

/** An XML attribute value (inside double quotes): as `xmlText`, with tab and newline as references too. */
export function xmlAttr(value: string): string {
  return xmlText(value).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/**
 * CSV formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`,
 * `-`, `@`, tab (0x09) or carriage return (0x0d) as a formula (`=HYPERLINK(…)`, DDE `=cmd|…`). OWASP's
 * rule: prefix such a cell with a single quote `'`, which makes the spreadsheet show it as text. The
 * full-width forms (U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠), which some spreadsheets normalise, are
 * treated the same way, and so is a trigger behind leading whitespace (spaces, line breaks, no-break
 * and other Unicode spaces): spreadsheets that trim a cell on import would run ` =1+1` too.
 */
export const FORMULA_START = /^\s*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * One RFC 4180 field: terminal sequences removed and invisible format characters made visible first
 * (so an `ESC[31m=…` cannot hide a formula), formula prefix neutralised, then quoted when it holds
 * `"`, `,`, CR or LF, with `"` doubled.
 */
export function csvCell(value: string): string {
  const text = neutralizeFormula(revealInvisible(stripTerminal(value)));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
