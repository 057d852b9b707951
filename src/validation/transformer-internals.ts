/**
 * @module validation/transformer-internals
 * The one place that reads class-transformer's internals: its metadata storage, which the package does
 * not export (`class-transformer/cjs/storage`). Loaded on first use and guarded: a missing or moved
 * module, a storage of another shape, or a storage that is not the one `plainToInstance` reads (two
 * copies loaded, e.g. its ESM and CommonJS builds) all answer `undefined` with the reason, and the
 * caller keeps to the public API.
 */
import { Expose, plainToInstance, Transform, Type } from 'class-transformer';
import { loadStorageModule } from './transformer-storage-module';

/** Metadata of one decorated property (the fields read here). */
export interface PropertyMetadata {
  propertyName?: string;
  options?: { name?: string };
}

/** The parts of class-transformer's `MetadataStorage` the fast path reads. */
export interface TransformerStorage {
  getStrategy(target: Function): 'excludeAll' | 'exposeAll' | 'none';
  getExposedMetadatas(target: Function): PropertyMetadata[];
  getExcludedMetadatas(target: Function): PropertyMetadata[];
  findTypeMetadata(target: Function, propertyName: string): unknown;
  readonly _typeMetadatas: Map<Function, Map<string, unknown>>;
  readonly _transformMetadatas: Map<Function, Map<string, unknown>>;
}

/** The storage, or why it cannot be used. */
export type StorageProbe = { storage: TransformerStorage } | { problem: string };

const STORAGE_MODULE = 'class-transformer/cjs/storage';

function load(): unknown {
  const loaded = loadStorageModule() as { defaultMetadataStorage?: unknown } | null;
  return loaded?.defaultMetadataStorage;
}

function hasShape(value: unknown): value is TransformerStorage {
  if (value === null || typeof value !== 'object') return false;
  const storage = value as Record<string, unknown>;
  const methods = ['getStrategy', 'getExposedMetadatas', 'getExcludedMetadatas', 'findTypeMetadata'];
  return methods.every((m) => typeof storage[m] === 'function') && storage._typeMetadatas instanceof Map && storage._transformMetadatas instanceof Map;
}

class ProbeInner {}
class ProbeDto {
  inner?: ProbeInner;
  trimmed?: string;
  renamed?: string;
}

// Decorate a probe class through the public entry (the storage plainToInstance reads) and look for it
// in the deep-imported one: if it is not there, two storages are loaded and the fast path would miss
// every decorator of the app.
function sameStorage(storage: TransformerStorage): boolean {
  if (!storage._typeMetadatas.has(ProbeDto)) {
    Type(() => ProbeInner)(ProbeDto.prototype, 'inner');
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))(ProbeDto.prototype, 'trimmed');
    Expose({ name: 'renamed_key' })(ProbeDto.prototype, 'renamed');
  }
  const instance = plainToInstance(ProbeDto, { inner: {}, trimmed: ' a ', renamed_key: 'r' });
  const publicWorks = instance.inner instanceof ProbeInner && instance.trimmed === 'a' && instance.renamed === 'r';
  return (
    publicWorks &&
    storage.findTypeMetadata(ProbeDto, 'inner') !== undefined &&
    storage._transformMetadatas.get(ProbeDto)?.has('trimmed') === true &&
    storage.getExposedMetadatas(ProbeDto).some((m) => m.options?.name === 'renamed_key')
  );
}

let probed: StorageProbe | undefined;

/** class-transformer's metadata storage, probed once; `{ problem }` when the fast path must stay off. */
export function transformerStorage(): StorageProbe {
  if (probed !== undefined) return probed;
  let value: unknown;
  try {
    value = load();
  } catch (error) {
    return (probed = { problem: `${STORAGE_MODULE} cannot be loaded (${(error as Error).message})` });
  }
  if (!hasShape(value)) return (probed = { problem: `${STORAGE_MODULE} has no metadata storage of the expected shape` });
  try {
    if (!sameStorage(value)) {
      return (probed = { problem: 'class-transformer is loaded twice (ESM and CommonJS builds, or two copies): its decorators register in a storage the fast path cannot see' });
    }
  } catch (error) {
    return (probed = { problem: `class-transformer probe failed (${(error as Error).message})` });
  }
  return (probed = { storage: value });
}
