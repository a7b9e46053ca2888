//! The augmentations of Zhu, Mousavi & Beroza (2020): random shift cut from a longer trace,
//! superimposed events, real noise at a target SNR, false-positive telemetry glitches, class
//! rebalancing (metadata bins, SMOTE) and synthetic clipping with the unclipped target.
//! Channel dropout that never drops every channel is [`crate::ChannelDropout`].

mod clipping;
mod events;
mod rebalance;
mod shift;
mod snr;
mod superimpose;
mod telemetry;

pub use clipping::SyntheticClipping;
pub use events::EventEnd;
pub use rebalance::{Rebalanced, Subset, metadata_values, rebalance_by_bins, smote};
pub use shift::RandomShiftCut;
pub use snr::{AddNoiseAtSnr, SnrWindow, snr_db};
pub use superimpose::SuperimposeEvent;
pub use telemetry::TelemetryGlitches;
