/** Normalised e-mail: unique across the platform, case-insensitively. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
