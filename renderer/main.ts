// Renderer entry: Vue + Pinia, styles bundled into one CSS file (CSP style-src 'self').
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import './styles.css';

import { getBridge } from './api/bridge.ts';
import { i18n, pickLocale, setLocale } from './i18n/index.ts';

// issue 13 item 11: the OS locale until the agent's Settings say otherwise (SettingsPanel applies it).
// English is built in; for German the first paint waits for its chunk (loopback, ~5 KB) rather than
// flashing English words first.
const localeReady = setLocale(pickLocale(navigator.language));

const app = createApp(App);
// Renderer errors reach the app's log files through the contract (rate-limited and redacted in main).
function report(message: string, context: Record<string, string>): void {
  void getBridge().invoke('log.write', { level: 'error', message: message.slice(0, 2000), context });
}
app.config.errorHandler = (error, _instance, info) => report(error instanceof Error ? error.message : String(error), { source: 'vue', info });
window.addEventListener('error', (event) => report(event.message, { source: 'window' }));
window.addEventListener('unhandledrejection', (event) => report(String(event.reason), { source: 'promise' }));
app.use(createPinia()).use(i18n);
void localeReady.then(() => app.mount('#app'));
