// What the ticket page's parts share: which dialog is open, and how a part runs an action on the ticket.
import type { Ticket } from '../../lib/api'

/** The ticket page's dialogs, opened by its buttons and shortcuts. */
export type TicketDialog = 'status' | 'assign' | 'escalate' | 'priority' | 'link' | 'merge'

/** Act runs one action on the ticket, shows the ticket it returns with message, and fills the page's field errors on failure. */
export type Act = (fn: () => Promise<Ticket>, message: string) => Promise<void>

/** Errors are field errors by field name; `_form` is one for the whole form. */
export type Errors = Record<string, string>
