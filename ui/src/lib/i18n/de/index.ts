// German: must carry every key of the English catalog (checked by the type).
import type { Catalog } from '../index.svelte';
import { common } from './common';
import { shell } from './shell';
import { session } from './session';
import { errors } from './errors';

export const de: Catalog = {
  ...common,
  ...shell,
  ...session,
  ...errors,
};
