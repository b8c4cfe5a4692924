// English, the reference catalog: every namespace file merged into one flat map.
import { common } from './common';

export const en = { ...common };
