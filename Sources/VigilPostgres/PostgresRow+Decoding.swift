import Foundation

extension PostgresRow {
    private enum OID {
        static let integers: Set<UInt32> = [20, 21, 23, 26]
        static let floats: Set<UInt32> = [700, 701, 1700]
        static let bool: UInt32 = 16
        static let timestamps: Set<UInt32> = [1114, 1184]
        static let json: Set<UInt32> = [114, 3802]
        static let uuid: UInt32 = 2950
        static let bytea: UInt32 = 17
    }

    private func requireType(_ index: Int, _ allowed: Set<UInt32>, _ wanted: String) throws -> String {
        guard allowed.contains(layout.columns[index].typeOID) else { throw mismatch(index, wanted) }
        return try text(at: index)
    }

    func decodeInt(at index: Int) throws -> Int {
        guard let value = Int(try requireType(index, OID.integers, "an integer")) else { throw mismatch(index, "an integer") }
        return value
    }

    func decodeDouble(at index: Int) throws -> Double {
        let text = try requireType(index, OID.floats.union(OID.integers), "a double")
        guard let value = Double(text) ?? Self.specialDouble(text) else { throw mismatch(index, "a double") }
        return value
    }

    private static func specialDouble(_ text: String) -> Double? {
        switch text {
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        case "NaN": .nan
        default: nil
        }
    }

    func decodeBool(at index: Int) throws -> Bool {
        switch try requireType(index, [OID.bool], "a bool") {
        case "t": return true
        case "f": return false
        default: throw mismatch(index, "a bool")
        }
    }

    func decodeDate(at index: Int) throws -> Date {
        guard let date = PostgresTimestamp.parse(try requireType(index, OID.timestamps, "a timestamp")) else {
            throw mismatch(index, "a finite timestamp")
        }
        return date
    }

    func decodeJSON(at index: Int) throws -> String {
        try requireType(index, OID.json, "JSON")
    }

    func decodeUUID(at index: Int) throws -> UUID {
        guard let uuid = UUID(uuidString: try requireType(index, [OID.uuid], "a UUID")) else { throw mismatch(index, "a UUID") }
        return uuid
    }

    func decodeBytes(at index: Int) throws -> [UInt8] {
        // bytea_output = hex (the default since 9.0): "\x" then two hex digits per byte.
        let text = Array(try requireType(index, [OID.bytea], "bytes").utf8)
        guard text.count >= 2, text[0] == 92, text[1] == 120, text.count % 2 == 0 else { throw mismatch(index, "hex bytea") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((text.count - 2) / 2)
        var position = 2
        while position < text.count {
            guard let high = Self.nibble(text[position]), let low = Self.nibble(text[position + 1]) else {
                throw mismatch(index, "hex bytea")
            }
            bytes.append(high << 4 | low)
            position += 2
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 97...102: byte - 87
        case 65...70: byte - 55
        default: nil
        }
    }
}
