import Foundation
import Testing
@testable import VigilCore

@Suite("Dispatch analytics")
struct DispatchAnalyticsTests {
    @Test func meanPercentileAndMovingAverage() {
        let values = (1...100).map(Double.init)
        #expect(Statistics.mean(values) == 50.5)
        #expect(Statistics.percentile(values, 50) == 50 && Statistics.percentile(values, 95) == 95 && Statistics.percentile(values, 99) == 99)
        #expect(Statistics.percentile([], 50) == nil)
        #expect(Statistics.movingAverage([3, 6, 9, 12], window: 3) == [3, 4.5, 6, 9])
    }

    @Test func leastSquaresSlopeAndForecastOnKnownData() throws {
        let line = try #require(TrendLine(fitting: [1, 3, 5, 7]))
        #expect(line.slope == 2 && line.intercept == 1 && line.nextForecast == 9)
        let noisy = try #require(TrendLine(fitting: [2, 4, 3, 5]))
        #expect(abs(noisy.slope - 0.8) < 1e-12 && abs(noisy.intercept - 2.3) < 1e-12)
        #expect(abs(noisy.nextForecast - 5.5) < 1e-12)
        #expect(TrendLine(fitting: [10, 5, 0])?.nextForecast == 0, "a forecast never goes below zero")
        #expect(TrendLine(fitting: [1]) == nil)
    }

    @Test func histogramPercentilesStayWithinTheDocumentedError() {
        let samples = (1...1000).map { Double($0) * 0.37 }
        var histogram: [Int: Int64] = [:]
        for sample in samples { histogram[LatencyHistogram.bucket(of: sample), default: 0] += 1 }
        for p in [50.0, 95, 99] {
            let exact = Statistics.percentile(samples, p) ?? 0
            let estimate = LatencyHistogram.percentile(histogram, p) ?? 0
            #expect(abs(estimate - exact) / exact <= 0.1, "p\(p): \(estimate) vs \(exact)")
        }
        #expect(LatencyHistogram.bucket(of: 0) == 0 && LatencyHistogram.bucket(of: 1e9) == LatencyHistogram.bucketCount - 1)
    }

    @Test func snapshotWindowsRegionsAndTrend() throws {
        let clock = ManualClock(t0)
        let states = InMemoryDispatchStateStore()
        let monitor = SLAMonitor(lifecycle: DispatchLifecycle(policies: shortPolicies), states: states,
                                 timers: InMemorySLATimerStore(), clock: clock)
        let metrics = InMemoryDispatchMetricsStore()
        // Two dispatches an hour ago (one acknowledged in 30 s), three now in two regions.
        var events = [DispatchEvent(dispatchID: "old-1", kind: .created, severity: .critical, region: "eu", timestamp: t0.addingTimeInterval(-3600)),
                      DispatchEvent(dispatchID: "old-2", kind: .created, severity: .critical, region: "eu", timestamp: t0.addingTimeInterval(-3600)),
                      DispatchEvent(dispatchID: "old-1", kind: .acknowledged, severity: .critical, region: "eu", timestamp: t0.addingTimeInterval(-3570))]
        for (index, region) in ["eu", "us", "us"].enumerated() {
            events.append(DispatchEvent(dispatchID: "n-\(index)", kind: .created, severity: .critical, region: region, timestamp: t0))
        }
        events.append(DispatchEvent(dispatchID: "n-1", kind: .assigned, severity: .critical, region: "us", timestamp: t0.addingTimeInterval(1)))
        events.append(DispatchEvent(dispatchID: "n-1", kind: .acknowledged, severity: .critical, region: "us", timestamp: t0.addingTimeInterval(10)))
        events.append(DispatchEvent(dispatchID: "n-1", kind: .acknowledged, severity: .critical, region: "us", timestamp: t0.addingTimeInterval(10)))
        try metrics.add(DispatchMetricFields.increments(for: try monitor.ingest(events)))
        clock.advance(by: 20)
        let snapshot = DashboardBuilder.snapshot(buckets: try metrics.buckets(DashboardBuilder.range(at: clock.now())),
                                                 open: try states.countByStatus(), at: clock.now())
        #expect(snapshot.activeDispatches == 2 && snapshot.pendingDispatches == 3)
        let oneMinute = try #require(snapshot.windows.first)
        #expect(oneMinute.events["created"] == 3 && oneMinute.events["acknowledged"] == 1, "the duplicate counts once")
        #expect(oneMinute.timeToAcknowledge?.mean == 10)
        let day = try #require(snapshot.windows.last)
        #expect(day.window == "24h" && day.events["created"] == 5 && day.timeToAcknowledge?.mean == 20)
        #expect(snapshot.regions.map(\.region) == ["us", "eu"].sorted())
        #expect(snapshot.regions.first { $0.region == "us" }?.meanTimeToAcknowledge == 10)
        #expect(snapshot.trend.hourlyCreated.suffix(2) == [2, 3])
        #expect(snapshot.trend.slope != nil && snapshot.trend.hourlyCreated.count == 24)
    }
}
