import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import VigilService

@Suite("Services stopped together")
struct ConcurrentServicesTests {
    /// Counts members told to stop; each member finishes only once every member has been told, so
    /// members stopped one after the other never finish.
    final class Rendezvous: Sendable {
        let expected: Int
        private let told = Mutex(0)
        init(expected: Int) { self.expected = expected }
        func tell() { told.withLock { $0 += 1 } }
        var everyoneTold: Bool { told.withLock { $0 == expected } }
    }

    struct Member: Service, CustomStringConvertible {
        let rendezvous: Rendezvous
        let description = "member"

        func run() async throws {
            try? await gracefulShutdown()
            rendezvous.tell()
            while !rendezvous.everyoneTold {
                try await Task.sleep(for: .milliseconds(1))
            }
        }
    }

    /// Returns at once, as a pipeline that failed on its own would.
    struct Quitter: Service, CustomStringConvertible {
        let description = "quitter"
        func run() async throws {}
    }

    final class Flag: Sendable {
        private let value = Atomic(false)
        func set() { value.store(true, ordering: .sequentiallyConsistent) }
        var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
    }

    /// Runs until cancelled (or shut down), recording a cancellation.
    struct Waiter: Service, CustomStringConvertible {
        let cancelled: Flag
        let description = "waiter"
        func run() async throws {
            try? await gracefulShutdown()
            if Task.isCancelled { cancelled.set() }
        }
    }

    private static let logger = Logger(label: "test")

    /// Runs `group` until it returns, failing (rather than hanging the suite) after `limit`.
    private func run(_ group: ServiceGroup, limit: Duration = .seconds(30), whileRunning: @Sendable @escaping () async -> Void = {}) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask { try await group.run(); return true }
            tasks.addTask { await whileRunning(); try await Task.sleep(for: limit); return false }
            let finished = try await tasks.next()!
            tasks.cancelAll()
            #expect(finished, "the group did not stop within \(limit)")
        }
    }

    @Test("graceful shutdown reaches every member at once")
    func membersStopTogether() async throws {
        let rendezvous = Rendezvous(expected: 3)
        let members = ConcurrentServices(services: (0..<3).map { _ in Member(rendezvous: rendezvous) })
        let group = ServiceGroup(configuration: .init(services: [.init(service: members)], logger: Self.logger))
        try await run(group) {
            try? await Task.sleep(for: .milliseconds(50))
            await group.triggerGracefulShutdown()
        }
        #expect(rendezvous.everyoneTold)
    }

    @Test("a member returning on its own ends the entry and cancels the others")
    func aMemberReturningEndsTheEntry() async throws {
        let cancelled = Flag()
        let entry = ConcurrentServices(services: [Waiter(cancelled: cancelled), Quitter()])
        try await entry.run()
        #expect(cancelled.isSet)
    }
}
