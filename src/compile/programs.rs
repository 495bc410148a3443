//! Compiled Rhai programs: inline expressions from rule files and functions in script files,
//! each compiled once per run (compile stage).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rhai::{AST, Engine, Scope};

use crate::diag::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::files::Root;
use crate::model::Condition;
use crate::script::{Limits, ScriptOrigin, syntax_diagnostic};
use crate::source::{FileId, SourceMap, Span};

/// Where a program was written.
#[derive(Clone, Debug)]
pub enum ProgramOrigin {
    File { file: FileId, display: String },
    Inline { span: Option<Span>, source: String },
}

impl ProgramOrigin {
    pub fn script_origin(&self) -> Option<ScriptOrigin<'_>> {
        match self {
            ProgramOrigin::File { file, .. } => Some(ScriptOrigin::File(*file)),
            ProgramOrigin::Inline { span: Some(span), source } => Some(ScriptOrigin::Inline { span: *span, source }),
            ProgramOrigin::Inline { span: None, .. } => None,
        }
    }
}

/// A compiled expression, or a function of a compiled script file.
#[derive(Clone, Debug)]
pub struct Program {
    pub ast: Arc<AST>,
    /// The function to call with the entity; `None` for an expression over `e`.
    pub function: Option<String>,
    pub origin: ProgramOrigin,
    /// What the program computes, for messages: "factor `growth`".
    pub label: String,
    /// Whether it is a gate or adjustment condition (it sees `score` and `rating`).
    pub condition: bool,
}

/// The variables a program sees: the entity `e`; conditions also see `score` and `rating`.
pub(super) fn scope_for(condition: bool) -> Scope<'static> {
    let mut scope = Scope::new();
    scope.push("e", ());
    scope.push(crate::script::dates::AS_OF, ""); // not a constant: the optimiser would inline it
    if condition {
        scope.push("score", 0.0_f64);
        scope.push("rating", "");
    }
    scope
}

impl Program {
    /// Compiles an inline expression written in a rule file.
    pub fn inline(
        engine: &Engine,
        cond: &Condition,
        condition: bool,
        label: String,
        sources: &SourceMap,
        diags: &mut Diagnostics,
    ) -> Option<Program> {
        let origin = ProgramOrigin::Inline { span: cond.span, source: cond.source.clone() };
        match engine.compile_expression_with_scope(&scope_for(condition), &cond.source) {
            Ok(ast) => Some(Program { ast: Arc::new(ast), function: None, origin, label, condition }),
            Err(e) => {
                let d = match origin.script_origin() {
                    Some(o) => syntax_diagnostic(&e, o, sources),
                    None => Diagnostic::error(Code::ScriptSyntax, format!("Rhai syntax in {label}: {}", e.0)),
                };
                diags.push(d);
                None
            }
        }
    }
}

/// Script files compiled so far, by path; only files inside the project root are read.
pub(crate) struct ScriptCache<'a> {
    files: HashMap<PathBuf, Option<(FileId, Arc<AST>)>>,
    root: &'a Root,
}

impl<'a> ScriptCache<'a> {
    pub(crate) fn new(root: &'a Root) -> ScriptCache<'a> {
        ScriptCache { files: HashMap::new(), root }
    }

    /// Reads and compiles a script file once; later calls reuse the result.
    pub(crate) fn load(
        &mut self,
        path: &Path,
        referenced_at: Option<Span>,
        sources: &SourceMap,
        limits: &Limits,
        diags: &mut Diagnostics,
    ) -> Option<(FileId, Arc<AST>)> {
        if let Some(done) = self.files.get(path) {
            return done.clone();
        }
        let result = if self.root.contains(path) {
            compile_file(path, referenced_at, sources, limits, diags)
        } else {
            let at = referenced_at.unwrap_or_else(|| Span::new(sources.add(path, None), 0..0));
            diags.push(crate::load::outside_root(self.root, path, at));
            None
        };
        self.files.insert(path.to_path_buf(), result.clone());
        result
    }

    /// The program calling `function(e)` in the script at `path`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn program(
        &mut self,
        path: &Path,
        function: &str,
        span: Option<Span>,
        label: String,
        sources: &SourceMap,
        limits: &Limits,
        diags: &mut Diagnostics,
    ) -> Option<Program> {
        let (file, ast) = self.load(path, span, sources, limits, diags)?;
        let has = ast.iter_functions().any(|f| f.name == function && f.params.len() == 1);
        if !has {
            let names: Vec<&str> = ast.iter_functions().map(|f| f.name).collect();
            let display = sources.get(file).name.clone();
            let d = Diagnostic::error(
                Code::UnknownFunction,
                format!("{display} has no function `{function}(e)` for {label}"),
            )
            .at_opt(span);
            diags.push(match did_you_mean(function, names.iter().copied()) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None if names.is_empty() => d.hint("define it: `fn name(e) { ... }`"),
                None => d.hint(format!("the file defines {}", names.join(", "))),
            });
            return None;
        }
        Some(Program {
            ast,
            function: Some(function.to_string()),
            origin: ProgramOrigin::File { file, display: sources.get(file).name.clone() },
            label,
            condition: false,
        })
    }
}

/// The most `functions × names` a script may have: Rhai's parser looks every name it reads up
/// among the functions defined before it, so compiling costs their product. 60,000 one-line
/// functions (1.4e10) compile in about a second; a 16 MiB file of them would take hours.
/// Real scripts are below 2,000.
const MAX_COMPILE_COST: u64 = 20_000_000_000;

/// E303 for a script whose compilation would take that long, counted from its words (an
/// overestimate: words in strings and comments count too) before Rhai sees it.
fn too_costly_to_compile(text: &str) -> Option<Diagnostic> {
    let words = text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty());
    let (mut functions, mut names) = (0u64, 0u64);
    for w in words {
        names += 1;
        functions += u64::from(w == "fn");
    }
    (functions.saturating_mul(names) > MAX_COMPILE_COST).then(|| {
        Diagnostic::error(
            Code::ScriptLimit,
            format!(
                "the script defines {functions} functions and has {names} names: too many to compile in reasonable time ({functions} × {names} is over {MAX_COMPILE_COST})"
            ),
        )
        .hint("split it into several script files, each with fewer functions")
    })
}

/// Script files compiled in this process, by display name, text and parse limits: `check`
/// compiles every script for itself, again for the chosen rule sets and once more per rule set
/// its lints score, and a 60,000-function file took a second each time. (Failures are not
/// kept: they are compiled again, so each pass reports them.)
type Compiled = HashMap<(String, Arc<str>, (usize, usize)), Arc<AST>>;

/// Most files kept: a long `watch` session sees each saved version once.
const MAX_COMPILED: usize = 256;

fn compiled() -> &'static std::sync::Mutex<Compiled> {
    static COMPILED: std::sync::OnceLock<std::sync::Mutex<Compiled>> = std::sync::OnceLock::new();
    COMPILED.get_or_init(Default::default)
}

/// A script's text: a regular UTF-8 file within the size cap.
fn read_script(path: &Path) -> Result<String, String> {
    let bytes = crate::files::read_capped(path, crate::files::MAX_TEXT_BYTES).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|_| "stream did not contain valid UTF-8".to_string())
}

fn compile_file(
    path: &Path,
    referenced_at: Option<Span>,
    sources: &SourceMap,
    limits: &Limits,
    diags: &mut Diagnostics,
) -> Option<(FileId, Arc<AST>)> {
    let existing = sources.find(path).map(|id| sources.get(id));
    let text: Arc<str> = match existing.and_then(|f| f.text.clone()) {
        Some(t) => t,
        None => match read_script(path) {
            Ok(t) => Arc::from(t),
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        Code::ScriptNotFound,
                        format!("cannot read script {}: {e}", crate::source::display_path(path)),
                    )
                    .at_opt(referenced_at)
                    .hint("script paths are relative to the rule file that names them"),
                );
                return None;
            }
        },
    };
    let file = sources.add(path, Some(Arc::clone(&text)));
    if let Some(d) = too_costly_to_compile(&text) {
        diags.push(d.at(crate::source::Span::new(file, 0..0)));
        return None;
    }
    let name = sources.get(file).name.clone();
    let key = (name.clone(), Arc::clone(&text), limits.expr_depth);
    if let Some(ast) = compiled().lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Some((file, Arc::clone(ast)));
    }
    let engine = crate::script::engine(None, limits);
    match engine.compile(&*text) {
        Ok(mut ast) => {
            ast.set_source(name);
            let ast = Arc::new(ast);
            let mut cache = compiled().lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() >= MAX_COMPILED {
                cache.clear();
            }
            cache.insert(key, Arc::clone(&ast));
            Some((file, ast))
        }
        Err(e) => {
            diags.push(syntax_diagnostic(&e, ScriptOrigin::File(file), sources));
            None
        }
    }
}
