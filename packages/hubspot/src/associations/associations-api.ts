import { cursorPagination, type HttpClient, type Paginated } from '@connectors/core';
import * as v from 'valibot';
import { runBatch, type BatchOutcome } from '../batch/run-batch.ts';
import { associationBatchItemSchema, associationCreatedSchema, associationPageSchema, type Association, type AssociationBatchItem } from './association-schemas.ts';

/** An association type to write: `HUBSPOT_DEFINED` ids are listed in HubSpot's associations v4 docs (e.g. 279 contact to company). */
export interface AssociationSpec {
  associationCategory: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';
  associationTypeId: number;
}

/**
 * `hubspot.associations` (CRM associations v4). Source:
 * https://developers.hubspot.com/docs/api/crm/associations (v4 endpoints, batch of up to 100 per call... 1,000 for reads; this package sends 100).
 */
export interface AssociationsApi {
  /** `GET /crm/v4/objects/{from}/{id}/associations/{to}`: every linked record, paged with `after`. */
  list(fromObjectType: string, id: string, toObjectType: string, options?: { limit?: number; signal?: AbortSignal }): Paginated<Association>;
  /** `PUT .../associations/default/{to}/{toId}`: links two records with the default (unlabeled) type. Safe to repeat. */
  createDefault(fromObjectType: string, fromId: string, toObjectType: string, toId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** `PUT .../associations/{to}/{toId}` with labels. Safe to repeat. */
  create(fromObjectType: string, fromId: string, toObjectType: string, toId: string, types: readonly AssociationSpec[], options?: { signal?: AbortSignal }): Promise<void>;
  /** `DELETE .../associations/{to}/{toId}`: removes every association between the two. */
  remove(fromObjectType: string, fromId: string, toObjectType: string, toId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** `POST /crm/v4/associations/{from}/{to}/batch/read`, 100 ids per call. */
  batchRead(fromObjectType: string, toObjectType: string, ids: readonly string[], options?: { signal?: AbortSignal }): Promise<BatchOutcome<AssociationBatchItem, string>>;
}

export function createAssociationsApi(http: HttpClient): AssociationsApi {
  const signalOf = (options?: { signal?: AbortSignal }) => (options?.signal ? { signal: options.signal } : {});
  return {
    list: (fromObjectType, id, toObjectType, options = {}) =>
      http.paginate({
        path: '/crm/v4/objects/{fromObjectType}/{id}/associations/{toObjectType}', params: { fromObjectType, id, toObjectType },
        pagination: cursorPagination({ cursorParam: 'after', nextCursor: 'paging.next.after', limit: options.limit ?? 500 }),
        items: 'results', schema: associationPageSchema, operation: 'associations.list', ...signalOf(options),
      }) as unknown as Paginated<Association>,
    createDefault: async (fromObjectType, fromId, toObjectType, toId, options) => {
      await http.request({
        method: 'PUT', path: '/crm/v4/objects/{fromObjectType}/{fromId}/associations/default/{toObjectType}/{toId}', params: { fromObjectType, fromId, toObjectType, toId },
        operation: 'associations.createDefault', responseType: 'none', ...signalOf(options),
      });
    },
    create: async (fromObjectType, fromId, toObjectType, toId, types, options) => {
      await http.request({
        method: 'PUT', path: '/crm/v4/objects/{fromObjectType}/{fromId}/associations/{toObjectType}/{toId}', params: { fromObjectType, fromId, toObjectType, toId },
        body: types, schema: associationCreatedSchema, operation: 'associations.create', ...signalOf(options),
      });
    },
    remove: async (fromObjectType, fromId, toObjectType, toId, options) => {
      await http.request({
        method: 'DELETE', path: '/crm/v4/objects/{fromObjectType}/{fromId}/associations/{toObjectType}/{toId}', params: { fromObjectType, fromId, toObjectType, toId },
        operation: 'associations.remove', responseType: 'none', ...signalOf(options),
      });
    },
    batchRead: (fromObjectType, toObjectType, ids, options = {}) =>
      runBatch<string, AssociationBatchItem>(http, {
        operation: 'associations.batchRead', path: '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read', params: { fromObjectType, toObjectType },
        inputs: ids, itemSchema: associationBatchItemSchema as v.GenericSchema, body: (chunk) => ({ inputs: chunk.map(({ input }) => ({ id: input })) }),
        keysOf: (id) => [id], resultKeys: (item) => [item.from.id], signal: options.signal,
      }),
  };
}
