import Synchronization

/// A dispatch record with the version it was stored under, for compare-and-set.
public struct VersionedDispatch: Sendable, Equatable {
    /// The record.
    public var record: DispatchRecord
    /// Incremented by every successful store.
    public var version: Int64

    /// Creates a versioned record.
    public init(record: DispatchRecord, version: Int64) {
        self.record = record
        self.version = version
    }
}

/// Current dispatch records shared by every instance. Updates are compare-and-set on the version,
/// so two instances applying events of one dispatch at once cannot lose either update: the loser
/// reloads and applies its event again (the lifecycle is pure, so that is safe).
public protocol DispatchStateStore: Sendable {
    /// The record of `dispatchID`, nil when unknown.
    func load(_ dispatchID: String) throws -> VersionedDispatch?
    /// Stores `record` if the stored version is still `expected` (nil: not stored yet); false otherwise.
    func store(_ record: DispatchRecord, expecting expected: Int64?) throws -> Bool
    /// Number of dispatches by status (for active/pending counts).
    func countByStatus() throws -> [DispatchStatus: Int]
}

/// ``DispatchStateStore`` in memory, for unit tests and the simulator.
public final class InMemoryDispatchStateStore: DispatchStateStore {
    private let records = Mutex<[String: VersionedDispatch]>([:])

    /// Creates an empty store.
    public init() {}

    public func load(_ dispatchID: String) throws -> VersionedDispatch? {
        records.withLock { $0[dispatchID] }
    }

    public func store(_ record: DispatchRecord, expecting expected: Int64?) throws -> Bool {
        records.withLock { records in
            guard records[record.dispatchID]?.version == expected else { return false }
            records[record.dispatchID] = VersionedDispatch(record: record, version: (expected ?? 0) + 1)
            return true
        }
    }

    public func countByStatus() throws -> [DispatchStatus: Int] {
        records.withLock { records in records.values.reduce(into: [:]) { $0[$1.record.status, default: 0] += 1 } }
    }
}
