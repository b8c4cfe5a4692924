import { describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { EditorState } from './editor.svelte';

describe('EditorState in a reactive context', () => {
  it('a title derived from isNew follows a create (the dialog stops saying "New …")', async () => {
    const e = new EditorState<{ id: number; name: string }, { name: string }>({ load: async (id) => ({ id, name: 'x' }), blank: () => ({ name: '' }), toDraft: (r) => ({ name: r.name }) });
    await e.open(null);
    let title = '';
    const stop = $effect.root(() => {
      const t = $derived(e.isNew ? 'New product' : (e.record?.name ?? ''));
      $effect(() => {
        title = t;
      });
    });
    flushSync();
    expect(title).toBe('New product');
    e.created({ id: 5, name: 'Espressotasse' }, 5);
    flushSync();
    expect(title).toBe('Espressotasse');
    stop();
  });
});
