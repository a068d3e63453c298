import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fontFaceFromFile, kitFontFaceCss } from './fonts.server';

describe('kit fonts', () => {
  it('reads weight and style from the kit file names', () => {
    expect(fontFaceFromFile('titillium-web-v10-latin-ext_latin-600italic.woff2')).toEqual({ weight: 600, style: 'italic' });
    expect(fontFaceFromFile('lora-v20-latin-ext_latin-regular.woff2')).toEqual({ weight: 400, style: 'normal' });
    expect(fontFaceFromFile('lora-v20-latin-ext_latin-italic.woff2')).toEqual({ weight: 400, style: 'italic' });
    expect(fontFaceFromFile('x.ttf')).toBeNull();
  });
  it('declares the families Bootstrap Italia uses, served from our own path', () => {
    const css = kitFontFaceCss(path.resolve('node_modules/bootstrap-italia/dist/fonts'), '/vendor/bi/fonts');
    expect(css).toContain("font-family:'Titillium Web';font-style:normal;font-weight:600");
    expect(css).toContain("font-family:'Lora'");
    expect(css).toContain("font-family:'Roboto Mono'");
    expect(css).not.toMatch(/https?:\/\//);
  });
});
