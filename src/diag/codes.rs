//! The stable diagnostic codes: one per kind of problem, never renumbered (documented in the README).

macro_rules! codes {
    ($( $variant:ident = $code:literal, $slug:literal, $title:literal; )*) => {
        /// A stable diagnostic code. The string (`E203`) never changes meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( #[doc = $title] $variant, )* }

        impl Code {
            /// Every code, E-codes by stage, then W-codes.
            pub const ALL: &'static [Code] = &[$( Code::$variant, )*];

            /// The code as printed: `E203`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// A short kebab-case name, used to name test fixtures.
            pub fn slug(self) -> &'static str {
                match self { $( Code::$variant => $slug, )* }
            }

            /// One line saying what the code means.
            pub fn title(self) -> &'static str {
                match self { $( Code::$variant => $title, )* }
            }
        }
    };
}

codes! {
    YamlSyntax = "E001", "yaml-syntax", "the file is not valid YAML";
    WrongType = "E002", "wrong-type", "a value has the wrong type";
    UnknownKey = "E003", "unknown-key", "a key that this file format does not have";
    MissingKey = "E004", "missing-key", "a required key is missing";
    DuplicateKey = "E005", "duplicate-key", "a key appears twice in one mapping";
    BadNumber = "E006", "bad-number", "a number that is not finite or does not fit a 64-bit float";
    TooLarge = "E007", "too-large", "a file too large or too deeply nested to load safely";
    UnknownValue = "E008", "unknown-value", "a value that is not one of the allowed words";
    UnknownFile = "E009", "unknown-file", "a file that is neither a rule set nor a dataset";
    OutsideRoot = "E010", "outside-root", "a file, script or link that leads outside the project root";

    DuplicateId = "E101", "duplicate-id", "two entities share an id";
    DanglingRelation = "E102", "dangling-relation", "a relation names an entity that does not exist";
    ExposureSum = "E103", "exposure-sum", "exposure weights do not add up to 1";
    UndeclaredAttribute = "E104", "undeclared-attribute", "an attribute value with no declaration";
    AttributeType = "E105", "attribute-type", "an attribute value does not match its declared type";
    BadDate = "E106", "bad-date", "a date that is not YYYY, YYYY-MM or YYYY-MM-DD";
    BadGrade = "E107", "bad-grade", "a source grade that is not A, B or C";
    CsvFormat = "E108", "csv-format", "a CSV file whose header or rows are malformed";
    ConflictingDeclaration = "E109", "conflicting-declaration", "an attribute declared twice with different types, or declared again with a unit, description, `key_figure:` label or `descriptive:` the first declaration does not have (it would be lost)";
    BadName = "E110", "bad-name", "an id or attribute name that is empty, reserved or malformed";
    BadExposure = "E111", "bad-exposure", "an exposure weight outside (0, 1]";

    UnknownAttribute = "E201", "unknown-attribute", "a rule reads an attribute that no dataset declares";
    UnknownCategory = "E202", "unknown-category", "a factor belongs to a category the rule set does not weight";
    NonPositiveWeight = "E203", "non-positive-weight", "a weight that is zero or negative";
    BandOverlap = "E204", "band-overlap", "two bands cover the same values";
    BandGap = "E205", "band-gap", "bands that leave values uncovered";
    BadScale = "E206", "bad-scale", "a scale that cannot map values to points";
    DuplicateRuleId = "E207", "duplicate-rule-id", "two factors, gates, adjustments, ratings or rule sets share a name";
    UnknownRuleSet = "E208", "unknown-rule-set", "a rule set name that no rule file defines";
    ExtendsCycle = "E209", "extends-cycle", "rule sets that extend each other in a cycle";
    DependencyCycle = "E210", "dependency-cycle", "roll-ups that depend on each other in a cycle";
    KindMismatch = "E211", "kind-mismatch", "a rule that mixes entity kinds or value types that do not fit";
    RuleSetSelection = "E212", "rule-set-selection", "no single rule set to use for a kind";
    UnknownRating = "E213", "unknown-rating", "a rating label that the rule set's bands do not define";
    IncompleteRule = "E214", "incomplete-rule", "a factor without its input, category, weight or description";
    UnknownFunction = "E215", "unknown-function", "a script function that the script file does not define";
    UnknownFactor = "E216", "unknown-factor", "a factor id that the base rule set does not have";
    EmptyRuleSet = "E217", "empty-rule-set", "a rule set or category with nothing to score";
    TooManyRules = "E218", "too-many-rules", "more gates, adjustments or rating bands than the engine tracks";

    ScriptSyntax = "E301", "script-syntax", "a Rhai script or expression that does not compile";
    ScriptRuntime = "E302", "script-runtime", "a Rhai script failed while evaluating an entity";
    ScriptLimit = "E303", "script-limit", "a Rhai script hit a sandbox limit";
    ScriptType = "E304", "script-type", "a Rhai script returned a value of the wrong type";
    ScriptNotFound = "E305", "script-not-found", "a script file that cannot be read";

    MissingData = "E401", "missing-data", "a factor with the `fail` policy has no value for an entity";

    TemplateError = "E501", "template-error", "a memo template that does not parse or render";

    UnknownTestEntity = "E601", "unknown-test-entity", "a test case names an entity that no dataset has";
    UnknownTestName = "E602", "unknown-test-name", "a test case expects a factor, gate, adjustment or rating its rule set lacks";
    EmptyTest = "E603", "empty-test", "a test case that expects nothing";
    DuplicateTest = "E604", "duplicate-test", "two test cases of one file share a name";
    ConflictingDates = "E610", "conflicting-dates", "an observation gives both `as_of` and `period`";
    RepeatedObservation = "E611", "repeated-observation", "two observations of one attribute share period and publication date";
    LongFormat = "E612", "long-format", "a long-layout row that names no entity or attribute, an entity it cannot define, or a value another file gives";

    BadCoverageFloor = "E701", "bad-coverage-floor", "a coverage floor that is not a percentage from 0 to 100";
    UnknownTable = "E702", "unknown-table", "a `tables:` entry that names no CSV, Parquet or Arrow file of the dataset";
    DuplicateTable = "E703", "duplicate-table", "a table file declared in two `tables:` entries";

    RobustConditionReadsScore = "E750", "robust-condition-reads-score", "`thesis robust` cannot hold a gate or adjustment that reads `score` or `rating` fixed while weights vary";
    RobustNothingToVary = "E751", "robust-nothing-to-vary", "`thesis robust --vary` names no weights SMAA can vary";

    UnknownSource = "E801", "unknown-source", "a `cite:` names a source that no registry declares";
    BadUrl = "E802", "bad-url", "a source address that is not a well-formed http(s) URL";
    DuplicateSource = "E803", "duplicate-source", "two sources of the registry share an id";
    BadLabel = "E804", "bad-label", "a factor label or key-figure label that is not a short name (one to four words)";

    ColumnarFile = "E901", "columnar-file", "a Parquet or Arrow IPC file that cannot be read";
    ColumnType = "E902", "column-type", "a Parquet or Arrow column whose type does not fit its role or attribute";

    UnusedAttribute = "W101", "unused-attribute", "an attribute that no rule of its kind reads";
    IrrelevantFactor = "W201", "irrelevant-factor", "a factor whose weight gives it under 1% of the total";
    UnreachableRating = "W202", "unreachable-rating", "a rating band that no total can reach";
    UnreachableBand = "W203", "unreachable-band", "a scale band that no value of its input can reach";
    IneffectiveOverride = "W204", "ineffective-override", "an `extends` override that changes nothing";
    VersionNotBumped = "W205", "version-not-bumped", "a rule set whose content changed but whose `version` did not";
    GateNeverFires = "W401", "gate-never-fires", "a gate that fires for no entity of the data";
    GateAlwaysFires = "W402", "gate-always-fires", "a gate that fires for every entity of the data";
    SparseData = "W403", "sparse-data", "a rule that reads data most entities lack, and skips them";
    UnsourcedValue = "W701", "unsourced-value", "a value that feeds a factor but cites no source and marks no judgment";
    UndatedObservation = "W610", "undated-observation", "an observation in a series of several with no date";
    UnusedSource = "W801", "unused-source", "a registry source that no observation cites";
}
