import { describe, expect, it } from 'vitest';
import { sha256Hex } from '~/domain/storage/storage.fns';
import { JPEG_BYTES, pdfBytes, pdfOfSize, PNG_BYTES } from '~/domain/storage/test-files';
import { formFields, inspectUploads, parseUploadForm } from '~/domain/storage/uploads.server';
import { makeRequest } from './auth-fixtures';
import { multipartRequest } from './providers-fixtures';

// Reading uploaded files out of real multipart requests (Remix's parser over the request stream):
// limits become field errors while the rest of the form survives, and every file is judged by
// its bytes. Issue 5 reuses the same functions for receipts.

const FIELDS = ['documentSTATUTO', 'documentOTHER'] as const;

describe('parseUploadForm', () => {
  it('reads text fields and files; a file over the limit is drained and reported, the fields after it survive', async () => {
    const request = multipartRequest('/x', { first: 'prima' }, [
      { field: 'documentSTATUTO', name: 'grande.pdf', bytes: pdfOfSize(64 * 1024) },
      { field: 'documentOTHER', name: 'piccolo.pdf', bytes: pdfBytes('piccolo') },
    ]);
    // Fields appended after the files: the parser must get past the oversize part to read them.
    const body = await request.formData();
    body.append('last', 'ultima');
    const form = await parseUploadForm(new Request(request.url, { method: 'POST', body }), { fileFields: FIELDS, maxFileBytes: 32 * 1024 });
    expect(form.fieldErrors).toEqual({ documentSTATUTO: 'upload.error.tooLarge' });
    expect(form.files.map((f) => [f.field, f.fileName])).toEqual([['documentOTHER', 'piccolo.pdf']]);
    expect(formFields(form.formData)).toEqual({ first: 'prima', last: 'ultima' });
  });

  it('keeps repeated text fields as arrays and leaves out empty file inputs', async () => {
    const body = new FormData();
    body.append('comuneIds', 'a');
    body.append('comuneIds', 'b');
    body.append('documentSTATUTO', new File([], ''));
    const form = await parseUploadForm(new Request('http://localhost/x', { method: 'POST', body }), { fileFields: FIELDS });
    expect(form.files).toEqual([]);
    expect(formFields(form.formData)).toEqual({ comuneIds: ['a', 'b'] });
  });

  it('reads at most maxFiles files; the rest are refused on their field', async () => {
    const files = Array.from({ length: 4 }, (_, i) => ({ field: 'documentOTHER', name: `f${i}.pdf`, bytes: pdfBytes(`f${i}`) }));
    const form = await parseUploadForm(multipartRequest('/x', {}, files), { fileFields: FIELDS, maxFiles: 3 });
    expect(form.files.map((f) => f.fileName)).toEqual(['f0.pdf', 'f1.pdf', 'f2.pdf']);
    expect(form.fieldErrors).toEqual({ documentOTHER: 'upload.error.tooMany' });
  });

  it('ignores files sent in fields that do not take files', async () => {
    const form = await parseUploadForm(multipartRequest('/x', { name: 'x' }, [{ field: 'avatar', name: 'a.png', bytes: PNG_BYTES }]), { fileFields: FIELDS });
    expect(form.files).toEqual([]);
    expect(form.formData.has('avatar')).toBe(false);
  });

  it('refuses unread a body declared larger than the allowed files could need', async () => {
    const request = new Request('http://localhost/x', {
      method: 'POST',
      body: 'x',
      headers: { 'Content-Type': 'multipart/form-data; boundary=abc', 'Content-Length': String(200 * 1024 * 1024) },
    });
    const form = await parseUploadForm(request, { fileFields: FIELDS });
    expect(form.formError).toBe('upload.error.requestTooLarge');
    expect(request.bodyUsed).toBe(false);
  });

  it('takes an ordinary urlencoded form too (no files)', async () => {
    const form = await parseUploadForm(makeRequest('/x', { form: { a: '1' } }), { fileFields: FIELDS });
    expect(formFields(form.formData)).toEqual({ a: '1' });
    expect(form.files).toEqual([]);
  });
});

describe('inspectUploads', () => {
  it('keeps accepted files with their hash and refuses a file already on record by sha256', async () => {
    const known = pdfBytes('già caricato');
    const result = await inspectUploads(
      [
        { field: 'documentSTATUTO', fileName: 'statuto.pdf', bytes: known },
        { field: 'documentOTHER', fileName: 'foto.jpg', bytes: JPEG_BYTES },
      ],
      { knownSha256: new Set([sha256Hex(known)]) },
    );
    expect(result.fieldErrors).toEqual({ documentSTATUTO: 'upload.error.duplicate' });
    expect(result.accepted.map((a) => [a.field, a.contentType, a.sha256])).toEqual([['documentOTHER', 'image/jpeg', sha256Hex(JPEG_BYTES)]]);
  });
});
