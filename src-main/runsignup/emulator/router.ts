// Maps `/Rest/...` paths (case-insensitive, as RunSignup's are in practice) to handlers.
import { ApiError } from './errors';
import type { Handler } from './handlers/context';
import { getDivisions, getParticipants, getRace, getRaces } from './handlers/race';
import {
  getResultSetSplits,
  getResults,
  getResultSets,
  getStartTime,
  postClearDivisionPlacements,
  postClearResults,
  postDisableDivisionPlacementCalc,
  postFullResults,
  postNewResultSet,
  postResultSetSplits,
  postStartTime,
} from './handlers/results';

interface Route {
  pattern: RegExp;
  methods: Partial<Record<'GET' | 'POST', Handler | 'login' | 'refresh-token'>>;
}

const RACE = String.raw`/race/(\d+)`;

const ROUTES: Route[] = [
  { pattern: /^\/login$/, methods: { POST: 'login' } },
  { pattern: /^\/v2\/auth\/refresh-token\.json$/, methods: { POST: 'refresh-token' } },
  { pattern: /^\/races$/, methods: { GET: getRaces } },
  { pattern: new RegExp(`^${RACE}$`), methods: { GET: getRace } },
  { pattern: new RegExp(`^${RACE}/participants$`), methods: { GET: getParticipants } },
  { pattern: new RegExp(`^${RACE}/divisions/divisions$`), methods: { GET: getDivisions } },
  { pattern: new RegExp(`^${RACE}/results/get-result-sets$`), methods: { GET: getResultSets } },
  {
    pattern: new RegExp(`^${RACE}/results/result-set-splits$`),
    methods: { GET: getResultSetSplits, POST: postResultSetSplits },
  },
  { pattern: new RegExp(`^${RACE}/results/get-results$`), methods: { GET: getResults } },
  { pattern: new RegExp(`^${RACE}/results/full-results$`), methods: { POST: postFullResults } },
  { pattern: new RegExp(`^${RACE}/results/new-result-set$`), methods: { POST: postNewResultSet } },
  { pattern: new RegExp(`^${RACE}/results/clear-results$`), methods: { POST: postClearResults } },
  {
    pattern: new RegExp(`^${RACE}/results/disable-division-placement-calc$`),
    methods: { POST: postDisableDivisionPlacementCalc },
  },
  {
    pattern: new RegExp(`^${RACE}/results/clear-division-placements$`),
    methods: { POST: postClearDivisionPlacements },
  },
  {
    pattern: new RegExp(`^${RACE}/results/start-time$`),
    methods: { GET: getStartTime, POST: postStartTime },
  },
];

export const API_PREFIX = '/rest';

export interface RouteMatch {
  handler: Handler | 'login' | 'refresh-token';
  pathIds: number[];
}

/** Finds the handler for a path under /Rest; error 1 for an unknown method, 2 for a wrong verb. */
export function route(method: string, pathname: string): RouteMatch {
  const lower = pathname.toLowerCase().replace(/\/+$/, '');
  if (!lower.startsWith(`${API_PREFIX}/`)) throw new ApiError(1, `Unknown method: ${pathname}`);
  const rest = lower.slice(API_PREFIX.length);
  for (const r of ROUTES) {
    const m = r.pattern.exec(rest);
    if (!m) continue;
    const handler = r.methods[method as 'GET' | 'POST'];
    if (!handler) throw new ApiError(2, `HTTP method ${method} not supported for this call.`);
    return { handler, pathIds: m.slice(1).map(Number) };
  }
  throw new ApiError(1, `Unknown method: ${pathname}`);
}
