import { diffWordsWithSpace } from 'diff';
import { micromark } from 'micromark';

// Text helpers kept apart from offerings.fns.ts so browser code importing the lifecycle constants
// does not pull micromark and jsdiff into its bundle: the server renders and diffs.

/**
 * Renders the safe Markdown subset to HTML: CommonMark without raw HTML (written HTML is shown as
 * text), without images (no third-party requests) and with micromark's protocol filter, so
 * `javascript:` links lose their href.
 */
export function renderDescription(markdown: string): string {
  return micromark(markdown, {
    allowDangerousHtml: false,
    allowDangerousProtocol: false,
    extensions: [{ disable: { null: ['htmlFlow', 'htmlText', 'labelStartImage', 'codeIndented'] } }],
  });
}

// ---------------------------------------------------------------------------------------------
// The curator's comparison of a description

export interface TextDiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Word-level diff of two descriptions (jsdiff), for a highlighted side-by-side view. */
export function diffText(before: string, after: string): TextDiffPart[] {
  return diffWordsWithSpace(before, after).map((part) => ({
    kind: part.added ? 'added' : part.removed ? 'removed' : 'same',
    text: part.value,
  }));
}
