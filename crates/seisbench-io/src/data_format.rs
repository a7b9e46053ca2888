//! The `/data_format` group of a SeisBench waveform file: scalar datasets describing how the
//! waveforms are stored (dimension order, component order, sampling rate, units).

use crate::metadata::Value;
use crate::{IoError, Result};
use std::path::Path;

/// Contents of `/data_format`.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFormat {
    /// Order of the dimensions of one trace, `"CW"` (channels × samples) or `"WC"`. seisbench
    /// assumes `"CW"` when absent.
    pub dimension_order: String,
    /// Component order of the stored channels, e.g. `"ZNE"`.
    pub component_order: Option<String>,
    /// Sampling rate shared by all traces (Hz).
    pub sampling_rate: Option<f64>,
    /// Physical quantity, e.g. `"velocity"` (informational).
    pub measurement: Option<String>,
    /// Unit, e.g. `"counts"` (informational).
    pub unit: Option<String>,
    /// Instrument response note (informational).
    pub instrument_response: Option<String>,
    /// Any other keys, in file order.
    pub extra: Vec<(String, Value)>,
}

impl Default for DataFormat {
    fn default() -> Self {
        Self {
            dimension_order: "CW".into(),
            component_order: Some("ZNE".into()),
            sampling_rate: None,
            measurement: None,
            unit: None,
            instrument_response: None,
            extra: Vec::new(),
        }
    }
}

impl DataFormat {
    /// Entries in the order the writer stores them.
    pub(crate) fn entries(&self) -> Vec<(String, Value)> {
        let mut v = vec![("dimension_order".to_string(), Value::Str(self.dimension_order.clone()))];
        if let Some(c) = &self.component_order {
            v.push(("component_order".into(), Value::Str(c.clone())));
        }
        if let Some(sr) = self.sampling_rate {
            v.push(("sampling_rate".into(), Value::Float(sr)));
        }
        for (k, o) in [
            ("measurement", &self.measurement),
            ("unit", &self.unit),
            ("instrument_response", &self.instrument_response),
        ] {
            if let Some(s) = o {
                v.push((k.into(), Value::Str(s.clone())));
            }
        }
        v.extend(self.extra.iter().cloned());
        v
    }

    /// Read `/data_format` of an open file; a missing group gives the defaults seisbench
    /// assumes (`"CW"`, no component order).
    pub(crate) fn read(file: &hdf5_pure::File, path: &Path) -> Result<Self> {
        let mut df = DataFormat { component_order: None, ..DataFormat::default() };
        let group = match file.group("data_format") {
            Ok(g) => g,
            Err(_) => return Ok(df),
        };
        let names = group.datasets().map_err(|e| IoError::hdf5(path, "data_format", e))?;
        for name in names {
            let obj = format!("data_format/{name}");
            let ds = file.dataset(&obj).map_err(|e| IoError::hdf5(path, &obj, e))?;
            let dtype = ds.dtype().map_err(|e| IoError::hdf5(path, &obj, e))?;
            let value = match dtype {
                hdf5_pure::DType::String | hdf5_pure::DType::VariableLengthString => {
                    let s = ds.read_string().map_err(|e| IoError::hdf5(path, &obj, e))?;
                    Value::Str(s.into_iter().next().unwrap_or_default())
                }
                _ => {
                    let x = ds.read_f64().map_err(|e| IoError::hdf5(path, &obj, e))?;
                    match x.as_slice() {
                        [v] => Value::Float(*v),
                        _ => Value::Str(format!("{x:?}")),
                    }
                }
            };
            match (name.as_str(), value) {
                ("dimension_order", Value::Str(s)) => df.dimension_order = s,
                ("component_order", Value::Str(s)) => df.component_order = Some(s),
                ("sampling_rate", Value::Float(x)) => df.sampling_rate = Some(x),
                ("measurement", Value::Str(s)) => df.measurement = Some(s),
                ("unit", Value::Str(s)) => df.unit = Some(s),
                ("instrument_response", Value::Str(s)) => df.instrument_response = Some(s),
                (_, v) => df.extra.push((name.clone(), v)),
            }
        }
        if !matches!(df.dimension_order.as_str(), "CW" | "WC") {
            return Err(IoError::invalid(
                "data_format/dimension_order",
                &df.dimension_order,
                "expected \"CW\" or \"WC\"",
            ));
        }
        Ok(df)
    }

    /// The first key whose value differs from `other`'s, if any.
    pub(crate) fn first_difference(&self, other: &DataFormat) -> Option<String> {
        let a = self.entries();
        let b = other.entries();
        for (k, v) in &a {
            if b.iter().find(|(k2, _)| k2 == k).map(|(_, v2)| v2) != Some(v) {
                return Some(k.clone());
            }
        }
        b.iter().find(|(k, _)| !a.iter().any(|(k2, _)| k2 == k)).map(|(k, _)| k.clone())
    }
}
