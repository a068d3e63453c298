import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discardObjects, getStorage, LocalFolderStorage, putObjects, type ObjectStorage } from './storage.server';

let root: string;
let storage: LocalFolderStorage;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'conciliamo-storage-'));
  storage = new LocalFolderStorage(path.join(root, 'store'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('LocalFolderStorage', () => {
  it('puts, gets (bytes and content type) and deletes an object', async () => {
    const bytes = new Uint8Array([1, 2, 3, 250]);
    await storage.put('provider-documents/abc', bytes, 'application/pdf');
    expect(await storage.get('provider-documents/abc')).toEqual({ bytes, contentType: 'application/pdf' });
    await storage.delete('provider-documents/abc');
    expect(await storage.get('provider-documents/abc')).toBeNull();
    await expect(storage.delete('provider-documents/abc')).resolves.toBeUndefined();
  });

  it('replaces an object atomically and leaves no temporary files behind', async () => {
    await storage.put('r/one', new Uint8Array([1]), 'image/png');
    await storage.put('r/one', new Uint8Array([2, 2]), 'image/jpeg');
    expect(await storage.get('r/one')).toEqual({ bytes: new Uint8Array([2, 2]), contentType: 'image/jpeg' });
    expect((await readdir(path.join(root, 'store', 'r'))).sort()).toEqual(['one', 'one.type']);
  });

  it('refuses keys that would escape its folder, for every operation', async () => {
    await writeFile(path.join(root, 'secret.txt'), 'segreto');
    for (const key of ['../secret.txt', 'a/../../secret.txt', '/etc/passwd', '']) {
      await expect(storage.get(key), key).rejects.toThrow(/Unsafe storage key/);
      await expect(storage.put(key, new Uint8Array([1]), 'text/plain'), key).rejects.toThrow(/Unsafe storage key/);
      await expect(storage.delete(key), key).rejects.toThrow(/Unsafe storage key/);
    }
  });

  it('getStorage follows STORAGE_DIR', () => {
    const previous = process.env.STORAGE_DIR;
    try {
      process.env.STORAGE_DIR = path.join(root, 'configured');
      expect((getStorage() as LocalFolderStorage).rootDir).toBe(path.join(root, 'configured'));
      delete process.env.STORAGE_DIR;
      expect((getStorage() as LocalFolderStorage).rootDir).toBe(path.resolve('.data/storage'));
    } finally {
      if (previous === undefined) delete process.env.STORAGE_DIR;
      else process.env.STORAGE_DIR = previous;
    }
  });
});

describe('putObjects', () => {
  it('removes what it already wrote when a later write fails', async () => {
    const failing: ObjectStorage = {
      put: (key, bytes, type) => (key === 'batch/b' ? Promise.reject(new Error('disk full')) : storage.put(key, bytes, type)),
      get: (key) => storage.get(key),
      delete: (key) => storage.delete(key),
    };
    await expect(
      putObjects(failing, [
        { key: 'batch/a', bytes: new Uint8Array([1]), contentType: 'application/pdf' },
        { key: 'batch/b', bytes: new Uint8Array([2]), contentType: 'application/pdf' },
      ]),
    ).rejects.toThrow('disk full');
    expect(await storage.get('batch/a')).toBeNull();
  });

  it('discardObjects ignores missing objects', async () => {
    await expect(discardObjects(storage, ['never/written'])).resolves.toBeUndefined();
  });
});
