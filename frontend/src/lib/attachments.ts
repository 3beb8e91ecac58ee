// Helpers of the attachment UI: names for pasted screenshots, sizes, which files get a thumbnail,
// the words and arithmetic of the panel, the byte routes, and uploads with progress
// (XMLHttpRequest: fetch reports no upload progress).
import { ApiError, toApiError } from './api/errors'
import type { AttachKind, Attachment, UploadKind } from './api/attachments'
import { fileStamp } from './dates'

/** Media types the backend makes thumbnails of (as sniffed from the bytes). SVG is not one: it is never rendered. */
const THUMB_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])

/** baseType is a media type without its parameters, lower case: "text/plain; charset=utf-8" -> "text/plain". */
export function baseType(t: string): string {
  return (t.split(';')[0] ?? '').trim().toLowerCase()
}

/** hasThumb says whether an attachment is shown as a picture: a raster image whose bytes are here. */
export function hasThumb(a: Pick<Attachment, 'type' | 'here'>): boolean {
  return a.here && THUMB_TYPES.has(baseType(a.type))
}

/**
 * splitShown parts a record's attachments into the gallery's pictures and the rows of files, each in
 * the record's order; an image whose thumbnail failed to load (broken, by attachment ID) is a file.
 */
export function splitShown<T extends Pick<Attachment, 'id' | 'type' | 'here'>>(list: readonly T[], broken: Readonly<Record<string, boolean>>): { images: T[]; files: T[] } {
  const images: T[] = []
  const files: T[] = []
  for (const a of list) (hasThumb(a) && !broken[a.id] ? images : files).push(a)
  return { images, files }
}

/** withAttachment adds a to list unless it is there already (an upload and the change it records both bring it). */
export function withAttachment<T extends { id: string }>(list: readonly T[], a: T): T[] {
  return list.some((x) => x.id === a.id) ? [...list] : [...list, a]
}

/** stepped is the image by places from current, going round; current itself when there is no other. */
export function stepped<T extends { id: string }>(images: readonly T[], current: T, by: number): T {
  if (images.length < 2) return current
  const i = images.findIndex((x) => x.id === current.id)
  return images[(((i + by) % images.length) + images.length) % images.length]
}

/** uploadPercent is how much of an upload is sent, 0 to 100; an empty file is sent at once. */
export function uploadPercent(sent: number, size: number): number {
  return size ? Math.min(100, Math.round((sent / size) * 100)) : 100
}

/** dropHint is the line under the attachments: what a drop does now. */
export function dropHint(over: boolean, empty: boolean): string {
  if (over) return 'Drop to attach'
  if (empty) return 'No files yet. Drop files here, paste a screenshot or attach a file.'
  return 'Drop files or paste a screenshot to add more.'
}

/** recordNoun names the record a file belongs to, as a sentence reads it: "ticket", "visit", "SOP". */
export function recordNoun(kind: AttachKind): string {
  return kind === 'sop' ? 'SOP' : kind
}

/** isTextField says whether a paste landed where text is typed (a text box or an editable element). */
export function isTextField(el: { isContentEditable?: boolean; tagName?: string } | null): boolean {
  if (!el) return false
  return !!el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'INPUT'
}

/**
 * cachedFor keeps what load answered for ms and asks again after that: the team's limits change
 * rarely, so one look every few minutes serves every page.
 */
export function cachedFor<T>(ms: number, load: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let at = 0
  let p: Promise<T> | null = null
  return () => {
    if (!p || now() - at > ms) {
      at = now()
      p = load()
    }
    return p
  }
}

const EXT: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tif',
}

/**
 * screenshotName names a pasted image by when it was pasted, in local time:
 * "Screenshot 2026-12-06 14.03.png"; n > 1 numbers the further images of one paste.
 */
export function screenshotName(type: string, now: Date, n = 1): string {
  const ext = EXT[baseType(type)] ?? 'png'
  return `Screenshot ${fileStamp(now)}${n > 1 ? ` (${n})` : ''}.${ext}`
}

/**
 * pastedName keeps the name of a pasted file that has one of its own (a file copied in a file
 * manager) and names a bare clipboard image (browsers call every one "image.png") as a screenshot.
 */
export function pastedName(file: { name: string; type: string }, now: Date, n = 1): string {
  const name = file.name.trim()
  if (name && !/^image\.[a-z0-9]+$/i.test(name)) return name
  return screenshotName(file.type, now, n)
}

/** formatSize reads a byte count the way the backend's limits do (1 MB = 1024 KB): "512 B", "1.5 KB", "23 MB". */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return ''
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = bytes / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  const s = v < 10 ? (Math.round(v * 10) / 10).toString() : Math.round(v).toString()
  // 1023.96 KB rounds to "1024 KB": say the next unit instead
  if (s === '1024' && i < units.length - 1) return `1 ${units[i + 1]}`
  return `${s} ${units[i]}`
}

/** tooLarge is the error for a file over the team's limit, said before any byte is sent (as the backend words it). */
export function tooLarge(size: number, maxFile: number): string {
  if (!maxFile || size <= maxFile) return ''
  return `is larger than the team's limit of ${Math.floor(maxFile / (1 << 20))} MB`
}

/** fileBadge is the short label on a file's icon: its extension, else a word from its sniffed type. */
export function fileBadge(a: Pick<Attachment, 'name' | 'type'>): string {
  const m = /\.([a-z0-9]{1,4})$/i.exec(a.name)
  if (m) return m[1].toUpperCase()
  const t = baseType(a.type)
  if (t === 'application/pdf') return 'PDF'
  if (t.startsWith('image/')) return 'IMG'
  if (t.startsWith('text/')) return 'TXT'
  if (t === 'application/zip' || t === 'application/x-gzip') return 'ZIP'
  return 'FILE'
}

/** fileKind groups files for the colour of their icon. */
export function fileKind(a: Pick<Attachment, 'name' | 'type'>): 'image' | 'pdf' | 'text' | 'archive' | 'other' {
  const t = baseType(a.type)
  if (t.startsWith('image/')) return 'image'
  if (t === 'application/pdf') return 'pdf'
  if (t.startsWith('text/') || t === 'application/json') return 'text'
  if (/zip|gzip|x-rar|x-7z|x-tar/.test(t)) return 'archive'
  return 'other'
}

/** downloadUrl is the route that sends an attachment as a download (never rendered as a page). */
export function downloadUrl(hash: string, name: string): string {
  return `/api/attachments/${encodeURIComponent(hash)}?name=${encodeURIComponent(name)}`
}

/** thumbUrl is the route of an image attachment's thumbnail (a JPEG made on this device). */
export function thumbUrl(hash: string): string {
  return `/api/attachments/${encodeURIComponent(hash)}/thumb`
}

/** sealedUrl is the route that sends a coaching item's file, decrypted for its reader, as a download. */
export function sealedUrl(id: string, blob: string): string {
  return `/api/coaching/${encodeURIComponent(id)}/files/${encodeURIComponent(blob)}`
}

/** sealedThumbUrl is the route of a thumbnail of a coaching item's image, made in memory and never stored. */
export function sealedThumbUrl(id: string, blob: string): string {
  return `${sealedUrl(id, blob)}/thumb`
}

/** uploadUrl is the route that takes a file's bytes for kind/id. */
export function uploadUrl(kind: UploadKind, id: string, name: string): string {
  return `/api/attachments/${kind}/${encodeURIComponent(id)}?name=${encodeURIComponent(name)}`
}

/** filesOf collects the files a drop or paste carries (clipboard images come as items on some systems). */
export function filesOf(dt: DataTransfer | null): File[] {
  if (!dt) return []
  if (dt.files && dt.files.length) return Array.from(dt.files)
  const out: File[] = []
  for (const it of Array.from(dt.items ?? [])) {
    if (it.kind !== 'file') continue
    const f = it.getAsFile()
    if (f) out.push(f)
  }
  return out
}

/**
 * pasteAttaches says whether a paste is taken as files: always outside a text field; in one, only
 * when the clipboard holds no text (an office program puts a picture of copied text beside the text).
 */
export function pasteAttaches(types: readonly string[], files: number, inTextField: boolean): boolean {
  if (!files) return false
  return !inTextField || !types.includes('text/plain')
}

/** carriesFiles says whether a drag holds files (its files are hidden until the drop). */
export function carriesFiles(dt: DataTransfer | null): boolean {
  return !!dt && Array.from(dt.types ?? []).includes('Files')
}

export interface Upload {
  done: Promise<Attachment>
  abort: () => void
}

/**
 * upload sends file's bytes to kind/id as name, calling progress with the bytes sent so far.
 * It rejects with ApiError: the backend's {error, field} (400, 413), or a network failure.
 */
export function upload(kind: UploadKind, id: string, file: Blob, name: string, progress: (sent: number, total: number) => void): Upload {
  const xhr = new XMLHttpRequest()
  const done = new Promise<Attachment>((resolve, reject) => {
    xhr.open('POST', uploadUrl(kind, id, name))
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    xhr.upload.onprogress = (e) => progress(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as Attachment)
        } catch {
          reject(new ApiError('Outpost answered the upload with something that is not an attachment', undefined, xhr.status))
        }
        return
      }
      reject(toApiError(xhr.responseText || `upload failed (${xhr.status})`, xhr.status))
    }
    xhr.onerror = () => reject(new ApiError('cannot reach Outpost: is `outpost serve` still running?', undefined, 0))
    xhr.onabort = () => reject(new ApiError('upload cancelled', undefined, 0))
    xhr.send(file)
  })
  return { done, abort: () => xhr.abort() }
}
