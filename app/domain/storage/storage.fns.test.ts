import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  contentDispositionAttachment,
  downloadHeaders,
  fileExtension,
  inspectUpload,
  isSafeStorageKey,
  MAX_UPLOAD_BYTES,
  sanitizeFileName,
  uploadProblemMessageKey,
} from './storage.fns';
import { EXE_BYTES, HTML_BYTES, JPEG_BYTES, PNG_BYTES, pdfBytes, pdfOfSize, ZIP_BYTES } from './test-files';

describe('storage keys', () => {
  it('accepts platform-chosen keys', () => {
    for (const key of ['provider-documents/6f1c2d9e-0f8a-4b7e-9a51-2c3d4e5f6a7b', 'receipts/2026/11/abc_def.pdf', 'a']) {
      expect(isSafeStorageKey(key), key).toBe(true);
    }
  });

  it('refuses anything that could leave the store or mean something else', () => {
    for (const key of ['', '../etc/passwd', 'a/../../b', '/absolute', 'a//b', 'a/./b', '..', 'a\\b', 'a/b/', '.hidden', 'a b', 'a/%2e%2e', 'x'.repeat(513), 'ü']) {
      expect(isSafeStorageKey(key), JSON.stringify(key)).toBe(false);
    }
  });
});

describe('inspectUpload: the type comes from the content', () => {
  it('accepts PDF, JPEG and PNG and hashes the bytes', async () => {
    const pdf = pdfBytes('statuto');
    const result = await inspectUpload({ fileName: 'Statuto.pdf', bytes: pdf });
    expect(result).toEqual({
      ok: true,
      upload: { fileName: 'Statuto.pdf', contentType: 'application/pdf', sizeBytes: pdf.byteLength, sha256: createHash('sha256').update(pdf).digest('hex') },
    });
    expect(await inspectUpload({ fileName: 'foto.JPG', bytes: JPEG_BYTES })).toMatchObject({ ok: true, upload: { contentType: 'image/jpeg' } });
    expect(await inspectUpload({ fileName: 'foto.jpeg', bytes: JPEG_BYTES })).toMatchObject({ ok: true, upload: { contentType: 'image/jpeg' } });
    expect(await inspectUpload({ fileName: 'scansione.png', bytes: PNG_BYTES })).toMatchObject({ ok: true, upload: { contentType: 'image/png' } });
  });

  it('refuses a PNG named .pdf (the name promises another document)', async () => {
    expect(await inspectUpload({ fileName: 'visura.pdf', bytes: PNG_BYTES })).toEqual({
      ok: false,
      problem: { reason: 'type_mismatch', detected: 'image/png', extension: 'pdf' },
    });
  });

  it('refuses a ZIP or an executable whatever it is called', async () => {
    expect(await inspectUpload({ fileName: 'statuto.pdf', bytes: ZIP_BYTES })).toEqual({
      ok: false,
      problem: { reason: 'type_not_allowed', detected: 'application/zip' },
    });
    expect(await inspectUpload({ fileName: 'visura.pdf', bytes: EXE_BYTES })).toEqual({
      ok: false,
      problem: { reason: 'type_not_allowed', detected: 'application/x-msdownload' },
    });
    expect(await inspectUpload({ fileName: 'foto.png', bytes: HTML_BYTES })).toEqual({ ok: false, problem: { reason: 'type_not_allowed', detected: null } });
  });

  it('names a real document honestly when its name has no (or a foreign) extension', async () => {
    expect(await inspectUpload({ fileName: 'scansione', bytes: pdfBytes() })).toMatchObject({ ok: true, upload: { fileName: 'scansione.pdf' } });
    expect(await inspectUpload({ fileName: 'statuto.exe', bytes: pdfBytes() })).toMatchObject({ ok: true, upload: { fileName: 'statuto.exe.pdf', contentType: 'application/pdf' } });
  });

  it('refuses empty files and files over the limit, and accepts one exactly at it', async () => {
    expect(await inspectUpload({ fileName: 'vuoto.pdf', bytes: new Uint8Array() })).toEqual({ ok: false, problem: { reason: 'empty' } });
    expect(await inspectUpload({ fileName: 'grande.pdf', bytes: pdfOfSize(MAX_UPLOAD_BYTES + 1) })).toEqual({
      ok: false,
      problem: { reason: 'too_large', maxBytes: MAX_UPLOAD_BYTES },
    });
    expect(await inspectUpload({ fileName: 'limite.pdf', bytes: pdfOfSize(MAX_UPLOAD_BYTES) })).toMatchObject({ ok: true, upload: { sizeBytes: MAX_UPLOAD_BYTES } });
  });

  it('maps every refusal to a message key', () => {
    expect(uploadProblemMessageKey({ reason: 'empty' })).toBe('upload.error.empty');
    expect(uploadProblemMessageKey({ reason: 'too_large', maxBytes: 1 })).toBe('upload.error.tooLarge');
    expect(uploadProblemMessageKey({ reason: 'type_not_allowed', detected: null })).toBe('upload.error.typeNotAllowed');
    expect(uploadProblemMessageKey({ reason: 'type_mismatch', detected: 'image/png', extension: 'pdf' })).toBe('upload.error.typeMismatch');
  });
});

describe('file names', () => {
  it('keeps the base name only, without control or reserved characters', () => {
    expect(sanitizeFileName('C:\\Users\\mario\\Statuto "2026".pdf')).toBe('Statuto 2026.pdf');
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('a\r\nb.pdf')).toBe('ab.pdf');
    expect(sanitizeFileName('...')).toBe('documento');
    expect(sanitizeFileName(`${'x'.repeat(300)}.pdf`)).toMatch(/^x{146}\.pdf$/);
    expect(fileExtension('archivio.tar.GZ')).toBe('gz');
    expect(fileExtension('.bashrc')).toBe('');
  });

  it('sends an attachment header with an ASCII fallback and the UTF-8 name', () => {
    expect(contentDispositionAttachment('Visura camerale – Società "Il Sorriso".pdf')).toBe(
      `attachment; filename="Visura camerale _ Societa Il Sorriso.pdf"; filename*=UTF-8''Visura%20camerale%20%E2%80%93%20Societ%C3%A0%20Il%20Sorriso.pdf`,
    );
    expect(contentDispositionAttachment('a\r\nSet-Cookie: x=1.pdf')).not.toMatch(/[\r\n]/);
  });

  it('never lets a download render inline or be sniffed', () => {
    const headers = downloadHeaders({ fileName: 'x.pdf', contentType: 'application/pdf', sizeBytes: 10 });
    expect(headers['Content-Disposition']).toMatch(/^attachment;/);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Content-Length']).toBe('10');
    expect(headers['Cache-Control']).toBe('private, no-store');
  });
});
