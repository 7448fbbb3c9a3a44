/** The onboarding module's public API. */
export { OnboardingModule } from './onboarding.module.js';
export { SignupDisabledError } from './onboarding.errors.js';
