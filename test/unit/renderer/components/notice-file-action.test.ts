// @vitest-environment happy-dom
// issue 13 item 5: "diagnostics saved" keeps the path on screen with an action — "Show in folder"
// where the shell can (Electron: the diagnostics.reveal command with that path), "Copy path" where it
// cannot (the browser shell: no file manager to open). The notice stays until dismissed.
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import NoticeToasts from '../../../../renderer/components/NoticeToasts.vue';
import { useNoticesStore } from '../../../../renderer/stores/notices.ts';
import { useFakeBridge } from '../fake-api.ts';

const PATH = '/home/agent/.config/Patchbay/diagnostics/patchbay-diagnostics-20261206-2000.zip';

describe('the diagnostics notice keeps its path with an action (issue 13 item 5)', () => {
  const bridge = useFakeBridge();

  it('Electron: "Show in folder" asks main to show exactly that path', async () => {
    bridge().answers['diagnostics.reveal'] = () => ({ ok: true, value: { shown: true } });
    const notices = useNoticesStore();
    notices.push({ level: 'info', message: `Diagnostics saved to ${PATH}`, file: { path: PATH, canReveal: true } });
    const wrapper = mount(NoticeToasts);
    const action = wrapper.get('[data-testid="notice-file-action"]');
    expect(action.text()).toBe('Show in folder');
    await action.trigger('click');
    await flushPromises();
    expect(bridge().calls.filter((call) => call.command === 'diagnostics.reveal').map((call) => call.args)).toEqual([{ path: PATH }]);
    expect(wrapper.get('[data-testid="notice"]').text()).toContain(PATH);
    wrapper.unmount();
  });

  it('a refused reveal is shown as an error notice', async () => {
    bridge().answers['diagnostics.reveal'] = () => ({ ok: false, error: { code: 'diagnostics.path-refused', message: 'Patchbay can only show the diagnostics file it just saved.', action: 'none' } });
    useNoticesStore().push({ level: 'info', message: 'Diagnostics saved', file: { path: PATH, canReveal: true } });
    const wrapper = mount(NoticeToasts);
    await wrapper.get('[data-testid="notice-file-action"]').trigger('click');
    await flushPromises();
    expect(useNoticesStore().toasts.filter((toast) => toast.level === 'error').map((toast) => toast.message)).toEqual(['Patchbay can only show the diagnostics file it just saved.']);
    wrapper.unmount();
  });

  it('browser shell: "Copy path" copies the path and sends no command', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    useNoticesStore().push({ level: 'info', message: 'Diagnostics saved', file: { path: PATH, canReveal: false } });
    const wrapper = mount(NoticeToasts);
    const action = wrapper.get('[data-testid="notice-file-action"]');
    expect(action.text()).toBe('Copy path');
    await action.trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith(PATH);
    expect(wrapper.get('[data-testid="notice-path-copied"]').text()).toBe('Path copied');
    expect(bridge().calls.filter((call) => call.command === 'diagnostics.reveal')).toEqual([]);
    wrapper.unmount();
  });
});

describe('the diagnostics notice stays until dismissed (issue 13 item 5)', () => {
  useFakeBridge({ fakeTimers: true });

  it('unlike other info notices, it keeps its path on screen however long the agent takes', () => {
    const notices = useNoticesStore();
    notices.push({ level: 'info', message: 'Signed in' });
    const id = notices.push({ level: 'info', message: `Diagnostics saved to ${PATH}`, file: { path: PATH, canReveal: false } });
    vi.advanceTimersByTime(10 * 60_000);
    expect(notices.toasts.map((toast) => toast.file?.path)).toEqual([PATH]);
    notices.dismissByAgent(id ?? -1);
    expect(notices.toasts).toEqual([]);
  });
});
