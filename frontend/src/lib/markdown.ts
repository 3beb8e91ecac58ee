// Markdown for SOPs: rendered by marked, then sanitised by DOMPurify before it touches the DOM. In the
// desktop window, script that got into the page could call every bound Go method, so nothing executable
// survives: no script, iframe, object, form, svg or style; no event-handler or style attributes; and
// links and images only to http(s), mailto and tel (no javascript:, vbscript: or data: URLs).
// Links carry target=_blank rel=noopener; openLinksExternally sends clicks to the system browser.
import { Marked } from 'marked'
import DOMPurify, { type DOMPurify as Purifier } from 'dompurify'

const md = new Marked({ gfm: true, breaks: false, async: false })

/** The URL schemes a rendered link or image may use; relative links and #anchors are also kept. */
const SAFE_URL = /^(?:(?:https?|mailto|tel):|#|\/(?!\/)|\.{0,2}\/|[^:/?#]*(?:[/?#]|$))/i

const URL_ATTRS = ['href', 'src', 'xlink:href', 'action', 'formaction', 'srcset', 'poster', 'background', 'cite', 'longdesc']

/** isSafeUrl reports whether a link or image address may stay in rendered markdown. */
export function isSafeUrl(url: string): boolean {
  // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:"): so do we.
  // eslint-disable-next-line no-control-regex
  const compact = url.replace(/[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000\ufeff]/g, '')
  return SAFE_URL.test(compact)
}

let purifier: Purifier | null = null

function purify(): Purifier {
  if (purifier) return purifier
  const p = DOMPurify(window)
  p.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element
    if (!el.getAttribute) return
    for (const a of URL_ATTRS) {
      const v = el.getAttribute(a)
      if (v !== null && !isSafeUrl(v)) el.removeAttribute(a)
    }
    if (el.tagName === 'A' && el.hasAttribute('href')) {
      el.setAttribute('target', '_blank')
      el.setAttribute('rel', 'noopener noreferrer')
    }
  })
  purifier = p
  return p
}

const FORBID_TAGS = [
  'style', 'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button',
  'textarea', 'select', 'option', 'meta', 'base', 'link', 'template', 'noscript', 'svg', 'math', 'portal',
]

/** sanitize returns html with everything executable removed. */
export function sanitize(html: string): string {
  return purify().sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR: ['style', 'srcdoc', 'formaction', 'action', 'ping'],
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
  }) as string
}

/** renderMarkdown turns markdown into sanitised HTML, safe for {@html}. */
export function renderMarkdown(src: string): string {
  return sanitize(md.parse(src ?? '') as string)
}

/**
 * openLinksExternally makes clicks on links inside node open in the system browser (the desktop
 * window's BrowserOpenURL) or a new tab (in a browser), never inside the app's own window.
 * In-page #anchors are left alone. It returns a function that removes the handler.
 */
export function openLinksExternally(node: HTMLElement, open: (url: string) => void): () => void {
  const onClick = (e: MouseEvent) => {
    const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null
    if (!a || !node.contains(a)) return
    const href = a.getAttribute('href') ?? ''
    if (href.startsWith('#')) return
    e.preventDefault()
    if (isSafeUrl(href)) open(a.href)
  }
  node.addEventListener('click', onClick)
  return () => node.removeEventListener('click', onClick)
}
