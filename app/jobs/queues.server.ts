import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, redisKey } from '~/utils/redis.server';
import { QUEUE_NAMES, type QueueName } from './registry';

// BullMQ keys live under `<REDIS_KEY_PREFIX>:bull:<queue>:…`: inside the deployment's (or the
// test file's) prefix, and apart from the app's own keys (rate limits and the like).
export function queuePrefix(): string {
  return redisKey('bull');
}

export type QueueSet = ReadonlyMap<string, Queue>;

/**
 * A connection for adding jobs that fails fast: with Redis down, an add must fail (and the outbox
 * row wait) instead of sitting in ioredis' offline queue. Workers use createRedis('worker').
 */
export function createProducerConnection(): Redis {
  return createRedis('worker', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
}

/** One Queue per declared queue, all sharing `connection` (closing a queue leaves it open). */
export function createQueues(connection: Redis): Map<QueueName, Queue> {
  const prefix = queuePrefix();
  return new Map(QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix })]));
}

export async function closeQueues(queues: QueueSet): Promise<void> {
  await Promise.allSettled([...queues.values()].map((queue) => queue.close()));
}
