/** A Mermaid flowchart of both documented paths, optionally coloured by hop status. */
import type { Status } from '../findings/status.js';
import { DOCUMENTED_HOPS } from '../paths/hops.js';
import { oneLine } from './escape.js';

/**
 * Mermaid labels in double quotes: one line (`oneLine`); quotes, brackets, pipes, backticks and the
 * entity characters become Mermaid entity codes (`#34;`) so a label can neither leave its quotes, nor
 * end the edge or node, nor close a Markdown code fence.
 */
export function mermaidLabel(text: string): string {
  return oneLine(text).replace(/[#"<>[\]{}()|`;&%\\]/g, (c) => `#${c.charCodeAt(0)};`);
}

/**
 * Status colours shared by the diagrams (Mermaid, HTML). Each is at least 4.5:1 against white and
 * 3:1 against GitHub's dark background, so lines and coloured text stay readable in both themes.
 */
export const STATUS_COLOURS: Readonly<Record<Status, string>> = {
  PASS: '#1a7f37',
  FAIL: '#cf222e',
  ERROR: '#8250df',
  WAIVED: '#9a6700',
  MANAGED: '#0969da',
  NOT_APPLICABLE: '#6e7781',
};

/** Symbols that repeat the status in text, so colour is never the only cue. */
export const STATUS_SYMBOLS: Readonly<Record<Status, string>> = {
  PASS: '✔',
  FAIL: '✖',
  ERROR: '!',
  WAIVED: '~',
  MANAGED: '◆',
  NOT_APPLICABLE: '–',
};

/**
 * The hop table names some endpoints differently from one hop to the next ("Connect web application"
 * and "Connect", "S3 bucket" and "S3 bucket (call recordings)"); the diagram draws each as one node.
 */
const NODE_NAMES: Readonly<Record<string, string>> = {
  'Connect web application': 'Amazon Connect',
  Connect: 'Amazon Connect',
  'S3 bucket': 'S3 bucket (call recordings)',
  'OAuth gateway': 'OAuth gateway (login page)',
};

/**
 * `statuses` maps hop id → status; without it, edges are labelled with the hop's protection. Node ids
 * are derived per call from the hop table, so the output depends only on the statuses given.
 */
export function pathsMermaid(statuses?: ReadonlyMap<string, Status>): string {
  const nodeIds = new Map<string, string>();
  /** The node's id, with its label the first time it is drawn. */
  const node = (path: string, label: string): string => {
    const name = NODE_NAMES[label] ?? label;
    const key = `${path}\u0000${name}`;
    const known = nodeIds.get(key);
    if (known !== undefined) return known;
    const id = `${path}_n${nodeIds.size}`;
    nodeIds.set(key, id);
    return `${id}["${mermaidLabel(name)}"]`;
  };
  const lines = [
    'flowchart LR',
    '  accTitle: Documented network paths of Amazon Connect',
    `  accDescr: Voice and authentication paths, each hop labelled ${statuses ? 'and coloured by its audit status' : 'with its documented protection'}`,
  ];
  const links: string[] = [];
  for (const path of ['voice', 'auth'] as const) {
    lines.push(`  subgraph ${path}["${path === 'voice' ? 'Voice calls' : 'Authentication'}"]`);
    for (const hop of DOCUMENTED_HOPS.filter((h) => h.path === path)) {
      const from = node(path, hop.from);
      const to = node(path, hop.to);
      const status = statuses?.get(hop.id);
      const label = status ? `${hop.id}: ${STATUS_SYMBOLS[status]} ${status}` : `${hop.id}: ${hop.protection}`;
      lines.push(`    ${from} -->|"${mermaidLabel(label)}"| ${to}`);
      links.push(hop.id);
    }
    lines.push('  end');
  }
  if (statuses) {
    links.forEach((hop, index) => {
      const status = statuses.get(hop);
      if (!status) return;
      const dash = status === 'NOT_APPLICABLE' ? ',stroke-dasharray:6 4' : '';
      lines.push(`  linkStyle ${index} stroke:${STATUS_COLOURS[status]},stroke-width:3px${dash}`);
    });
  }
  return `${lines.join('\n')}\n`;
}
