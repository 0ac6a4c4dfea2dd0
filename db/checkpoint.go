package db

import (
	"database/sql"
	"sync"
	"time"
)

// WAL checkpoints run in the background, on a connection of their own.
// Left to SQLite, the commit that takes the WAL over its limit copies the
// WAL's pages into the database file and fsyncs it before it returns, with
// the writer held: on the 1M-claim desk that made one status change in a
// few hundred wait 100 ms or more, and every change queued behind it. A
// passive checkpoint here copies the same pages while writers go on
// appending and readers go on reading.
//
// Its fsync still makes the disk busy, and writes wait on it: at 1,500
// status changes a second on the 1M-claim desk, the p99 was 10 to 14 ms
// with the database on tmpfs against 26 to 45 ms on disk. Every 100 ms
// rather than 500, each checkpoint has a fifth of the pages to write and
// sync, and that p99 measured 25 to 29 ms in six runs against 26 to 71 in
// twelve, at 2% more CPU a change when the server is at its limit.
const (
	checkpointEvery = 100 * time.Millisecond
	// autocheckpointPages is SQLite's own limit on the writer, kept as a
	// backstop (400 MB of WAL) should the background checkpoints fall behind.
	autocheckpointPages = 100000
)

type checkpointer struct {
	db       *sql.DB
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

// startCheckpoints opens the checkpoint connection and starts its loop.
func (s *Store) startCheckpoints(path string) error {
	ck, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return err
	}
	ck.SetMaxOpenConns(1)
	ck.SetMaxIdleConns(1)
	ck.SetConnMaxLifetime(0)
	s.ck = &checkpointer{db: ck, stop: make(chan struct{}), done: make(chan struct{})}
	go s.ck.loop()
	return nil
}

func (c *checkpointer) loop() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			// Nothing to copy costs a look at the WAL index; a failure
			// (the file gone, a disk error) leaves the WAL to SQLite's own
			// checkpoint on the writer, and the next tick tries again.
			c.db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

// close stops the loop and closes its connection.
func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	var err error // a second Close does nothing, as for sql.DB
	c.stopOnce.Do(func() {
		close(c.stop)
		<-c.done
		err = c.db.Close()
	})
	return err
}
