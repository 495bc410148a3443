//! The checked source registry: every source a fact may cite by id, with its address
//! (shared noun; memos link facts to these and list them numbered).

use std::collections::HashMap;

use serde::Serialize;

use super::Date;
use crate::source::Span;

/// One declared source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceEntry {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where the entry's `id:` is written.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// Every source of the registry files, in the order they are declared.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    entries: Vec<SourceEntry>,
    by_id: HashMap<String, usize>,
}

impl Sources {
    /// Adds a source; gives back the one already declared under its id instead.
    pub(crate) fn declare(&mut self, entry: SourceEntry) -> Result<(), &SourceEntry> {
        if let Some(&i) = self.by_id.get(&entry.id) {
            return Err(&self.entries[i]);
        }
        self.by_id.insert(entry.id.clone(), self.entries.len());
        self.entries.push(entry);
        Ok(())
    }

    /// The source declared under `id`.
    pub fn get(&self, id: &str) -> Option<&SourceEntry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// Every source, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = &SourceEntry> {
        self.entries.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
