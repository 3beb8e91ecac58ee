package ticket

import (
	"context"

	"outpost/backend/core/store"
)

// Within returns the service acting inside tx: each action is validated as usual and
// written as its own change, but all of them commit together with tx. A bulk load
// (the demo dataset, thousands of actions by many people) uses it to commit in large
// batches; an error from any action aborts the whole transaction.
func (s *Service) Within(tx *store.Tx) *Service {
	c := *s
	c.tx = tx
	return &c
}

// update runs fn as one store transaction by author, or inside the transaction
// the service was bound to by Within.
func (s *Service) update(ctx context.Context, author string, fn func(tx *store.Tx) error) error {
	if s.tx != nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(s.tx.As(author))
	}
	_, err := s.st.Update(ctx, author, fn)
	return err
}
