import { checkWebhookUrl, isForbiddenAddress } from './url-guard.js';

describe('webhook URL guard', () => {
  // A webhook URL is the caller's input and the server connects to it: internal addresses would make it an SSRF proxy.
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '224.0.0.1',
  ])('forbids %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it('refuses other schemes, user info and private literals; accepts public literals', async () => {
    expect(await checkWebhookUrl('ftp://93.184.216.34/x', false)).toMatchObject({ reason: 'scheme' });
    expect(await checkWebhookUrl('file:///etc/passwd', false)).toMatchObject({ reason: 'scheme' });
    expect(await checkWebhookUrl('https://a:b@93.184.216.34/x', false)).toMatchObject({ reason: 'credentials' });
    expect(await checkWebhookUrl('http://[::1]:8080/x', false)).toMatchObject({ reason: 'private' });
    expect(await checkWebhookUrl('http://2130706433/x', false)).toMatchObject({ reason: 'private' });
    expect(await checkWebhookUrl('http://localhost/x', false)).toMatchObject({ reason: 'private' });
    expect(await checkWebhookUrl('https://93.184.216.34/x', false)).toBeNull();
    expect(await checkWebhookUrl('http://127.0.0.1/x', true)).toBeNull();
  });
});
