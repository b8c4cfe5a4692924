import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: the file has no typings of its own (they are the package's).
vi.mock('svelte', () => import('../../../node_modules/svelte/src/index-client.js'));
import { createRawSnippet } from 'svelte';
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import Tabs from './Tabs.svelte';
import Menu from './Menu.svelte';
import Table from './Table.svelte';
import StatusBadge from './StatusBadge.svelte';
import { i18n } from '../i18n/index.svelte';

i18n.set('en');
afterEach(cleanup);

describe('Tabs', () => {
  it('moves and activates with arrows, Home and End, skipping disabled tabs', async () => {
    const u = userEvent.setup();
    const panel = createRawSnippet((id: () => string) => ({
      render: () => '<p data-testid="panel"></p>',
      setup: (node: Element) => {
        $effect(() => {
          node.textContent = `panel ${id()}`;
        });
      },
    }));
    const p = $state({
      tabs: [{ id: 'general', label: 'General' }, { id: 'variants', label: 'Variants', disabled: true }, { id: 'kit', label: 'Kit', badge: 3 }, { id: 'log', label: 'Log' }],
      active: 'general', label: 'Product', children: panel,
    });
    render(Tabs, { props: p });
    const tabs = screen.getAllByRole('tab');
    expect(screen.getByRole('tablist').getAttribute('aria-label')).toBe('Product');
    expect(tabs.map((x) => x.tabIndex)).toEqual([0, -1, -1, -1]);
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(tabs[0].id);
    await u.click(tabs[0]);
    await u.keyboard('{ArrowRight}');
    expect(p.active).toBe('kit');
    expect(document.activeElement).toBe(tabs[2]);
    expect(tabs[2].getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('panel').textContent).toBe('panel kit');
    await u.keyboard('{ArrowLeft}');
    expect(p.active).toBe('general');
    await u.keyboard('{ArrowLeft}');
    expect(p.active).toBe('log');
    await u.keyboard('{Home}');
    expect(p.active).toBe('general');
    await u.keyboard('{End}');
    expect(p.active).toBe('log');
    await u.click(tabs[1]);
    expect(p.active).toBe('log');
  });
});

describe('Menu', () => {
  function setup() {
    const picked: string[] = [];
    const items = ['edit', 'duplicate', 'archive'].map((id) => ({ id, label: id, onselect: () => picked.push(id), disabled: id === 'duplicate', danger: id === 'archive', shortcut: id === 'edit' ? 'Mod+E' : undefined }));
    render(Menu, { props: { label: 'Actions', items } });
    return { picked, button: screen.getByRole('button', { name: 'Actions' }), u: userEvent.setup() };
  }
  it('opens from the keyboard, skips disabled items, picks with Enter and returns the focus', async () => {
    const { picked, button, u } = setup();
    expect(button.getAttribute('aria-haspopup')).toBe('menu');
    button.focus();
    await u.keyboard('{ArrowDown}');
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const items = screen.getAllByRole('menuitem');
    expect(document.activeElement).toBe(items[0]);
    expect(items[0].textContent).toContain('Ctrl+E');
    await u.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(items[2]);
    await u.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(items[0]);
    await u.keyboard('{End}{Enter}');
    expect(picked).toEqual(['archive']);
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
  });
  it('Escape closes, keeps the dialog open and refocuses the button; a click outside closes', async () => {
    const { button, u } = setup();
    const outer = vi.fn();
    const listen = (e: KeyboardEvent) => e.key === 'Escape' && !e.defaultPrevented && outer();
    window.addEventListener('keydown', listen);
    await u.click(button);
    expect(screen.getByRole('menu')).toBeTruthy();
    await u.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(outer).not.toHaveBeenCalled();
    window.removeEventListener('keydown', listen);
    await u.click(button);
    await u.click(document.body);
    expect(screen.queryByRole('menu')).toBeNull();
  });
});

describe('Table', () => {
  it('renders columns, snippet cells and right-aligned numeric columns', () => {
    const cell = createRawSnippet((row: () => { sku: string; price: string }, col: () => { key: string }) => ({
      render: () => `<span>${col().key === 'price' ? `€${row().price}` : row().sku}</span>`,
    }));
    render(Table, { props: { columns: [{ key: 'sku', label: 'SKU' }, { key: 'price', label: 'Price', numeric: true }], rows: [{ sku: 'A-1', price: '19.90' }], cell: cell as never } });
    const price = screen.getByText('€19.90').closest('td')!;
    expect(price.className).toContain('a-end');
    expect(price.className).toContain('num');
    expect(screen.getByRole('columnheader', { name: 'Price' }).className).toContain('a-end');
  });
  it('says when it is empty', () => {
    render(Table, { props: { columns: [{ key: 'sku', label: 'SKU' }], rows: [] } });
    expect(screen.getByText('Nothing here yet')).toBeTruthy();
  });
});

describe('StatusBadge', () => {
  it('maps statuses to tones and translated labels', () => {
    i18n.set('de');
    render(StatusBadge, { props: { status: 'posted' } });
    render(StatusBadge, { props: { status: 'cancelled' } });
    render(StatusBadge, { props: { status: 'weird' } });
    const [posted, cancelled, weird] = screen.getAllByTestId('status-badge');
    expect(posted.textContent).toBe('Gebucht');
    expect(posted.className).toContain('ok');
    expect(cancelled.textContent).toBe('Storniert');
    expect(cancelled.className).toContain('danger');
    expect(weird.textContent).toBe('weird');
    i18n.set('en');
  });
});
