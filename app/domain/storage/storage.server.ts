import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertSafeStorageKey } from './storage.fns';

// Where uploaded files live. Nothing keeps state on a web server's disk in production: every
// upload goes through this one interface, implemented today by a local folder (development, tests,
// single-server installs) and tomorrow by an S3-compatible store (docs/decisions/0005).
// Keys are chosen by the platform (e.g. providers/<organisationId>/<documentId>), never by users.

export interface StoredObject {
  bytes: Uint8Array;
  contentType: string;
}

export interface ObjectStorage {
  /** Writes (or replaces) the object. Resolves once the bytes are durable. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The object, or null when there is none under that key. */
  get(key: string): Promise<StoredObject | null>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/**
 * Files under `rootDir`: the bytes at `<root>/<key>`, the content type beside them in
 * `<root>/<key>.type` (as S3 keeps it in the object's metadata). Writes go to a temporary file
 * that is renamed into place, so a reader never sees half a file.
 */
export class LocalFolderStorage implements ObjectStorage {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
  }

  /** The absolute path of a key, refusing anything that would land outside the root. */
  pathFor(key: string): string {
    assertSafeStorageKey(key);
    const full = path.resolve(this.rootDir, key);
    if (!full.startsWith(this.rootDir + path.sep)) throw new Error(`Unsafe storage key: ${JSON.stringify(key)}`);
    return full;
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const target = this.pathFor(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(`${target}.type`, contentType, { flush: true });
      await writeFile(temp, bytes, { flush: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<StoredObject | null> {
    const target = this.pathFor(key);
    try {
      const [bytes, contentType] = await Promise.all([readFile(target), readFile(`${target}.type`, 'utf8').catch(() => 'application/octet-stream')]);
      return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentType };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const target = this.pathFor(key);
    for (const file of [target, `${target}.type`]) {
      try {
        await unlink(file);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
  }
}

let cached: { dir: string; storage: ObjectStorage } | undefined;

export const DEFAULT_STORAGE_DIR = '.data/storage';

/**
 * The configured store: the local folder STORAGE_DIR (default .data/storage, as in env.server).
 * Read straight from the environment so that seeding and CLI verbs that run without the web
 * app's full configuration (no DATABASE_URL in process.env) store files in the same place.
 */
export function getStorage(): ObjectStorage {
  const dir = path.resolve(process.env.STORAGE_DIR?.trim() || DEFAULT_STORAGE_DIR);
  if (!cached || cached.dir !== dir) cached = { dir, storage: new LocalFolderStorage(dir) };
  return cached.storage;
}

/**
 * Stores several objects for one database change: when any write fails, the ones already written
 * are removed. Call it before the transaction and `discardObjects` if the transaction then fails,
 * so neither orphan rows nor (for long) orphan files remain.
 */
export async function putObjects(
  storage: ObjectStorage,
  objects: ReadonlyArray<{ key: string; bytes: Uint8Array; contentType: string }>,
): Promise<void> {
  const written: string[] = [];
  try {
    for (const object of objects) {
      await storage.put(object.key, object.bytes, object.contentType);
      written.push(object.key);
    }
  } catch (error) {
    await discardObjects(storage, written);
    throw error;
  }
}

/** Best-effort removal (a failure here must not hide the error that caused it). */
export async function discardObjects(storage: ObjectStorage, keys: readonly string[]): Promise<void> {
  await Promise.all(keys.map((key) => storage.delete(key).catch(() => undefined)));
}
