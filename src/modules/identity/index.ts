/** The identity module's public API: account basics that auth, rbac, clients and onboarding share. */
export { IdentityModule } from './identity.module.js';
export { normalizeEmail } from './email.js';
export { PasswordService, ARGON2_OPTIONS } from './password.service.js';
export { canonicalTimeZone, isIanaTimeZone, IsIanaTimeZone } from './time-zone.js';
export * from './capabilities.js';
export { UsersService, type CreateUserInput } from './users.service.js';
export {
  UsersRepository,
  LastClientAdminError,
  type UserRow,
  type UserRoleRef,
  type UserWithRolesRow,
  type UserWithCapabilitiesRow,
  type CredentialsRow,
} from './users.repository.js';
export { UserProfileDto, UserRoleDto, toUserProfileDto } from './dto/user-profile.dto.js';
export * from './grants.js';
