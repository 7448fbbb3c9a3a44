/** Text safe to store and show: connection URLs (which can carry passwords) are cut out. */
export function redactSecrets(text: string): string {
  return text.replace(/postgres(?:ql)?:\/\/\S+/gi, '[url]').replace(/password=\S+/gi, 'password=[redacted]');
}

/** An error's message, redacted and bounded. */
export function safeErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return redactSecrets(message).slice(0, 2000);
}
