import { readFileSync } from 'node:fs';

/** Just enough of a CloudFormation template to read what osls generated. */
export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface Template {
  readonly Resources: Record<string, Resource>;
  readonly Parameters?: Record<string, { Type: string; Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

export const readTemplate = (file: string): Template => JSON.parse(readFileSync(file, 'utf8')) as Template;

export const propertiesOf = (template: Template, logicalId: string): Record<string, unknown> => {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId} in the template`);
  return resource.Properties ?? {};
};

export const resourcesOfType = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

export const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * A reference as a readable string: `{Ref: X}` → `Ref:X`, `{Fn::GetAtt: [X, Arn]}` → `X.Arn`,
 * `{Fn::Sub: s}` → `Sub:s`; a literal stays itself.
 */
export const referenceOf = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof object.Ref === 'string') return `Ref:${object.Ref}`;
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return getAtt.join('.');
    if (typeof object['Fn::Sub'] === 'string') return `Sub:${object['Fn::Sub']}`;
  }
  return JSON.stringify(value);
};

/**
 * Every statement of a policy document. A statement under `Fn::If` counts with its condition's true
 * branch (the `AWS::NoValue` branch grants nothing).
 */
export const statementsOf = (document: unknown): Statement[] => {
  const statements = asList((document as { Statement?: unknown } | undefined)?.Statement);
  return statements.flatMap((statement): Statement[] => {
    const conditional = (statement as Record<string, unknown>)['Fn::If'];
    if (Array.isArray(conditional)) return [conditional[1] as Statement];
    return [statement as Statement];
  });
};

/** The statements of an inline-policy IAM role. */
export const roleStatements = (template: Template, roleId: string): Statement[] => {
  const policies = asList(propertiesOf(template, roleId).Policies as { PolicyDocument: unknown }[]);
  return policies.flatMap((policy) => statementsOf(policy.PolicyDocument));
};

/** Every policy document in the template: role inline policies, managed policies, resource policies. */
export const allPolicyStatements = (template: Template): { owner: string; statement: Statement }[] =>
  Object.entries(template.Resources).flatMap(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    const documents = [
      ...asList(properties.Policies as { PolicyDocument: unknown }[] | undefined).map(
        (policy) => policy.PolicyDocument,
      ),
      ...(properties.PolicyDocument ? [properties.PolicyDocument] : []),
      ...(properties.AssumeRolePolicyDocument ? [properties.AssumeRolePolicyDocument] : []),
    ];
    return documents.flatMap((document) =>
      statementsOf(document).map((statement) => ({ owner: logicalId, statement })),
    );
  });

/** `action resource` pairs an Allow statement grants, e.g. `sqs:SendMessage RequestsQueue.Arn`. */
export const grantsOf = (statements: readonly Statement[]): string[] =>
  statements
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) =>
      asList(statement.Action).flatMap((action) =>
        asList(statement.Resource).map((resource) => `${action} ${referenceOf(resource)}`),
      ),
    )
    .sort();

/** Names of the entries of a zip file, read from its central directory. */
export const zipEntryNames = (file: string): string[] => {
  const zip = readFileSync(file);
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory < 0) throw new Error(`${file} is not a zip file`);
  const entries = zip.readUInt16LE(endOfDirectory + 10);
  let offset = zip.readUInt32LE(endOfDirectory + 16);
  const names: string[] = [];
  for (let index = 0; index < entries; index++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: bad central directory entry`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names.sort();
};
