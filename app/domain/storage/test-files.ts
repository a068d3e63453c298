// Small real files for the upload tests (unit and integration): their first bytes are what
// content sniffing looks at. Not used by the application.

/** A 1×1 PNG. */
export const PNG_BYTES = new Uint8Array(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'),
);

/** A JFIF header and end-of-image marker: enough to be recognised as JPEG. */
export const JPEG_BYTES = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);

/** A minimal PDF; `label` makes each one's sha256 different. */
export function pdfBytes(label = 'documento'): Uint8Array {
  return new Uint8Array(Buffer.from(`%PDF-1.4\n% ${label}\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n`));
}

/** A ZIP local file header (what a .docx or a zipped folder starts with). */
export const ZIP_BYTES = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x61, 0x61]);

/** A Windows executable (MZ header). */
export const EXE_BYTES = new Uint8Array(Buffer.concat([Buffer.from('MZ'), Buffer.alloc(254)]));

/** An HTML page with a script: sniffs as nothing we accept. */
export const HTML_BYTES = new Uint8Array(Buffer.from('<!doctype html><html><script>alert(1)</script></html>'));

/** A PDF of exactly `size` bytes (header, then padding). */
export function pdfOfSize(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(pdfBytes('grande'));
  return bytes;
}
