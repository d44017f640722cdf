/** A Mermaid flowchart of both documented paths, optionally coloured by hop status. */
import type { Status } from '../findings/status.js';
import { DOCUMENTED_HOPS } from '../paths/hops.js';

const NODE_IDS: Record<string, string> = {};

function nodeId(label: string): string {
  NODE_IDS[label] ??= `n${Object.keys(NODE_IDS).length}`;
  return NODE_IDS[label] as string;
}

/** Mermaid labels in double quotes: quotes and brackets become entity codes so they cannot break out. */
export function mermaidLabel(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/[#"<>[\]{}()|`;&]/g, (c) => `#${c.charCodeAt(0)};`);
}

const STATUS_COLOURS: Record<Status, string> = {
  PASS: '#2e7d32',
  FAIL: '#c62828',
  ERROR: '#8e24aa',
  WAIVED: '#f9a825',
  MANAGED: '#0277bd',
  NOT_APPLICABLE: '#9e9e9e',
};

/** `statuses` maps hop id → status; without it, edges are labelled with the hop's protection. */
export function pathsMermaid(statuses?: ReadonlyMap<string, Status>): string {
  const lines = ['flowchart LR'];
  const links: Array<{ hop: string; index: number }> = [];
  for (const path of ['voice', 'auth'] as const) {
    lines.push(`  subgraph ${path}["${path === 'voice' ? 'Voice calls' : 'Authentication'}"]`);
    for (const hop of DOCUMENTED_HOPS.filter((h) => h.path === path)) {
      const from = `${path}_${nodeId(hop.from)}`;
      const to = `${path}_${nodeId(hop.to)}`;
      const status = statuses?.get(hop.id);
      const label = status ? `${hop.id}: ${status}` : `${hop.id}: ${hop.protection}`;
      lines.push(`    ${from}["${mermaidLabel(hop.from)}"] -->|"${mermaidLabel(label)}"| ${to}["${mermaidLabel(hop.to)}"]`);
      links.push({ hop: hop.id, index: links.length });
    }
    lines.push('  end');
  }
  if (statuses) {
    for (const { hop, index } of links) {
      const status = statuses.get(hop);
      if (status) lines.push(`  linkStyle ${index} stroke:${STATUS_COLOURS[status]},stroke-width:3px`);
    }
  }
  return `${lines.join('\n')}\n`;
}
