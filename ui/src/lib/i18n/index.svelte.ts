// The one door for user-visible text: t('ns.key', { values }) with ICU message syntax
// (plural and select rules per language, via FormatJS's intl-messageformat).
// The UI language is the user's choice and is independent of the company's locale,
// which governs numbers, money and dates (see ui/format.ts).
//
// Catalogs are split by namespace (common, shell, admin, catalog, partners, errors, ...),
// one file per namespace and language; `en` is the reference and every other language
// must have exactly its keys (the type `Catalog` makes a missing key a type error).
import { IntlMessageFormat } from 'intl-messageformat';
import { en } from './en';
import { de } from './de';

export type MessageKey = keyof typeof en;
export type Catalog = Record<MessageKey, string>;

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'de', label: 'Deutsch' },
] as const;
export type Lang = (typeof LANGUAGES)[number]['code'];

const CATALOGS: Record<Lang, Catalog> = { en, de };

export function isLang(s: string | null | undefined): s is Lang {
  return !!s && s in CATALOGS;
}

/** The language a fresh install starts in: the system's, when we ship it. */
export function systemLang(): Lang {
  const nav = (typeof navigator !== 'undefined' && navigator.language) || 'en';
  const base = nav.slice(0, 2).toLowerCase();
  return isLang(base) ? base : 'en';
}

class I18n {
  lang = $state<Lang>(systemLang());
  set(lang: string | null | undefined) {
    this.lang = isLang(lang) ? lang : systemLang();
    if (typeof document !== 'undefined') document.documentElement.lang = this.lang;
  }
}
export const i18n = new I18n();

const compiled = new Map<string, IntlMessageFormat>();

export type Values = Record<string, string | number | boolean | Date | null | undefined>;

/** The message `key` in the user's language, with ICU arguments filled in. */
export function t(key: MessageKey, values?: Values): string {
  const lang = i18n.lang;
  const src = CATALOGS[lang][key] ?? en[key] ?? key;
  if (!values && !src.includes('{')) return src;
  const ck = `${lang}|${key}`;
  let f = compiled.get(ck);
  if (!f) {
    f = new IntlMessageFormat(src, lang);
    compiled.set(ck, f);
  }
  try {
    return String(f.format(values ?? {}));
  } catch {
    return src;
  }
}

/** Whether a string is a known message key (for codes that arrive from the backend). */
export function hasKey(key: string): key is MessageKey {
  return key in en;
}
