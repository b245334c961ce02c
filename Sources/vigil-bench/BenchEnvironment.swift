import Foundation

/// Reads the connection settings `scripts/stack.sh up` writes to `.vigil/env`.
enum BenchEnvironment {
    /// `VIGIL_NATS_URL`, or an error saying how to set it.
    static func natsURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["VIGIL_NATS_URL"], !url.isEmpty else {
            throw BenchError("VIGIL_NATS_URL is not set: run scripts/stack.sh up, then `set -a; . .vigil/env; set +a`, and start `vigil run`")
        }
        return url
    }
}
