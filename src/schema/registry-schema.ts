import {z} from 'zod'

import {OPAQUE_KINDS, RUN_KINDS, kindSchemas} from '../registry/index.js'
import type {RunKind} from '../registry/index.js'

/**
 * The JSON Schema of a registry definition file, for editors (yaml-language-server) and
 * `wippy schema`. Each run kind's fields come from the zod schema the loader validates with
 * (`kindSchemas`, through `z.toJSONSchema`), so the editor and `wippy lint` cannot disagree
 * about fields; only the file frame (namespace, entries, name, kind, meta, data) is written
 * here, mirroring `parseDefinitionFile`.
 *
 * Draft-07, because it is the draft yaml-language-server and most editors support fully.
 */

/** A JSON Schema document (draft-07), as plain JSON. */
export type JsonSchema = {[key: string]: unknown}

export const SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#'

/** Same rules as the loader's namespace and entry-name checks (`parse-file.ts`). */
const NAMESPACE_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_-]*(\\.[A-Za-z0-9_][A-Za-z0-9_-]*)*$'
const NAME_PATTERN = '^[^\\s:]+$'

/** One line per run kind, shown on hover; the fields themselves come from the zod schemas. */
const KIND_DOCS: Record<RunKind, string> = {
  'function.lua': 'A stateless Lua function, called with funcs.call("ns:name", ...).',
  'process.lua': 'A Lua process: spawned on a process.host, has an inbox, runs until main returns.',
  'workflow.lua': 'A durable Lua workflow: every call is recorded and replayed after a crash.',
  'library.lua': 'Lua code other entries load through `imports` and require().',
  'process.host': 'Runs spawned processes (the `host` argument of process.spawn).',
  'process.service': 'Keeps one process running on a host and restarts it by its lifecycle policy.',
  'temporal.client': 'A connection to a Temporal server (wippy dev runs workflows on its embedded engine instead).',
  'temporal.worker': 'Hosts workflows bound to it by meta.temporal.workflow.worker.',
}

/** The `data` schema of one run kind, converted from its zod schema. */
export function kindDataSchema(kind: RunKind): JsonSchema {
  const {$schema: _drop, ...schema} = z.toJSONSchema(kindSchemas[kind], {target: 'draft-7', io: 'input'}) as JsonSchema
  return schema
}

const nameSchema: JsonSchema = {
  type: 'string',
  pattern: NAME_PATTERN,
  description: 'The entry name; its ID is namespace:name. No spaces or colons.',
}

const namespaceSchema: JsonSchema = {
  type: 'string',
  pattern: NAMESPACE_PATTERN,
  description: 'Dot-separated namespace of the entries in this file, e.g. app.api.',
}

const metaSchema: JsonSchema = {
  type: 'object',
  description: 'Free-form metadata, merged over the file-level meta.',
  properties: {
    comment: {type: 'string', description: 'A human description of the entry.'},
    temporal: {
      type: 'object',
      description:
        'Binds a workflow.lua to a worker (temporal.workflow.worker) or a function to one as an activity (temporal.activity.worker).',
    },
  },
}

/**
 * One kind's entry: `name`, `kind`, `meta`, the kind's fields inline and an optional `data:`
 * map holding any of them. A required field may sit inline or under `data:`.
 */
function runKindEntry(kind: RunKind, reserved: readonly string[]): JsonSchema {
  const data = kindDataSchema(kind)
  const fields = (data.properties ?? {}) as Record<string, JsonSchema>
  const required = ((data.required ?? []) as string[]).filter((f) => !reserved.includes(f))
  const entry: JsonSchema = {
    type: 'object',
    title: kind,
    description: KIND_DOCS[kind],
    properties: {
      name: nameSchema,
      kind: {const: kind, description: KIND_DOCS[kind]},
      meta: metaSchema,
      data: {...data, required: undefined, description: `Fields of the ${kind} entry (merged over the inline ones).`},
      ...fields,
    },
    required: ['name', 'kind'],
  }
  if (required.length > 0) {
    entry.allOf = required.map((field) => ({
      anyOf: [{required: [field]}, {required: ['data'], properties: {data: {type: 'object', required: [field]}}}],
    }))
  }
  return withoutUndefined(entry)
}

/** Kinds the platform knows but wippy does not run: loaded as opaque entries, any fields. */
function opaqueEntry(): JsonSchema {
  return {
    type: 'object',
    title: 'other Wippy kinds',
    description: 'A kind of the Wippy platform that wippy loads but does not run (wippy lint warns).',
    properties: {
      name: nameSchema,
      kind: {enum: [...OPAQUE_KINDS]},
      meta: metaSchema,
      data: {type: 'object'},
    },
    required: ['name', 'kind'],
  }
}

/** The entry schema: exactly one branch per kind, chosen by `kind`. */
function entrySchema(reserved: readonly string[] = []): JsonSchema {
  return {
    type: 'object',
    properties: {kind: {enum: [...RUN_KINDS, ...OPAQUE_KINDS]}},
    oneOf: [...RUN_KINDS.map((kind) => runKindEntry(kind, reserved)), opaqueEntry()],
  }
}

/**
 * The JSON Schema of a registry YAML file: either the definition-file form
 * `{version?, namespace, meta?, entries: [...]}` or the single-entry form
 * `{version?, namespace, name, kind, ...fields}`.
 */
export function registrySchema(): JsonSchema {
  const single = entrySchema(['version', 'namespace'])
  return {
    $schema: SCHEMA_DRAFT,
    title: 'Wippy registry definition file',
    type: 'object',
    description: 'Registry entries of a Wippy project (src/**/_index.yaml). Generated by `wippy schema`.',
    definitions: {
      entry: entrySchema(),
      singleEntryFile: {
        ...single,
        properties: {...(single.properties as JsonSchema), version: {type: 'string'}, namespace: namespaceSchema},
        required: ['namespace', 'name', 'kind'],
      },
      definitionFile: {
        type: 'object',
        properties: {
          version: {type: 'string', description: 'Format version, "1.0".'},
          namespace: namespaceSchema,
          meta: {...metaSchema, description: 'Metadata merged into the meta of every entry of this file.'},
          entries: {type: 'array', items: {$ref: '#/definitions/entry'}},
        },
        required: ['namespace', 'entries'],
        additionalProperties: false,
      },
    },
    // The loader takes the single-entry form only when there is no `entries` key.
    if: {required: ['entries']},
    then: {$ref: '#/definitions/definitionFile'},
    else: {$ref: '#/definitions/singleEntryFile'},
  }
}

/** The schema as the file wippy ships and prints: 2-space JSON with a final newline. */
export function registrySchemaText(): string {
  return `${JSON.stringify(registrySchema(), null, 2)}\n`
}

function withoutUndefined(value: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(value)) as JsonSchema
}
