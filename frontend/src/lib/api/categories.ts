// The team's managed category list (backend/category through CategoryService).
import { call } from './transport'

export interface Category {
  id: string
  name: string
  mergedInto?: string
}

export interface CategoryOverview {
  categories: Category[]
  merged: Category[]
  /** names that look like one category spelled two ways, offered for merging */
  near: { a: string; b: string }[]
  /** names in use on tickets or in rules that are not on the list */
  unlisted: string[]
}

const C = 'CategoryService'
export const categories = {
  list: () => call<CategoryOverview>(C, 'List'),
  add: (name: string) => call<Category>(C, 'Add', name),
  rename: (id: string, name: string) => call<Category>(C, 'Rename', id, name),
  merge: (id: string, into: string) => call<Category>(C, 'Merge', id, into),
  migrate: () => call<CategoryOverview>(C, 'Migrate'),
}
