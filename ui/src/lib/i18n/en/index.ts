// English, the reference catalog: every namespace file merged into one flat map.
import { common } from './common';
import { shell } from './shell';
import { session } from './session';
import { errors } from './errors';

export const en = {
  ...common,
  ...shell,
  ...session,
  ...errors,
};
