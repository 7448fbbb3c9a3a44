import { createUserWithToken, TestApp, withTenant } from './test-app.js';

/** Projects in a client's database; returns name → id. */
export async function createProjects(t: TestApp, clientId: string, names: string[]): Promise<Record<string, string>> {
  return withTenant(t, clientId, async (prisma) => {
    const out: Record<string, string> = {};
    for (const name of names) {
      const existing = await prisma.project.findFirst({ where: { name } });
      out[name] = (existing ?? (await prisma.project.create({ data: { name } }))).id;
    }
    return out;
  });
}

/** A fresh member of the client who belongs to the given projects. */
export async function memberOf(t: TestApp, clientId: string, projectIds: string[], timeZone = 'Europe/Berlin') {
  const user = await createUserWithToken(t, { clientId, roleKeys: ['member'], timeZone });
  await withTenant(t, clientId, (prisma) =>
    prisma.projectMember.createMany({ data: projectIds.map((projectId) => ({ projectId, userId: user.userId })) }),
  );
  return user;
}
