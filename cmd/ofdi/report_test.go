package main

import (
	"bytes"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

const headlessShell = "/usr/bin/chromium-headless-shell"

// browser renders pages with Debian's chromium-headless-shell. The test
// fails when it is missing (the CI installs it) unless -short.
type browser struct {
	t    *testing.T
	bin  string
	dir  string
	runs int
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	bin := headlessShell
	if _, err := os.Stat(bin); err != nil {
		if p, err := exec.LookPath("chromium-headless-shell"); err == nil {
			bin = p
		} else if testing.Short() {
			t.Skip("chromium-headless-shell not installed (-short)")
		} else {
			t.Fatal("chromium-headless-shell not found: install it (apt-get install chromium-headless-shell; .ci/run does)")
		}
	}
	return &browser{t: t, bin: bin, dir: t.TempDir()}
}

// run loads page with extra flags and returns stdout and the URLs the
// network log saw requested (file:// loads do not go through the network
// stack, so the page itself is not among them).
func (b *browser) run(page string, extra ...string) (string, []string) {
	b.t.Helper()
	b.runs++
	netlog := filepath.Join(b.dir, fmt.Sprintf("net-%d.json", b.runs))
	args := []string{"--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--no-first-run", "--user-data-dir=" + filepath.Join(b.dir, "profile"),
		"--log-net-log=" + netlog}
	args = append(args, extra...)
	args = append(args, "file://"+page)
	cmd := exec.Command(b.bin, args...)
	cmd.Dir = b.dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		b.t.Fatalf("%s: %v\n%s", b.bin, err, errb.String())
	}
	data, err := os.ReadFile(netlog)
	if err != nil {
		b.t.Fatalf("no network log: %v", err)
	}
	if !bytes.Contains(data, []byte(`"constants"`)) {
		b.t.Fatalf("%s is not Chrome's net log", netlog)
	}
	return out.String(), requestedURLs(data)
}

var netURL = regexp.MustCompile(`"url":"([^"]+)"`)

func requestedURLs(netlog []byte) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range netURL.FindAllSubmatch(netlog, -1) {
		u := string(m[1])
		if !seen[u] && !strings.HasPrefix(u, "file://") {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// localServer serves a 1×1 PNG and counts requests, so the probes below
// request something real and quick.
func localServer(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hits := new(atomic.Int64)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte{})
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), hits
}

// TestReportInBrowser renders ofdi report's page of the tiny instance in
// chromium-headless-shell at 1000 px: the network log shows no request,
// the screenshot is not blank, and the DOM has the firm accounts table
// with every firm. Two probes show the request check works: a page that
// loads an image from a local server is caught, and the report page with
// the same image injected makes no request (its CSP blocks it).
func TestReportInBrowser(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if r := ofdi(t, "report", tinyPath, "-o", page, "-q"); r.code != 0 {
		t.Fatalf("report: %v", r)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(html, []byte(`content="default-src 'none'; style-src 'unsafe-inline'"`)) {
		t.Error("page lacks the Content-Security-Policy")
	}

	dom, urls := b.run(page, "--dump-dom")
	if len(urls) > 0 {
		t.Errorf("the report page requested %v", urls)
	}
	for _, want := range []string{`<table id="firm-accounts">`, "large1", "large2", "sme1", "sme2", "supp1", `id="left-out-table"`, `id="method-table"`, "<svg", "outside option", "transfer"} {
		if !strings.Contains(dom, want) {
			t.Errorf("DOM lacks %q", want)
		}
	}

	shot := filepath.Join(b.dir, "shot.png")
	b.run(page, "--screenshot="+shot, "--window-size=1000,1400", "--hide-scrollbars")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	colours, dark := map[uint32]bool{}, 0
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y += 2 {
		for x := bd.Min.X; x < bd.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
			if r+g+bl < 3*0x8000 {
				dark++
			}
		}
	}
	if bd.Dx() != 1000 || len(colours) < 20 || dark < 500 {
		t.Errorf("screenshot looks blank: %dx%d, %d colours, %d dark pixels sampled", bd.Dx(), bd.Dy(), len(colours), dark)
	}

	// Probes: the request check catches a request, and the CSP blocks one.
	base, hits := localServer(t)
	img1 := fmt.Sprintf(`<img src="%s/probe.png">`, base)
	probe := filepath.Join(dir, "probe.html")
	if err := os.WriteFile(probe, []byte("<!DOCTYPE html><html><body><p>probe</p>"+img1+"</body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, urls := b.run(probe, "--dump-dom"); len(urls) == 0 || hits.Load() == 0 {
		t.Errorf("a page loading %s/probe.png: network log saw %v, server hits %d (the request check cannot see requests)", base, urls, hits.Load())
	}
	injected := filepath.Join(dir, "injected.html")
	if err := os.WriteFile(injected, bytes.Replace(html, []byte("<body>"), []byte("<body>"+img1), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	before := hits.Load()
	if _, urls := b.run(injected, "--dump-dom"); len(urls) > 0 || hits.Load() != before {
		t.Errorf("the report page with an external image injected requested %v (server hits %d): its CSP does not block it", urls, hits.Load()-before)
	}
}
