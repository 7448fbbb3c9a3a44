import { loadBundle } from './bundles.js';

await loadBundle(import.meta.url);
