// The formatted view of a mail: its HTML (already cleaned with bluemonday when the mail was taken in)
// is sanitised again with the app's DOMPurify helper, then shown as the srcdoc of an iframe with an
// empty sandbox, so that even what slipped through both runs no script and has an origin of its own,
// not the app's. The document's own policy loads nothing from the network either: remote images
// (tracking pixels) stay away, as do fonts and style sheets.
import { sanitize } from './markdown'

const POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

const STYLE = `body{margin:8px 10px;font:14px/1.45 system-ui,sans-serif;color:#1d2430;background:#fff;word-break:break-word}
img{max-width:100%;height:auto}table{max-width:100%}blockquote{margin:0 0 0 8px;padding-left:8px;border-left:2px solid #ccd}`

/** mailDocument is the whole document the formatted view shows, built from a mail's HTML. */
export function mailDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${POLICY}">` +
    `<style>${STYLE}</style></head><body>${sanitize(html)}</body></html>`
}
