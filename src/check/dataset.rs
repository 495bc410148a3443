//! Checking dataset files into one [`Dataset`]: declarations, entities, values, relations and
//! the `--as-of` cut-off (check stage).

use std::sync::Arc;

use rayon::prelude::*;

use super::attrs::undeclared;
use super::relations::resolve_relations;
use super::series::{Written, check_value};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::load::Workspace;
use crate::load::dataset::DatasetFile;
use crate::load::provenance::TableContext;
use crate::load::values::Parsed;
use crate::load::yaml::{YamlDoc, YamlPath};
use crate::model::{
    AttrDecl, Dataset, Date, Kind, KindSchema, Origin, RESERVED_ATTRIBUTES, RawRelation, Row, TableBuilder,
    is_identifier, is_valid_name,
};
use crate::source::SourceMap;
use crate::ypath;

/// Builds the dataset from every dataset file of the workspace, resolved at the view date:
/// `as_of`, else the latest publication in the data. Values not yet known then are withheld
/// (kept for the ledger, but missing for scoring). `keep` keeps the observations as written,
/// for views at other dates ([`Dataset::at`]).
pub(crate) fn check_dataset(ws: &Workspace, as_of: Option<Date>, keep: bool, diags: &mut Diagnostics) -> Dataset {
    let mut found = Vec::new();
    let mut unloaded = ws.unparsed.clone();
    let files: Vec<(&YamlDoc, DatasetFile)> = ws
        .data_files
        .iter()
        .filter_map(|doc| match doc.deserialize_at::<DatasetFile>(&YamlPath::root()) {
            Ok(f) => Some((doc, f)),
            Err(d) => {
                found.push(d);
                unloaded.entities.extend(written_ids(doc));
                unloaded.any_attribute = true;
                None
            }
        })
        .collect();
    let (sources, unused) = super::sources::check_sources(ws, &mut found);
    let sources = Arc::new(sources);
    let schemas = declare_attributes(&files, &mut found);
    let declared = super::tables::check_tables(ws, &files, &mut found);
    let mut builders = Kind::ALL.map(|k| TableBuilder::new(k, &schemas[k.index()]));
    for (doc, file) in &files {
        add_entities(doc, file, &schemas, &mut builders, &mut unloaded, &mut found);
    }
    // Long files come last: their rows may name entities the other files define.
    let (long, wide): (Vec<_>, Vec<_>) = ws.csv_files.iter().partition(|(_, p)| crate::load::columnar::is_long(p));
    for (file, path) in wide {
        let ctx = TableContext { sources: &sources, declared: declared.get(file) };
        crate::load::columnar::read_universe(path, *file, &schemas, &ctx, &mut builders, &mut found);
    }
    // What wide rows cite counts as a use of the registry (W801) as long rows' cites do.
    let mut cited: std::collections::HashSet<String> =
        builders.iter().flat_map(|b| b.table.wide.pool.iter().flat_map(|p| p.cite.iter().cloned())).collect();
    for (file, path) in long {
        let ctx = TableContext { sources: &sources, declared: declared.get(file) };
        crate::load::columnar::read_long(path, *file, (&schemas, &ctx), &mut builders, &mut cited, &mut found);
    }
    found.extend(unused.into_iter().filter(|(id, _)| !cited.contains(id)).map(|(_, d)| d));
    check_unique_ids(&builders, &ws.sources, &mut found);
    let tables = resolve_relations(builders, &unloaded, &mut found);
    found.retain(|d| !unloaded.explains(d.code));
    let view = as_of.or_else(|| crate::model::derived_view(&tables));
    let raw = keep.then(|| tables.each_ref().map(|t| Arc::new(t.duplicate())));
    let tables = tables.map(|mut t| {
        t.resolve_at(view);
        Arc::new(t)
    });
    diags.extend(found);
    Dataset {
        schemas,
        tables,
        files: ws.data_files.iter().map(|d| d.file).chain(ws.csv_files.iter().map(|c| c.0)).collect(),
        as_of: view,
        derived: as_of.is_none(),
        raw,
        unloaded,
        sources,
    }
}

/// The ids a dataset file writes under `entities:`, read from its YAML whatever its errors.
fn written_ids(doc: &YamlDoc) -> Vec<String> {
    let Some(items) = doc.value.get("entities").and_then(serde_yaml::Value::as_sequence) else {
        return Vec::new();
    };
    items.iter().filter_map(|e| e.get("id").and_then(serde_yaml::Value::as_str)).map(str::to_string).collect()
}

/// The id an entity item writes, whatever its errors.
fn written_id(doc: &YamlDoc, path: &YamlPath) -> Option<String> {
    crate::load::yaml::lookup(&doc.value, &path.at("id")).and_then(serde_yaml::Value::as_str).map(str::to_string)
}

/// The key-figure label of attribute `name`, or `None` (with an E804) when it is not a short name.
fn key_figure(
    doc: &YamlDoc,
    path: &YamlPath,
    name: &str,
    label: Option<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let label = label?;
    match super::label::label_problem(label) {
        None => Some(label.to_string()),
        Some(why) => {
            diags.push(
                Diagnostic::error(Code::BadLabel, format!("the key-figure label of attribute `{name}` {why}"))
                    .at_opt(doc.span(&path.at("key_figure")))
                    .hint("name the figure in one to four words, such as `key_figure: Forward P/E`"),
            );
            None
        }
    }
}

fn declare_attributes(files: &[(&YamlDoc, DatasetFile)], diags: &mut Vec<Diagnostic>) -> [KindSchema; 3] {
    let mut schemas: [KindSchema; 3] = Default::default();
    for (doc, file) in files {
        for (kind, decls) in &file.attributes {
            for (name, decl) in decls {
                let path = ypath!["attributes", kind.as_str(), name.as_str()];
                let spec = match decl {
                    Parsed::Ok(s) => s,
                    Parsed::Err(e) => {
                        diags.push(doc.error_diagnostic(&path, e));
                        schemas[kind.index()].mark_failed(name);
                        continue;
                    }
                };
                if !is_valid_name(name) || !is_identifier(name) || RESERVED_ATTRIBUTES.contains(&name.as_str()) {
                    diags.push(bad_attribute_name(name).at_opt(doc.key_span(&path)));
                    schemas[kind.index()].mark_failed(name);
                    continue;
                }
                let decl = AttrDecl {
                    name: name.clone(),
                    ty: spec.ty,
                    unit: spec.unit.clone(),
                    description: spec.description.clone(),
                    descriptive: spec.descriptive,
                    key_figure: key_figure(doc, &path, name, spec.key_figure.as_deref(), diags),
                    span: doc.key_span(&path),
                };
                let schema = &mut schemas[kind.index()];
                schema.home.get_or_insert_with(|| crate::source::display_path(&doc.path));
                let metadata = decl.clone();
                if let Err(existing) = schema.declare(decl) {
                    let prev = schema.decl(existing);
                    if prev.ty != spec.ty {
                        let message = format!(
                            "attribute `{name}` of {kind} is declared {} here but {} elsewhere",
                            spec.ty.as_str(),
                            prev.ty.as_str()
                        );
                        schema.mark_conflicted(existing);
                        diags.push(redeclared(message, doc.span(&path), "declare each attribute once, with one type"));
                    } else if let Some((field, message)) = lost_metadata(prev, &metadata) {
                        let message = format!("attribute `{name}` of {kind} is declared again {message}");
                        let hint = "declare each attribute once; give its unit, description and labels there";
                        diags.push(redeclared(message, doc.span(&path.at(field)), hint));
                    }
                }
            }
        }
    }
    schemas
}

fn redeclared(message: String, span: Option<crate::source::Span>, hint: &str) -> Diagnostic {
    Diagnostic::error(Code::ConflictingDeclaration, message).at_opt(span).hint(hint)
}

/// What a second declaration of the same type says that the first does not (it would be lost):
/// the field and how the two differ.
fn lost_metadata(first: &AttrDecl, again: &AttrDecl) -> Option<(&'static str, String)> {
    let text = |field: &'static str, here: &Option<String>, there: &Option<String>| match (here, there) {
        (Some(h), Some(t)) if h != t => {
            Some((field, format!("with {field} `{h}` here but `{t}` where first declared")))
        }
        (Some(h), None) => Some((field, format!("with {field} `{h}` here but none where first declared"))),
        _ => None,
    };
    text("unit", &again.unit, &first.unit)
        .or_else(|| text("description", &again.description, &first.description))
        .or_else(|| text("key_figure", &again.key_figure, &first.key_figure))
        .or_else(|| {
            (again.descriptive && !first.descriptive)
                .then(|| ("descriptive", "as descriptive here but not where first declared".to_string()))
        })
}

fn bad_attribute_name(name: &str) -> Diagnostic {
    let d = Diagnostic::error(Code::BadName, format!("`{name}` cannot name an attribute"));
    if RESERVED_ATTRIBUTES.contains(&name) {
        d.hint(format!("`{name}` is reserved; choose another name"))
    } else {
        d.hint("use letters, digits and `_`, starting with a letter, so scripts can write `e.name`")
    }
}

fn add_entities(
    doc: &YamlDoc,
    file: &DatasetFile,
    schemas: &[KindSchema; 3],
    builders: &mut [TableBuilder; 3],
    unloaded: &mut crate::model::Unloaded,
    diags: &mut Vec<Diagnostic>,
) {
    for (i, item) in file.entities.iter().enumerate() {
        let path = ypath!["entities", i];
        let spec = match item {
            Parsed::Ok(s) => s,
            Parsed::Err(e) => {
                diags.push(doc.error_diagnostic(&path, e));
                unloaded.entities.extend(written_id(doc, &path));
                continue;
            }
        };
        let Some(kind) = spec.kind.or(file.kind) else {
            diags.push(
                Diagnostic::error(Code::MissingKey, format!("entity `{}` has no kind", spec.id))
                    .at_opt(doc.span(&path))
                    .hint("add `kind: company` (or segment, region) to the entity or to the file"),
            );
            unloaded.entities.insert(spec.id.clone());
            continue;
        };
        if !is_valid_name(&spec.id) {
            diags.push(
                Diagnostic::error(Code::BadName, format!("`{}` cannot be an id", spec.id))
                    .at_opt(doc.span(&path.at("id")))
                    .hint(crate::model::ID_HINT),
            );
            continue;
        }
        let b = &mut builders[kind.index()];
        let row = b.push(&spec.id, &spec.name);
        b.origin(row, Origin::Yaml(vec![doc.span(&path).unwrap_or(crate::source::Span::new(doc.file, 0..0))]));
        add_values(doc, &path, spec, kind, &schemas[kind.index()], b, row, diags);
        add_relations(doc, &path, spec, b, row);
    }
}

#[allow(clippy::too_many_arguments)]
fn add_values(
    doc: &YamlDoc,
    path: &YamlPath,
    spec: &crate::load::dataset::EntitySpec,
    kind: Kind,
    schema: &KindSchema,
    b: &mut TableBuilder,
    row: Row,
    diags: &mut Vec<Diagnostic>,
) {
    for (name, raw) in &spec.attributes {
        let apath = path.at("attributes").at(name.as_str());
        let Some(attr) = schema.get(name) else {
            if !schema.failed(name) {
                diags.push(undeclared(name, kind, schema).at_opt(doc.key_span(&apath)));
            }
            continue;
        };
        if schema.is_conflicted(attr) {
            continue;
        }
        match check_value(doc, &apath, raw, schema.decl(attr), diags) {
            None => {}
            Some(Written::One(cell, prov)) => {
                cell.store(&mut b.table.columns[attr as usize], row as usize);
                b.set_provenance(row, attr, prov);
            }
            Some(Written::Series(obs)) => {
                b.table.series.insert((row, attr), obs.into());
            }
        }
    }
}

fn add_relations(
    doc: &YamlDoc,
    path: &YamlPath,
    spec: &crate::load::dataset::EntitySpec,
    b: &mut TableBuilder,
    row: Row,
) {
    for (target_kind, items) in &spec.exposure {
        for (target, weight) in items {
            let tpath = path.at("exposure").at(target_kind.as_str()).at(target.as_str());
            b.exposures.push(RawRelation {
                row,
                target_kind: *target_kind,
                target: target.clone(),
                weight: weight.0,
                span: doc.key_span(&tpath),
                line_col: None,
                group: doc.span(&path.at("exposure").at(target_kind.as_str())),
            });
        }
    }
    if let Some(hq) = &spec.headquarters {
        b.headquarters.push(RawRelation {
            row,
            target_kind: Kind::Region,
            target: hq.clone(),
            weight: 1.0,
            span: doc.span(&path.at("headquarters")),
            line_col: None,
            group: None,
        });
    }
}

/// Ids are unique across all kinds, so `thesis explain ID` is never ambiguous. Each id is
/// hashed and the hashes sorted (a sort of numbers, not of strings scattered over the table);
/// only ids whose hashes meet are compared as text. Every id used again is reported, beside the
/// one before it, in the order of the ids (then of the kind and row).
fn check_unique_ids(builders: &[TableBuilder; 3], sources: &SourceMap, diags: &mut Vec<Diagnostic>) {
    let id = |&(k, r): &(Kind, Row)| builders[k.index()].table.id(r as usize);
    for pair in repeated_ids(builders) {
        let (k, r) = pair[1];
        let first = builders[pair[0].0.index()].table.origin(pair[0].1 as usize);
        let mut d = Diagnostic::error(Code::DuplicateId, format!("id `{}` is used twice", id(&pair[1])));
        d.location = builders[k.index()].table.origin(r as usize);
        d = d.hint(match first {
            Some(loc) => format!(
                "the first is at {}; ids must be unique across all kinds",
                crate::diag::describe_location(&loc, sources)
            ),
            None => "ids must be unique across all kinds".to_string(),
        });
        diags.push(d);
    }
}

/// The ids used more than once, as pairs of an entity and the one before it with the same id
/// (in kind and row order), sorted by id, then kind and row.
fn repeated_ids(builders: &[TableBuilder; 3]) -> Vec<[(Kind, Row); 2]> {
    let hasher = std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default();
    let lens = Kind::ALL.map(|k| builders[k.index()].len());
    repeated(&hasher, lens, |(k, r)| builders[k.index()].table.id(r as usize))
}

/// [`repeated_ids`] over the ids `id` gives the `lens[k]` rows of each kind, hashed by `hasher`.
fn repeated<'a, S: std::hash::BuildHasher + Sync>(
    hasher: &S,
    lens: [usize; 3],
    id: impl Fn((Kind, Row)) -> &'a str + Sync,
) -> Vec<[(Kind, Row); 2]> {
    let mut keyed: Vec<(u64, Kind, Row)> = Vec::with_capacity(lens.iter().sum());
    for k in Kind::ALL {
        keyed.par_extend((0..lens[k.index()] as Row).into_par_iter().map(|r| (hasher.hash_one(id((k, r))), k, r)));
    }
    keyed.par_sort_unstable();
    let mut pairs = Vec::new();
    for run in keyed.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        // Equal hashes: equal ids, or (rarely) a collision; the text decides.
        let mut same: Vec<(Kind, Row)> = run.iter().map(|&(_, k, r)| (k, r)).collect();
        same.sort_by(|&a, &b| id(a).cmp(id(b)).then(a.cmp(&b)));
        pairs.extend(same.windows(2).filter(|w| id(w[0]) == id(w[1])).map(|w| [w[0], w[1]]));
    }
    pairs.sort_by(|a, b| id(a[1]).cmp(id(b[1])).then(a[1].cmp(&b[1])));
    pairs
}

#[cfg(test)]
mod tests {
    use std::hash::{BuildHasher, Hasher};

    use super::repeated;
    use crate::model::{Kind, Row};

    /// Every id hashes alike: all of them collide, so the text alone decides.
    struct Colliding;
    struct Zero;

    impl Hasher for Zero {
        fn finish(&self) -> u64 {
            0
        }
        fn write(&mut self, _: &[u8]) {}
    }

    impl BuildHasher for Colliding {
        type Hasher = Zero;
        fn build_hasher(&self) -> Zero {
            Zero
        }
    }

    /// The pairs the check reported before it hashed: every (kind, row) sorted by id, then kind
    /// and row, each neighbour with the same id paired with it.
    fn sorted_pairs(ids: &[Vec<&str>; 3]) -> Vec<[(Kind, Row); 2]> {
        let id = |(k, r): (Kind, Row)| ids[k.index()][r as usize];
        let mut all: Vec<(Kind, Row)> =
            Kind::ALL.into_iter().flat_map(|k| (0..ids[k.index()].len() as Row).map(move |r| (k, r))).collect();
        all.sort_by(|&a, &b| id(a).cmp(id(b)).then(a.cmp(&b)));
        all.windows(2).filter(|w| id(w[0]) == id(w[1])).map(|w| [w[0], w[1]]).collect()
    }

    #[test]
    fn repeated_ids_are_the_pairs_of_sorting_every_id_whatever_the_hashes() {
        let ids: [Vec<&str>; 3] =
            [vec!["b", "a", "b", "c", "b", "a", "d"], vec!["c", "e", "a"], vec!["f", "e", "g", "b"]];
        let want = sorted_pairs(&ids);
        assert_eq!(want.len(), 7, "{want:?}");
        let lens = ids.each_ref().map(Vec::len);
        let id = |(k, r): (Kind, Row)| ids[k.index()][r as usize];
        let hashed = std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default();
        assert_eq!(repeated(&hashed, lens, id), want, "real hashes");
        assert_eq!(repeated(&Colliding, lens, id), want, "every hash the same");
        let unique: [Vec<&str>; 3] = [vec!["a", "b"], vec!["c"], vec![]];
        assert!(
            repeated(&Colliding, unique.each_ref().map(Vec::len), |(k, r)| unique[k.index()][r as usize]).is_empty()
        );
    }
}
