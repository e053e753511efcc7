//go:build unix

package report_test

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model/report"
)

// A path that is not a regular file (here a named pipe; /dev/null and
// /dev/stdout are the same case) is written to, not replaced: renaming a
// temporary file over /dev/null would turn it into a regular file.
func TestWriteFileNonRegularWrittenDirectly(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- "open: " + err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	if err := report.WriteFile(fifo, []byte("plan")); err != nil {
		t.Fatal(err)
	}
	// Replaced, the pipe never gets a writer and the reader blocks for
	// good: check that first.
	st, err := os.Lstat(fifo)
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v, %v", st.Mode(), err)
	}
	select {
	case s := <-got:
		if s != "plan" {
			t.Errorf("reader got %q, want %q", s, "plan")
		}
	case <-time.After(time.Minute):
		t.Error("the reader got nothing")
	}
}

// A symbolic link stays a link; its target gets the new content.
func TestWriteFileFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "real.json"), filepath.Join(dir, "link.json")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	if err := report.WriteFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if b, err := os.ReadFile(target); err != nil || string(b) != "new" {
		t.Errorf("target holds %q, %v; want %q", b, err, "new")
	}
}
