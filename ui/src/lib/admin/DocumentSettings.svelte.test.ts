import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError, type Company } from '../api';
import { i18n } from '../i18n/index.svelte';
import Host from '../ui/test/Host.svelte';
import DocumentSettings from './DocumentSettings.svelte';
import { emptyCompany, LOGO_MAX_BYTES } from './company';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAACgAAAAKCAYAAADGmhxQAAAAJElEQVR4nGOQsznxfzBjhoF2wKgDRx040A4YdeCoAwfaAYQwAOofU74VTCGpAAAAAElFTkSuQmCC';
const logo = { media_type: 'image/png', width: 40, height: 10, data_base64: PNG };
const company = (o: Partial<Company> = {}) => ({ id: 1, name: 'Acme', has_logo: false, updated_at: '2026-12-01T10:00:00Z', ...o }) as Company;
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);

function mount(c: Company, readonly = false) {
  const changed = vi.fn();
  render(Host, { props: { component: DocumentSettings as unknown as Component<Record<string, unknown>>, props: { value: emptyCompany(), errors: {}, company: c, readonly, onchanged: changed } } });
  return changed;
}

async function choose(bytes: Uint8Array<ArrayBuffer>, type: string, size = bytes.length) {
  const input = screen.getByTestId('logo-file') as HTMLInputElement;
  const file = new File([bytes], 'logo', { type });
  Object.defineProperty(file, 'size', { value: size });
  Object.defineProperty(file, 'arrayBuffer', { value: async () => bytes.buffer });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await fireEvent.change(input);
}

beforeEach(() => {
  call.mockReset();
  i18n.set('en');
});

describe('printed documents settings', () => {
  it('shows the stored logo, replaces it with a chosen file sent base64, and removes it', async () => {
    let stored: typeof logo | null = logo;
    call.mockImplementation(async (name: string) => {
      if (name === 'company.get_logo') return stored;
      if (name === 'company.set_logo') return company({ has_logo: true });
      if (name === 'company.remove_logo') {
        stored = null;
        return company({ has_logo: false });
      }
      throw new Error(`unexpected ${name}`);
    });
    const changed = mount(company({ has_logo: true }));
    await waitFor(() => expect(screen.getByTestId('logo-preview').querySelector('img')?.getAttribute('src')).toBe(`data:image/png;base64,${PNG}`));
    await choose(new Uint8Array([1, 2, 3]), 'image/png');
    await waitFor(() => expect(argsOf('company.set_logo')).toEqual([{ data_base64: 'AQID' }]));
    await waitFor(() => expect(changed).toHaveBeenCalledTimes(1));
    await fireEvent.click(screen.getByTestId('logo-remove'));
    await waitFor(() => expect(screen.getByTestId('logo-preview').querySelector('img')).toBeNull());
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('refuses a too large or non-image file before sending it, and shows the core’s refusal beside the logo', async () => {
    call.mockImplementation(async (name: string) => {
      if (name === 'company.set_logo') throw new ApiError({ code: 'validation', message: 'bad', fields: [{ field: 'data_base64', code: 'unsupported_image', params: {}, message: 'must be a PNG or JPEG image' }] });
      throw new Error(`unexpected ${name}`);
    });
    mount(company());
    expect(screen.getByTestId('logo-preview').textContent).toContain('No logo');
    await choose(new Uint8Array([1]), 'image/png', LOGO_MAX_BYTES + 1);
    expect(screen.getByTestId('logo-error').textContent).toBe('The file is larger than 512 KiB.');
    await choose(new Uint8Array([1]), 'image/gif');
    expect(screen.getByTestId('logo-error').textContent).toBe('Choose a PNG or JPEG file.');
    expect(argsOf('company.set_logo')).toEqual([]);
    await choose(new Uint8Array([1, 2, 3]), '');
    await waitFor(() => expect(screen.getByTestId('logo-error').textContent).toBe('Must be a PNG or JPEG image.'));
  });

  it('read-only: the logo shows, nothing offers to change it', async () => {
    call.mockImplementation(async (name: string) => (name === 'company.get_logo' ? logo : Promise.reject(new Error(name))));
    mount(company({ has_logo: true }), true);
    await waitFor(() => expect(screen.getByTestId('logo-preview').querySelector('img')).toBeTruthy());
    expect(screen.queryByTestId('logo-file')).toBeNull();
    expect(screen.queryByTestId('logo-remove')).toBeNull();
  });
});
