// The footer line of a printed report: when (the company's time) and by whom.
import { session } from '../session/session.svelte';
import { t } from '../i18n/index.svelte';
import { formatInstant } from '../ui/dates';
import { companyZone } from '../admin/company';

export function printedLine(now: Date = new Date()): string {
  const when = formatInstant(now.toISOString(), session.locale, companyZone(session.company));
  return t('reports.printed', { when, user: session.me?.user.display_name ?? '' });
}
