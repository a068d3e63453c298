import { describe, expect, it } from 'vitest';
import { parseVersion, satisfiesRange } from './node-version.mjs';

describe('satisfiesRange', () => {
  const engines = '>=20.19 <21 || >=22.12';

  it('accepts the Node versions package.json allows', () => {
    expect(satisfiesRange('v20.19.0', engines)).toBe(true);
    expect(satisfiesRange('v20.20.2', engines)).toBe(true);
    expect(satisfiesRange('v22.12.0', engines)).toBe(true);
    expect(satisfiesRange('v24.1.0', engines)).toBe(true);
  });

  it('refuses the ones it does not', () => {
    expect(satisfiesRange('v20.18.3', engines)).toBe(false);
    expect(satisfiesRange('v21.7.0', engines)).toBe(false);
    expect(satisfiesRange('v22.11.0', engines)).toBe(false);
    expect(satisfiesRange('v18.20.0', engines)).toBe(false);
  });

  it('understands caret, tilde, x-ranges and spaced operators', () => {
    expect(satisfiesRange('20.5.1', '^20.1.0')).toBe(true);
    expect(satisfiesRange('21.0.0', '^20.1.0')).toBe(false);
    expect(satisfiesRange('20.19.9', '~20.19')).toBe(true);
    expect(satisfiesRange('20.20.0', '~20.19')).toBe(false);
    expect(satisfiesRange('20.3.0', '20.x')).toBe(true);
    expect(satisfiesRange('20.3.0', '20')).toBe(true);
    expect(satisfiesRange('22.0.0', '20')).toBe(false);
    expect(satisfiesRange('20.19.1', '>= 20.19 < 21')).toBe(true);
    expect(satisfiesRange('20.0.0', '*')).toBe(true);
  });

  it('rejects text that is not a version', () => {
    expect(() => parseVersion('latest')).toThrow(/Not a version/);
  });
});
