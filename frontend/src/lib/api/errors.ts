// Errors from the backend, as both transports deliver them: {error, field, label, problem} (HTTP body, or
// the window's error formatter), a plain string ("title: is required"), or an Error from the network layer.
// error is a sentence for a person ("Time off 1, until must be after the start of the time off"); field is
// the input's path ("timeOff[0].to"), for a form to find the input, and problem the sentence without the label.

export class ApiError extends Error {
  /** The input field the error names, e.g. "title" or "requester.name"; undefined when it is not about input. */
  readonly field?: string
  /** HTTP status when known (401 unauthorised, 404 no such method, 500 fault on the device, 0 network). */
  readonly status?: number

  readonly #problem?: string

  constructor(message: string, field?: string, status?: number, problem?: string) {
    super(message)
    this.name = 'ApiError'
    this.field = field || undefined
    this.status = status
    this.#problem = problem || undefined
  }

  /** The message without the field's label in front, to show next to that field ("is required"). */
  get problem(): string {
    if (this.field && this.#problem) return this.#problem
    if (this.field && this.message.startsWith(this.field + ': ')) return this.message.slice(this.field.length + 2)
    return this.message
  }

  /** Whether the method does not exist on this backend (an older or smaller build). */
  get missingMethod(): boolean {
    return this.status === 404 && /^no such method/.test(this.message)
  }
}

const fieldPrefix = /^([A-Za-z][A-Za-z0-9_.]*): (.+)$/s

/** toApiError turns whatever a call rejected with into an ApiError. */
export function toApiError(raw: unknown, status?: number): ApiError {
  if (raw instanceof ApiError) return raw
  if (raw && typeof raw === 'object' && 'error' in raw) {
    const o = raw as { error: unknown; field?: unknown; problem?: unknown }
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined)
    return new ApiError(String(o.error), text(o.field), status, text(o.problem))
  }
  if (typeof raw === 'string') {
    const trimmed = raw.trim()
    if (trimmed.startsWith('{')) {
      try {
        return toApiError(JSON.parse(trimmed), status)
      } catch {
        // not JSON after all: fall through to the plain message
      }
    }
    const m = fieldPrefix.exec(trimmed)
    return new ApiError(trimmed, m ? m[1] : undefined, status)
  }
  // The window rejects with an Error whose message is the {error, field} body as JSON text.
  if (raw instanceof Error && raw.message.trim().startsWith('{')) return toApiError(raw.message, status)
  if (raw instanceof Error) return new ApiError(raw.message || 'request failed', undefined, status ?? 0)
  return new ApiError('request failed', undefined, status)
}

/** fieldErrors keeps the message of an error under its field name, for a form to show in place. */
export function fieldErrors(err: unknown, fallback = '_form'): Record<string, string> {
  const e = toApiError(err)
  return { [e.field ?? fallback]: e.field ? e.problem : e.message }
}
