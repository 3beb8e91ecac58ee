// What every screen shares: who is using this device, the team, shortcuts, toasts and the global
// dialogs. App.svelte creates one Shell and hands it to screens through Svelte context.
import { getContext, setContext } from 'svelte'
import { system, team, type Info, type TeamStatus } from './api'
import { identity, type Me } from './api/identity'
import { roles, type Right, type RolesView } from './api/roles'
import { may, needs } from './rights'
import { KeyMap, type Binding } from './shortcuts'
import { Overlays } from './overlays'
import { People, loadPeople } from './people'

export interface Toast {
  id: number
  kind: 'info' | 'error' | 'success' | 'ok'
  text: string
}

export class Shell {
  info = $state<Info | null>(null)
  identity = $state<Me | null>(null)
  team = $state<TeamStatus | null>(null)
  /** the team's roles and what this device may do (null until read: nothing is held back then) */
  roles = $state<RolesView | null>(null)
  /** when the team status in `team` was asked for (ms): catch-up reports after it are newer */
  teamAt = $state(0)
  toasts = $state<Toast[]>([])
  helpOpen = $state(false)
  newTicketOpen = $state(false)
  offline = $state(false)
  pendingKeys = $state('')
  people = $state<People>(new People())
  readonly keys = new KeyMap()
  /** the dialogs open right now: while any is, only the overlay keys (Escape, ?) act */
  readonly overlays = new Overlays()
  private nextToast = 1

  /** me is the name this device acts under: the assignee value that means "mine". */
  get me(): string {
    return this.info?.me ?? ''
  }

  /** assigneeMe is the assignee value of this user's tickets: their technician profile, else their name. */
  get assigneeMe(): string {
    return this.identity?.technicianId || this.me
  }

  async refreshInfo() {
    identity
      .me()
      .then((m) => (this.identity = m))
      .catch(() => {})
    try {
      this.info = await system.info()
    } catch (e) {
      this.toast('error', `Could not read this device's details: ${(e as Error).message}`)
    }
  }

  async refreshPeople() {
    try {
      this.people = await loadPeople(this.me)
    } catch {
      // the picker falls back to free text
    }
  }

  /** refreshTeam rereads the team status; quiet for the periodic poll, which tries again soon anyway. */
  async refreshTeam(quiet = false) {
    const at = Date.now()
    try {
      const st = await team.status()
      if (at >= this.teamAt) (this.team = st), (this.teamAt = at)
    } catch (e) {
      if (!quiet) this.toast('error', `Could not read the team: ${(e as Error).message}`)
    }
  }

  async refreshRoles() {
    try {
      this.roles = await roles.view()
    } catch {
      // keep what was known: the backend refuses what this device may not do anyway
    }
  }

  /** may reports whether this device's roles allow right now. */
  may(right: Right): boolean {
    return may(this.roles, right)
  }

  /** needs is the tooltip of an action this device may not take: the roles it takes, who grants them. */
  needs(right: Right, what = ''): string {
    return needs(this.roles, right, what)
  }

  toast(kind: Toast['kind'], text: string, ms = kind === 'error' ? 7000 : 3500) {
    const id = this.nextToast++
    this.toasts = [...this.toasts, { id, kind, text }]
    setTimeout(() => this.dismiss(id), ms)
  }

  dismiss(id: number) {
    this.toasts = this.toasts.filter((t) => t.id !== id)
  }

  /** shortcuts adds a screen's bindings while it is shown; call the result when it goes away. */
  shortcuts(bindings: Binding[]): () => void {
    return this.keys.add(bindings)
  }
}

const KEY = Symbol('outpost.shell')

export function provideShell(s: Shell) {
  setContext(KEY, s)
}

export function getShell(): Shell {
  const s = getContext<Shell>(KEY)
  if (!s) throw new Error('getShell outside the app shell')
  return s
}
