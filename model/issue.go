package model

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by every error that reports a bad instance.
var ErrInvalid = errors.New("model: invalid instance")

// Severity tells whether an Issue makes the instance unusable.
type Severity int

const (
	// Error: the instance cannot be solved as written.
	Error Severity = iota
	// Warning: the instance is valid, but part of it can never be used.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Issue is one problem found in an instance, located by its JSON path
// (e.g. "opportunities[4].market").
type Issue struct {
	Path     string
	Message  string
	Severity Severity
}

// String formats the issue as "path: message".
func (i Issue) String() string {
	if i.Path == "" {
		return i.Message
	}
	return i.Path + ": " + i.Message
}

// ValidationError carries every error-severity Issue of an instance. It
// wraps ErrInvalid.
type ValidationError struct {
	Issues []Issue
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	n := len(e.Issues)
	if n == 1 {
		b.WriteString("invalid instance: ")
		b.WriteString(e.Issues[0].String())
		return b.String()
	}
	fmt.Fprintf(&b, "invalid instance: %d problems:", n)
	for _, is := range e.Issues {
		b.WriteString("\n  ")
		b.WriteString(is.String())
	}
	return b.String()
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Errors returns the error-severity issues of issues.
func Errors(issues []Issue) []Issue {
	var out []Issue
	for _, is := range issues {
		if is.Severity == Error {
			out = append(out, is)
		}
	}
	return out
}

// Warnings returns the warning-severity issues of issues.
func Warnings(issues []Issue) []Issue {
	var out []Issue
	for _, is := range issues {
		if is.Severity == Warning {
			out = append(out, is)
		}
	}
	return out
}

// issueList collects issues with printf-style helpers.
type issueList []Issue

func (l *issueList) errorf(path, format string, args ...any) {
	*l = append(*l, Issue{Path: path, Message: fmt.Sprintf(format, args...), Severity: Error})
}

func (l *issueList) warnf(path, format string, args ...any) {
	*l = append(*l, Issue{Path: path, Message: fmt.Sprintf(format, args...), Severity: Warning})
}
