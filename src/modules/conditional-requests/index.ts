/** Conditional requests (ETag, If-None-Match, If-Match): the decorators single-resource routes carry, and the module. */
export { ConditionalRead, ConditionalWrite } from './conditional-requests.decorators.js';
export { ConditionalRequestsModule } from './conditional-requests.module.js';
