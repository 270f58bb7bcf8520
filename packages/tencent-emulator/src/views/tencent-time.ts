const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** Tencent's zero time, used for ExpireTime of postpaid instances and unset Isolated/Offline times. */
export const ZERO_TIME = '0000-00-00 00:00:00';

/** `YYYY-MM-DD HH:MM:SS` in Beijing time (UTC+8), as the PostgreSQL API prints times. */
export const tencentTime = (ms: number): string =>
  new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');

/** `ms` plus whole months (prepaid expiry). */
export const addMonths = (ms: number, months: number): number => {
  const date = new Date(ms);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
};
