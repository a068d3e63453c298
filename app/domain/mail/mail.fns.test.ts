import { describe, expect, it } from 'vitest';
import { describeMailError, isLastAttempt, linkify, messageIdFor, redactAddresses, transportLabelKey } from './mail.fns';

describe('redactAddresses', () => {
  it('removes every e-mail address', () => {
    expect(redactAddresses('rejected <mario.rossi+x@example.it>, and anna@comune.albino.bg.it')).toBe(
      'rejected <[address]>, and [address]',
    );
  });
});

describe('describeMailError', () => {
  it('keeps the code and SMTP response code and drops addresses', () => {
    const error = Object.assign(new Error('Recipient command failed: 550 No such user anna@example.it'), {
      code: 'EENVELOPE',
      responseCode: 550,
    });
    expect(describeMailError(error)).toBe('EENVELOPE 550: Recipient command failed: 550 No such user [address]');
  });

  it('describes non-Error values and truncates long messages', () => {
    expect(describeMailError('boom')).toBe('boom');
    const long = describeMailError(new Error('x'.repeat(1000)), 50);
    expect(long).toHaveLength(50);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('isLastAttempt', () => {
  it('counts the attempt now running', () => {
    expect(isLastAttempt(0, 3)).toBe(false);
    expect(isLastAttempt(1, 3)).toBe(false);
    expect(isLastAttempt(2, 3)).toBe(true);
    expect(isLastAttempt(0, undefined)).toBe(true);
    expect(isLastAttempt(0, 1)).toBe(true);
  });
});

describe('messageIdFor', () => {
  it('uses the app host', () => {
    expect(messageIdFor('abc', 'https://welfare.example.it/x')).toBe('<abc@welfare.example.it>');
    expect(messageIdFor('abc', 'not a url')).toBe('<abc@conciliamo.localhost>');
  });
});

describe('linkify', () => {
  it('turns http(s) URLs into links and leaves trailing punctuation outside', () => {
    expect(linkify('Apri https://x.it/reimposta-password/abc123. Grazie')).toEqual([
      { kind: 'text', text: 'Apri ' },
      { kind: 'link', href: 'https://x.it/reimposta-password/abc123', text: 'https://x.it/reimposta-password/abc123' },
      { kind: 'text', text: '. Grazie' },
    ]);
  });

  it('handles several links, links at the edges and text without links', () => {
    expect(linkify('http://a.it/1\nhttp://b.it/2?x=1&y=2')).toEqual([
      { kind: 'link', href: 'http://a.it/1', text: 'http://a.it/1' },
      { kind: 'text', text: '\n' },
      { kind: 'link', href: 'http://b.it/2?x=1&y=2', text: 'http://b.it/2?x=1&y=2' },
    ]);
    expect(linkify('nessun link qui')).toEqual([{ kind: 'text', text: 'nessun link qui' }]);
    expect(linkify('')).toEqual([]);
  });

  it('never links other schemes', () => {
    expect(linkify('javascript:alert(1) ftp://x')).toEqual([{ kind: 'text', text: 'javascript:alert(1) ftp://x' }]);
  });
});

describe('transportLabelKey', () => {
  it('names the known transports by message key and others as they are', () => {
    expect(transportLabelKey('local')).toBe('devmail.transport.local');
    expect(transportLabelKey('smtp')).toBe('devmail.transport.smtp');
    expect(transportLabelKey('recording')).toBe('recording');
  });
});
