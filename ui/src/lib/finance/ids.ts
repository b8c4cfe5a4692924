// The ids of finance screens other screens open (kept apart from index.ts, which imports
// the screens themselves).
export const BATCH_PAY_SCREEN = 'finance-batch-pay';
export const REC_REPORT_SCREEN = 'bank-rec-report';
