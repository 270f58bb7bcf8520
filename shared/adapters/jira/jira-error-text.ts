import { excerpt } from '#shared/adapters/http-delivery.ts';

/** Jira answers errors as `{errorMessages: [...], errors: {field: message}}`: their text, else the start of the body. */
export const jiraErrorText = (text: string): string => {
  try {
    const body = JSON.parse(text) as { errorMessages?: unknown; errors?: unknown };
    const messages = [
      ...(Array.isArray(body.errorMessages) ? body.errorMessages : []),
      ...Object.values(typeof body.errors === 'object' && body.errors ? body.errors : {}),
    ].map(String);
    if (messages.length) return excerpt(messages.join('; '));
  } catch {
    // not JSON: show the start of it
  }
  return excerpt(text);
};
