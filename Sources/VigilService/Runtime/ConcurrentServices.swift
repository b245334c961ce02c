import ServiceLifecycle

/// Services that run side by side and stop together: one entry of a `ServiceGroup`, whose graceful
/// shutdown reaches every member at once (they share the group's shutdown through task locals).
///
/// A `ServiceGroup` stops its services one after the other, in reverse order, waiting for each. That
/// order matters between tiers (the HTTP listener before the pipelines, the pipelines before the
/// decision log they write to), but not among independent stream consumers, each of which needs up
/// to its `fetch_wait` to notice the stop. Stopped in turn, five of them took 2.5 s; together they
/// take the longest one's.
struct ConcurrentServices: Service, CustomStringConvertible {
    let services: [any Service]

    var description: String { "ConcurrentServices(\(services.map { "\($0)" }.joined(separator: ", ")))" }

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in services {
                group.addTask { try await service.run() }
            }
            // A member that returns on its own, outside a shutdown, ends the entry (the others are
            // cancelled), so the group reacts as it would to that service returning alone, once the
            // others have stopped (up to their fetch_wait, or a subscription's drain): meanwhile the
            // HTTP listener still answers.
            while try await group.next() != nil {
                if !Task.isShuttingDownGracefully {
                    group.cancelAll()
                    return
                }
            }
        }
    }
}
