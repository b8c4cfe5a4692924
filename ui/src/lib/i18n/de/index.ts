// German: must carry every key of the English catalog (checked by the type).
import type { Catalog } from '../index.svelte';
import { common } from './common';
import { fields } from './fields';

export const de: Catalog = { ...common, ...fields };
