import Synchronization

/// The latest portfolio snapshot per portfolio, used when a decision carries no state.
/// Implementations may block (Redis); they are called from worker threads, never the
/// cooperative pool.
public protocol PortfolioStateStore: Sendable {
    /// The latest snapshots of the given portfolios; absent ones are missing from the result.
    func latestStates(for portfolioIDs: Set<String>) throws -> [String: PortfolioState]
    /// Stores `state` unless a snapshot at least as new (`as_of`) is stored; returns whether it did.
    @discardableResult
    func save(_ state: PortfolioState) throws -> Bool
}

/// In-memory ``PortfolioStateStore`` for tests and the simulator.
public final class InMemoryPortfolioStateStore: PortfolioStateStore {
    private let states = Mutex<[String: PortfolioState]>([:])

    /// Creates an empty store.
    public init() {}

    public func latestStates(for portfolioIDs: Set<String>) throws -> [String: PortfolioState] {
        states.withLock { all in all.filter { portfolioIDs.contains($0.key) } }
    }

    @discardableResult
    public func save(_ state: PortfolioState) throws -> Bool {
        states.withLock { all in
            if let stored = all[state.portfolioID], stored.asOf >= state.asOf { return false }
            all[state.portfolioID] = state
            return true
        }
    }
}
