import { MissingCapabilityError } from '../../common/errors.js';
import type { Actor } from './actor.js';

/**
 * Who may see and change what, in one place. Services call these with the
 * actor; routes additionally declare the single capability they always need.
 * Resources the actor may not see answer 404 (never reveal existence); an
 * action on a resource the actor can see but not change answers 403.
 */
export const policy = {
  has(actor: Actor, cap: string): boolean {
    return actor.capabilities.has(cap);
  },

  /** Holders of projects:manage see every project of their client; projects:read holders only theirs. */
  seesAllProjects(actor: Actor): boolean {
    return actor.capabilities.has('projects:manage');
  },
  assertCanReadProjects(actor: Actor): void {
    if (!actor.capabilities.has('projects:read') && !actor.capabilities.has('projects:manage')) {
      throw new MissingCapabilityError('projects:read');
    }
  },
  assertCanManageProjects(actor: Actor): void {
    if (!actor.capabilities.has('projects:manage')) throw new MissingCapabilityError('projects:manage');
  },

  /** Tasks follow project visibility; tasks:manage and projects:manage see all of the client's tasks. */
  seesAllTasks(actor: Actor): boolean {
    return actor.capabilities.has('tasks:manage') || actor.capabilities.has('projects:manage');
  },
  assertCanReadTasks(actor: Actor): void {
    if (!actor.capabilities.has('tasks:read') && !actor.capabilities.has('tasks:manage')) {
      throw new MissingCapabilityError('tasks:read');
    }
  },
  assertCanManageTasks(actor: Actor): void {
    if (!actor.capabilities.has('tasks:manage')) throw new MissingCapabilityError('tasks:manage');
  },

  readsAllEntries(actor: Actor): boolean {
    return actor.capabilities.has('time-entries:read:all');
  },
  writesAllEntries(actor: Actor): boolean {
    return actor.capabilities.has('time-entries:write:all');
  },
  assertCanReadEntries(actor: Actor): void {
    if (!actor.capabilities.has('time-entries:read:own') && !actor.capabilities.has('time-entries:read:all')) {
      throw new MissingCapabilityError('time-entries:read:own');
    }
  },
  /** May the actor read this user's entries (own with read:own, anyone's with read:all)? */
  canReadEntriesOf(actor: Actor, userId: string): boolean {
    if (actor.capabilities.has('time-entries:read:all')) return true;
    return userId === actor.userId && actor.capabilities.has('time-entries:read:own');
  },
  canWriteEntriesOf(actor: Actor, userId: string): boolean {
    if (actor.capabilities.has('time-entries:write:all')) return true;
    return userId === actor.userId && actor.capabilities.has('time-entries:write:own');
  },
  assertCanWriteEntriesOf(actor: Actor, userId: string): void {
    if (!policy.canWriteEntriesOf(actor, userId)) {
      throw new MissingCapabilityError(userId === actor.userId ? 'time-entries:write:own' : 'time-entries:write:all');
    }
  },

  readsAllReports(actor: Actor): boolean {
    return actor.capabilities.has('reports:read:all');
  },
  assertCanReadReports(actor: Actor): void {
    if (!actor.capabilities.has('reports:read:own') && !actor.capabilities.has('reports:read:all')) {
      throw new MissingCapabilityError('reports:read:own');
    }
  },
};
