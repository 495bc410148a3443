//! End to end with a real editor: Neovim's built-in LSP client, headless, scripted by
//! `tests/fixtures/lsp-nvim/drive.lua`. Skipped when `nvim` is missing, unless
//! `THESIS_REQUIRE_NVIM` is set (CI sets it and installs Debian's `neovim`).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{client::url, fixture};

fn nvim_present() -> bool {
    Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn neovim_s_client_gets_the_typo_s_diagnostic_a_hover_and_a_definition() {
    if !nvim_present() {
        assert!(
            std::env::var_os("THESIS_REQUIRE_NVIM").is_none(),
            "THESIS_REQUIRE_NVIM is set but nvim is not installed"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipped: nvim is not installed (set THESIS_REQUIRE_NVIM to make this a failure)");
        }
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("out.txt");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lsp-nvim/drive.lua");
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("THESIS_FIXTURE", fixture())
        .env("THESIS_OUT", &out)
        .env("THESIS_BIN", env!("CARGO_BIN_EXE_thesis"))
        .env("XDG_STATE_HOME", work.path())
        .env("XDG_DATA_HOME", work.path())
        .env("XDG_CACHE_HOME", work.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nvim");
    let deadline = Instant::now() + Duration::from_secs(240);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not finish; it wrote: {}", std::fs::read_to_string(&out).unwrap_or_default());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let said = std::fs::read_to_string(&out).expect("the script's output");
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.first(), Some(&"initialized true"), "{said}");
    let diag = lines.iter().find(|l| l.starts_with("diagnostic ")).expect("a diagnostic line");
    assert!(diag.starts_with("diagnostic E201 17 24 factor `margin` reads attribute `marign`"), "{said}");
    let hover = lines.iter().find(|l| l.starts_with("hover ")).expect("a hover line");
    assert!(hover.contains("**growth** · factor of `co`") && hover.contains("Live effect"), "{said}");
    let def = lines.iter().find(|l| l.starts_with("definition ")).expect("a definition line");
    assert_eq!(*def, format!("definition {} 1", url(&fixture().join("rules/scripts/checks.rhai"))), "{said}");
}
