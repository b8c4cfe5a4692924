/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// The app is served from the binary (tauri://); no remote content, relative asset paths.
export default defineConfig({
  // svelteTesting: under Vitest only (it checks), component tests mount the browser build
  // of Svelte and clean up after each test; it does nothing to the app's build.
  plugins: [svelte(), svelteTesting()],
  base: './',
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: 'safari15', sourcemap: false, chunkSizeWarningLimit: 1500 },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
  },
});
