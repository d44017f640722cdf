/** The README is the front door: every command line it shows must use flags the CLI really has. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { ROOT } from '../helpers/cli.js';

function readmeCommands(): Array<{ command: string; flags: string[] }> {
  const text = readFileSync(resolve(ROOT, 'README.md'), 'utf8').replace(/\n\s+(?=--[a-z])/g, ' ');
  const found: Array<{ command: string; flags: string[] }> = [];
  for (const match of text.matchAll(/connect-netpath-audit (audit|collect|rules|explain|paths|diff|schema|merge|export)\b([^\n|;&>`]*)/g)) {
    const flags = [...(match[2] ?? '').matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((m) => m[1] as string);
    found.push({ command: match[1] as string, flags });
  }
  return found;
}

describe('README command lines', () => {
  const program = buildProgram();
  const commands = readmeCommands();

  it('shows each command', () => {
    expect(new Set(commands.map((c) => c.command))).toEqual(new Set(program.commands.map((c) => c.name())));
  });

  it.each(commands.map((c) => [`${c.command} ${c.flags.join(' ')}`, c] as const))('%s', (_label, { command, flags }) => {
    const sub = program.commands.find((c) => c.name() === command);
    expect(sub, command).toBeDefined();
    const known = new Set(sub!.options.flatMap((o) => [o.long, o.negate ? o.long : undefined]).filter(Boolean));
    for (const flag of flags) expect(known.has(flag), `${command} ${flag}`).toBe(true);
  });
});
