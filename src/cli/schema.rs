//! `thesis schema`: the JSON Schemas of the file formats, printed or written to a directory.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::output::{to_stdout, write_output};
use crate::Error;
use crate::load::schema::{Format, schema_text};

/// What `thesis schema` was asked for.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  thesis schema rules              the JSON Schema of rule files, on standard output
  thesis schema --write schemas    all four, as the editors' schema files")]
pub(crate) struct SchemaArgs {
    /// Which file format to print.
    #[arg(required_unless_present = "write")]
    pub format: Option<Format>,
    /// Write all four schemas into this directory instead (rules.schema.json, dataset.schema.json,
    /// tests.schema.json, sources.schema.json).
    #[arg(long, value_name = "DIR", conflicts_with = "format")]
    pub write: Option<PathBuf>,
}

pub(super) fn run(args: &SchemaArgs) -> Result<ExitCode, Error> {
    match (&args.write, args.format) {
        (Some(dir), _) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            for f in Format::ALL {
                let text = schema_text(f);
                write_output(&dir.join(f.file_name()), |out| out.write_all(text.as_bytes()))?;
            }
        }
        (None, Some(f)) => to_stdout(|out| out.write_all(schema_text(f).as_bytes()))?,
        (None, None) => {
            return Err(Error::Usage("name a format (rules, dataset, tests, sources) or --write DIR".into()));
        }
    }
    Ok(ExitCode::SUCCESS)
}
