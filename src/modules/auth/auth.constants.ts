export const REQUIRED_CAPABILITIES = 'ftc:required-capabilities';
export const TENANT_SCOPED = 'ftc:tenant-scoped';
/** Route metadata: the name of the path parameter that, when it is the caller's own impersonation session, lets a read-only token through. */
export const ALLOW_OWN_IMPERSONATION_SESSION = 'ftc:allow-own-impersonation-session';
/** Route metadata: personal access tokens are refused here (credential and session management stays with the account holder). */
export const NOT_WITH_ACCESS_TOKEN = 'ftc:not-with-access-token';
