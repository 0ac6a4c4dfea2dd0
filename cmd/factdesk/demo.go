package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/views"
)

const demoUsage = "--docs N [--seed S] [--db FILE]"

func runDemo(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs, dbPath := newFlags("demo", demoUsage, stdout)
	docs := fs.Int("docs", 0, "how many `articles` to generate (about 100 claims each)")
	seed := fs.Uint64("seed", 1, "random `seed`: the same seed gives the same data")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{msg: fmt.Sprintf("demo takes no arguments, got %q", fs.Arg(0))}
	}
	if *docs <= 0 || *docs > 1_000_000 {
		return usageError{msg: "demo needs --docs between 1 and 1000000"}
	}
	// The demo users share one password: the one given in the environment
	// (scripts need to know it), else a fresh random one printed below.
	pw := os.Getenv("FACTDESK_DEMO_PASSWORD")
	if pw == "" {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		pw = base64.RawURLEncoding.EncodeToString(b)
	} else if err := auth.CheckPasswordRules(pw); err != nil {
		return fmt.Errorf("FACTDESK_DEMO_PASSWORD: %w", err)
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	store, err := db.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()

	bar := newProgressBar(stderr, *docs)
	start := time.Now()
	st, err := store.Demo(ctx, db.DemoOptions{Docs: *docs, Seed: *seed, PasswordHash: hash, Progress: bar.update})
	bar.done()
	if errors.Is(err, db.ErrInvalid) {
		return errors.New(message(err))
	}
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(stdout, "%s, %s, %s in %.1f s (%.0f documents/s, %.0f rows/s)\n",
		views.Count(st.Docs, "document"), views.Claims(st.Claims), views.Count(st.History, "history row"), secs, float64(st.Docs)/secs, float64(st.Docs+st.Claims+st.History)/secs)
	names := make([]string, 0, len(st.Users))
	for _, u := range st.Users {
		names = append(names, u.Name+" ("+u.Role+")")
	}
	fmt.Fprintf(stdout, "users: %s\n", strings.Join(names, ", "))
	if os.Getenv("FACTDESK_DEMO_PASSWORD") == "" {
		fmt.Fprintf(stdout, "password of every demo user: %s\n", pw)
	} else {
		fmt.Fprintln(stdout, "password of every demo user: the one in FACTDESK_DEMO_PASSWORD")
	}
	return nil
}

// progressBar draws on a terminal in place; elsewhere (logs, scripts) it
// prints a line every tenth of the way.
type progressBar struct {
	w        io.Writer
	total    int
	tty      bool
	start    time.Time
	lastTick int
	drawn    bool
}

func newProgressBar(w io.Writer, total int) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &progressBar{w: w, total: total, tty: tty, start: time.Now()}
}

func (p *progressBar) update(st db.DemoStats) {
	frac := float64(st.Docs) / float64(p.total)
	rate := float64(st.Docs) / max(time.Since(p.start).Seconds(), 1e-3)
	line := fmt.Sprintf("%5d/%d documents  %d claims  %d history rows  %.0f documents/s",
		st.Docs, p.total, st.Claims, st.History, rate)
	if p.tty {
		const width = 30
		n := int(frac * width)
		fmt.Fprintf(p.w, "\r[%s%s] %s", strings.Repeat("#", n), strings.Repeat(" ", width-n), line)
		p.drawn = true
		return
	}
	if tick := int(frac * 10); tick > p.lastTick || st.Docs == p.total {
		p.lastTick = tick
		fmt.Fprintf(p.w, "%3.0f%% %s\n", frac*100, line)
	}
}

func (p *progressBar) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
