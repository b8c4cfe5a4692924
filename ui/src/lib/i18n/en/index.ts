// English, the reference catalog: every namespace file merged into one flat map.
import { common } from './common';
import { fields } from './fields';

export const en = { ...common, ...fields };
