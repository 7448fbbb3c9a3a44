import { DateTime } from 'luxon';
describe('jest esm smoke', () => {
  it('runs TypeScript with ESM imports', () => {
    expect(DateTime.fromISO('2026-03-29T12:00', { zone: 'Europe/Berlin' }).offset).toBe(120);
  });
});
