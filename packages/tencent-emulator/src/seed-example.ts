/**
 * The request body of Example 1 on the `CreateReadOnlyDBInstance` API page (../shared/seed), verbatim:
 * the deprecated `DBVersion` and `ProjectId: 1` included. The page sends it to `ap-beijing`.
 * One copy for the emulator's tests, the domain's tests and `replica-flow demo`.
 */
export const SEED_EXAMPLE_1_BODY = Object.freeze({
  DBVersion: '12.22',
  InstanceChargeType: 'POSTPAID_BY_HOUR',
  InstanceCount: 1,
  MasterDBInstanceId: 'postgres-abcdef',
  Period: 1,
  ProjectId: 1,
  ReadOnlyGroupId: '',
  SecurityGroupIds: ['sg-iwnfp51z'],
  SpecCode: 'pg.it.small2',
  Storage: 100,
  SubnetId: 'subnet-1i9huswn',
  VpcId: 'vpc-8btfafeo',
  Zone: 'ap-beijing-4',
});

export const SEED_EXAMPLE_REGION = 'ap-beijing';
