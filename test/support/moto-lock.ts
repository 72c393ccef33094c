/** The writers' lease table in moto, as serverless.yml declares it (key `pk`), and a lock on it. */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../lib/aws/clients';
import { createDynamoDbLock } from '../../lib/aws/dynamodb-lock';
import type { LockPort } from '../../lib/ports/lock';
import { REGION } from './moto-world';

export const LOCK_TABLE = 'capacity-guard-test-locks';

export function motoDynamoDbClient(endpoint: string): DynamoDBClient {
  return createDynamoDbClient({ endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

export async function createLockTable(client: DynamoDBClient, tableName = LOCK_TABLE): Promise<LockPort> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  return createDynamoDbLock(client, tableName);
}
