/**
 * `--help --json`: a command's help as one JSON document on standard output, for scripts and tools.
 * @effect/cli writes its help as text itself; this module asks @effect/cli's parser for the same
 * help (the usage and help document of the command the arguments name) and turns that into JSON,
 * so the document says exactly what the text says and never falls behind the commands.
 *
 * @since 0.1.0
 */
import * as BuiltInOptions from "@effect/cli/BuiltInOptions"
import type * as CliConfig from "@effect/cli/CliConfig"
import type * as Command from "@effect/cli/Command"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import type * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Span from "@effect/cli/HelpDoc/Span"
import * as Usage from "@effect/cli/Usage"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import type * as Terminal from "@effect/platform/Terminal"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * An argument or an option: its name as the help shows it (`--instance ID`, `<plan.json>`) and
 * the paragraphs that describe it.
 *
 * @since 0.1.0
 */
export interface Entry {
  readonly name: string
  readonly description: ReadonlyArray<string>
}

/**
 * A subcommand: its name, its usage and what it does.
 *
 * @since 0.1.0
 */
export interface Subcommand {
  readonly name: string
  readonly usage: string
  readonly description: string
}

/**
 * The help of one command.
 *
 * @since 0.1.0
 */
export interface Document {
  /** The command's name, as its usage starts (`dds-restore` for the root, `plan` for `dds-restore plan`). */
  readonly command: string
  /** Its usage lines, as the text help shows them after `$`. */
  readonly usage: ReadonlyArray<string>
  /** The paragraphs of its description. */
  readonly description: ReadonlyArray<string>
  readonly arguments: ReadonlyArray<Entry>
  readonly options: ReadonlyArray<Entry>
  readonly subcommands: ReadonlyArray<Subcommand>
}

/**
 * Whether the arguments (those after node and the script) hold @effect/cli's help flag.
 *
 * @since 0.1.0
 */
export const requested = (args: ReadonlyArray<string>): boolean => args.includes("--help") || args.includes("-h")

/**
 * The help document of the command `args` ask help for, as @effect/cli's parser finds it; `None`
 * when the arguments do not ask for help (or do not parse), for @effect/cli to handle as usual.
 *
 * @since 0.1.0
 */
export const parse = <Name extends string, R, E, A>(
  command: Command.Command<Name, R, E, A>,
  args: ReadonlyArray<string>,
  config: CliConfig.CliConfig
): Effect.Effect<Option.Option<Document>, never, FileSystem.FileSystem | Path.Path | Terminal.Terminal> =>
  // As @effect/cli's run does: the root command's name, then the arguments.
  Descriptor.parse(command.descriptor, [...Descriptor.getNames(command.descriptor), ...args], config).pipe(
    Effect.map((directive) =>
      directive._tag === "BuiltIn" && BuiltInOptions.isShowHelp(directive.option)
        ? Option.some(make(directive.option.usage, directive.option.helpDoc, config))
        : Option.none()
    ),
    Effect.orElseSucceed(() => Option.none())
  )

/**
 * The document of a command's usage and help document (those @effect/cli prints with `--help`).
 *
 * @since 0.1.0
 */
export const make = (usage: Usage.Usage, help: HelpDoc.HelpDoc, config: CliConfig.CliConfig): Document => {
  const lines = Usage.enumerate(usage, config).map(text)
  const sections = new Map<string, Array<HelpDoc.HelpDoc>>()
  let section = ""
  for (const block of blocks(help)) {
    if (block._tag === "Header") section = text(block.value)
    else sections.set(section, [...(sections.get(section) ?? []), block])
  }
  const within = (name: string) => sections.get(name) ?? []
  return {
    command: lines[0]?.split(" ")[0] ?? "",
    usage: lines,
    description: within("DESCRIPTION").flatMap(paragraphs),
    arguments: within("ARGUMENTS").flatMap(entries),
    options: within("OPTIONS").flatMap(entries),
    subcommands: within("COMMANDS").flatMap((block) => block._tag === "Enumeration" ? block.elements.flatMap(subcommand) : [])
  }
}

/** The text of a span, without its styles. */
const text = (span: Span.Span): string => {
  switch (span._tag) {
    case "Text":
    case "URI":
      return span.value
    case "Sequence":
      return text(span.left) + text(span.right)
    case "Highlight":
    case "Strong":
    case "Weak":
      return text(span.value)
  }
}

/** A help document as its blocks in order (headers, paragraphs, lists), sequences flattened. */
const blocks = (doc: HelpDoc.HelpDoc): ReadonlyArray<Exclude<HelpDoc.HelpDoc, HelpDoc.Sequence | HelpDoc.Empty>> => {
  switch (doc._tag) {
    case "Empty":
      return []
    case "Sequence":
      return [...blocks(doc.left), ...blocks(doc.right)]
    default:
      return [doc]
  }
}

/** Every paragraph of a block as text (a list's items as `name: description`). */
const paragraphs = (doc: HelpDoc.HelpDoc): ReadonlyArray<string> =>
  blocks(doc).flatMap((block) => {
    switch (block._tag) {
      case "Header":
      case "Paragraph":
        return [text(block.value)]
      case "DescriptionList":
        return block.definitions.map(([name, description]) => `${text(name)}: ${paragraphs(description).join(" ")}`)
      case "Enumeration":
        return block.elements.flatMap(paragraphs)
    }
  })

const entries = (doc: HelpDoc.HelpDoc): ReadonlyArray<Entry> =>
  doc._tag === "DescriptionList"
    ? doc.definitions.map(([name, description]) => ({ name: text(name), description: paragraphs(description) }))
    : []

// @effect/cli lists a subcommand as one paragraph: its usage, spaces that align the descriptions,
// then its description.
const subcommand = (doc: HelpDoc.HelpDoc): ReadonlyArray<Subcommand> => {
  if (doc._tag !== "Paragraph") return []
  const span = doc.value
  const aligned = span._tag === "Sequence" && span.left._tag === "Sequence" && span.left.right._tag === "Text" &&
    /^ {2,}$/.test(span.left.right.value)
  const usage = aligned && span._tag === "Sequence" && span.left._tag === "Sequence" ? text(span.left.left) : text(span)
  const description = aligned && span._tag === "Sequence" ? text(span.right) : ""
  return [{ name: usage.split(" ")[0] ?? "", usage, description }]
}
