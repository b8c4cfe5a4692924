// Types shared by Combobox, RecordPicker and LineGrid's picker cells.

export type RecordId = string | number;

export interface PickerOption {
  id: RecordId;
  label: string;
  /** A second line: SKU, city, balance… */
  sub?: string;
}

/**
 * Finds records for the text typed (done in SQL by the caller). `limit` is how many the
 * picker asks for: it shows one fewer and "type to narrow" when all came back.
 */
export type PickerSearch = (q: string, limit: number) => Promise<PickerOption[]>;

/** How a pick was made: Enter (also a scanner's), Tab, a click, or clearing. */
export type PickHow = 'enter' | 'tab' | 'click' | 'clear';
