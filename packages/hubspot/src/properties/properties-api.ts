import type { HttpClient } from '@connectors/core';
import { propertyDefinitionSchema, propertyListSchema, schemaFromProperties, type PropertyDefinition } from './property-schemas.ts';

export interface PropertyCreateInput {
  name: string;
  label: string;
  type: 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';
  fieldType: 'text' | 'textarea' | 'number' | 'date' | 'select' | 'radio' | 'checkbox' | 'booleancheckbox' | 'calculation_equation' | (string & {});
  groupName: string;
  description?: string;
  options?: readonly { label: string; value: string; displayOrder?: number; hidden?: boolean }[];
  hasUniqueValue?: boolean;
}

/** `hubspot.properties`: schema discovery for any object type. */
export interface PropertiesApi {
  /** `GET /crm/v3/properties/{objectType}`: every property definition, custom ones included. */
  list(objectType: string, options?: { archived?: boolean; signal?: AbortSignal }): Promise<PropertyDefinition[]>;
  /** `GET /crm/v3/properties/{objectType}/{name}`. */
  get(objectType: string, name: string, options?: { signal?: AbortSignal }): Promise<PropertyDefinition>;
  /** `POST /crm/v3/properties/{objectType}`. */
  create(objectType: string, input: PropertyCreateInput, options?: { signal?: AbortSignal }): Promise<PropertyDefinition>;
  /**
   * Discovers the object type's properties and returns a record schema that declares them all, for
   * `hubspot.objects(objectType, schema)`: custom properties are then typed as known entries of the
   * open `properties` record, and only properties created later are reported as drift.
   */
  discover(objectType: string, options?: { signal?: AbortSignal }): Promise<{ definitions: PropertyDefinition[]; schema: ReturnType<typeof schemaFromProperties> }>;
}

export function createPropertiesApi(http: HttpClient): PropertiesApi {
  const signalOf = (options?: { signal?: AbortSignal }) => (options?.signal ? { signal: options.signal } : {});
  const list: PropertiesApi['list'] = async (objectType, options = {}) => {
    const page = await http.request({
      path: '/crm/v3/properties/{objectType}', params: { objectType }, query: options.archived !== undefined ? { archived: String(options.archived) } : {},
      schema: propertyListSchema, operation: 'properties.list', ...signalOf(options),
    });
    return page.results;
  };
  return {
    list,
    get: (objectType, name, options) =>
      http.request({ path: '/crm/v3/properties/{objectType}/{name}', params: { objectType, name }, schema: propertyDefinitionSchema, operation: 'properties.get', ...signalOf(options) }),
    create: (objectType, input, options) =>
      http.request({ method: 'POST', path: '/crm/v3/properties/{objectType}', params: { objectType }, body: input, schema: propertyDefinitionSchema, operation: 'properties.create', ...signalOf(options) }),
    discover: async (objectType, options) => {
      const definitions = await list(objectType, options);
      return { definitions, schema: schemaFromProperties(definitions) };
    },
  };
}
