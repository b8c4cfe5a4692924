// The sync module's screen (group Administration): where the company's changes are
// exported, with each sink's state, lag and last error.
import type { ScreenDef } from '../shell/screens';
import Sinks from './Sinks.svelte';

export const syncScreens: ScreenDef[] = [
  { id: 'sync-sinks', label: 'sync.screen.sinks', group: 'Administration', icon: 'layers', component: Sinks, needs: 'sync.list_sinks', keywords: 'sync export replication postgresql warehouse bi ndjson backup integration' },
];
