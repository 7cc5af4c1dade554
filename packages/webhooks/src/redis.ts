export { redisInboxStore, type RedisInboxStore, type RedisInboxStoreOptions } from './stores/redis-inbox-store.ts';
