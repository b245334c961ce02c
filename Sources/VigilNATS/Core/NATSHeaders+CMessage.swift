import CNATS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension NATSHeaders {
    /// Reads all headers of a cnats message (which must not be touched by another thread meanwhile).
    init(message: OpaquePointer) {
        self.init()
        var keys: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        var keyCount: Int32 = 0
        guard natsMsgHeader_Keys(message, &keys, &keyCount) == NATS_OK, let keys else { return }
        // cnats hands over the array (not the strings): free it with free().
        defer { free(keys) }
        for keyIndex in 0..<Int(keyCount) {
            guard let key = keys[keyIndex] else { continue }
            var values: UnsafeMutablePointer<UnsafePointer<CChar>?>?
            var valueCount: Int32 = 0
            guard natsMsgHeader_Values(message, key, &values, &valueCount) == NATS_OK, let values else {
                continue
            }
            defer { free(values) }
            let name = String(cString: key)
            for valueIndex in 0..<Int(valueCount) {
                add(name, values[valueIndex].map { String(cString: $0) } ?? "")
            }
        }
    }

    /// Adds these headers to a cnats message being built.
    func write(to message: OpaquePointer, operation: @autoclosure () -> String) throws {
        for entry in entries {
            try NATSError.check(natsMsgHeader_Add(message, entry.name, entry.value), operation())
        }
    }
}

/// Builds a cnats message with headers; the caller owns the result and must destroy it (or hand it over).
func makeCMessage<Payload: Collection<UInt8>>(
    subject: String, reply: String?, payload: Payload, headers: NATSHeaders, operation: @autoclosure () -> String
) throws -> OpaquePointer {
    var message: OpaquePointer?
    try withPayloadBytes(payload) { (bytes, length) throws in
        let data = bytes?.assumingMemoryBound(to: CChar.self)
        try NATSError.check(natsMsg_Create(&message, subject, reply, data, length), operation())
    }
    guard let message else {
        throw NATSError(code: .other, operation: operation(), detail: "natsMsg_Create returned no message")
    }
    do {
        try headers.write(to: message, operation: operation())
    } catch {
        natsMsg_Destroy(message)
        throw error
    }
    return message
}
