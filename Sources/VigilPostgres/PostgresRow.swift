import Foundation

/// One result row with typed access by column name or index.
///
/// Accessors throw a `decode` error naming the column when it is missing, NULL (check
/// `isNull` first for nullable columns), or not of the requested type.
public struct PostgresRow: Sendable {
    /// Column names and types shared by all rows of a result.
    final class Layout: Sendable {
        let columns: [PostgresColumn]
        let indexByName: [String: Int]

        init(columns: [PostgresColumn]) {
            self.columns = columns
            // The first of duplicate names wins, as in most drivers.
            self.indexByName = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    let layout: Layout
    /// Text-format values; nil is SQL NULL.
    let values: [String?]

    /// The row's columns, in order.
    public var columns: [PostgresColumn] { layout.columns }

    /// Whether the named column is SQL NULL.
    public func isNull(_ column: String) throws -> Bool { try values[index(of: column)] == nil }
    /// Whether the column at `index` is SQL NULL.
    public func isNull(_ index: Int) throws -> Bool { try values[checked(index)] == nil }

    /// The value's text form (works for every type).
    public func string(_ column: String) throws -> String { try text(at: index(of: column)) }
    /// The value's text form (works for every type).
    public func string(_ index: Int) throws -> String { try text(at: checked(index)) }

    /// An `int2`/`int4`/`int8` value.
    public func int(_ column: String) throws -> Int { try decodeInt(at: index(of: column)) }
    /// An `int2`/`int4`/`int8` value.
    public func int(_ index: Int) throws -> Int { try decodeInt(at: checked(index)) }

    /// A `float4`/`float8`/`numeric` (or integer) value.
    public func double(_ column: String) throws -> Double { try decodeDouble(at: index(of: column)) }
    /// A `float4`/`float8`/`numeric` (or integer) value.
    public func double(_ index: Int) throws -> Double { try decodeDouble(at: checked(index)) }

    /// A `bool` value.
    public func bool(_ column: String) throws -> Bool { try decodeBool(at: index(of: column)) }
    /// A `bool` value.
    public func bool(_ index: Int) throws -> Bool { try decodeBool(at: checked(index)) }

    /// A `timestamptz` (or `timestamp`, read as UTC) value.
    public func date(_ column: String) throws -> Date { try decodeDate(at: index(of: column)) }
    /// A `timestamptz` (or `timestamp`, read as UTC) value.
    public func date(_ index: Int) throws -> Date { try decodeDate(at: checked(index)) }

    /// A `json`/`jsonb` value as JSON text (jsonb is normalised by the server).
    public func json(_ column: String) throws -> String { try decodeJSON(at: index(of: column)) }
    /// A `json`/`jsonb` value as JSON text (jsonb is normalised by the server).
    public func json(_ index: Int) throws -> String { try decodeJSON(at: checked(index)) }

    /// A `uuid` value.
    public func uuid(_ column: String) throws -> UUID { try decodeUUID(at: index(of: column)) }
    /// A `uuid` value.
    public func uuid(_ index: Int) throws -> UUID { try decodeUUID(at: checked(index)) }

    /// A `bytea` value.
    public func bytes(_ column: String) throws -> [UInt8] { try decodeBytes(at: index(of: column)) }
    /// A `bytea` value.
    public func bytes(_ index: Int) throws -> [UInt8] { try decodeBytes(at: checked(index)) }

    func index(of column: String) throws -> Int {
        guard let index = layout.indexByName[column] else {
            throw PostgresError(code: .decode, message: "no column named \"\(column)\" in the result")
        }
        return index
    }

    func checked(_ index: Int) throws -> Int {
        guard values.indices.contains(index) else {
            throw PostgresError(code: .decode, message: "no column at index \(index) (row has \(values.count))")
        }
        return index
    }

    func text(at index: Int) throws -> String {
        guard let value = values[index] else {
            throw PostgresError(code: .decode, message: "column \"\(layout.columns[index].name)\" is NULL")
        }
        return value
    }

    /// Throws a decode error naming the column; never includes the value (it may be sensitive).
    func mismatch(_ index: Int, _ wanted: String) -> PostgresError {
        let column = layout.columns[index]
        return PostgresError(
            code: .decode, message: "column \"\(column.name)\" (type OID \(column.typeOID)) cannot be read as \(wanted)")
    }
}
