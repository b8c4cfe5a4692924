// Choices for company settings: countries, currencies, locales, time zones, from the
// platform's Intl data where it has them.

const COUNTRY_CODES = 'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(' ');
const COMMON_CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CNY', 'INR', 'CAD', 'AUD', 'BRL', 'MXN', 'ZAR', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'TRY', 'AED', 'SGD', 'HKD', 'NZD', 'KRW'];
export const COMMON_LOCALES = ['en-US', 'en-GB', 'en-IN', 'de-DE', 'de-CH', 'fr-FR', 'fr-CA', 'es-ES', 'es-MX', 'it-IT', 'nl-NL', 'pt-BR', 'pt-PT', 'pl-PL', 'sv-SE', 'da-DK', 'nb-NO', 'fi-FI', 'cs-CZ', 'tr-TR', 'ja-JP', 'zh-CN', 'ko-KR', 'ar-AE', 'hi-IN'];

type IntlWithValues = { supportedValuesOf?: (k: string) => string[] };
function supported(kind: string): string[] {
  try {
    return (Intl as unknown as IntlWithValues).supportedValuesOf?.(kind) ?? [];
  } catch {
    return [];
  }
}

function displayNames(locale: string, type: 'region' | 'currency'): (code: string) => string {
  try {
    const d = new Intl.DisplayNames([locale || 'en'], { type });
    return (c) => d.of(c) ?? c;
  } catch {
    return (c) => c;
  }
}

export function countryOptions(locale = 'en'): { value: string; label: string }[] {
  const name = displayNames(locale, 'region');
  return COUNTRY_CODES.map((c) => ({ value: c, label: `${name(c)} (${c})` })).sort((a, b) => a.label.localeCompare(b.label));
}

export function currencyOptions(locale = 'en'): { value: string; label: string }[] {
  const name = displayNames(locale, 'currency');
  const all = supported('currency');
  const codes = all.length ? all : COMMON_CURRENCIES;
  return codes.map((c) => ({ value: c, label: `${c} — ${name(c)}` }));
}

export function timeZones(): string[] {
  const z = supported('timeZone');
  return z.length ? z : ['UTC', 'Europe/London', 'Europe/Berlin', 'Europe/Paris', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Sydney'];
}

/** A guess of the user's locale, currency and zone for new companies. */
export function guessDefaults(): { locale: string; timezone: string; currency: string; country: string } {
  // "C" or a bare "en" (a minimal environment) is no company locale: fall back to en-US.
  const nav = (typeof navigator !== 'undefined' && navigator.language) || '';
  const locale = /^[a-z]{2,3}-[A-Z]{2}$/.test(nav) ? nav : 'en-US';
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const country = locale.split('-')[1]?.toUpperCase() ?? '';
  const byCountry: Record<string, string> = { US: 'USD', GB: 'GBP', DE: 'EUR', FR: 'EUR', ES: 'EUR', IT: 'EUR', NL: 'EUR', CH: 'CHF', JP: 'JPY', IN: 'INR', CA: 'CAD', AU: 'AUD', BR: 'BRL', MX: 'MXN' };
  return { locale, timezone, currency: byCountry[country] ?? 'USD', country };
}
