//! The entity as scripts see it: `e.revenue`, `e["revenue"]`, `e.has("revenue")`,
//! `e.get("revenue", 0.0)`, `e.id`, `e.name`. Reading a missing attribute makes the factor
//! missing (its policy applies) unless the script checks with `has` or `get`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString, Position};

use crate::model::{AttrId, Column, EntityTable, KindSchema};

/// Which row scripts currently see, and (when explaining) which attributes they read.
#[derive(Debug, Default)]
pub(crate) struct Cursor {
    row: AtomicUsize,
    trace: Option<Mutex<Vec<AttrId>>>,
}

impl Cursor {
    pub(crate) fn new(trace: bool) -> Cursor {
        Cursor { row: AtomicUsize::new(0), trace: trace.then(|| Mutex::new(Vec::new())) }
    }

    pub(crate) fn set(&self, row: usize) {
        self.row.store(row, Ordering::Relaxed);
    }

    pub(crate) fn row(&self) -> usize {
        self.row.load(Ordering::Relaxed)
    }

    /// Attributes read since the last call, in first-read order.
    pub(crate) fn take_trace(&self) -> Vec<AttrId> {
        match &self.trace {
            Some(t) => std::mem::take(&mut *t.lock().unwrap_or_else(|e| e.into_inner())),
            None => Vec::new(),
        }
    }

    fn record(&self, attr: AttrId) {
        if let Some(t) = &self.trace {
            let mut t = t.lock().unwrap_or_else(|e| e.into_inner());
            if !t.contains(&attr) {
                t.push(attr);
            }
        }
    }
}

/// The handle a script holds: the table and the shared cursor.
#[derive(Clone, Debug)]
pub(crate) struct EntityRef {
    pub table: Arc<EntityTable>,
    pub cursor: Arc<Cursor>,
}

/// The runtime error a script gets when it reads a missing attribute.
#[derive(Clone, Debug)]
pub(super) struct MissingAttribute(pub String);

/// The runtime error a script gets when it names an attribute its kind does not declare.
#[derive(Clone, Debug)]
pub(super) struct UnknownAttribute(pub String);

fn value(e: &EntityRef, attr: AttrId) -> Option<Dynamic> {
    let row = e.cursor.row();
    e.cursor.record(attr);
    let col = e.table.columns.get(attr as usize)?;
    if col.is_missing(row) {
        return None;
    }
    Some(match col {
        Column::Number(v) => Dynamic::from_float(v[row]),
        Column::Bool(v) => Dynamic::from_bool(v[row].unwrap_or_default()),
        Column::Text(v) => v[row].as_deref().map_or(Dynamic::UNIT, |s| Dynamic::from(ImmutableString::from(s))),
        Column::Date(v) => v[row].map_or(Dynamic::UNIT, |d| Dynamic::from(ImmutableString::from(d.to_string()))),
        Column::List(v) => v[row].as_ref().map_or(Dynamic::UNIT, |l| {
            Dynamic::from_array(l.iter().map(|s| Dynamic::from(ImmutableString::from(s.as_ref()))).collect())
        }),
    })
}

fn missing(name: &str) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(Dynamic::from(MissingAttribute(name.to_string())), Position::NONE))
}

fn unknown(name: &str, declared: &std::collections::HashMap<String, AttrId>) -> Box<EvalAltResult> {
    let mut message = format!("reads attribute `{name}`, which no dataset declares for this kind");
    if let Some(s) = crate::diag::did_you_mean(name, declared.keys().map(String::as_str)) {
        message.push_str(&format!(" (did you mean `{s}`?)"));
    }
    Box::new(EvalAltResult::ErrorRuntime(Dynamic::from(UnknownAttribute(message)), Position::NONE))
}

/// Registers the entity type, with a getter per declared attribute of its kind.
pub(super) fn register(engine: &mut Engine, schema: Option<&KindSchema>) {
    engine.register_type_with_name::<EntityRef>("Entity");
    engine.register_type_with_name::<MissingAttribute>("MissingAttribute");
    engine.register_type_with_name::<UnknownAttribute>("UnknownAttribute");
    engine.register_get("id", |e: &mut EntityRef| ImmutableString::from(e.table.id(e.cursor.row())));
    engine.register_get("name", |e: &mut EntityRef| ImmutableString::from(e.table.name(e.cursor.row())));
    engine.register_get("kind", |e: &mut EntityRef| ImmutableString::from(e.table.kind.as_str()));
    let Some(schema) = schema else { return };
    let lookup: Arc<std::collections::HashMap<String, AttrId>> =
        Arc::new(schema.names().enumerate().map(|(i, n)| (n.to_string(), i as AttrId)).collect());
    for (i, decl) in schema.attrs.iter().enumerate() {
        let name: Arc<str> = Arc::from(decl.name.as_str());
        engine.register_get(decl.name.as_str(), move |e: &mut EntityRef| -> Result<Dynamic, Box<EvalAltResult>> {
            value(e, i as AttrId).ok_or_else(|| missing(&name))
        });
    }
    let l = Arc::clone(&lookup);
    engine.register_indexer_get(
        move |e: &mut EntityRef, name: ImmutableString| -> Result<Dynamic, Box<EvalAltResult>> {
            let attr = *l.get(name.as_str()).ok_or_else(|| unknown(&name, &l))?;
            value(e, attr).ok_or_else(|| missing(&name))
        },
    );
    let l = Arc::clone(&lookup);
    engine.register_fn("has", move |e: &mut EntityRef, name: ImmutableString| -> Result<bool, Box<EvalAltResult>> {
        let attr = *l.get(name.as_str()).ok_or_else(|| unknown(&name, &l))?;
        Ok(value(e, attr).is_some())
    });
    let l = lookup;
    engine.register_fn(
        "get",
        move |e: &mut EntityRef, name: ImmutableString, default: Dynamic| -> Result<Dynamic, Box<EvalAltResult>> {
            let attr = *l.get(name.as_str()).ok_or_else(|| unknown(&name, &l))?;
            Ok(value(e, attr).unwrap_or(default))
        },
    );
}
