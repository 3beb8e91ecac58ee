// The app's one shortcut map: every key, what it means, and where it acts. App.svelte binds the global
// layer (on every screen) and the overlay layer (while a dialog is open); each screen binds its own
// layer by handing an action to every entry. The ? overlay lists what is bound, and keymap.test.ts
// checks the map's rules:
//   - a global key means the same on every screen: no screen binds it, nor starts a sequence with it;
//   - a key that creates something ("New …") is bound on one screen only;
//   - no layer binds a key twice.
// "New ticket" is n everywhere. The other "new" keys: Coaching o (one-on-one note), i (action item),
// t (goal); Technicians Shift+T; Knowledge base Shift+S (SOP); Requesters Shift+R; Mail settings Shift+M (mailbox).
import type { Binding, KeyLike } from './shortcuts'
import { screens, type Screen } from './screens'

export interface KeySpec {
  /** as Binding.keys: "j", "g q", "shift+x", "ctrl+enter" */
  keys: string
  description: string
  inInputs?: boolean
  hidden?: boolean
  /** the key makes a new record (a ticket, a note): no other layer binds it */
  creates?: boolean
}

export interface Layer<A extends string = string> {
  group: string
  keys: Record<A, KeySpec>
}

function layer<A extends string>(group: string, keys: Record<A, KeySpec>): Layer<A> {
  return { group, keys }
}

export const globalKeys = layer('General', {
  help: { keys: '?', description: 'Show keyboard shortcuts' },
  newTicket: { keys: 'n', description: 'New ticket', creates: true },
  search: { keys: '/', description: 'Search the queue' },
})

/** While a dialog or overlay is open these keys act, and no other. */
export const overlayKeys = layer('Dialogs', {
  close: { keys: 'escape', description: 'Close the dialog or overlay', inInputs: true },
  help: { ...globalKeys.keys.help, hidden: true },
})

/** navigation is "g <key>" to each screen that has a shortcut in screens.ts. */
export function navigation(list: Screen[] = screens): Layer<string> {
  const keys: Record<string, KeySpec> = {}
  for (const s of list) if (s.shortcut) keys[s.id] = { keys: s.shortcut, description: `Go to ${s.label}` }
  return layer('Navigation', keys)
}

export const screenKeys = {
  queue: layer('Queue', {
    next: { keys: 'j', description: 'Next ticket' },
    previous: { keys: 'k', description: 'Previous ticket' },
    down: { keys: 'arrowdown', description: 'Next ticket', hidden: true },
    up: { keys: 'arrowup', description: 'Previous ticket', hidden: true },
    open: { keys: 'enter', description: 'Open the ticket' },
    select: { keys: 'x', description: 'Select or unselect the ticket' },
    selectAll: { keys: 'shift+x', description: 'Select every loaded ticket' },
    assign: { keys: 'a', description: 'Assign the selected tickets' },
    problem: { keys: 'p', description: 'Open a problem with the selected tickets' },
    filters: { keys: 'f', description: 'Show or hide filters' },
    first: { keys: 'g g', description: 'First ticket' },
    last: { keys: 'shift+g', description: 'Last ticket' },
    clear: { keys: 'escape', description: 'Clear the selection' },
  }),
  ticket: layer('Ticket', {
    assign: { keys: 'a', description: 'Assign' },
    escalate: { keys: 'e', description: 'Escalate' },
    comment: { keys: 'c', description: 'Comment' },
    work: { keys: 'w', description: 'Log work' },
    status: { keys: 's', description: 'Change status' },
    priority: { keys: 'p', description: 'Override priority' },
    link: { keys: 'l', description: 'Link a ticket' },
    merge: { keys: 'm', description: 'Merge into another ticket' },
    history: { keys: 'h', description: 'Show history' },
    back: { keys: 'escape', description: 'Back to the queue' },
    send: { keys: 'ctrl+enter', description: 'Send the comment or work log', inInputs: true },
  }),
  search: layer('Search', {
    focus: { keys: 'f', description: 'Focus the search box' },
    next: { keys: 'j', description: 'Next result' },
    previous: { keys: 'k', description: 'Previous result' },
    open: { keys: 'enter', description: 'Open the result' },
  }),
  kb: layer('Knowledge base', {
    add: { keys: 'shift+s', description: 'New SOP', creates: true },
    search: { keys: 'f', description: 'Search the knowledge base' },
    edit: { keys: 'e', description: 'Edit this SOP' },
    history: { keys: 'h', description: 'Revisions of this SOP' },
    merge: { keys: 'm', description: 'Merge concurrent saves' },
  }),
  technicians: layer('Technicians', {
    add: { keys: 'shift+t', description: 'New technician', creates: true },
    save: { keys: 'ctrl+enter', description: 'Save the profile', inInputs: true },
  }),
  requesters: layer('Requesters', {
    add: { keys: 'shift+r', description: 'New requester', creates: true },
    search: { keys: 'f', description: 'Search the directory' },
    next: { keys: 'j', description: 'Next requester' },
    previous: { keys: 'k', description: 'Previous requester' },
    open: { keys: 'enter', description: 'Open the requester' },
    edit: { keys: 'e', description: 'Edit this requester' },
    merge: { keys: 'm', description: 'Merge into another requester' },
    importFile: { keys: 'shift+i', description: 'Import the directory from CSV' },
  }),
  coaching: layer('Coaching', {
    note: { keys: 'o', description: 'New one-on-one note', creates: true },
    action: { keys: 'i', description: 'New action item', creates: true },
    goal: { keys: 't', description: 'New goal', creates: true },
    next: { keys: 'j', description: 'Next technician' },
    previous: { keys: 'k', description: 'Previous technician' },
  }),
  visits: layer('Visits', {
    previous: { keys: '[', description: 'Previous day / week' },
    next: { keys: ']', description: 'Next day / week' },
    today: { keys: 'd', description: 'Today' },
    view: { keys: 'w', description: 'Switch day / week view' },
  }),
  visit: layer('Visit', {
    save: { keys: 'ctrl+enter', description: 'Save outcome notes', inInputs: true },
  }),
  reports: layer('Reports', {
    refresh: { keys: 'r', description: 'Refresh reports' },
    weekly: { keys: 'w', description: 'Weekly summary' },
  }),
  sla: layer('SLA policy', {
    save: { keys: 'ctrl+s', description: 'Save the SLA settings', inInputs: true },
  }),
  mail: layer('Mail settings', {
    save: { keys: 'ctrl+s', description: 'Save the mailbox', inInputs: true },
    add: { keys: 'shift+m', description: 'New mailbox', creates: true },
  }),
}

/** bind turns a layer into bindings, one action for each of its keys. */
export function bind<A extends string>(l: Layer<A>, run: Record<A, (e: KeyLike) => void>): Binding[] {
  return (Object.keys(l.keys) as A[]).map((a) => ({ ...l.keys[a], group: l.group, run: run[a] }))
}
