// English, the reference catalog: every namespace file merged into one flat map.
import { common } from './common';
import { ui } from './ui';
import { partners } from './partners';
import { admin } from './admin';

export const en = { ...common, ...ui, ...partners, ...admin };
