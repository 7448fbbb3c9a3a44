import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createTestApp, createUserWithToken, provisionClient, TestApp, withTenant } from '../helpers/test-app.js';

describe('e2e/chat-cpu', () => {
  /**
   * One tenant must not freeze every tenant (spec "Limits and abuse
   * resistance", CPU): the chat parser runs in the process that serves
   * everyone, so a message crafted to make it work hard must not hold the
   * event loop. The attack: 200 projects whose names are 200 characters of
   * one-letter words, and a 4,000-character message of the same words.
   * The bounds asserted are loose on purpose: this machine is shared (2 cores,
   * load average near 10), where a bounded parse (~20 ms of CPU) was seen to
   * stall the loop for up to 265 ms and the other tenant's read to take up to
   * 443 ms while other suites ran; the unbounded parser stalled it for minutes.
   * The spec's figures (1 s, 100 ms) are measured by the chat bench
   * (bench/chat.bench.ts, "Adversarial chat messages" in bench/README.md).
   */

  const PROJECTS = 200;
  const NAME_LENGTH = 200;
  /** How long another tenant's request may take, or the event loop may stall, while the attack is parsed. */
  const OTHER_TENANT_MAX_MS = 1500;
  const LOOP_STALL_MAX_MS = 1000;
  const POLL_EVERY_MS = 20;

  /**
   * 200 characters of one-letter words: "b c b c …" as in the message, then the
   * index in binary ("x"/"y"), so that each name is distinct and none appears
   * in the message word for word (a full name is claimed at once, cheaply).
   */
  function adversarialName(i: number): string {
    const words = Array.from({ length: 100 }, (_, k) => (k >= 92 ? ((i >> (k - 92)) & 1 ? 'y' : 'x') : k % 2 ? 'c' : 'b'));
    return `${words.join(' ')}.`.slice(0, NAME_LENGTH);
  }

  const ADVERSARIAL_MESSAGE = ('log 2h on ' + 'b c '.repeat(1000)).slice(0, 4000);

  let t: TestApp;
  let attacker: { token: string };
  let bystander: { token: string };

  beforeAll(async () => {
    t = await createTestApp();
    const a = await provisionClient(t, 'Attacker Co');
    const b = await provisionClient(t, 'Bystander Co');
    await withTenant(t, a, (prismaA) =>
      prismaA.project.createMany({ data: Array.from({ length: PROJECTS }, (_, i) => ({ name: adversarialName(i) })) }),
    );
    await withTenant(t, b, (prismaB) => prismaB.project.createMany({ data: [{ name: 'Website Redesign' }, { name: 'Acme API' }] }));
    attacker = await createUserWithToken(t, { clientId: a, roleKeys: ['client-admin'] });
    bystander = await createUserWithToken(t, { clientId: b, roleKeys: ['client-admin'] });
  }, 60_000);
  afterAll(() => t.close(), 60_000);

  async function conversation(token: string): Promise<string> {
    const res = await t.http.post('/api/v1/conversations').set('authorization', `Bearer ${token}`).send({ title: 'cpu' }).expect(201);
    return res.body.id as string;
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  describe('chat: one tenant cannot freeze the others', () => {
    it('accepts a message of 4,000 characters and refuses one of 4,001 with 400', async () => {
      const id = await conversation(attacker.token);
      const post = (content: string) =>
        t.http.post(`/api/v1/conversations/${id}/messages`).set('authorization', `Bearer ${attacker.token}`).send({ content });
      expect(ADVERSARIAL_MESSAGE).toHaveLength(4000);
      expect((await post(`${'x'.repeat(3999)}y`)).status).toBe(201);
      const tooLong = await post('x'.repeat(4001));
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.code).toBe('VALIDATION_FAILED');
    });

    it("keeps answering another tenant's requests while a 4,000-character message is parsed against 200 long project names", async () => {
      const id = await conversation(attacker.token);
      const projects = () => t.http.get('/api/v1/projects').set('authorization', `Bearer ${bystander.token}`);
      // Warm both paths (connections, JIT) so that the figures measure the parse, not first use.
      await projects().expect(200);
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      let done = false;
      const attack = Promise.resolve(
        t.http
          .post(`/api/v1/conversations/${id}/messages`)
          .set('authorization', `Bearer ${attacker.token}`)
          .send({ content: ADVERSARIAL_MESSAGE }),
      ).finally(() => (done = true));
      const latencies: number[] = [];
      while (!done || latencies.length < 10) {
        const t0 = performance.now();
        expect((await projects()).status).toBe(200);
        latencies.push(performance.now() - t0);
        await sleep(POLL_EVERY_MS);
      }
      loop.disable();
      const res = await attack;
      expect(res.status).toBe(201);
      expect(res.body.reply.role).toBe('assistant');
      // Both figures in one assertion, so that a failure shows them together.
      const seen = { otherTenantWorstMs: Math.round(Math.max(...latencies)), loopStallMs: Math.round(loop.max / 1e6) };
      expect(seen).toEqual({
        otherTenantWorstMs: seen.otherTenantWorstMs < OTHER_TENANT_MAX_MS ? seen.otherTenantWorstMs : `< ${OTHER_TENANT_MAX_MS}`,
        loopStallMs: seen.loopStallMs < LOOP_STALL_MAX_MS ? seen.loopStallMs : `< ${LOOP_STALL_MAX_MS}`,
      });
    }, 180_000);
  });
});
