//! The server's stdio transport: `Content-Length` frames in and out, as lsp-server's own, but
//! a frame larger than the cap is skipped, a malformed header or payload is answered with a
//! JSON-RPC error and the server keeps reading; only the end of input ends it.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use lsp_server::{Connection, Message};
use serde_json::{Value, json};

/// The largest frame read: a 16 MiB file (`MAX_TEXT_BYTES`) escaped as JSON, with room.
const MAX_FRAME_BYTES: usize = 64 * 1024 * 1024;

/// JSON-RPC's codes for a payload that is not JSON, and for JSON that is not a message.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// What the writer thread sends: a message of the server, or a raw error for a frame that was
/// not a message (its id may be null, which `lsp_server::Response` cannot say).
enum Out {
    Message(Message),
    Raw(Value),
}

/// A connection over standard input and output, and the threads that serve it.
pub(crate) fn stdio() -> (Connection, Threads) {
    let (to_writer, from_server) = bounded::<Message>(0);
    let (raw_tx, raw_rx) = unbounded::<Value>();
    let (to_server, from_reader) = bounded::<Message>(0);
    let writer = thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || write_loop(from_server, raw_rx))
        .map_err(|e| crate::say!("thesis lsp: cannot start the writer: {e}"))
        .ok();
    let reader = thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || read_loop(&mut io::stdin().lock(), &to_server, &raw_tx))
        .map_err(|e| crate::say!("thesis lsp: cannot start the reader: {e}"))
        .ok();
    (Connection { sender: to_writer, receiver: from_reader }, Threads { reader, writer })
}

/// The reader and writer threads; joined when the server is done.
pub(crate) struct Threads {
    reader: Option<thread::JoinHandle<()>>,
    writer: Option<thread::JoinHandle<()>>,
}

impl Threads {
    /// Waits for the writer to flush what the server sent. The reader is left to end with the
    /// process: it may be blocked on an input the client never closes.
    pub(crate) fn join(self) {
        drop(self.reader);
        if let Some(w) = self.writer {
            let _ = w.join();
        }
    }
}

fn write_loop(messages: Receiver<Message>, raw: Receiver<Value>) {
    let stdout = io::stdout();
    // Once the reader is gone its channel stays ready with an error: stop selecting on it.
    let mut reader_open = true;
    loop {
        let out = if reader_open {
            crossbeam_channel::select! {
                recv(messages) -> m => match m { Ok(m) => Out::Message(m), Err(_) => break },
                recv(raw) -> v => match v {
                    Ok(v) => Out::Raw(v),
                    Err(_) => {
                        reader_open = false;
                        continue;
                    }
                },
            }
        } else {
            match messages.recv() {
                Ok(m) => Out::Message(m),
                Err(_) => break,
            }
        };
        let mut lock = stdout.lock();
        let written = match out {
            Out::Message(m) => m.write(&mut lock),
            Out::Raw(v) => write_frame(&mut lock, &v.to_string()),
        };
        if written.is_err() {
            break;
        }
    }
    // Errors for frames read after the last message are still owed.
    while let Ok(v) = raw.try_recv() {
        let _ = write_frame(&mut stdout.lock(), &v.to_string());
    }
}

fn write_frame(w: &mut impl Write, body: &str) -> io::Result<()> {
    write!(w, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    w.flush()
}

/// Reads frames until the input ends or the `exit` notification arrives.
pub(crate) fn read_loop(input: &mut impl BufRead, server: &Sender<Message>, errors: &Sender<Value>) {
    loop {
        let body = match read_frame(input) {
            Ok(Frame::Body(b)) => b,
            Ok(Frame::End) | Err(_) => return,
            Ok(Frame::Bad(why)) => {
                let _ = errors.send(error(Value::Null, PARSE_ERROR, &why));
                continue;
            }
        };
        let value: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                let _ = errors.send(error(Value::Null, PARSE_ERROR, &format!("the payload is not JSON: {e}")));
                continue;
            }
        };
        let id = value.get("id").cloned().unwrap_or(Value::Null);
        match serde_json::from_value::<Message>(value) {
            Ok(msg) => {
                let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if server.send(msg).is_err() || exit {
                    return;
                }
            }
            Err(e) => {
                let _ = errors.send(error(id, INVALID_REQUEST, &format!("not a JSON-RPC message: {e}")));
            }
        }
    }
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// One frame's outcome: its body, the end of input, or a frame that could not be read whole.
enum Frame {
    Body(Vec<u8>),
    End,
    Bad(String),
}

/// Reads the headers up to the blank line, then the body. Header lines are capped at 1 KiB.
fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<Result<usize, String>> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        let n = input.by_ref().take(1024).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(if saw_header { Frame::Bad("the input ended inside a header".into()) } else { Frame::End });
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !saw_header {
                continue;
            }
            break;
        }
        saw_header = true;
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length =
                Some(value.trim().parse::<usize>().map_err(|_| format!("a bad Content-Length `{}`", value.trim())));
        }
    }
    let size = match length {
        None => return Ok(Frame::Bad("a frame without Content-Length".into())),
        Some(Err(why)) => return Ok(Frame::Bad(why)),
        Some(Ok(n)) => n,
    };
    if size > MAX_FRAME_BYTES {
        // Skip the body without holding it.
        let skipped = io::copy(&mut input.by_ref().take(size as u64), &mut io::sink())?;
        if (skipped as usize) < size {
            return Ok(Frame::End);
        }
        return Ok(Frame::Bad(format!("a frame of {size} bytes exceeds the {MAX_FRAME_BYTES} byte limit")));
    }
    let mut body = Vec::with_capacity(size.min(1 << 20));
    input.by_ref().take(size as u64).read_to_end(&mut body)?;
    if body.len() < size {
        return Ok(Frame::End);
    }
    Ok(Frame::Body(body))
}

#[cfg(test)]
mod tests {
    use super::{Frame, read_frame};

    fn frames(input: &[u8]) -> Vec<String> {
        let mut r = std::io::Cursor::new(input.to_vec());
        let mut out = Vec::new();
        loop {
            match read_frame(&mut r).expect("read") {
                Frame::Body(b) => out.push(String::from_utf8_lossy(&b).into_owned()),
                Frame::Bad(why) => out.push(format!("bad: {why}")),
                Frame::End => return out,
            }
        }
    }

    #[test]
    fn bad_frames_are_reported_and_reading_goes_on() {
        let input =
            b"Content-Length: 2\r\n\r\n{}Content-Length: x\r\n\r\nX-Other: 1\r\n\r\nContent-Length: 3\r\n\r\n[1]";
        let want = ["{}", "bad: a bad Content-Length `x`", "bad: a frame without Content-Length", "[1]"];
        assert_eq!(frames(input), want);
    }

    #[test]
    fn an_oversized_frame_is_skipped_unread() {
        let mut input = format!("Content-Length: {}\r\n\r\n", super::MAX_FRAME_BYTES + 1).into_bytes();
        input.resize(input.len() + super::MAX_FRAME_BYTES + 1, b' ');
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let got = frames(&input);
        assert_eq!(got.len(), 2);
        assert!(got[0].starts_with("bad: a frame of"), "{got:?}");
        assert_eq!(got[1], "{}");
    }

    #[test]
    fn a_truncated_body_ends_the_stream() {
        assert!(frames(b"Content-Length: 10\r\n\r\n{}").is_empty());
    }
}
