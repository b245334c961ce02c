public import Foundation
import VigilDigest

/// Name-based UUIDs (version 5): the same fact always gets the same id, so a redelivered input
/// re-publishes an event JetStream recognizes as a duplicate and re-inserts a row that conflicts.
public enum DeterministicID {
    /// Vigil's namespace UUID; anyone can recompute an id from its parts.
    public static let namespace = UUID(uuidString: "6f2d1f0c-8b5e-4c7a-9a43-5d1e0b7c3a21")!

    /// The version-5 UUID of `parts` joined with a unit separator (so `a|b` and `a`,`b` differ).
    public static func uuid(_ parts: String...) -> UUID {
        uuid(parts)
    }

    /// The version-5 UUID of `parts`.
    public static func uuid(_ parts: [String]) -> UUID {
        var bytes: [UInt8] = withUnsafeBytes(of: namespace.uuid) { Array($0) }
        for (index, part) in parts.enumerated() {
            if index > 0 { bytes.append(0x1F) }
            bytes.append(contentsOf: part.utf8)
        }
        var digest = SHA1.hash(bytes)
        digest[6] = (digest[6] & 0x0F) | 0x50
        digest[8] = (digest[8] & 0x3F) | 0x80
        return UUID(uuid: (digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
                           digest[8], digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]))
    }
}
