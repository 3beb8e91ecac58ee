// Files on tickets, visits and SOPs (AttachmentService). Metadata comes through the bound methods;
// the bytes travel over /api/attachments, which the desktop window serves too (its asset server).
import { call } from './transport'
import type * as app from './gen/app'
import type * as attach from './gen/attach'

/** The record kinds that take attachments. */
export type AttachKind = 'ticket' | 'visit' | 'sop'

/** One file of a record. type is sniffed from the bytes on the device that added it, never taken
 * from the name; here is false while the bytes travel from a peer. */
export type Attachment = attach.Attachment

/** What the attachments take on this device, and the largest file the team accepts. */
export type AttachmentUsage = app.AttachmentUsage

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
