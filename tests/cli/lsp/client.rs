//! A minimal LSP client over the real binary's stdio: framed JSON-RPC, requests matched to
//! their responses, notifications kept in arrival order for the tests to wait on.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one answer may take (debug builds on a shared machine).
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `thesis lsp`.
pub(super) struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications received while waiting for something else.
    pub(super) notes: Vec<Value>,
    next_id: i64,
}

impl Client {
    /// Starts `thesis lsp` in `dir` and initializes it.
    pub(super) fn start(dir: &Path) -> Client {
        let mut c = Client::spawn(dir);
        let root = url(dir);
        let init = c.request("initialize", json!({ "processId": null, "rootUri": root, "capabilities": {} }));
        assert!(init.get("result").is_some(), "initialize: {init}");
        c.notify("initialized", json!({}));
        c
    }

    /// Starts `thesis lsp` in `dir` without initializing it.
    pub(super) fn spawn(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_thesis"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start thesis lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_frame(&mut r) {
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin: Some(stdin), incoming, notes: Vec::new(), next_id: 1 }
    }

    /// Writes raw bytes to the server.
    pub(super) fn raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("input open");
        stdin.write_all(bytes).expect("write");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        self.raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    /// Sends a notification.
    pub(super) fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (the whole message: `result` or `error`).
    pub(super) fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    /// The result of a request, which must not fail.
    #[track_caller]
    pub(super) fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    /// Waits for a message that `pick` accepts; the notifications passed on the way are kept.
    pub(super) fn wait_for(&mut self, pick: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.notes.iter().position(&pick) {
            return self.notes.remove(i);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if pick(&m) => return m,
                Ok(m) => self.notes.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("no awaited message in {PATIENCE:?}; got {:?}", self.notes),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output; got {:?}", self.notes),
            }
        }
    }

    /// The next diagnostics published for `uri`.
    pub(super) fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait_for(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
        m["params"]["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    /// Opens a file of the project in the "editor", with its text on disk.
    pub(super) fn open(&mut self, dir: &Path, rel: &str) -> (String, String) {
        let text = std::fs::read_to_string(dir.join(rel)).expect("read fixture");
        let uri = url(&dir.join(rel));
        let doc = json!({ "uri": uri, "languageId": "yaml", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": doc }));
        (uri, text)
    }

    /// `shutdown` then `exit`; returns the exit code.
    pub(super) fn shutdown(mut self) -> i32 {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        self.notify("exit", Value::Null);
        wait_exit(&mut self.child)
    }

    /// Whether the process is still running.
    pub(super) fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Closes the server's input and waits for it to end; returns the exit code.
    pub(super) fn close(mut self) -> i32 {
        drop(self.stdin.take());
        wait_exit(&mut self.child)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn wait_exit(child: &mut Child) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code().unwrap_or(-1);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("thesis lsp did not exit");
}

/// The `file://` URI of a path (canonical, as the server names files).
pub(super) fn url(p: &Path) -> String {
    let real = std::fs::canonicalize(p).expect("canonical path");
    format!("file://{}", real.display())
}

fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The LSP position (UTF-16 column) of the `nth` occurrence of `needle` in `text`, plus
/// `ahead` characters.
pub(super) fn pos(text: &str, needle: &str, ahead: usize) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the text"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    let col = text[line_start..at].encode_utf16().count() + ahead;
    json!({ "line": line, "character": col })
}
