// What leads and coordinators do all week, through ProblemService, EscalationService,
// DirectoryService, OnboardingService, ReviewService, PlanService and SummaryService:
// problem records, escalation paths, the contact directory and vendor cases, onboarding,
// quality reviews, improvement plans and the weekly summary. Reviews and plans come back
// already opened with this person's key; what is sealed to others never arrives.
import { call } from './transport'

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

export interface Training {
  item: string
  technicians: string[]
}
export interface ChangeRequest {
  text: string
  team: string
  status: 'requested' | 'accepted' | 'done' | 'declined' | ''
}
export interface ProblemNote {
  id: string
  author: string
  at: string
  body: string
}
export interface Effect {
  fixedAt: string | null
  windowDays: number
  before: number
  after: number
  afterDays: number
  beforePerWeek: number
  afterPerWeek: number
  verdict: string
  rule: string
}
export interface Problem {
  id: string
  title: string
  description: string
  category: string
  term: string
  origin: 'trend' | 'tickets'
  lens: Lens
  owner: string
  status: ProblemStatus
  workaround: string
  fix: string
  fixedAt: string | null
  incidents: string[]
  sop: string
  training: Training | null
  changeRequest: ChangeRequest | null
  notes: ProblemNote[]
  created: string
  createdBy: string
  updated: string
  conflicts: string[]
}
export interface ProblemView extends Problem {
  effect: Effect
}
export interface NewProblem {
  title: string
  description?: string
  category?: string
  term?: string
  lens?: Lens
  owner?: string
  tickets: string[]
}
export interface ProblemPatch {
  title?: string
  description?: string
  category?: string
  lens?: Lens
  owner?: string
  workaround?: string
  fix?: string
  fixedAt?: string
  sop?: string
  training?: Training
  changeRequest?: ChangeRequest
}

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
export interface Target {
  technicians: string[]
  contact: string
}
export interface Rules {
  slaRiskAtLeast: number
  priorityAtMost: number
  hoursInTierOver: number
}
export interface PathItem {
  id: string
  text: string
  required: boolean
}
export interface EscalationPath {
  id: string
  category: string
  tier2: Target
  tier3: Target
  external: Target
  rules: Rules
  checklist: PathItem[]
  updated: string
  updatedBy: string
  conflicts: string[]
}
export type PathInput = Pick<EscalationPath, 'category' | 'tier2' | 'tier3' | 'external' | 'rules' | 'checklist'>
export interface Decision {
  escalate: boolean
  reasons: string[]
  toTier: number
  target: Target
}
export interface Advice {
  hasPath: boolean
  path: EscalationPath
  decision: Decision
  facts: { tier: number; priority: number; slaShare: number; timeInTier: number }
}
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
export interface ContactInput {
  name: string
  type: ContactType
  organisation: string
  email: string
  phone: string
  address: string
  hours: string
  preferred: string
  notes: string
}
export interface Contact extends ContactInput {
  id: string
  updated: string
  conflicts: string[]
}
export interface AgreementInput {
  vendor: string
  contract: string
  coverage: string
  responseTerms: string
  expires: string
  notes: string
}
export interface Agreement extends AgreementInput {
  id: string
  vendorName: string
  daysLeft: number
  expiringSoon: boolean
  expired: boolean
}
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
export interface CaseInput {
  vendor: string
  caseNumber: string
  type: CaseType
  title: string
  status: CaseStatus
  nextFollowUp: string
  tickets: string[]
}
export interface FollowUp {
  id: string
  author: string
  at: string
  note: string
  next: string
}
export interface VendorCase extends CaseInput {
  id: string
  vendorName: string
  followUps: FollowUp[]
  created: string
  updated: string
}
export interface DueCase extends VendorCase {
  daysOverdue: number
}
export interface FollowUpInput {
  note: string
  next: string
  status?: CaseStatus | ''
}
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
export interface TemplateItem {
  id: string
  section: Section
  text: string
}
export interface Template {
  role: string
  items: TemplateItem[]
  default: boolean
}
export interface OnboardingItem extends TemplateItem {
  done: boolean
  note: string
  by: string
  at: string
  others: string[]
}
export interface Progress {
  done: number
  total: number
  percent: number
  sections: { section: Section; done: number; total: number }[]
}
export interface Checklist {
  id: string
  technician: string
  name: string
  role: string
  start: string
  items: OnboardingItem[]
  progress: Progress
}
const O = 'OnboardingService'
export const onboarding = {
  templates: () => call<Template[]>(O, 'Templates'),
  saveTemplate: (role: string, items: TemplateItem[]) => call<Template>(O, 'SaveTemplate', role, items),
  start: (s: { name: string; role: string; technician?: string; start?: string }) => call<Checklist>(O, 'Start', s),
  tick: (id: string, item: string, done: boolean, note = '') => call<Checklist>(O, 'Tick', id, item, done, note),
  addItem: (id: string, section: Section, text: string) => call<Checklist>(O, 'AddItem', id, section, text),
  list: () => call<Checklist[]>(O, 'List'),
  get: (id: string) => call<Checklist>(O, 'Get', id),
  remove: (id: string) => call<void>(O, 'Delete', id),
}

// ---- quality reviews
export type Dimension = 'diagnosis' | 'communication' | 'documentation' | 'escalation'
export const RUBRIC: Dimension[] = ['diagnosis', 'communication', 'documentation', 'escalation']
export interface Score {
  score: number
  comment: string
}
export interface ReviewContent {
  ticket: string
  ticketNumber: string
  ticketTitle: string
  date: string
  scores: Record<Dimension, Score>
  summary: string
}
export interface Review extends ReviewContent {
  id: string
  technicianId: string
  authorId: string
  average: number
  shared: boolean
  mine: boolean
  conflict: boolean
}
export interface Month {
  month: string
  reviews: number
  average: number
  by: Record<Dimension, number>
}
export interface Candidate {
  id: string
  number: string
  title: string
  assignee: string
  resolved: string
}
const R = 'ReviewService'
export const reviews = {
  sample: (s: { technician: string; from: string; to: string; n: number; seed: number }) => call<Candidate[]>(R, 'Sample', s),
  add: (techId: string, c: ReviewContent, share: boolean) => call<Review>(R, 'Add', techId, c, share),
  update: (id: string, c: ReviewContent) => call<Review>(R, 'Update', id, c),
  share: (id: string, shared: boolean) => call<Review>(R, 'Share', id, shared),
  remove: (id: string) => call<void>(R, 'Delete', id),
  list: (techId = '') => call<{ reviews: Review[]; trend: Month[]; damaged: number }>(R, 'List', techId),
}

// ---- improvement plans
export type Metric = 'sla_compliance' | 'fcr' | 'documentation_score' | 'review_average' | 'reopen_rate'
export interface MetricInfo {
  metric: Metric
  label: string
  unit: string
  better: string
}
export interface Goal {
  id: string
  metric: Metric
  target: number
  note: string
}
export interface PlanContent {
  title: string
  goals: Goal[]
  start: string
  end: string
  status: 'active' | 'completed' | 'cancelled'
  notes: string
}
export interface Figure {
  goalId: string
  label: string
  metric: Metric
  target: number
  value: number
  known: boolean
  met: boolean
  text: string
}
export interface PlanEntry {
  id: string
  by: string
  at: string
  date: string
  figures: Figure[]
  note: string
}
export interface Plan extends PlanContent {
  id: string
  technicianId: string
  authorId: string
  shared: boolean
  mine: boolean
  live: Figure[]
  entries: PlanEntry[]
  nextReview: string
  reviewDue: boolean
  conflict: boolean
}
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
export interface SummarySection {
  heading: string
  sentences: string[]
  columns?: string[]
  rows?: string[][]
}
export interface WeeklySummary {
  title: string
  period: string
  headline: string
  sections: SummarySection[]
  generated: string
}
export const summary = {
  week: (weekStart = '') => call<WeeklySummary>('SummaryService', 'Week', weekStart),
  html: (weekStart = '') => call<string>('SummaryService', 'HTML', weekStart),
}
