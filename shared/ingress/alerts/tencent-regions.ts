import { type Region, SUPPORTED_REGIONS } from '#shared/domain/replica-request-fields.ts';

/**
 * Tencent Cloud's short region codes, as Cloud Monitor callbacks send them in
 * `alarmObjInfo.region` (`gz` → `ap-guangzhou`). Only regions where CreateReadOnlyDBInstance is
 * offered are listed; another code is reported as unknown rather than guessed.
 */
export const SHORT_REGION_CODES: Readonly<Record<string, Region>> = {
  gz: 'ap-guangzhou',
  sh: 'ap-shanghai',
  shjr: 'ap-shanghai-fsi',
  szjr: 'ap-shenzhen-fsi',
  bj: 'ap-beijing',
  cd: 'ap-chengdu',
  cq: 'ap-chongqing',
  nj: 'ap-nanjing',
  hk: 'ap-hongkong',
  sg: 'ap-singapore',
  th: 'ap-bangkok',
  jkt: 'ap-jakarta',
  kr: 'ap-seoul',
  jp: 'ap-tokyo',
  de: 'eu-frankfurt',
  use: 'na-ashburn',
  usw: 'na-siliconvalley',
  sao: 'sa-saopaulo',
};

const FULL_NAMES: ReadonlySet<string> = new Set(SUPPORTED_REGIONS);

/** `gz`, `GZ` or `ap-guangzhou` → `ap-guangzhou`; anything else → undefined. */
export const regionFromCode = (code: string): Region | undefined => {
  const normalized = code.trim().toLowerCase();
  if (FULL_NAMES.has(normalized)) return normalized as Region;
  return Object.hasOwn(SHORT_REGION_CODES, normalized) ? SHORT_REGION_CODES[normalized] : undefined;
};
