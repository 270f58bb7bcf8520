import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

const randomAlnum = (length: number): string => {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
};

const randomDigits = (length: number): string => {
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(10));
  return out;
};

/** `pgro-` + 8 lowercase alphanumerics, like `pgro-5objz9hu`. */
export const newReplicaId = (): string => `pgro-${randomAlnum(8)}`;

/** `pgrogrp-` + 8 lowercase alphanumerics, like `pgrogrp-htrtddr0`. */
export const newGroupId = (): string => `pgrogrp-${randomAlnum(8)}`;

/** A deal name: the date then digits, like the seed's `20251009929109544409421` (a string, never a number). */
export const newDealName = (nowMs: number): string =>
  `${new Date(nowMs).toISOString().slice(0, 10).replaceAll('-', '')}${randomDigits(15)}`;

/** A frozen-bill id: ten digits, like the seed's `2701077795`. */
export const newBillId = (): string => `${randomInt(1, 10)}${randomDigits(9)}`;

/** The n-th private address handed out: 10.16.0.10 onwards, never reused. */
export const privateIpFor = (sequence: number): string => {
  const n = sequence + 10;
  return `10.${16 + ((n >> 16) & 0x3f)}.${(n >> 8) & 0xff}.${n & 0xff}`;
};
