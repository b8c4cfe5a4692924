import { describe, expect, it } from 'vitest';
import { EditorState } from './editor.svelte';

interface Rec { id: number; name: string; tags: string[] }
interface Draft { name: string; tags: string[] }

function state(load: (id: number) => Promise<Rec>) {
  return new EditorState<Rec, Draft>({ load, blank: () => ({ name: '', tags: [] }), toDraft: (r) => ({ name: r.name, tags: [...r.tags] }) });
}

describe('EditorState', () => {
  it('a record being loaded cannot be saved; once loaded it can', async () => {
    let resolve!: (r: Rec) => void;
    const e = state(() => new Promise((r) => (resolve = r)));
    const p = e.open(4);
    expect(e.status).toBe('loading');
    expect(e.canSave).toBe(false);
    resolve({ id: 4, name: 'Bolt', tags: [] });
    await p;
    expect(e.status).toBe('ready');
    expect(e.canSave).toBe(true);
    expect(e.draft.name).toBe('Bolt');
    expect(e.isNew).toBe(false);
  });

  it('a failed load is an error state, not a blank form that saves', async () => {
    const e = state(() => Promise.reject({ code: 'not_found', message: 'no such product', fields: [] }));
    await e.open(9);
    expect(e.status).toBe('error');
    expect(e.canSave).toBe(false);
    expect(e.loadError).toBe('No such product.');
  });

  it('tracks unsaved changes, nested ones too, and forgets them on save or revert', async () => {
    const e = state(async (id) => ({ id, name: 'Bolt', tags: ['a'] }));
    await e.open(1);
    expect(e.dirty).toBe(false);
    e.draft.name = 'Bolt M8';
    expect(e.dirty).toBe(true);
    e.draft.name = 'Bolt';
    expect(e.dirty).toBe(false);
    e.draft.tags.push('b');
    expect(e.dirty).toBe(true);
    e.revert();
    expect(e.dirty).toBe(false);
    expect(e.draft.tags).toEqual(['a']);
    e.draft.name = 'Nut';
    e.accept({ id: 1, name: 'Nut', tags: ['a'] });
    expect(e.dirty).toBe(false);
  });

  it('a late answer for a record no longer shown is ignored', async () => {
    const answers: Array<(r: Rec) => void> = [];
    const e = state(() => new Promise((r) => answers.push(r)));
    const first = e.open(1);
    const second = e.open(2);
    answers[1]({ id: 2, name: 'Second', tags: [] });
    await second;
    answers[0]({ id: 1, name: 'First', tags: [] });
    await first;
    expect(e.draft.name).toBe('Second');
  });

  it('a new record starts clean and becomes the saved record after create', async () => {
    const e = state(async (id) => ({ id, name: 'x', tags: [] }));
    await e.open(null);
    expect(e.isNew).toBe(true);
    e.draft.name = 'Fresh';
    expect(e.dirty).toBe(true);
    e.created({ id: 12, name: 'Fresh', tags: [] }, 12);
    expect(e.isNew).toBe(false);
    expect(e.recordId).toBe(12);
    expect(e.dirty).toBe(false);
  });
});
