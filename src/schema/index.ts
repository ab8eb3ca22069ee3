/** Editor support: the registry JSON Schema and the modeline that points YAML files at it. */
export {SCHEMA_DRAFT, kindDataSchema, registrySchema, registrySchemaText} from './registry-schema.js'
export type {JsonSchema} from './registry-schema.js'
export {PROJECT_SCHEMA_FILE, readModeline, schemaModeline} from './modeline.js'
export {writeSchemaFile} from './write-schema.js'
export type {WriteSchemaResult} from './write-schema.js'
