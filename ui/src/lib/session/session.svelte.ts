// Who is signed in, in which company, and what they may do. The token itself stays in
// the shell; the page only knows whether a session exists.
import { call, files, setCallCompany, setTitle, toApiError, COMPANY_SCOPED, COMMAND_PERMISSION, type CommandName, type CompanySummary, type FileInfo, type Me } from '../api';
import { bump, byRecent } from '../ui/recent';
import { IdleClock } from '../ui/idle';
import { toast, toasts } from '../ui/toast.svelte';
import { hasKey, i18n, isLang, t } from '../i18n/index.svelte';
import { errorMessage } from '../i18n/errors';

export type Phase = 'loading' | 'nofile' | 'setup' | 'login' | 'app';

/** Commands only a superuser may run (the backend enforces it; the UI hides them). */
const SUPERUSER: ReadonlySet<string> = new Set([
  'audit.list_all', 'company.create', 'company.set_archived', 'user.create', 'user.get', 'user.list', 'user.reset_password',
  'user.set_active', 'user.update', 'role.create_global', 'role.delete_global', 'role.list_global', 'role.set_global_permissions', 'role.update_global',
]);

export const IDLE_MINUTES = 15;

/** The language picked on this device before sign-in ('' or absent: the system's). */
const DEVICE_LANGUAGE = 'cora.language';

/** The user's saved language ('' = follow the system). */
export function userLanguage(me: Me | null): string {
  return me?.user.language ?? '';
}

function deviceLanguage(): string {
  try {
    return localStorage.getItem(DEVICE_LANGUAGE) ?? '';
  } catch {
    return '';
  }
}

function storageKey(what: string, userId: number) {
  return `cora.${what}.${userId}`;
}

class Session {
  phase = $state<Phase>('loading');
  file = $state<FileInfo | null>(null);
  me = $state<Me | null>(null);
  companyId = $state<number | null>(null);
  locked = $state(false);
  /** Companies in most-recently-used order. */
  recentIds = $state<number[]>([]);
  lastEmail = $state('');
  /** The language chosen ('' = follow the system): the user's once signed in, else this device's. */
  language = $state(deviceLanguage());
  private idle: IdleClock | null = null;
  private idleTimer: ReturnType<typeof setInterval> | undefined;

  company = $derived<CompanySummary | null>(this.me?.companies.find((c) => c.id === this.companyId) ?? null);
  companies = $derived<CompanySummary[]>(byRecent(this.me?.companies ?? [], this.recentIds, (c) => c.id));
  perms = $derived<Set<string>>(new Set(this.me?.permissions.find((p) => p.company === this.companyId)?.permissions ?? []));
  superuser = $derived(!!this.me?.user.is_superuser);
  locale = $derived(this.company?.locale || navigator.language || 'en');
  currency = $derived(this.company?.base_currency ?? 'USD');

  /** Whether the signed-in user may run a command in the current company. */
  can(cmd: CommandName): boolean {
    if (!this.me) return false;
    if (this.superuser) return true;
    if (SUPERUSER.has(cmd)) return false;
    if (!COMPANY_SCOPED.has(cmd)) return true;
    const need = COMMAND_PERMISSION[cmd];
    return need ? this.perms.has(need) : this.companyId != null;
  }

  /** Checks before an action; says why when the role does not allow it. */
  guard(cmd: CommandName, what: string): boolean {
    if (this.can(cmd)) return true;
    const role = this.company?.role ?? t('session.no_role');
    // `what` is a message key, or (from screens not translated yet) English words.
    const action = hasKey(what) ? t(what) : i18n.lang === 'en' ? what : null;
    toast.error(action ? t('session.not_allowed', { role, action }) : t('errors.code.forbidden'));
    return false;
  }

  /** Shows the UI in `lang` ('' = the system's language). */
  private applyLanguage(lang: string) {
    i18n.set(isLang(lang) ? lang : isLang(deviceLanguage()) ? deviceLanguage() : null);
  }

  /**
   * The user's choice of UI language ('' = follow the system). Before sign-in it is kept
   * on this device; signed in, it is saved with the user (and kept on the device too, so
   * the sign-in screen speaks it next time).
   */
  async setLanguage(lang: string) {
    const language = isLang(lang) ? lang : '';
    this.language = language;
    try {
      if (language) localStorage.setItem(DEVICE_LANGUAGE, language);
      else localStorage.removeItem(DEVICE_LANGUAGE);
    } catch {
      /* storage unavailable: the choice lasts for this run */
    }
    this.applyLanguage(language);
    if (this.me && this.phase === 'app') {
      try {
        await call('user.set_language', { language });
      } catch (e) {
        toast.error(t('session.language_failed', { reason: errorMessage(e) }));
      }
    }
  }

  async boot() {
    this.phase = 'loading';
    this.applyLanguage(this.language);
    try {
      this.file = await files.state();
    } catch {
      this.file = null;
    }
    await this.afterFile();
  }

  async afterFile() {
    this.me = null;
    this.companyId = null;
    this.locked = false;
    if (!this.file?.path) {
      this.phase = 'nofile';
      this.updateTitle();
      return;
    }
    try {
      const st = await call('setup.status', {});
      this.phase = st.needs_setup ? 'setup' : 'login';
    } catch (e) {
      this.file = { ...this.file, error: { code: 'internal', reason: 'internal', params: {}, message: errorMessage(toApiError(e)), fields: [] } };
      this.phase = 'nofile';
    }
    this.updateTitle();
  }

  async openedFile(f: FileInfo) {
    this.file = f;
    await this.afterFile();
  }

  /** After sign-in or setup: load who we are and pick the last company used. */
  async signedIn(email: string) {
    this.lastEmail = email;
    localStorage.setItem('cora.lastEmail', email);
    await this.reloadMe();
    const uid = this.me!.user.id;
    try {
      this.recentIds = JSON.parse(localStorage.getItem(storageKey('recentCompanies', uid)) ?? '[]');
    } catch {
      this.recentIds = [];
    }
    const first = this.companies.find((c) => !c.archived) ?? this.companies[0];
    this.selectCompany(first?.id ?? null);
    this.phase = 'app';
    this.locked = false;
    this.startIdle();
  }

  async reloadMe() {
    this.me = await call('auth.me', {});
    const saved = userLanguage(this.me);
    // The user's own choice wins; '' follows this device's choice, else the system.
    this.language = saved || deviceLanguage();
    this.applyLanguage(this.language);
    if (this.companyId != null && !this.me.companies.some((c) => c.id === this.companyId)) {
      this.selectCompany(this.me.companies[0]?.id ?? null);
    }
    this.updateTitle();
  }

  selectCompany(id: number | null) {
    this.companyId = id;
    setCallCompany(id);
    if (id != null && this.me) {
      this.recentIds = bump(this.recentIds, id);
      localStorage.setItem(storageKey('recentCompanies', this.me.user.id), JSON.stringify(this.recentIds));
    }
    this.updateTitle();
  }

  updateTitle() {
    const parts = ['Cora'];
    if (this.phase === 'app' && this.company) parts.unshift(`${this.company.name} (${this.company.code})`);
    setTitle(parts.join(' — '));
  }

  async logout() {
    this.stopIdle();
    try {
      await call('auth.logout', {});
    } catch {
      /* the session may already be gone */
    }
    this.me = null;
    this.companyId = null;
    setCallCompany(null);
    this.locked = false;
    toasts.items = [];
    this.phase = 'login';
    this.updateTitle();
  }

  /** Idle: the session is ended in the shell and the password asked for again. */
  async lock() {
    if (this.locked || this.phase !== 'app') return;
    this.locked = true;
    try {
      await call('auth.logout', {});
    } catch {
      /* already gone */
    }
  }

  async unlock(password: string) {
    const email = this.me!.user.email;
    await call('auth.login', { email, password });
    this.locked = false;
    this.startIdle();
    await this.reloadMe();
  }

  startIdle(minutes = Number(localStorage.getItem('cora.idleMinutes') ?? IDLE_MINUTES)) {
    this.stopIdle();
    this.idle = new IdleClock(minutes * 60_000, Date.now());
    this.idleTimer = setInterval(() => {
      if (this.idle?.expired(Date.now())) this.lock();
    }, 5_000);
  }

  touch() {
    if (!this.locked) this.idle?.touch(Date.now());
  }

  stopIdle() {
    clearInterval(this.idleTimer);
    this.idle = null;
  }
}

export const session = new Session();
