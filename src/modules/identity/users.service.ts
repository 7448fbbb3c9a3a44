import { Injectable } from '@nestjs/common';
import { PasswordService } from './password.service.js';
import { UsersRepository } from './users.repository.js';

export interface CreateUserInput {
  clientId: string | null;
  email: string;
  name: string;
  password: string;
  timeZone?: string;
  /** System role keys (e.g. 'client-admin') and/or role ids. */
  roleKeys?: string[];
  roleIds?: string[];
}

/** Creating users (shared by signup, POST /users, POST /clients, the CLI and the demo seed). */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
  ) {}

  /**
   * Creates a user; with `quota`, only while the user's client has fewer users
   * (409 QUOTA_EXCEEDED), checked in one transaction with the insert.
   */
  async createUser(input: CreateUserInput, quota?: number): Promise<{ id: string; email: string }> {
    const passwordHash = await this.passwords.hash(input.password);
    return this.users.create({ ...input, passwordHash }, quota);
  }
}
