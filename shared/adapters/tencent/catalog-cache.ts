import type { TencentPostgres } from '#shared/ports/tencent-postgres.ts';

/**
 * Keeps Tencent's catalog answers (`DescribeZones`, `DescribeClasses`) for `ttlMs`: they describe
 * what is on sale, which changes over hours, yet `validate` asks for them for every request. One
 * answer per region and request, shared by concurrent callers (the first call's promise is kept, so
 * a burst asks once); a failed call is forgotten at once. Everything else passes through. A zone or
 * spec that stops selling within the window is still caught: the create itself then fails FAILED with
 * Tencent's code.
 *
 * `DescribeDBInstanceAttribute` (the primary a request names) is shared the same way for
 * `INSTANCE_ANSWER_MS` only: a burst validating 1000 requests on one primary asks about it some 15
 * times instead of 1000. Its replica count is then up to a second old, which changes nothing: the
 * requests validated together in one batch already saw one count, and the create call is the
 * authority (Tencent refuses a replica over its limit; the request ends FAILED with the code).
 *
 * `InquiryPriceCreateDBInstances` is kept for `ttlMs` per region and question: identical plans ask
 * the identical question (`priceInquiryFor`), so a burst of the same plan costs one call of the
 * action's 20/s. A price list changes over days; the quote is what the record shows, and the order
 * itself is billed at Tencent's price of the moment.
 */
export const INSTANCE_ANSWER_MS = 1000;

export const withCatalogCache = (
  tencent: TencentPostgres,
  options: { readonly ttlMs: number; readonly now?: () => number },
): TencentPostgres => {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { readonly until: number; readonly answer: Promise<unknown> }>();

  const cached = <Answer>(
    key: string,
    ask: () => Promise<Answer>,
    ttlMs = options.ttlMs,
  ): Promise<Answer> => {
    const entry = entries.get(key);
    if (entry && entry.until > now()) return entry.answer as Promise<Answer>;
    const answer = ask();
    entries.set(key, { until: now() + ttlMs, answer });
    answer.catch(() => {
      if (entries.get(key)?.answer === answer) entries.delete(key);
    });
    return answer;
  };

  return {
    ...tencent,
    describeZones: (region, request) =>
      cached(`DescribeZones ${region} ${JSON.stringify(request)}`, () =>
        tencent.describeZones(region, request),
      ),
    describeClasses: (region, request) =>
      cached(`DescribeClasses ${region} ${JSON.stringify(request)}`, () =>
        tencent.describeClasses(region, request),
      ),
    describeDBInstanceAttribute: (region, request) =>
      cached(
        `DescribeDBInstanceAttribute ${region} ${JSON.stringify(request)}`,
        () => tencent.describeDBInstanceAttribute(region, request),
        Math.min(options.ttlMs, INSTANCE_ANSWER_MS),
      ),
    inquiryPriceCreateDBInstances: (region, request) =>
      cached(`InquiryPriceCreateDBInstances ${region} ${JSON.stringify(request)}`, () =>
        tencent.inquiryPriceCreateDBInstances(region, request),
      ),
  };
};
