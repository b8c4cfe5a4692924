// Every screen of the app, grouped by module. A module appears only when its commands
// exist in the generated bindings (its screens import them) and the user may use them.
import type { Component } from 'svelte';
import type { CommandName } from '../api';
import Home from './Home.svelte';
import CompanySettings from '../admin/CompanySettings.svelte';
import Companies from '../admin/Companies.svelte';
import Users from '../admin/Users.svelte';
import Roles from '../admin/Roles.svelte';
import Members from '../admin/Members.svelte';
import Audit from '../admin/Audit.svelte';
import ApiTokens from '../admin/ApiTokens.svelte';
import { extraScreens } from './modules';
import { syncScreens } from '../sync';
import { hasKey, t } from '../i18n/index.svelte';

export interface ScreenDef {
  id: string;
  /** English name, or a message key; shown through `screenLabel`. */
  label: string;
  /** English group name ('' for none), or a message key; shown through `groupLabel`. */
  group: string;
  icon: string;
  component: Component;
  /** The command that must be allowed for the screen to show. */
  needs?: CommandName;
  /** Words the command palette also matches. */
  keywords?: string;
}

export const SCREENS: ScreenDef[] = [
  { id: 'home', label: 'Overview', group: '', icon: 'home', component: Home },
  ...extraScreens,
  { id: 'members', label: 'Members', group: 'Administration', icon: 'users', component: Members, needs: 'membership.list', keywords: 'access people' },
  { id: 'roles', label: 'Roles', group: 'Administration', icon: 'shield', component: Roles, needs: 'role.list', keywords: 'permissions rights' },
  { id: 'settings', label: 'Company settings', group: 'Administration', icon: 'settings', component: CompanySettings, needs: 'company.get', keywords: 'currency locale address' },
  { id: 'audit', label: 'Audit log', group: 'Administration', icon: 'clock', component: Audit, needs: 'audit.list', keywords: 'history changes' },
  ...syncScreens,
  { id: 'companies', label: 'Companies', group: 'Installation', icon: 'building', component: Companies, needs: 'company.create' },
  { id: 'users', label: 'Users', group: 'Installation', icon: 'person', component: Users, needs: 'user.list', keywords: 'accounts people' },
  { id: 'api-tokens', label: 'API tokens', group: 'Installation', icon: 'shield', component: ApiTokens, needs: 'auth.list_api_tokens', keywords: 'http rest integration key' },
];

export function visibleScreens(can: (c: CommandName) => boolean): ScreenDef[] {
  return SCREENS.filter((s) => !s.needs || can(s.needs));
}

export function groups(screens: ScreenDef[]): { group: string; screens: ScreenDef[] }[] {
  const out: { group: string; screens: ScreenDef[] }[] = [];
  for (const s of screens) {
    let g = out.find((x) => x.group === s.group);
    if (!g) out.push((g = { group: s.group, screens: [] }));
    g.screens.push(s);
  }
  return out;
}

/** A screen's name in the user's language: its label as a key, else `shell.screen.<id>`. */
export function screenLabel(s: Pick<ScreenDef, 'id' | 'label'>): string {
  if (hasKey(s.label)) return t(s.label);
  const k = `shell.screen.${s.id}`;
  return hasKey(k) ? t(k) : s.label;
}

/** A group's name in the user's language: as a key, else `shell.group.<snake_case>`. */
export function groupLabel(group: string): string {
  if (hasKey(group)) return t(group);
  const k = `shell.group.${(group || 'general').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
  return hasKey(k) ? t(k) : group;
}
