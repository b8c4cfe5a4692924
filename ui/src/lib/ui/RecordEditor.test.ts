import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import Host from './test/Host.svelte';
import EditorHarness from './test/EditorHarness.svelte';

function mount(props: Record<string, unknown>) {
  return render(Host, { props: { component: EditorHarness as unknown as Component<Record<string, unknown>>, props } });
}
const esc = () => fireEvent.keyDown(window, { key: 'Escape' });

describe('RecordEditor', () => {
  it('shows the loading state and offers no Save until the record has loaded', async () => {
    let resolve!: (r: { id: number; name: string }) => void;
    const save = vi.fn();
    mount({ id: 3, load: () => new Promise((r) => (resolve = r)), save, onclose: () => {} });
    expect(screen.getByTestId('editor-loading')).toBeTruthy();
    expect((screen.getByTestId('thing-save') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    expect(save).not.toHaveBeenCalled();
    resolve({ id: 3, name: 'Bolt' });
    await waitFor(() => expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('Bolt'));
    expect((screen.getByTestId('thing-save') as HTMLButtonElement).disabled).toBe(false);
  });

  it('Esc with unsaved changes asks first; keeping them keeps the editor open', async () => {
    const onclose = vi.fn();
    mount({ id: null, load: vi.fn(), save: vi.fn(), onclose });
    const input = screen.getByLabelText('Name') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'Half-typed customer' } });
    expect(screen.getByTestId('editor-dirty')).toBeTruthy();
    await esc();
    await waitFor(() => expect(screen.getByTestId('confirm')).toBeTruthy());
    expect(onclose).not.toHaveBeenCalled();
    // Esc on the question means "no": the work stays.
    await esc();
    await waitFor(() => expect(screen.queryByTestId('confirm')).toBeNull());
    expect(onclose).not.toHaveBeenCalled();
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('Half-typed customer');
    // Asked again and confirmed: closed.
    await esc();
    await waitFor(() => expect(screen.getByTestId('confirm-ok')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(onclose).toHaveBeenCalledOnce());
  });

  it('a click on the backdrop never closes it', async () => {
    const onclose = vi.fn();
    mount({ id: null, load: vi.fn(), save: vi.fn(), onclose });
    const backdrop = screen.getByTestId('thing').parentElement!;
    await fireEvent.mouseDown(backdrop);
    await fireEvent.click(backdrop);
    expect(onclose).not.toHaveBeenCalled();
  });

  it('Mod+S saves, and the saved record is clean: Esc then closes without asking', async () => {
    const onclose = vi.fn();
    const save = vi.fn(async (name: string) => ({ id: 1, name }));
    mount({ id: null, load: vi.fn(), save, onclose });
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Nut' } });
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    await waitFor(() => expect(save).toHaveBeenCalledWith('Nut'));
    await waitFor(() => expect(screen.queryByTestId('editor-dirty')).toBeNull());
    await esc();
    await waitFor(() => expect(onclose).toHaveBeenCalledOnce());
    expect(screen.queryByTestId('confirm')).toBeNull();
  });

  it('read-only for a role that may not change it: disabled fields, no Save', async () => {
    mount({ id: 2, load: async () => ({ id: 2, name: 'Locked' }), save: vi.fn(), readonly: true, onclose: () => {} });
    await waitFor(() => expect(screen.getByTestId('editor-readonly')).toBeTruthy());
    expect(screen.queryByTestId('thing-save')).toBeNull();
    expect((screen.getByLabelText('Name') as HTMLInputElement).closest('fieldset')!.disabled).toBe(true);
  });

  it('keeps the focus inside: Tab from the last control goes to the first', async () => {
    mount({ id: null, load: vi.fn(), save: vi.fn(), onclose: () => {} });
    const dialog = screen.getByTestId('thing');
    const controls = [...dialog.querySelectorAll<HTMLElement>('button:not([disabled]):not([tabindex="-1"]), input')];
    controls.at(-1)!.focus();
    await fireEvent.keyDown(window, { key: 'Tab' });
    expect(document.activeElement).toBe(controls[0]);
  });

  it('in a master–detail page (not closable) offers Cancel only when there is something to drop', async () => {
    mount({ id: 4, load: async () => ({ id: 4, name: 'Sales' }), save: vi.fn(), closable: false, mode: 'page', onclose: () => {} });
    await waitFor(() => expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('Sales'));
    expect(screen.queryByTestId('thing-close')).toBeNull();
    await fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Sales team' } });
    expect(screen.getByTestId('thing-close').textContent).toBe('Cancel');
  });

  it('edits held outside the draft (text typed, not yet added) are guarded too', async () => {
    const onclose = vi.fn();
    mount({ id: null, load: vi.fn(), save: vi.fn(), unsaved: true, onclose });
    expect(screen.getByTestId('editor-dirty')).toBeTruthy();
    await esc();
    await waitFor(() => expect(screen.getByTestId('confirm')).toBeTruthy());
    expect(onclose).not.toHaveBeenCalled();
  });
});
