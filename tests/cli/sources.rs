//! The source registry: a cited registry checks clean in the diagnostics context, a misspelt
//! citation is E801 with a "did you mean".

use crate::{Thesis, fixture};

fn in_context(files: &[&str]) -> Thesis {
    let t = Thesis::new()
        .args(["--color", "never", "--diagnostic-format", "short"])
        .args(["--rules".as_ref(), fixture("check/context/rules").as_os_str()])
        .args(["--data".as_ref(), fixture("check/context/datasets").as_os_str()]);
    files.iter().fold(t.arg("check"), |t, f| t.arg(f))
}

const REGISTRY: &str = "tests/fixtures/sources/registry.yaml";

#[test]
fn a_cited_registry_checks_clean() {
    let run = in_context(&[REGISTRY, "tests/fixtures/sources/cites.yaml"]).run().success();
    assert!(run.stderr.contains("0 errors, 0 warnings"), "{}", run.stderr);
}

#[test]
fn a_misspelt_citation_suggests_the_declared_id() {
    let run = in_context(&[REGISTRY, "tests/fixtures/sources/misspelt.yaml"]).run();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[E801]: `itweb-2052` is not a declared source"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `itweb-2025`?"), "{}", run.stderr);
    // The one source the misspelt file fails to cite is also unused: the two are one mistake
    // seen from both ends, and both are worth saying.
    assert!(run.stderr.contains("1 error,"), "{}", run.stderr);
}
