/**
 * The request bodies a reader of the OpenAPI document is offered, built the
 * way Swagger UI builds them: the media type's `examples` (each one), else its
 * `example`, else the schema's `example`, else a sample composed from the
 * schema - per property its example, default or first enum value, else a
 * placeholder for its type and format (an unnamed string is "string" padded
 * to minLength, which is how a password became "stringstri").
 */
export type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  example?: unknown;
  default?: unknown;
  enum?: unknown[];
  minLength?: number;
  minimum?: number;
  readOnly?: boolean;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
};
export type Media = { schema?: Schema; example?: unknown; examples?: Record<string, { value: unknown }> };
export type OpenApiDoc = { components: { schemas: Record<string, Schema> } };

export function requestExamples(doc: OpenApiDoc, media: Media): { name: string; body: unknown }[] {
  if (media.examples) return Object.entries(media.examples).map(([name, e]) => ({ name, body: e.value }));
  if (media.example !== undefined) return [{ name: 'example', body: media.example }];
  return [{ name: 'from the schema', body: sample(doc, media.schema ?? {}) }];
}

function resolve(doc: OpenApiDoc, schema: Schema): Schema {
  return schema.$ref ? resolve(doc, doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]) : schema;
}

function sample(doc: OpenApiDoc, raw: Schema): unknown {
  const schema = resolve(doc, raw);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => sample(doc, s)));
  if (schema.oneOf?.length) return sample(doc, schema.oneOf[0]);
  if (schema.properties || schema.type === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(schema.properties ?? {})) if (!prop.readOnly) out[key] = sample(doc, prop);
    return out;
  }
  switch (schema.type) {
    case 'array':
      return [sample(doc, schema.items ?? {})];
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return true;
    case 'string':
    default:
      return stringPlaceholder(schema);
  }
}

function stringPlaceholder(schema: Schema): string {
  switch (schema.format) {
    case 'uuid':
      return '3fa85f64-5717-4562-b3fc-2c963f66afa6';
    case 'email':
      return 'user@example.com';
    case 'date-time':
      return new Date().toISOString();
    case 'date':
      return new Date().toISOString().slice(0, 10);
    default: {
      let s = 'string';
      while (s.length < (schema.minLength ?? 0)) s += 'string';
      return s.slice(0, Math.max(6, schema.minLength ?? 0));
    }
  }
}
