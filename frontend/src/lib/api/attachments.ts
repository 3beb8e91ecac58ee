// Files on tickets, visits and SOPs (AttachmentService). Metadata comes through the bound methods;
// the bytes travel over /api/attachments, which the desktop window serves too (its asset server).
import { call } from './transport'

/** The record kinds that take attachments. */
export type AttachKind = 'ticket' | 'visit' | 'sop'

/** One file of a record. type is sniffed from the bytes on the device that added it, never taken from the name. */
export interface Attachment {
  id: string
  hash: string
  name: string
  size: number
  type: string
  pieces: string
  by: string
  at: string
  /** The bytes are on this device, verified; false while they travel from a peer. */
  here: boolean
}

/** What the attachments take on this device, and the largest file the team accepts. */
export interface AttachmentUsage {
  bytes: number
  files: number
  maxFile: number
  quota: number
  warning?: string
  arriving: number
}

const S = 'AttachmentService'
export const attachments = {
  list: (kind: AttachKind, id: string) => call<Attachment[] | null>(S, 'List', kind, id).then((l) => l ?? []),
  remove: (kind: AttachKind, id: string, attachmentId: string) => call<void>(S, 'Remove', kind, id, attachmentId),
  usage: () => call<AttachmentUsage>(S, 'Usage'),
  /** attachFile opens the window's file dialog and attaches the chosen file; null when cancelled. Window only. */
  attachFile: (kind: AttachKind, id: string) => call<Attachment | null>(S, 'AttachFile', kind, id),
  /** saveFile asks where to save the attachment and writes it there. Window only. */
  saveFile: (hash: string, name: string) => call<void>(S, 'SaveFile', hash, name),
}
