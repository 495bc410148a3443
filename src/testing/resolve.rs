//! Checking rule-test files into [`Case`]s: every id, rule set, attribute and expected name
//! resolved against the project, every problem a located diagnostic (test stage).

use std::sync::Arc;

use super::{Case, NewEntity, Subject, TestFile};
use crate::check::attrs::{convert, split_sourced, undeclared};
use crate::diag::{Code, Diagnostic, Diagnostics, Reported, did_you_mean};
use crate::load::tests::{CaseEntity, CaseSpec, ExpectSpec, InlineEntity, RankSpec, TestFile as TestFileSpec};
use crate::load::values::Parsed;
use crate::load::yaml::{YamlDoc, YamlPath};
use crate::model::exposure::{self, At};
use crate::model::{Dataset, GateAction, Kind, Row, RuleBook, RuleSet};
use crate::source::Span;
use crate::ypath;

/// Checks every test file of the workspace. Cases with problems come back as `None`.
/// A case without `rule_set:` uses the rule set `rank` would: `chosen` (`--rule-set`), else the
/// default of its kind.
pub(crate) fn check_tests<'a>(
    docs: impl IntoIterator<Item = &'a YamlDoc>,
    dataset: &Dataset,
    book: &RuleBook,
    chosen: &[String],
    diags: &mut Diagnostics,
) -> Vec<TestFile> {
    let mut quiet = Diagnostics::new();
    let defaults = crate::compile::select_rule_sets(book, dataset, chosen, &mut quiet);
    let project = Project { dataset, book, defaults: &defaults };
    docs.into_iter().map(|doc| check_file(doc, &project, diags)).collect()
}

/// What every test file is checked against.
struct Project<'a> {
    dataset: &'a Dataset,
    book: &'a RuleBook,
    defaults: &'a [Option<Arc<RuleSet>>; 3],
}

struct Cx<'a> {
    doc: &'a YamlDoc,
    dataset: &'a Dataset,
    book: &'a RuleBook,
    defaults: &'a [Option<Arc<RuleSet>>; 3],
}

fn check_file(doc: &YamlDoc, p: &Project<'_>, diags: &mut Diagnostics) -> TestFile {
    let mut out = TestFile { file: doc.file, cases: Vec::new() };
    let spec = match doc.deserialize_at::<TestFileSpec>(&YamlPath::root()) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return out;
        }
    };
    let cx = Cx { doc, dataset: p.dataset, book: p.book, defaults: p.defaults };
    let mut found = Vec::new();
    let file_as_of = match &spec.as_of {
        Some(t) => view_date(doc, &ypath!["as_of"], &t.0, &mut found),
        None => Some(None),
    };
    diags.extend(found);
    let mut names: Vec<&str> = Vec::new();
    for (i, item) in spec.cases.iter().enumerate() {
        let path = ypath!["cases", i];
        let mut found = Vec::new();
        let case = match item {
            Parsed::Ok(c) => {
                if names.contains(&c.name.as_str()) {
                    found.push(
                        Diagnostic::error(Code::DuplicateTest, format!("two cases are named `{}`", c.name))
                            .at_opt(doc.span(&path.at("name")))
                            .hint("give each case its own name: the report lists cases by name"),
                    );
                }
                names.push(&c.name);
                check_case(&cx, &path, c, (spec.rule_set.as_deref(), file_as_of), &mut found)
            }
            Parsed::Err(e) => {
                found.push(doc.error_diagnostic(&path, e));
                None
            }
        };
        let ok = found.iter().all(|d| !d.is_error());
        diags.extend(found);
        let label = item.ok().map(|c| c.name.clone()).or_else(|| written_name(doc, &path));
        let label = label.unwrap_or_else(|| format!("case {}", i + 1));
        out.cases.push((label, doc.span(&path), case.filter(|_| ok)));
    }
    out
}

/// The `name:` a case writes, read from its YAML whatever its errors.
fn written_name(doc: &YamlDoc, path: &YamlPath) -> Option<String> {
    crate::load::yaml::lookup(&doc.value, &path.at("name")).and_then(serde_yaml::Value::as_str).map(str::to_string)
}

fn check_case(
    cx: &Cx<'_>,
    path: &YamlPath,
    spec: &CaseSpec,
    (file_rule_set, file_as_of): (Option<&str>, Option<Option<crate::model::Date>>),
    diags: &mut Vec<Diagnostic>,
) -> Option<Case> {
    let as_of = match &spec.as_of {
        Some(t) => view_date(cx.doc, &path.at("as_of"), &t.0, diags),
        None => file_as_of,
    };
    if spec.expect.is_empty() {
        diags.push(
            Diagnostic::error(Code::EmptyTest, format!("case `{}` expects nothing", spec.name))
                .at_opt(cx.doc.span(&path.at("expect")))
                .hint("expect a `score`, `rating`, `rank`, `gates`, `flags`, `adjustments`, `reasons`, `points`, `flips`, `firm`, `bounds` or `status`"),
        );
    }
    let requested = spec.rule_set.as_deref().or(file_rule_set);
    let rs_path = if spec.rule_set.is_some() { path.at("rule_set") } else { ypath!["rule_set"] };
    let entity_path = path.at("entity");
    let hinted_kind = entity_kind(cx, &spec.entity);
    let rules = rule_set_for(cx, &spec.entity, requested, hinted_kind, &rs_path, &entity_path, diags)?;
    let kind = rules.kind;
    let subject = subject(cx, &entity_path, &spec.entity, kind, diags);
    let universe = universe(cx, &path.at("universe"), spec.universe.as_deref(), kind, diags);
    check_expectations(cx, &path.at("expect"), spec, &rules, diags);
    check_rank_peers(cx, &path.at("expect").at("rank"), &spec.expect, kind, diags);
    Some(Case {
        requested: requested.map(str::to_string),
        kind,
        subject: subject?,
        universe: universe.ok()?,
        as_of: as_of?,
        expect: spec.expect.clone(),
    })
}

/// The kind the entity says it has, if it says.
fn entity_kind(cx: &Cx<'_>, entity: &CaseEntity) -> Option<Kind> {
    match entity {
        CaseEntity::Id(id) => cx.dataset.find(id).map(|(k, _)| k),
        CaseEntity::Inline(e) => e.kind.or_else(|| e.from.as_deref().and_then(|f| cx.dataset.find(f)).map(|(k, _)| k)),
    }
}

/// The rule set a case is scored with: the one it (or its file) names, else the default of
/// the entity's kind.
fn rule_set_for(
    cx: &Cx<'_>,
    entity: &CaseEntity,
    requested: Option<&str>,
    kind: Option<Kind>,
    rs_path: &YamlPath,
    entity_path: &YamlPath,
    diags: &mut Vec<Diagnostic>,
) -> Option<Arc<RuleSet>> {
    let entity_at = cx.doc.span(entity_path);
    let found = match requested {
        None => default_rule_set(cx, entity, kind, entity_at),
        Some(name) => named_rule_set(cx, name, kind, cx.doc.span(rs_path), entity_at),
    };
    found.map_err(|d| diags.extend(d)).ok()
}

/// The default rule set of the entity's kind, which must be known.
fn default_rule_set(
    cx: &Cx<'_>,
    entity: &CaseEntity,
    kind: Option<Kind>,
    entity_at: Option<Span>,
) -> Result<Arc<RuleSet>, Option<Diagnostic>> {
    let Some(kind) = kind else {
        return Err(match entity {
            CaseEntity::Id(id) if cx.dataset.unloaded.entity(id) => None,
            CaseEntity::Id(id) => Some(
                Diagnostic::error(Code::UnknownTestEntity, format!("no entity has id `{id}`"))
                    .at_opt(entity_at)
                    .hint("name an entity of the datasets, or describe one inline under `entity:`"),
            ),
            CaseEntity::Inline(_) => Some(
                Diagnostic::error(Code::MissingKey, "the case does not say which kind its entity is")
                    .at_opt(entity_at)
                    .hint("add `kind: company` to the entity, or name a `rule_set:`"),
            ),
        });
    };
    cx.defaults[kind.index()].clone().ok_or_else(|| {
        Some(
            Diagnostic::error(Code::RuleSetSelection, format!("no single rule set scores {kind}"))
                .at_opt(entity_at)
                .hint("name one with `rule_set:`"),
        )
    })
}

/// The rule set named `name`, which must score the entity's kind. `Err(None)` when a rule
/// file defines it but did not check: that file's own errors say why.
fn named_rule_set(
    cx: &Cx<'_>,
    name: &str,
    kind: Option<Kind>,
    rs_at: Option<Span>,
    entity_at: Option<Span>,
) -> Result<Arc<RuleSet>, Option<Diagnostic>> {
    let Some(rules) = cx.book.get(name) else {
        if cx.book.unloaded.rule_set(name) {
            return Err(None);
        }
        let d = Diagnostic::error(Code::UnknownRuleSet, format!("rule set `{name}` does not exist")).at_opt(rs_at);
        return Err(Some(match did_you_mean(name, cx.book.sets.iter().map(|s| s.name.as_str())) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint("name a rule set by its `rule_set:` name"),
        }));
    };
    if let Some(k) = kind.filter(|k| *k != rules.kind) {
        return Err(Some(
            Diagnostic::error(
                Code::KindMismatch,
                format!("the entity is a {k}, but rule set `{name}` scores {}", rules.kind),
            )
            .at_opt(entity_at)
            .hint("score it with a rule set of its kind"),
        ));
    }
    Ok(Arc::clone(rules))
}

/// The peers of a relative rank are entities of the case's kind.
fn check_rank_peers(cx: &Cx<'_>, path: &YamlPath, e: &ExpectSpec, kind: Kind, diags: &mut Vec<Diagnostic>) {
    let Some(RankSpec::Relative(rel)) = &e.rank else { return };
    for (key, ids) in [("above", &rel.above), ("below", &rel.below)] {
        for (i, id) in ids.iter().enumerate() {
            find_row(cx, id, kind, &path.at(key).at(i), diags);
        }
    }
}

/// A dataset entity of `kind` by id, with a diagnostic at `path` if there is none.
fn find_row(cx: &Cx<'_>, id: &str, kind: Kind, path: &YamlPath, diags: &mut Vec<Diagnostic>) -> Option<Row> {
    match cx.dataset.find(id) {
        Some((k, row)) if k == kind => Some(row),
        Some((k, _)) => {
            diags.push(
                Diagnostic::error(Code::KindMismatch, format!("`{id}` is a {k}, not a {kind}"))
                    .at_opt(cx.doc.span(path))
                    .hint(format!("name a {kind}")),
            );
            None
        }
        None if cx.dataset.unloaded.entity(id) => None,
        None => {
            let d = Diagnostic::error(Code::UnknownTestEntity, format!("no {kind} has id `{id}`"))
                .at_opt(cx.doc.span(path));
            diags.push(match cx.dataset.suggest_id(id, &[kind]) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint("name an entity of the datasets, or describe one inline under `entity:`"),
            });
            None
        }
    }
}

fn subject(
    cx: &Cx<'_>,
    path: &YamlPath,
    entity: &CaseEntity,
    kind: Kind,
    diags: &mut Vec<Diagnostic>,
) -> Option<Subject> {
    match entity {
        CaseEntity::Id(id) => find_row(cx, id, kind, path, diags).map(Subject::Existing),
        CaseEntity::Inline(e) => inline(cx, path, e, kind, diags).map(|n| Subject::Built(Box::new(n))),
    }
}

fn inline(
    cx: &Cx<'_>,
    path: &YamlPath,
    e: &InlineEntity,
    kind: Kind,
    diags: &mut Vec<Diagnostic>,
) -> Option<NewEntity> {
    let base = match &e.from {
        Some(id) => Some(find_row(cx, id, kind, &path.at("from"), diags)?),
        None => None,
    };
    let table = cx.dataset.table(kind);
    let id = e.id.clone().or_else(|| e.from.clone()).unwrap_or_else(|| "case".to_string());
    if !crate::model::is_valid_name(&id) {
        diags.push(
            Diagnostic::error(Code::BadName, format!("`{id}` cannot be an id"))
                .at_opt(cx.doc.span(&path.at("id")))
                .hint(crate::model::ID_HINT),
        );
    }
    let name = e.name.clone().or_else(|| base.map(|r| table.name(r as usize).to_string())).unwrap_or(id.clone());
    let mut new = NewEntity {
        id,
        name,
        base,
        values: Vec::new(),
        exposure: Vec::new(),
        headquarters: None,
        span: cx.doc.span(path),
    };
    values(cx, path, e, kind, &mut new, diags);
    relations(cx, path, e, &mut new, diags);
    Some(new)
}

/// The source a rule-test case's bare values carry.
const PREMISE: &str = "premise of a rule-test case";

fn values(
    cx: &Cx<'_>,
    path: &YamlPath,
    e: &InlineEntity,
    kind: Kind,
    new: &mut NewEntity,
    diags: &mut Vec<Diagnostic>,
) {
    let schema = cx.dataset.schema(kind);
    for (name, raw) in &e.attributes {
        let apath = path.at("attributes").at(name.as_str());
        let Some(attr) = schema.get(name) else {
            if !cx.dataset.unloaded.any_attribute && !schema.failed(name) {
                diags.push(undeclared(name, kind, schema).at_opt(cx.doc.key_span(&apath)));
            }
            continue;
        };
        let Some((value, mut prov, vpath)) = split_sourced(cx.doc, &apath, raw, diags) else { continue };
        if !raw.is_mapping() {
            // A bare value of a case is the case's premise, not a fact from the world: it backs
            // coverage like a sourced one. `{value: X}` without a source stays unsourced.
            prov.source = Some(PREMISE.to_string());
        }
        match convert(&value, schema.decl(attr)) {
            Ok(cell) => new.values.push((attr, cell, prov)),
            Err(p) => {
                diags.push(p.at(cx.doc.span(&vpath)));
            }
        }
    }
}

fn relations(cx: &Cx<'_>, path: &YamlPath, e: &InlineEntity, new: &mut NewEntity, diags: &mut Vec<Diagnostic>) {
    if let Some(hq) = &e.headquarters {
        new.headquarters = find_row(cx, hq, Kind::Region, &path.at("headquarters"), diags);
    }
    for (kind, items) in &e.exposure {
        let kpath = path.at("exposure").at(kind.as_str());
        let weights: Vec<(&str, f64)> = items.iter().map(|(t, w)| (t.as_str(), w.0)).collect();
        for (at, p) in exposure::problems(&new.id, *kind, &weights) {
            diags.push(p.at(cx.doc.span(&match at {
                At::Weight(i) => kpath.at(weights[i].0),
                At::Group => kpath.clone(),
            })));
        }
        let mut rows = Vec::new();
        for &(target, w) in weights.iter().filter(|(_, w)| exposure::weight_ok(*w)) {
            if let Some(row) = find_row(cx, target, *kind, &kpath.at(target), diags) {
                rows.push((row, w));
            }
        }
        new.exposure.push((*kind, rows));
    }
}

fn universe(
    cx: &Cx<'_>,
    path: &YamlPath,
    ids: Option<&[String]>,
    kind: Kind,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<Vec<Row>>, Reported> {
    let Some(ids) = ids else { return Ok(None) };
    let rows: Vec<Option<Row>> =
        ids.iter().enumerate().map(|(i, id)| find_row(cx, id, kind, &path.at(i), diags)).collect();
    rows.into_iter().collect::<Option<Vec<Row>>>().map(Some).ok_or(Reported)
}

fn check_expectations(cx: &Cx<'_>, path: &YamlPath, spec: &CaseSpec, rules: &RuleSet, diags: &mut Vec<Diagnostic>) {
    let e = &spec.expect;
    let gates: Vec<&str> = rules.gates.iter().map(|g| g.id.as_str()).collect();
    let flags: Vec<&str> = rules.gates.iter().filter(|g| g.action == GateAction::Flag).map(|g| g.id.as_str()).collect();
    let adjustments: Vec<&str> = rules.adjustments.iter().map(|a| a.id.as_str()).collect();
    let factors: Vec<&str> = rules.factors.iter().map(|f| f.id.as_str()).collect();
    let ratings: Vec<&str> = rules.ratings.iter().map(|r| r.label.as_str()).collect();
    let mut check = |key: &str, names: &[String], known: &[&str], what: &str| {
        for (i, n) in names.iter().enumerate() {
            if !known.contains(&n.as_str()) {
                diags.extend(unknown_name(cx, &path.at(key).at(i), n, known, what, &rules.name));
            }
        }
    };
    check("gates", e.gates.as_deref().unwrap_or_default(), &gates, "gate");
    check("flags", e.flags.as_deref().unwrap_or_default(), &flags, "flag gate");
    check("adjustments", e.adjustments.as_deref().unwrap_or_default(), &adjustments, "adjustment");
    check("reasons", e.reasons.as_deref().unwrap_or_default(), &factors, "factor");
    if let Some(r) = &e.rating
        && !ratings.contains(&r.as_str())
    {
        diags.extend(unknown_name(cx, &path.at("rating"), r, &ratings, "rating", &rules.name));
    }
    for (key, ids) in [("points", e.points.keys().collect::<Vec<_>>()), ("flips", e.flips.keys().collect())] {
        for id in ids {
            if !factors.contains(&id.as_str()) {
                diags.extend(unknown_name(cx, &path.at(key).at(id.as_str()), id, &factors, "factor", &rules.name));
            }
        }
    }
}

/// E602, unless the name is one the rule set wrote but failed to load (its error says why).
fn unknown_name(
    cx: &Cx<'_>,
    path: &YamlPath,
    name: &str,
    known: &[&str],
    what: &str,
    rule_set: &str,
) -> Option<Diagnostic> {
    if cx.book.unloaded.rule(rule_set, name) {
        return None;
    }
    let d = Diagnostic::error(Code::UnknownTestName, format!("rule set `{rule_set}` has no {what} `{name}`"))
        .at_opt(cx.doc.span(path));
    Some(match did_you_mean(name, known.iter().copied()) {
        Some(s) => d.hint(format!("did you mean `{s}`?")),
        None if known.is_empty() => d.hint(format!("it has no {what}s")),
        None => d.hint(format!("its {what}s: {}", known.join(", "))),
    })
}

/// A test's `as_of:`: a complete day, like `--as-of`; `None` if it is not one (reported).
fn view_date(
    doc: &crate::load::yaml::YamlDoc,
    path: &YamlPath,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Option<crate::model::Date>> {
    match crate::model::Date::parse(text) {
        Some(d) if d.is_day() => Some(Some(d)),
        _ => {
            diags.push(
                Diagnostic::error(Code::BadDate, format!("`{text}` is not a view date"))
                    .at_opt(doc.span(path))
                    .hint("write a day, YYYY-MM-DD, as `--as-of` takes"),
            );
            None
        }
    }
}
