//! The source-registry file format as written (load stage): `kind: sources` and a list of
//! `{id, title, publisher, url, published, grade}` that observations cite by id (`cite:`).

use schemars::JsonSchema;
use serde::Deserialize;

use super::values::{Parsed, Text};

/// A source-registry file: every source declared once, cited by id from attribute values.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourcesFile {
    /// Always `sources`: what tells this file from a dataset of entities.
    #[allow(dead_code, reason = "checked by deserializing; the loader classifies by it")]
    pub kind: SourcesKind,
    /// What the registry collects.
    #[serde(default)]
    #[allow(dead_code, reason = "for readers and the schema; nothing scores it")]
    pub description: Option<String>,
    /// The sources, each with an id unique across every registry file.
    #[serde(default)]
    pub sources: Vec<Parsed<SourceSpec>>,
}

/// The one word a registry's `kind:` takes.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SourcesKind {
    /// A source registry.
    Sources,
}

/// One source: a page, filing, report or article a fact comes from.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceSpec {
    /// What observations write after `cite:`: letters, digits, `_`, `-` and `.`.
    pub id: String,
    /// The document's title, as it gives it.
    pub title: String,
    /// Who published it (company, regulator, newspaper).
    #[serde(default)]
    pub publisher: Option<String>,
    /// Where to read it: an `http://` or `https://` address.
    pub url: String,
    /// When it was published: YYYY, YYYY-MM or YYYY-MM-DD.
    #[serde(default)]
    pub published: Option<Text>,
    /// `A` primary, `B` reputable secondary, `C` indicative; `A/B` for a split.
    #[serde(default)]
    pub grade: Option<Text>,
    /// Anything else a reader should know (a paywall, an archived copy).
    #[serde(default)]
    pub note: Option<String>,
}
