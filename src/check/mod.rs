//! Check stage: turn loaded documents into a consistent [`Dataset`](crate::model::Dataset)
//! and [`RuleBook`](crate::model::RuleBook), reporting every problem as a located diagnostic.

pub(crate) mod attrs;
mod dataset;
mod extends;
pub mod lints;
mod relations;
mod rules;

pub use dataset::check_dataset;
pub use rules::check_rules;

/// Each document deserialized at its root as `T`, with the document; the documents that do
/// not deserialize are reported in `found` and left out.
fn parse_all<'a, T: serde::de::DeserializeOwned>(
    docs: &'a [crate::load::yaml::YamlDoc],
    found: &mut Vec<crate::diag::Diagnostic>,
) -> Vec<(&'a crate::load::yaml::YamlDoc, T)> {
    let root = crate::load::yaml::YamlPath::root();
    docs.iter()
        .filter_map(|doc| doc.deserialize_at::<T>(&root).map_err(|d| found.push(d)).ok().map(|f| (doc, f)))
        .collect()
}
