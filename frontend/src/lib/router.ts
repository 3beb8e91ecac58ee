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
