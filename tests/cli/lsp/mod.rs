//! `thesis lsp` over stdio against the real binary: the protocol's life cycle, diagnostics
//! from unsaved text the same as `thesis check`'s, hover, definition, references, rename,
//! completion, inlay hints, code lenses, and bad input that gets errors, never an end.

mod client;
mod nvim;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use client::{Client, pos, url};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lsp")
}

fn at(uri: &str, position: Value) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position })
}

fn hover_text(c: &mut Client, uri: &str, position: Value) -> String {
    let r = c.result("textDocument/hover", at(uri, position));
    r["contents"]["value"].as_str().unwrap_or_default().to_string()
}

#[test]
fn initialize_advertises_the_features_and_shutdown_then_exit_ends_cleanly() {
    let mut c = Client::spawn(&fixture());
    let early = c.request("textDocument/hover", at("file:///x.yaml", json!({ "line": 0, "character": 0 })));
    assert_eq!(early["error"]["code"], -32002, "before initialize: {early}");
    let init = c.result("initialize", json!({ "processId": null, "rootUri": url(&fixture()), "capabilities": {} }));
    let caps = &init["capabilities"];
    for key in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "completionProvider",
        "inlayHintProvider",
        "codeLensProvider",
    ] {
        assert!(!caps[key].is_null(), "{key} missing: {caps}");
    }
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(init["serverInfo"]["name"], "thesis");
    c.notify("initialized", json!({}));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn a_typo_in_unsaved_text_gets_check_s_diagnostic_and_the_fix_clears_it() {
    let dir = fixture();
    let mut c = Client::start(&dir);
    let (uri, text) = c.open(&dir, "rules/company.yaml");
    assert!(c.diagnostics(&uri).is_empty(), "the fixture is clean");
    // `attribute: margin` → `attribute: marign`, as an incremental edit in UTF-16 columns.
    let p = pos(&text, "attribute: margin", 11);
    let end = json!({ "line": p["line"], "character": p["character"].as_u64().expect("col") + 6 });
    let change = json!({ "range": { "start": p, "end": end }, "text": "marign" });
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [change] }),
    );
    let diags = c.diagnostics(&uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "E201");
    assert_eq!(d["source"], "thesis");
    assert!(d["message"].as_str().expect("message").contains("hint: did you mean `margin`?"), "{d}");
    assert_eq!(d["range"]["start"], p);

    // The same file saved: `thesis check` says the same, at the same place (1-based there).
    let copy = tempfile::tempdir().expect("temp dir");
    copy_dir(&dir, copy.path());
    std::fs::write(copy.path().join("rules/company.yaml"), text.replace("attribute: margin", "attribute: marign"))
        .expect("write");
    let out = crate::Thesis::new().in_dir(copy.path()).args(["--diagnostic-format", "json", "check"]).run();
    let json: Value = serde_json::from_str(&out.stderr).expect("check JSON");
    let first = &json["diagnostics"][0];
    assert_eq!(first["code"], "E201");
    assert_eq!(first["line"].as_u64(), p["line"].as_u64().map(|l| l + 1));
    assert_eq!(first["column"].as_u64(), p["character"].as_u64().map(|c| c + 1));

    let whole = json!({ "text": text });
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [whole] }),
    );
    assert!(c.diagnostics(&uri).is_empty(), "fixed");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn hover_on_a_factor_after_cjk_text_shows_its_share_scale_and_live_effect() {
    let dir = fixture();
    let mut c = Client::start(&dir);
    let (uri, text) = c.open(&dir, "rules/company.yaml");
    // `growth` in `input: { attribute: growth }` follows CJK and an emoji on its line.
    let h = hover_text(&mut c, &uri, pos(&text, "attribute: growth", 13));
    assert!(h.contains("**growth** · number attribute of companies, in %"), "{h}");
    assert!(h.contains("3 of 3 companies have it"), "{h}");
    assert!(h.contains("年报 2024 annual report ×1"), "{h}");
    let h = hover_text(&mut c, &uri, pos(&text, "id: growth", 5));
    assert!(h.contains("**growth** · factor of `co` (opportunity)"), "{h}");
    assert!(h.contains("收入增长"), "{h}");
    assert!(h.contains("**60.0%** of the total"), "{h}");
    assert!(h.contains("scale: linear 0..40"), "{h}");
    assert!(h.contains("points: min 12.5 · median 25 · max 75"), "{h}");
    assert!(h.contains("helps most: 百度 Alpha (75)"), "{h}");
    let h = hover_text(&mut c, &uri, pos(&text, "cap: Neutral", 6));
    assert!(h.contains("**Neutral** · rating of `co`"), "{h}");
    let h = hover_text(&mut c, &uri, pos(&text, "id: losses", 5));
    assert!(h.contains("**Fires now** (1): Beta"), "{h}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn definitions_lead_to_declarations_base_factors_scripts_and_entities() {
    let dir = fixture();
    let mut c = Client::start(&dir);
    let (uri, text) = c.open(&dir, "rules/company.yaml");
    let def = |c: &mut Client, uri: &str, p: Value| c.result("textDocument/definition", at(uri, p));
    let d = def(&mut c, &uri, pos(&text, "attribute: margin", 12));
    assert_eq!(d["uri"], url(&dir.join("datasets/schema.yaml")));
    assert_eq!(d["range"]["start"], json!({ "line": 3, "character": 4 }));
    let d = def(&mut c, &uri, pos(&text, "function: filed", 11));
    assert_eq!(d["uri"], url(&dir.join("rules/scripts/checks.rhai")));
    assert_eq!(d["range"]["start"], json!({ "line": 1, "character": 3 }));
    let d = def(&mut c, &uri, pos(&text, "checks.rhai", 1));
    assert_eq!(d["uri"], url(&dir.join("rules/scripts/checks.rhai")));

    let profile = dir.join("rules/profiles/growth.yaml");
    let ptext = std::fs::read_to_string(&profile).expect("profile");
    let puri = url(&profile);
    let d = def(&mut c, &puri, pos(&ptext, "id: growth", 5));
    assert_eq!(d["uri"], uri, "the override leads to the base factor");
    assert_eq!(d["range"]["start"], pos(&text, "id: growth", 4));
    let d = def(&mut c, &puri, pos(&ptext, "extends: co", 9));
    assert_eq!(d["uri"], uri);

    let tests = dir.join("rules/tests/co.yaml");
    let ttext = std::fs::read_to_string(&tests).expect("tests");
    let d = def(&mut c, &url(&tests), pos(&ttext, "entity: alpha", 9));
    assert_eq!(d["uri"], url(&dir.join("datasets/companies.yaml")));
    assert_eq!(d["range"]["start"], json!({ "line": 2, "character": 8 }));
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn references_span_rules_profiles_and_tests_and_rename_edits_them_all() {
    let dir = fixture();
    let mut c = Client::start(&dir);
    let (uri, text) = c.open(&dir, "rules/company.yaml");
    let p = pos(&text, "id: growth", 5);
    let params = json!({ "textDocument": { "uri": uri }, "position": p, "context": { "includeDeclaration": true } });
    let refs = c.result("textDocument/references", params);
    let files: Vec<&str> = refs.as_array().expect("list").iter().filter_map(|l| l["uri"].as_str()).collect();
    let has = |rel: &str| files.iter().filter(|f| **f == url(&dir.join(rel))).count();
    assert_eq!(
        (has("rules/company.yaml"), has("rules/profiles/growth.yaml"), has("rules/tests/co.yaml")),
        (1, 1, 1),
        "{refs}"
    );

    let prep = c.result("textDocument/prepareRename", at(&uri, p.clone()));
    assert_eq!(prep["start"], pos(&text, "id: growth", 4));
    let edit = c.result(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri }, "position": p, "newName": "revenue_growth" }),
    );
    let changes = edit["changes"].as_object().expect("changes");
    assert_eq!(changes.len(), 3, "{edit}");
    assert!(
        changes
            .values()
            .flat_map(|v| v.as_array().cloned().unwrap_or_default())
            .all(|e| e["newText"] == "revenue_growth")
    );
    let clash =
        c.request("textDocument/rename", json!({ "textDocument": { "uri": uri }, "position": p, "newName": "margin" }));
    assert!(
        clash["error"]["message"].as_str().unwrap_or_default().contains("already have a factor `margin`"),
        "{clash}"
    );
    let attr = pos(&text, "attribute: margin", 12);
    let not_factor =
        c.request("textDocument/rename", json!({ "textDocument": { "uri": uri }, "position": attr, "newName": "x" }));
    assert!(not_factor.get("error").is_some(), "{not_factor}");
    assert_eq!(c.shutdown(), 0);
}

/// Completion labels at the end of `needle` after replacing the file's text with `text`.
fn complete(c: &mut Client, uri: &str, text: &str, needle: &str, version: i64) -> Vec<String> {
    let change = json!({ "text": text });
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
    );
    let items = c.result("textDocument/completion", at(uri, pos(text, needle, needle.encode_utf16().count())));
    items.as_array().expect("items").iter().filter_map(|i| i["label"].as_str().map(str::to_string)).collect()
}

#[test]
fn completion_offers_attributes_factors_ratings_entities_and_scale_kinds() {
    let dir = fixture();
    let mut c = Client::start(&dir);
    let (uri, text) = c.open(&dir, "rules/company.yaml");
    let typing = text.replace("input: { attribute: margin }", "input: { attribute: ma }");
    assert_eq!(complete(&mut c, &uri, &typing, "attribute: ma", 2), ["growth", "margin", "filed"]);
    let typing = text.replace("action: { cap: Neutral }", "action: { cap: Ne }");
    assert_eq!(complete(&mut c, &uri, &typing, "cap: Ne", 3), ["Overweight", "Neutral", "Underweight"]);
    let typing = text.replace("scale: { linear: { lo: -50, hi: 50 } }", "scale: { li");
    let kinds = complete(&mut c, &uri, &typing, "scale: { li", 4);
    assert!(kinds.contains(&"linear".to_string()) && kinds.contains(&"bands".to_string()), "{kinds:?}");
    let typing = text.replace("scale: { linear: { lo: -50, hi: 50 } }", "scale: { linear: { d");
    assert_eq!(complete(&mut c, &uri, &typing, "linear: { d", 5), ["direction", "hi", "lo"]);

    let (puri, ptext) = c.open(&dir, "rules/profiles/growth.yaml");
    let typing = format!("{ptext}remove: [");
    assert_eq!(complete(&mut c, &puri, &typing, "remove: [", 2), ["growth", "margin", "filing"]);
    let typing = ptext.replace("  - id: growth", "  - id: ");
    assert_eq!(complete(&mut c, &puri, &typing, "  - id: ", 3), ["growth", "margin", "filing"]);

    let (duri, dtext) = c.open(&dir, "datasets/companies.yaml");
    let typing = dtext.replace("segment: { search: 1 }", "segment: { s");
    assert_eq!(complete(&mut c, &duri, &typing, "segment: { s", 2), ["search", "social"]);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn inlay_hints_show_base_values_and_code_lenses_run_tests_and_rank() {
    let dir = fixture();
    let mut c = Client::start(&dir);
    let (puri, _) = c.open(&dir, "rules/profiles/growth.yaml");
    let range = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } });
    let hints = c.result("textDocument/inlayHint", json!({ "textDocument": { "uri": puri }, "range": range }));
    let labels: Vec<&str> = hints.as_array().expect("hints").iter().filter_map(|h| h["label"].as_str()).collect();
    assert_eq!(labels, ["← 60 in co", "← 2 in co"]);
    assert_eq!(hints[1]["position"], json!({ "line": 9, "character": 13 }));

    let turi = url(&dir.join("rules/tests/co.yaml"));
    let lenses = c.result("textDocument/codeLens", json!({ "textDocument": { "uri": turi } }));
    let titles: Vec<&str> =
        lenses.as_array().expect("lenses").iter().filter_map(|l| l["command"]["title"].as_str()).collect();
    assert_eq!(titles, ["▶ Run 2 cases", "▶ Run", "▶ Run"]);
    let cmd = &lenses[0]["command"];
    let run = c.result("workspace/executeCommand", json!({ "command": cmd["command"], "arguments": cmd["arguments"] }));
    assert!(run.as_str().expect("report").contains("2 passed, 0 failed"), "{run}");
    let shown = c.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(shown["params"]["message"], "2 passed, 0 failed");

    let (uri, _) = c.open(&dir, "rules/company.yaml");
    let lenses = c.result("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    let cmd = &lenses[0]["command"];
    assert_eq!(cmd["title"], "▶ Rank the universe");
    let ranking =
        c.result("workspace/executeCommand", json!({ "command": cmd["command"], "arguments": cmd["arguments"] }));
    assert!(ranking.as_str().expect("table").contains("百度 Alpha"), "{ranking}");
    let bad = c.request("workspace/executeCommand", json!({ "command": "thesis.test", "arguments": ["/etc/passwd"] }));
    assert!(bad.get("error").is_some(), "{bad}");
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn malformed_input_gets_errors_and_the_server_keeps_serving() {
    let dir = fixture();
    let mut c = Client::start(&dir);
    c.raw(b"Content-Length: 9\r\n\r\nnot json!");
    let e = c.wait_for(|m| m.get("error").is_some() && m["id"].is_null());
    assert_eq!(e["error"]["code"], -32700);
    c.raw(b"Content-Length: 13\r\n\r\n{\"id\":[1,2]}\n");
    let e = c.wait_for(|m| m.get("error").is_some() && m["error"]["code"] == -32600);
    assert!(e["error"]["message"].as_str().unwrap_or_default().contains("not a JSON-RPC message"), "{e}");
    let r = c.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = c.request("textDocument/frobnicate", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let (uri, _) = c.open(&dir, "rules/company.yaml");
    for p in [
        json!({ "line": 99999, "character": 0 }),
        json!({ "line": 0, "character": 99999 }),
        json!({ "line": 13, "character": 57 }),
    ] {
        let r = c.request("textDocument/hover", at(&uri, p.clone()));
        assert!(r.get("error").is_none(), "{p}: {r}");
        let r = c.request("textDocument/completion", at(&uri, p));
        assert!(r.get("error").is_none(), "{r}");
    }
    // A file outside the project is neither read nor diagnosed; a non-file URI is ignored.
    let outside = tempfile::NamedTempFile::new().expect("temp file");
    let doc = json!({ "uri": url(outside.path()), "languageId": "yaml", "version": 1, "text": "rule_set: [" });
    c.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    let doc = json!({ "uri": "untitled:1", "languageId": "yaml", "version": 1, "text": "x" });
    c.notify("textDocument/didOpen", json!({ "textDocument": doc }));
    let r = c.request("textDocument/hover", at(&url(outside.path()), json!({ "line": 0, "character": 0 })));
    assert_eq!(r["result"], Value::Null, "{r}");
    assert!(c.notes.iter().all(|m| m["params"]["uri"] != url(outside.path())), "{:?}", c.notes);
    assert!(c.alive());
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_is_an_error_and_closed_input_ends_the_server() {
    let mut c = Client::start(&fixture());
    c.notify("exit", Value::Null);
    assert_eq!(c.close(), 1);
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
