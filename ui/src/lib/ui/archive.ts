// The one archive pattern: archiving asks first (it hides the record from lists and
// pickers; its history stays), restoring does not; the result is said once.
import { errorMessage } from '../i18n/errors';
import { t } from '../i18n/index.svelte';
import { confirm } from './confirm.svelte';
import { toast } from './toast.svelte';

export async function setArchived<R>(opts: { name: string; archived: boolean; run: (archived: boolean) => Promise<R>; detail?: string }): Promise<R | undefined> {
  const to = !opts.archived;
  if (to && !(await confirm({ title: t('ui.archive.title', { name: opts.name }), message: opts.detail ?? t('ui.archive.message'), confirmLabel: t('ui.archive.confirm'), danger: true }))) return undefined;
  try {
    const r = await opts.run(to);
    toast.ok(t(to ? 'ui.archive.done' : 'ui.archive.restored', { name: opts.name }));
    return r;
  } catch (e) {
    toast.error(errorMessage(e));
    return undefined;
  }
}

/** Deletes after a confirmation; for records nothing refers to yet. */
export async function deleteRecord<R>(opts: { name: string; run: () => Promise<R>; detail?: string }): Promise<R | undefined> {
  if (!(await confirm({ title: t('ui.delete.title', { name: opts.name }), message: opts.detail ?? t('ui.delete.message'), confirmLabel: t('common.delete'), danger: true }))) return undefined;
  try {
    const r = await opts.run();
    toast.ok(t('ui.delete.done', { name: opts.name }));
    return r;
  } catch (e) {
    toast.error(errorMessage(e));
    return undefined;
  }
}
