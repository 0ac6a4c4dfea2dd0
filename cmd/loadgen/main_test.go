package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// With --rate the clients keep to the schedule: never faster than asked,
// whatever the server could take, and every request is sent.
func TestRateKeepsToTheSchedule(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	var out, errs bytes.Buffer
	err := run(context.Background(), []string{"--base", srv.URL, "--clients", "4", "--requests", "60", "--warmup", "0",
		"--rate", "200", "--json", "/"}, &out, &errs)
	if err != nil {
		t.Fatalf("%v: %s", err, errs.String())
	}
	var res Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Requests != 60 || n.Load() != 60 || res.Errors != 0 {
		t.Fatalf("%d measured, %d served, %d errors; want 60, 60, 0", res.Requests, n.Load(), res.Errors)
	}
	// 60 requests at 200 a second take at least 59/200 s: the last is due
	// then. (An upper bound only: a slow machine may take longer.)
	if res.Seconds < 59.0/200 {
		t.Fatalf("60 requests in %.3f s: faster than 200 a second", res.Seconds)
	}
}

func TestRateRefusesNonsense(t *testing.T) {
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"--rate", "-1", "/"}, &out, &errs); err == nil {
		t.Fatal("a negative rate was taken")
	}
}
