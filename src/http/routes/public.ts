import type { FastifyInstance } from 'fastify';
import { AppError } from '../../app/errors.ts';
import { checkSelfReportStatus } from '../../app/self-report/check-self-report-status.ts';
import { listPublicRegions } from '../../app/self-report/list-public-regions.ts';
import { issueChallenge } from '../../app/self-report/proof-of-work.ts';
import { signSelfReportConsents } from '../../app/self-report/sign-self-report-consents.ts';
import { submitSelfReport } from '../../app/self-report/submit-self-report.ts';
import { DIFFICULTY_CODES, MAX_CONSENT_MEMBERS, MAX_DESCRIPTION, powBitsFrom } from '../../domain/self-report.ts';
import { sendError } from '../guards.ts';
import { Body, Bool, List, Maybe, Optional, Query, RegionCode, Text } from '../schemas.ts';
import { selfReportRoutes } from './self-reports.ts';

/** A public request carries a short form: anything bigger is refused before it is read. */
export const PUBLIC_BODY_LIMIT = 16 * 1024;
const TOO_LARGE = '请求体过大：不能超过 16 KB';

const tags = ['农户自主申报（公开）'];
const proof = {
  challenge: Maybe(Text(200, '人机验证题目（GET /public/challenge 取得）')),
  nonce: Maybe(Text(32, '解答：使 SHA-256(challenge:nonce) 以指定个数的0比特开头的字母数字串')),
};

/**
 * The household self-report page's API (WRN-5, Q22, Q52), open without an account (the session
 * plugin lets PUBLIC_PREFIX through). Each write needs a solved proof of work, used once, and is
 * counted per IP (and a report per head ID number) in SQL; bodies are at most 16 KB. The village
 * worklist of the reports (signed in) is registered beside it (self-reports.ts).
 */
export async function publicRoutes(app: FastifyInstance) {
  await app.register(publicSelfReportRoutes, { prefix: '/public' });
  await app.register(selfReportRoutes);
}

async function publicSelfReportRoutes(app: FastifyInstance) {
  // Read once at start: a wrong JIANBANG_POW_BITS stops the server instead of weakening the page.
  const bits = powBitsFrom(process.env.JIANBANG_POW_BITS);
  const caller = (req: { ip: string }) => ({ ip: req.ip || null, now: app.now() });

  app.addHook('onRequest', async (req) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > PUBLIC_BODY_LIMIT) throw new AppError(413, [{ path: '', message: TOO_LARGE }]);
  });
  app.setErrorHandler((err: any, req, reply) =>
    err?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? reply.status(413).send({ errors: [{ path: '', message: TOO_LARGE }] }) : sendError(reply, err, req.log),
  );

  app.get('/challenge', {
    schema: { tags, summary: `取得人机验证题目（工作量证明，10分钟内有效，只能使用一次；难度为前导0比特数，默认16，JIANBANG_POW_BITS 可调）` },
  }, async () => issueChallenge(app.db, app.now(), bits));

  app.get<{ Querystring: { parent?: string } }>('/regions', {
    schema: { tags, summary: '选择所在村：下级区划的名称和代码（不填 parent 为最上级）', querystring: Query({ parent: Optional(RegionCode('上级区划代码')) }) },
  }, (req) => listPublicRegions(app.db, req.query.parent));

  app.post('/self-reports', {
    bodyLimit: PUBLIC_BODY_LIMIT,
    schema: {
      tags, summary: '农户自主申报：返回申报编号（无论申报人是否已登记，回答都相同）',
      body: Body({
        ...proof,
        headName: Maybe(Text(30, '户主姓名')),
        headIdNumber: Maybe(Text(20, '户主身份证号')),
        phone: Maybe(Text(20, '联系电话')),
        villageCode: Maybe(Text(12, '所在村（12位区划代码）')),
        difficulties: Maybe(List(Text(40), DIFFICULTY_CODES.length, `困难类型：${DIFFICULTY_CODES.join(' | ')}`)),
        description: Maybe(Text(MAX_DESCRIPTION, '困难情况说明')),
      }),
    },
  }, async (req, reply) => reply.status(201).send(await submitSelfReport(app.db, req.body, caller(req))));

  app.post('/self-reports/status', {
    bodyLimit: PUBLIC_BODY_LIMIT,
    schema: {
      tags, summary: '查询申报进度：凭申报编号和户主身份证号，只返回进度（已受理/核实中/认定程序中/结果）和申报日期',
      body: Body({ ...proof, refCode: Maybe(Text(20, '申报编号')), headIdNumber: Maybe(Text(20, '户主身份证号')) }),
    },
  }, (req) => checkSelfReportStatus(app.db, req.body, caller(req)));

  app.post('/self-reports/consents', {
    bodyLimit: PUBLIC_BODY_LIMIT,
    schema: {
      tags, summary: '签署家庭成员承诺授权书（Q22）：逐人记录姓名、身份证号、同意勾选、IP和时间',
      body: Body({
        ...proof, refCode: Maybe(Text(20, '申报编号')), headIdNumber: Maybe(Text(20, '户主身份证号')),
        members: Maybe(List(Body({ name: Maybe(Text(30, '成员姓名')), idNumber: Maybe(Text(20, '成员身份证号')), consent: Maybe(Bool('本人已阅读并同意承诺授权书')) }), MAX_CONSENT_MEMBERS, '家庭成员')),
      }),
    },
  }, (req) => signSelfReportConsents(app.db, req.body, caller(req)));
}
