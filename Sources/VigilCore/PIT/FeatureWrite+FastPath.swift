import Foundation

// The fast input path for feature writes (see ``FastReadable``): the same fields and rules as
// ``FeatureWrite/init(from:)``, read straight from the bytes; anything unusual is left to Foundation.
extension FeatureWrite: FastReadable {
    /// Reads a feature write (see ``FastReadable``).
    static func read(_ reader: inout JSONByteReader) throws(FastPathBail) -> FeatureWrite {
        var featureName: String?, entityID: String?, value: JSONValue?, eventTimestamp: PITTimestamp?, asOfTimestamp: PITTimestamp?
        var sourceTimestamps: [PITTimestamp]?, arrivalTimestamp: PITTimestamp?, version: Int?, isRevision: Bool?, serviceName: String?
        var seen = SeenKeys()
        try reader.forEachMember { (reader: inout JSONByteReader, key) throws(FastPathBail) in
            if keyIs(key, "feature_name") { try seen.mark(0); featureName = try reader.string() }
            else if keyIs(key, "entity_id") { try seen.mark(1); entityID = try reader.string() }
            // Present but null is the value `.null`, not a missing field.
            else if keyIs(key, "value") { try seen.mark(2); value = try reader.jsonValue() }
            else if keyIs(key, "event_timestamp") { try seen.mark(3); eventTimestamp = try reader.pitTimestamp() }
            else if keyIs(key, "as_of_timestamp") { try seen.mark(4); asOfTimestamp = try reader.pitTimestamp() }
            else if keyIs(key, "source_timestamps") {
                try seen.mark(5)
                if try !reader.consumeNull() {
                    var list: [PITTimestamp] = []
                    try reader.forEachElement { (reader: inout JSONByteReader) throws(FastPathBail) in list.append(try reader.pitTimestamp()) }
                    sourceTimestamps = list
                }
            }
            else if keyIs(key, "arrival_timestamp") { try seen.mark(6); arrivalTimestamp = try reader.consumeNull() ? nil : try reader.pitTimestamp() }
            else if keyIs(key, "version") { try seen.mark(7); version = try reader.integer() }
            else if keyIs(key, "is_revision") { try seen.mark(8); isRevision = try reader.bool() }
            else if keyIs(key, "service_name") { try seen.mark(9); serviceName = try reader.string() }
            else { try seen.skip(key, &reader) }
        }
        return FeatureWrite(featureName: try reader.required(featureName), entityID: try reader.required(entityID),
                            value: try reader.required(value), eventTimestamp: try reader.required(eventTimestamp),
                            asOfTimestamp: try reader.required(asOfTimestamp), sourceTimestamps: sourceTimestamps,
                            arrivalTimestamp: arrivalTimestamp, version: try reader.required(version),
                            isRevision: try reader.required(isRevision), serviceName: try reader.required(serviceName))
    }
}

extension JSONByteReader {
    /// A feature-write timestamp, keeping its text (TIMESTAMP_DRIFT reports it) and stated zone.
    /// Text with escapes or non-ASCII bytes bails; Foundation then decides (it is no timestamp).
    mutating func pitTimestamp() throws(FastPathBail) -> PITTimestamp {
        let raw = try rawString(allowNonASCII: false)
        guard let (date, zone) = PITTimestamp.parse(utf8: raw) else { throw FastPathBail() }
        return PITTimestamp(raw: String(decoding: raw, as: UTF8.self), date: date, zone: zone)
    }
}
