// The team's managed category list (backend/category through CategoryService).
import { call } from './transport'
import type * as app from './gen/app'
import type * as category from './gen/category'

export type Category = category.Category

/** The list, the merged names, near names offered for merging, and names in use that are not on the list. */
export type CategoryOverview = app.CategoryOverview

const C = 'CategoryService'
export const categories = {
  list: () => call<CategoryOverview>(C, 'List'),
  add: (name: string) => call<Category>(C, 'Add', name),
  rename: (id: string, name: string) => call<Category>(C, 'Rename', id, name),
  merge: (id: string, into: string) => call<Category>(C, 'Merge', id, into),
  migrate: () => call<CategoryOverview>(C, 'Migrate'),
}
