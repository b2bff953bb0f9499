import type { FastifyInstance } from 'fastify';

export async function hotlineRoutes(_app: FastifyInstance) {}
