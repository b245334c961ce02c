import Foundation
import CoreFoundation

/// Monotonic nanoseconds (CLOCK_MONOTONIC), cheap enough to read per message on any thread.
enum Monotonic {
    /// Nanoseconds since an arbitrary fixed point.
    static func nanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// CPU time consumed by the calling thread, in nanoseconds. On a shared machine this is what
    /// "on one core" means: wall time also counts the moments other processes held the core.
    static func threadCPUNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Sleeps until the monotonic clock reads `deadline` (returns at once if it has passed).
    static func sleep(until deadline: UInt64) {
        let now = nanos()
        guard deadline > now else { return }
        var ts = timespec(tv_sec: Int((deadline - now) / 1_000_000_000), tv_nsec: Int((deadline - now) % 1_000_000_000))
        nanosleep(&ts, nil)
    }
}

/// Small statistics helpers for repeated runs.
enum Stats {
    /// The median of `values` (the mean of the middle two for an even count).
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// A rate with thousands separators, e.g. `512,345/s`.
    static func rate(_ perSecond: Double) -> String { "\(grouped(Int(perSecond.rounded())))/s" }

    /// An integer with thousands separators.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, char) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(char)
        }
        return value < 0 ? "-" + out : out
    }

    /// Microseconds from nanoseconds, with two decimals.
    static func micros(_ nanos: UInt64) -> String { String(format: "%.2f", Double(nanos) / 1000) }

    /// Milliseconds from nanoseconds, with three decimals.
    static func millis(_ nanos: UInt64) -> String { String(format: "%.3f", Double(nanos) / 1_000_000) }
}
