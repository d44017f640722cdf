/**
 * A plan audit judges what the code will deploy the way a live audit judges it once deployed. Each
 * case pairs a fixture with the state AWS would hold after applying it, written here by hand from AWS's
 * documented behaviour (not derived from the plan reader; one module per case in plan-deployed/): the
 * emulator serves that state, and the built CLI audits it live and audits the plan. Hop by hop:
 * - with --live-references (what the code does not manage read from the same emulator) every verdict is
 *   the live one, except ERROR "unknown until apply" for what the case says the code leaves to apply;
 * - without it, every verdict is the live one or ERROR naming what the code leaves open — never a PASS
 *   where live says FAIL, never a FAIL where live says PASS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/schema.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { emulatorEnv } from '../helpers/accounts.js';
import { runCli } from '../helpers/cli.js';
import type { PlanCase } from './plan-deployed/aws.js';
import { cdkConnectStack } from './plan-deployed/cdk-connect-stack.js';
import { cloudformationJsonProd, cloudformationYamlDev } from './plan-deployed/cloudformation-connect.js';
import { cloudformationInsecure } from './plan-deployed/cloudformation-insecure.js';
import { terraformBasic } from './plan-deployed/terraform-basic.js';
import { terraformDestroyReplace } from './plan-deployed/terraform-destroy-replace.js';
import { terraformForEach } from './plan-deployed/terraform-for-each.js';
import { terraformInsecure } from './plan-deployed/terraform-insecure.js';
import { terraformModule } from './plan-deployed/terraform-module.js';
import { terraformUnknownAfterApply } from './plan-deployed/terraform-unknown-after-apply.js';
import { terraformUnmanaged } from './plan-deployed/terraform-unmanaged.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const CASES: PlanCase[] = [
  terraformBasic,
  terraformModule,
  terraformForEach,
  terraformInsecure,
  terraformUnmanaged,
  terraformUnknownAfterApply,
  terraformDestroyReplace,
  cloudformationYamlDev,
  cloudformationJsonProd,
  cloudformationInsecure,
  cdkConnectStack,
];

async function report(args: string[], env: Record<string, string>): Promise<Report> {
  const result = await runCli([...args, '--format', 'json'], { env });
  if (!result.stdout.startsWith('{')) throw new Error(`no report (exit ${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Report;
}

/**
 * Instance ARN → the name findings are compared under: the alias, since a created instance's id differs
 * between plan and deployment. An instance the code only names by id (unmanaged) has no alias in a
 * plan-only report, so the live report's alias for that id stands in.
 */
function instanceNames(r: Report, live?: Report): Map<string, string> {
  const liveAliases = new Map((live?.instances ?? []).map((i) => [i.instanceId, i.instanceAlias]));
  return new Map(r.instances.map((i) => [i.instanceArn, i.instanceAlias ?? liveAliases.get(i.instanceId) ?? i.instanceId]));
}

interface Verdict {
  status: string;
  message: string;
}

/** `instance hop rule resource-kind` → status. */
function verdicts(r: Report, live?: Report): Map<string, Verdict> {
  const names = instanceNames(r, live);
  const out = new Map<string, Verdict>();
  for (const f of r.findings) {
    const key = `${names.get(f.instanceArn) ?? f.instanceArn} ${f.hop} ${f.ruleId} ${f.resource.type}`;
    const known = out.get(key);
    // Several resources of a kind on one hop: keep the worst, as the hop does.
    if (!known || rank(f.status) < rank(known.status)) out.set(key, { status: f.status, message: f.message });
  }
  return out;
}
const rank = (status: string) => ['FAIL', 'ERROR', 'WAIVED', 'PASS', 'MANAGED', 'NOT_APPLICABLE'].indexOf(status);
function hops(r: Report, live?: Report): Map<string, string> {
  const names = instanceNames(r, live);
  return new Map(r.hops.map((h) => [`${names.get(h.instanceArn) ?? h.instanceArn} ${h.hop}`, h.status]));
}
const hopOf = (key: string) => key.split(' ').slice(0, 2).join(' ');
const ruleOf = (key: string) => key.split(' ').slice(0, 3).join(' ');

/**
 * The plan's report against the live one. `open` says which ERROR messages name what the code leaves
 * open; apart from those, every hop and every verdict must be the live one. A resource the code leaves
 * open may not be nameable before apply (a bucket unknown until apply, a key the code only names): the
 * plan then reports the ERROR on the instance or on another resource of the hop, or a rule that needs
 * the resource does not run — such a live verdict is covered by an open ERROR of the same rule on the hop,
 * else by the hop's own open ERROR, never by a PASS or a FAIL.
 */
function compare(planned: Report, live: Report, open: (message: string) => boolean): void {
  const plan = verdicts(planned, live);
  const deployed = verdicts(live);
  const isOpen = (v: Verdict | undefined) => v?.status === 'ERROR' && open(v.message);
  const openHops = new Set([...plan].filter(([, v]) => isOpen(v)).map(([key]) => hopOf(key)));
  const openRules = new Set([...plan].filter(([, v]) => isOpen(v)).map(([key]) => ruleOf(key)));
  const planHops = hops(planned, live);
  const liveHops = hops(live);
  for (const hop of new Set([...planHops.keys(), ...liveHops.keys()])) {
    const status = planHops.get(hop);
    if (status === liveHops.get(hop)) continue;
    expect(status === 'ERROR' && openHops.has(hop), `hop ${hop}: plan ${status}, live ${liveHops.get(hop)}`).toBe(true);
  }
  for (const [key, v] of plan) {
    const expected = deployed.get(key)?.status;
    if (v.status === expected) continue;
    expect(isOpen(v), `${key}: plan ${v.status}, live ${expected}: ${v.message}`).toBe(true);
  }
  // Every live verdict is judged by the plan too.
  for (const key of deployed.keys()) expect(plan.has(key) || openRules.has(ruleOf(key)) || openHops.has(hopOf(key)), `${key} is not judged by the plan`).toBe(true);
}

const UNKNOWN = /unknown until apply/;
const NOT_MANAGED = /not managed by this plan/;

describe.each(CASES)('$name: the plan judged as its deployment', ({ account, region, plan, deployed, unknownUntilApply, notManaged }) => {
  it('with --live-references, every hop and every rule has the live verdict', async () => {
    emulator = await startEmulator({ state: deployed() });
    const env = emulatorEnv(emulator.url, account);
    const live = await report(['audit', '--region', region], env);
    const planned = await report(['audit', ...plan, '--region', region, '--live-references'], env);
    expect(planned.run.mode).toBe('plan');
    // Only what the code leaves unknown until apply stays open; what it does not manage is read live.
    compare(planned, live, (message) => UNKNOWN.test(message) && unknownUntilApply?.test(message) === true);
  });

  it('without it, every verdict is the live one or ERROR naming what the code leaves open', async () => {
    emulator = await startEmulator({ state: deployed() });
    const live = await report(['audit', '--region', region], emulatorEnv(emulator.url, account));
    const planned = await report(['audit', ...plan, '--region', region], { PATH: process.env.PATH ?? '' });
    compare(planned, live, (message) => UNKNOWN.test(message) || NOT_MANAGED.test(message));
    const found = verdicts(planned, live);
    for (const key of notManaged ?? []) expect(`${found.get(key)?.status}: ${found.get(key)?.message}`, key).toMatch(/^ERROR: .*not managed by this plan/);
  });
});
