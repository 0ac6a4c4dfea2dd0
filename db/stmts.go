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

// queryRow is s.r.QueryRowContext through a kept statement, for the reads
// of pages: each is bounded by an index (plan_test.go), so none runs long
// enough to need stopping halfway. They run without the driver's watch on
// ctx, a goroutine and a progress handler for every statement (a claim
// page: 0.38 -> 0.32 ms of CPU without them); a request whose context has
// ended stops at its next statement instead. Searches, which can run long,
// use queryRowWatched.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.queryRowWatched(unwatched(ctx), query, args...)
}

// query is queryRow for several rows.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.queryWatched(unwatched(ctx), query, args...)
}

// unwatched is ctx without its cancellation, unless it has already ended
// before its request committed a change (see WithWriterWait).
func unwatched(ctx context.Context) context.Context {
	if ctx.Err() != nil && !committed(ctx) {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// queryRowWatched is s.r.QueryRowContext through a kept statement, stopped
// halfway when ctx ends.
func (s *Store) queryRowWatched(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.readStmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, query, args...)
}

// queryWatched is queryRowWatched for several rows.
func (s *Store) queryWatched(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.readStmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, query, args...)
}

// txReadRow is tx.QueryRowContext in a read transaction through the kept
// reader statement, which database/sql reuses on the transaction's
// connection.
func (s *Store) txReadRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st := s.readStmt(ctx, query); st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// txReadQuery is tx.QueryContext in a read transaction through the kept
// reader statement.
func (s *Store) txReadQuery(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	if st := s.readStmt(ctx, query); st != nil {
		return tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, query, args...)
}

// closeStmts closes the kept statements; Close calls it before the pools.
func (s *Store) closeStmts() error {
	var first error
	for _, c := range []*stmtCache{&s.stmts, &s.wstmts} {
		c.mu.Lock()
		for q, st := range c.m {
			if err := st.Close(); err != nil && first == nil {
				first = err
			}
			delete(c.m, q)
		}
		c.mu.Unlock()
	}
	return first
}

// txExec is tx.ExecContext through a statement kept on the writer, which
// has one connection: prepared once, it serves every write transaction.
// ctx is the one tx gave the write, without cancellation.
func (s *Store) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st := s.writeStmt(ctx, query); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

// txQueryRow is tx.QueryRowContext through a statement kept on the writer.
func (s *Store) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st := s.writeStmt(ctx, query); st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// keptWrites are the statements of the busiest write, a status change,
// prepared on the writer when the store opens: inside a transaction the
// writer's one connection is taken, so they cannot be prepared on first use
// as reads are.
var keptWrites = []string{sqlSetStatusRead, sqlSetStatusUpdate,
	sqlHistoryLast, historyInsertSQL(), sqlActivityInsert, sqlOpinionPending, sqlUnpublish, sqlOpinionWithdrawOpen}

func (s *Store) prepareWrites(ctx context.Context) error {
	c := &s.wstmts
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = make(map[string]*sql.Stmt, len(keptWrites))
	for _, q := range keptWrites {
		st, err := s.w.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		c.m[q] = st
	}
	return nil
}

// writeStmt returns the kept write statement for query, or nil.
func (s *Store) writeStmt(_ context.Context, query string) *sql.Stmt {
	c := &s.wstmts
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// txRunner is what the helpers a write shares (appendHistory, logActivity,
// opinionPending, insertEvidence) run their statements through: a *sql.Tx,
// or a keptTx that runs them as statements kept on the writer.
type txRunner interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// keptTx runs a write transaction's statements through the ones kept on
// the writer, and any other statement directly: preparing the history
// chain's and the activity feed's statements was a third of a status
// change's CPU time.
type keptTx struct {
	s  *Store
	tx *sql.Tx
}

func (k keptTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return k.s.txQueryRow(ctx, k.tx, query, args...)
}

func (k keptTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return k.s.txExec(ctx, k.tx, query, args...)
}
