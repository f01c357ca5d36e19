// Serializes answers in the requested format (xml by default, json on `format=json`).
import { ApiError, errorEnvelope } from './errors';
import { toXml } from './xml';

export type ResponseFormat = 'json' | 'xml';

export const CONTENT_TYPES: Record<ResponseFormat, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** `format`: json or xml (default); anything else is error 10, answered in xml. */
export function responseFormat(raw: string | undefined): ResponseFormat | ApiError {
  if (raw === undefined || raw === '') return 'xml';
  const f = raw.toLowerCase();
  if (f === 'json' || f === 'xml') return f;
  return new ApiError(10);
}

export function render(value: unknown, format: ResponseFormat): string {
  // RunSignup's JSON escapes "/" as "\/" (dates like 2\/10\/2023); '/' only occurs inside strings.
  return format === 'json' ? JSON.stringify(value).replace(/\//g, '\\/') : toXml(value);
}

export function renderError(err: ApiError, format: ResponseFormat): string {
  return render(errorEnvelope(err), format);
}
