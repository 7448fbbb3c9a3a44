/**
 * Every request example the OpenAPI document offers is accepted when sent as
 * it is, in the order a reader of Swagger UI would try them: sign up first,
 * then the rest with the new admin's token (clients with a platform admin's).
 * Only what no document can know beforehand is filled in: the ids of the
 * resources created on the way (path parameters and id fields), tokens and
 * 2FA codes. A new operation with a request body has to be added to the order
 * below, so its example gets tried too.
 */
import { authenticator } from 'otplib';
import { TenantRegistryService } from '../../src/database/tenant-registry.service.js';
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';
import { requestExamples, type Media, type OpenApiDoc } from '../helpers/openapi-examples.js';

describe('e2e/openapi-examples', () => {
  type Doc = OpenApiDoc & { paths: Record<string, Record<string, { requestBody?: { content: Record<string, Media> } }>> };
  type Answer = { status: number; body: Record<string, unknown> };

  /** The fields that name a resource created by the test or a secret it was given. */
  const LIVE_FIELDS = [
    'projectId',
    'taskId',
    'userId',
    'assigneeId',
    'roleIds',
    'refreshToken',
    'challengeToken',
    'code',
    'backupId',
    'clientIds',
  ] as const;
  type Live = Partial<Record<(typeof LIVE_FIELDS)[number], unknown>>;

  describe('OpenAPI request examples', () => {
    let t: TestApp;
    let doc: Doc;

    beforeAll(async () => {
      t = await createTestApp();
      doc = (await t.http.get('/docs-json').expect(200)).body as Doc;
    });
    afterAll(() => t?.close());

    it('are each accepted (2xx) by the service', async () => {
      const sent = new Set<string>();
      const refused: string[] = [];
      let token = '';

      /** Sends every example of `METHOD path` with `live` values in place of the placeholders; returns the last answer. */
      const send = async (operation: string, params: Record<string, string> = {}, live: Live = {}, bearer = token): Promise<Answer> => {
        const [method, template] = operation.split(' ');
        const media = doc.paths[template]?.[method.toLowerCase()]?.requestBody?.content['application/json'];
        if (!media) throw new Error(`${operation} documents no JSON request body`);
        const url = template.replace(/\{(\w+)\}/g, (_, name: string) => params[name]);
        let answer: Answer | undefined;
        for (const example of requestExamples(doc, media)) {
          const body = { ...(example.body as Record<string, unknown>) };
          for (const field of LIVE_FIELDS) if (field in body && live[field] !== undefined) body[field] = live[field];
          let req = t.http[method.toLowerCase() as 'post' | 'patch' | 'put'](url).send(body);
          if (bearer) req = req.set('authorization', `Bearer ${bearer}`);
          const res = await req;
          answer = { status: res.status, body: res.body as Record<string, unknown> };
          if (res.status < 200 || res.status > 299) {
            refused.push(`${operation} (${example.name}) ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
          }
        }
        sent.add(operation);
        return answer!;
      };
      const id = (a: Answer) => a.body.id as string;

      const signup = await send('POST /api/v1/auth/signup', {}, {}, '');
      token = signup.body.accessToken as string;
      const login = await send('POST /api/v1/auth/login', {}, {}, '');
      await send('POST /api/v1/auth/refresh', {}, { refreshToken: signup.body.refreshToken }, '');

      const role = await send('POST /api/v1/roles');
      await send('PATCH /api/v1/roles/{id}', { id: id(role) });
      const user = await send('POST /api/v1/users', {}, { roleIds: [id(role)] });
      await send('PATCH /api/v1/users/{id}', { id: id(user) });
      await send('PUT /api/v1/users/{id}/roles', { id: id(user) }, { roleIds: [id(role)] });

      const project = await send('POST /api/v1/projects');
      await send('PATCH /api/v1/projects/{id}', { id: id(project) });
      await send('PUT /api/v1/projects/{id}/members/{userId}', { id: id(project), userId: id(user) });
      const task = await send('POST /api/v1/tasks', {}, { projectId: id(project), assigneeId: id(user) });
      await send('PATCH /api/v1/tasks/{id}', { id: id(task) }, { assigneeId: id(user) });

      const entry = await send('POST /api/v1/time-entries', {}, { projectId: id(project), taskId: id(task) });
      await send('PATCH /api/v1/time-entries/{id}', { id: id(entry) }, { projectId: id(project), taskId: id(task) });
      await send('POST /api/v1/time-entries/start', {}, { projectId: id(project), taskId: id(task) });

      const conversation = await send('POST /api/v1/conversations');
      await send('POST /api/v1/conversations/{id}/messages', { id: id(conversation) });
      await send('POST /api/v1/impersonation', {}, { userId: id(user) });
      await send('POST /api/v1/auth/tokens');
      const webhook = await send('POST /api/v1/webhooks');
      await send('PATCH /api/v1/webhooks/{id}', { id: id(webhook) });

      // Two-factor authentication: set up, enable with a TOTP code, sign in with a backup code, turn off with another.
      const setup = await t.http.post('/api/v1/auth/2fa/setup').set('authorization', `Bearer ${token}`).expect(200);
      const enabled = await send('POST /api/v1/auth/2fa/enable', {}, { code: authenticator.generate(setup.body.secret as string) });
      const backupCodes = enabled.body.backupCodes as string[];
      const { email, password } = requestExamples(doc, doc.paths['/api/v1/auth/login'].post.requestBody!.content['application/json'])[0]
        .body as { email: string; password: string };
      const challenge = await t.http.post('/api/v1/auth/login').send({ email, password });
      if (!challenge.body.challengeToken) refused.push(`login with the example for a 2FA challenge → ${challenge.status}`);
      await send('POST /api/v1/auth/2fa/verify', {}, { challengeToken: challenge.body.challengeToken, code: backupCodes[0] }, '');
      await send('POST /api/v1/auth/2fa/disable', {}, { code: backupCodes[1] });

      await send('POST /api/v1/auth/logout', {}, { refreshToken: login.body.refreshToken });
      await send('POST /api/v1/auth/password');

      const platformAdmin = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
      const client = await send('POST /api/v1/clients', {}, {}, platformAdmin.token);
      await send('PATCH /api/v1/clients/{id}', { id: id(client) }, {}, platformAdmin.token);
      // Deleting takes a final backup: the one the restore example restores.
      const asPlatform = (r: ReturnType<typeof t.http.get>) => r.set('authorization', `Bearer ${platformAdmin.token}`);
      await asPlatform(t.http.delete(`/api/v1/clients/${id(client)}?confirm=${client.body.slug as string}`)).expect(204);
      const backups = await asPlatform(t.http.get(`/api/v1/clients/${id(client)}/backups`)).expect(200);
      await send('POST /api/v1/clients/{id}/restore', { id: id(client) }, { backupId: backups.body.data[0].id }, platformAdmin.token);
      // Migrations across clients and a move are queued (no worker runs here); the move needs a second server
      // in the registry, which it does not reach before a worker takes the job.
      const other = await provisionClient(t);
      await send('POST /api/v1/clients/migrate', {}, { clientIds: [other] }, platformAdmin.token);
      const servers = t.get(TenantRegistryService).servers;
      servers.push({ name: 'secondary', adminUrl: 'postgresql://nobody@127.0.0.1:9/postgres', host: '127.0.0.1', port: 9 });
      try {
        await send('POST /api/v1/clients/{id}/move', { id: other }, {}, platformAdmin.token);
      } finally {
        servers.pop();
      }

      expect(refused).toEqual([]);
      const documented = Object.entries(doc.paths).flatMap(([p, item]) =>
        Object.entries(item)
          .filter(([, op]) => op.requestBody)
          .map(([method]) => `${method.toUpperCase()} ${p}`),
      );
      expect([...sent].sort()).toEqual(documented.sort());
    }, 60_000);
  });
});
