import Foundation

/// Runs blocking work (connects, migrations, libpq/hiredis calls) on a new OS thread and awaits it,
/// so the cooperative pool is never blocked.
func onDedicatedThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.name = name
        thread.start()
    }
}
