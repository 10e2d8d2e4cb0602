// A tracer over the one in use that also keeps every span it starts, as a tracing exporter would
// receive them, so that a test can look for credentials in their names and attributes.
import * as Effect from "effect/Effect"
import * as Tracer from "effect/Tracer"

/** The current tracer, recording into `spans` every span started under it. */
export const recordingInto = (spans: Array<Tracer.Span>): Effect.Effect<Tracer.Tracer> =>
  Effect.map(Effect.tracer, (native) =>
    Tracer.make({
      span: (...args) => {
        const span = native.span(...args)
        spans.push(span)
        return span
      },
      context: native.context
    }))
