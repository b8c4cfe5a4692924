import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

// An error that escapes the app is kept (window.__coraErrors, for support and the e2e
// tests) and, when nothing could be shown, put on the page rather than a blank window.
const errors: string[] = [];
(window as unknown as { __coraErrors: string[] }).__coraErrors = errors;
function report(e: unknown) {
  const text = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  errors.push(text);
  const root = document.getElementById('app');
  if (root && !root.textContent?.trim()) {
    const pre = document.createElement('pre');
    pre.setAttribute('role', 'alert');
    pre.style.cssText = 'margin:24px;white-space:pre-wrap;color:#b42318';
    pre.textContent = `Cora could not start:\n${text}`;
    root.append(pre);
  }
}
window.addEventListener('error', (e) => report(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => report(e.reason));

let app: ReturnType<typeof mount> | undefined;
try {
  app = mount(App, { target: document.getElementById('app')! });
} catch (e) {
  report(e);
}
export default app;
