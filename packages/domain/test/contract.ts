// The contract of the calls dds-restore makes, read from the description of the official SDKs'
// models kept as data in docs/service/sdk-models.json, and the checks every side is held to: the
// domain's Wire schemas (test/Contract.test.ts here), the client's requests and the fake's answers
// (the testing and emulator packages' contract tests read this module).
import { readFileSync } from "node:fs"
import * as AST from "effect/SchemaAST"
import type * as Schema from "effect/Schema"

/** A described type. */
export type Type =
  | { readonly type: "string"; readonly required?: boolean; readonly enum?: ReadonlyArray<string>; readonly pattern?: string }
  | { readonly type: "integer" | "number" | "boolean"; readonly required?: boolean }
  | { readonly type: "array"; readonly required?: boolean; readonly items: Type }
  | { readonly type: "object"; readonly required?: boolean; readonly fields: Readonly<Record<string, Type>> }

/** One call as the SDKs model it. */
export interface Call {
  readonly operation: string
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, Type>>
  readonly body?: Type
  readonly answer: Type
}

interface Description {
  readonly calls: ReadonlyArray<Call>
  readonly error: Type
}

export const description: Description = JSON.parse(
  readFileSync(new URL("../../../docs/service/sdk-models.json", import.meta.url), "utf8")
)

/** The described call of an operation. */
export const call = (operation: string): Call => {
  const found = description.calls.find((c) => c.operation === operation)
  if (found === undefined) throw new Error(`sdk-models.json describes no ${operation}`)
  return found
}

const pathPattern = (template: string): RegExp =>
  new RegExp(`^${template.replace(/\{[a-z_]+\}/g, "[A-Za-z0-9_-]+").replace(/\./g, "\\.")}$`)

/** The described call a request is, by method and path (`undefined` when none). */
export const callOf = (method: string, path: string): Call | undefined =>
  description.calls.find((c) => c.method === method && pathPattern(c.path).test(path))

const kindOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value

/**
 * What in `value` disagrees with `type`, each with its path: a field the description does not
 * have, a required one missing, a value of another type. An optional string may be null.
 */
export const conformance = (value: unknown, type: Type, path = "$"): ReadonlyArray<string> => {
  switch (type.type) {
    case "object": {
      if (kindOf(value) !== "object") return [`${path}: ${kindOf(value)}, described as an object`]
      const record = value as Record<string, unknown>
      const unknown = Object.keys(record).filter((key) => !(key in type.fields)).map((key) => `${path}.${key}: not in the description`)
      const fields = Object.entries(type.fields).flatMap(([key, field]) => {
        if (!(key in record) || record[key] === undefined) return field.required === true ? [`${path}.${key}: required, absent`] : []
        if (record[key] === null && field.required !== true && field.type === "string") return []
        return conformance(record[key], field, `${path}.${key}`)
      })
      return [...unknown, ...fields]
    }
    case "array":
      return Array.isArray(value)
        ? value.flatMap((item, i) => conformance(item, type.items, `${path}[${i}]`))
        : [`${path}: ${kindOf(value)}, described as an array`]
    case "number":
      return typeof value === "number" ? [] : [`${path}: ${kindOf(value)}, described as a number`]
    case "string":
      if (typeof value !== "string") return [`${path}: ${kindOf(value)}, described as string`]
      return stringIssues(value, type).map((issue) => `${path}: ${issue}`)
    default:
      return kindOf(value) === type.type ? [] : [`${path}: ${kindOf(value)}, described as ${type.type}`]
  }
}

const stringIssues = (value: string, type: { readonly enum?: ReadonlyArray<string>; readonly pattern?: string }): ReadonlyArray<string> => [
  ...(type.enum === undefined || type.enum.includes(value) ? [] : [`"${value}", not one of ${type.enum.join(", ")}`]),
  ...(type.pattern === undefined || new RegExp(type.pattern).test(value) ? [] : [`"${value}", not of the form ${type.pattern}`])
]

/** What in a request's query disagrees with its call: an unknown name, a required one missing, an integer that is not digits. */
export const queryConformance = (call: Call, query: ReadonlyArray<readonly [string, string]>): ReadonlyArray<string> => {
  const names = new Set(query.map(([name]) => name))
  return [
    ...query.flatMap(([name, value]) => {
      const type = call.query[name]
      if (type === undefined) return [`query ${name}: not in the description of ${call.operation}`]
      if (type.type === "integer" && !/^\d+$/.test(value)) return [`query ${name}=${value}: described as an integer`]
      return type.type === "string" ? stringIssues(value, type).map((issue) => `query ${name}: ${issue}`) : []
    }),
    ...Object.entries(call.query).flatMap(([name, type]) =>
      type.required === true && !names.has(name) ? [`query ${name}: required by ${call.operation}, absent`] : []
    )
  ]
}

// A value of each described format.
const examples: Readonly<Record<string, string>> = {
  "^\\d+$": "1607762955000",
  "^\\d{4}-\\d{2}-\\d{2}$": "2020-12-12",
  "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{4}$": "2020-12-12T09:02:11+0800",
  "^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{4})?$": "2020-12-12T09:12:11+0800"
}

/** A value of every described field, each of its type: what a full answer could hold. */
export const fullSample = (type: Type): unknown => sample(type, true)

/** A value of the required fields only: the least an answer may hold. */
export const leastSample = (type: Type): unknown => sample(type, false)

const sample = (type: Type, all: boolean): unknown => {
  switch (type.type) {
    case "object":
      return Object.fromEntries(
        Object.entries(type.fields).filter(([, field]) => all || field.required === true).map(([key, field]) => [key, sample(field, all)])
      )
    case "array":
      return [sample(type.items, all)]
    case "string":
      return type.enum?.[0] ?? examples[type.pattern ?? ""] ?? "text"
    case "integer":
      return 7
    case "number":
      return 7.5
    case "boolean":
      return true
  }
}

/**
 * The fields a schema reads or writes on the wire (its encoded side), as paths such as
 * `instances[].datastore.type`.
 */
export const fieldPaths = (schema: Schema.Schema.Any): ReadonlyArray<string> => walk(AST.encodedAST(schema.ast), "")

const walk = (ast: AST.AST, path: string): ReadonlyArray<string> => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.propertySignatures.flatMap((p) => {
        const here = path === "" ? String(p.name) : `${path}.${String(p.name)}`
        return [here, ...walk(p.type, here)]
      })
    case "Union":
      return [...new Set(ast.types.flatMap((member) => walk(member, path)))]
    case "TupleType":
      return [...ast.elements.map((e) => e.type), ...ast.rest.map((r) => r.type)].flatMap((t) => walk(t, `${path}[]`))
    case "Refinement":
      return walk(ast.from, path)
    case "Transformation":
      return walk(ast.from, path)
    case "Suspend":
      return walk(ast.f(), path)
    default:
      return []
  }
}

/** The described fields of a type, as paths like `fieldPaths`'. */
export const describedPaths = (type: Type, path = ""): ReadonlyArray<string> => {
  switch (type.type) {
    case "object":
      return Object.entries(type.fields).flatMap(([key, field]) => {
        const here = path === "" ? key : `${path}.${key}`
        return [here, ...describedPaths(field, here)]
      })
    case "array":
      return describedPaths(type.items, `${path}[]`)
    default:
      return []
  }
}
