import type { components } from './api-schema';

/**
 * The API's shapes, generated from the OpenAPI schema the backend serves (`make api-types`;
 * `make test` fails when src/lib/api-schema.d.ts and the schema differ). Write no hand-made
 * copies: name the schema here and let the compiler follow the API.
 */
export type Schemas = components['schemas'];
export type Schema<Name extends keyof Schemas> = Schemas[Name];
