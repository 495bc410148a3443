//! Rule-check phase 3: what needs the merged whole (kind, categories, attributes, ratings,
//! limits), and the [`RuleSet`] itself.

use std::collections::BTreeSet;
use std::path::Path;

use super::{DEFAULT_REASON_CODES, Draft, FactorDraft, Located};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::load::rules::{InputSpec, RuleFile};
use crate::load::yaml::{YamlDoc, YamlPath};
use crate::model::{
    AttrType, Category, Condition, CoverageFloors, Dataset, Factor, Gate, GateAction, Input, Kind, Missing, Rating,
    RuleSet, Scale,
};
use crate::scale::Expect;
use crate::source::Span;
use crate::ypath;

/// The default rating bands when a rule set defines none.
pub(super) fn default_ratings() -> Vec<Rating> {
    vec![
        Rating { label: "Overweight".into(), min: 65.0, max: 100.0, recommendation: None },
        Rating { label: "Neutral".into(), min: 40.0, max: 65.0, recommendation: None },
        Rating { label: "Underweight".into(), min: 0.0, max: 40.0, recommendation: None },
    ]
}

/// Final checks that need the merged rule set, and the [`RuleSet`] itself: `None` if any of
/// them found an error (all of which are in `diags`, with the warnings).
pub(super) fn finish(
    doc: &YamlDoc,
    file: &RuleFile,
    chain: &[usize],
    files: &[(&YamlDoc, RuleFile)],
    merged: &mut Draft,
    dataset: &Dataset,
    diags: &mut Vec<Diagnostic>,
) -> Option<RuleSet> {
    let kind = resolve_kind(doc, file, merged).map_err(|e| diags.push(e)).ok()?;
    let mut errors = chain_kind_errors(chain, files, kind);
    let categories = categories(doc, file, merged).map_err(|e| diags.extend(errors.drain(..).chain(e))).ok()?;
    let default_missing = merged.missing.as_ref().map_or(Missing::Fail, |m| m.v);
    let mut factors: Vec<Factor> = Vec::new();
    let mut failed = Vec::new();
    for f in &merged.factors {
        match finish_factor(f, kind, &categories, &merged.failed, default_missing, dataset) {
            Ok(factor) => factors.push(factor),
            Err(e) => {
                errors.extend(e);
                failed.push(f.id.clone());
            }
        }
    }
    // What is empty because a part failed to load is a consequence of that failure.
    let consequential = !merged.failed.is_empty() || !failed.is_empty();
    merged.failed.extend(failed);
    if factors.is_empty() && !consequential {
        errors.push(empty(doc, file, "factors", "add a `factors:` list"));
    }
    if !consequential {
        diags.extend(empty_category_warnings(merged, &categories));
    }
    let ratings = merged.ratings.as_ref().map_or_else(default_ratings, |r| r.0.clone());
    let gates = finish_gates(merged, &ratings, &mut errors);
    let coverage = coverage_floors(merged, &categories, &mut errors);
    let dropped: Vec<String> =
        merged.gates.iter().map(|(g, _)| &g.id).filter(|id| !gates.iter().any(|g| &g.id == *id)).cloned().collect();
    merged.failed.extend(dropped);
    errors.extend(limit_errors(doc, file, [gates.len(), merged.adjustments.len(), ratings.len()]));
    if !errors.is_empty() {
        diags.extend(errors);
        return None;
    }
    Some(RuleSet {
        name: file.rule_set.clone(),
        version: file.version.0.clone(),
        description: file.description.clone(),
        kind,
        extends: file.extends.clone(),
        profile: file.profile.clone(),
        default: file.default.unwrap_or(false),
        files: chain.iter().rev().map(|&i| files[i].0.file).collect(),
        categories,
        factors,
        gates,
        adjustments: merged.adjustments.clone(),
        ratings,
        reason_codes: merged.reason_codes.unwrap_or(DEFAULT_REASON_CODES),
        aggregation: merged.aggregation.unwrap_or_default(),
        coverage,
        span: doc.span(&ypath!["rule_set"]),
    })
}

/// The kind the merged chain scores (a profile may inherit it from its base).
fn resolve_kind(doc: &YamlDoc, file: &RuleFile, merged: &Draft) -> Result<Kind, Diagnostic> {
    merged.kind.as_ref().map(|k| k.v).ok_or_else(|| {
        Diagnostic::error(Code::MissingKey, format!("rule set `{}` does not say which kind it scores", file.rule_set))
            .at_opt(doc.span(&YamlPath::root()))
            .hint("add `kind: company` (or segment, region)")
    })
}

/// The merged categories, in the order written; a rule set needs at least one.
fn categories(doc: &YamlDoc, file: &RuleFile, merged: &Draft) -> Result<Vec<Category>, Vec<Diagnostic>> {
    if merged.categories.is_empty() {
        if !merged.failed.is_empty() {
            // Its categories failed to load (`c: .nan`): those errors say why.
            return Err(Vec::new());
        }
        let hint = "add `categories: {risk: 30, opportunity: 70}` and put each factor in one";
        return Err(vec![empty(doc, file, "categories", hint)]);
    }
    Ok(merged
        .categories
        .iter()
        .map(|(name, c)| Category { name: name.clone(), weight: c.v.0, description: c.v.1.clone(), span: c.at })
        .collect())
}

fn empty(doc: &YamlDoc, file: &RuleFile, what: &str, hint: &str) -> Diagnostic {
    Diagnostic::error(Code::EmptyRuleSet, format!("rule set `{}` has no {what}", file.rule_set))
        .at_opt(doc.span(&YamlPath::root()))
        .hint(hint)
}

/// A warning for each category no factor is in (it is left out of the total).
fn empty_category_warnings<'a>(merged: &'a Draft, categories: &'a [Category]) -> impl Iterator<Item = Diagnostic> + 'a {
    categories
        .iter()
        .filter(|c| !merged.factors.iter().any(|f| f.category.as_ref().is_some_and(|x| x.v == c.name)))
        .map(|c| {
            Diagnostic::warning(
                Code::EmptyRuleSet,
                format!("category `{}` has no factors; it is left out of the total", c.name),
            )
            .at_opt(c.span)
            .hint("add a factor to it, or delete the category")
        })
}

/// Most gates and adjustments a rule set may have (each entity records which fired in 64 bits),
/// and most rating bands (a rating is stored in a byte).
pub(super) const MAX_CONDITIONS: usize = 64;
pub(super) const MAX_RATINGS: usize = 255;

/// Errors for more gates, adjustments or rating bands (counted in that order) than allowed.
fn limit_errors(doc: &YamlDoc, file: &RuleFile, counts: [usize; 3]) -> Vec<Diagnostic> {
    let limits = [
        ("gates", MAX_CONDITIONS, "gates"),
        ("adjustments", MAX_CONDITIONS, "adjustments"),
        ("rating bands", MAX_RATINGS, "ratings"),
    ];
    counts
        .into_iter()
        .zip(limits)
        .filter(|&(n, (_, max, _))| n > max)
        .map(|(n, (what, max, key))| {
            Diagnostic::error(
                Code::TooManyRules,
                format!("rule set `{}` has {n} {what}; at most {max} are allowed", file.rule_set),
            )
            .at_opt(doc.key_span(&ypath![key]))
            .hint("merge conditions that share an action, or split the rule set into profiles")
        })
        .collect()
}

/// Errors for files of the chain that name another kind than the merged one.
fn chain_kind_errors(chain: &[usize], files: &[(&YamlDoc, RuleFile)], kind: Kind) -> Vec<Diagnostic> {
    chain
        .iter()
        .map(|&i| &files[i])
        .filter_map(|(doc, f)| f.kind.filter(|&k| k != kind).map(|k| (doc, f, k)))
        .map(|(doc, f, k)| {
            Diagnostic::error(
                Code::KindMismatch,
                format!("rule set `{}` scores {k}, but the rule set it extends scores {kind}", f.rule_set),
            )
            .at_opt(doc.span(&ypath!["kind"]))
            .hint("a profile scores the same kind as its base; remove `kind:` or extend another rule set")
        })
        .collect()
}

/// The factor with its category, scale and input resolved, or the errors that prevent it.
fn finish_factor(
    f: &FactorDraft,
    kind: Kind,
    categories: &[Category],
    failed: &BTreeSet<String>,
    default_missing: Missing,
    dataset: &Dataset,
) -> Result<Factor, Vec<Diagnostic>> {
    let (Some(cat), Some(weight), Some((input, dir)), Some(description)) =
        (&f.category, &f.weight, &f.input, &f.description)
    else {
        return Err(missing_fields(f));
    };
    if failed.contains(&cat.v) && !categories.iter().any(|c| c.name == cat.v) {
        // Its category failed to load: that error says why; this factor fails quietly.
        return Err(Vec::new());
    }
    if let InputSpec::Attribute(name) = &input.v
        && dataset.schema(kind).failed(name)
    {
        // Its declaration failed to load: that error says why; this factor fails quietly.
        return Err(Vec::new());
    }
    let category = resolve_category(f, cat, categories).map_err(|e| vec![e])?;
    let scale = f.scale.as_ref().map_or_else(Scale::default_linear, |s| s.v.clone());
    let input = finish_input(f, input, dir, kind, &scale, dataset).map_err(|e| vec![e])?;
    if let Some(Located { v: Missing::Assume(_), at }) = &f.missing
        && scale.kind().expects() != Expect::Number
    {
        return Err(vec![
            Diagnostic::error(
                Code::BadScale,
                format!("factor `{}` assumes a number, which its {} scale cannot score", f.id, scale.name()),
            )
            .at_opt(*at)
            .hint("give the points directly: `missing: {points: P}`"),
        ]);
    }
    Ok(Factor {
        id: f.id.clone(),
        category,
        weight: weight.v,
        description: description.clone(),
        label: f.label.clone().unwrap_or_else(|| label_from_id(&f.id)),
        input,
        scale,
        missing: f.missing.as_ref().map_or(default_missing, |m| m.v),
        missing_explicit: f.missing.is_some(),
        span: f.at,
    })
}

/// A factor without `label:` is named by its id in words: `policy_regulatory` → "Policy regulatory".
pub(crate) fn label_from_id(id: &str) -> String {
    let words = id.replace(['_', '-', '.'], " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// An error for each of the four fields a factor needs that its chain never gave.
fn missing_fields(f: &FactorDraft) -> Vec<Diagnostic> {
    let given = [f.category.is_some(), f.weight.is_some(), f.input.is_some(), f.description.is_some()];
    let fields = [
        ("category", "risk"),
        ("weight", "1"),
        ("input", "{attribute: revenue_growth}"),
        ("description", "\"what this factor measures, for memos\""),
    ];
    given
        .into_iter()
        .zip(fields)
        .filter(|(given, _)| !given)
        .map(|(_, (what, example))| {
            Diagnostic::error(Code::IncompleteRule, format!("factor `{}` has no {what}", f.id))
                .at_opt(f.at)
                .hint(format!("add `{what}: {example}`"))
        })
        .collect()
}

/// The index of the factor's category, which must have a weight.
fn resolve_category(f: &FactorDraft, cat: &Located<String>, categories: &[Category]) -> Result<usize, Diagnostic> {
    categories.iter().position(|c| c.name == cat.v).ok_or_else(|| {
        let d = Diagnostic::error(
            Code::UnknownCategory,
            format!("factor `{}` is in category `{}`, which has no weight", f.id, cat.v),
        )
        .at_opt(cat.at);
        match did_you_mean(&cat.v, categories.iter().map(|c| c.name.as_str())) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint(format!("add `{}: <weight>` under `categories:`", cat.v)),
        }
    })
}

/// The factor's input resolved: an attribute of its kind that its scale can score, an
/// expression, a script function, or a roll-up of another kind.
fn finish_input(
    f: &FactorDraft,
    input: &Located<InputSpec>,
    dir: &Path,
    kind: Kind,
    scale: &Scale,
    dataset: &Dataset,
) -> Result<Input, Diagnostic> {
    match &input.v {
        InputSpec::Attribute(name) => attribute_input(f, name, input.at, kind, scale, dataset),
        InputSpec::Expr(src) => Ok(Input::Expr(Condition { source: src.clone(), span: input.at })),
        InputSpec::Script(s) => {
            let path = crate::source::normalize_lexically(&dir.join(&s.file));
            Ok(Input::Script {
                display: crate::source::display_path(&path),
                path,
                function: s.function.clone(),
                span: input.at,
            })
        }
        InputSpec::Rollup(r) if r.kind == kind => Err(Diagnostic::error(
            Code::KindMismatch,
            format!("factor `{}` rolls up {} scores into a {kind}", f.id, r.kind),
        )
        .at_opt(input.at)
        .hint("a roll-up reads the scores of another kind (a company's segments or regions)")),
        InputSpec::Rollup(r) => Ok(Input::Rollup { kind: r.kind, category: r.category.clone() }),
    }
}

/// An attribute input: declared for the kind, of a type the factor's scale can score.
fn attribute_input(
    f: &FactorDraft,
    name: &str,
    at: Option<Span>,
    kind: Kind,
    scale: &Scale,
    dataset: &Dataset,
) -> Result<Input, Diagnostic> {
    let schema = dataset.schema(kind);
    let Some(attr) = schema.get(name) else {
        let d = Diagnostic::error(
            Code::UnknownAttribute,
            format!("factor `{}` reads attribute `{name}`, which no dataset declares for {kind}", f.id),
        )
        .at_opt(at);
        return Err(match did_you_mean(name, schema.names()) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint(format!("declare `{name}` under `attributes: {kind}:` in a dataset file")),
        });
    };
    let ty = schema.decl(attr).ty;
    if !scale_fits(scale, ty) && !schema.is_conflicted(attr) {
        return Err(Diagnostic::error(
            Code::KindMismatch,
            format!("attribute `{name}` is {}, which a {} scale cannot score", ty.as_str(), scale.name()),
        )
        .at_opt(at)
        .hint(match ty {
            AttrType::Bool => "use `scale: bool`",
            AttrType::Text => "use `scale: {map: {value: points}}`",
            AttrType::Number => "use a linear, bands, minmax, percentile or zscore scale",
            AttrType::Date | AttrType::List => "compute a number from it with an `expr:` input",
        }));
    }
    Ok(Input::Attribute { attr, name: name.to_string() })
}

fn scale_fits(scale: &Scale, ty: AttrType) -> bool {
    match ty {
        AttrType::Number => scale.kind().expects() == Expect::Number,
        AttrType::Bool => scale.kind().expects() == Expect::Bool,
        AttrType::Text => scale.kind().expects() == Expect::Text,
        AttrType::Date | AttrType::List => false,
    }
}

fn finish_gates(merged: &Draft, ratings: &[Rating], diags: &mut Vec<Diagnostic>) -> Vec<Gate> {
    merged
        .gates
        .iter()
        .filter_map(|(g, cap)| {
            let mut g = g.clone();
            if let Some(cap) = cap {
                match ratings.iter().position(|r| r.label == cap.v) {
                    Some(i) => g.action = GateAction::Cap(i),
                    None if merged.failed.contains(&cap.v) => return None,
                    None => {
                        let d = Diagnostic::error(
                            Code::UnknownRating,
                            format!("gate `{}` caps at `{}`, which is not a rating", g.id, cap.v),
                        )
                        .at_opt(cap.at);
                        diags.push(match did_you_mean(&cap.v, ratings.iter().map(|r| r.label.as_str())) {
                            Some(s) => d.hint(format!("did you mean `{s}`?")),
                            None => d.hint(format!(
                                "ratings are {}",
                                ratings.iter().map(|r| format!("`{}`", r.label)).collect::<Vec<_>>().join(", ")
                            )),
                        });
                        return None;
                    }
                }
            }
            Some(g)
        })
        .collect()
}

/// The coverage floors by category index; a floor naming no category of the rule set is E202.
fn coverage_floors(merged: &Draft, categories: &[Category], diags: &mut Vec<Diagnostic>) -> CoverageFloors {
    let mut floors = CoverageFloors { min: merged.coverage_min.as_ref().map(|m| m.v), categories: Vec::new() };
    for (name, v) in &merged.coverage_categories {
        match categories.iter().position(|c| &c.name == name) {
            Some(i) => floors.categories.push((i, v.v)),
            None if merged.failed.contains(name) => {}
            None => {
                let d = Diagnostic::error(
                    Code::UnknownCategory,
                    format!("a coverage floor names category `{name}`, which the rule set does not weight"),
                )
                .at_opt(v.at);
                diags.push(match did_you_mean(name, categories.iter().map(|c| c.name.as_str())) {
                    Some(s) => d.hint(format!("did you mean `{s}`?")),
                    None => d.hint(format!(
                        "categories are {}",
                        categories.iter().map(|c| format!("`{}`", c.name)).collect::<Vec<_>>().join(", ")
                    )),
                });
            }
        }
    }
    floors
}
