// The permission matrix: codenames "module.action_model" laid out as one row per
// (module, model) and one column per action, so a role is edited at a glance.
import type { Permission } from '../api';

export const ACTIONS = ['view', 'add', 'change', 'delete'] as const;

export interface Cell {
  codename: string;
  description: string;
}
export interface MatrixRow {
  module: string;
  model: string;
  /** view/add/change/delete → permission, when it exists. */
  cells: Record<string, Cell | undefined>;
  /** Other actions (import, export, ...). */
  extra: (Cell & { action: string })[];
}

export function parseCodename(codename: string): { module: string; action: string; model: string } {
  const dot = codename.indexOf('.');
  const module = dot < 0 ? '' : codename.slice(0, dot);
  const rest = dot < 0 ? codename : codename.slice(dot + 1);
  const us = rest.indexOf('_');
  return us < 0 ? { module, action: rest, model: module } : { module, action: rest.slice(0, us), model: rest.slice(us + 1) };
}

export function buildMatrix(perms: Permission[]): MatrixRow[] {
  const rows = new Map<string, MatrixRow>();
  for (const p of perms) {
    const { module, action, model } = parseCodename(p.codename);
    const k = `${module}.${model}`;
    let row = rows.get(k);
    if (!row) {
      row = { module: p.module || module, model, cells: {}, extra: [] };
      rows.set(k, row);
    }
    const cell = { codename: p.codename, description: p.description };
    if ((ACTIONS as readonly string[]).includes(action)) row.cells[action] = cell;
    else row.extra.push({ ...cell, action });
  }
  return [...rows.values()].sort((a, b) => a.module.localeCompare(b.module) || a.model.localeCompare(b.model));
}

export function rowCodenames(r: MatrixRow): string[] {
  return [...ACTIONS.map((a) => r.cells[a]?.codename).filter((c): c is string => !!c), ...r.extra.map((e) => e.codename)];
}

/** Sets every permission of `codes` on (all on) or off (when all were already on). */
export function toggleAll(selected: Set<string>, codes: string[]): Set<string> {
  const out = new Set(selected);
  const allOn = codes.every((c) => out.has(c));
  for (const c of codes) {
    if (allOn) out.delete(c);
    else out.add(c);
  }
  return out;
}

/** Turning on add/change/delete without view makes no sense: view comes along. */
export function withImplied(selected: Set<string>, rows: MatrixRow[]): Set<string> {
  const out = new Set(selected);
  for (const r of rows) {
    const view = r.cells.view?.codename;
    if (!view) continue;
    if (rowCodenames(r).some((c) => c !== view && out.has(c))) out.add(view);
  }
  return out;
}

/** A role's permissions as the editor holds them: sorted, without duplicates, so drafts compare by value. */
export function normalized(perms: Iterable<string>): string[] {
  return [...new Set(perms)].sort();
}

/** Toggles `codes` in a draft (see toggleAll), brings view along, and keeps the draft normalized. */
export function toggleInDraft(draft: string[], codes: string[], rows: MatrixRow[]): string[] {
  return normalized(withImplied(toggleAll(new Set(draft), codes), rows));
}

/** Whether the matrix was changed from the saved permissions (order does not matter). */
export function permissionsChanged(saved: string[], draft: string[]): boolean {
  const a = normalized(saved);
  const b = normalized(draft);
  return a.length !== b.length || a.some((c, i) => c !== b[i]);
}
