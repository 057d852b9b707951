/**
 * @module validation/transformer-storage-module
 * The deep import of class-transformer's metadata storage, alone in its file: required only when
 * called, so a release that moves it makes this call throw (and the caller fall back) rather than
 * failing the import of the framework. Tests replace this module to simulate that release.
 */

/** Requires `class-transformer/cjs/storage` (throws when it is gone). */
export function loadStorageModule(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path the package does not promise, loaded on demand
  return require('class-transformer/cjs/storage');
}
