// The ticket page's composer draft: a comment or a work log being written. It outlives the composer on
// screen, so switching to the history tab and back keeps what was typed.
import { fieldErrors, tickets, type Ticket } from '../../lib/api'
import { formatMinutes, parseMinutes } from '../../lib/format'

export type DraftMode = 'comment' | 'work'

export class Draft {
  mode = $state<DraftMode>('comment')
  commentBody = $state('')
  internal = $state(true)
  workTime = $state('')
  workNote = $state('')
  errors = $state<Record<string, string>>({})

  /** submit sends the comment or the work log to ticketId and hands the ticket it returns to done. */
  async submit(ticketId: string, done: (t: Ticket, message: string) => void) {
    this.errors = {}
    try {
      if (this.mode === 'comment') {
        done(await tickets.comment(ticketId, this.commentBody, this.internal), this.internal ? 'Internal note added' : 'Reply added')
        this.commentBody = ''
      } else {
        const minutes = parseMinutes(this.workTime)
        if (Number.isNaN(minutes)) {
          this.errors = { minutes: 'write the time as 25, 25m, 1h or 1h 30m' }
          return
        }
        done(await tickets.logWork(ticketId, minutes, this.workNote), `Logged ${formatMinutes(minutes)}`)
        this.workTime = ''
        this.workNote = ''
      }
    } catch (err) {
      this.errors = fieldErrors(err, this.mode === 'comment' ? 'comment' : 'minutes')
    }
  }

  /** insert adds text (a canned response) to the end of the comment. */
  insert(text: string) {
    this.mode = 'comment'
    this.commentBody = this.commentBody ? this.commentBody + '\n\n' + text : text
  }
}
