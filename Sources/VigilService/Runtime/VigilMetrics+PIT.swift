import Foundation
import Prometheus
import VigilCore

extension VigilMetrics {
    /// A PIT violation was found: counted by type and severity (the seed's "violations by
    /// severity" and "violation trends" dashboards), and its detection delay recorded (MTTD:
    /// detection − the write's arrival).
    public func pitViolation(_ violation: DetectedViolation) {
        self.violation(domain: "pit", severity: violation.severity.subjectToken)
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "vigil", metricName: "pit_violations", unitName: "total",
                                             helpText: "PIT violations found, by type and severity"),
            labels: [("violation_type", violation.violationType), ("severity", violation.severity.rawValue)]
        ).increment()
        guard let occurred = violation.occurredAt else { return }
        let seconds = max(0, violation.detectedAt.timeIntervalSince(occurred))
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "vigil", metricName: "pit_time_to_detection", unitName: "seconds",
                                             helpText: "Time from a feature write's arrival to detection of its violation (MTTD)"),
            labels: [("severity", violation.severity.rawValue)], buckets: Self.buckets
        ).record(.nanoseconds(Int64(min(seconds, 1e9) * 1e9)))
    }
}
