// German: must carry every key of the English catalog (checked by the type).
import type { Catalog } from '../index.svelte';
import { common } from './common';

export const de: Catalog = { ...common };
