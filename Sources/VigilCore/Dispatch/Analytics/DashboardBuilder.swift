import Foundation

/// Computes a ``DashboardSnapshot`` from minute buckets and open-dispatch counts. Pure: the same
/// buckets and time give the same snapshot on every instance.
public enum DashboardBuilder {
    /// The windows and their lengths in minutes. A window of n minutes holds the bucket of the
    /// current (partial) minute and the n − 1 before it.
    public static let windows: [(name: String, minutes: Int64)] = [("1m", 1), ("5m", 5), ("1h", 60), ("24h", 1440)]

    /// The minute range a snapshot at `now` reads.
    public static func range(at now: Date) -> ClosedRange<Int64> {
        let current = DispatchMetricFields.minute(of: now)
        return (current - 1439)...current
    }

    /// Builds the snapshot.
    public static func snapshot(buckets: [Int64: [String: Int64]], open: [DispatchStatus: Int], at now: Date) -> DashboardSnapshot {
        let current = DispatchMetricFields.minute(of: now)
        let summaries = windows.map { window in
            summary(window.name, merged(buckets.filter { $0.key > current - window.minutes && $0.key <= current }.map(\.value)))
        }
        let lastHour = merged(buckets.filter { $0.key > current - 60 && $0.key <= current }.map(\.value))
        let hourly: [Int64] = (0..<24).reversed().map { hoursAgo in
            let end = current - Int64(hoursAgo) * 60
            return buckets.filter { $0.key > end - 60 && $0.key <= end }.reduce(0) { $0 + ($1.value["e:created"] ?? 0) }
        }
        let line = TrendLine(fitting: hourly.map(Double.init))
        return DashboardSnapshot(
            generatedAt: now,
            activeDispatches: (open[.assigned] ?? 0) + (open[.acknowledged] ?? 0),
            pendingDispatches: open[.created] ?? 0,
            windows: summaries, regions: regions(lastHour),
            trend: DispatchTrend(hourlyCreated: hourly, movingAverage: Statistics.movingAverage(hourly.map(Double.init), window: 3),
                                 slope: line?.slope, nextHourForecast: line?.nextForecast))
    }

    static func merged(_ buckets: [[String: Int64]]) -> [String: Int64] {
        buckets.reduce(into: [:]) { $0.merge($1, uniquingKeysWith: +) }
    }

    static func summary(_ name: String, _ fields: [String: Int64]) -> DispatchWindowSummary {
        var events: [String: Int64] = [:]
        for kind in DispatchEventKind.allCases { events[kind.rawValue] = fields["e:\(kind.rawValue)"] ?? 0 }
        return DispatchWindowSummary(window: name, events: events, timeToAcknowledge: latency("ta", fields),
                                     timeToResolve: latency("tr", fields))
    }

    static func latency(_ name: String, _ fields: [String: Int64]) -> LatencySummary? {
        guard let count = fields["\(name):n"], count > 0 else { return nil }
        var histogram: [Int: Int64] = [:]
        let prefix = "\(name):h:"
        for (field, value) in fields where field.hasPrefix(prefix) {
            if let bucket = Int(field.dropFirst(prefix.count)) { histogram[bucket] = value }
        }
        let mean = Double(fields["\(name):ms"] ?? 0) / 1000 / Double(count)
        return LatencySummary(count: count, mean: mean, p50: LatencyHistogram.percentile(histogram, 50) ?? mean,
                              p95: LatencyHistogram.percentile(histogram, 95) ?? mean, p99: LatencyHistogram.percentile(histogram, 99) ?? mean)
    }

    static func regions(_ fields: [String: Int64]) -> [RegionSummary] {
        var byRegion: [String: [String: Int64]] = [:]
        for (field, value) in fields where field.hasPrefix("r:") {
            // `r:<region>:<field>`: the region may hold ':', the field names never start with one.
            let rest = field.dropFirst(2)
            guard let split = ["e:", "ta:", "tr:"].compactMap({ rest.range(of: ":" + $0, options: .backwards) }).max(by: { $0.lowerBound < $1.lowerBound })
            else { continue }
            byRegion[String(rest[..<split.lowerBound]), default: [:]][String(rest[rest.index(after: split.lowerBound)...])] = value
        }
        return byRegion.keys.sorted().map { region in
            let cell = byRegion[region] ?? [:]
            var events: [String: Int64] = [:]
            for kind in DispatchEventKind.allCases { events[kind.rawValue] = cell["e:\(kind.rawValue)"] ?? 0 }
            func mean(_ name: String) -> Double? {
                guard let n = cell["\(name):n"], n > 0 else { return nil }
                return Double(cell["\(name):ms"] ?? 0) / 1000 / Double(n)
            }
            return RegionSummary(region: region, events: events, meanTimeToAcknowledge: mean("ta"), meanTimeToResolve: mean("tr"))
        }
    }
}
