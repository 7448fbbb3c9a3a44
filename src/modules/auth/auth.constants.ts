export const REQUIRED_CAPABILITIES = 'ftc:required-capabilities';
export const TENANT_SCOPED = 'ftc:tenant-scoped';
