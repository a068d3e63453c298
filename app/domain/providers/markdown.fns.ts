import { micromark } from 'micromark';

// The safe Markdown subset of public descriptions: paragraphs, emphasis, lists, quotes, inline
// code and links. Raw HTML is never passed through (micromark escapes it: "<script>" is shown as
// text), images and headings are switched off (no tracking pixels, no headings that break the
// page's outline), and links to javascript:, data: and other dangerous protocols lose their href.
// Server-side only in practice: pages receive the HTML from their loader.

const SAFE_SUBSET = {
  disable: { null: ['htmlFlow', 'htmlText', 'labelStartImage', 'headingAtx', 'setextUnderline', 'codeIndented'] },
};

export const MAX_DESCRIPTION_LENGTH = 2000;

/** HTML for a user-written description; every link opens without passing on the page's authority. */
export function renderSafeMarkdown(markdown: string): string {
  const trimmed = markdown.trim();
  if (!trimmed) return '';
  const html = micromark(trimmed, { extensions: [SAFE_SUBSET], allowDangerousHtml: false, allowDangerousProtocol: false });
  // Every "<a href" in micromark's output is one it generated: text "<a" is escaped to "&lt;a".
  return html.replace(/<a href="/g, '<a rel="nofollow noopener noreferrer" href="');
}
