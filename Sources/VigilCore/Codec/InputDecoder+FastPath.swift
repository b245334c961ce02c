import Foundation

// The fast path of ``InputDecoder``: types that conform to ``FastReadable`` are read straight from
// the bytes, bare or inside a CloudEvents envelope, following the same rules as the Foundation
// path. Anything the fast reader does not handle returns nil, and the caller decodes with
// Foundation, which then decides acceptance and the error (so errors never come from here).
extension InputDecoder {
    /// The value if the fast reader can produce it, else nil.
    func fastDecode<T>(_ type: T.Type, from payload: Data) -> T? {
        guard let readable = T.self as? any FastReadable.Type else { return nil }
        return Self.fastRead(readable, from: payload) as? T
    }

    static func fastRead<F: FastReadable>(_ type: F.Type, from payload: Data) -> F? {
        let envelope = mayBeCloudEvent(payload)
        return payload.withUnsafeBytes { raw -> F? in
            let bytes = raw.bindMemory(to: UInt8.self)
            do throws(FastPathBail) {
                if envelope, let start = try envelopeData(bytes) {
                    var inner = JSONByteReader(bytes)
                    inner.position = start
                    return try F.read(&inner)
                }
                var reader = JSONByteReader(bytes)
                let value = try F.read(&reader)
                reader.skipWhitespace()
                guard reader.atEnd else { throw FastPathBail() }
                return value
            } catch {
                return nil
            }
        }
    }

    /// Checks a whole top-level object as a CloudEvents envelope (``CloudEventEnvelope``'s rules)
    /// and returns where its `data` value starts, or nil when there is no top-level `specversion`
    /// (then the input is a bare payload, as on the Foundation path).
    private static func envelopeData(_ bytes: UnsafeBufferPointer<UInt8>) throws(FastPathBail) -> Int? {
        var reader = JSONByteReader(bytes)
        var version: Int?, contentType: Int?, data: Int?
        var seen = SeenKeys()
        try reader.forEachMember { (reader: inout JSONByteReader, key) throws(FastPathBail) in
            reader.skipWhitespace()
            if keyIs(key, "specversion") { try seen.mark(0); version = reader.position }
            else if keyIs(key, "datacontenttype") { try seen.mark(1); contentType = reader.position }
            else if keyIs(key, "data") { try seen.mark(2); data = reader.position }
            else { try seen.markUnknown(key) }
            try reader.skipValue()
        }
        reader.skipWhitespace()
        guard reader.atEnd else { throw FastPathBail() }
        guard let version else { return nil }
        reader.position = version
        guard keyIs(try reader.rawString(allowNonASCII: false), "1.0") else { throw FastPathBail() }
        if let contentType {
            reader.position = contentType
            if try !reader.consumeNull() {
                let text = try reader.rawString(allowNonASCII: false)
                guard String(decoding: text, as: UTF8.self).lowercased().contains("json") else { throw FastPathBail() }
            }
        }
        guard let data else { throw FastPathBail() }
        reader.position = data
        guard try !reader.consumeNull() else { throw FastPathBail() }
        return data
    }
}
