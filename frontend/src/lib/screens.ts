// The screens of the app, one entry each. To add a screen: put its component in src/screens/ and add
// one line here. It receives the route's parameters as `params` (#/<id>/<param>/...) and may use
// getShell() (src/lib/shell.svelte.ts) for the current user, shortcuts and toasts.
// `order` places it in the left navigation: Queue 10, Technicians 20, Requesters 25, Knowledge base 30, Coaching 40,
// Visits 50, Reports 60, Lead's week 70, Team & peers 80, Roles 82, Data 85, SLA policy 88, Settings 90. `shortcut` is "g <key>".
import type { Component } from 'svelte'

export interface ScreenProps {
  params: string[]
}

export interface Screen {
  id: string
  label: string
  order: number
  /** false: reachable by link only (the ticket page) */
  nav: boolean
  shortcut?: string
  /** an SVG path (24x24 viewBox, stroked) for the navigation */
  icon?: string
  load: () => Promise<{ default: Component<ScreenProps> }>
}

const icons = {
  queue: 'M4 6h16M4 12h16M4 18h10',
  team: 'M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6M21 19v-1a4 4 0 0 0-3-3.9M16 4.1a3 3 0 0 1 0 5.8',
  settings:
    'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-2.9 1.2V21a2 2 0 0 1-4 0v-.1a1.7 1.7 0 0 0-2.9-1.2l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1A1.7 1.7 0 0 0 3.1 15H3a2 2 0 0 1 0-4h.1A1.7 1.7 0 0 0 4.6 9l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1A1.7 1.7 0 0 0 9 4.6V4a2 2 0 0 1 4 0v.1a1.7 1.7 0 0 0 2.9 1.2l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1A1.7 1.7 0 0 0 19.4 9H20a2 2 0 0 1 0 4h-.1a1.7 1.7 0 0 0-1.5 2z',
}

export const screens: Screen[] = [
  { id: 'queue', label: 'Queue', order: 10, nav: true, shortcut: 'g q', icon: icons.queue, load: () => import('../screens/Queue.svelte') },
  { id: 'ticket', label: 'Ticket', order: 11, nav: false, load: () => import('../screens/Ticket.svelte') },
  { id: 'search', label: 'Search', order: 15, nav: true, shortcut: 'g f', icon: 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14M21 21l-5-5', load: () => import('../screens/Search.svelte') },
  { id: 'kb', label: 'Knowledge base', order: 30, nav: true, shortcut: 'g k', icon: 'M4 19.5A2.5 2.5 0 0 1 6.5 17H20V3H6.5A2.5 2.5 0 0 0 4 5.5v14zM4 19.5A2.5 2.5 0 0 0 6.5 22H20v-5', load: () => import('../screens/KnowledgeBase.svelte') },
  { id: 'requesters', label: 'Requesters', order: 25, nav: true, shortcut: 'g u', icon: 'M17 21v-2a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v2M10 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8M20 8v6M23 11h-6', load: () => import('../screens/Requesters.svelte') },
  { id: 'technicians', label: 'Technicians', order: 20, nav: true, shortcut: 'g t', icon: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8M4 21v-1a6 6 0 0 1 6-6h4a6 6 0 0 1 6 6v1', load: () => import('../screens/Technicians.svelte') },
  { id: 'visits', label: 'Visits', order: 50, nav: true, shortcut: 'g v', icon: 'M8 2v4M16 2v4M3 9h18M5 4h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2M12 13v4', load: () => import('../screens/Visits.svelte') },
  { id: 'coaching', label: 'Coaching', order: 40, nav: true, shortcut: 'g c', icon: 'M12 21s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 11c0 5.6-7 10-7 10zM9 11h6', load: () => import('../screens/Coaching.svelte') },
  { id: 'reports', label: 'Reports', order: 60, nav: true, shortcut: 'g r', icon: 'M4 20V10M10 20V4M16 20v-7M22 20H2', load: () => import('../screens/Reports.svelte') },
  { id: 'lead', label: "Lead's week", order: 70, nav: true, shortcut: 'g l', icon: 'M9 11l3 3 8-8M20 12v7a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h9', load: () => import('../screens/LeadWeek.svelte') },
  { id: 'identity', label: 'Who am I', order: 91, nav: false, load: () => import('../screens/Identity.svelte') },
  { id: 'team', label: 'Team & peers', order: 80, nav: true, shortcut: 'g p', icon: icons.team, load: () => import('../screens/Team.svelte') },
  { id: 'roles', label: 'Roles', order: 82, nav: true, shortcut: 'g o', icon: 'M12 3l8 3v6c0 4.5-3.4 8.2-8 9-4.6-.8-8-4.5-8-9V6l8-3zM9 12l2 2 4-4', load: () => import('../screens/Roles.svelte') },
  { id: 'data', label: 'Data', order: 85, nav: true, shortcut: 'g d', icon: 'M12 3c4.4 0 8 1.3 8 3s-3.6 3-8 3-8-1.3-8-3 3.6-3 8-3M4 6v6c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12v6c0 1.7 3.6 3 8 3s8-1.3 8-3v-6', load: () => import('../screens/Data.svelte') },
  { id: 'sla', label: 'SLA policy', order: 88, nav: true, shortcut: 'g a', icon: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18M12 7v5l3 2', load: () => import('../screens/SlaSettings.svelte') },
  { id: 'mail', label: 'Mail settings', order: 92, nav: false, load: () => import('../screens/MailSettings.svelte') },
  { id: 'settings', label: 'Settings', order: 90, nav: true, shortcut: 'g s', icon: icons.settings, load: () => import('../screens/Settings.svelte') },
]

export function navScreens(list: Screen[] = screens): Screen[] {
  return list.filter((s) => s.nav).sort((a, b) => a.order - b.order)
}

export function findScreen(id: string, list: Screen[] = screens): Screen | undefined {
  return list.find((s) => s.id === id)
}
