/// The small statistics the dashboard needs, on plain arrays.
public enum Statistics {
    /// Arithmetic mean; nil for no values.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Nearest-rank percentile (`p` in 0...100) of unsorted values; nil for no values.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// Trailing moving average over `window` points (shorter at the start); same length as the input.
    public static func movingAverage(_ values: [Double], window: Int) -> [Double] {
        guard window > 0 else { return values }
        var out: [Double] = []
        var sum = 0.0
        for index in values.indices {
            sum += values[index]
            if index >= window { sum -= values[index - window] }
            out.append(sum / Double(min(index + 1, window)))
        }
        return out
    }
}

/// An ordinary least-squares line through equally spaced points `(i, y_i)`, i = 0, 1, …
public struct TrendLine: Sendable, Equatable, Codable {
    /// Change per step (per hour for hourly buckets).
    public var slope: Double
    /// Value of the line at step 0.
    public var intercept: Double
    /// Number of points fitted.
    public var points: Int

    /// Fits `values`; nil with fewer than two points.
    public init?(fitting values: [Double]) {
        let n = Double(values.count)
        guard values.count >= 2 else { return nil }
        let meanX = (n - 1) / 2
        let meanY = values.reduce(0, +) / n
        var sxy = 0.0
        var sxx = 0.0
        for (index, y) in values.enumerated() {
            let dx = Double(index) - meanX
            sxy += dx * (y - meanY)
            sxx += dx * dx
        }
        slope = sxy / sxx
        intercept = meanY - slope * meanX
        points = values.count
    }

    /// The line's value one step after the last point, never below zero (counts cannot be negative).
    public var nextForecast: Double { max(0, intercept + slope * Double(points)) }
}
