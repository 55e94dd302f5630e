// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../../../renderer/api/bridge.ts';
import StatusPicker from '../../../../renderer/components/StatusPicker.vue';
import { fakeApi, snapshot } from '../fake-api.ts';

const states = [
  { id: 'Available', label: 'Available', kind: 'ready' as const, reasons: [], reasonRequired: false },
  { id: 'Away', label: 'Away from desk', kind: 'not-ready' as const, reasons: [], reasonRequired: false },
];

describe('StatusPicker stable controls (issue 13 item 3)', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setBridge(fakeApi());
  });
  afterEach(() => setBridge(undefined));

  it('every button lays out the same "Current" tag, shown only on the current one, so moving "current" changes no width', async () => {
    const wrapper = mount(StatusPicker, { props: { session: snapshot({ agent: { kind: 'ready', stateId: 'Available', label: 'Available' }, selectableStates: states }) } });
    const markup = (id: string) => wrapper.get(`[data-testid="status-option-${id}"]`);
    const tags = wrapper.findAll('[data-testid="status-current-tag"]');
    expect(tags).toHaveLength(2);
    expect(markup('Available').get('.current-tag').classes()).not.toContain('current-tag-off');
    expect(markup('Away').get('.current-tag').classes()).toContain('current-tag-off');
    expect(markup('Away').get('.current-tag').attributes('aria-hidden')).toBe('true');
    const before = markup('Away').text();
    await wrapper.setProps({ session: snapshot({ agent: { kind: 'not-ready', stateId: 'Away', label: 'Away from desk' }, selectableStates: states }) });
    // Same content (same width) after the move; only the visibility of the tag changed.
    expect(markup('Away').text()).toBe(before);
    expect(markup('Away').get('.current-tag').classes()).not.toContain('current-tag-off');
    expect(markup('Available').get('.current-tag').classes()).toContain('current-tag-off');
    wrapper.unmount();
  });
});
