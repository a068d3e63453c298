import { readdirSync } from 'node:fs';
import path from 'node:path';

// @font-face rules for the kit's own font files, which we serve ourselves (no font CDN: offline
// installs and GDPR). Built from the files actually shipped, so a kit upgrade cannot break them.
const FAMILIES: Record<string, string> = {
  Titillium_Web: 'Titillium Web',
  Lora: 'Lora',
  Roboto_Mono: 'Roboto Mono',
};

export function fontFaceFromFile(file: string): { weight: number; style: 'normal' | 'italic' } | null {
  const match = /-(\d{3}|regular|italic)(italic)?\.woff2$/.exec(file);
  if (!match) return null;
  const [, variant, italicSuffix] = match;
  if (variant === 'regular') return { weight: 400, style: 'normal' };
  if (variant === 'italic') return { weight: 400, style: 'italic' };
  return { weight: Number(variant), style: italicSuffix ? 'italic' : 'normal' };
}

export function kitFontFaceCss(fontsDir: string, publicBase: string): string {
  const rules: string[] = [];
  for (const [dir, family] of Object.entries(FAMILIES)) {
    let files: string[];
    try {
      files = readdirSync(path.join(fontsDir, dir));
    } catch {
      continue;
    }
    for (const file of files.filter((f) => f.endsWith('.woff2')).sort()) {
      const face = fontFaceFromFile(file);
      if (!face) continue;
      const base = `${publicBase}/${dir}/${file.replace(/\.woff2$/, '')}`;
      rules.push(
        `@font-face{font-family:'${family}';font-style:${face.style};font-weight:${face.weight};font-display:swap;` +
          `src:url('${base}.woff2') format('woff2'),url('${base}.woff') format('woff');}`,
      );
    }
  }
  return rules.join('\n');
}
