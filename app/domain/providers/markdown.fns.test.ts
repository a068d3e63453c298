import { describe, expect, it } from 'vitest';
import { renderSafeMarkdown } from './markdown.fns';

describe('renderSafeMarkdown', () => {
  it('renders the allowed subset: emphasis, lists, links, inline code, quotes', () => {
    const html = renderSafeMarkdown('Servizi **per famiglie** e *anziani*:\n\n- nido\n- `pre-scuola`\n\n> citazione\n\n[sito](https://www.example.org)');
    expect(html).toContain('<strong>per famiglie</strong>');
    expect(html).toContain('<em>anziani</em>');
    expect(html).toContain('<li>nido</li>');
    expect(html).toContain('<code>pre-scuola</code>');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<a rel="nofollow noopener noreferrer" href="https://www.example.org">sito</a>');
  });

  it('renders script and HTML inert: shown as text, never as elements', () => {
    const html = renderSafeMarkdown('<script>alert("x")</script>\n\nCiao <img src=x onerror=alert(1)> <b>grassetto</b>\n\n<iframe src="https://evil.example"></iframe>');
    expect(html).not.toMatch(/<script|<img|<iframe|<b>/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('drops dangerous link targets', () => {
    for (const source of ['[clic](javascript:alert(1))', '[clic](<javascript:alert(1)>)', '[clic](data:text/html;base64,PHNjcmlwdD4=)', '[clic](vbscript:msgbox)']) {
      const html = renderSafeMarkdown(source);
      expect(html, source).not.toMatch(/javascript:|data:|vbscript:/i);
      expect(html).toContain('href=""');
    }
  });

  it('leaves out images and headings (no tracking pixels, no broken outline)', () => {
    const html = renderSafeMarkdown('![pixel](https://tracker.example/p.gif)\n\n# Titolo\n\nSotto\n===');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<h[1-6]/);
  });

  it('cannot be tricked into an extra attribute on a generated link', () => {
    const html = renderSafeMarkdown('[x](https://a.example/" onmouseover="alert(1))');
    expect(html).not.toMatch(/ onmouseover="/);
  });

  it('returns nothing for a blank description', () => {
    expect(renderSafeMarkdown('  \n ')).toBe('');
  });
});
