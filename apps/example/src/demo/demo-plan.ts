import { SLACK_DEMO_EVENTS } from '../slack/slack-demo.ts';
import { type DemoFaultPlan, demoFaultPlan } from './fault-plan.ts';
import { type BurstEvent, githubBurst, stripeBurst } from './webhook-burst.ts';

/** The dead-letter payload must be accepted to be dead-lettered: it is never forged. */
const spared = (burst: readonly BurstEvent[]) => burst.flatMap((event, i) => (event.effect.kind === 'dead-letter' ? [i] : []));

/** The fault plan of `pnpm demo --seed <seed>`, for the demo's real bursts (the same shape for every seed). */
export function demoPlanFor(seed: number, bursts: { github: readonly BurstEvent[]; stripe: readonly BurstEvent[] } = { github: githubBurst(), stripe: stripeBurst() }): DemoFaultPlan {
  return demoFaultPlan(seed, {
    github: { count: bursts.github.length, neverForged: spared(bursts.github) },
    stripe: { count: bursts.stripe.length, neverForged: spared(bursts.stripe) },
    slack: { count: SLACK_DEMO_EVENTS },
  });
}
