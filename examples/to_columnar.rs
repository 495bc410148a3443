//! Converts a CSV universe into Parquet or Arrow IPC with typed columns, for the benchmark and
//! the test fixtures (the round trips and the E9xx diagnostics are checked on its files).
//!
//! A column is Float64 when every non-empty cell reads as a number, text otherwise; `id`,
//! `name`, `kind` and `headquarters` are always text. `--types a=date,b=list,c=bool` asks for
//! a date32, list-of-strings (cells split at `;`) or boolean column. Empty cells are null.
//!
//! cargo run --release --example to_columnar -- IN.csv OUT.parquet [--row-group ROWS] [--types a=date]
//! (OUT.arrow: the IPC file format; OUT.arrows: the IPC stream format)
#![allow(clippy::print_stderr)] // a developer tool, not thesis
#![allow(missing_docs)]

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Date32Builder, Float64Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err(
            "usage: to_columnar IN.csv OUT.parquet|OUT.arrow|OUT.arrows [--row-group N] [--types a=date]".into()
        );
    };
    let (mut row_group, mut types) = (256 * 1024, HashMap::new());
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_default();
        match a.as_str() {
            "--row-group" => row_group = v.parse()?,
            "--types" => {
                for pair in v.split(',') {
                    let (c, t) = pair.split_once('=').ok_or("--types a=date,b=list")?;
                    types.insert(c.to_string(), t.to_string());
                }
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_path(&input)?;
    let header: Vec<String> = reader.headers()?.iter().map(|h| h.trim().to_string()).collect();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    for record in reader.records() {
        let record = record?;
        for (i, c) in cells.iter_mut().enumerate() {
            c.push(record.get(i).unwrap_or_default().trim().to_string());
        }
    }
    let text_roles = ["id", "name", "kind", "headquarters"];
    let arrays: Vec<ArrayRef> = header
        .iter()
        .zip(&cells)
        .map(|(name, col)| {
            let asked = types.get(name).map(String::as_str);
            let numeric =
                !text_roles.contains(&name.as_str()) && col.iter().all(|c| c.is_empty() || c.parse::<f64>().is_ok());
            match asked {
                Some("date") => date_column(col),
                Some("list") => list_column(col),
                Some("bool") => bool_column(col),
                Some("text") => text_column(col),
                _ if numeric => number_column(col),
                _ => text_column(col),
            }
        })
        .collect();
    let fields: Vec<Field> =
        header.iter().zip(&arrays).map(|(n, a)| Field::new(n, a.data_type().clone(), true)).collect();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?;
    let out = BufWriter::new(File::create(&output)?);
    if output.ends_with(".parquet") {
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::SNAPPY)
            .set_max_row_group_row_count(Some(row_group))
            .build();
        let mut w = parquet::arrow::ArrowWriter::try_new(out, batch.schema(), Some(props))?;
        w.write(&batch)?;
        w.close()?;
    } else if output.ends_with(".arrows") {
        let mut w = arrow_ipc::writer::StreamWriter::try_new(out, &batch.schema())?;
        for start in (0..batch.num_rows()).step_by(row_group.max(1)) {
            w.write(&batch.slice(start, row_group.min(batch.num_rows() - start)))?;
        }
        w.finish()?;
    } else {
        let mut w = arrow_ipc::writer::FileWriter::try_new(out, &batch.schema())?;
        for start in (0..batch.num_rows()).step_by(row_group.max(1)) {
            w.write(&batch.slice(start, row_group.min(batch.num_rows() - start)))?;
        }
        w.finish()?;
    }
    eprintln!("{output}: {} rows, {} columns", batch.num_rows(), batch.num_columns());
    Ok(())
}

fn number_column(col: &[String]) -> ArrayRef {
    let mut b = Float64Builder::with_capacity(col.len());
    for c in col {
        b.append_option(c.parse::<f64>().ok().filter(|_| !c.is_empty()));
    }
    Arc::new(b.finish())
}

fn text_column(col: &[String]) -> ArrayRef {
    let mut b = StringBuilder::new();
    for c in col {
        b.append_option((!c.is_empty()).then_some(c.as_str()));
    }
    Arc::new(b.finish())
}

fn bool_column(col: &[String]) -> ArrayRef {
    let mut b = BooleanBuilder::new();
    for c in col {
        b.append_option(match c.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        });
    }
    Arc::new(b.finish())
}

/// Days since 1970-01-01 of `YYYY-MM-DD` (Howard Hinnant's `days_from_civil`).
fn days(s: &str) -> Option<i32> {
    let mut p = s.split('-').map(|x| x.parse::<i64>().ok());
    let (y, m, d) = (p.next()??, p.next()??, p.next()??);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

fn date_column(col: &[String]) -> ArrayRef {
    let mut b = Date32Builder::new();
    for c in col {
        b.append_option(days(c));
    }
    Arc::new(b.finish())
}

fn list_column(col: &[String]) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for c in col {
        if c.is_empty() {
            b.append(false);
        } else {
            for item in c.split(';') {
                b.values().append_value(item.trim());
            }
            b.append(true);
        }
    }
    Arc::new(b.finish())
}
