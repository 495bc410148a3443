//! One Rhai engine, scope and cursor per evaluation thread: scripts never share mutable state.

use std::sync::Arc;

use rhai::{CallFnOptions, Dynamic, Engine, ImmutableString, Scope};

use crate::compile::Program;
use crate::model::{Column, EntityTable, KindSchema};
use crate::script::{Cursor, Deadline, EntityRef, Failure, Limits};

pub(super) struct Worker {
    engine: Engine,
    cursor: Arc<Cursor>,
    entity: Dynamic,
    input_scope: Scope<'static>,
    condition_scope: Scope<'static>,
    limits: Limits,
    deadline: Arc<Deadline>,
}

/// The limits raised, where the data needs it, to twice the largest value an entity holds: a
/// list of 100,000 items is the data's size, not a script's runaway, and must not fail the
/// rule that reads it.
fn fit_to_data(limits: &Limits, table: &EntityTable) -> Limits {
    let (mut items, mut bytes) = (0usize, 0usize);
    for col in &table.columns {
        match col {
            Column::Text(v) => bytes = bytes.max(v.iter().flatten().map(|s| s.len()).max().unwrap_or(0)),
            Column::List(v) => {
                for l in v.iter().flatten() {
                    items = items.max(l.len());
                    bytes = bytes.max(l.iter().map(|s| s.len()).sum());
                }
            }
            _ => {}
        }
    }
    Limits {
        array_items: limits.array_items.max(items.saturating_mul(2)),
        string_bytes: limits.string_bytes.max(bytes.saturating_mul(2)),
        ..*limits
    }
}

impl Worker {
    pub(super) fn new(table: &Arc<EntityTable>, schema: &KindSchema, limits: &Limits, trace: bool) -> Worker {
        let limits = &fit_to_data(limits, table);
        let cursor = Arc::new(Cursor::new(trace));
        let entity = Dynamic::from(EntityRef { table: Arc::clone(table), cursor: Arc::clone(&cursor) });
        let mut input_scope = Scope::new();
        let as_of = crate::script::dates::as_of_value(table.view);
        input_scope.push_dynamic("e", entity.clone());
        input_scope.push_constant_dynamic(crate::script::dates::AS_OF, as_of.clone());
        let mut condition_scope = Scope::new();
        condition_scope.push_dynamic("e", entity.clone());
        condition_scope.push_constant_dynamic(crate::script::dates::AS_OF, as_of);
        condition_scope.push("score", 0.0_f64);
        condition_scope.push("rating", ImmutableString::new());
        let mut engine = crate::script::engine(Some(schema), limits);
        let deadline = crate::script::timed(&mut engine);
        Worker { engine, deadline, cursor, entity, input_scope, condition_scope, limits: *limits }
    }

    /// Runs a factor input program for one entity.
    pub(super) fn run(&mut self, program: &Program, row: usize) -> Result<Dynamic, Failure> {
        self.cursor.set(row);
        self.deadline.arm(self.limits.time);
        let result = match &program.function {
            Some(name) => self.engine.call_fn_with_options::<Dynamic>(
                CallFnOptions::new().eval_ast(false).rewind_scope(true),
                &mut self.input_scope,
                &program.ast,
                name,
                (self.entity.clone(),),
            ),
            None => self.engine.eval_ast_with_scope::<Dynamic>(&mut self.input_scope, &program.ast),
        };
        result.map_err(|e| Failure::from_eval(&e, &self.limits))
    }

    /// Runs a gate or adjustment condition, which also sees `score` and `rating`.
    pub(super) fn run_condition(
        &mut self,
        program: &Program,
        row: usize,
        score: f64,
        rating: &str,
    ) -> Result<Dynamic, Failure> {
        self.cursor.set(row);
        self.deadline.arm(self.limits.time);
        self.condition_scope.set_value("score", score);
        self.condition_scope.set_value("rating", ImmutableString::from(rating));
        self.engine
            .eval_ast_with_scope::<Dynamic>(&mut self.condition_scope, &program.ast)
            .map_err(|e| Failure::from_eval(&e, &self.limits))
    }

    /// Attributes read since the last call (tracing workers only).
    pub(super) fn take_trace(&self) -> Vec<crate::model::AttrId> {
        self.cursor.take_trace()
    }
}
