import CNATS

/// A durable pull consumer with explicit acks, as Vigil uses them.
public struct ConsumerConfiguration: Sendable, Hashable {
    /// Where a new consumer starts.
    public enum DeliverPolicy: Sendable, Hashable { case all, new }

    /// Durable name shared by all instances that split the work.
    public var durableName: String
    /// Only messages on this subject (wildcards allowed); nil for the whole stream (default: nil).
    public var filterSubject: String?
    /// How long the server waits for an ack before redelivering (default: 30 s).
    public var ackWait: Duration = .seconds(30)
    /// Deliveries before a message is given up on; -1 for unlimited (default: -1).
    public var maxDeliver: Int = -1
    /// Unacknowledged messages allowed in flight across all instances (default: 1,000).
    public var maxAckPending: Int = 1_000
    /// Start position for a new consumer (default: all).
    public var deliverPolicy: DeliverPolicy = .all
    /// Redelivery delays per attempt; when set, the server uses its first entry as the ack wait and
    /// `maxDeliver` must exceed its length (default: nil).
    public var backoff: [Duration]?

    /// A consumer configuration with defaults.
    public init(durableName: String, filterSubject: String? = nil) {
        self.durableName = durableName
        self.filterSubject = filterSubject
    }

    init(_ c: jsConsumerConfig) {
        durableName = swiftString(c.Durable) ?? swiftString(c.Name) ?? ""
        filterSubject = swiftString(c.FilterSubject).flatMap { $0.isEmpty ? nil : $0 }
        ackWait = .natsNanoseconds(c.AckWait)
        maxDeliver = Int(c.MaxDeliver)
        maxAckPending = Int(c.MaxAckPending)
        deliverPolicy = c.DeliverPolicy == js_DeliverNew ? .new : .all
        let backoff = (0..<Int(c.BackOffLen)).compactMap { c.BackOff?[$0] }.map(Duration.natsNanoseconds)
        self.backoff = backoff.isEmpty ? nil : backoff
    }

    func cConfiguration(arena: CStringArena) throws -> jsConsumerConfig {
        var c = jsConsumerConfig()
        try NATSError.check(jsConsumerConfig_Init(&c), "initialise consumer configuration")
        c.Durable = arena.copy(durableName)
        c.FilterSubject = arena.copy(filterSubject)
        c.AckPolicy = js_AckExplicit
        c.AckWait = ackWait.natsNanoseconds
        c.MaxDeliver = Int64(maxDeliver)
        c.MaxAckPending = Int64(maxAckPending)
        c.DeliverPolicy = deliverPolicy == .new ? js_DeliverNew : js_DeliverAll
        if let backoff, !backoff.isEmpty {
            c.BackOff = arena.copyArray(backoff.map(\.natsNanoseconds))
            c.BackOffLen = Int32(backoff.count)
        }
        return c
    }

    /// Whether the server's copy already has these settings (it replaces the ack wait by the first backoff).
    func matches(_ existing: ConsumerConfiguration) -> Bool {
        var expected = self
        if let first = backoff?.first { expected.ackWait = first }
        return expected == existing
    }
}

/// A consumer's configuration and progress as the server reports it.
public struct ConsumerInfoSummary: Sendable, Hashable {
    /// Stream the consumer reads.
    public var stream: String
    /// The consumer's configuration as stored by the server.
    public var configuration: ConsumerConfiguration
    /// Messages not yet delivered.
    public var pending: UInt64
    /// Messages delivered and not yet acknowledged.
    public var ackPending: Int
    /// Messages delivered more than once so far.
    public var redelivered: Int

    init(_ info: jsConsumerInfo) {
        stream = swiftString(info.Stream) ?? ""
        configuration = info.Config.map { ConsumerConfiguration($0.pointee) } ?? ConsumerConfiguration(durableName: swiftString(info.Name) ?? "")
        pending = info.NumPending
        ackPending = Int(info.NumAckPending)
        redelivered = Int(info.NumRedelivered)
    }
}
