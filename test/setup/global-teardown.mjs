export default async function globalTeardown() {
  await globalThis.__ftcEmbedded?.stop();
}
