/**
 * Builds DynamoDB expressions with every attribute name behind a placeholder (`state`, `version`
 * and `history` are reserved words) and every value behind a numbered one.
 */
export class ExpressionBuilder {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private readonly setClauses: string[] = [];
  private readonly removeClauses: string[] = [];
  private readonly conditions: string[] = [];

  /** `#attr` for a top-level attribute, `#a.#b` for a nested path. */
  name(path: string): string {
    return path
      .split('.')
      .map((attribute) => {
        const placeholder = `#${attribute.replace(/[^A-Za-z0-9_]/g, '_')}`;
        this.names[placeholder] = attribute;
        return placeholder;
      })
      .join('.');
  }

  value(value: unknown): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** `SET attr = <expression>`; the expression uses placeholders from `name`/`value`. */
  set(attribute: string, expression: string): this {
    this.setClauses.push(`${this.name(attribute)} = ${expression}`);
    return this;
  }

  setValue(attribute: string, value: unknown): this {
    return this.set(attribute, this.value(value));
  }

  remove(attribute: string): this {
    this.removeClauses.push(this.name(attribute));
    return this;
  }

  /** Conditions are ANDed. */
  condition(expression: string): this {
    this.conditions.push(`(${expression})`);
    return this;
  }

  build(): {
    UpdateExpression?: string;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    const update = [
      this.setClauses.length > 0 ? `SET ${this.setClauses.join(', ')}` : '',
      this.removeClauses.length > 0 ? `REMOVE ${this.removeClauses.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return {
      ...(update ? { UpdateExpression: update } : {}),
      ...(this.conditions.length > 0 ? { ConditionExpression: this.conditions.join(' AND ') } : {}),
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
