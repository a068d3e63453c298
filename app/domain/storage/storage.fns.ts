import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { ACCEPTED_UPLOAD_TYPES, MAX_UPLOAD_BYTES, type AcceptedContentType } from './limits';

export { ACCEPTED_UPLOAD_TYPES, MAX_UPLOAD_BYTES, UPLOAD_ACCEPT_ATTRIBUTE, type AcceptedContentType } from './limits';

// Pure rules for stored files: which keys are safe, which uploads are accepted (decided by the
// bytes, never by the file name or the browser's Content-Type), their sha256, and the headers of
// a download. No I/O: the storage backends and the upload parser use these.

const KNOWN_DOCUMENT_EXTENSIONS = new Set<string>(Object.values(ACCEPTED_UPLOAD_TYPES).flat());

// ---------------------------------------------------------------------------------------------
// Storage keys

const KEY_SEGMENT = /^[a-z0-9][a-z0-9._-]{0,127}$/i;

/**
 * A key names an object inside the store: slash-separated segments of letters, digits, dot, dash
 * and underscore, none of them `.` or `..`, no leading slash, at most 512 characters. Anything that
 * could climb out of the store's folder (or mean something else to S3) is refused.
 */
export function isSafeStorageKey(key: string): boolean {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) return false;
  const segments = key.split('/');
  return segments.every((segment) => KEY_SEGMENT.test(segment) && !/^\.+$/.test(segment) && !segment.includes('..'));
}

export function assertSafeStorageKey(key: string): void {
  if (!isSafeStorageKey(key)) throw new Error(`Unsafe storage key: ${JSON.stringify(key)}`);
}

// ---------------------------------------------------------------------------------------------
// Upload checks

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The extension of a file name, lowercase, without the dot; '' when there is none. */
export function fileExtension(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * A file name fit to store and to send back in Content-Disposition: no folders, no control or
 * reserved characters, at most 150 characters (the extension kept), never empty.
 */
export function sanitizeFileName(fileName: string, fallback = 'documento'): string {
  const base = (fileName.split(/[\\/]/).pop() ?? '')
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"*:<>?|]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (!base) return fallback;
  if (base.length <= 150) return base;
  const ext = fileExtension(base);
  const keep = ext && ext.length < 10 ? `.${ext}` : '';
  return base.slice(0, 150 - keep.length) + keep;
}

export type UploadProblem =
  | { reason: 'empty' }
  | { reason: 'too_large'; maxBytes: number }
  | { reason: 'type_not_allowed'; detected: string | null }
  | { reason: 'type_mismatch'; detected: AcceptedContentType; extension: string };

export interface InspectedUpload {
  /** Sanitised original name. */
  fileName: string;
  /** What the bytes are, as sniffed; the only type the platform ever stores or serves. */
  contentType: AcceptedContentType;
  sizeBytes: number;
  sha256: string;
}

export type InspectResult = { ok: true; upload: InspectedUpload } | { ok: false; problem: UploadProblem };

function isAccepted(mime: string): mime is AcceptedContentType {
  return Object.prototype.hasOwnProperty.call(ACCEPTED_UPLOAD_TYPES, mime);
}

/**
 * Decides whether an uploaded file is accepted. The type comes from the content (magic numbers,
 * via file-type): an executable renamed "statuto.pdf" or a ZIP is refused, and so is a PNG named
 * ".pdf" (the name promises a different document from the one sent). A name without a known
 * document extension is accepted when the content is PDF, JPEG or PNG.
 */
export async function inspectUpload(input: { fileName: string; bytes: Uint8Array; maxBytes?: number }): Promise<InspectResult> {
  const maxBytes = input.maxBytes ?? MAX_UPLOAD_BYTES;
  if (input.bytes.byteLength === 0) return { ok: false, problem: { reason: 'empty' } };
  if (input.bytes.byteLength > maxBytes) return { ok: false, problem: { reason: 'too_large', maxBytes } };
  const detected = await fileTypeFromBuffer(input.bytes);
  if (!detected || !isAccepted(detected.mime)) {
    return { ok: false, problem: { reason: 'type_not_allowed', detected: detected?.mime ?? null } };
  }
  const fileName = sanitizeFileName(input.fileName);
  const extension = fileExtension(fileName);
  const allowedExtensions: readonly string[] = ACCEPTED_UPLOAD_TYPES[detected.mime];
  if (KNOWN_DOCUMENT_EXTENSIONS.has(extension) && !allowedExtensions.includes(extension)) {
    return { ok: false, problem: { reason: 'type_mismatch', detected: detected.mime, extension } };
  }
  // A name without a document extension ("scansione", or "statuto.exe" whose bytes are a real
  // PDF) is kept, with the true extension added so the download opens with the right program.
  const storedName = KNOWN_DOCUMENT_EXTENSIONS.has(extension) ? fileName : `${fileName}.${allowedExtensions[0]}`;
  return {
    ok: true,
    upload: { fileName: storedName, contentType: detected.mime, sizeBytes: input.bytes.byteLength, sha256: sha256Hex(input.bytes) },
  };
}

/** The i18n key (messages/providers.ts, `upload.*`) explaining a refused upload. */
export function uploadProblemMessageKey(problem: UploadProblem): string {
  switch (problem.reason) {
    case 'empty':
      return 'upload.error.empty';
    case 'too_large':
      return 'upload.error.tooLarge';
    case 'type_not_allowed':
      return 'upload.error.typeNotAllowed';
    case 'type_mismatch':
      return 'upload.error.typeMismatch';
  }
}

// ---------------------------------------------------------------------------------------------
// Downloads

/**
 * `attachment` with both an ASCII fallback name and the UTF-8 name (RFC 6266 / RFC 8187), so
 * "Visura camerale – 2026.pdf" arrives intact and no quote or newline can break the header.
 */
export function contentDispositionAttachment(fileName: string): string {
  const safe = sanitizeFileName(fileName);
  const ascii = safe
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Headers of every stored-file download: never rendered inline, never sniffed, never cached by proxies. */
export function downloadHeaders(input: { fileName: string; contentType: string; sizeBytes: number }): Record<string, string> {
  return {
    'Content-Type': input.contentType,
    'Content-Length': String(input.sizeBytes),
    'Content-Disposition': contentDispositionAttachment(input.fileName),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
    'Content-Security-Policy': "default-src 'none'; sandbox",
  };
}
