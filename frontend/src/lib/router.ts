// Hash routes: #/queue, #/ticket/<id>, #/settings. The first segment names a screen of the registry.
export interface Route {
  screen: string
  params: string[]
}

export function parseRoute(hash: string, fallback = 'queue'): Route {
  const path = hash.replace(/^#\/?/, '').split('?')[0]
  const parts = path.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p)
    } catch {
      return p
    }
  })
  if (!parts.length) return { screen: fallback, params: [] }
  return { screen: parts[0], params: parts.slice(1) }
}

export function href(screen: string, ...params: string[]): string {
  return '#/' + [screen, ...params].map(encodeURIComponent).join('/')
}

export function go(screen: string, ...params: string[]) {
  window.location.hash = href(screen, ...params)
}

/** Shown is what the shell displays: a screen's component with the params of that screen's own route. */
export interface Shown<C> {
  screen: string
  params: string[]
  component: C
}

/**
 * ScreenSwitch pairs each loaded screen component with the route it was loaded for. Screens load
 * lazily, so after #/ticket/<id> gives way to #/visits/day/<tech>/<date> the ticket page stays on
 * display until the Visits component arrives: it must keep its own params meanwhile (given the new
 * route's params it read "day" as a ticket ID and fetched it). A load that finishes after the route
 * has moved on again is dropped.
 */
export class ScreenSwitch<C> {
  private seq = 0

  /** begin starts showing route; call the result with the loaded component to get what to show (null: stale). */
  begin(route: Route): (component: C) => Shown<C> | null {
    const n = ++this.seq
    const screen = route.screen
    const params = [...route.params]
    return (component) => (n === this.seq ? { screen, params, component } : null)
  }
}
