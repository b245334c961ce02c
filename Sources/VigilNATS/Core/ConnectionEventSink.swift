import CNATS
import Logging
import Synchronization

/// State shared with cnats' connection callbacks through their `void*` closure argument.
///
/// cnats holds one retained reference, released by the closed callback (the last event of a connection).
final class ConnectionEventSink: Sendable {
    let logger: Logger
    let name: String
    let closed = Atomic<Bool>(false)

    init(logger: Logger, name: String) {
        self.logger = logger
        self.name = name
    }

    static func from(_ closure: UnsafeMutableRawPointer?) -> ConnectionEventSink? {
        closure.map { Unmanaged<ConnectionEventSink>.fromOpaque($0).takeUnretainedValue() }
    }
}

// File-level functions, not closures in main.swift: cnats calls these on its own threads, so they must not be
// MainActor-isolated (that crashes at run time in an executor check).

func natsDisconnectedCallback(_ connection: OpaquePointer?, _ closure: UnsafeMutableRawPointer?) {
    guard let sink = ConnectionEventSink.from(closure) else { return }
    // A disconnect that is part of closing on purpose is not worth a warning.
    let closing = sink.closed.load(ordering: .acquiring) || connection.map { natsConnection_IsClosed($0) } ?? true
    sink.logger.log(level: closing ? .debug : .warning, "NATS disconnected", metadata: ["nats.connection": "\(sink.name)"])
}

func natsReconnectedCallback(_ connection: OpaquePointer?, _ closure: UnsafeMutableRawPointer?) {
    guard let sink = ConnectionEventSink.from(closure) else { return }
    let server = connection.flatMap { connection in
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer -> String? in
            buffer.initialize(repeating: 0)
            guard natsConnection_GetConnectedUrl(connection, buffer.baseAddress, buffer.count) == NATS_OK else { return nil }
            return swiftString(buffer.baseAddress)
        }
    }
    sink.logger.notice(
        "NATS reconnected",
        metadata: ["nats.connection": "\(sink.name)", "nats.server": "\(NATSError.scrub(server ?? "?"))"])
}

func natsClosedCallback(_ connection: OpaquePointer?, _ closure: UnsafeMutableRawPointer?) {
    guard let closure else { return }
    let sink = Unmanaged<ConnectionEventSink>.fromOpaque(closure)
    sink.takeUnretainedValue().closed.store(true, ordering: .releasing)
    sink.takeUnretainedValue().logger.info("NATS connection closed", metadata: ["nats.connection": "\(sink.takeUnretainedValue().name)"])
    // Closed is the final event cnats posts for a connection: drop the reference handed over at connect.
    sink.release()
}

func natsAsyncErrorCallback(
    _ connection: OpaquePointer?, _ subscription: OpaquePointer?, _ status: natsStatus, _ closure: UnsafeMutableRawPointer?
) {
    guard let sink = ConnectionEventSink.from(closure) else { return }
    let text = natsStatus_GetText(status).map { String(cString: $0) } ?? "status \(status.rawValue)"
    sink.logger.error(
        "NATS asynchronous error",
        metadata: ["nats.connection": "\(sink.name)", "nats.error": "\(text)", "nats.subscription": "\(subscription != nil)"])
}
