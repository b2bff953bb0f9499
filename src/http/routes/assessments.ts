import type { FastifyInstance } from 'fastify';
import { authorize } from '../../app/authz.ts';
import { checkSimulationRequest, simulateThreshold } from '../../app/assessment/simulate-threshold.ts';
import { assessHousehold, type HouseholdAssessmentQuery } from '../../app/assessment/assess-household.ts';
import { assessOrErrors } from '../../policy/validate.ts';
import { actorOf } from '../session.ts';
import { chinaDate } from '../../domain/clock.ts';
import { Body, BoolText, DateField, IdParams, IsoDate, Maybe, Optional, Query, RegionField, Text, Type } from '../schemas.ts';

const tags = ['评估'];

export async function assessmentRoutes(app: FastifyInstance) {
  /** The assessment contract over HTTP: same validator and engine as the library and the CLI; stores nothing. */
  // Any JSON: the contract's own validator answers, byte for byte as `npx jianbang assess` does.
  const contractInput = Type.Unknown({ description: '评估契约的输入（assessment-contract.md）；错误与 npx jianbang assess 相同' });
  app.post('/assessments', { schema: { tags, body: contractInput, summary: '按评估契约评估一户（不保存）' } }, async (req, reply) => {
    authorize(actorOf(req), 'assessment:run');
    const outcome = assessOrErrors(req.body);
    if (!outcome.ok) return reply.status(400).send({ errors: outcome.errors });
    return outcome.value;
  });

  /** The contract result for a registered household, built from its records (`explain=true` adds the input). */
  app.get<{ Params: { id: string }; Querystring: HouseholdAssessmentQuery & { explain?: string } }>(
    '/households/:id/assessment',
    { schema: { tags, params: IdParams('id'), querystring: Query({ asOf: Optional(IsoDate('评估日期')), kind: Optional(Text(20, 'identification | elimination')), naturalElimination: Optional(BoolText()), explain: Optional(BoolText('true：同时返回评估所用的输入')) }), summary: '按登记数据评估本户（asOf、kind）' } },
    async (req) => {
      const today = chinaDate(app.now());
      const r = await assessHousehold(app.db, actorOf(req), Number(req.params.id), req.query, today);
      return req.query.explain === 'true' ? r : r.result;
    },
  );
}

/** What-if over stored households with an alternative threshold (writes nothing). */
export async function simulationRoutes(app: FastifyInstance) {
  const body = Body({
    threshold: Maybe(Type.Unsafe<number | string>({ type: ['number', 'string'], maxLength: 20, description: '假设的监测范围（元/人/年）' })),
    asOf: Maybe(DateField('评估日期（默认今天）')),
    regionCode: Maybe(RegionField('统计范围（默认本辖区）')),
  });
  app.post('/simulations/threshold', { schema: { tags, body, summary: '假设监测范围调整：按区域统计建议结论的变化（不写入）' } }, async (req) => {
    const actor = actorOf(req);
    const request = checkSimulationRequest(actor, (req.body ?? {}) as Record<string, unknown>, chinaDate(app.now()));
    return simulateThreshold(app.db, actor, request);
  });
}
