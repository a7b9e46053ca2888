//! Time–frequency images: continuous Morlet wavelet transform and superlets.
