//! Golden parity of the analytic signal (scipy.signal.hilbert) and envelope
//! (obspy.signal.filter.envelope). Tolerance: two FFTs in different libraries, 1e-12 of the
//! signal's peak.

use seis_core::envelope::{Hilbert, analytic_signal, envelope};
use seisml_testkit::{Golden, Tolerance};

#[test]
fn analytic_signal_and_envelope_match_scipy_and_obspy() {
    let mut g = Golden::open("seis-core", "envelope.npz");
    for n in [1usize, 2, 7, 512, 1001] {
        let x = g.array1(&format!("x_{n}"));
        let a = analytic_signal(x.view()).unwrap();
        for (part, got) in [("re", a.mapv(|c| c.re)), ("im", a.mapv(|c| c.im))] {
            let e = g.array1(&format!("analytic_{part}_{n}"));
            Tolerance::scaled(1e-12, 1e-12, x.view()).assert_close(
                &format!("analytic {part} n={n}"),
                got.view(),
                e.view(),
            );
        }
        let e = g.array1(&format!("envelope_{n}"));
        let env = envelope(x.view()).unwrap();
        Tolerance::scaled(1e-12, 1e-12, e.view()).assert_close(&format!("envelope n={n}"), env.view(), e.view());
        assert_eq!(Hilbert::new(n).unwrap().envelope(x.view()).unwrap(), env);
    }
}
