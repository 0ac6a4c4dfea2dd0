package db

import (
	"context"
	"database/sql"
	"sync"
)

// Statements that pages run on every request are prepared once and kept:
// preparing (parsing and planning) was an eighth of the time of a claim
// page. database/sql prepares a kept statement again on each pooled
// connection the first time it runs there.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// readStmt returns the kept statement for query on the reader pool,
// preparing it on first use; nil when it cannot be prepared (the caller then
// runs the query directly, which reports the error).
func (s *Store) readStmt(ctx context.Context, query string) *sql.Stmt {
	c := &s.stmts
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[query]; st != nil {
		return st
	}
	st, err := s.r.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if c.m == nil {
		c.m = make(map[string]*sql.Stmt)
	}
	c.m[query] = st
	return st
}

// queryRow is s.r.QueryRowContext through a kept statement.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.readStmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, query, args...)
}

// query is s.r.QueryContext through a kept statement.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.readStmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, query, args...)
}

// closeStmts closes the kept statements; Close calls it before the pools.
func (s *Store) closeStmts() error {
	c := &s.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	var first error
	for q, st := range c.m {
		if err := st.Close(); err != nil && first == nil {
			first = err
		}
		delete(c.m, q)
	}
	return first
}
