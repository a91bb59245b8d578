import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';

export const talkApi: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async () => {};
