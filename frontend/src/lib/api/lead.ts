// What leads and coordinators do all week, through ProblemService, EscalationService,
// DirectoryService, OnboardingService, ReviewService, PlanService and SummaryService:
// problem records, escalation paths, the contact directory and vendor cases, onboarding,
// quality reviews, improvement plans and the weekly summary. Reviews and plans come back
// already opened with this person's key; what is sealed to others never arrives.
// The shapes are the Go types (gen/); this file narrows the fields with a closed set of values.
import { call } from './transport'
import type * as app from './gen/app'
import type * as directoryGo from './gen/directory'
import type * as escalationGo from './gen/escalation'
import type * as onboardingGo from './gen/onboarding'
import type * as planGo from './gen/plan'
import type * as problem from './gen/problem'
import type * as review from './gen/review'
import type * as summaryGo from './gen/summary'
import type { Narrow } from './types'

// ---- problems
export type Lens = 'unknown' | 'training' | 'documentation' | 'system' | 'vendor'
export const LENSES: Lens[] = ['unknown', 'training', 'documentation', 'system', 'vendor']
export type ProblemStatus = 'open' | 'investigating' | 'known_error' | 'resolved' | 'closed'
export const PROBLEM_STATUS_LABEL: Record<ProblemStatus, string> = {
  open: 'Open',
  investigating: 'Investigating',
  known_error: 'Known error',
  resolved: 'Resolved',
  closed: 'Closed',
}

export type Training = problem.Training
export type ChangeStatus = 'requested' | 'accepted' | 'done' | 'declined' | ''
export interface ChangeRequest extends Narrow<problem.ChangeRequest, { status: ChangeStatus }> {}
export type ProblemNote = problem.Note
/** encoding/json sends a fix date that is not set as null. */
export interface Effect extends Narrow<problem.Effect, { fixedAt: string | null }> {}
type ProblemFields = {
  origin: 'trend' | 'tickets'
  lens: Lens
  status: ProblemStatus
  fixedAt: string | null
  training: Training | null
  changeRequest: ChangeRequest | null
}
export interface Problem extends Narrow<problem.Problem, ProblemFields> {}
export interface ProblemView extends Narrow<app.ProblemView, ProblemFields & { effect: Effect }> {}
/** What opening a problem needs: a title and its tickets; the Go side fills what is left out. */
export type NewProblem = Pick<problem.NewProblem, 'title' | 'tickets'> &
  Partial<Narrow<problem.NewProblem, { origin: 'trend' | 'tickets'; lens: Lens }>>
export interface ProblemPatch extends Narrow<problem.Patch, { lens?: Lens; changeRequest?: ChangeRequest }> {}

const P = 'ProblemService'
export const problems = {
  list: () => call<Problem[]>(P, 'List'),
  get: (id: string) => call<ProblemView>(P, 'Get', id),
  open: (n: NewProblem) => call<ProblemView>(P, 'Open', n),
  openFromTrend: (category: string, term: string, days = 28) => call<ProblemView>(P, 'OpenFromTrend', category, term, days),
  update: (id: string, p: ProblemPatch) => call<ProblemView>(P, 'Update', id, p),
  setStatus: (id: string, s: ProblemStatus) => call<ProblemView>(P, 'SetStatus', id, s),
  link: (id: string, tickets: string[]) => call<ProblemView>(P, 'Link', id, tickets),
  unlink: (id: string, ticket: string) => call<ProblemView>(P, 'Unlink', id, ticket),
  addNote: (id: string, body: string) => call<ProblemView>(P, 'AddNote', id, body),
  remove: (id: string) => call<void>(P, 'Delete', id),
}

// ---- escalation paths
export type Target = escalationGo.Target
export type Rules = escalationGo.Rules
export type PathItem = escalationGo.Item
export type EscalationPath = escalationGo.Path
export type PathInput = escalationGo.Input
export type Decision = escalationGo.Decision
export type Advice = app.Advice

const E = 'EscalationService'
export const escalation = {
  list: () => call<EscalationPath[]>(E, 'List'),
  get: (category: string) => call<EscalationPath>(E, 'Get', category),
  save: (p: PathInput) => call<EscalationPath>(E, 'Save', p),
  remove: (category: string) => call<void>(E, 'Delete', category),
  advise: (ticketId: string) => call<Advice>(E, 'Advise', ticketId),
}

// ---- directory and vendors
export type ContactType = 'requester' | 'site' | 'team' | 'vendor'
export const CONTACT_TYPES: ContactType[] = ['requester', 'site', 'team', 'vendor']
/** The types a new contact may have: requesters live in the requester directory (RequesterService). */
export const NEW_CONTACT_TYPES: ContactType[] = ['site', 'team', 'vendor']
export interface ContactInput extends Narrow<directoryGo.ContactInput, { type: ContactType }> {}
export interface Contact extends Narrow<directoryGo.Contact, { type: ContactType }> {}
export type AgreementInput = directoryGo.AgreementInput
export type Agreement = directoryGo.Agreement

export type CaseType = 'support' | 'rma' | 'warranty'
export type CaseStatus = 'open' | 'waiting_vendor' | 'waiting_us' | 'shipped' | 'resolved' | 'closed'
export const CASE_STATUS_LABEL: Record<CaseStatus, string> = {
  open: 'Open',
  waiting_vendor: 'Waiting on vendor',
  waiting_us: 'Waiting on us',
  shipped: 'Shipped',
  resolved: 'Resolved',
  closed: 'Closed',
}
type CaseFields = { type: CaseType; status: CaseStatus }
export interface CaseInput extends Narrow<directoryGo.CaseInput, CaseFields> {}
export type FollowUp = directoryGo.FollowUp
export interface VendorCase extends Narrow<directoryGo.Case, CaseFields> {}
export interface DueCase extends Narrow<directoryGo.DueCase, CaseFields> {}
/** A follow-up; a status left out (or '') leaves the case's status as it is. */
export type FollowUpInput = Pick<directoryGo.FollowUpInput, 'note' | 'next'> &
  Partial<Narrow<directoryGo.FollowUpInput, { status: CaseStatus | '' }>>

const D = 'DirectoryService'
export const directory = {
  contacts: (type: ContactType | '' = '') => call<Contact[]>(D, 'Contacts', type),
  saveContact: (id: string, c: ContactInput) => call<Contact>(D, 'SaveContact', id, c),
  agreements: () => call<Agreement[]>(D, 'Agreements'),
  saveAgreement: (id: string, a: AgreementInput) => call<Agreement>(D, 'SaveAgreement', id, a),
  cases: (all = false) => call<VendorCase[]>(D, 'Cases', all),
  saveCase: (id: string, c: CaseInput) => call<VendorCase>(D, 'SaveCase', id, c),
  logFollowUp: (id: string, f: FollowUpInput) => call<VendorCase>(D, 'LogFollowUp', id, f),
  linkTicket: (id: string, ticket: string) => call<VendorCase>(D, 'LinkTicket', id, ticket),
  casesForTicket: (ticket: string) => call<VendorCase[]>(D, 'CasesForTicket', ticket),
  due: () => call<DueCase[]>(D, 'Due'),
  remove: (kind: 'contact' | 'agreement' | 'vendor-case', id: string) => call<void>(D, 'Delete', kind, id),
}

// ---- onboarding
export type Section = 'access' | 'training' | 'documentation' | 'shadowing'
export const SECTIONS: Section[] = ['access', 'training', 'documentation', 'shadowing']
export interface TemplateItem extends Narrow<onboardingGo.TemplateItem, { section: Section }> {}
export interface Template extends Narrow<onboardingGo.Template, { items: TemplateItem[] }> {}
export interface OnboardingItem extends Narrow<onboardingGo.Item, { section: Section }> {}
export interface SectionProgress extends Narrow<onboardingGo.SectionProgress, { section: Section }> {}
export interface Progress extends Narrow<onboardingGo.Progress, { sections: SectionProgress[] }> {}
export interface Checklist extends Narrow<onboardingGo.Checklist, { items: OnboardingItem[]; progress: Progress }> {}
/** Starting a checklist needs a name and a role; the technician and the start date may be left out. */
export type StartInput = Pick<onboardingGo.StartInput, 'name' | 'role'> & Partial<onboardingGo.StartInput>

const O = 'OnboardingService'
export const onboarding = {
  templates: () => call<Template[]>(O, 'Templates'),
  saveTemplate: (role: string, items: TemplateItem[]) => call<Template>(O, 'SaveTemplate', role, items),
  start: (s: StartInput) => call<Checklist>(O, 'Start', s),
  tick: (id: string, item: string, done: boolean, note = '') => call<Checklist>(O, 'Tick', id, item, done, note),
  addItem: (id: string, section: Section, text: string) => call<Checklist>(O, 'AddItem', id, section, text),
  list: () => call<Checklist[]>(O, 'List'),
  get: (id: string) => call<Checklist>(O, 'Get', id),
  remove: (id: string) => call<void>(O, 'Delete', id),
}

// ---- quality reviews
export type Dimension = 'diagnosis' | 'communication' | 'documentation' | 'escalation'
export const RUBRIC: Dimension[] = ['diagnosis', 'communication', 'documentation', 'escalation']
export type Score = review.Score
type Scores = { scores: Record<Dimension, Score> }
export interface ReviewContent extends Narrow<review.Content, Scores> {}
export interface Review extends Narrow<review.Review, Scores> {}
export interface Month extends Narrow<review.Month, { by: Record<Dimension, number> }> {}
export type Candidate = review.Candidate
export interface ReviewList extends Narrow<app.ReviewList, { reviews: Review[]; trend: Month[] }> {}
export type SampleInput = app.SampleInput

const R = 'ReviewService'
export const reviews = {
  sample: (s: SampleInput) => call<Candidate[]>(R, 'Sample', s),
  add: (techId: string, c: ReviewContent, share: boolean) => call<Review>(R, 'Add', techId, c, share),
  update: (id: string, c: ReviewContent) => call<Review>(R, 'Update', id, c),
  share: (id: string, shared: boolean) => call<Review>(R, 'Share', id, shared),
  remove: (id: string) => call<void>(R, 'Delete', id),
  list: (techId = '') => call<ReviewList>(R, 'List', techId),
}

// ---- improvement plans
export type Metric = 'sla_compliance' | 'fcr' | 'documentation_score' | 'review_average' | 'reopen_rate'
export interface MetricInfo extends Narrow<planGo.MetricInfo, { metric: Metric }> {}
export interface Goal extends Narrow<planGo.Goal, { metric: Metric }> {}
export type PlanStatus = 'active' | 'completed' | 'cancelled'
export interface PlanContent extends Narrow<planGo.Content, { goals: Goal[]; status: PlanStatus }> {}
export interface Figure extends Narrow<planGo.Figure, { metric: Metric }> {}
export interface PlanEntry extends Narrow<planGo.Entry, { figures: Figure[] }> {}
export interface Plan
  extends Narrow<planGo.Plan, { goals: Goal[]; status: PlanStatus; live: Figure[]; entries: PlanEntry[] }> {}

const PL = 'PlanService'
export const plans = {
  metrics: () => call<MetricInfo[]>(PL, 'Metrics'),
  list: (techId = '') => call<Plan[]>(PL, 'List', techId),
  get: (id: string) => call<Plan>(PL, 'Get', id),
  create: (techId: string, c: PlanContent, share: boolean) => call<Plan>(PL, 'Create', techId, c, share),
  update: (id: string, c: PlanContent) => call<Plan>(PL, 'Update', id, c),
  share: (id: string, shared: boolean) => call<Plan>(PL, 'Share', id, shared),
  recordReview: (id: string, note: string) => call<Plan>(PL, 'RecordReview', id, note),
  remove: (id: string) => call<void>(PL, 'Delete', id),
}

// ---- weekly summary
export type SummarySection = summaryGo.Section
export type WeeklySummary = summaryGo.Summary

export const summary = {
  week: (weekStart = '') => call<WeeklySummary>('SummaryService', 'Week', weekStart),
  html: (weekStart = '') => call<string>('SummaryService', 'HTML', weekStart),
}
