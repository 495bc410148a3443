//! The fuzz targets on stable (the CI smoke run): every file of `fuzz/corpus/<target>` is
//! replayed, then each target runs a seeded mutation loop for `THESIS_FUZZ_SECONDS` (default
//! 1; .ci/run gives 5) seconds. A panic fails the test and leaves the input in `target/fuzz-failures/`.
//! Longer runs by hand: `THESIS_FUZZ_SECONDS=600 cargo test --release --test cli fuzz::`, or
//! libFuzzer itself with `cargo +nightly fuzz run yaml` (see fuzz/Cargo.toml).

use thesis::fuzz as bodies;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Tokens the mutator splices in: the syntax of the three formats.
const TOKENS: &[&[u8]] = &[
    b": ",
    b"- ",
    b"\n",
    b"\r\n",
    b"\"",
    b"'",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b"&a ",
    b"*a",
    b"!!str ",
    b"<<: *a",
    b"? ",
    b"|\n  ",
    b">-\n",
    b"#",
    b"---\n",
    b"\t",
    b"\xef\xbb\xbf",
    b"\x1b[2J",
    b"\xff",
    b"1e308",
    b"-0",
    b"NaN",
    b"fn f(e) { ",
    b"}",
    b"let x = ",
    b"e.growth",
    b"/*",
    b"*/",
    b"//",
    b"`",
    b"${",
    b"\\u{202e}",
    b";",
    b"id,name,kind",
];

/// xorshift64*: a seeded generator, so a failing run repeats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// One random edit: flip, insert, delete, duplicate, splice a token or another input.
fn mutate(input: &mut Vec<u8>, corpus: &[Vec<u8>], rng: &mut Rng) {
    let at = rng.below(input.len() + 1);
    match rng.below(6) {
        0 if !input.is_empty() => {
            let i = rng.below(input.len());
            input[i] ^= 1 << rng.below(8);
        }
        1 => input.insert(at, rng.next() as u8),
        2 if !input.is_empty() => {
            let end = (at + rng.below(16)).min(input.len());
            input.drain(at.min(end)..end);
        }
        3 if !input.is_empty() => {
            let start = rng.below(input.len());
            let end = (start + rng.below(64)).min(input.len());
            let piece = input[start..end].to_vec();
            input.splice(at..at, piece);
        }
        4 => {
            let token = TOKENS[rng.below(TOKENS.len())];
            input.splice(at..at, token.iter().copied());
        }
        _ => {
            let other = &corpus[rng.below(corpus.len())];
            let start = rng.below(other.len());
            let end = (start + rng.below(256)).min(other.len());
            input.splice(at..at, other[start..end].iter().copied());
        }
    }
    input.truncate(1 << 16);
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).expect("corpus").map(|e| e.expect("entry").path()).collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).expect("corpus file")).collect()
}

/// Runs `body` on `input`; a panic saves the input and fails.
#[track_caller]
fn run_one(target: &str, body: fn(&[u8]), input: &[u8]) {
    if std::panic::catch_unwind(|| body(input)).is_err() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("{target}-{:016x}", fnv(input)));
        let _ = std::fs::write(&path, input);
        panic!("fuzz target {target} panicked; input saved to {}", path.display());
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// Replays the corpus, then mutates for the time budget. Returns how many inputs ran.
fn fuzz(target: &str, body: fn(&[u8])) -> usize {
    let corpus = corpus(target);
    for input in &corpus {
        run_one(target, body, input);
    }
    let seconds = std::env::var("THESIS_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ fnv(target.as_bytes()));
    let mut runs = corpus.len();
    while Instant::now() < deadline {
        let mut input = corpus[rng.below(corpus.len())].clone();
        for _ in 0..=rng.below(8) {
            mutate(&mut input, &corpus, &mut rng);
        }
        run_one(target, body, &input);
        runs += 1;
    }
    println!("fuzz {target}: {runs} inputs in {seconds} s, no panic");
    runs
}

#[test]
fn fuzz_yaml_loader_with_marks() {
    assert!(fuzz("yaml", bodies::yaml) > 0);
}

#[test]
fn fuzz_csv_reader() {
    assert!(fuzz("csv", bodies::csv) > 0);
}

#[test]
fn fuzz_rhai_compile() {
    assert!(fuzz("rhai", bodies::rhai) > 0);
}
