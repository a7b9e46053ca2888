//! kymatio-style zero-mean Morlet filter banks with per-filter subsampling (`Scattering1D`).
