//! One Rhai engine, scope and cursor per evaluation thread: scripts never share mutable state.

use std::sync::Arc;

use rhai::{CallFnOptions, Dynamic, Engine, ImmutableString, Scope};

use crate::compile::Program;
use crate::model::{EntityTable, KindSchema};
use crate::script::{Cursor, EntityRef, Failure, Limits};

pub(super) struct Worker {
    engine: Engine,
    cursor: Arc<Cursor>,
    entity: Dynamic,
    input_scope: Scope<'static>,
    condition_scope: Scope<'static>,
    limits: Limits,
}

impl Worker {
    pub(super) fn new(table: &Arc<EntityTable>, schema: &KindSchema, limits: &Limits, trace: bool) -> Worker {
        let cursor = Arc::new(Cursor::new(trace));
        let entity = Dynamic::from(EntityRef { table: Arc::clone(table), cursor: Arc::clone(&cursor) });
        let mut input_scope = Scope::new();
        input_scope.push_dynamic("e", entity.clone());
        let mut condition_scope = Scope::new();
        condition_scope.push_dynamic("e", entity.clone());
        condition_scope.push("score", 0.0_f64);
        condition_scope.push("rating", ImmutableString::new());
        Worker {
            engine: crate::script::engine(Some(schema), limits),
            cursor,
            entity,
            input_scope,
            condition_scope,
            limits: *limits,
        }
    }

    /// Runs a factor input program for one entity.
    pub(super) fn run(&mut self, program: &Program, row: usize) -> Result<Dynamic, Failure> {
        self.cursor.set(row);
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
