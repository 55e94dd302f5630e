// Loaded into the Electronegativity CLI (`node --import`) by test/unit/lint/electronegativity.test.ts:
// its i18n step fetches translations from GitHub with `got` (no network here, and tests must not reach
// one), and a failed fetch later crashes it from a retry timer. Answer that fetch with an immediate
// failure: the tool then uses its bundled English strings. Its checks are untouched.
import Module from 'node:module';

const load = Module._load;
Module._load = function loadWithoutNetwork(request, parent, isMain) {
  if (request === 'got' && parent && /electronegativity/.test(parent.filename)) {
    return () => Promise.reject(new Error('offline: Patchbay tests do not fetch translations'));
  }
  return load.call(this, request, parent, isMain);
};
