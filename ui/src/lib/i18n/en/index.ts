// English, the reference catalog: every namespace file merged into one flat map.
import { common } from './common';
import { ui } from './ui';
import { partners } from './partners';
import { shell } from './shell';
import { session } from './session';
import { errors } from './errors';
import { catalog } from './catalog';
import { admin } from './admin';
import { fields } from './fields';
import { accounting } from './accounting';
import { reports } from './reports';
import { inventory } from './inventory';
import { trade } from './trade';
import { finance } from './finance';
import { production } from './production';
import { sync } from './sync';

export const en = {
  ...common,
  ...ui,
  ...partners,
  ...shell,
  ...session,
  ...errors,
  ...catalog,
  ...admin,
  ...fields,
  ...accounting,
  ...reports,
  ...inventory,
  ...trade,
  ...finance,
  ...production,
  ...sync,
};
