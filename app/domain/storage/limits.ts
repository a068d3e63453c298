// What the platform accepts as an uploaded document. Browser-safe (no imports): the pages use it
// for the file picker's hint, the server (storage.fns) for the real check on the bytes.

/** One upload at most; the same limit is a CHECK on ProviderDocument.sizeBytes. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** Content types the platform stores, with the extensions a file of that type may carry. */
export const ACCEPTED_UPLOAD_TYPES = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
} as const satisfies Record<string, readonly string[]>;

export type AcceptedContentType = keyof typeof ACCEPTED_UPLOAD_TYPES;

/** For `<input type="file" accept>`: a hint for the file picker only, the server decides. */
export const UPLOAD_ACCEPT_ATTRIBUTE = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';
