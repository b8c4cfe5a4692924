// jsdom has no layout, so no ResizeObserver (Svelte's bind:clientHeight uses one): a
// do-nothing one lets components that measure themselves mount in component tests.
class NoLayoutResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoLayoutResizeObserver as unknown as typeof ResizeObserver;
