/** The regions the CreateReadOnlyDBInstance page lists as supported (seed page, section 2). */
export const SUPPORTED_REGIONS: ReadonlySet<string> = new Set([
  'ap-bangkok',
  'ap-beijing',
  'ap-chengdu',
  'ap-chongqing',
  'ap-guangzhou',
  'ap-hongkong',
  'ap-jakarta',
  'ap-nanjing',
  'ap-seoul',
  'ap-shanghai',
  'ap-shanghai-fsi',
  'ap-shenzhen-fsi',
  'ap-singapore',
  'ap-tokyo',
  'eu-frankfurt',
  'na-ashburn',
  'na-siliconvalley',
  'sa-saopaulo',
]);

/** What a Tencent region name looks like (`ap-beijing`, `ap-shanghai-fsi`, `na-siliconvalley`). */
export const REGION_SHAPE = /^[a-z]{2,4}-[a-z]{3,20}(-[a-z0-9]{1,10})?$/;
