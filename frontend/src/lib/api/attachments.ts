// Files on tickets, visits and SOPs (AttachmentService). Metadata comes through the bound methods;
// the bytes travel over /api/attachments, which the desktop window serves too (its asset server).
import { call } from './transport'
import type * as app from './gen/app'
import type * as attach from './gen/attach'
import type * as filepolicy from './gen/filepolicy'

/** The record kinds that take attachments. */
export type AttachKind = 'ticket' | 'visit' | 'sop'

/** The kinds files are uploaded to: a coaching item's files are sealed with it (see api/coaching). */
export type UploadKind = AttachKind | 'coaching'

/** One file of a record. type is sniffed from the bytes on the device that added it, never taken
 * from the name; here is false while the bytes travel from a peer. */
export type Attachment = attach.Attachment

/** What the attachments take on this device, and the largest file the team accepts. */
export type AttachmentUsage = app.AttachmentUsage

/** The team's attachment settings (sizes in MB): the largest file, the size fetched from peers at
 * once, the disk space a device keeps for attachments, and whether photos lose their location. */
export type AttachmentSettings = filepolicy.Settings

const S = 'AttachmentService'
export const attachments = {
  list: (kind: AttachKind, id: string) => call<Attachment[] | null>(S, 'List', kind, id).then((l) => l ?? []),
  remove: (kind: AttachKind, id: string, attachmentId: string) => call<void>(S, 'Remove', kind, id, attachmentId),
  usage: () => call<AttachmentUsage>(S, 'Usage'),
  settings: () => call<AttachmentSettings>(S, 'Settings'),
  /** saveSettings replaces the team's attachment settings (a team setting, on every device). */
  saveSettings: (s: AttachmentSettings) => call<AttachmentSettings>(S, 'SaveSettings', s),
  /** attachFile opens the window's file dialog and attaches the chosen file; null when cancelled. Window only. */
  attachFile: (kind: UploadKind, id: string) => call<Attachment | null>(S, 'AttachFile', kind, id),
  /** saveFile asks where to save the attachment and writes it there. Window only. */
  saveFile: (hash: string, name: string) => call<void>(S, 'SaveFile', hash, name),
}
