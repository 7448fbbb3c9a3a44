// How SWC compiles the sources, for the tests (jest.config.js) and the build (scripts/build.mjs) alike: legacy
// decorators with their design-time metadata, without which Nest's injection finds no constructor types.
export const SWC_TRANSFORM = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
};
