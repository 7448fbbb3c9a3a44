import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, provisionClient, TestApp } from '../helpers/test-app.js';
import { createProjects, memberOf } from '../helpers/chat-fixtures.js';
import { Clock } from '../../src/common/clock.js';

describe('e2e/chat-llm', () => {
  /** A local fake of an OpenAI-compatible chat-completions endpoint, scripted per test. */
  type Behaviour =
    { kind: 'tool'; name: string; args: unknown } | { kind: 'text'; text: string } | { kind: 'status'; status: number } | { kind: 'hang' };
  let behaviour: Behaviour = { kind: 'text', text: 'hello' };
  const seen: {
    auth?: string;
    body: { model: string; tools: { function: { name: string } }[]; messages: { role: string; content: string }[] };
  }[] = [];
  const fake = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
      const b = behaviour;
      if (b.kind === 'hang') return; // never answers: the client must time out
      if (b.kind === 'status') {
        res.writeHead(b.status).end('{"error":"boom"}');
        return;
      }
      const message =
        b.kind === 'tool'
          ? {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'c1', type: 'function', function: { name: b.name, arguments: JSON.stringify(b.args) } }],
            }
          : { role: 'assistant', content: b.text };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ index: 0, message }] }));
    });
  });

  let t: TestApp;
  let clientId: string;
  let projects: Record<string, string>;
  const GIBBERISH = 'zorp blix quantum flurb';

  beforeAll(async () => {
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const port = (fake.address() as AddressInfo).port;
    t = await createTestApp({
      LLM_BASE_URL: `http://127.0.0.1:${port}/v1`,
      LLM_API_KEY: 'sk-test',
      LLM_MODEL: 'fake-model',
      LLM_TIMEOUT_MS: '300',
    });
    t.get(Clock).set(new Date('2026-11-25T14:00:00Z'));
    clientId = await provisionClient(t, 'LLM Co');
    projects = await createProjects(t, clientId, ['Website Redesign', 'Webshop']);
  });
  afterAll(async () => {
    await t.close();
    fake.closeAllConnections();
    await new Promise((r) => fake.close(r));
  });

  async function ask(content: string) {
    const user = await memberOf(t, clientId, Object.values(projects));
    const conv = await t.http.post('/api/v1/conversations').set('authorization', `Bearer ${user.token}`).send({}).expect(201);
    const res = await t.http
      .post(`/api/v1/conversations/${conv.body.id}/messages`)
      .set('authorization', `Bearer ${user.token}`)
      .send({ content })
      .expect(201);
    return res.body as { reply: { content: string }; actions: { type: string; timeEntry?: Record<string, unknown>; question?: string }[] };
  }

  describe('chat with an OpenAI-compatible model configured', () => {
    it('lets the model handle what the built-in parser cannot, through the same tools and checks', async () => {
      behaviour = { kind: 'tool', name: 'log_time', args: { project: 'webshop', minutes: 90, description: 'wireframes' } };
      const body = await ask(GIBBERISH);
      expect(body.actions[0].type).toBe('time_entry.created');
      expect(body.actions[0].timeEntry).toMatchObject({ projectName: 'Webshop', duration: 5400, description: 'wireframes' });
      const last = seen.at(-1)!;
      expect(last.auth).toBe('Bearer sk-test');
      expect(last.body.model).toBe('fake-model');
      expect(last.body.tools.map((x) => x.function.name).sort()).toEqual(['log_time', 'report', 'start_timer', 'status', 'stop_timer']);
      expect(last.body.messages.at(-1)).toEqual({ role: 'user', content: GIBBERISH });
    });

    it('still asks instead of guessing when the model names an ambiguous project', async () => {
      behaviour = { kind: 'tool', name: 'log_time', args: { project: 'Web', minutes: 30 } };
      const body = await ask(GIBBERISH);
      expect(body.actions[0].type).toBe('clarification');
    });

    it('does not consult the model for what the built-in parser understands', async () => {
      const before = seen.length;
      const body = await ask('log 2h on Website Redesign');
      expect(body.actions[0].type).toBe('time_entry.created');
      expect(seen.length).toBe(before);
    });

    it.each([
      ['an error status', { kind: 'status', status: 500 } as Behaviour],
      ['a timeout', { kind: 'hang' } as Behaviour],
      ['a plain text answer', { kind: 'text', text: 'I would love to help' } as Behaviour],
      ['malformed tool arguments', { kind: 'tool', name: 'log_time', args: { project: 'Webshop' } } as Behaviour],
      ['an unknown tool', { kind: 'tool', name: 'drop_database', args: {} } as Behaviour],
    ])('falls back to the built-in answer on %s', async (_label, b) => {
      behaviour = b;
      const started = Date.now();
      const body = await ask(GIBBERISH);
      expect(body.actions).toEqual([]);
      expect(body.reply.content).toMatch(/not sure/i);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });
});
