public import Prometheus

/// Vigil's Prometheus metrics. Counters are created on first use per label set and cached by the
/// registry, so recording is a dictionary lookup and an atomic add.
public struct VigilMetrics: Sendable {
    /// The registry served on `/metrics`.
    public let registry: PrometheusCollectorRegistry

    /// Creates the metrics on `registry`.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    private func counter(_ name: String, _ help: String, _ labels: [(String, String)]) -> Counter {
        registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "vigil", metricName: name, unitName: "total", helpText: help),
                             labels: labels)
    }

    /// An input of `kind` (decision, validation_request, …) arrived.
    public func input(_ kind: String, count: Int = 1) {
        counter("inputs", "Inputs received, by kind", [("kind", kind)]).increment(by: Int64(count))
    }

    /// An output of `kind` (policy_validation_completed, violation, dead_letter, reply) was made durable.
    public func output(_ kind: String, count: Int = 1) {
        counter("outputs", "Outputs published or written, by kind", [("kind", kind)]).increment(by: Int64(count))
    }

    /// A failure for `reason` (an input error code, or publish_failed, database_failed, …).
    public func error(_ reason: String, count: Int = 1) {
        counter("errors", "Errors, by reason", [("reason", reason)]).increment(by: Int64(count))
    }

    /// A violation was found.
    public func violation(domain: String, severity: String) {
        counter("violations", "Violations found, by domain and severity", [("domain", domain), ("severity", severity)]).increment()
    }

    /// Time from fetch to acknowledgement of a batch, recorded once per message (`count`), or of one request.
    public func processingLatency(_ kind: String, seconds: Double, count: Int = 1) {
        let histogram = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "vigil", metricName: "processing_duration", unitName: "seconds",
                                             helpText: "Time from receipt to durable effects, by kind"),
            labels: [("kind", kind)], buckets: Self.buckets)
        let duration = Duration.nanoseconds(Int64(seconds * 1e9))
        for _ in 0..<max(count, 0) { histogram.record(duration) }
    }

    /// How old inputs were when a worker took them: from the stream storing each (the NATS
    /// server's clock) to the fetch that handed it over (this host's clock). With the server on
    /// another host, clock skew shifts it.
    public func inputAge(_ kind: String, seconds: [Double]) {
        let histogram = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "vigil", metricName: "input_age", unitName: "seconds",
                                             helpText: "Time from the stream storing an input to a worker taking it, by kind"),
            labels: [("kind", kind)], buckets: Self.buckets)
        for value in seconds { histogram.record(.nanoseconds(Int64(max(value, 0) * 1e9))) }
    }

    /// Time one stage (`prepare`, `commit`) of a stream pipeline took for one batch.
    public func stageDuration(_ kind: String, stage: String, seconds: Double) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "vigil", metricName: "stage_duration", unitName: "seconds",
                                             helpText: "Time one pipeline stage took for one batch, by input kind and stage"),
            labels: [("kind", kind), ("stage", stage)], buckets: Self.buckets
        ).record(.nanoseconds(Int64(seconds * 1e9)))
    }

    /// Sets a gauge, e.g. the policy set's version.
    public func gauge(_ name: String, _ help: String, _ value: Double, labels: [(String, String)] = []) {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "vigil", metricName: name, unitName: "", helpText: help),
                           labels: labels).set(value)
    }

    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(5),
    ]
}
