/** The limits module's public API: the global rate-limit module and the signup limit for the signup route. */
export { LimitsModule } from './limits.module.js';
export { RateLimitService } from './rate-limit.service.js';
export { SignupRateLimitInterceptor } from './signup-rate-limit.interceptor.js';
