# Keystroke -> published diagnostics of `thesis lsp` on a project (BENCHMARKS.md, issue 16):
# alternately introduce and remove a typo in rules/company.yaml (an incremental didChange) and
# time until the server publishes that file's diagnostics.
# Usage: python3 bench/lsp_keystroke.py target/release/thesis . 41
import json, os, subprocess, sys, time, statistics
bin_, root, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = subprocess.Popen([bin_, "lsp"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def send(o):
    b = json.dumps(o).encode(); p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b); p.stdin.flush()
def recv():
    h = b""
    while not h.endswith(b"\r\n\r\n"): h += p.stdout.read(1)
    size = int([l for l in h.decode().split("\r\n") if l.lower().startswith("content-length")][0].split(":")[1])
    return json.loads(p.stdout.read(size))
import pathlib
rootp = pathlib.Path(root).resolve()
uri = (rootp / "rules/company.yaml").as_uri()
send({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":None,"rootUri":rootp.as_uri(),"capabilities":{}}})
while recv().get("id") != 1: pass
send({"jsonrpc":"2.0","method":"initialized","params":{}})
text = (rootp / "rules/company.yaml").read_text()
send({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":uri,"languageId":"yaml","version":1,"text":text}}})
def wait_pub():
    while True:
        m = recv()
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri: return m
wait_pub()
lines = text.split("\n")
ln = next(i for i, l in enumerate(lines) if "{ attribute: " in l)
col = lines[ln].index("{ attribute: ") + len("{ attribute: ")
orig = lines[ln][col:col + 4]
def cpu():
    # The server's user + system CPU in ms (/proc, Linux): wall time on a loaded machine waits
    # for a core; CPU time says what a keystroke costs.
    f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 / os.sysconf("SC_CLK_TCK")
times, cpus = [], []
for i in range(n):
    new = "zzzz" if i % 2 == 0 else orig
    t0, c0 = time.perf_counter(), cpu()
    send({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":uri,"version":i+2},
          "contentChanges":[{"range":{"start":{"line":ln,"character":col},"end":{"line":ln,"character":col+4}},"text":new}]}})
    m = wait_pub()
    times.append((time.perf_counter() - t0) * 1000)
    cpus.append(cpu() - c0)
    assert (len(m["params"]["diagnostics"]) > 0) == (i % 2 == 0), m
send({"jsonrpc":"2.0","id":99,"method":"shutdown","params":None})
while recv().get("id") != 99: pass
send({"jsonrpc":"2.0","method":"exit"})
p.wait()
print(f"n={n} wall median={statistics.median(times):.1f} ms min={min(times):.1f} max={max(times):.1f}; "
      f"server CPU median={statistics.median(cpus):.0f} ms min={min(cpus):.0f} max={max(cpus):.0f}")
