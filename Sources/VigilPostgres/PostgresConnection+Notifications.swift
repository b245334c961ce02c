import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// A NOTIFY received on a channel this connection listens to.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel name.
    public let channel: String
    /// The payload (empty when none was sent).
    public let payload: String
    /// The server process ID of the session that sent it.
    public let processID: Int32
}

extension PostgresConnection {
    /// Starts listening on `channel` (an identifier); re-issued automatically after a reset.
    public func listen(_ channel: String) throws {
        try execute("LISTEN \(PostgresIdentifier.quoted(channel))")
        listenedChannels.insert(channel)
    }

    /// Stops listening on `channel`.
    public func unlisten(_ channel: String) throws {
        try execute("UNLISTEN \(PostgresIdentifier.quoted(channel))")
        listenedChannels.remove(channel)
    }

    /// Sends a notification; delivered when the surrounding transaction (if any) commits.
    public func notify(channel: String, payload: String = "") throws {
        try execute("SELECT pg_notify($1, $2)", [.text(channel), .text(payload)])
    }

    /// Waits up to `timeout` for notifications on the listened channels and returns those
    /// that arrived (all that are buffered, not just one); returns [] on timeout.
    public func waitForNotifications(timeout: Duration) throws -> [PostgresNotification] {
        try withReadyHandle { handle in
            let clock = ContinuousClock()
            let deadline = clock.now + timeout
            // Notifications may already have been read along with an earlier query's result.
            var received = Self.drainNotifications(handle)
            while received.isEmpty {
                let remaining = clock.now.duration(to: deadline)
                guard remaining > .zero else { return [] }
                let socket = PQsocket(handle)
                guard socket >= 0 else {
                    throw PostgresError(code: .connection, message: "connection has no socket", status: "CONNECTION_BAD")
                }
                var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(clamping: remaining.components.seconds * 1000
                    + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
                let ready = poll(&descriptor, 1, milliseconds)
                if ready < 0 {
                    guard errno == EINTR else {
                        throw PostgresError(code: .connection, message: "poll failed", status: "errno \(errno)")
                    }
                    continue
                }
                guard ready > 0 else { continue }
                if PQconsumeInput(handle) == 0 {
                    throw PostgresError.fromLibPQ(connection: handle, .consumeInput, secret: configuration.password)
                        ?? PostgresError(code: .connection, message: "connection lost while waiting")
                }
                received = Self.drainNotifications(handle)
            }
            return received
        }
    }

    /// Re-issues LISTEN for every channel after a reset.
    func relisten() throws {
        for channel in listenedChannels.sorted() {
            try execute("LISTEN \(PostgresIdentifier.quoted(channel))")
        }
    }

    private static func drainNotifications(_ handle: OpaquePointer) -> [PostgresNotification] {
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            defer { PQfreemem(notify) }
            notifications.append(PostgresNotification(
                channel: String(cString: notify.pointee.relname),
                payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                processID: notify.pointee.be_pid))
        }
        return notifications
    }
}
