/**
 * @module asyncapi/class-transformer-storage
 * Types for class-transformer's metadata singleton (`@Type` records), which the package ships untyped.
 */
declare module 'class-transformer/cjs/storage' {
  import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
  /** The store every `@Type()` writes to. */
  export const defaultMetadataStorage: MetadataStorage;
}
