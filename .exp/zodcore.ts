import * as z from 'zod/v4/core';
export const handler = () => z;
