import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one configured logger. JSON lines, level from `LOG_LEVEL` (default INFO; the local stack
 * and tests set WARN or SILENT). Append correlation keys per record with `logger.appendKeys`;
 * never log a secret or a whole request body.
 */
export const logger = new Logger({ serviceName: 'replica-flow' });
