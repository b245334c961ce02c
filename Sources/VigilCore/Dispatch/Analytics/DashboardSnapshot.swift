public import Foundation

/// Mean and percentiles of one latency over a window (seconds).
public struct LatencySummary: Sendable, Codable, Equatable {
    /// Number of samples.
    public var count: Int64
    /// Exact mean (from the summed milliseconds).
    public var mean: Double
    /// Percentiles from ``LatencyHistogram`` (relative error ≤ 4.9%).
    public var p50: Double
    /// 95th percentile.
    public var p95: Double
    /// 99th percentile.
    public var p99: Double
}

/// Counts and latencies over one sliding window.
public struct DispatchWindowSummary: Sendable, Codable, Equatable {
    /// `1m`, `5m`, `1h` or `24h`.
    public var window: String
    /// Events by kind.
    public var events: [String: Int64]
    /// Time to acknowledge, nil without samples.
    public var timeToAcknowledge: LatencySummary?
    /// Time to resolve, nil without samples.
    public var timeToResolve: LatencySummary?

    enum CodingKeys: String, CodingKey {
        case window, events
        case timeToAcknowledge = "time_to_acknowledge"
        case timeToResolve = "time_to_resolve"
    }
}

/// One region's cell of the heatmap (over the last hour).
public struct RegionSummary: Sendable, Codable, Equatable {
    /// The region.
    public var region: String
    /// Events by kind.
    public var events: [String: Int64]
    /// Mean time to acknowledge, seconds.
    public var meanTimeToAcknowledge: Double?
    /// Mean time to resolve, seconds.
    public var meanTimeToResolve: Double?

    enum CodingKeys: String, CodingKey {
        case region, events
        case meanTimeToAcknowledge = "mean_time_to_acknowledge"
        case meanTimeToResolve = "mean_time_to_resolve"
    }
}

/// Dispatch volume per hour over the last 24 hours, its moving average and trend.
public struct DispatchTrend: Sendable, Codable, Equatable {
    /// Dispatches created per hour, oldest first; the last is the hour ending now.
    public var hourlyCreated: [Int64]
    /// Trailing 3-hour moving average of `hourlyCreated`.
    public var movingAverage: [Double]
    /// Least-squares slope, dispatches per hour per hour.
    public var slope: Double?
    /// The fitted line's value for the next hour (≥ 0).
    public var nextHourForecast: Double?

    enum CodingKeys: String, CodingKey {
        case slope
        case hourlyCreated = "hourly_created"
        case movingAverage = "moving_average"
        case nextHourForecast = "next_hour_forecast"
    }
}

/// The dashboard: `GET /api/v1/dashboard` and `vigil.dashboard.snapshot`.
public struct DashboardSnapshot: Sendable, Codable, Equatable {
    /// When it was computed.
    public var generatedAt: Date
    /// Assigned or acknowledged, not resolved or cancelled.
    public var activeDispatches: Int
    /// Created, not yet assigned.
    public var pendingDispatches: Int
    /// 1 min, 5 min, 1 h and 24 h windows.
    public var windows: [DispatchWindowSummary]
    /// Per-region heatmap cells over the last hour, by region name.
    public var regions: [RegionSummary]
    /// Hourly trend.
    public var trend: DispatchTrend

    enum CodingKeys: String, CodingKey {
        case windows, regions, trend
        case generatedAt = "generated_at"
        case activeDispatches = "active_dispatches"
        case pendingDispatches = "pending_dispatches"
    }
}
