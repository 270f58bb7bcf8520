/**
 * The answers given to the last `capacity` webhook deliveries of this process, by delivery id
 * (`X-Atlassian-Webhook-Identifier`, stable across Jira's retries). A repeat is answered as before
 * without touching the store. Across processes the issue key (the idempotency key) dedupes.
 */
export class RecentDeliveries<Answer> {
  private readonly answers = new Map<string, Answer>();

  constructor(private readonly capacity = 1000) {}

  get(id: string | undefined): Answer | undefined {
    return id === undefined ? undefined : this.answers.get(id);
  }

  remember(id: string | undefined, answer: Answer): void {
    if (id === undefined) return;
    this.answers.delete(id);
    this.answers.set(id, answer);
    if (this.answers.size > this.capacity) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
  }
}
