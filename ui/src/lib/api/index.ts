// The typed door to the command layer. Screens import from here, never from @tauri-apps.
import type { CommandName, Commands, CompanyRef, DataChange, DocumentSource, ErrorBody, ExportFile, FieldError, SinkKind } from './bindings';
import { COMPANY_SCOPED } from './bindings';
import { invokeShell, onShellEvent, setWindowTitle, inShell } from './tauri';

export type * from './bindings';
export { COMPANY_SCOPED, COMMAND_PERMISSION } from './bindings';
export type Args<K extends CommandName> = Commands[K]['args'];
export type Result<K extends CommandName> = Commands[K]['result'];

/** A failed command, with the backend's stable code and per-field messages. */
export class ApiError extends Error {
  readonly code: ErrorBody['code'] | 'shell';
  /** The stable reason (`bad_credentials`, `forbidden`, ...) the UI translates; absent from older cores. */
  readonly reason?: string;
  readonly params?: Record<string, string>;
  readonly fields: FieldError[];
  readonly retryAfterSecs?: number;
  constructor(body: Partial<ErrorBody> & { message: string }) {
    super(body.message);
    const extra = body as { reason?: string; params?: Record<string, string> };
    this.code = body.code ?? 'shell';
    this.reason = extra.reason ?? undefined;
    this.params = extra.params ?? undefined;
    this.fields = body.fields ?? [];
    this.retryAfterSecs = body.retry_after_secs;
  }
  /** Field name → message (first message per field). */
  fieldMap(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.fields) out[f.field] ??= f.message;
    return out;
  }
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e && typeof e === 'object' && 'message' in e && 'code' in e) return new ApiError(e as ErrorBody);
  return new ApiError({ message: e instanceof Error ? e.message : String(e) });
}

/** The company company-scoped commands run in, set by the session. */
let currentCompany: number | null = null;
export function setCallCompany(id: number | null) {
  currentCompany = id;
}

type Transport = (cmd: string, args: Record<string, unknown>) => Promise<unknown>;
let transport: Transport = (cmd, args) => invokeShell(cmd, args);
/** Tests swap the transport for a fake backend. */
export function setTransport(t: Transport) {
  transport = t;
}

/**
 * Runs one command. Company-scoped commands run in the current company unless
 * `company` names another.
 */
export async function call<K extends CommandName>(name: K, args: Args<K>, company?: CompanyRef): Promise<Result<K>> {
  const scoped = COMPANY_SCOPED.has(name);
  const co = company ?? (scoped ? currentCompany : null);
  try {
    return (await transport('call', { command: name, args: args ?? {}, company: co })) as Result<K>;
  } catch (e) {
    throw toApiError(e);
  }
}

/** Whether the backend knows the command (screens for modules not built yet stay hidden). */
export function hasCommand(name: string, known: ReadonlySet<string>): boolean {
  return known.has(name);
}

export interface FileInfo {
  path: string | null;
  error: ErrorBody | null;
  recent: string[];
  default: string;
}

export const files = {
  state: () => transport('file_state', {}) as Promise<FileInfo>,
  open: async (path: string) => {
    try {
      return (await transport('file_open', { path })) as FileInfo;
    } catch (e) {
      throw toApiError(e);
    }
  },
  dialog: async (create: boolean) => {
    try {
      return (await transport('file_dialog', { new: create })) as FileInfo | null;
    } catch (e) {
      throw toApiError(e);
    }
  },
};

/** Saves an exported file through the native Save dialog; null when cancelled. */
export async function saveExport(file: ExportFile): Promise<string | null> {
  try {
    return (await transport('save_export', { file })) as string | null;
  } catch (e) {
    throw toApiError(e);
  }
}

/** Prints a report (`report.table`) to PDF through the native Save dialog; null when cancelled. */
export async function printReport(report: string, args: Record<string, unknown>, printed: string, lang: string): Promise<string | null> {
  try {
    return (await transport('print_report', { report, args, company: currentCompany, printed, lang })) as string | null;
  } catch (e) {
    throw toApiError(e);
  }
}

/** Prints a trade document (`trade.document`: a quotation or order, invoice, bill, credit
 * or debit note, delivery note) to PDF through the native Save dialog; null when cancelled. */
export async function printDocument(doc: DocumentSource, id: number, lang: string): Promise<string | null> {
  try {
    return (await transport('print_document', { doc, id, company: currentCompany, lang })) as string | null;
  } catch (e) {
    throw toApiError(e);
  }
}

/** What one run of a sink did (the desktop shell's `sync_now`). */
export interface SyncRunReport {
  sink_id: number;
  company: string;
  name: string;
  kind: SinkKind;
  snapshot_rows: number;
  changes: number;
  batches: number;
  acked_seq: number;
  skipped: string | null;
  error: string | null;
  diverged: boolean;
}

/** Runs the current company's sinks now (the desktop app's exporter); what each did. */
export async function syncNow(): Promise<SyncRunReport[]> {
  try {
    return (await transport('sync_now', { company: currentCompany })) as SyncRunReport[];
  } catch (e) {
    throw toApiError(e);
  }
}

/** The desktop shell's local HTTP API (`cora serve` inside the app), off until started. */
export interface HttpApiState {
  running: boolean;
  /** `127.0.0.1:8765` while running. */
  address: string | null;
}

export const httpApi = {
  /** Null outside the desktop shell (a browser, tests): there is nothing to start. */
  state: async (): Promise<HttpApiState | null> => {
    if (!inShell()) return null;
    return (await transport('http_api_state', {})) as HttpApiState;
  },
  start: async (port: number): Promise<HttpApiState> => {
    try {
      return (await transport('http_api_start', { port })) as HttpApiState;
    } catch (e) {
      throw toApiError(e);
    }
  },
  stop: async (): Promise<HttpApiState> => {
    try {
      return (await transport('http_api_stop', {})) as HttpApiState;
    } catch (e) {
      throw toApiError(e);
    }
  },
};

/** What the shell's watcher reports: `audit.changes_since` as the signed-in user sees it. */
export type Change = DataChange;

export const events = {
  /** Data written by anyone (this window, another, the `cora` CLI). */
  onDataChanged: (cb: (c: Change[]) => void) => (inShell() ? onShellEvent<Change[]>('data-changed', cb) : Promise.resolve(() => {})),
  /** The desktop app's exporter sent changes to a sink (or a sink failed). */
  onSyncRan: (cb: () => void) => (inShell() ? onShellEvent<null>('sync-ran', () => cb()) : Promise.resolve(() => {})),
  onFileOpened: (cb: (f: FileInfo) => void) => (inShell() ? onShellEvent<FileInfo>('file-opened', cb) : Promise.resolve(() => {})),
};

export function setTitle(title: string) {
  document.title = title;
  if (inShell()) setWindowTitle(title).catch(() => {});
}
