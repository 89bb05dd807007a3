// Posts one message to a Slack incoming webhook. Any failure throws, so the asynchronous SNS
// invocation is retried by Lambda and finally dead-lettered instead of silently dropped.
import type { SlackMessage } from './format';

export class SlackDeliveryError extends Error {
  override name = 'SlackDeliveryError';
  constructor(
    message: string,
    /** HTTP status, when Slack answered at all. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Long enough for Slack on a bad day, short enough to retry inside the function timeout. */
const TIMEOUT_MS = 5000;

export async function postToSlack(
  webhookUrl: string,
  message: SlackMessage,
  fetchImpl: FetchLike = fetch,
): Promise<void> {
  let response: Response;
  try {
    response = await fetchImpl(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    // Never include the URL: it is the webhook's credential.
    const reason = error instanceof Error ? error.message : String(error);
    throw new SlackDeliveryError(`Slack webhook request failed: ${reason}`);
  }
  if (!response.ok) {
    const body = (await response.text().catch(() => '')).slice(0, 200);
    throw new SlackDeliveryError(
      `Slack webhook answered ${response.status}${body ? `: ${body}` : ''}`,
      response.status,
    );
  }
}
