import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { createKafka, type KafkaConnection } from './kafka-client';

export type AclOperation = 'read' | 'write' | 'describe' | 'create';

export interface AclGrant {
  readonly principal: string;
  readonly resource: 'topic' | 'group';
  /** A literal name, or a prefix when `prefixed`. */
  readonly name: string;
  readonly prefixed: boolean;
  readonly operation: AclOperation;
}

const OPERATIONS: Record<AclOperation, AclOperationTypes> = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  describe: AclOperationTypes.DESCRIBE,
  create: AclOperationTypes.CREATE,
};

/** Creates ALLOW ACLs on a broker that has an authorizer; creating an ACL that exists is a no-op. */
export async function applyAcls(connection: KafkaConnection, grants: readonly AclGrant[]): Promise<void> {
  const admin = createKafka(connection).admin();
  await admin.connect();
  try {
    await admin.createAcls({
      acl: grants.map((grant) => ({
        principal: `User:${grant.principal}`,
        host: '*',
        resourceType: grant.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
        resourceName: grant.name,
        resourcePatternType: grant.prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
        operation: OPERATIONS[grant.operation],
        permissionType: AclPermissionTypes.ALLOW,
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
