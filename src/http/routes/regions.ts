import type { FastifyInstance } from 'fastify';
import { authorize } from '../../app/authz.ts';
import { forbidden, notFound } from '../../app/errors.ts';
import { isInSubtree, isRegionCode, subtreePrefix } from '../../domain/region-code.ts';
import { childRegions, getRegion, regionPath } from '../../store/regions.ts';
import { actorOf } from '../session.ts';
import { Params, RegionCode } from '../schemas.ts';

export async function regionRoutes(app: FastifyInstance) {
  /** A region and its path; any node on the actor's path or in its subtree may be read. */
  app.get<{ Params: { code: string } }>('/regions/:code', { schema: { tags: ['区划'], params: Params({ code: RegionCode() }), summary: '区划及其上级路径' } }, async (req) => {
    const actor = actorOf(req);
    authorize(actor, 'region:read');
    const code = req.params.code;
    if (!isRegionCode(code)) throw notFound('区划不存在');
    if (!isInSubtree(actor.regionCode, code) && !subtreePrefix(actor.regionCode).startsWith(subtreePrefix(code)))
      throw forbidden('该区划不在您的管辖区域内');
    const r = await getRegion(app.db, code);
    if (!r) throw notFound('区划不存在');
    return { code: r.code, name: r.name, level: r.level, parentCode: r.parent_code, path: await regionPath(app.db, r.code) };
  });

  /** Children of a node, limited to the actor's subtree (a village cadre sees only their village). */
  app.get<{ Params: { code: string } }>('/regions/:code/children', { schema: { tags: ['区划'], params: Params({ code: RegionCode() }), summary: '下级区划' } }, async (req) => {
    const actor = actorOf(req);
    authorize(actor, 'region:read');
    const rows = await childRegions(app.db, req.params.code);
    const mine = subtreePrefix(actor.regionCode);
    return rows
      .filter((r) => isInSubtree(actor.regionCode, r.code) || mine.startsWith(subtreePrefix(r.code)))
      .map((r) => ({ code: r.code, name: r.name, level: r.level, hasChildren: !!r.has_children }));
  });
}
