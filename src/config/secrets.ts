/**
 * Secrets a production deployment must not run with: any value printed in
 * this repository (compose file, README, tests, benchmarks: anyone can read
 * them) and values too weak to guess-proof. A spec scans the repository for
 * values assigned to these variables and fails when one is missing here.
 */
export const PUBLISHED_SECRETS: readonly string[] = [
  'change-me-change-me-change-me-change-me',
  'ChangeMe12345',
  'test-secret-test-secret-test-secret-0123456789',
  'rel-secret-rel-secret-rel-secret-0123456789',
  'bench-secret-bench-secret-bench-secret-0123456789',
  'Platform-Admin-Pass-1',
  'RootPassword123',
  'a long enough password',
];

export const CHECKED_SECRETS = ['JWT_SECRET', 'ENCRYPTION_KEY', 'PLATFORM_ADMIN_PASSWORD'] as const;
type CheckedSecret = (typeof CHECKED_SECRETS)[number];

const PLACEHOLDER_WORDS = /change-?me|changeit|secret|password|example|placeholder|xxxx/i;

/** Whether `value` is `unit` repeated (e.g. "abcabcabc…"), a typed-by-hand key. */
function isRepetition(value: string): boolean {
  for (let n = 1; n <= Math.min(16, value.length / 2); n++) {
    if (value.length % n === 0 && value.slice(0, n).repeat(value.length / n) === value) return true;
  }
  return false;
}

function characterClasses(value: string): number {
  return [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z\d]/].filter((r) => r.test(value)).length;
}

/** Why `value` is too weak for `name`, or null. */
export function weakness(name: CheckedSecret, value: string): string | null {
  if (name === 'PLATFORM_ADMIN_PASSWORD') {
    if (value.length < 12) return 'shorter than 12 characters';
    if (value.length < 16 && characterClasses(value) < 3) return 'under 16 characters needs 3 of lower case, upper case, digits, symbols';
    if (/change-?me|password|admin123|qwerty|12345678/i.test(value)) return 'a well-known password pattern';
    if (new Set(value).size < 6) return 'too few distinct characters';
    return null;
  }
  if (new Set(value).size < 12) return 'too few distinct characters (use a random value, e.g. `openssl rand -base64 48`)';
  if (isRepetition(value)) return 'a repeated pattern';
  if (PLACEHOLDER_WORDS.test(value)) return 'looks like a placeholder';
  return null;
}

/** Problems with the production secrets, one line each naming the variable (never the value). */
export function secretProblems(env: Partial<Record<CheckedSecret, string>>): string[] {
  const problems: string[] = [];
  for (const name of CHECKED_SECRETS) {
    const value = env[name];
    if (value === undefined) continue;
    if (PUBLISHED_SECRETS.includes(value)) {
      problems.push(`${name}: this value is published in the FreeTimeChat repository; set a secret of your own in production`);
      continue;
    }
    const why = weakness(name, value);
    if (why) problems.push(`${name}: too weak for production (${why})`);
  }
  return problems;
}
