import Histogram

/// Prints a latency histogram (recorded in nanoseconds) as a one-line-per-figure table.
enum LatencyReport {
    /// The standard percentiles of `histogram` in milliseconds, as a Markdown table.
    static func table(_ histogram: Histogram<UInt64>, title: String) -> String {
        guard histogram.totalCount > 0 else { return "\(title): no latencies recorded" }
        var lines = ["\(title) (\(Stats.grouped(Int(histogram.totalCount))) samples, ms)",
                     "| p50 | p90 | p99 | p99.9 | max | mean |", "|---|---|---|---|---|---|"]
        let values = [50.0, 90, 99, 99.9].map { Stats.millis(histogram.valueAtPercentile($0)) }
        lines.append("| " + (values + [Stats.millis(histogram.max), Stats.millis(UInt64(histogram.mean))]).joined(separator: " | ") + " |")
        return lines.joined(separator: "\n")
    }

    /// Whether the p99 is at most `limit` nanoseconds.
    static func p99(_ histogram: Histogram<UInt64>, atMost limit: UInt64) -> Bool {
        histogram.totalCount > 0 && histogram.valueAtPercentile(99) <= limit
    }
}
