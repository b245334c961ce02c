import Synchronization

/// Holds the policy set in force. A reload swaps in a whole new set, so an evaluation sees either
/// the old policies or the new ones, never a mix.
public final class PolicyRegistry: Sendable {
    private let state: Mutex<(set: PolicySet, version: Int)>

    /// Starts with `initial` (empty by default).
    public init(_ initial: PolicySet = .empty) {
        state = Mutex((initial, 1))
    }

    /// The set in force.
    public var current: PolicySet { state.withLock { $0.set } }

    /// Increases by one on every replacement.
    public var version: Int { state.withLock { $0.version } }

    /// Puts `set` in force.
    public func replace(with set: PolicySet) {
        state.withLock { $0 = (set, $0.version + 1) }
    }
}
