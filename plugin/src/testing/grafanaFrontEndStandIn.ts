/*
 * Stand-ins for the two services Grafana's front end gives a data source: the template service
 * (variables in SQL) and the backend service (HTTP to Grafana's API and data source proxy). Only
 * what the Orgscope data source uses is here.
 */
import type { ScopedVars } from '@grafana/data';
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse, TemplateSrv } from '@grafana/runtime';
import { Observable } from 'rxjs';

export interface VariableStandIn {
  name: string;
  current: string | string[];
  multi?: boolean;
  includeAll?: boolean;
}

type Format = (value: unknown, variable: VariableStandIn) => string | number;

/** Replaces $name, ${name} and [[name]] as Grafana's template service does, through the format function. */
export function templateServiceStandIn(variables: VariableStandIn[]): TemplateSrv {
  const byName = new Map(variables.map((variable) => [variable.name, variable]));
  const replace = (target = '', scopedVars?: ScopedVars, format?: unknown): string =>
    target.replace(/\$(\w+)|\$\{(\w+)\}|\[\[(\w+)\]\]/g, (whole, a?: string, b?: string, c?: string) => {
      const name = (a ?? b ?? c)!;
      const scoped = scopedVars?.[name];
      const variable = byName.get(name);
      if (!scoped && !variable) {
        return whole;
      }
      const value = scoped ? scoped.value : variable!.current;
      const asVariable = variable ?? { name, current: String(value) };
      return String(typeof format === 'function' ? (format as Format)(value, asVariable) : value);
    });
  // Only replace() is used by the data source; the rest of TemplateSrv is not needed here.
  return { replace } as unknown as TemplateSrv;
}

export interface RecordedRequest {
  url: string;
  method?: string;
  data?: unknown;
}

export type Answer = { status: number; data: unknown };

/** A backend service whose answers the test decides, recording every request. */
export function backendServiceStandIn(answer: (request: BackendSrvRequest) => Answer) {
  const requests: RecordedRequest[] = [];
  const fetch = <T>(options: BackendSrvRequest): Observable<FetchResponse<T>> =>
    new Observable((subscriber) => {
      requests.push({ url: options.url, method: options.method, data: options.data });
      const { status, data } = answer(options);
      if (status >= 200 && status < 300) {
        subscriber.next(fetchResponse(options, status, data as T));
        subscriber.complete();
      } else {
        const error: FetchError = { status, data, statusText: `HTTP ${status}`, config: options };
        subscriber.error(error);
      }
    });
  // Only fetch() is used by the data source; the rest of BackendSrv is not needed here.
  return { backendSrv: { fetch } as unknown as BackendSrv, requests };
}

function fetchResponse<T>(options: BackendSrvRequest, status: number, data: T): FetchResponse<T> {
  return {
    data,
    status,
    statusText: 'OK',
    ok: true,
    headers: new Headers(),
    redirected: false,
    type: 'basic',
    url: options.url,
    config: options,
  };
}
