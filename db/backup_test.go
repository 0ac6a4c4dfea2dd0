package db

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"factdesk/extract"
)

// manyClaims stores one document with n claims and returns their ids.
func manyClaims(t *testing.T, s *Store, n int) []int64 {
	t.Helper()
	var b strings.Builder
	var claims []extract.Claim
	for i := range n {
		sent := fmt.Sprintf("Sentence %d says the port moved %d boxes in 2024.", i, 1000+i)
		start := len([]rune(b.String()))
		b.WriteString(sent + "\n\n")
		claims = append(claims, extract.Claim{Start: start, End: start + len([]rune(sent)), Text: sent, Score: 0.5})
	}
	id, _, err := s.createDocument(context.Background(), NewDocument{Title: "Many", Body: b.String()}, claims)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.DocumentClaims(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

// A backup taken while reviews are being written is a consistent snapshot:
// it opens, passes integrity_check, its chain and statuses verify, and each
// of its history rows is the live row with the same id.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	u := mustUser(t, s, "ann", "reviewer")
	ids := manyClaims(t, s, 20)
	var written atomic.Int64
	change := func(i int) {
		id := ids[i%len(ids)]
		c, err := s.Claim(ctx, id)
		if err != nil {
			t.Error(err)
			return
		}
		if _, err := s.SetStatus(ctx, id, u.ID, c.Version, Statuses[(i+1)%3], fmt.Sprintf("change %d", i)); err != nil {
			t.Error(err)
			return
		}
		written.Add(1)
	}
	for i := range 200 {
		change(i)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 200; ; i++ {
			select {
			case <-stop:
				return
			default:
				change(i)
			}
		}
	}()
	for written.Load() < 300 { // the writer is well under way
		runtime.Gosched()
	}
	before := written.Load()
	dir := t.TempDir()
	dst := filepath.Join(dir, "copy.db")
	info, err := Backup(ctx, s.path(t), dst, false)
	after := written.Load()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if info.HistoryRows < before || info.HistoryRows > after {
		t.Fatalf("backup holds %d rows; %d were written before it began and %d by its end", info.HistoryRows, before, after)
	}
	t.Logf("backup: %d bytes, %d history rows (%d before, %d after)", info.Bytes, info.HistoryRows, before, after)

	cp, err := Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if err := cp.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := cp.VerifyHistory(ctx)
	if err != nil || rep.Rows != info.HistoryRows || rep.Head != info.Head || rep.Claims != int64(len(ids)) {
		t.Fatalf("copy verifies as %+v, %v; backup said %+v", rep, err, info)
	}
	// The copy is the live history up to a point: same rows, same hashes.
	rows, err := cp.r.Query(`SELECT id, hash FROM status_history ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var h, live string
		rows.Scan(&id, &h)
		if err := s.r.QueryRow(`SELECT hash FROM status_history WHERE id = ?`, id).Scan(&live); err != nil || live != h {
			t.Fatalf("row %d: copy %s, live %s %v", id, h, live, err)
		}
		n++
	}
	if int64(n) != info.HistoryRows {
		t.Fatalf("copy rows %d", n)
	}
	if live, err := s.VerifyHistory(ctx); err != nil || live.Rows != written.Load() {
		t.Fatalf("live rows %d, acknowledged %d, %v", live.Rows, written.Load(), err)
	}
	// Nothing but the copy is left in the folder.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "copy.db" && !strings.HasPrefix(e.Name(), "copy.db-") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestBackupRefusals(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	dir := t.TempDir()
	dst := filepath.Join(dir, "b.db")
	os.WriteFile(dst, []byte("keep me"), 0o644)
	if _, err := Backup(ctx, s.path(t), dst, false); err == nil || !strings.Contains(err.Error(), "use --force") {
		t.Fatalf("existing file: %v", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "keep me" {
		t.Fatal("existing file changed")
	}
	if _, err := Backup(ctx, s.path(t), dst, true); err != nil {
		t.Fatalf("--force: %v", err)
	}
	cp, err := Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	cp.Close()

	missing := filepath.Join(dir, "missing.db")
	if _, err := Backup(ctx, missing, filepath.Join(dir, "c.db"), false); err == nil || !strings.Contains(err.Error(), "no database at") {
		t.Fatalf("missing source: %v", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatal("a missing source was created")
	}
	other := filepath.Join(dir, "other.db")
	os.WriteFile(other, []byte("not sqlite at all"), 0o644)
	if _, err := Backup(ctx, other, filepath.Join(dir, "d.db"), false); err == nil || !strings.Contains(err.Error(), "not a factdesk database") {
		t.Fatalf("not a database: %v", err)
	}
	if _, err := Backup(ctx, s.path(t), filepath.Join(dir, "no", "such", "dir.db"), false); err == nil ||
		err.Error() != "cannot write the backup "+filepath.Join(dir, "no", "such", "dir.db")+": there is no folder "+filepath.Join(dir, "no", "such") {
		t.Fatalf("backup into a missing folder: %v", err)
	}
	// A folder is not a file name, with --force or without.
	folder := filepath.Join(dir, "backups")
	os.Mkdir(folder, 0o755)
	for _, force := range []bool{false, true} {
		if _, err := Backup(ctx, s.path(t), folder, force); err == nil || !strings.Contains(err.Error(), folder+" is a folder: give the backup a file name") {
			t.Fatalf("backup onto a folder (force %v): %v", force, err)
		}
	}
	if st, err := os.Stat(folder); err != nil || !st.IsDir() {
		t.Fatal("the folder was replaced")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".factdesk-backup-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// path returns the file a test store was opened on.
func (s *Store) path(t *testing.T) string {
	t.Helper()
	var file string
	if err := s.r.QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil || file == "" {
		t.Fatalf("database file: %q %v", file, err)
	}
	return file
}
