//! `thesis lsp`: a language server over stdio for the project it is started in. Diagnostics as
//! you type are `thesis check`'s own, from the editor's unsaved texts laid over the files
//! (`files::Overlay`); hover, definition, references, rename, completion, inlay hints and code
//! lenses read the same analysis. One thread serves requests in order; a burst of edits is
//! checked once, and a request first brings the analysis up to date with the edits before it.

mod complete;
mod hover;
mod lens;
mod navigate;
mod requests;
mod state;
mod symbols;
mod text;
mod transport;

use std::collections::HashMap;
use std::rc::Rc;

use crossbeam_channel::TryRecvError;
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::Url;
use serde_json::{Value, json};

use crate::Error;
use crate::project::Options;
use state::{Analysis, Doc, Docs};

/// JSON-RPC and LSP error codes the server answers with.
pub(crate) mod code {
    pub(crate) const INVALID_REQUEST: i32 = -32600;
    pub(crate) const METHOD_NOT_FOUND: i32 = -32601;
    pub(crate) const INVALID_PARAMS: i32 = -32602;
    pub(crate) const INTERNAL_ERROR: i32 = -32603;
    pub(crate) const SERVER_NOT_INITIALIZED: i32 = -32002;
    pub(crate) const REQUEST_FAILED: i32 = -32803;
}

/// Serves the protocol on standard input and output until the client sends `exit` or closes
/// the input. Returns an error (exit code 1) when the session ended without `shutdown`.
pub(crate) fn serve(opts: &Options) -> Result<(), Error> {
    let (conn, threads) = transport::stdio();
    let clean = Server::new(opts, &conn).run();
    drop(conn);
    threads.join();
    if clean {
        return Ok(());
    }
    // LSP: exit code 1 when the session ended without `shutdown`.
    crate::say!("thesis lsp: the client ended the session without `shutdown`");
    Err(Error::Invalid { errors: 0 })
}

/// Where the session is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Uninitialized,
    Running,
    ShutDown,
}

struct Server<'c> {
    conn: &'c Connection,
    base: Options,
    docs: Docs,
    phase: Phase,
    analysis: Option<Rc<Analysis>>,
    /// The last analysis without errors: what hover and completion know while the files are
    /// broken mid-edit (a rule set with an error is not in the current one's rule book).
    good: Option<Rc<Analysis>>,
    /// The open documents (or edits on disk) changed since the last analysis.
    dirty: bool,
    /// What was last published per file, so only changes are sent again.
    published: HashMap<Url, Vec<lsp_types::Diagnostic>>,
}

impl<'c> Server<'c> {
    fn new(opts: &Options, conn: &'c Connection) -> Server<'c> {
        Server {
            conn,
            base: opts.clone(),
            docs: Docs::default(),
            phase: Phase::Uninitialized,
            analysis: None,
            good: None,
            dirty: true,
            published: HashMap::new(),
        }
    }

    /// The message loop; true when it ended by `shutdown` then `exit`.
    fn run(&mut self) -> bool {
        loop {
            let msg = if self.dirty && self.phase == Phase::Running {
                match self.conn.receiver.try_recv() {
                    Ok(m) => m,
                    Err(TryRecvError::Empty) => {
                        self.refresh();
                        continue;
                    }
                    Err(TryRecvError::Disconnected) => return false,
                }
            } else {
                match self.conn.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return self.phase == Phase::ShutDown,
                }
            };
            match msg {
                Message::Request(req) => self.request(req),
                Message::Notification(n) if n.method == "exit" => return self.phase == Phase::ShutDown,
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, msg: impl Into<Message>) {
        let _ = self.conn.sender.send(msg.into());
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Notification { method: method.into(), params });
    }

    fn request(&mut self, req: Request) {
        let id = req.id.clone();
        let answer = match (self.phase, req.method.as_str()) {
            (Phase::Uninitialized, "initialize") => {
                self.initialize(&req.params);
                Ok(initialize_result())
            }
            (Phase::Uninitialized, _) => {
                Err((code::SERVER_NOT_INITIALIZED, "the server is not initialized yet".into()))
            }
            (Phase::Running, "initialize") => Err((code::INVALID_REQUEST, "the server is already initialized".into())),
            (Phase::Running, "shutdown") => {
                self.phase = Phase::ShutDown;
                Ok(Value::Null)
            }
            (Phase::ShutDown, _) => Err((code::INVALID_REQUEST, "the server is shutting down".into())),
            (Phase::Running, _) => {
                self.refresh_if_dirty();
                let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(&req)));
                run.unwrap_or_else(|_| Err((code::INTERNAL_ERROR, format!("thesis lsp failed on {}", req.method))))
            }
        };
        let resp = match answer {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code, message),
        };
        self.send(resp);
    }

    /// Starts from the client's workspace folder when the server was started elsewhere.
    fn initialize(&mut self, params: &Value) {
        self.phase = Phase::Running;
        let root =
            params.get("rootUri").and_then(Value::as_str).and_then(|u| Url::parse(u).ok()).and_then(|u| text::path(&u));
        let rules = self.base.rules.first().cloned().unwrap_or_default();
        if let Some(root) = root
            && rules.is_relative()
            && !rules.exists()
            && root.join(&rules).exists()
        {
            let _ = std::env::set_current_dir(root);
        }
    }

    fn answer(&mut self, req: &Request) -> Result<Value, (i32, String)> {
        let Some(a) = &self.analysis else { return Err((code::REQUEST_FAILED, "no analysis yet".into())) };
        let known = self.good.as_deref().unwrap_or(a);
        let done = requests::answer(a, known, &req.method, &req.params)?;
        if let Some((text, summary)) = &done.report {
            self.notify("window/logMessage", json!({ "type": 3, "message": text }));
            self.notify("window/showMessage", json!({ "type": 3, "message": summary }));
        }
        Ok(done.value)
    }

    fn notification(&mut self, n: Notification) {
        if self.phase != Phase::Running {
            return;
        }
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let (Some(uri), Some(text)) =
                    (param_uri(&n.params), n.params.pointer("/textDocument/text").and_then(Value::as_str))
                else {
                    return;
                };
                let version = n.params.pointer("/textDocument/version").and_then(Value::as_i64).unwrap_or(0) as i32;
                if let Some(path) = text::path(&uri) {
                    self.docs.open.insert(path, Doc { uri, text: text.into(), version });
                    self.dirty = true;
                }
            }
            "textDocument/didChange" => self.change(&n.params),
            "textDocument/didClose" => {
                if let Some(path) = param_uri(&n.params).and_then(|u| text::path(&u)) {
                    self.docs.open.remove(&path);
                    self.dirty = true;
                }
            }
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => self.dirty = true,
            _ => {}
        }
    }

    /// Applies edits to an open document: whole texts, or ranges in UTF-16 positions.
    fn change(&mut self, params: &Value) {
        let Some(path) = param_uri(params).and_then(|u| text::path(&u)) else { return };
        let Some(doc) = self.docs.open.get_mut(&path) else { return };
        let Some(changes) = params.get("contentChanges").and_then(Value::as_array) else { return };
        let mut body = doc.text.to_string();
        for c in changes {
            let Some(new) = c.get("text").and_then(Value::as_str) else { return };
            match c.get("range").and_then(|r| serde_json::from_value::<lsp_types::Range>(r.clone()).ok()) {
                Some(r) => {
                    let start = text::offset(&body, r.start);
                    let end = text::offset(&body, r.end).max(start);
                    body.replace_range(start..end, new);
                }
                None => body = new.to_string(),
            }
        }
        doc.text = body.into();
        doc.version =
            params.pointer("/textDocument/version").and_then(Value::as_i64).unwrap_or(doc.version as i64) as i32;
        self.dirty = true;
    }

    fn refresh_if_dirty(&mut self) {
        if self.dirty || self.analysis.is_none() {
            self.refresh();
        }
    }

    /// Checks the project again and publishes what changed (and every open document's).
    fn refresh(&mut self) {
        self.dirty = false;
        let a = Analysis::run(&self.base, &self.docs);
        let mut now = a.published();
        for uri in self.published.keys() {
            now.entry(uri.clone()).or_default();
        }
        for (uri, diags) in now {
            let open = self.docs.open.values().find(|d| d.uri == uri);
            let before = self.published.get(&uri).map_or(&[][..], Vec::as_slice);
            if open.is_none() && before == diags.as_slice() {
                continue;
            }
            let version = open.map(|d| d.version);
            let params = lsp_types::PublishDiagnosticsParams { uri: uri.clone(), diagnostics: diags.clone(), version };
            self.notify("textDocument/publishDiagnostics", serde_json::to_value(params).unwrap_or(Value::Null));
            self.published.insert(uri, diags);
        }
        for line in a.unplaced() {
            self.notify("window/logMessage", json!({ "type": 1, "message": line }));
        }
        let a = Rc::new(a);
        if !a.diags.has_errors() && a.project.is_some() {
            self.good = Some(Rc::clone(&a));
        }
        self.analysis = Some(a);
    }
}

fn param_uri(params: &Value) -> Option<Url> {
    Url::parse(params.pointer("/textDocument/uri")?.as_str()?).ok()
}

/// What the server can do.
fn initialize_result() -> Value {
    use lsp_types::*;
    let caps = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([":", " ", "{", "[", ","].map(String::from).to_vec()),
            ..Default::default()
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![lens::RUN_TESTS.into(), lens::RANK.into()],
            ..Default::default()
        }),
        ..Default::default()
    };
    json!({
        "capabilities": caps,
        "serverInfo": { "name": "thesis", "version": env!("CARGO_PKG_VERSION") },
    })
}
