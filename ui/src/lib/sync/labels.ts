// How a sink's state reads and looks.
import type { Sink } from '../api';
import type { Tone } from '../ui/StatusBadge.svelte';
import { t } from '../i18n/index.svelte';

/** The badge of a sink: off, loading, current, behind, failing or stopped after a restore. */
export function sinkStatus(s: Sink): { status: string; tone: Tone; label: string } {
  if (!s.enabled) return { status: 'off', tone: 'neutral', label: t('sync.state.off') };
  if (s.state === 'diverged') return { status: 'diverged', tone: 'danger', label: t('sync.state.diverged') };
  if (s.last_error) return { status: 'failing', tone: 'danger', label: t('sync.state.failing') };
  if (s.state === 'snapshot') return { status: 'snapshot', tone: 'warn', label: t('sync.state.snapshot') };
  if (s.lag_changes > 0) return { status: 'behind', tone: 'accent', label: t('sync.state.behind') };
  return { status: 'current', tone: 'ok', label: t('sync.state.current') };
}

/** "12 changes, 3 min" — how far a sink is behind. */
export function lagText(s: Sink): string {
  if (!s.enabled || s.state !== 'streaming' || s.lag_changes === 0) return '—';
  const secs = s.lag_seconds ?? 0;
  const age = secs < 60 ? t('sync.lag.seconds', { n: secs }) : secs < 3600 ? t('sync.lag.minutes', { n: Math.floor(secs / 60) }) : t('sync.lag.hours', { n: Math.floor(secs / 3600) });
  return t('sync.lag.text', { n: s.lag_changes, age });
}
