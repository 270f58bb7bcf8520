import * as z from 'zod';
import { defineAction } from '#emulator/actions/action.ts';
import { ApiError } from '#emulator/protocol/api-error.ts';

const params = z.strictObject({ DealNames: z.array(z.string()) });

/**
 * DescribeOrders: a deal is invisible until its order-visibility delay has passed (callers poll,
 * as the Terraform provider does), then shows its instance ids (after an optional further lag).
 * Unknown deal names are simply absent.
 */
export const describeOrders = defineAction({
  name: 'DescribeOrders',
  params,
  handle(env, call) {
    const names = call.params.DealNames;
    if (names.length === 0) {
      throw new ApiError(
        'InvalidParameterValue.NullDealNames',
        'DealNames must contain at least one deal name.',
      );
    }
    const deals = [];
    for (const name of new Set(names)) {
      const order = env.state.order(name);
      if (!order || call.now < order.visibleAt) continue;
      deals.push({
        DealName: order.dealName,
        OwnerUin: env.state.world.account.ownerUin,
        Count: order.instanceIds.length,
        PayMode: order.payMode,
        FlowId: order.flowId,
        DBInstanceIdSet: call.now >= order.idsVisibleAt ? [...order.instanceIds] : [],
      });
    }
    return { TotalCount: deals.length, Deals: deals };
  },
});
