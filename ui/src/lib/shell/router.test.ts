import { describe, expect, it } from 'vitest';
import { Router } from './router.svelte';

describe('router', () => {
  it('goes back and forward through the history; a new visit drops the forward entries', async () => {
    const r = new Router();
    await r.go('products');
    await r.go('products', { id: 7 });
    await r.go('customers');
    expect(r.canBack).toBe(true);
    expect(r.canForward).toBe(false);
    await r.back();
    expect(r.route).toEqual({ screen: 'products', id: 7 });
    await r.back();
    expect(r.route).toEqual({ screen: 'products' });
    expect(r.canForward).toBe(true);
    await r.forward();
    expect(r.route).toEqual({ screen: 'products', id: 7 });
    await r.go('units');
    expect(r.canForward).toBe(false);
    await r.back();
    expect(r.route).toEqual({ screen: 'products', id: 7 });
  });

  it('closing a record returns to its list without a new entry', async () => {
    const r = new Router();
    await r.go('products');
    await r.go('products', { id: 3 });
    await r.closeRecord();
    expect(r.route).toEqual({ screen: 'products' });
    expect(r.canForward).toBe(true);
    // Opened straight from elsewhere (the palette): closing replaces the entry with the list.
    await r.go('customers', { id: 9 });
    await r.closeRecord();
    expect(r.route).toEqual({ screen: 'customers' });
    await r.back();
    expect(r.route).toEqual({ screen: 'products' });
  });

  it('a leave guard that says no keeps the user where they are', async () => {
    const r = new Router();
    await r.go('products', { id: 1 });
    let answer = false;
    let asked = 0;
    const off = r.guard(() => {
      asked++;
      return answer;
    });
    expect(await r.go('customers')).toBe(false);
    expect(await r.back()).toBe(false);
    expect(r.route).toEqual({ screen: 'products', id: 1 });
    expect(asked).toBe(2);
    answer = true;
    expect(await r.go('customers')).toBe(true);
    off();
    expect(await r.back()).toBe(true);
    expect(asked).toBe(3);
  });

  it('picking the record already shown still counts as a navigation (the screen reacts)', async () => {
    const r = new Router();
    await r.go('products', { id: 5 });
    const seq = r.seq;
    await r.go('products', { id: 5 });
    expect(r.seq).toBe(seq + 1);
    expect(r.canBack).toBe(true);
  });

  it('remembers screen state per company; another company starts over', async () => {
    const r = new Router();
    r.reset('1');
    r.remember('products', { search: 'shirt' });
    expect(r.recall('products')).toEqual({ search: 'shirt' });
    r.reset('1');
    expect(r.recall('products')).toEqual({ search: 'shirt' });
    r.reset('2');
    expect(r.recall('products')).toBeUndefined();
    expect(r.route).toEqual({ screen: 'home' });
    expect(r.canBack).toBe(false);
  });
});
