// Light or dark theme, remembered on this device; "system" follows the operating system.
export type Theme = 'light' | 'dark' | 'system'

const KEY = 'outpost.theme'

export function storedTheme(storage: Pick<Storage, 'getItem'>): Theme {
  const t = storage.getItem(KEY)
  return t === 'light' || t === 'dark' ? t : 'system'
}

export function resolveTheme(t: Theme, prefersDark: boolean): 'light' | 'dark' {
  return t === 'system' ? (prefersDark ? 'dark' : 'light') : t
}

export function applyTheme(t: Theme) {
  localStorage.setItem(KEY, t)
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false
  document.documentElement.dataset.theme = resolveTheme(t, dark)
}
