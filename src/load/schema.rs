//! JSON Schemas of the four file formats, generated from the very types the loader
//! deserializes (so they cannot drift), for editors: completion, hover and validation.

use schemars::generate::SchemaSettings;

use super::dataset::DatasetFile;
use super::rules::RuleFile;
use super::tests::TestFile;

/// The file formats a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rule sets and profiles.
    Rules,
    /// Attribute declarations and entities.
    Dataset,
    /// Rule test cases.
    Tests,
    /// Source registries (`kind: sources`).
    Sources,
}

impl Format {
    /// The four file formats.
    pub const ALL: [Format; 4] = [Format::Rules, Format::Dataset, Format::Tests, Format::Sources];

    /// The name of the committed copy: `rules.schema.json`.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Rules => "rules.schema.json",
            Format::Dataset => "dataset.schema.json",
            Format::Tests => "tests.schema.json",
            Format::Sources => "sources.schema.json",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Format::Rules => "thesis rule file",
            Format::Dataset => "thesis dataset file",
            Format::Tests => "thesis rule-test file",
            Format::Sources => "thesis source registry",
        }
    }
}

/// The JSON Schema (draft 7, which YAML editors support widely) of one format.
pub fn schema(format: Format) -> serde_json::Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = match format {
        Format::Rules => generator.into_root_schema_for::<RuleFile>(),
        Format::Dataset => generator.into_root_schema_for::<DatasetFile>(),
        Format::Tests => generator.into_root_schema_for::<TestFile>(),
        Format::Sources => generator.into_root_schema_for::<super::sources::SourcesFile>(),
    };
    schema.insert("title".into(), format.title().into());
    schema.to_value()
}

/// The schema as the committed file holds it: pretty JSON and a final newline.
pub fn schema_text(format: Format) -> String {
    let mut s = serde_json::to_string_pretty(&schema(format)).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::rules::{MissingSpec, ScaleSpec};
    use crate::load::values::Tagless;
    use crate::load::yaml::from_value;

    fn words(format: Format, definition: &str) -> Vec<String> {
        let s = schema(format);
        let items = s["definitions"][definition]["oneOf"].as_array().cloned().unwrap_or_default();
        items
            .iter()
            .flat_map(|i| {
                let listed = i["enum"].as_array().cloned().unwrap_or_default();
                listed.into_iter().chain(i.get("const").cloned())
            })
            .filter_map(|w| w.as_str().map(str::to_string))
            .collect()
    }

    #[test]
    fn every_word_the_scale_schema_offers_the_loader_accepts() {
        let offered = words(Format::Rules, "ScaleSpec");
        assert_eq!(offered, ["bool", "minmax", "percentile", "zscore"]);
        for w in &offered {
            assert!(from_value::<Tagless<ScaleSpec>>(serde_yaml::Value::String(w.clone())).is_ok(), "{w}");
        }
        for w in ["linear", "bands"] {
            assert!(from_value::<Tagless<ScaleSpec>>(serde_yaml::Value::String(w.into())).is_err(), "{w}");
        }
    }

    #[test]
    fn the_missing_policy_words_are_the_loaders() {
        let offered = words(Format::Rules, "MissingSpec");
        assert_eq!(offered, ["fail", "skip"]);
        for w in &offered {
            assert!(from_value::<Tagless<MissingSpec>>(serde_yaml::Value::String(w.clone())).is_ok(), "{w}");
        }
    }

    #[test]
    fn doc_comments_become_descriptions() {
        let s = schema(Format::Tests);
        let name = &s["definitions"]["CaseSpec"]["properties"]["name"]["description"];
        assert!(name.as_str().is_some_and(|d| d.contains("unique within the file")), "{name}");
    }
}
