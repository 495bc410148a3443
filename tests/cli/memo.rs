//! `thesis memo` on a fixture universe (a clamped leader, a capped company, one with missing
//! data and judgments, an excluded one, a flagged one with a fact after the as-of date, and a
//! region without data): snapshots of the Markdown and JSON memos and the index, thread-count
//! independence, `--check`, template overrides and errors, and the HTML in headless Chromium.

use std::path::{Path, PathBuf};

use crate::{Run, Thesis, project};

const RULES: &str = "tests/fixtures/memo/rules";
const DATA: &str = "tests/fixtures/memo/datasets";
const AS_OF: &str = "2025-12-31";

/// `thesis memo` on the fixture universe, writing under `out`.
pub(crate) fn memo(out: &Path, args: &[&str]) -> Run {
    Thesis::new()
        .args(["--rules", RULES, "--data", DATA, "--as-of", AS_OF, "--color", "never"])
        .args(["--diagnostic-format", "short", "memo", "--out"])
        .args([out])
        .args(args)
        .run()
}

/// `thesis memo` with one more company, `zulu`, whose memos a later run no longer gives.
pub(crate) fn with_zulu(out: &Path, args: &[&str]) -> Run {
    Thesis::new()
        .args(["--rules", RULES, "--data", DATA, "--data", "tests/fixtures/memo/extra"])
        .args(["--as-of", AS_OF, "--color", "never", "--diagnostic-format", "short", "memo", "--out"])
        .args([out])
        .args(args)
        .run()
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every file under `dir` but thesis's bookkeeping (the manifest and lock), relative, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(".thesis-")) {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).expect("under root").to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

#[test]
fn fixture_memos_and_index_match_their_snapshots() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = memo(dir.path(), &[]).success();
    assert!(run.stderr.contains("35 written, 0 unchanged, 0 removed"), "{}", run.stderr);
    let pinned = [
        "index.md",
        "index.json",
        "company/alpha.md",
        "company/alpha.json",
        "company/bravo.md",
        "company/charlie.md",
        "company/charlie.json",
        "company/delta.md",
        "company/echo.md",
        "region/east.md",
        "segment/driving.md",
    ];
    for rel in pinned {
        insta::assert_snapshot!(rel.replace('/', "__"), read(dir.path(), rel));
    }
}

#[test]
fn the_layout_is_an_index_and_one_memo_per_entity_in_each_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    memo(dir.path(), &[]).success();
    let entities = ["company/alpha", "company/bravo", "company/charlie", "company/delta", "company/echo"]
        .into_iter()
        .chain(["region/east", "region/north", "region/south", "segment/avatars", "segment/driving"])
        .chain(["index"]);
    let mut expected: Vec<PathBuf> =
        entities.flat_map(|e| ["html", "json", "md"].map(|x| PathBuf::from(format!("{e}.{x}")))).collect();
    expected.extend(["methodology.html", "methodology.md"].map(PathBuf::from));
    expected.sort();
    assert_eq!(tree(dir.path()), expected);
}

#[test]
fn memos_are_the_same_for_one_thread_and_for_four() {
    let one = tempfile::tempdir().expect("temp dir");
    let four = tempfile::tempdir().expect("temp dir");
    memo(one.path(), &["--threads", "1"]).success();
    memo(four.path(), &["--threads", "4"]).success();
    let files = tree(one.path());
    assert_eq!(files, tree(four.path()));
    for f in &files {
        assert_eq!(std::fs::read(one.path().join(f)).ok(), std::fs::read(four.path().join(f)).ok(), "{}", f.display());
    }
}

#[test]
fn check_passes_on_fresh_memos_and_names_stale_and_missing_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path();
    memo(out, &[]).success();
    let fresh = memo(out, &["--check"]).success();
    assert!(fresh.stderr.contains("35 memo files under"), "{}", fresh.stderr);

    let stale = out.join("company/bravo.md");
    let text = read(out, "company/bravo.md").replacen("Neutral", "Overweight", 1);
    std::fs::write(&stale, text).expect("write");
    std::fs::remove_file(out.join("segment/driving.json")).expect("remove");
    std::fs::write(out.join("company/notes.html"), "<p>a person's notes</p>").expect("write");
    let run = memo(out, &["--check"]).code(1);
    assert!(
        run.stderr.contains("company/bravo.md: stale: differs from a fresh rendering from line 7"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("segment/driving.json: missing"), "{}", run.stderr);
    assert!(!run.stderr.contains("notes.html"), "a file thesis did not write is not its business:\n{}", run.stderr);
    assert!(run.stderr.contains("2 of 35 files differ"), "{}", run.stderr);

    let fix = memo(out, &[]).success();
    assert!(fix.stderr.contains("2 written, 33 unchanged, 0 removed"), "{}", fix.stderr);
    assert!(out.join("company/notes.html").exists(), "a person's file is never removed");
    memo(out, &["--check"]).success();
}

#[test]
fn check_of_one_format_ignores_the_others() {
    let dir = tempfile::tempdir().expect("temp dir");
    memo(dir.path(), &["--format", "json"]).success();
    assert!(tree(dir.path()).iter().all(|p| p.extension().is_some_and(|e| e == "json")));
    memo(dir.path(), &["--format", "json", "--check"]).success();
    memo(dir.path(), &["--check"]).code(1);
}

#[test]
fn memos_for_chosen_ids_leave_the_index_and_other_memos_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = memo(dir.path(), &["alpha", "north", "--format", "markdown"]).success();
    assert_eq!(tree(dir.path()), [PathBuf::from("company/alpha.md"), PathBuf::from("region/north.md")]);
    // F-25: it says so, and how to bring the rest up to date.
    assert!(run.stderr.contains("the index and the other memos"), "{}", run.stderr);
    assert!(run.stderr.contains("run `thesis memo` to update them"), "{}", run.stderr);
    let again = memo(dir.path(), &["alpha", "north", "--format", "markdown"]).success();
    assert!(!again.stderr.contains("note:"), "nothing written, nothing to say: {}", again.stderr);
    let run = memo(dir.path(), &["alpah"]).code(2);
    assert!(run.stderr.contains("no entity has id `alpah` (did you mean `alpha`?)"), "{}", run.stderr);
}

#[test]
fn a_kind_option_writes_only_that_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    memo(dir.path(), &["--kind", "segment", "--format", "markdown"]).success();
    let files = tree(dir.path());
    assert_eq!(files, ["index.md", "methodology.md", "segment/avatars.md", "segment/driving.md"].map(PathBuf::from));
}

#[test]
fn a_profile_gives_its_own_recommendation_wording() {
    let dir = tempfile::tempdir().expect("temp dir");
    Thesis::new()
        .args(["--rules", RULES, "--data", DATA, "--as-of", AS_OF, "--rule-set", "company-growth"])
        .args(["memo", "alpha", "--format", "markdown", "--out"])
        .args([dir.path()])
        .run()
        .success();
    let text = read(dir.path(), "company/alpha.md");
    assert!(
        text.contains(
            "**Recommendation.** Overweight for a Growth mandate: build or add to a position in Alpha Vision, on \
             the strength of growth; the rule set's reading of the band: accumulate; size positions for volatility"
        ),
        "{text}"
    );
    assert!(text.contains("| rule set | company-growth 1.2.0, profile Growth |"), "{text}");
}

#[test]
fn html_pages_are_self_contained_and_escape_user_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    memo(dir.path(), &["--format", "html"]).success();
    let bravo = read(dir.path(), "company/bravo.html");
    assert!(bravo.contains("<h1>Bravo | Models &lt;AI&gt; *beta*</h1>"), "{bravo}");
    assert!(!bravo.contains("<AI>"));
    for rel in ["index.html", "company/alpha.html", "company/bravo.html", "region/east.html"] {
        let html = read(dir.path(), rel);
        for banned in ["<script", "http://", "https://", " src=", "@import", "url("] {
            assert!(!html.contains(banned), "{rel} contains `{banned}`");
        }
        assert!(html.contains("<svg class="), "{rel} has no chart");
    }
}

#[test]
fn a_template_override_replaces_only_its_namesake() {
    let templates =
        project(&[("index.md", "{{ index.kinds|length }} kinds; first {{ index.kinds[0].ranked[0].name }}\n")]);
    let dir = tempfile::tempdir().expect("temp dir");
    let run = memo(dir.path(), &["--format", "markdown", "--templates", &templates.path().to_string_lossy()]).success();
    assert!(run.stderr.contains("written"), "{}", run.stderr);
    assert_eq!(read(dir.path(), "index.md"), "3 kinds; first Alpha Vision\n");
    assert!(read(dir.path(), "company/alpha.md").starts_with("# Alpha Vision\n"));
}

#[test]
fn templates_under_the_reports_directory_are_picked_up_and_left_alone() {
    let dir = project(&[("templates/memo.md", "{{ memo.name }} {{ memo.score|fixed(1) }}\n")]);
    memo(dir.path(), &["--format", "markdown"]).success();
    assert_eq!(read(dir.path(), "company/alpha.md"), "Alpha Vision 100.0\n");
    memo(dir.path(), &["--format", "markdown", "--check"]).success();
    assert!(dir.path().join("templates/memo.md").exists());
}

#[test]
fn a_template_error_is_e501_at_its_line_and_column_and_nothing_is_written() {
    let templates = project(&[
        ("memo.md", "# {{ memo.name }}\n\nscore {{ memo.scor|fixed }}\n"),
        ("index.md", "{% for k in index.kinds %}\n{{ k.kind }\n"),
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    let run = memo(dir.path(), &["--templates", &templates.path().to_string_lossy()]).code(1);
    let index =
        format!("{}:2:11: error[E501]: template error (syntax error)", templates.path().join("index.md").display());
    let memo_md = format!("{}:3:20: error[E501]", templates.path().join("memo.md").display());
    assert!(run.stderr.contains(&index), "{}", run.stderr);
    assert!(run.stderr.contains(&memo_md) && run.stderr.contains("`memo.scor` is undefined"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("error[E501]").count(), 2, "each problem once: {}", run.stderr);
    assert!(tree(dir.path()).is_empty(), "nothing may be written: {:?}", tree(dir.path()));
}

#[test]
fn invalid_input_writes_nothing_and_exits_1() {
    let bad = project(&[("rules/company.yaml", "rule_set: broken\nversion: 1\n")]);
    let dir = tempfile::tempdir().expect("temp dir");
    let run = Thesis::new()
        .args(["--rules".as_ref(), bad.path().join("rules").as_os_str()])
        .args(["--data", DATA, "--diagnostic-format", "short", "memo", "--out"])
        .args([dir.path()])
        .run()
        .code(1);
    assert!(run.stderr.contains("error["), "{}", run.stderr);
    assert!(tree(dir.path()).is_empty());
}

/// Headless Chromium, when installed (required where `THESIS_REQUIRE_BROWSER` is set, as in CI).
mod browser {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use super::{memo, read};

    const TIMEOUT: Duration = Duration::from_secs(90);

    fn chromium() -> Option<PathBuf> {
        let path = std::env::var_os("PATH")?;
        let names = ["chromium", "chromium-browser", "google-chrome"];
        std::env::split_paths(&path).flat_map(|d| names.map(|n| d.join(n))).find(|p| p.is_file())
    }

    /// Runs Chromium headless on a file with `args`, killed (its whole process group) if it takes
    /// longer than the timeout. Returns standard output and standard error.
    #[cfg(unix)]
    fn headless(bin: &Path, page: &Path, args: &[&str]) -> (String, String) {
        use std::os::unix::process::CommandExt;
        let profile = tempfile::tempdir().expect("profile dir");
        let logs = tempfile::tempdir().expect("log dir");
        let (out, err) = (logs.path().join("out"), logs.path().join("err"));
        let mut child = Command::new(bin)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            .args(["--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"])
            .args(["--enable-logging=stderr", "--v=0"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(args)
            .arg(format!("file://{}", page.display()))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).expect("stdout file"))
            .stderr(std::fs::File::create(&err).expect("stderr file"))
            .process_group(0)
            .spawn()
            .expect("start chromium");
        let start = Instant::now();
        loop {
            if child.try_wait().expect("wait for chromium").is_some() {
                break;
            }
            if start.elapsed() > TIMEOUT {
                let group = format!("-{}", child.id());
                let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
                let _ = child.wait();
                panic!("chromium took longer than {TIMEOUT:?} on {}", page.display());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let text = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        (text(&out), text(&err))
    }

    /// Console messages the page itself caused (script errors, blocked loads): there must be none.
    fn page_errors(stderr: &str) -> Vec<&str> {
        stderr.lines().filter(|l| l.contains("CONSOLE") || l.contains("Refused to") || l.contains("ERR_FILE")).collect()
    }

    /// Pixels of exactly this colour in a PNG screenshot.
    fn count_colour(png_path: &Path, rgb: [u8; 3]) -> usize {
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).expect("screenshot")));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        let channels = info.color_type.samples();
        buf[..info.buffer_size()].chunks(channels).filter(|p| p[..3] == rgb).count()
    }

    /// Loads a page for its DOM and for a screenshot (tall enough for the front page, the rating
    /// history and the waterfall); returns the DOM and the screenshot's path.
    #[cfg(unix)]
    fn load(bin: &Path, page: &Path, shots: &Path) -> (String, PathBuf) {
        let (dom, err) = headless(bin, page, &["--dump-dom"]);
        assert!(page_errors(&err).is_empty(), "{}: {:?}", page.display(), page_errors(&err));
        let shot = shots.join(format!("{}.png", page.file_stem().and_then(|s| s.to_str()).unwrap_or("page")));
        let (_, err) = headless(bin, page, &[&format!("--screenshot={}", shot.display()), "--window-size=1000,2400"]);
        assert!(shot.is_file(), "no screenshot of {}: {err}", page.display());
        (dom, shot)
    }

    #[cfg(unix)]
    #[test]
    fn html_memos_load_in_headless_chromium_with_their_charts_drawn() {
        let Some(bin) = chromium() else {
            assert!(
                std::env::var_os("THESIS_REQUIRE_BROWSER").is_none(),
                "THESIS_REQUIRE_BROWSER is set but no chromium"
            );
            #[allow(clippy::print_stderr)]
            {
                eprintln!("skipped: no chromium on PATH (install Debian's `chromium` to run this test)");
            }
            return;
        };
        let dir = tempfile::tempdir().expect("temp dir");
        memo(dir.path(), &["--format", "html"]).success();
        let shots = tempfile::tempdir().expect("screenshot dir");

        let (dom, shot) = load(&bin, &dir.path().join("index.html"), shots.path());
        assert!(dom.contains("<h1>Investment memos</h1>"), "{dom}");
        assert_eq!(dom.matches("<svg class=\"ranking\"").count(), 3, "one ranking chart per kind");
        assert_eq!(dom.matches("class=\"bar band-").count(), 4 + 2 + 2, "one bar per ranked entity");
        assert!(count_colour(&shot, [0x2e, 0x8b, 0x57]) > 1000, "Overweight bars are drawn (green)");
        assert!(count_colour(&shot, [0xd3, 0x9a, 0x18]) > 1000, "Neutral bars are drawn (amber)");

        let (dom, shot) = load(&bin, &dir.path().join("company/alpha.html"), shots.path());
        assert!(dom.contains("<h1>Alpha Vision</h1>"), "{dom}");
        assert_eq!(dom.matches("<svg class=\"waterfall\"").count(), 1);
        assert_eq!(dom.matches("<rect class=\"bar ").count(), 10, "six factors, two adjustments, clamp, total");
        assert!(count_colour(&shot, [0x1f, 0x5f, 0xa8]) > 300, "risk steps are drawn (blue)");
        assert!(count_colour(&shot, [0x12, 0xa4, 0xb6]) > 100, "adjustment steps are drawn (cyan)");
        assert!(count_colour(&shot, [0xc0, 0x39, 0x2b]) > 50, "the clamp step is drawn (red)");
        assert!(read(dir.path(), "company/alpha.html").contains("@media print"));
    }

    /// Measures a page in Chromium with a probe script (the page itself runs none, and its
    /// policy forbids scripts, so the probe goes into a copy): every pair of SVG text boxes of
    /// one chart that intersect, and whether a Chinese name draws real glyphs in the page's font
    /// (different pixels from a code point no font has, and from another character).
    #[cfg(unix)]
    fn probe(bin: &Path, page: &Path) -> serde_json::Value {
        const SCRIPT: &str = r#"<script>(function(){var out=[];
document.querySelectorAll('svg').forEach(function(svg){var ts=[].slice.call(svg.querySelectorAll('text'));
var bs=ts.map(function(t){return t.getBoundingClientRect();});
for(var i=0;i<bs.length;i++)for(var j=i+1;j<bs.length;j++){var a=bs[i],b=bs[j];
if(a.width&&b.width&&a.left<b.right-0.5&&b.left<a.right-0.5&&a.top<b.bottom-0.5&&b.top<a.bottom-0.5)out.push(ts[i].textContent+' / '+ts[j].textContent);}});
var c=document.createElement('canvas');c.width=c.height=64;var x=c.getContext('2d');
var font='48px '+getComputedStyle(document.body).fontFamily;
function img(s){x.clearRect(0,0,64,64);x.font=font;x.fillText(s,4,52);return [].join.call(x.getImageData(0,0,64,64).data,',');}
var cjk=img('智')!==img('\u{10FFFD}')&&img('智')!==img('谱');
var p=document.createElement('pre');p.id='probe';p.textContent=JSON.stringify({overlaps:out,cjk:cjk});document.body.appendChild(p);})();</script>"#;
        let html = std::fs::read_to_string(page).expect("page");
        let csp = html.find("<meta http-equiv=\"Content-Security-Policy\"").expect("a CSP meta");
        let csp_end = csp + html[csp..].find('>').expect("end of meta") + 1;
        let probed = format!("{}{}", &html[..csp], &html[csp_end..]).replace("</body>", &format!("{SCRIPT}</body>"));
        let copy = page.with_file_name(format!("probe-{}", page.file_name().and_then(|n| n.to_str()).unwrap_or("p")));
        std::fs::write(&copy, probed).expect("write probe copy");
        let (dom, _) = headless(bin, &copy, &["--dump-dom"]);
        let start = dom.find("<pre id=\"probe\">").expect("the probe ran") + "<pre id=\"probe\">".len();
        let end = start + dom[start..].find("</pre>").expect("probe end");
        serde_json::from_str(&dom[start..end].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
            .expect("probe JSON")
    }

    #[cfg(unix)]
    #[test]
    fn chart_labels_never_overlap_chinese_renders_and_the_front_page_fits_one_a4_page() {
        let Some(bin) = chromium() else {
            assert!(
                std::env::var_os("THESIS_REQUIRE_BROWSER").is_none(),
                "THESIS_REQUIRE_BROWSER is set but no chromium"
            );
            return;
        };
        let dir = tempfile::tempdir().expect("temp dir");
        memo(dir.path(), &["--format", "html"]).success();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports");
        let work = tempfile::tempdir().expect("work dir");
        let mut pages = vec![dir.path().join("index.html"), dir.path().join("company/alpha.html")];
        pages.extend(
            ["index.html", "company/huawei.html", "company/baidu.html", "company/openai.html", "region/beijing.html"]
                .map(|p| shipped.join(p)),
        );
        for page in &pages {
            let local = work.path().join(page.file_name().expect("name"));
            std::fs::copy(page, &local).expect("copy page");
            let found = probe(&bin, &local);
            assert_eq!(found["overlaps"], serde_json::json!([]), "{}: chart labels overlap", page.display());
            if std::env::var_os("THESIS_REQUIRE_BROWSER").is_some() || found["cjk"] == true {
                assert_eq!(
                    found["cjk"],
                    true,
                    "{}: Chinese text renders as boxes (install fonts-noto-cjk)",
                    page.display()
                );
            }
        }
        // The front page alone (everything after its section cut) prints to exactly one A4 page.
        let html = std::fs::read_to_string(shipped.join("company/huawei.html")).expect("memo");
        let cut = html.find("</section>").expect("a front section") + "</section>".len();
        let front = work.path().join("front.html");
        std::fs::write(&front, format!("{}</body></html>", &html[..cut])).expect("write front");
        let pdf = work.path().join("front.pdf");
        let (_, err) =
            headless(&bin, &front, &[&format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer"]);
        let bytes = std::fs::read(&pdf).unwrap_or_else(|_| panic!("no PDF: {err}"));
        let text = String::from_utf8_lossy(&bytes);
        let count = text.split("/Count ").nth(1).and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next());
        assert_eq!(count, Some("1"), "the front page prints to more than one A4 page");
    }
}
