//! Names the user wrote that did not load (their file, rule or entity had an error): the one
//! place later stages ask before saying a name "does not exist", so one mistake gives one message.

use std::collections::BTreeSet;

/// What failed to load. A name found here exists in the user's files; its own error was
/// reported where it failed, so what refers to it is a consequence, not another mistake.
#[derive(Clone, Debug, Default)]
pub struct Unloaded {
    /// Rule sets whose file or checks had errors.
    pub rule_sets: BTreeSet<String>,
    /// `(rule set, id)` of factors, gates, adjustments, ratings and categories that failed.
    pub rules: BTreeSet<(String, String)>,
    /// Entity ids (of any kind) whose definition failed.
    pub entities: BTreeSet<String>,
    /// A dataset file failed to parse and its ids could not be read: any id may be in it.
    pub any_entity: bool,
    /// A rule file failed to parse and its rule set's name could not be read.
    pub any_rule_set: bool,
    /// A dataset file that declares attributes (or might: it was not read) failed to load:
    /// any attribute may be declared there.
    pub any_attribute: bool,
}

impl Unloaded {
    pub fn rule_set(&self, name: &str) -> bool {
        self.any_rule_set || self.rule_sets.contains(name)
    }

    /// A factor, gate, adjustment, rating or category `id` of `rule_set` that failed to load
    /// (in the rule set itself or in a base it extends).
    pub fn rule(&self, rule_set: &str, id: &str) -> bool {
        self.rules.contains(&(rule_set.to_string(), id.to_string()))
    }

    pub fn entity(&self, id: &str) -> bool {
        self.any_entity || self.entities.contains(id)
    }

    pub fn add_rule(&mut self, rule_set: &str, id: &str) {
        self.rules.insert((rule_set.to_string(), id.to_string()));
    }

    /// Everything `other` knows, added to this.
    pub fn absorb(&mut self, other: &Unloaded) {
        self.rule_sets.extend(other.rule_sets.iter().cloned());
        self.rules.extend(other.rules.iter().cloned());
        self.entities.extend(other.entities.iter().cloned());
        self.any_entity |= other.any_entity;
        self.any_rule_set |= other.any_rule_set;
        self.any_attribute |= other.any_attribute;
    }

    /// A file that was not read at all (outside the root, not a regular file, too large, not
    /// UTF-8): it may have held any rule set, entity or declaration.
    pub fn unread(&mut self) {
        self.any_rule_set = true;
        self.any_entity = true;
        self.any_attribute = true;
    }

    /// Whether a diagnostic with this code is only a consequence of what did not load: an
    /// undeclared attribute when a file with declarations failed is not another mistake.
    pub fn explains(&self, code: crate::diag::Code) -> bool {
        use crate::diag::Code;
        self.any_attribute && matches!(code, Code::UndeclaredAttribute | Code::UnknownAttribute)
    }

    /// What a file that did not parse still tells by its lines: a top-level `rule_set: NAME`
    /// names a rule set; otherwise its `id: X` lines name entities (a test file names none).
    pub fn recover(&mut self, text: &str) {
        let value = |line: &str, key: &str| -> Option<String> {
            let rest = line.strip_prefix(key)?.strip_prefix(':')?;
            let v = rest.split('#').next()?.trim().trim_matches(|c| c == '"' || c == '\'');
            (!v.is_empty()).then(|| v.to_string())
        };
        if text.lines().any(|l| l.starts_with("cases:")) {
            return;
        }
        if text.lines().any(|l| l.starts_with("rule_set:")) {
            match text.lines().find_map(|l| value(l, "rule_set")) {
                Some(name) => {
                    self.rule_sets.insert(name);
                }
                None => self.any_rule_set = true,
            }
            return;
        }
        if text.lines().any(|l| l.starts_with("attributes:")) {
            self.any_attribute = true;
        }
        let ids: Vec<String> =
            text.lines().filter_map(|l| value(l.trim_start().trim_start_matches("- ").trim_start(), "id")).collect();
        if ids.is_empty() {
            self.any_entity = true;
        }
        self.entities.extend(ids);
    }
}

#[cfg(test)]
mod tests {
    use super::Unloaded;

    #[test]
    fn a_rule_file_gives_its_name_and_a_dataset_its_ids() {
        let mut u = Unloaded::default();
        u.recover("rule_set: company-base # base\nkind: company\nfactors: [\n");
        u.recover("kind: company\nentities:\n  - id: acme\n    name: x\n  -   id: \"bolt\"\n  bad: [\n");
        assert!(u.rule_set("company-base") && !u.rule_set("other"));
        assert!(u.entity("acme") && u.entity("bolt") && !u.entity("name"));
        assert!(!u.any_entity && !u.any_rule_set);
    }
}
