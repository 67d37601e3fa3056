//! How long the device took for work it does for a page, put in the browser's performance
//! timeline (User Timing), so benchmarks (`end2end/device.mjs`) read it without timing the
//! page around it. Nothing is shown or sent.

/// Runs `work`, recording its duration under `name` (`performance.getEntriesByName`).
pub fn measure<T>(name: &str, work: impl FnOnce() -> T) -> T {
    #[cfg(feature = "hydrate")]
    {
        let performance = web_sys::window().and_then(|w| w.performance());
        let start = format!("{name}:start");
        if let Some(p) = &performance {
            // A browser without User Timing simply has no measure: it is only read by benchmarks.
            p.mark(&start).ok();
        }
        let result = work();
        if let Some(p) = &performance {
            p.measure_with_start_mark(name, &start).ok();
            p.clear_marks_with_mark_name(&start);
        }
        result
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        work()
    }
}
