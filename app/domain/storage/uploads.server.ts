import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type UploadHandler } from '@remix-run/node';
import { inspectUpload, MAX_UPLOAD_BYTES, uploadProblemMessageKey, type InspectedUpload } from './storage.fns';

// Reading uploaded files out of a form post. Remix's multipart parser with the memory handler
// (each part at most 10 MB); a part over the limit is drained and reported as a field error so the
// rest of the form (what the person typed) survives. Every file is then judged by its content
// (storage.fns inspectUpload). Issue 5 reuses this for receipts.

export const DEFAULT_MAX_FILES = 10;

export interface UploadedFile {
  /** The form field the file came in. */
  field: string;
  fileName: string;
  bytes: Uint8Array;
}

export interface UploadForm {
  formData: FormData;
  files: UploadedFile[];
  /** Field name → i18n key, for parts refused while reading (too large, too many files). */
  fieldErrors: Record<string, string>;
  /** Set when the request as a whole was refused before reading it. */
  formError: string | null;
}

/** An async iterable over `source` whose early exit (break/throw) does not close `source`. */
function detachable(source: AsyncIterable<Uint8Array>): { iterable: AsyncIterable<Uint8Array>; drain: () => Promise<void> } {
  const iterator = source[Symbol.asyncIterator]();
  return {
    iterable: {
      [Symbol.asyncIterator]: () => ({
        next: () => iterator.next(),
        return: () => Promise.resolve({ done: true as const, value: undefined }),
      }),
    },
    drain: async () => {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        // discard: the parser needs the part consumed before it can read the next one
      }
    },
  };
}

/**
 * Parses a form post that may carry files. A multipart body goes through Remix's parser; any
 * other body (a test's urlencoded request, a form without files) through request.formData().
 * Files chosen in no input (empty name and content) are left out.
 */
export async function parseUploadForm(
  request: Request,
  options: { fileFields: readonly string[]; maxFiles?: number; maxFileBytes?: number },
): Promise<UploadForm> {
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const maxFileBytes = options.maxFileBytes ?? MAX_UPLOAD_BYTES;
  const contentType = request.headers.get('Content-Type') ?? '';
  const fieldErrors: Record<string, string> = {};

  if (!contentType.startsWith('multipart/form-data')) {
    return { formData: await request.formData(), files: [], fieldErrors, formError: null };
  }
  // Refused unread: more bytes than the allowed files could ever need.
  const declared = Number(request.headers.get('Content-Length') ?? '0');
  if (declared > maxFiles * maxFileBytes + 1024 * 1024) {
    return { formData: new FormData(), files: [], fieldErrors, formError: 'upload.error.requestTooLarge' };
  }

  const memory = unstable_createMemoryUploadHandler({ maxPartSize: maxFileBytes });
  let fileCount = 0;
  const handler: UploadHandler = async (part) => {
    const { iterable, drain } = detachable(part.data);
    const isFile = typeof part.filename === 'string' && part.filename !== '';
    // A file in a field that takes none is not read; a file input left empty (no file name)
    // is not a text field either.
    if (isFile !== options.fileFields.includes(part.name)) {
      await drain();
      return undefined;
    }
    if (isFile && ++fileCount > maxFiles) {
      fieldErrors[part.name] ??= 'upload.error.tooMany';
      await drain();
      return undefined;
    }
    try {
      return await memory({ ...part, data: iterable });
    } catch (error) {
      if (!(error instanceof MaxPartSizeExceededError)) throw error;
      fieldErrors[part.name] ??= isFile ? 'upload.error.tooLarge' : 'validation.tooLong';
      await drain();
      return undefined;
    }
  };
  const formData = await unstable_parseMultipartFormData(request, handler);
  const files: UploadedFile[] = [];
  for (const field of options.fileFields) {
    for (const value of formData.getAll(field)) {
      if (typeof value === 'string' || (value.name === '' && value.size === 0)) continue;
      files.push({ field, fileName: value.name, bytes: new Uint8Array(await value.arrayBuffer()) });
    }
  }
  return { formData, files, fieldErrors, formError: null };
}

export type AcceptedUpload = UploadedFile & InspectedUpload;

/**
 * Judges every file by its content. Returns the accepted ones and, per field, the first refusal
 * (an i18n key). The same bytes twice in one submission are refused as a duplicate (sha256).
 */
export async function inspectUploads(
  files: readonly UploadedFile[],
  options: { maxFileBytes?: number; knownSha256?: ReadonlySet<string> } = {},
): Promise<{ accepted: AcceptedUpload[]; fieldErrors: Record<string, string> }> {
  const accepted: AcceptedUpload[] = [];
  const fieldErrors: Record<string, string> = {};
  const seen = new Set(options.knownSha256 ?? []);
  for (const file of files) {
    const result = await inspectUpload({ fileName: file.fileName, bytes: file.bytes, maxBytes: options.maxFileBytes });
    if (!result.ok) {
      fieldErrors[file.field] ??= uploadProblemMessageKey(result.problem);
      continue;
    }
    if (seen.has(result.upload.sha256)) {
      fieldErrors[file.field] ??= 'upload.error.duplicate';
      continue;
    }
    seen.add(result.upload.sha256);
    accepted.push({ ...file, ...result.upload });
  }
  return { accepted, fieldErrors };
}

/**
 * The text fields of a form as a plain object for a zod schema: a repeated name (checkboxes)
 * becomes an array. Files are left out.
 */
export function formFields(formData: FormData): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== 'string') continue;
    const existing = fields[key];
    fields[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return fields;
}
