//! The metadata table of a SeisBench dataset (`metadata.csv`): typed columns, unknown columns
//! preserved, rows as ordered key/value records.
//!
//! Standard SeisBench columns get fixed types (e.g. `trace_sampling_rate_hz` is a float,
//! `trace_component_order` a string, every `*_sample` column a float). Other columns are typed
//! by inference as pandas does: all integers → int, all numbers or empty → float, all
//! `True`/`False` → bool, anything else → string. Empty fields are [`Value::Missing`] (pandas'
//! NaN); in float columns the usual NaN spellings are missing as well.

use crate::{IoError, Result};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// One metadata value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Empty field / NaN.
    Missing,
    /// `True` / `False`.
    Bool(bool),
    /// Integer.
    Int(i64),
    /// Floating point.
    Float(f64),
    /// Text.
    Str(String),
}

impl Value {
    /// Numeric value as f64 (ints and bools convert; missing and strings give `None`; a float NaN
    /// gives `None` too).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(x) if !x.is_nan() => Some(*x),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        }
    }

    /// Text value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Integer value (floats with an integral value convert).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Some(*x as i64),
            _ => None,
        }
    }

    /// Whether the value is missing (empty field or NaN).
    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing) || matches!(self, Value::Float(x) if x.is_nan())
    }
}

impl fmt::Display for Value {
    /// CSV text as pandas writes it: missing → empty, floats with a decimal point.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Missing => Ok(()),
            Value::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) if x.is_nan() => Ok(()),
            Value::Float(x) if x.is_infinite() => f.write_str(if *x > 0.0 { "inf" } else { "-inf" }),
            Value::Float(x) if x.fract() == 0.0 && x.abs() < 1e16 => write!(f, "{x:.1}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Str(s) => f.write_str(s),
        }
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        if x.is_nan() { Value::Missing } else { Value::Float(x) }
    }
}
impl From<i64> for Value {
    fn from(x: i64) -> Self {
        Value::Int(x)
    }
}
impl From<usize> for Value {
    fn from(x: usize) -> Self {
        Value::Int(x as i64)
    }
}
impl From<bool> for Value {
    fn from(x: bool) -> Self {
        Value::Bool(x)
    }
}
impl From<&str> for Value {
    fn from(x: &str) -> Self {
        Value::Str(x.to_string())
    }
}
impl From<String> for Value {
    fn from(x: String) -> Self {
        Value::Str(x)
    }
}

/// Column type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Booleans.
    Bool,
    /// Integers.
    Int,
    /// Floats.
    Float,
    /// Strings.
    Str,
}

/// Fixed type of a standard SeisBench column, `None` for columns typed by inference.
pub fn standard_type(column: &str) -> Option<ColumnType> {
    const STR: &[&str] = &[
        "trace_name",
        "trace_name_original",
        "trace_chunk",
        "trace_component_order",
        "trace_channel",
        "trace_category",
        "trace_start_time",
        "trace_polarity",
        "trace_p_status",
        "trace_s_status",
        "split",
        "source_id",
        "source_origin_time",
        "source_magnitude_type",
        "source_magnitude_author",
        "source_type",
        "station_network_code",
        "station_code",
        "station_location_code",
    ];
    const INT: &[&str] = &["trace_npts"];
    if STR.contains(&column) {
        return Some(ColumnType::Str);
    }
    if INT.contains(&column) {
        return Some(ColumnType::Int);
    }
    const FLOAT_SUFFIXES: &[&str] =
        &["_sample", "_hz", "_s", "_deg", "_km", "_m", "_db", "_weight", "_uncertainty_s", "_sec"];
    let standard_prefix = ["trace_", "source_", "station_", "path_"].iter().any(|p| column.starts_with(p));
    if standard_prefix && FLOAT_SUFFIXES.iter().any(|s| column.ends_with(s)) {
        return Some(ColumnType::Float);
    }
    if matches!(column, "source_magnitude" | "trace_completeness" | "trace_snr_db") {
        return Some(ColumnType::Float);
    }
    None
}

const NA_STRINGS: &[&str] =
    &["", "NaN", "nan", "-NaN", "-nan", "NA", "N/A", "n/a", "NULL", "null", "None", "<NA>", "#N/A", "#NA", "1.#QNAN"];

fn parse_float(s: &str) -> Option<f64> {
    if NA_STRINGS.contains(&s) {
        return Some(f64::NAN);
    }
    match s {
        "inf" | "Infinity" | "+inf" => Some(f64::INFINITY),
        "-inf" | "-Infinity" => Some(f64::NEG_INFINITY),
        _ => s.trim().parse::<f64>().ok(),
    }
}

fn parse_as(kind: ColumnType, s: &str) -> Option<Value> {
    if s.is_empty() {
        return Some(Value::Missing);
    }
    match kind {
        ColumnType::Str => Some(Value::Str(s.to_string())),
        ColumnType::Int => s.trim().parse::<i64>().ok().map(Value::Int).or_else(|| {
            // pandas turns an int column with gaps into floats ("3000.0")
            parse_float(s).filter(|x| x.fract() == 0.0 || x.is_nan()).map(Value::from)
        }),
        ColumnType::Float => parse_float(s).map(Value::from),
        ColumnType::Bool => match s {
            "True" | "true" => Some(Value::Bool(true)),
            "False" | "false" => Some(Value::Bool(false)),
            _ => None,
        },
    }
}

fn infer_type(values: &[String]) -> ColumnType {
    let non_empty: Vec<&String> = values.iter().filter(|s| !s.is_empty()).collect();
    if non_empty.is_empty() {
        return ColumnType::Float;
    }
    if non_empty.len() == values.len() && non_empty.iter().all(|s| s.trim().parse::<i64>().is_ok()) {
        return ColumnType::Int;
    }
    if non_empty.iter().all(|s| matches!(s.as_str(), "True" | "False")) {
        return ColumnType::Bool;
    }
    if values.iter().all(|s| parse_float(s).is_some()) {
        return ColumnType::Float;
    }
    ColumnType::Str
}

/// An ordered record: column name → value, in column order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    entries: Vec<(String, Value)>,
}

impl Row {
    /// An empty row.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder-style insert.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.set(key, value);
        self
    }

    /// Set a value (replacing in place, or appending a new key at the end).
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key.to_string(), value)),
        }
    }

    /// Look a value up.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Remove a key.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(i).1)
    }

    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the row is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (k.as_str(), v))
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Row {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut r = Row::new();
        for (k, v) in iter {
            let k: String = k.into();
            r.set(&k, v);
        }
        r
    }
}

/// A typed metadata table (column-major).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    names: Vec<String>,
    types: Vec<ColumnType>,
    columns: Vec<Vec<Value>>,
    lookup: HashMap<String, usize>,
    n_rows: usize,
}

impl Metadata {
    /// Parse CSV text (header line + rows, as pandas `to_csv(index=False)` writes it).
    /// `path` only labels errors. Requires a `trace_name` column.
    pub fn from_csv_bytes(bytes: &[u8], path: &Path) -> Result<Self> {
        let csv_err = |line: u64, message: String| IoError::Csv { path: path.to_path_buf(), line, message };
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes);
        let headers = rdr.headers().map_err(|e| csv_err(1, e.to_string()))?.clone();
        let names: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        if names.is_empty() || (names.len() == 1 && names[0].is_empty()) {
            return Err(IoError::Empty { what: "metadata CSV header" });
        }
        let mut lookup = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            if lookup.insert(n.clone(), i).is_some() {
                return Err(csv_err(1, format!("duplicate column {n:?}")));
            }
        }
        if !lookup.contains_key("trace_name") {
            return Err(IoError::MissingColumn { column: "trace_name".into() });
        }
        let mut raw: Vec<Vec<String>> = vec![Vec::new(); names.len()];
        for rec in rdr.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                csv_err(line, e.to_string())
            })?;
            for (c, field) in rec.iter().enumerate() {
                raw[c].push(field.to_string());
            }
        }
        let n_rows = raw.first().map(Vec::len).unwrap_or(0);
        let mut types = Vec::with_capacity(names.len());
        let mut columns = Vec::with_capacity(names.len());
        for (name, vals) in names.iter().zip(raw) {
            let kind = standard_type(name).unwrap_or_else(|| infer_type(&vals));
            let mut col = Vec::with_capacity(vals.len());
            for (row, s) in vals.into_iter().enumerate() {
                let v = parse_as(kind, &s).ok_or_else(|| IoError::InvalidValue {
                    column: name.clone(),
                    row,
                    value: s.clone(),
                    expected: match kind {
                        ColumnType::Bool => "bool",
                        ColumnType::Int => "integer",
                        ColumnType::Float => "float",
                        ColumnType::Str => "string",
                    },
                })?;
                col.push(v);
            }
            types.push(kind);
            columns.push(col);
        }
        Ok(Self { names, types, columns, lookup, n_rows })
    }

    /// Read a metadata CSV file.
    pub fn read_csv(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| IoError::io(path, e))?;
        Self::from_csv_bytes(&bytes, path)
    }

    /// Build a table from rows; columns in order of first appearance (as pandas does for a
    /// list of dicts), absent entries missing. Column types follow the standard schema, else the
    /// values (a column holding only ints is int, ints and floats → float, anything with a
    /// string → string).
    pub fn from_rows(rows: &[Row]) -> Self {
        let mut names: Vec<String> = Vec::new();
        let mut lookup: HashMap<String, usize> = HashMap::new();
        for r in rows {
            for (k, _) in r.iter() {
                if !lookup.contains_key(k) {
                    lookup.insert(k.to_string(), names.len());
                    names.push(k.to_string());
                }
            }
        }
        let mut columns: Vec<Vec<Value>> = vec![vec![Value::Missing; rows.len()]; names.len()];
        for (i, r) in rows.iter().enumerate() {
            for (k, v) in r.iter() {
                columns[lookup[k]][i] = v.clone();
            }
        }
        let types = names
            .iter()
            .zip(&columns)
            .map(|(n, col)| {
                standard_type(n).unwrap_or_else(|| {
                    let mut t: Option<ColumnType> = None;
                    for v in col {
                        let vt = match v {
                            Value::Missing => continue,
                            Value::Bool(_) => ColumnType::Bool,
                            Value::Int(_) => ColumnType::Int,
                            Value::Float(_) => ColumnType::Float,
                            Value::Str(_) => ColumnType::Str,
                        };
                        t = Some(match (t, vt) {
                            (None, x) => x,
                            (Some(a), b) if a == b => a,
                            (Some(ColumnType::Int), ColumnType::Float) | (Some(ColumnType::Float), ColumnType::Int) => {
                                ColumnType::Float
                            }
                            _ => ColumnType::Str,
                        });
                    }
                    t.unwrap_or(ColumnType::Float)
                })
            })
            .collect();
        Self { names, types, columns, lookup, n_rows: rows.len() }
    }

    /// CSV text as pandas `to_csv(index=False)` writes it.
    pub fn to_csv_bytes(&self) -> Result<Vec<u8>> {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        let csv_err = |e: csv::Error| IoError::Csv { path: Default::default(), line: 0, message: e.to_string() };
        w.write_record(&self.names).map_err(csv_err)?;
        for i in 0..self.n_rows {
            w.write_record(self.columns.iter().map(|c| c[i].to_string())).map_err(csv_err)?;
        }
        w.into_inner().map_err(|e| IoError::Csv { path: Default::default(), line: 0, message: e.to_string() })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.n_rows
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.n_rows == 0
    }

    /// Column names in file order.
    pub fn columns(&self) -> &[String] {
        &self.names
    }

    /// Type of a column.
    pub fn column_type(&self, name: &str) -> Option<ColumnType> {
        self.lookup.get(name).map(|&i| self.types[i])
    }

    /// All values of a column.
    pub fn column(&self, name: &str) -> Option<&[Value]> {
        self.lookup.get(name).map(|&i| self.columns[i].as_slice())
    }

    /// One value.
    pub fn get(&self, row: usize, name: &str) -> Option<&Value> {
        self.lookup.get(name).and_then(|&i| self.columns[i].get(row))
    }

    /// One row as an ordered record.
    pub fn row(&self, row: usize) -> Option<Row> {
        if row >= self.n_rows {
            return None;
        }
        Some(Row { entries: self.names.iter().zip(&self.columns).map(|(n, c)| (n.clone(), c[row].clone())).collect() })
    }

    /// Add or replace a column (length must equal the row count).
    pub fn set_column(&mut self, name: &str, kind: ColumnType, values: Vec<Value>) -> Result<()> {
        if values.len() != self.n_rows {
            return Err(IoError::ShapeMismatch {
                what: format!("metadata column {name:?}"),
                expected: self.n_rows.to_string(),
                got: values.len().to_string(),
            });
        }
        match self.lookup.get(name) {
            Some(&i) => {
                self.columns[i] = values;
                self.types[i] = kind;
            }
            None => {
                self.lookup.insert(name.to_string(), self.names.len());
                self.names.push(name.to_string());
                self.types.push(kind);
                self.columns.push(values);
            }
        }
        Ok(())
    }

    /// Append the rows of another table (columns united; absent values missing). Column types
    /// must agree where both tables have a column (int and float unite to float).
    pub(crate) fn append(&mut self, other: Metadata) -> Result<()> {
        let n0 = self.n_rows;
        for (j, name) in other.names.iter().enumerate() {
            if !self.lookup.contains_key(name) {
                self.set_column(name, other.types[j], vec![Value::Missing; n0])?;
            }
        }
        for (i, name) in self.names.iter().enumerate() {
            match other.lookup.get(name) {
                Some(&j) => {
                    let (a, b) = (self.types[i], other.types[j]);
                    self.types[i] = match (a, b) {
                        _ if a == b => a,
                        (ColumnType::Int, ColumnType::Float) | (ColumnType::Float, ColumnType::Int) => {
                            ColumnType::Float
                        }
                        _ => ColumnType::Str,
                    };
                    self.columns[i].extend(other.columns[j].iter().cloned());
                }
                None => self.columns[i].extend(std::iter::repeat_n(Value::Missing, other.n_rows)),
            }
        }
        self.n_rows += other.n_rows;
        Ok(())
    }
}
