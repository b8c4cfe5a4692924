// Units of measure: each dimension's base unit and the words for the dimensions.
import type { Dimension } from '../api';
import { t, type MessageKey } from '../i18n/index.svelte';

/** The code of each dimension's base unit (a unit's factor is in these). */
export const BASE: Record<Dimension, string> = { count: 'unit', mass: 'g', volume: 'ml', length: 'cm', time: 'hour' };
export const DIMENSIONS = Object.keys(BASE) as Dimension[];

const KEYS: Record<Dimension, MessageKey> = {
  count: 'catalog.dimension.count', mass: 'catalog.dimension.mass', volume: 'catalog.dimension.volume', length: 'catalog.dimension.length', time: 'catalog.dimension.time',
};

export function dimensionLabel(d: Dimension): string {
  return KEYS[d] ? t(KEYS[d]) : d;
}

export function dimensionOptions(): { value: Dimension; label: string }[] {
  return DIMENSIONS.map((d) => ({ value: d, label: dimensionLabel(d) }));
}
