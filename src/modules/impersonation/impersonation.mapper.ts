import type { ImpersonationSessionDto, ImpersonationUserRefDto } from './dto/impersonation-session.dto.js';
import type { ImpersonationRequestRecord, ImpersonationSessionRecord, UserRefRecord } from './impersonation.repository.js';

function userRef(id: string, users: ReadonlyMap<string, UserRefRecord>): ImpersonationUserRefDto {
  const u = users.get(id);
  return { id, email: u?.email ?? null, name: u?.name ?? null };
}

/** Explicit response mapping: nothing but the documented fields leaves the server. */
export function toImpersonationSessionDto(
  s: ImpersonationSessionRecord,
  users: ReadonlyMap<string, UserRefRecord>,
  requests: readonly ImpersonationRequestRecord[],
  now: Date,
): ImpersonationSessionDto {
  return {
    id: s.id,
    impersonator: userRef(s.impersonatorId, users),
    target: { ...userRef(s.targetUserId, users), clientId: s.clientId },
    reason: s.reason,
    allowWrites: s.allowWrites,
    startedAt: s.startedAt.toISOString(),
    endedAt: s.endedAt ? s.endedAt.toISOString() : null,
    expiresAt: s.expiresAt.toISOString(),
    active: s.endedAt === null && s.expiresAt.getTime() > now.getTime(),
    requestCount: s.requestCount,
    requests: requests.map((r) => ({ method: r.method, path: r.path, status: r.status, at: r.at.toISOString() })),
  };
}
