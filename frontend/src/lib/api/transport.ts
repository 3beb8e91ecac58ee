// The one place that reaches the backend. In the desktop window Wails binds the Go services as
// window.go.app.<Service>.<Method>(...args) and delivers events through window.runtime.EventsOn;
// in a browser (outpost serve) the same methods are POST /api/<Service>/<Method>, and events arrive
// over server-sent events at /api/events. The browser proves itself with the HttpOnly cookie that
// opening the printed link set: no script here ever holds the token.
import { ApiError, toApiError } from './errors'

type Bound = Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>

interface WailsWindow {
  go?: { app?: Bound }
  runtime?: { EventsOn(name: string, cb: (data: unknown) => void): () => void }
}

function wails(): WailsWindow | null {
  if (typeof window === 'undefined') return null
  const w = window as unknown as WailsWindow
  return w.go?.app ? w : null
}

/** inWindow reports whether the UI runs in the desktop window (rather than a browser). */
export function inWindow(): boolean {
  return wails() !== null
}

/** call invokes Service.Method(...args) on the backend and resolves with its result; failures reject with ApiError. */
export async function call<T>(service: string, method: string, ...args: unknown[]): Promise<T> {
  const w = wails()
  if (w) {
    const fn = w.go?.app?.[service]?.[method]
    if (!fn) throw new ApiError(`no such method ${service}.${method}`, undefined, 404)
    try {
      return (await fn(...args)) as T
    } catch (e) {
      throw toApiError(e)
    }
  }
  let res: Response
  try {
    res = await fetch(`/api/${service}/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    })
  } catch {
    throw new ApiError('cannot reach Outpost: is `outpost serve` still running?', undefined, 0)
  }
  const text = await res.text()
  let body: unknown = null
  if (text) {
    try {
      body = JSON.parse(text)
    } catch {
      body = text
    }
  }
  if (!res.ok) throw toApiError(body ?? `request failed (${res.status})`, res.status)
  return body as T
}

/**
 * request sends a raw HTTP request to `outpost serve` (for file downloads and
 * uploads that are not JSON calls). Failures reject with ApiError, like call.
 */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response
  try {
    res = await fetch(path, init)
  } catch {
    throw new ApiError('cannot reach Outpost: is `outpost serve` still running?', undefined, 0)
  }
  if (!res.ok) {
    const text = await res.text()
    throw toApiError(text || `request failed (${res.status})`, res.status)
  }
  return res
}

type Listener = (data: unknown) => void

const listeners = new Map<string, Set<Listener>>()
let source: EventSource | null = null

function dispatch(name: string, data: unknown) {
  for (const cb of listeners.get(name) ?? []) cb(data)
}

function openEventSource() {
  if (source || typeof EventSource === 'undefined') return
  source = new EventSource('/api/events')
  let lost = false
  source.onmessage = (ev) => {
    try {
      const m = JSON.parse(ev.data) as { name: string; data: unknown }
      dispatch(m.name, m.data)
    } catch {
      // a malformed event is dropped
    }
  }
  source.onerror = () => {
    lost = true
    dispatch('connection', { online: false })
  }
  source.onopen = () => {
    if (lost) dispatch('connection', { online: true, reconnected: true })
    lost = false
  }
}

/**
 * onEvent calls cb with the data of every event called name and returns a function that stops it.
 * Besides the app's events ("records:changed"), the browser transport emits "connection" with
 * {online, reconnected} when the event stream drops or comes back (events may have been missed).
 */
export function onEvent<T = unknown>(name: string, cb: (data: T) => void): () => void {
  const w = wails()
  if (w?.runtime) return w.runtime.EventsOn(name, cb as Listener)
  let set = listeners.get(name)
  if (!set) listeners.set(name, (set = new Set()))
  set.add(cb as Listener)
  openEventSource()
  return () => {
    set.delete(cb as Listener)
  }
}
