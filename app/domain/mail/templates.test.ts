import { describe, expect, it } from 'vitest';
import { escapeHtml, renderEmail } from './templates';

describe('renderEmail', () => {
  const content = {
    locale: 'it' as const,
    subject: 'Reimposta la password',
    greeting: 'Gentile <Maria>,',
    paragraphs: ['Hai chiesto di reimpostare la password.'],
    action: { label: 'Scegli una nuova password', url: 'https://app.example.it/reimposta-password/abc?x=1&y=2' },
    closing: ['Il link scade tra 60 minuti.'],
  };

  it('puts the link on its own line in the text part, with the footer', () => {
    const { subject, text } = renderEmail(content);
    expect(subject).toBe('Reimposta la password');
    expect(text).toContain('Scegli una nuova password:\nhttps://app.example.it/reimposta-password/abc?x=1&y=2\n');
    expect(text.indexOf('Gentile <Maria>,')).toBeLessThan(text.indexOf('Hai chiesto'));
    expect(text).toContain('Il link scade tra 60 minuti.');
    expect(text).toContain('Conciliamo');
  });

  it('escapes everything in the HTML part', () => {
    const { html } = renderEmail(content);
    expect(html).toContain('Gentile &lt;Maria&gt;,');
    expect(html).not.toContain('<Maria>');
    expect(html).toContain('href="https://app.example.it/reimposta-password/abc?x=1&amp;y=2"');
    expect(html).toContain('<html lang="it">');
  });

  it('translates the layout into English', () => {
    const it = renderEmail(content);
    const en = renderEmail({ ...content, locale: 'en' });
    expect(en.html).toContain('<html lang="en">');
    expect(en.text).not.toBe(it.text);
  });

  it('refuses a non-http action URL', () => {
    expect(() => renderEmail({ ...content, action: { label: 'x', url: 'javascript:alert(1)' } })).toThrow(/http/);
    expect(() => renderEmail({ ...content, action: { label: 'x', url: '/relative' } })).toThrow(/http/);
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
