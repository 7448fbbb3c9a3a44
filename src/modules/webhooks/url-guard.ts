import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE: loopback,
 * private, link-local (the cloud metadata service 169.254.169.254 among
 * them), unique-local, "this network", CGNAT, multicast and reserved ranges,
 * and their IPv4-mapped IPv6 forms. A webhook URL is the caller's input and
 * the server sends to it: without this, a tenant could make the service probe
 * its own network (SSRF).
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** Whether `address` (a literal IP) is one a webhook may not reach by default. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1], 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address `host` resolves to (a literal IP resolves to itself). */
export function resolveAll(host: string): Promise<ResolvedAddress[]> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = isIP(bare);
  if (family !== 0) return Promise.resolve([{ address: bare, family }]);
  return new Promise((resolve, reject) => {
    dnsLookup(bare, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });
}

export type UrlProblem = { reason: 'scheme' | 'credentials' | 'private'; message: string };

/** How long a check at creation waits for DNS. */
const LOOKUP_TIMEOUT_MS = 3_000;

/**
 * Why `raw` may not be a webhook URL, or null when it may: http(s) only, no
 * user info, and (unless `allowPrivate`) every address its host resolves to
 * public. A host that does not resolve (yet) is accepted: every delivery
 * checks the addresses again before it connects (see webhook-sender.ts),
 * since DNS may answer differently later anyway.
 */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<UrlProblem | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { reason: 'scheme', message: 'url must be an absolute http or https URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { reason: 'scheme', message: 'url must be an absolute http or https URL' };
  }
  if (url.username || url.password) return { reason: 'credentials', message: 'url must not contain a user name or password' };
  if (!url.hostname) return { reason: 'scheme', message: 'url must name a host' };
  if (allowPrivate) return null;
  let timer: NodeJS.Timeout | undefined;
  const addresses = await Promise.race([
    resolveAll(url.hostname).catch(() => [] as ResolvedAddress[]),
    new Promise<ResolvedAddress[]>((resolve) => {
      timer = setTimeout(() => resolve([]), LOOKUP_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  if (addresses.some((a) => isForbiddenAddress(a.address))) {
    return {
      reason: 'private',
      message: 'url resolves to a loopback, private, link-local or otherwise reserved address, which webhooks may not reach',
    };
  }
  return null;
}
