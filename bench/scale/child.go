package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// child is one program run by the harness.
type child struct {
	args []string
	// hard is the wall time after which the harness stops the child:
	// SIGTERM (ofdi then writes its best plan), SIGKILL termGrace later.
	// 0 means never.
	hard time.Duration
	// logPath receives the child's stdout and stderr, each line prefixed
	// with its arrival time (formatTimedLine).
	logPath string
}

// childResult is how a child ran.
type childResult struct {
	lines   []timedLine
	wall    time.Duration
	peakMiB float64
	// killed is true when the hard limit stopped the child.
	killed bool
	// interrupted is true when the harness's context ended first.
	interrupted bool
	// exit is the exit code, -1 when a signal ended the child.
	exit int
}

// termGrace is how long a child may take to exit after SIGTERM.
const termGrace = 10 * time.Second

// runChild runs c, timestamping its output lines as they arrive (from one
// pipe shared by stdout and stderr) and writing them to c.logPath. An error
// means the child could not be run at all.
func runChild(ctx context.Context, c child) (*childResult, error) {
	logf, err := os.Create(c.logPath)
	if err != nil {
		return nil, fmt.Errorf("create log: %w", err)
	}
	defer logf.Close()
	if _, err := fmt.Fprintf(logf, "# %s\n", strings.Join(c.args, " ")); err != nil {
		return nil, fmt.Errorf("write log: %w", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("pipe: %w", err)
	}
	defer pr.Close()
	cmd := exec.Command(c.args[0], c.args[1:]...)
	cmd.Stdout, cmd.Stderr = pw, pw
	start := time.Now()
	err = cmd.Start()
	pw.Close() // the child holds its own copy
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", c.args[0], err)
	}

	var lines []timedLine
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		br := bufio.NewReader(pr)
		for {
			s, err := br.ReadString('\n')
			if s != "" {
				l := timedLine{T: time.Since(start).Seconds(), Text: strings.TrimRight(s, "\r\n")}
				lines = append(lines, l)
				logf.WriteString(formatTimedLine(l)) // best effort: the lines are kept in memory too
			}
			if err != nil {
				return
			}
		}
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	var hard <-chan time.Time
	if c.hard > 0 {
		t := time.NewTimer(c.hard)
		defer t.Stop()
		hard = t.C
	}
	res := &childResult{}
	var werr error
	select {
	case werr = <-waited:
	case <-hard:
		res.killed = true
		werr = terminate(cmd, waited)
	case <-ctx.Done():
		res.interrupted = true
		werr = terminate(cmd, waited)
	}
	res.wall = time.Since(start)
	select {
	case <-readDone:
	case <-time.After(5 * time.Second):
		// A grandchild still holds the pipe: stop reading.
		pr.Close()
		<-readDone
	}
	// A line still in the pipe when the child exited is read after it;
	// it was written before the exit, so it arrived by res.wall.
	for i := range lines {
		lines[i].T = min(lines[i].T, res.wall.Seconds())
	}
	res.lines = lines
	var exitErr *exec.ExitError
	if werr != nil && !errors.As(werr, &exitErr) {
		return nil, fmt.Errorf("wait for %s: %w", c.args[0], werr)
	}
	res.exit = cmd.ProcessState.ExitCode()
	res.peakMiB = peakMiB(cmd.ProcessState)
	return res, nil
}

// terminate asks the child to stop, kills it if it has not within
// termGrace, and returns Wait's error.
func terminate(cmd *exec.Cmd, waited <-chan error) error {
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		cmd.Process.Kill()
	}
	select {
	case err := <-waited:
		return err
	case <-time.After(termGrace):
		cmd.Process.Kill()
		return <-waited
	}
}

// lastLine is the child's last non-empty output line, for error notes.
func (r *childResult) lastLine() string {
	for i := len(r.lines) - 1; i >= 0; i-- {
		if s := strings.TrimSpace(r.lines[i].Text); s != "" {
			return s
		}
	}
	return ""
}
