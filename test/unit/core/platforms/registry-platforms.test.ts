// issue 13 item 14: the profile editor offers the contract's PLATFORMS; every one of them has an
// adapter in this build, and the build has none the editor would not offer.
import { describe, expect, it } from 'vitest';
import { platformFactories } from '../../../../main/core/platforms/registry.ts';
import { PLATFORMS } from '../../../../preload/contract.ts';

describe('platform registry', () => {
  it('has an adapter for exactly the platforms the contract (and so the profile editor) lists', () => {
    expect(Object.keys(platformFactories).sort()).toEqual([...PLATFORMS].sort());
    for (const platform of PLATFORMS) expect(typeof platformFactories[platform], platform).toBe('function');
  });
});
