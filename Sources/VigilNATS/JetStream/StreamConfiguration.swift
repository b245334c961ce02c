import CNATS

/// The settings of a JetStream stream that Vigil manages. Defaults match nats-server's.
public struct StreamConfiguration: Sendable, Hashable {
    /// Where messages are kept.
    public enum Storage: Sendable, Hashable { case file, memory }
    /// When messages are removed.
    public enum Retention: Sendable, Hashable { case limits, workQueue, interest }
    /// What happens when a limit is reached.
    public enum Discard: Sendable, Hashable { case old, new }

    /// Stream name (no dots, spaces or wildcards).
    public var name: String
    /// Subjects captured by the stream (wildcards allowed).
    public var subjects: [String]
    /// Storage kind (default: file).
    public var storage: Storage = .file
    /// Retention policy (default: limits).
    public var retention: Retention = .limits
    /// Maximum message age; `.zero` keeps forever (default: zero).
    public var maxAge: Duration = .zero
    /// Maximum total bytes; -1 for unlimited (default: -1).
    public var maxBytes: Int64 = -1
    /// Maximum message count; -1 for unlimited (default: -1).
    public var maxMessages: Int64 = -1
    /// Messages kept per subject (the newest); -1 for unlimited (default: -1).
    public var maxMessagesPerSubject: Int64 = -1
    /// Largest accepted message in bytes; -1 for the server limit (default: -1).
    public var maxMessageSize: Int32 = -1
    /// Window in which a repeated `Nats-Msg-Id` is dropped as a duplicate (default: 2 minutes).
    public var duplicateWindow: Duration = .seconds(120)
    /// Number of replicas in a cluster (default: 1).
    public var replicas: Int = 1
    /// Discard policy (default: old).
    public var discard: Discard = .old

    /// A stream configuration with server defaults for everything but name and subjects.
    public init(name: String, subjects: [String]) {
        self.name = name
        self.subjects = subjects
    }

    /// Reads a configuration returned by the server.
    init(_ c: jsStreamConfig) {
        name = swiftString(c.Name) ?? ""
        subjects = (0..<Int(c.SubjectsLen)).compactMap { c.Subjects?[$0].flatMap(swiftString) }
        storage = c.Storage == js_MemoryStorage ? .memory : .file
        retention = switch c.Retention {
        case js_WorkQueuePolicy: .workQueue
        case js_InterestPolicy: .interest
        default: .limits
        }
        maxAge = .natsNanoseconds(c.MaxAge)
        maxBytes = c.MaxBytes
        maxMessages = c.MaxMsgs
        maxMessagesPerSubject = c.MaxMsgsPerSubject
        maxMessageSize = c.MaxMsgSize
        duplicateWindow = .natsNanoseconds(c.Duplicates)
        replicas = Int(c.Replicas)
        discard = c.Discard == js_DiscardNew ? .new : .old
    }

    /// Fills a cnats configuration; strings live in `arena`.
    func cConfiguration(arena: CStringArena) throws -> jsStreamConfig {
        var c = jsStreamConfig()
        try NATSError.check(jsStreamConfig_Init(&c), "initialise stream configuration")
        c.Name = arena.copy(name)
        c.Subjects = arena.copyArray(subjects)
        c.SubjectsLen = Int32(subjects.count)
        c.Storage = storage == .memory ? js_MemoryStorage : js_FileStorage
        c.Retention = switch retention {
        case .limits: js_LimitsPolicy
        case .workQueue: js_WorkQueuePolicy
        case .interest: js_InterestPolicy
        }
        c.MaxAge = maxAge.natsNanoseconds
        c.MaxBytes = maxBytes
        c.MaxMsgs = maxMessages
        c.MaxMsgsPerSubject = maxMessagesPerSubject
        c.MaxMsgSize = maxMessageSize
        c.Duplicates = duplicateWindow.natsNanoseconds
        c.Replicas = Int64(replicas)
        c.Discard = discard == .new ? js_DiscardNew : js_DiscardOld
        return c
    }

    /// Whether the server's copy already has these settings (subjects compared as a set).
    func matches(_ existing: StreamConfiguration) -> Bool {
        var normalized = existing
        normalized.subjects = subjects
        return Set(existing.subjects) == Set(subjects) && normalized == self
    }
}

/// What a stream holds right now, plus its configuration as the server reports it.
public struct StreamInfoSummary: Sendable, Hashable {
    /// The stream's configuration as stored by the server.
    public var configuration: StreamConfiguration
    /// Number of messages stored.
    public var messages: UInt64
    /// Bytes stored.
    public var bytes: UInt64
    /// Sequence of the oldest stored message (0 when empty).
    public var firstSequence: UInt64
    /// Sequence of the newest stored message (0 when empty).
    public var lastSequence: UInt64
    /// Number of consumers on the stream.
    public var consumerCount: Int

    init(_ info: jsStreamInfo) {
        configuration = info.Config.map { StreamConfiguration($0.pointee) } ?? StreamConfiguration(name: "", subjects: [])
        messages = info.State.Msgs
        bytes = info.State.Bytes
        firstSequence = info.State.FirstSeq
        lastSequence = info.State.LastSeq
        consumerCount = Int(info.State.Consumers)
    }
}
