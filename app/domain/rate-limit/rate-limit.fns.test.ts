import { fixedWindowState, slidingWindowState, validateRule } from './rate-limit.fns';

describe('fixedWindowState', () => {
  it('allows up to the limit and refuses the next one', () => {
    expect(fixedWindowState(5, 5, 100)).toEqual({ count: 5, remaining: 0, retryAfterSeconds: 100, exceeded: false });
    expect(fixedWindowState(6, 5, 100).exceeded).toBe(true);
    expect(fixedWindowState(1, 5, 100).remaining).toBe(4);
  });
  it('never reports a retry-after below one second', () => {
    expect(fixedWindowState(9, 5, 0).retryAfterSeconds).toBe(1);
  });
});

describe('slidingWindowState', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000);

  it('allows while fewer than limit events are in the window', () => {
    const state = slidingWindowState([ago(10), ago(20)], 3, 60, now);
    expect(state.exceeded).toBe(false);
    expect(state.count).toBe(3);
  });
  it('ignores events that left the window', () => {
    expect(slidingWindowState([ago(10), ago(61), ago(120)], 2, 60, now).exceeded).toBe(false);
  });
  it('refuses at the limit until the limit-th newest event leaves the window', () => {
    const state = slidingWindowState([ago(50), ago(10), ago(30)], 3, 60, now);
    expect(state.exceeded).toBe(true);
    expect(state.retryAfterSeconds).toBe(10);
  });
  it('uses the limit-th newest even with more events', () => {
    const state = slidingWindowState([ago(5), ago(15), ago(25), ago(55)], 2, 60, now);
    expect(state.retryAfterSeconds).toBe(45);
  });
});

describe('validateRule', () => {
  it('refuses nonsense', () => {
    expect(() => validateRule({ key: '', limit: 1, windowSeconds: 1 })).toThrow(TypeError);
    expect(() => validateRule({ key: 'k', limit: 0, windowSeconds: 1 })).toThrow(TypeError);
    expect(() => validateRule({ key: 'k', limit: 1, windowSeconds: 0.5 })).toThrow(TypeError);
    expect(() => validateRule({ key: 'k', limit: 3, windowSeconds: 60 })).not.toThrow();
  });
});
