/**
 * @module validation/class-transformer-storage
 * Types for class-transformer's metadata singleton, which its package ships without a declaration
 * at this path. Only what the fast transform reads to decide whether a DTO is plain.
 */
declare module 'class-transformer/cjs/storage' {
  /** class-transformer's metadata storage (the parts read here). */
  export const defaultMetadataStorage: {
    getStrategy(target: Function): 'excludeAll' | 'exposeAll' | 'none';
    getExposedMetadatas(target: Function): unknown[];
    getExcludedMetadatas(target: Function): unknown[];
    readonly _typeMetadatas?: Map<Function, unknown> | undefined;
    readonly _transformMetadatas?: Map<Function, unknown> | undefined;
  };
}
