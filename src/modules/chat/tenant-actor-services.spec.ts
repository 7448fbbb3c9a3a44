import { TENANT_ACTOR_CHECKED } from '../../database/tenant-actor.js';
import { ProjectsService, ReportsService, TasksService, TimeEntriesService } from '../time-tracking/index.js';
import { AssistantService } from './assistant/assistant.service.js';
import { ChatService } from './chat.service.js';

// Every service that acts for an actor in a tenant database checks the actor against the tenant context.
describe.each([ProjectsService, TasksService, TimeEntriesService, ReportsService, ChatService, AssistantService])('%p', (service) => {
  it('has every method checked by ChecksTenantActor', () => {
    const proto = service.prototype as unknown as Record<string, unknown>;
    const methods = Object.getOwnPropertyNames(proto).filter(
      (n) => n !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, n)?.value === 'function',
    );
    expect(methods.length).toBeGreaterThan(0);
    for (const name of methods) expect([name, (proto[name] as Record<symbol, unknown>)[TENANT_ACTOR_CHECKED]]).toEqual([name, true]);
  });
});
