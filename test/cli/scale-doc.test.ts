/**
 * docs/scale.md's sharding recipes must run as written: every command line uses flags the CLI has,
 * every `--shard` a CI job expands to parses, the GitHub matrix lists exactly shards 1..N of the N in
 * `--shard`, and the worked example of the formula is what the code computes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { parseShard, shardOf } from '../../src/scope/shard.js';
import { ROOT } from '../helpers/cli.js';

const TEXT = readFileSync(resolve(ROOT, 'docs/scale.md'), 'utf8');
const blocks = [...TEXT.matchAll(/```(yaml|sh)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] as string, body: (m[2] ?? '').replace(/\\\n\s*/g, ' ') }));

function commandLines(body: string): { command: string; args: string }[] {
  return [...body.matchAll(/connect-netpath-audit (audit|collect|merge)\b([^\n|;&>]*)/g)].map((m) => ({ command: m[1] as string, args: m[2] ?? '' }));
}

/** The value of `--shard`, a GitHub expression (which holds spaces) included, without quotes. */
const shardArg = (args: string) => /--shard\s+(\$\{\{[^}]*\}\}\/\d+|"[^"]*"|\S+)/.exec(args)?.[1]?.replace(/^"|"$/g, '');

describe('docs/scale.md sharding recipes', () => {
  const program = buildProgram();
  const github = blocks.find((b) => b.lang === 'yaml' && b.body.includes('matrix:'));
  const gitlab = blocks.find((b) => b.lang === 'yaml' && b.body.includes('parallel:'));

  it('has a GitHub Actions and a GitLab recipe, and no hand-made shard lists', () => {
    expect(github).toBeDefined();
    expect(gitlab).toBeDefined();
    expect(TEXT).not.toMatch(/shard-\$K\.txt|shard-\$\{\{/);
  });

  it('uses only flags the CLI has', () => {
    const lines = blocks.flatMap((b) => commandLines(b.body));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const { command, args } of lines) {
      const sub = program.commands.find((c) => c.name() === command);
      const known = new Set(sub?.options.map((o) => o.long));
      for (const [, flag] of args.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)) expect(known.has(flag), `${command} ${flag}`).toBe(true);
    }
  });

  it('GitHub: the matrix is shards 1..N of the N its --shard names, and every job parses its own', () => {
    const body = github?.body ?? '';
    const matrix = /shard: \[([\d, ]+)\]/.exec(body)?.[1]?.split(',').map((v) => Number(v.trim())) ?? [];
    const shard = commandLines(body).map((c) => shardArg(c.args)).find((s) => s !== undefined) ?? '';
    expect(shard).toMatch(/^\$\{\{ matrix\.shard \}\}\/\d+$/);
    const count = Number(shard.split('/')[1]);
    expect(matrix).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    for (const k of matrix) expect(parseShard(shard.replace('${{ matrix.shard }}', String(k)))).toEqual({ index: k, count });
    expect(body).toMatch(/fail-fast: false/);
    expect(body).toMatch(/actions\/upload-artifact@v4[\s\S]*name: connect-report-\$\{\{ matrix\.shard \}\}/);
    expect(body).toMatch(/actions\/download-artifact@v4[\s\S]*pattern: connect-report-\*[\s\S]*merge-multiple: true/);
  });

  it('GitLab: parallel: N with CI_NODE_INDEX/CI_NODE_TOTAL parses for every copy, and the merge job needs the shards', () => {
    const body = gitlab?.body ?? '';
    const count = Number(/parallel: (\d+)/.exec(body)?.[1]);
    const shard = commandLines(body).map((c) => shardArg(c.args)).find((s) => s !== undefined);
    expect(shard).toBe('$CI_NODE_INDEX/$CI_NODE_TOTAL');
    for (let k = 1; k <= count; k += 1) expect(parseShard(`${k}/${count}`)).toEqual({ index: k, count });
    expect(body).toMatch(/needs: \[connect-shard\]/);
  });

  it('the worked example of the formula is what the tool computes', () => {
    const example = /`(\d{12})` is in shard (\d+) of (\d+)/.exec(TEXT);
    expect(example).not.toBeNull();
    expect(shardOf(example?.[1] ?? '', Number(example?.[3]))).toBe(Number(example?.[2]));
  });
});
