import type { FastifyInstance } from 'fastify';

export async function intakeRoutes(_app: FastifyInstance) {}
