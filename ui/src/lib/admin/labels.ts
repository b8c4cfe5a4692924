// Readable, translated names for the codes the backend speaks in: entities ("auditlog"),
// permission codenames ("audit.view_auditlog"), actions, built-in roles. A code without a
// translation still reads as words ("view_auditlog" → "View audit log"), never raw.
import { hasKey, i18n, t } from '../i18n/index.svelte';
import { formatInstant } from '../ui/dates';
import { parseCodename } from './matrix';

/** Words run together in model names, split for the readable fallback. */
const COMPOUNDS: Record<string, string> = { auditlog: 'audit log', membership: 'membership', pricelist: 'price list', taxrate: 'tax rate' };

/** "view_auditlog" → "View audit log", "set_archived" → "Set archived", "company.update" → "Company update". */
export function humanize(code: string): string {
  const words = code
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[._\-\s]+/)
    .filter(Boolean)
    .map((w) => COMPOUNDS[w.toLowerCase()] ?? w.toLowerCase());
  const s = words.join(' ');
  return s ? s[0].toUpperCase() + s.slice(1) : '';
}

/** The label of an entity (model) code: "auditlog" → "Audit log" / "Prüfprotokoll". */
export function entityLabel(model: string): string {
  const k = `admin.entity.${model}`;
  return hasKey(k) ? t(k) : humanize(model);
}

/** An entity's name inside a sentence: lower-case in English, as written in German. */
function entityInSentence(model: string): string {
  const s = entityLabel(model);
  return i18n.lang === 'en' ? s.toLowerCase() : s;
}

/** The label of an action code: "view" → "View", "set_archived" → "Set archived". */
export function actionLabel(action: string): string {
  const k = `admin.action.${action}`;
  return hasKey(k) ? t(k) : humanize(action);
}

/** A permission codename as a sentence: "audit.view_auditlog" → "View audit log". */
export function permissionLabel(codename: string): string {
  const { action, model } = parseCodename(codename);
  const k = `admin.perm.${action}`;
  const entity = entityInSentence(model);
  if (hasKey(k)) return t(k, { entity });
  return t('admin.perm.other', { action: actionLabel(action), entity });
}

/** A module code: "catalog" → "Catalog". */
export function moduleLabel(module: string): string {
  const k = `admin.module.${module}`;
  return hasKey(k) ? t(k) : humanize(module);
}

/** A role's name: built-in roles by their key, in the user's language; others as named. */
export function roleName(r: { name: string; builtin?: string | null }): string {
  const k = r.builtin ? `admin.builtin.${r.builtin}` : '';
  return k && hasKey(k) ? t(k) : r.name;
}

/** A built-in role's description, translated; others as written. */
export function roleDescription(r: { description: string; builtin?: string | null }): string {
  const k = r.builtin ? `admin.builtin.${r.builtin}.description` : '';
  return k && hasKey(k) ? t(k) : r.description;
}

/** An audited command ("membership.add") as words: "Membership: add". */
export function commandLabel(command: string): string {
  const dot = command.indexOf('.');
  if (dot < 0) return humanize(command);
  return t('admin.audit.command', { entity: entityLabel(command.slice(0, dot)), action: actionLabel(command.slice(dot + 1)) });
}

/**
 * An instant in a time zone (the company's, not the machine's), in the locale's medium
 * date and short time (the shared `formatInstant`); an unknown zone falls back to UTC.
 */
export function formatInstantInZone(iso: string | null | undefined, locale: string, timeZone: string | null | undefined): string {
  if (!iso) return '';
  const zone = timeZone && isTimeZone(timeZone) ? timeZone : 'UTC';
  return formatInstant(iso, locale, zone);
}

function isTimeZone(z: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: z });
    return true;
  } catch {
    return false;
  }
}

/** The caller's role as a company summary names it (a built-in key or a role's name), readable. */
export function summaryRole(role: string | null | undefined): string {
  if (!role) return '';
  const k = `admin.builtin.${role.toLowerCase()}`;
  return hasKey(k) ? t(k) : role;
}
