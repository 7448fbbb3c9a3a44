/**
 * The capability catalog: permissions are data. Roles are sets of these keys;
 * `platform` capabilities can never be held by a client user.
 */
export type CapabilityScope = 'client' | 'platform';

export const CAPABILITIES = {
  'clients:manage': { scope: 'platform', description: 'Create, rename, suspend, migrate and delete clients' },
  'clients:read': { scope: 'platform', description: 'List and read clients' },
  'users:read': { scope: 'client', description: "Read the client's users" },
  'users:manage': { scope: 'client', description: 'Create, update and deactivate users' },
  'roles:read': { scope: 'client', description: 'Read roles and the capability catalog' },
  'roles:manage': { scope: 'client', description: "Create, change and delete the client's roles" },
  'roles:assign': { scope: 'client', description: 'Assign roles to users' },
  'impersonation:start': { scope: 'client', description: 'Impersonate users (audited, read-only by default)' },
  'projects:read': { scope: 'client', description: 'Read projects (members: the projects they belong to)' },
  'projects:manage': { scope: 'client', description: 'Create, change and archive projects and their members' },
  'tasks:read': { scope: 'client', description: 'Read tasks (members: of their projects)' },
  'tasks:manage': { scope: 'client', description: 'Create, change and delete tasks' },
  'time-entries:read:own': { scope: 'client', description: 'Read own time entries' },
  'time-entries:write:own': { scope: 'client', description: 'Create, change and delete own time entries' },
  'time-entries:read:all': { scope: 'client', description: "Read everyone's time entries in the client" },
  'time-entries:write:all': { scope: 'client', description: "Change everyone's time entries, log to any project" },
  'reports:read:own': { scope: 'client', description: 'Reports over own time' },
  'reports:read:all': { scope: 'client', description: "Reports over everyone's time" },
  'chat:use': { scope: 'client', description: 'Use the chat assistant' },
  'webhooks:manage': { scope: 'client', description: "Create, change and delete the client's webhooks and read their deliveries" },
} as const satisfies Record<string, { scope: CapabilityScope; description: string }>;

export type Capability = keyof typeof CAPABILITIES;

export const ALL_CAPABILITIES = Object.keys(CAPABILITIES) as Capability[];
export const CLIENT_CAPABILITIES = ALL_CAPABILITIES.filter((c) => CAPABILITIES[c].scope === 'client');
export const PLATFORM_CAPABILITIES = ALL_CAPABILITIES.filter((c) => CAPABILITIES[c].scope === 'platform');

export function isCapability(key: string): key is Capability {
  return Object.prototype.hasOwnProperty.call(CAPABILITIES, key);
}

/** System roles (created by the main database's first migration; read-only through the API). */
export const SYSTEM_ROLES = {
  'platform-admin': ALL_CAPABILITIES,
  'client-admin': CLIENT_CAPABILITIES,
  manager: [
    'users:read',
    'projects:read',
    'projects:manage',
    'tasks:read',
    'tasks:manage',
    'time-entries:read:own',
    'time-entries:write:own',
    'time-entries:read:all',
    'time-entries:write:all',
    'reports:read:own',
    'reports:read:all',
    'chat:use',
  ],
  member: ['time-entries:read:own', 'time-entries:write:own', 'reports:read:own', 'projects:read', 'tasks:read', 'chat:use'],
} as const satisfies Record<string, readonly Capability[]>;

export type SystemRoleKey = keyof typeof SYSTEM_ROLES;
